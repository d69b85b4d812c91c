package testutil

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// DotenvTricky are .env files whose reading depends on dotenv's details:
// blanks and line ends around "=", "KEY:" lines, unclosed and escaped
// quotes, a quote closing only where a comment or line end follows, U+2028
// and Unicode blanks, keys JavaScript treats specially.
var DotenvTricky = []string{
	"A=1\nB = two \n",
	"# c\n\n  # indented\nA=1 # trailing\nB=x#y\n",
	"export A=1\nexport\tB=2\nexporter=3\nexport =4\nexport\nC=5\n",
	"A=\"x # not a comment\"\nB='single $X'\nC=`back`\nD=\"\"\n",
	"A=\"l1\\nl2\\r\"\nB='l1\\nl2'\nC=`a\\nb`\nD=\"\\\\n\"\n",
	"A=\"line1\nline2\"\nB=2\n",
	"A=\"say \\\"hi\\\"\"\nB='it\\'s'\n",
	"A=\"open\nB=2\n",
	"A=\"open\nB=\"\nC=3\n",
	"A='open\nB=' # closes here\nC=3\n",
	"A=\"a\\\"\n\" x\nB=\"\n",
	"A: 1\r\nB=2\r\nC:\r\nD=4\rE=5\r",
	"K\r=v\nL\f=w\nM\v=x\n",
	"K\n=v\n",
	"K :v\nL:\tv\nM:\nnext\nN:x\n",
	"not a pair\n=novalue\nA=1\n",
	"A=1\nA=2\n",
	"A=\nB=2",
	"A='a' b\nB='a'b'\nC=\"a\"\"\nD=`a` # c\n",
	"A= \t 'x' \nB=\n'y'\nC=\n\nD=1\n",
	"A=x\u2028B=2\nC=y#c\u2028D=4\n",
	"A='a'\u2028'b'\nB=x\u2028'y'\n",
	"\ufeffA=1\nB=\u00a0v\u00a0\nC=\u3000\n",
	"A=\"\\\\\"\nB='\\'\nC=3'\n",
	"A='x\\'\n\nB=1\n",
	"A=`a'b\"c`\nB='a\"b`c'\nC=\"a'b`c\"\n",
	"__proto__=x\nconstructor=y\ntoString=z\n",
	"1=a\n22=b\na.b-c=d\n",
	"A=a=b=c\nB==\nC=#\nD= # x\n",
	"  export   A  =  1  \n\t\tB\t=\t2\t\n",
	"A='\n'\nB=\"\n\"\n",
	"A='abc\nB='\n",
	"A=\"\nB=x\"y\"\n",
	"A='x\nB=`x\nC=\"x\nK='y' z\n' \n",
}

// DotenvGenerated builds n .env files from dotenv's troublesome pieces, the
// same ones every run (seeded by seed).
func DotenvGenerated(n int, seed uint64) [][]byte {
	pieces := []string{"A", "B", "K", "export ", "export", "=", " = ", ":", ": ", ":\n", "\n", "\r\n", "\r", " ", "\t", "\f", "\v",
		"'", "\"", "`", "\\", "\\'", "\\\"", "\\n", "#", " #c", "x", "v w", "\u2028", "\u00a0", "\ufeff", "__proto__", "1", "K='", "A=\""}
	r := rand.New(rand.NewPCG(seed, 6))
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		for range 1 + r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		out[i] = []byte(b.String())
	}
	return out
}

// FuzzSeeds returns the []byte arguments of the committed seed corpus of a
// fuzz target in pkg (a directory under the repo root).
func FuzzSeeds(t testing.TB, pkg, target string) [][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(RepoRoot(), pkg, "testdata", "fuzz", target, "*"))
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if lit, ok := strings.CutPrefix(line, "[]byte("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				out = append(out, []byte(s))
			}
		}
	}
	return out
}

// NodeDotenv returns a function that parses .env files with the npm dotenv
// package (dotenv.parse) bundled with an installed OpenClaw
// ($PEER_ROOT or ~/.cache/openclaw-peer-<version>/node_modules, with its
// node), or skips the test naming what is absent.
func NodeDotenv(t testing.TB) func(files [][]byte) []map[string]string {
	t.Helper()
	var node, mod string
	for _, v := range []string{"2026.9.6", "2026.2.1"} {
		p, _, ok := FindPeer(v)
		if !ok {
			continue
		}
		m := filepath.Join(p.Dir, "node_modules", "dotenv")
		if _, err := os.Stat(filepath.Join(m, "lib", "main.js")); err != nil {
			continue
		}
		node, mod = p.Node, m
		break
	}
	if node == "" {
		t.Skipf("no OpenClaw install with node and the npm dotenv package under %s/openclaw-peer-*/node_modules; the comparison with the real dotenv needs it", PeerRoot())
	}
	script := filepath.Join(t.TempDir(), "parse.js")
	WriteFile(t, script, []byte(`const dotenv = require(process.argv[2]);
let buf = '';
process.stdin.on('data', d => buf += d);
process.stdin.on('end', () => {
  const out = JSON.parse(buf).map(b => dotenv.parse(Buffer.from(b, 'base64')));
  process.stdout.write(JSON.stringify(out));
});
`), 0o600)
	return func(files [][]byte) []map[string]string {
		enc := make([]string, len(files))
		for i, b := range files {
			enc[i] = base64.StdEncoding.EncodeToString(b)
		}
		req, _ := json.Marshal(enc)
		cmd := exec.Command(node, script, mod)
		cmd.Stdin = bytes.NewReader(req)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node dotenv: %v\n%s", err, stderr.String())
		}
		var res []map[string]string
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("node dotenv output: %v", err)
		}
		if len(res) != len(files) {
			t.Fatalf("node dotenv: %d results for %d files", len(res), len(files))
		}
		return res
	}
}
