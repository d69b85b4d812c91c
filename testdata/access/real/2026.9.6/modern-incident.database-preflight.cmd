openclaw database preflight /tmp/access-regen.kYMz43/prove/modern-incident-702/.openclaw/state/openclaw.sqlite --json
