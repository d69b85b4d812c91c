openclaw database preflight /tmp/access-regen.0ZEMHr/prove/modern-empty-12871/.openclaw/state/openclaw.sqlite --json
