#!/usr/bin/env bash
# The project's whole test suite: the real programs the tests run against
# (scripts/deps.sh installs the missing ones), vet, format, staticcheck, race
# tests, and a short run of every fuzz target. Used by CI (.ci/run) and by
# developers.
#
#   HARDSHELL_DEPS=skip  install nothing (tests needing what is absent skip)
#   FUZZTIME=4s          time per fuzz target (set FUZZTIME=0 to skip fuzzing)
#   GOTEST_TIMEOUT=25m   go test's limit for one package's test binary
#
# CI has 90 minutes for the whole run on 2 cores; the suite's budget is 30
# (about 15 is the aim), so a package that hangs is stopped, with its
# goroutines dumped, long before CI is. At the end each step's duration is
# printed, and go test prints each package's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

steps=()
test_log="$(mktemp)"
step_name=""
step_start=$SECONDS
suite_start=$SECONDS
step_end() {
	if [[ -n "$step_name" ]]; then
		steps+=("$(printf '%6ss  %s' "$((SECONDS - step_start))" "$step_name")")
	fi
	step_name=""
}
step() {
	step_end
	step_name="$*"
	step_start=$SECONDS
	printf '\n==> %s\n' "$*"
}
durations() {
	local rc=$?
	step_end
	if [[ -s "$test_log" ]]; then
		printf '\n==> slowest test packages\n'
		awk '$1 == "ok" || $1 == "FAIL" { if ($3 ~ /s$/) printf "%8s  %s %s\n", $3, $1, $2 }' "$test_log" |
			sort -rn | head -8
	fi
	rm -f "$test_log"
	printf '\n==> step durations (load average at the end: %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
	printf '%s\n' "${steps[@]}"
	printf '%6ss  total\n' "$((SECONDS - suite_start))"
	return "$rc"
}
trap durations EXIT

step "test dependencies"
bash scripts/deps.sh

step "go vet"
go vet ./...

step "gofmt"
unformatted="$(gofmt -l . | grep -Ev '(^|/)testdata/' || true)"
if [[ -n "$unformatted" ]]; then
	echo "these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi

step "staticcheck"
go tool staticcheck ./...

step "go test -race"
go test -race -count=1 -timeout="${GOTEST_TIMEOUT:-25m}" ./... 2>&1 | tee "$test_log"

fuzztime="${FUZZTIME:-4s}"
if [[ "$fuzztime" == "0" ]]; then
	echo "fuzzing skipped (FUZZTIME=0)"
	exit 0
fi

step "fuzz (${fuzztime} per target)"
targets=0
while IFS= read -r file; do
	[[ -z "$file" ]] && continue
	pkg="./$(dirname "$file")"
	while IFS= read -r name; do
		[[ -z "$name" ]] && continue
		echo "--- fuzz ${pkg} ${name}"
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"
		targets=$((targets + 1))
	done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file")
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sed 's|^\./||' | sort || true)
echo "fuzzed ${targets} target(s)"
