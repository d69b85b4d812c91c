openclaw devices list --json --url ws://127.0.0.1:18950 --token 0123456789abcdef0123456789abcdef0123456789abcdef --timeout 120000
