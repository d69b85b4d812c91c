#!/usr/bin/env bash
# Copy testdata/states/NAME to DEST with the modes and symlinks listed in
# testdata/states/NAME.modes (git keeps neither). DEST must not exist.
# Usage: scripts/materialize-state.sh NAME DEST
set -euo pipefail
if [[ $# -ne 2 ]]; then
	echo "usage: $0 NAME DEST" >&2
	exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$2"
[[ "$dest" = /* ]] || dest="$PWD/$dest"
cd "$root"
exec go run ./internal/tools/materialize -states "$root/testdata/states" "$1" "$dest"
