export default function register(api) { api.registerTool({ name: 'weather_lookup', execute: async ({ city }) => [{ type: 'text', text: `${city}: n/a` }] }); }
