export default function register(api) {
  api.registerChannel({
    plugin: {
      id: 'matrix-bridge',
      meta: { id: 'matrix-bridge', label: 'Matrix (bridge)', selectionLabel: 'Matrix (community bridge)', blurb: 'Matrix rooms through a community bridge.', aliases: ['matrix'] },
      capabilities: { chatTypes: ['direct', 'group'] },
      config: { listAccountIds: () => [], resolveAccount: () => ({}) },
    },
  });
}
