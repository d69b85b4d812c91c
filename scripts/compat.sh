#!/usr/bin/env bash
# Compare hardshell's audit with the real OpenClaw audit on every state-dir
# fixture and write docs/compat.md.
#
# The OpenClaw side is the saved ground truth in testdata/compat/
# (openclaw-<version>/<state>.json, made by testdata/compat/regen.sh with the
# real CLIs); the hardshell side is produced now: each testdata/states/<name>
# is materialized with its .modes (real permission bits and symlinks) and
# audited with `hardshell audit --json --state-dir DIR` in a clean
# environment (no OPENCLAW_* / token variables, as openclaw-audit.sh does).
#
# Usage: scripts/compat.sh [-o docs/compat.md] [-k KEEPDIR]
#   -k  keep hardshell's JSON reports in KEEPDIR (default: a temp dir, removed)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/docs/compat.md"
keep=""
while getopts "o:k:" opt; do
	case "$opt" in
	o) out="$OPTARG" ;;
	k) keep="$OPTARG" ;;
	*) echo "usage: $0 [-o FILE] [-k KEEPDIR]" >&2; exit 2 ;;
	esac
done
cd "$root"
work="$(mktemp -d)"
cleanup() { chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/hardshell" ./cmd/hardshell
reports="${keep:-$work/reports}"
mkdir -p "$reports"
for dir in testdata/states/*/; do
	name="$(basename "$dir")"
	state="$work/$name/.openclaw"
	scripts/materialize-state.sh "$name" "$state" >/dev/null
	# exit 1 = findings at or above --fail-on, 2 = bad input: both still print a report
	set +e
	env -i PATH="$PATH" HOME="$work/$name" "$work/hardshell" audit --json --state-dir "$state" >"$reports/$name.json"
	rc=$?
	set -e
	if [[ $rc -gt 2 || ! -s "$reports/$name.json" ]]; then
		echo "compat: hardshell audit failed on $name (exit $rc)" >&2
		exit 1
	fi
	echo "hardshell $name: exit $rc"
done
go run ./internal/tools/compatreport -compat testdata/compat -states testdata/states -hardshell "$reports" -o "$out"
echo "wrote $out"
grep -m1 '^\*\*MISSING' "$out" || true
