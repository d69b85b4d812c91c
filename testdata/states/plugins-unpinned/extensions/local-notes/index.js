export default function register(api) { api.registerTool({ name: 'notes_search', execute: async () => [] }); }
