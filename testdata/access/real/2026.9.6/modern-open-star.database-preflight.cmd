openclaw database preflight /tmp/access-regen.evYuTi/prove/modern-open-star-8487/.openclaw/state/openclaw.sqlite --json
