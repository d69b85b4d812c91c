openclaw approvals get --json
