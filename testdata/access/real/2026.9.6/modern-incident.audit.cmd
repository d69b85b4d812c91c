openclaw audit --json --limit 100
