package model

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/stretchr/testify/require"
)

// corpusDir is testdata/configs at the repository root.
func corpusDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "configs")
}

// corpusRoots lists the standalone configs and the root of each include tree.
func corpusRoots(t testing.TB) []string {
	t.Helper()
	dir := corpusDir(t)
	var out []string
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			if name != "includes" {
				continue
			}
			trees, err := os.ReadDir(filepath.Join(dir, name))
			require.NoError(t, err)
			for _, tr := range trees {
				for _, root := range []string{"openclaw.json5", "openclaw.json"} {
					p := filepath.Join(dir, name, tr.Name(), root)
					if _, err := os.Stat(p); err == nil {
						out = append(out, p)
					}
				}
			}
			continue
		}
		if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".json5") {
			// Standalone roots of include examples are read without their
			// includes (TestCorpusValues); the trees under includes/ resolve.
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil && bytes.Contains(data, []byte("$include")) {
				continue
			}
			out = append(out, filepath.Join(dir, name))
		}
	}
	require.GreaterOrEqual(t, len(out), 30, "the corpus must hold at least 30 configs")
	return out
}

// copyTree copies the directory holding root (with its includes) to a temp
// dir so edits never touch testdata.
func copyTree(t testing.TB, root string) string {
	t.Helper()
	src := filepath.Dir(root)
	dst := t.TempDir()
	if filepath.Base(filepath.Dir(src)) != "includes" {
		data, err := os.ReadFile(root)
		require.NoError(t, err)
		p := filepath.Join(dst, filepath.Base(root))
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	}))
	return filepath.Join(dst, filepath.Base(root))
}

func TestCorpusRoundTrip(t *testing.T) {
	files := 0
	for _, root := range corpusRoots(t) {
		t.Run(filepath.Base(filepath.Dir(root))+"/"+filepath.Base(root), func(t *testing.T) {
			d, err := ParseFile(copyTree(t, root))
			require.NoError(t, err)
			for _, f := range d.Files {
				files++
				onDisk, err := os.ReadFile(f.Path)
				require.NoError(t, err)
				require.Equal(t, onDisk, f.Data)
			}
			// A no-op edit of every leaf writes nothing: the file round-trips.
			var edits []Edit
			for _, l := range leaves(d.Root, "") {
				edits = append(edits, Edit{Op: OpSet, Path: l.path, Value: l.node.Interface()})
			}
			out, err := d.Apply(edits)
			require.NoError(t, err)
			require.Empty(t, out)
		})
	}
	t.Logf("%d files round-tripped byte for byte", files)
}

// TestCorpusValues parses every corpus file on its own (no include
// resolution) and checks positions are inside the file.
func TestCorpusValues(t *testing.T) {
	n := 0
	require.NoError(t, filepath.WalkDir(corpusDir(t), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json5")) {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		v, err := ParseValue(p, data)
		require.NoError(t, err, p)
		for _, l := range leaves(v, "") {
			require.True(t, l.node.Pos.Offset >= 0 && l.node.Pos.Offset < len(data), "%s %s", p, l.path)
			require.Greater(t, l.node.Pos.Line, 0)
		}
		n++
		return nil
	}))
	require.GreaterOrEqual(t, n, 30)
}

type leaf struct {
	path string
	node *Node
}

// leaves lists every scalar in the merged view with its path.
func leaves(n *Node, path string) []leaf {
	var out []leaf
	switch n.Kind {
	case KindObject:
		for _, m := range n.Members {
			out = append(out, leaves(m.Value, Child(path, m.Key))...)
		}
	case KindArray:
		for i, e := range n.Elems {
			out = append(out, leaves(e, Index(path, i))...)
		}
	default:
		if path != "" {
			out = append(out, leaf{path, n})
		}
	}
	return out
}

