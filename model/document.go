package model

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hardshell/hardshell/fsys"
)

// MaxIncludeDepth is OpenClaw's limit on nested $include files.
const MaxIncludeDepth = 10

// maxIncludeWork bounds the work of resolving $include beyond reading each
// file once: one unit per value of a file resolved again (included a second
// time), one per member or element merged. OpenClaw has no such limit, but
// a few small files that include each other many times over expand
// exponentially, and arrays concatenated from many includes cost quadratic
// copying: 2.4 KB in three files took 42 s before this limit. A real config
// stays orders of magnitude below it.
const maxIncludeWork = 1 << 22

// Document is a parsed OpenClaw config: the root file plus every $include
// file, each kept byte for byte, and the merged view used for reading.
type Document struct {
	Root  *Node   // merged view with $include resolved
	Files []*File // root first, then includes in resolution order
	read  readFunc
	// realpath resolves symlinks on the document's file system
	realpath func(string) (string, error)

	agentsOnce sync.Once
	agents     []Agent
}

// File is one source file of a Document.
type File struct {
	Path string // absolute, cleaned
	Data []byte // exact bytes as read; never modified (the document's strings may share them)

	// The syntax tree is what edits splice by; reading needs only the
	// merged view. A document read for the audit drops it once the view is
	// built (dropSyntax) and syntax() parses Data again on the first edit:
	// on a config listing 50,000 agents the tree is some 22 MB that no
	// check reads.
	mu   sync.Mutex
	tree *cst
}

// syntax is the file's syntax tree, parsed again from Data if it was
// dropped.
func (f *File) syntax() *cst {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tree == nil {
		// Data parsed before and never changes: parsing it again cannot
		// fail, and gives the same offsets the document's nodes hold.
		t, err := parseCST(f.Path, f.Data, true)
		if err != nil {
			panic(fmt.Sprintf("model: %s no longer parses: %v", f.Path, err))
		}
		f.tree = t
	}
	return f.tree
}

// dropSyntax lets the syntax trees of a built document go (see File.tree).
func (d *Document) dropSyntax() {
	for _, f := range d.Files {
		f.mu.Lock()
		f.tree = nil
		f.mu.Unlock()
	}
}

// readFunc reads a file; edits swap in an overlay of candidate bytes. The
// bytes it returns are never modified afterwards (parseCST shares them).
type readFunc func(path string) ([]byte, error)

// origin ties a merged node to the file value it came from: the value
// that starts at byte off of file (no two values of a file start at the
// same byte). It names the value by offset rather than pointing into the
// syntax tree, so the tree can be dropped after reading (File.syntax).
type origin struct {
	file *File
	off  int
}

// cn is the origin's value in its file's syntax tree.
func (o origin) cn() *cnode { return o.file.syntax().at(o.off) }

// ParseFile reads the config at path from the local file system and
// resolves its $include files. Errors are *InputError with file:line:col.
func ParseFile(path string) (*Document, error) { return ParseFileFS(fsys.Local{}, path) }

// ParseFileFS is ParseFile through a file-system seam (the snapshot's
// recorder, so every file of the document is an input of the plan). Each
// file goes through the safe reader with the config cap: a FIFO, a device or
// a directory is refused with its path (and, for an $include, the
// file:line:col where it is written), never read.
func ParseFileFS(r fsys.FS, path string) (*Document, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &InputError{File: path, Msg: err.Error(), Err: err}
	}
	d, err := parseDocumentWith(abs, configReader(r), r.EvalSymlinks, maxIncludeWork)
	if err != nil {
		return nil, err
	}
	d.dropSyntax()
	return d, nil
}

// ParseValue parses one JSON5 file's bytes without resolving includes.
func ParseValue(name string, data []byte) (*Node, error) {
	t, err := parseCST(name, data, false)
	if err != nil {
		return nil, err
	}
	f := &File{Path: name, Data: data, tree: t}
	s := new(slab[Node])
	s.reserve(t.nvalues)
	return f.node(t.root, s), nil
}

// configReader reads a config file (regular, at most MaxFileSize bytes)
// through r.
func configReader(r fsys.FS) readFunc {
	return func(path string) ([]byte, error) {
		return r.ReadFile(path, fsys.ReadOptions{MaxSize: MaxFileSize})
	}
}

