package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hardshell/hardshell/fsys"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// includeMarker is the content of the files outside the config dir: it must
// never reach a resolved document.
const includeMarker = "hardshell-outside-marker"

// Links FuzzIncludeResolve can plant (bits of its links argument).
const (
	linkOutFile  = 1 << iota // cfg/sub/out.json5 -> ../../outside/secret.json5
	linkInFile               // cfg/in.json5 -> a.json5
	linkOutDir               // cfg/dir -> ../outside
	linkSelf                 // cfg/loop.json5 -> loop.json5
	linkUpDir                // cfg/sub/up -> .. (an alias of cfg inside cfg)
	linkDangling             // cfg/gone.json5 -> ../outside/missing.json5
)

// includePaths are the $include strings the generated trees use: inside,
// through links, escaping lexically, by absolute path and through links,
// cycles, a directory, a missing file, a NUL byte.
var includePaths = []string{
	"a.json5", "sub/b.json5", "../a.json5", "./a.json5", "sub/../a.json5", "b.json5",
	"in.json5", "sub/up/a.json5", "up/sub/b.json5", "sub/up/sub/b.json5",
	"../secret.json5", "../../secret.json5", "sub/../../outside/secret.json5", "/etc/passwd",
	"sub/out.json5", "out.json5", "dir/secret.json5", "../dir/secret.json5",
	"openclaw.json", "../openclaw.json", "loop.json5", "gone.json5", "sub", ".", "", "a.json5\x00",
}

// includeTree writes three JSON5 files from plan: objects, arrays and
// scalars with $include strings, arrays of them and sibling keys, using
// includePaths and extra (the fuzzer's own path).
func includeTree(plan []byte, extra string) (root, a, b string) {
	next := func() int {
		if len(plan) == 0 {
			return 0
		}
		c := plan[0]
		plan = plan[1:]
		return int(c)
	}
	path := func() string {
		i := next() % (len(includePaths) + 1)
		p := extra
		if i < len(includePaths) {
			p = includePaths[i]
		}
		q, _ := json.Marshal(p)
		return string(q)
	}
	var value func(depth int) string
	members := func(depth int) string {
		var m []string
		for i := range next() % 4 {
			m = append(m, fmt.Sprintf("k%d: %s", i, value(depth+1)))
		}
		return strings.Join(m, ", ")
	}
	value = func(depth int) string {
		if depth > 3 {
			return "1"
		}
		switch next() % 9 {
		case 0:
			return "1"
		case 1:
			return `"s"`
		case 2:
			return "{$include: " + path() + "}"
		case 3:
			var ps []string
			for range next()%4 + 1 {
				ps = append(ps, path())
			}
			return "{$include: [" + strings.Join(ps, ", ") + "]}"
		case 4:
			return "{$include: " + path() + ", " + members(depth) + "}"
		case 5:
			return "{" + members(depth) + "}"
		case 6:
			return "[" + value(depth+1) + ", " + value(depth+1) + "]"
		case 7:
			return "{$include: [" + path() + ", 5]}"
		default:
			return "{$include: {}}"
		}
	}
	file := func() string {
		if next()%3 == 0 {
			return value(0)
		}
		return "{" + members(0) + "}"
	}
	return file(), file(), file()
}