// containers lists every object and array with its path.
func containers(n *Node, path string) []leaf {
	var out []leaf
	switch n.Kind {
	case KindObject:
		out = append(out, leaf{path, n})
		for _, m := range n.Members {
			out = append(out, containers(m.Value, Child(path, m.Key))...)
		}
	case KindArray:
		out = append(out, leaf{path, n})
		for i, e := range n.Elems {
			out = append(out, containers(e, Index(path, i))...)
		}
	}
	return out
}

// countComments counts // and /* */ comments outside strings.
func countComments(data []byte) int {
	n := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"' || c == '\'':
			for i++; i < len(data) && data[i] != c; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			n++
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			n++
			end := bytes.Index(data[i+2:], []byte("*/"))
			if end < 0 {
				return n
			}
			i += end + 3
		}
	}
	return n
}

// changedLines returns the old-file line numbers a diff removes and the
// number of lines it adds.
func changedLines(before, after []byte) (removed []int, added int) {
	edits := udiff.Strings(string(before), string(after))
	d, err := udiff.ToUnifiedDiff("a", "b", string(before), edits, 0)
	if err != nil {
		return nil, 0
	}
	for _, h := range d.Hunks {
		line := h.FromLine
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Delete:
				removed = append(removed, line)
				line++
			case udiff.Insert:
				added++
			default:
				line++
			}
		}
	}
	return removed, added
}

// TestPropertyRandomEdits applies random edits to every corpus config and
// checks: the edited path holds the new value, every other value is
// unchanged, comments are all kept, and the diff stays inside the edited
// member's container.
func TestPropertyRandomEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	total := 0
	for _, root := range corpusRoots(t) {
		path := copyTree(t, root)
		d, err := ParseFile(path)
		require.NoError(t, err)
		for i := 0; i < 25; i++ {
			e, scope := randomEdit(rng, d)
			if e.Path == "" {
				continue
			}
			out, err := d.Apply([]Edit{e})
			if err != nil {
				// Edits that cannot be expressed are refused cleanly (e.g. a
				// value merged from several files); never a partial result.
				require.Nil(t, out)
				continue
			}
			total++
			nd, err := d.WithFiles(out)
			require.NoError(t, err, "%s: %+v", root, e)
			checkOthersUnchanged(t, d, nd, e, scope)
			d = nd
			for _, f := range d.Files {
				after, changed := out[f.Path]
				if !changed {
					continue
				}
				require.Equal(t, countComments(f.Data), countComments(after), "%s: comments lost by %+v", f.Path, e)
				removed, _ := changedLines(f.Data, after)
				lo, hi := lineSpan(d, scope, f)
				for _, l := range removed {
					require.True(t, l >= lo && l <= hi, "%s: %+v changed line %d outside %d-%d\n%s", f.Path, e, l, lo, hi, after)
				}
			}
		}
	}
	t.Logf("%d random edits verified", total)
	require.Greater(t, total, 500)
}

// lineSpan is the line range of the scope container in file f.
func lineSpan(d *Document, scope string, f *File) (int, int) {
	n := d.Get(scope)
	if n == nil {
		return 1, 1 << 30
	}
	for _, o := range n.origins() {
		if o.file.Path == f.Path {
			t := o.file.syntax()
			lo, _ := t.position(o.off)
			hi, _ := t.position(o.cn().end)
			return lo, hi
		}
	}
	return 1, 1 << 30
}

func checkOthersUnchanged(t *testing.T, before, after *Document, e Edit, scope string) {
	t.Helper()
	old := map[string]any{}
	for _, l := range leaves(before.Root, "") {
		old[l.path] = l.node.Interface()
	}
	for _, l := range leaves(after.Root, "") {
		if strings.HasPrefix(l.path, e.Path) || (e.Op != OpSet && strings.HasPrefix(l.path, scope)) {
			continue
		}
		want, ok := old[l.path]
		if !ok {
			t.Fatalf("edit %+v created unexpected value at %s", e, l.path)
		}
		if f, isF := want.(float64); isF && f != f {
			continue // NaN
		}
		require.True(t, sameValue(want, l.node.Interface()), "edit %+v changed %s", e, l.path)
	}
	switch e.Op {
	case OpSet:
		want, _ := plain(e.Value)
		require.True(t, sameValue(want, after.Get(e.Path).Interface()), "%+v", e)
	case OpUnset:
		if !isIndexPath(e.Path) {
			require.Nil(t, after.Get(e.Path))
		}
	}
}