// readReason is a read error's message without the path (which the
// caller's position already names).
func readReason(err error) string {
	var nr *fsys.NotRegularError
	var tl *fsys.TooLargeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &nr):
		return nr.Reason()
	case errors.As(err, &tl):
		if tl.Size < 0 {
			return "the file " + tl.Reason()
		}
		return "file " + tl.Reason() + " for a config file"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// loader resolves includes for one document.
type loader struct {
	doc   *Document
	base  string // the root config's directory: includes must stay inside
	baseR string // base with symlinks resolved
	files map[string]*File
	work  int  // see maxIncludeWork
	limit int  // its value for this document
	again bool // resolving a file a second time: values count as work
	nodes slab[Node]
	// the members and elements lists are cut from these chunks
	members slab[Member]
	elems   slab[*Node]
}

// reserve makes room in the chunks for the merged view of t's values: one
// chunk each for a config without includes, exactly sized (an $include
// member is not in the view: that many Members are spare). It returns what
// the chunks it set aside had left, for the including file to go on with
// (resume): an $include early in a large file wastes no chunk.
func (l *loader) reserve(t *cst) (left loaderChunks) {
	return loaderChunks{l.nodes.reserve(t.nvalues), l.members.reserve(t.nmembers), l.elems.reserve(t.nelems)}
}

func (l *loader) resume(left loaderChunks) {
	l.nodes.resume(left.nodes)
	l.members.resume(left.members)
	l.elems.resume(left.elems)
}

// loaderChunks are the places a reserve set aside.
type loaderChunks struct {
	nodes   []Node
	members []Member
	elems   []*Node
}

func parseDocumentLimit(rootPath string, read readFunc, limit int) (*Document, error) {
	return parseDocumentWith(rootPath, read, filepath.EvalSymlinks, limit)
}

// parseDocumentWith resolves symlinks with realpath: the file system the
// document is read from (a remote one over --host).
func parseDocumentWith(rootPath string, read readFunc, realpath func(string) (string, error), limit int) (*Document, error) {
	data, err := read(rootPath)
	if err != nil {
		return nil, fileError(rootPath, err)
	}
	t, err := parseCST(rootPath, data, true)
	if err != nil {
		return nil, err
	}
	root := &File{Path: rootPath, Data: data, tree: t}
	d := &Document{Files: []*File{root}, read: read, realpath: realpath}
	l := &loader{doc: d, base: filepath.Dir(rootPath), files: map[string]*File{rootPath: root}, limit: limit}
	if r, err := realpath(l.base); err == nil {
		l.baseR = r
	} else {
		l.baseR = l.base
	}
	l.reserve(t)
	n, err := l.resolve(root, t.root, []string{rootPath})
	if err != nil {
		return nil, err
	}
	d.Root = n
	return d, nil
}

func fileError(path string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return &InputError{File: path, Msg: "cannot read: " + readReason(err), Err: err}
}

// node converts a file value to a merged node without include handling.
func (f *File) node(cn *cnode, s *slab[Node]) *Node {
	n := f.leaf(cn, s)
	switch cn.kind {
	case KindObject:
		n.Members = make([]Member, 0, len(cn.members))
		for _, m := range cn.members {
			keyPos := f.pos(m.keyStart) // before the value: positions go in source order
			n.Members = append(n.Members, Member{Key: m.key, KeyPos: keyPos, Value: f.node(m.value, s)})
		}
	case KindArray:
		if len(cn.elems) > 0 {
			n.Elems = make([]*Node, 0, len(cn.elems)) // sized once: no regrowth per element
		}
		for _, e := range cn.elems {
			n.Elems = append(n.Elems, f.node(e.value, s))
		}
	}
	return n
}

// leaf is cn as a node without members or elements, from the chunks of s
// (a config listing 50,000 agents has some 150,000 nodes).
func (f *File) leaf(cn *cnode, s *slab[Node]) *Node {
	n := s.new()
	n.Kind, n.Pos, n.where = cn.kind, f.pos(cn.start), origins{one: origin{f, cn.start}}
	switch cn.kind {
	case KindString:
		n.Str = cn.str
		n.Raw = f.raw(cn)
	case KindNumber:
		n.Num = cn.num
		n.Raw = f.raw(cn)
	case KindBool:
		n.Bool = cn.b
		n.Raw = f.raw(cn)
	case KindNull:
		n.Raw = "null"
	}
	return n
}

// raw is a scalar's source text: a slice of the file's text when the
// file's bytes are shared (cst.text), else a copy.
func (f *File) raw(cn *cnode) string {
	if f.tree.text != "" {
		return f.tree.text[cn.start:cn.end]
	}
	return string(f.Data[cn.start:cn.end])
}

