package model

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/fsys"
)

// Apply computes the new bytes of every file the edits change, without
// touching the Document or the disk. Each edit goes to the file that defines
// the key (a new key goes next to its siblings, or into the root file), and
// splices only the bytes it changes: comments, key order, quoting,
// indentation and line endings are kept. After all edits the candidate is
// re-parsed and every edited path is checked to hold its new value.
//
// Setting a value to what it already is changes nothing; the result is then
// an empty map.
func (d *Document) Apply(edits []Edit) (map[string][]byte, error) {
	out, _, err := d.ApplyByFile(edits)
	return out, err
}

// ApplyByFile is Apply that also says which edits (indices into edits)
// changed each file, so a review can give a file the reasons of its own
// edits only.
func (d *Document) ApplyByFile(edits []Edit) (map[string][]byte, map[string][]int, error) {
	overlay := map[string][]byte{}
	by := map[string][]int{}
	cur := d
	for i, e := range edits {
		changes, err := cur.applyOne(e)
		if err != nil {
			return nil, nil, err
		}
		if len(changes) == 0 {
			continue
		}
		for p, b := range changes {
			overlay[p] = b
			by[p] = append(by[p], i)
		}
		if cur, err = d.reparse(overlay); err != nil {
			return nil, nil, fmt.Errorf("edit %s would leave the config unreadable: %w", e.Path, err)
		}
	}
	if err := verifyEdits(cur, edits); err != nil {
		return nil, nil, err
	}
	out := map[string][]byte{}
	for _, f := range d.Files {
		if b, ok := overlay[f.Path]; ok && !bytes.Equal(b, f.Data) {
			out[f.Path] = b
		}
	}
	for p := range by {
		if _, ok := out[p]; !ok {
			delete(by, p)
		}
	}
	return out, by, nil
}

// WithFiles re-parses the document with some files replaced by candidate
// bytes (the result of Apply).
func (d *Document) WithFiles(overlay map[string][]byte) (*Document, error) {
	return d.reparse(overlay)
}

func (d *Document) reparse(overlay map[string][]byte) (*Document, error) {
	base := d.read
	if base == nil {
		base = configReader(fsys.Local{})
	}
	realpath := d.realpath
	if realpath == nil {
		realpath = filepath.EvalSymlinks
	}
	return parseDocumentWith(d.Files[0].Path, func(p string) ([]byte, error) {
		if b, ok := overlay[p]; ok {
			return b, nil
		}
		for _, f := range d.Files {
			if f.Path == p {
				return f.Data, nil
			}
		}
		return base(p)
	}, realpath, maxIncludeWork)
}

func verifyEdits(d *Document, edits []Edit) error {
	final := map[string]Edit{}
	var order []string
	for _, e := range edits {
		if _, ok := final[e.Path]; !ok {
			order = append(order, e.Path)
		}
		final[e.Path] = e
	}
	for _, p := range order {
		e := final[p]
		got := d.Get(p)
		switch e.Op {
		case OpSet:
			want, err := plain(e.Value)
			if err != nil {
				return err
			}
			if got == nil || !sameValue(got.Interface(), want) {
				return fmt.Errorf("internal check failed: after the edit %s does not hold the new value; nothing was written", p)
			}
		case OpUnset:
			if got != nil && !isIndexPath(p) {
				return fmt.Errorf("internal check failed: %s is still present after removing it; nothing was written", p)
			}
		}
	}
	return nil
}

// sameValue is deep equality where NaN equals NaN.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || (x != x && y != y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func isIndexPath(p string) bool { return strings.HasSuffix(p, "]") }

// plain converts an edit value to the form Node.Interface returns.
func plain(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool, string, float64:
		return x, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case Raw:
		n, err := ParseValue("value", []byte(x))
		if err != nil {
			return nil, err
		}
		return n.Interface(), nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			p, err := plain(e)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case Obj:
		m := make(map[string]any, len(x))
		for _, f := range x {
			p, err := plain(f.Value)
			if err != nil {
				return nil, err
			}
			m[f.Key] = p
		}
		return m, nil
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			p, err := plain(e)
			if err != nil {
				return nil, err
			}
			m[k] = p
		}
		return m, nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}

// ErrNotFound is returned by edits on a path that does not exist where one
// is required (e.g. an index past the end of an array).
var ErrNotFound = errors.New("not found")

