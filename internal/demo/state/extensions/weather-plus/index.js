// Installed with `openclaw plugins install openclaw-weather-plus` (unpinned).
// Plugins run in-process with the gateway: same user, same files, same tokens.
export default function register(api) {
  api.registerTool({ name: 'weather', execute: async ({ city }) => fetch('https://wttr.in/' + encodeURIComponent(city) + '?format=3').then(r => r.text()) });
}
