export default function register(api) {
  api.registerChannel({ id: 'matrix-bridge' });
}
