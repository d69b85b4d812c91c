#!/usr/bin/env bash
# Differential test of hardshell's JSON5 parser against the npm `json5`
# package (the parser OpenClaw itself uses). For every *.json / *.json5 under
# testdata/configs (recursively) it prints the value as canonical JSON
# (sorted keys, JSON.stringify numbers, NaN/±Infinity → null) with both
# parsers and compares. Exit 0 when all agree, 1 on any difference.
#
# Needs node + npm. json5 is installed once into
# ${XDG_CACHE_HOME:-$HOME/.cache}/hardshell-json5 (override JSON5_VERSION to
# pin another release).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=${1:-$repo/testdata/configs}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hardshell-json5

command -v node >/dev/null || { echo "json5-differential: node not found" >&2; exit 2; }
command -v npm >/dev/null || { echo "json5-differential: npm not found" >&2; exit 2; }

version=${JSON5_VERSION:-$(npm view json5 version)}
installed=$(node -e 'try{console.log(require(process.argv[1]+"/node_modules/json5/package.json").version)}catch{}' "$cache")
if [ "$installed" != "$version" ]; then
	mkdir -p "$cache"
	echo "installing json5@$version into $cache" >&2
	(cd "$cache" && npm install --no-audit --no-fund --silent --no-save "json5@$version" >/dev/null)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$repo" && go build -o "$work/json5dump" ./internal/tools/json5dump)

cat >"$work/canon.js" <<'JS'
// Canonical JSON of a JSON5 file via npm json5: keys sorted by UTF-16 code
// units (emitted explicitly, so integer-like keys keep that order too).
const JSON5 = require(process.argv[2] + "/node_modules/json5");
const fs = require("fs");
function canon(v) {
	if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
	if (v !== null && typeof v === "object") {
		return "{" + Object.keys(v).sort().map(k => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
	}
	return JSON.stringify(v);
}
try {
	process.stdout.write(canon(JSON5.parse(fs.readFileSync(process.argv[3], "utf8"))) + "\n");
} catch (e) {
	process.stderr.write(e.message + "\n");
	process.exit(1);
}
JS

total=0 same=0 differ=0
while IFS= read -r -d '' f; do
	rel=${f#"$repo"/}
	total=$((total + 1))
	node_rc=0 go_rc=0
	node "$work/canon.js" "$cache" "$f" >"$work/node.out" 2>"$work/node.err" || node_rc=$?
	"$work/json5dump" "$f" >"$work/go.out" 2>"$work/go.err" || go_rc=$?
	if [ $node_rc -ne 0 ] && [ $go_rc -ne 0 ]; then
		echo "OK    $rel (both reject)"
		same=$((same + 1))
	elif [ $node_rc -ne 0 ] || [ $go_rc -ne 0 ]; then
		echo "DIFF  $rel"
		[ $node_rc -ne 0 ] && echo "      json5 rejects: $(head -c 300 "$work/node.err")"
		[ $go_rc -ne 0 ] && echo "      json5dump rejects: $(head -c 300 "$work/go.err")"
		differ=$((differ + 1))
	elif cmp -s "$work/node.out" "$work/go.out"; then
		echo "OK    $rel"
		same=$((same + 1))
	else
		echo "DIFF  $rel"
		# first differing position, with a little context
		node -e '
			const fs = require("fs");
			const a = fs.readFileSync(process.argv[1], "utf8"), b = fs.readFileSync(process.argv[2], "utf8");
			let i = 0; while (i < a.length && a[i] === b[i]) i++;
			const s = Math.max(0, i - 60);
			console.log("      json5:     …" + a.slice(s, i + 60));
			console.log("      json5dump: …" + b.slice(s, i + 60));
		' "$work/node.out" "$work/go.out"
		differ=$((differ + 1))
	fi
done < <(find "$corpus" -type f \( -name '*.json' -o -name '*.json5' \) -print0 | sort -z)

echo "$total files, $same same, $differ differ"
[ "$differ" -eq 0 ]