var randomValues = []any{"loopback", "it's \"quoted\"", true, false, 42, 0.5, nil, []any{"a", 1}, Obj{{"mode", "minimal"}}, "${OPENCLAW_GATEWAY_TOKEN}", "ünïcode ✓"}

// randomEdit picks an edit and the container it may change.
func randomEdit(rng *rand.Rand, d *Document) (Edit, string) {
	ls := leaves(d.Root, "")
	cs := containers(d.Root, "")
	val := randomValues[rng.IntN(len(randomValues))]
	switch rng.IntN(4) {
	case 0: // change a scalar
		if len(ls) == 0 {
			return Edit{}, ""
		}
		l := ls[rng.IntN(len(ls))]
		return Edit{Op: OpSet, Path: l.path, Value: val}, parentPath(l.path)
	case 1: // add a key to an object
		var objs []leaf
		for _, c := range cs {
			if c.node.Kind == KindObject {
				objs = append(objs, c)
			}
		}
		c := objs[rng.IntN(len(objs))]
		key := fmt.Sprintf("hsNew%d", rng.IntN(1000))
		if c.node.Has(key) {
			return Edit{}, ""
		}
		return Edit{Op: OpSet, Path: Child(c.path, key), Value: val}, c.path
	case 2: // remove a member or element
		if len(ls) == 0 {
			return Edit{}, ""
		}
		l := ls[rng.IntN(len(ls))]
		return Edit{Op: OpUnset, Path: l.path}, parentPath(l.path)
	default: // append to an array
		var arrs []leaf
		for _, c := range cs {
			if c.node.Kind == KindArray {
				arrs = append(arrs, c)
			}
		}
		if len(arrs) == 0 {
			return Edit{}, ""
		}
		c := arrs[rng.IntN(len(arrs))]
		return Edit{Op: OpAppend, Path: c.path, Value: val}, c.path
	}
}

func parentPath(p string) string {
	segs, _ := ParsePath(p)
	if len(segs) == 0 {
		return ""
	}
	return JoinPath(segs[:len(segs)-1])
}

func TestBadInputsHaveFileLineCol(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "..", "bad")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		p := filepath.Join(dir, name)
		// path-through-nonobject is valid JSON5; its error comes from a path
		// lookup (TestPathThroughNonObject).
		if strings.HasSuffix(name, ".md") || name == "outside.json5" || name == "path-through-nonobject.json5" {
			continue
		}
		if fi, _ := os.Stat(p); fi.IsDir() {
			for _, root := range []string{"openclaw.json5", "openclaw.json"} {
				if _, err := os.Stat(filepath.Join(p, root)); err == nil {
					p = filepath.Join(p, root)
				}
			}
		}
		t.Run(name, func(t *testing.T) {
			_, err := ParseFile(p)
			require.Error(t, err)
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.NotEmpty(t, ie.File)
			if !strings.Contains(name, "missing") || strings.Contains(name, "include") {
				require.Greater(t, ie.Line, 0, "%v", err)
			}
			checked++
		})
	}
	require.GreaterOrEqual(t, checked, 15)
}

func TestHugeAndDeepInputs(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(200<<20)) // a sparse 200 MB file: nothing is read
	require.NoError(t, f.Close())
	_, err = ParseFile(big)
	require.ErrorContains(t, err, "larger than the 16 MiB limit")

	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	_, err = ParseValue("deep.json5", []byte(deep))
	require.ErrorContains(t, err, "deep.json5:1:513: nesting deeper than 512 levels")
}
