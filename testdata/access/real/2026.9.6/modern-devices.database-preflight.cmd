openclaw database preflight /tmp/access-regen.cpA2CP/prove/modern-devices-28566/.openclaw/state/openclaw.sqlite --json
