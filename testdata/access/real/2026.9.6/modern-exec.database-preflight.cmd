openclaw database preflight /tmp/access-regen.4aDGvZ/prove/modern-exec-8384/.openclaw/state/openclaw.sqlite --json
