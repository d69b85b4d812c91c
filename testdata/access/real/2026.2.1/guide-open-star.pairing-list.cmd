openclaw pairing list telegram --json
