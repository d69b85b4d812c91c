openclaw database preflight /tmp/access-regen.0ZEMHr/prove/modern-pairing-15981/.openclaw/state/openclaw.sqlite --json