// walk follows segs through the merged view and returns the node for each
// existing prefix (nodes[0] is the root).
func (d *Document) walk(segs []PathSeg) []*Node {
	nodes := []*Node{d.Root}
	cur := d.Root
	for _, s := range segs {
		var next *Node
		if s.IsIndex {
			next = cur.At(s.Index)
		} else {
			next = cur.Get(s.Key)
		}
		if next == nil {
			break
		}
		nodes = append(nodes, next)
		cur = next
	}
	return nodes
}

// applyOne returns the changed bytes per file for one edit.
func (d *Document) applyOne(e Edit) (map[string][]byte, error) {
	segs, err := ParsePath(e.Path)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("cannot edit the whole config: give a path")
	}
	nodes := d.walk(segs)
	exists := len(nodes) == len(segs)+1
	switch e.Op {
	case OpSet:
		want, err := plain(e.Value)
		if err != nil {
			return nil, err
		}
		if exists {
			target := nodes[len(nodes)-1]
			if sameValue(target.Interface(), want) {
				return nil, nil
			}
			return d.replace(e.Path, target, e.Value, e.DropLineComment)
		}
		return d.insert(e.Path, segs, nodes, e.Value)
	case OpUnset:
		if !exists {
			return nil, nil
		}
		return d.remove(e.Path, segs, nodes)
	case OpAppend:
		if !exists {
			return d.applyOne(Edit{Op: OpSet, Path: e.Path, Value: []any{e.Value}})
		}
		arr := nodes[len(nodes)-1]
		if arr.Kind != KindArray {
			return nil, d.kindError(e.Path, arr, "an array")
		}
		os := arr.origins()
		o := os[len(os)-1]
		cn := o.cn()
		if cn.kind != KindArray {
			return nil, fmt.Errorf("%s: cannot append to an array that is only an $include", e.Path)
		}
		b, err := o.file.insertElem(cn, e.Value)
		if err != nil {
			return nil, err
		}
		return map[string][]byte{o.file.Path: b}, nil
	}
	return nil, fmt.Errorf("unknown edit op %d", e.Op)
}

func (d *Document) kindError(path string, n *Node, want string) error {
	return &InputError{File: n.Pos.File, Line: n.Pos.Line, Col: n.Pos.Col,
		Msg: fmt.Sprintf("%s is %s here, not %s", path, article(n.Kind), want)}
}

func article(k Kind) string {
	switch k {
	case KindObject, KindArray:
		return "an " + k.String()
	case KindNull:
		return "null"
	}
	return "a " + k.String()
}

// replace swaps the bytes of an existing value.
func (d *Document) replace(path string, target *Node, v any, dropComment bool) (map[string][]byte, error) {
	os := target.origins()
	if len(os) != 1 {
		return nil, fmt.Errorf("%s is merged from %d places (%s); set its members one by one", path, len(os), strings.Join(target.Defined(), ", "))
	}
	o := os[0]
	f, cn := o.file, o.cn()
	st := f.style(nil)
	var text string
	if s, ok := v.(string); ok && cn.kind == KindString {
		st.quote = cn.quote
		text = st.quoteString(s)
	} else {
		var err error
		if text, err = st.render(v, f.lineIndent(cn.start), false); err != nil {
			return nil, err
		}
	}
	if dropComment {
		if from, to, ok := f.lineComment(cn.end); ok {
			data := splice(f.Data, from, to, "")
			return map[string][]byte{f.Path: splice(data, cn.start, cn.end, text)}, nil
		}
	}
	end, text := f.keepCommentColumn(cn.start, cn.end, text)
	return map[string][]byte{f.Path: splice(f.Data, cn.start, end, text)}, nil
}

// lineComment finds a // comment later on the line that ends at or after
// pos (outside strings), with the blanks before it: the span [from, to)
// to cut. A line without one gives ok false.
func (f *File) lineComment(pos int) (from, to int, ok bool) {
	var quote byte
	for i := pos; i < len(f.Data); i++ {
		c := f.Data[i]
		switch {
		case c == '\n' || c == '\r':
			return 0, 0, false
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '/' && i+1 < len(f.Data) && f.Data[i+1] == '/':
			from, to = i, i
			for from > pos && (f.Data[from-1] == ' ' || f.Data[from-1] == '\t') {
				from--
			}
			for to < len(f.Data) && f.Data[to] != '\n' && f.Data[to] != '\r' {
				to++
			}
			return from, to, true
		}
	}
	return 0, 0, false
}