func (f *File) pos(off int) Pos {
	line, col := f.tree.position(off)
	return Pos{File: f.Path, Line: line, Col: col, Offset: off}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// resolve builds the merged node for cn, expanding $include.
func (l *loader) resolve(f *File, cn *cnode, chain []string) (*Node, error) {
	if l.again {
		l.work++
	}
	switch cn.kind {
	case KindArray:
		n := f.leaf(cn, &l.nodes)
		if len(cn.elems) > 0 {
			n.Elems = l.elems.take(len(cn.elems), 0, 0) // sized once: no regrowth per element
		}
		for _, e := range cn.elems {
			c, err := l.resolve(f, e.value, chain)
			if err != nil {
				return nil, err
			}
			n.Elems = append(n.Elems, c)
		}
		return n, nil
	case KindObject:
	default:
		return f.leaf(cn, &l.nodes), nil
	}
	var inc *cmember
	for _, m := range cn.members {
		if m.key == "$include" {
			inc = m
		}
	}
	n := f.leaf(cn, &l.nodes)
	if size := len(cn.members) - btoi(inc != nil); size > 0 {
		n.Members = l.members.take(size, 0, 0) // sized once: no regrowth per member
	}
	for _, m := range cn.members {
		if m == inc {
			continue
		}
		keyPos := f.pos(m.keyStart) // before the value: positions go in source order
		c, err := l.resolve(f, m.value, chain)
		if err != nil {
			return nil, err
		}
		n.Members = append(n.Members, Member{Key: m.key, KeyPos: keyPos, Value: c})
	}
	if inc == nil {
		return n, nil
	}
	paths, err := l.includePaths(f, inc)
	if err != nil {
		return nil, err
	}
	var merged *Node
	for i, p := range paths {
		c, err := l.include(f, inc.value, p, chain)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			merged = c
			continue
		}
		if merged, err = l.merge(merged, c, f, inc.value); err != nil {
			return nil, err
		}
	}
	if len(n.Members) == 0 {
		if merged == nil {
			return n, nil
		}
		return merged, nil
	}
	if merged == nil {
		return n, nil
	}
	if merged.Kind != KindObject {
		return nil, f.errAt(inc.value.start, "Sibling keys require included content to be an object (the included file holds "+merged.Kind.String()+")")
	}
	out, err := l.merge(merged, n, f, inc.value)
	if err != nil {
		return nil, err
	}
	out.Pos = n.Pos
	return out, nil
}

func (f *File) errAt(off int, msg string) error {
	line, col := f.tree.position(off)
	return &InputError{File: f.Path, Line: line, Col: col, Msg: msg}
}

func (l *loader) includePaths(f *File, inc *cmember) ([]string, error) {
	v := inc.value
	switch v.kind {
	case KindString:
		return []string{v.str}, nil
	case KindArray:
		var out []string
		for _, e := range v.elems {
			if e.value.kind != KindString {
				return nil, f.errAt(e.value.start, "$include entries must be strings (file paths)")
			}
			out = append(out, e.value.str)
		}
		return out, nil
	}
	return nil, f.errAt(v.start, "$include must be a file path or an array of file paths")
}

// include reads and resolves one included file.
func (l *loader) include(from *File, at *cnode, rel string, chain []string) (*Node, error) {
	if err := l.spend(0, from, at); err != nil {
		return nil, err
	}
	if len(chain) > MaxIncludeDepth {
		return nil, from.errAt(at.start, fmt.Sprintf("includes nested deeper than %d levels", MaxIncludeDepth))
	}
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(from.Path), p)
	}
	p = filepath.Clean(p)
	if !within(l.base, p) {
		return nil, from.errAt(at.start, fmt.Sprintf("$include %q resolves to %s, outside the config directory %s", rel, p, l.base))
	}
	// A path that cannot be resolved is not read at all: whatever makes
	// realpath fail (a missing file, a link loop) could change before the
	// read and let it follow a link out of the config directory.
	real, err := l.doc.realpath(p)
	if err != nil {
		return nil, from.errAt(at.start, fmt.Sprintf("cannot read $include %q: %s", rel, pathErrMsg(err)))
	}
	if !within(l.baseR, real) {
		return nil, from.errAt(at.start, fmt.Sprintf("$include %q is a link to %s, outside the config directory %s", rel, real, l.base))
	}
	for _, c := range chain {
		if c == p {
			names := make([]string, 0, len(chain)+1)
			for _, c := range append(chain, p) {
				names = append(names, relTo(l.base, c))
			}
			return nil, from.errAt(at.start, "circular include detected: "+strings.Join(names, " -> "))
		}
	}
	f, ok := l.files[p]
	if !ok {
		data, err := l.doc.read(p)
		if err != nil {
			ie := from.errAt(at.start, fmt.Sprintf("cannot read $include %q (%s): %s", rel, p, readReason(err))).(*InputError)
			ie.Err = err
			return nil, ie
		}
		t, err := parseCST(p, data, true)
		if err != nil {
			return nil, err
		}
		f = &File{Path: p, Data: data, tree: t}
		l.files[p] = f
		l.doc.Files = append(l.doc.Files, f)
	}
	again := l.again
	l.again = again || ok
	left := l.reserve(f.tree)
	n, err := l.resolve(f, f.tree.root, append(chain[:len(chain):len(chain)], p))
	l.resume(left)
	l.again = again
	if err != nil {
		return nil, err
	}
	return n, l.spend(0, from, at)
}

