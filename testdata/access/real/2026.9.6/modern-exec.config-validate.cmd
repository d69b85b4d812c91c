openclaw config validate --json