// keepCommentColumn keeps an aligned trailing comment where it was: when
// the replaced value is followed on its line by padding (two or more blanks,
// or a comma and then padding) and a comment, the padding absorbs the
// change in length. It returns the end of the span to replace and the text.
func (f *File) keepCommentColumn(start, end int, text string) (int, string) {
	delta := len(text) - (end - start)
	if delta == 0 || bytes.ContainsAny([]byte(text), "\n\r") {
		return end, text
	}
	i := end
	if i < len(f.Data) && f.Data[i] == ',' {
		i++
	}
	pad := 0
	for i+pad < len(f.Data) && f.Data[i+pad] == ' ' {
		pad++
	}
	j := i + pad
	if pad < 2 || j+1 >= len(f.Data) || f.Data[j] != '/' || (f.Data[j+1] != '/' && f.Data[j+1] != '*') {
		return end, text
	}
	newPad := max(1, pad-delta)
	return i + pad, text + string(f.Data[end:i]) + strings.Repeat(" ", newPad)
}

// insert adds the missing tail of segs under the deepest existing node.
func (d *Document) insert(path string, segs []PathSeg, nodes []*Node, v any) (map[string][]byte, error) {
	k := len(nodes) - 1
	parent := nodes[k]
	rest := segs[k:]
	if rest[0].IsIndex {
		if parent.Kind == KindArray {
			return nil, fmt.Errorf("%s: index %d is past the end of the array (%d elements); append instead", path, rest[0].Index, len(parent.Elems))
		}
		return nil, d.kindError(JoinPath(segs[:k]), parent, "an array")
	}
	if parent.Kind != KindObject {
		name := JoinPath(segs[:k])
		if name == "" {
			name = "the config"
		}
		return nil, d.kindError(name, parent, "an object")
	}
	for _, s := range rest[1:] {
		if s.IsIndex {
			return nil, fmt.Errorf("%s: cannot create array elements by index; set the array or append", path)
		}
	}
	val := v
	for i := len(rest) - 1; i >= 1; i-- {
		val = Obj{{Key: rest[i].Key, Value: val}}
	}
	// The object with the highest precedence that is written in a file:
	// sibling keys beside an $include come last and win.
	var o *origin
	var cn *cnode
	for os, i := parent.origins(), len(parent.origins())-1; i >= 0; i-- {
		if cn = os[i].cn(); cn.kind == KindObject {
			o = &os[i]
			break
		}
	}
	if o == nil {
		return nil, fmt.Errorf("%s: no file holds the object to add %q to", path, rest[0].Key)
	}
	b, err := o.file.insertMember(cn, rest[0].Key, val)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{o.file.Path: b}, nil
}

// remove deletes the member or element at the end of segs from every file
// that defines it, so an included definition cannot re-emerge.
func (d *Document) remove(path string, segs []PathSeg, nodes []*Node) (map[string][]byte, error) {
	parent := nodes[len(nodes)-2]
	target := nodes[len(nodes)-1]
	last := segs[len(segs)-1]
	out := map[string][]byte{}
	data := func(f *File) []byte {
		if b, ok := out[f.Path]; ok {
			return b
		}
		return f.Data
	}
	if last.IsIndex {
		tos := target.origins()
		to := tos[len(tos)-1]
		for _, o := range parent.origins() {
			if o.file != to.file {
				continue
			}
			cn := o.cn()
			if cn.kind != KindArray {
				continue
			}
			for i, el := range cn.elems {
				if el.value.start == to.off {
					out[o.file.Path] = o.file.removeElem(cn, i)
					return out, nil
				}
			}
		}
		return nil, fmt.Errorf("%s: cannot find the element in its file", path)
	}
	// Remove from later origins first, so offsets within one file stay valid
	// when two origins share it (they never overlap).
	type hit struct {
		o  origin
		cn *cnode
		i  int
	}
	var hits []hit
	for _, o := range parent.origins() {
		cn := o.cn()
		if cn.kind != KindObject {
			continue
		}
		for i, m := range cn.members {
			if m.key == last.Key {
				hits = append(hits, hit{o, cn, i})
			}
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		return hits[a].cn.members[hits[a].i].keyStart > hits[b].cn.members[hits[b].i].keyStart
	})
	for _, h := range hits {
		f := h.o.file
		if _, seen := out[f.Path]; seen {
			// A second definition in the same file: re-parse is needed to
			// keep offsets right; Apply loops, so do one per pass.
			continue
		}
		out[f.Path] = f.removeMember(data(f), h.cn, h.i)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: cannot find the key in any file", path)
	}
	return out, nil
}

func splice(src []byte, start, end int, text string) []byte {
	out := make([]byte, 0, len(src)-(end-start)+len(text))
	out = append(out, src[:start]...)
	out = append(out, text...)
	return append(out, src[end:]...)
}

// List is a []string as an edit value (a JSON array of strings); nil and
// empty give an empty, non-nil array.
func List(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