// spend adds n units of work and fails, at the $include value at, once the
// document has cost more than its limit.
func (l *loader) spend(n int, from *File, at *cnode) error {
	l.work += n
	if l.work <= l.limit {
		return nil
	}
	return from.errAt(at.start, fmt.Sprintf("$include expands to more than %d values (files included many times over?); hardshell stops here rather than hang", l.limit))
}

// pathErrMsg is err without the path a *fs.PathError repeats.
func pathErrMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func within(base, p string) bool {
	rel, err := filepath.Rel(base, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func relTo(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}

// merge deep-merges b over a: objects recurse, arrays concatenate, other
// values take b. The result records both origins so edits can find them.
func (l *loader) merge(a, b *Node, f *File, at *cnode) (*Node, error) {
	if a.Kind == KindObject && b.Kind == KindObject {
		if err := l.spend(len(a.Members)+len(b.Members), f, at); err != nil {
			return nil, err
		}
		out := &Node{Kind: KindObject, Pos: a.Pos, where: mergedOrigins(a, b)}
		out.Members = append(make([]Member, 0, len(a.Members)+len(b.Members)), a.Members...)
		idx := make(map[string]int, len(out.Members))
		for i, m := range out.Members {
			idx[m.Key] = i
		}
		for _, m := range b.Members {
			i, ok := idx[m.Key]
			if !ok {
				idx[m.Key] = len(out.Members)
				out.Members = append(out.Members, m)
				continue
			}
			v, err := l.merge(out.Members[i].Value, m.Value, f, at)
			if err != nil {
				return nil, err
			}
			out.Members[i] = Member{Key: m.Key, KeyPos: m.KeyPos, Value: v}
		}
		return out, nil
	}
	if a.Kind == KindArray && b.Kind == KindArray {
		if err := l.spend(len(a.Elems)+len(b.Elems), f, at); err != nil {
			return nil, err
		}
		out := &Node{Kind: KindArray, Pos: a.Pos, where: mergedOrigins(a, b)}
		out.Elems = append(append(out.Elems, a.Elems...), b.Elems...)
		return out, nil
	}
	return b, nil
}

// Get reads the merged view by dotted path (nil when absent).
func (d *Document) Get(path string) *Node {
	if d == nil {
		return nil
	}
	if path == "" || path == "." {
		return d.Root
	}
	return d.Root.Lookup(path)
}

// RootFile is the top-level config file.
func (d *Document) RootFile() *File { return d.Files[0] }

// Interface converts the node to plain Go values: map[string]any, []any,
// float64, string, bool or nil.
func (n *Node) Interface() any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case KindObject:
		m := make(map[string]any, len(n.Members))
		for _, mem := range n.Members {
			m[mem.Key] = mem.Value.Interface()
		}
		return m
	case KindArray:
		a := make([]any, 0, len(n.Elems))
		for _, e := range n.Elems {
			a = append(a, e.Interface())
		}
		return a
	case KindString:
		return n.Str
	case KindNumber:
		return n.Num
	case KindBool:
		return n.Bool
	}
	return nil
}

// Defined reports the files that define this node (for file:line display).
func (n *Node) Defined() []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, o := range n.origins() {
		if len(out) == 0 || out[len(out)-1] != o.file.Path {
			out = append(out, o.file.Path)
		}
	}
	return out
}
