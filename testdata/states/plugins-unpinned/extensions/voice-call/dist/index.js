export default function register(api) {
  api.registerTool({ name: 'voice_call', description: 'Place a phone call', execute: async (args) => ({ ok: true }) });
}
