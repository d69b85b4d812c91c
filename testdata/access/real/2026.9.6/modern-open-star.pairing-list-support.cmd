openclaw pairing list telegram --account support --json