// FuzzIncludeResolve builds a config dir (the root file, a.json5,
// sub/b.json5, and some links in and out of it) next to files outside it,
// and resolves the root's $include tree. The files come from plan through
// includeTree, or are raw's three parts split at "\n---\n" when the first
// byte of plan is 0. Whatever they hold: no panic, no runaway (the depth,
// cycle and work limits hold), an error is an *InputError with
// file:line:col in the config dir, nothing outside the config dir is ever
// read, and a resolved document holds only files inside it.
func FuzzIncludeResolve(f *testing.F) {
	for _, s := range []struct {
		root, a, b string
		links      uint8
	}{
		{`{$include: "a.json5", x: 1}`, `{y: {$include: "sub/b.json5"}}`, `{z: [1, 2]}`, 0},
		{`{$include: ["a.json5", "sub/b.json5"], k: [0]}`, `{k: [1], o: {p: 1}}`, `{k: [2], o: {q: 2}}`, 0},
		{`{list: [{$include: "a.json5"}, 2], m: {$include: ["sub/b.json5"]}}`, `[1, 2]`, `{n: 1}`, 0},
		{`{$include: "../secret.json5"}`, `{}`, `{}`, 0},
		{`{$include: "sub/out.json5"}`, `{}`, `{}`, linkOutFile},
		{`{$include: "dir/secret.json5"}`, `{}`, `{}`, linkOutDir},
		{`{$include: "a.json5"}`, `{$include: "sub/b.json5"}`, `{$include: "../a.json5"}`, 0},
		{`{$include: "in.json5"}`, `{$include: "sub/up/a.json5"}`, `{}`, linkInFile | linkUpDir},
		{`{$include: ["a.json5", "a.json5", "a.json5"]}`, `{$include: ["sub/b.json5", "sub/b.json5"], k: [1]}`, `{k: [2, 3]}`, 0},
		{`{$include: "sub/b.json5", x: 1}`, `{}`, `[1]`, 0},
		{`{$include: "a.json5"}`, `{a: 1,,}`, `{}`, 0},
	} {
		f.Add([]byte{0}, s.root+"\n---\n"+s.a+"\n---\n"+s.b, s.links)
	}
	f.Add([]byte{1, 1, 2, 0, 1, 4, 1, 1, 3, 2, 1, 1, 7}, "", uint8(0))
	f.Add([]byte{2, 3, 2, 10, 14, 16, 1, 3, 3, 6, 7, 8, 9, 20, 3, 4}, "", uint8(0xff))
	f.Fuzz(func(t *testing.T, plan []byte, raw string, links uint8) {
		if len(plan) > 512 || len(raw) > 2048 {
			return // small trees reach every shape; keep each run cheap
		}
		var root, a, b string
		if len(plan) > 0 && plan[0] == 0 {
			parts := append(strings.SplitN(raw, "\n---\n", 3), "", "")
			root, a, b = parts[0], parts[1], parts[2]
		} else {
			root, a, b = includeTree(plan, raw)
		}
		tmp := t.TempDir()
		cfg, outside := filepath.Join(tmp, "cfg"), filepath.Join(tmp, "outside")
		secret := []byte(`{planted: "` + includeMarker + `", $include: "../cfg/a.json5"}`)
		for _, w := range []struct {
			path string
			data []byte
		}{
			{filepath.Join(outside, "secret.json5"), secret},
			{filepath.Join(tmp, "secret.json5"), secret},
			{filepath.Join(cfg, "openclaw.json"), []byte(root)},
			{filepath.Join(cfg, "a.json5"), []byte(a)},
			{filepath.Join(cfg, "sub", "b.json5"), []byte(b)},
		} {
			if err := os.MkdirAll(filepath.Dir(w.path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(w.path, w.data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range []struct {
			bit          uint8
			path, target string
		}{
			{linkOutFile, "sub/out.json5", "../../outside/secret.json5"},
			{linkInFile, "in.json5", "a.json5"},
			{linkOutDir, "dir", "../outside"},
			{linkSelf, "loop.json5", "loop.json5"},
			{linkUpDir, "sub/up", ".."},
			{linkDangling, "gone.json5", "../outside/missing.json5"},
		} {
			if links&l.bit != 0 {
				if err := os.Symlink(l.target, filepath.Join(cfg, l.path)); err != nil {
					t.Fatal(err)
				}
			}
		}
		cfgReal, err := filepath.EvalSymlinks(cfg)
		if err != nil {
			t.Fatal(err)
		}

		read := func(p string) ([]byte, error) {
			real, err := filepath.EvalSymlinks(p)
			if err == nil && !within(cfgReal, real) {
				t.Fatalf("read %s (%s), outside the config dir", p, real)
			}
			return configReader(fsys.Local{})(p)
		}
		// A small work limit: runaway trees stop within milliseconds.
		d, err := parseDocumentLimit(filepath.Join(cfg, "openclaw.json"), read, 1<<15)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Line < 1 || ie.Col < 1 || !within(cfg, ie.File) {
				t.Fatalf("error without a position in the config dir: %#v", err)
			}
			if strings.Contains(err.Error(), includeMarker) {
				t.Fatalf("error quotes an outside file: %v", err)
			}
			return
		}
		for _, f := range d.Files {
			real, err := filepath.EvalSymlinks(f.Path)
			if !within(cfg, f.Path) || err != nil || !within(cfgReal, real) {
				t.Fatalf("resolved document holds %s (real %s, %v), outside the config dir", f.Path, real, err)
			}
		}
		if s := includeStrings(d.Root); strings.Contains(s, includeMarker) {
			t.Fatalf("an outside file's content reached the document")
		}
	})
}

// A few small files that include each other many times over: the merged
// arrays would hold 4,000,000 values after quadratic copying (42 s before
// the limit). Resolving stops with an error at the $include whose merge
// crossed the limit.
func TestIncludeWorkLimit(t *testing.T) {
	cfg := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(cfg, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("sub/b.json5", "{k: ["+strings.Repeat("1,", 400)+"]}")
	write("a.json5", "{$include: ["+strings.Repeat(`"sub/b.json5",`, 100)+"]}")
	write("openclaw.json", "{\n  $include: ["+strings.Repeat(`"a.json5",`, 100)+"]}")
	_, err := ParseFile(filepath.Join(cfg, "openclaw.json"))
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line < 1 || ie.Col < 1 || !strings.Contains(ie.Msg, "expands to more than") {
		t.Fatalf("want the limit error with a position, got %v", err)
	}

	// Within the limit, the same shape resolves (arrays concatenate), and
	// objects with many keys merge in linear time.
	write("a.json5", "{$include: ["+strings.Repeat(`"sub/b.json5",`, 10)+"]}")
	write("openclaw.json", `{$include: ["a.json5", "a.json5"]}`)
	d, err := ParseFile(filepath.Join(cfg, "openclaw.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Get("k").Elems); n != 2*10*400 {
		t.Fatalf("k has %d values, want %d", n, 2*10*400)
	}
	var keys strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&keys, "k%d: %d,", i, i)
	}
	write("sub/b.json5", "{"+keys.String()+"}")
	write("openclaw.json", `{$include: ["sub/b.json5", "sub/b.json5"], k7: "sibling"}`)
	if d, err = ParseFile(filepath.Join(cfg, "openclaw.json")); err != nil {
		t.Fatal(err)
	}
	if got := len(d.Root.Members); got != 5000 {
		t.Fatalf("%d keys, want 5000", got)
	}
	if v, _ := d.Get("k7").String(); v != "sibling" {
		t.Fatalf("k7 = %q, want the sibling's value", v)
	}
}

// includeStrings joins every string and key of n (a bounded walk: merged
// trees share nodes, so it stops after a fixed number of nodes).
func includeStrings(n *Node) string {
	var b strings.Builder
	budget := 100000
	var walk func(*Node)
	walk = func(n *Node) {
		if n == nil || budget <= 0 {
			return
		}
		budget--
		b.WriteString(n.Str)
		for _, m := range n.Members {
			b.WriteString(m.Key)
			walk(m.Value)
		}
		for _, e := range n.Elems {
			walk(e)
		}
	}
	walk(n)
	return b.String()
}
