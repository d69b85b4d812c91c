package model

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/hardshell/hardshell/internal/mem"
)

// Limits that keep hostile input from costing unbounded memory or stack.
const (
	MaxFileSize = 16 << 20 // bytes per config file
	MaxDepth    = 512      // nesting of objects and arrays
)

// cst is the lossless syntax tree of one file: every value keeps the byte
// span it was read from, so edits splice bytes and never re-serialise.
type cst struct {
	src []byte
	// text is src as a string sharing its bytes, when src is never
	// modified after parsing (a file as read: the recorder hands the same
	// bytes to every reader); "" otherwise. Raw literals and escape-free
	// strings are then slices of it instead of copies: a config listing
	// 50,000 agents has some 150,000 of them.
	text  string
	bom   int // 3 when the file starts with a UTF-8 BOM
	root  *cnode
	lines []int // offsets where each line starts
	cur   posCursor
	// how many values, members and elements the tree has: what the merged
	// view of the file needs at most (loader.resolve reserves it)
	nvalues, nmembers, nelems int
}

// cnode is one value in a file.
type cnode struct {
	kind Kind
	// scalars
	b     bool
	quote byte // string literal quote: '"' or '\''
	str   string
	num   float64

	start, end int // the value's bytes [start, end)
	// objects and arrays; a scalar shares the empty noCont, so a scalar
	// node is half the size (a config listing 50,000 agents has 100,000
	// scalars). Never written through a scalar.
	*ccont
}

// ccont is what only objects and arrays have.
type ccont struct {
	open, close int // the offsets of the brackets
	members     []*cmember
	elems       []*celem
}

// noCont is every scalar's (empty) ccont.
var noCont = &ccont{}

// cmember is one key: value pair with the comma that follows it (-1: none).
type cmember struct {
	keyStart, keyEnd int
	key              string
	keyQuote         byte // 0 for a bare identifier
	value            *cnode
	comma            int
}

// celem is one array element with its comma (-1: none).
type celem struct {
	value *cnode
	comma int
}

// parser reads one file.
type parser struct {
	name    string
	src     []byte
	pos     int
	depth   int
	t       *cst
	lastKey string // the key of the value being parsed (for error excerpts)

	// The tree's parts come from chunks, and the members and elements of
	// the containers being read wait on stacks until their container
	// closes and takes an exactly sized copy: a config listing 50,000
	// agents has some 400,000 values, members and elements, and one
	// allocation each (plus the regrowth of every list) cost more than
	// the parsing.
	nodes   slab[cnode]
	conts   slab[ccont]
	members slab[cmember]
	elems   slab[celem]
	mstack  []*cmember
	estack  []*celem
	mlists  slab[*cmember] // the members lists are cut from these chunks
	elists  slab[*celem]
}

// cut copies list into the next len(list) places of s and returns them
// (see take).
func cut[T any](s *slab[T], list []T, done, total int) []T {
	out := s.take(len(list), done, total)[:len(list)]
	copy(out, list)
	return out
}

// slab hands out zeroed T's, one at a time (new) or as lists (take), from
// chunks allocated together. The chunks grow from 8 to 256, so that a
// small value costs little; past 256 places a parser's slabs size the next
// chunk from what is left of the input (grow), and the loader reserves
// what a file needs (reserve), so that a large config takes a few large
// chunks, whose pages are populated at once (newChunk).
type slab[T any] struct {
	free  []T
	size  int // the last chunk's
	count int // places handed out
}

func (s *slab[T]) new() *T { return s.newAt(0, 0) }

// newAt is new for a parser at byte done of total (see grow).
func (s *slab[T]) newAt(done, total int) *T {
	if len(s.free) == 0 {
		s.grow(1, done, total)
	}
	x := &s.free[0]
	s.free = s.free[1:]
	s.count++
	return x
}

// take returns the next n places as an empty list of capacity n: one
// append too many copies the list rather than write into the next one.
func (s *slab[T]) take(n, done, total int) []T {
	if len(s.free) < n {
		s.grow(n, done, total)
	}
	out := s.free[:0:n]
	s.free = s.free[n:]
	s.count += n
	return out
}

// grow starts a new chunk of at least n places. Once 256 places are handed
// out and done of total input bytes are read (0, 0: unknown), the rest of
// the input is expected to need as many places per byte as the part read:
// the next chunk holds that (with a little slack), but never more than
// has been handed out so far (a big string or comment near the end makes
// the guess too large: at most half of all the slab's places are spare).
func (s *slab[T]) grow(n, done, total int) {
	size := min(max(2*s.size, 8), 256)
	if s.count >= 256 && done > 0 && total > done {
		rest := int(int64(s.count) * int64(total-done) / int64(done))
		size = max(size, min(rest+rest/32+64, s.count))
	}
	s.size = max(size, n)
	s.free = newChunk[T](s.size)
}

// reserve makes the next n places come from one chunk. It returns the
// places the old chunk had left when it was set aside (see resume).
func (s *slab[T]) reserve(n int) (left []T) {
	if len(s.free) < n {
		left, s.free = s.free, newChunk[T](n)
	}
	return left
}

// resume goes back to the places a reserve set aside, when there are more
// of them than the current chunk has left.
func (s *slab[T]) resume(left []T) {
	if len(left) > len(s.free) {
		s.free = left
	}
}

// newChunk allocates n T's; a large chunk's pages are populated in one
// call (mem.Prefault) rather than faulted in one by one as the tree is
// written (some 15 us each on a VM, against about 1 us).
func newChunk[T any](n int) []T {
	c := make([]T, n)
	mem.Prefault(c) // from mem.MinSize on
	return c
}

// push appends x to a parser stack, doubling it into a prefaulted array
// when it is large (the elements of an array listing 50,000 agents wait
// there).
func push[T any](s []T, x T) []T {
	if len(s) == cap(s) {
		g := newChunk[T](max(2*cap(s), 16))
		s = g[:copy(g, s)]
	}
	return append(s, x)
}

// str is src[start:end] as a string: a slice of the shared text when
// there is one, else a copy.
func (p *parser) str(start, end int) string {
	if p.t.text != "" {
		return p.t.text[start:end]
	}
	return string(p.src[start:end])
}

// scalar is a new scalar node.
func (p *parser) scalar(kind Kind, start int) *cnode {
	n := p.nodes.newAt(p.pos, len(p.src))
	n.kind, n.start, n.ccont = kind, start, noCont
	return n
}

// container is a new object or array node opening at p.pos.
func (p *parser) container(kind Kind) *cnode {
	n := p.nodes.newAt(p.pos, len(p.src))
	c := p.conts.newAt(p.pos, len(p.src))
	c.open = p.pos
	n.kind, n.start, n.ccont = kind, p.pos, c
	return n
}

// parseCST parses one file's bytes. shared says src is never modified
// afterwards, so the tree's strings may share its bytes (cst.text).
func parseCST(name string, src []byte, shared bool) (*cst, error) {
	t := &cst{src: src}
	if shared && len(src) > 0 {
		t.text = unsafe.String(unsafe.SliceData(src), len(src))
	}
	if len(src) > MaxFileSize {
		return nil, &InputError{File: name, Msg: fmt.Sprintf("file is %d bytes, larger than the %d MiB limit for a config file", len(src), MaxFileSize>>20)}
	}
	t.lines = lineStarts(src)
	p := &parser{name: name, src: src, t: t}
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		t.bom = 3
		p.pos = 3
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return nil, p.errAt(i, "binary file: NUL byte (this is not a JSON5 config)")
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, p.errAt(i, fmt.Sprintf("invalid UTF-8 byte 0x%02X", src[i]))
	}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos >= len(src) {
		return nil, p.errAt(p.pos, "empty config: expected a JSON5 value")
	}
	root, err := p.value()
	if err != nil {
		return nil, err
	}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos < len(src) {
		return nil, p.errAt(p.pos, fmt.Sprintf("unexpected %s after the end of the config", p.describe()))
	}
	t.root = root
	t.nvalues, t.nmembers, t.nelems = p.nodes.count, p.members.count, p.elems.count
	return t, nil
}

// at is the value that starts at byte off (nil when none does): each value
// lies inside its container's span, and members and elements are in source
// order, so the search descends one binary search per level.
func (t *cst) at(off int) *cnode {
	cn := t.root
	for cn != nil && cn.start != off {
		var next *cnode
		switch cn.kind {
		case KindObject:
			ms := cn.members
			i := sort.Search(len(ms), func(i int) bool { return ms[i].value.end > off })
			if i < len(ms) && ms[i].value.start <= off {
				next = ms[i].value
			}
		case KindArray:
			es := cn.elems
			i := sort.Search(len(es), func(i int) bool { return es[i].value.end > off })
			if i < len(es) && es[i].value.start <= off {
				next = es[i].value
			}
		}
		cn = next
	}
	return cn
}

func lineStarts(src []byte) []int {
	// sized once: every line ends in \n or \r (a \r\n counts twice here)
	n := 1 + bytes.Count(src, []byte{'\n'})
	if bytes.IndexByte(src, '\r') >= 0 {
		n += bytes.Count(src, []byte{'\r'})
	}
	lines := newChunk[int](n)[:1] // a 50,000-line file: 100 pages
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			lines = append(lines, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines = append(lines, i+1)
		}
	}
	return lines
}

// position converts a byte offset to a 1-based line and column. Requests
// arrive mostly in source order (the merged view is built by walking the
// tree), so a cursor keeps the last answer and counts on from it: building
// positions for a whole file is linear even when it is one long line
// (minified JSON).
func (t *cst) position(off int) (line, col int) {
	if t.cur.valid && off >= t.cur.off && (t.cur.line == len(t.lines) || off < t.lines[t.cur.line]) {
		col = t.cur.col + utf8.RuneCount(t.src[t.cur.off:off])
		t.cur.off, t.cur.col = off, col
		return t.cur.line, col
	}
	lo, hi := 0, len(t.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	start := t.lines[lo]
	if lo == 0 {
		start += t.bom
	}
	col = utf8.RuneCount(t.src[start:max(off, start)]) + 1
	t.cur = posCursor{valid: true, off: max(off, start), line: lo + 1, col: col}
	return lo + 1, col
}

// posCursor is the last position computed, to count on from.
type posCursor struct {
	valid     bool
	off       int
	line, col int
}

func (p *parser) errAt(off int, msg string) error {
	line, col := p.t.position(off)
	return &InputError{File: p.name, Line: line, Col: col, Msg: msg}
}

func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	if r < 0x20 || r == 0x7f {
		return fmt.Sprintf("control character U+%04X", r)
	}
	return strconv.QuoteRune(r)
}

// isJSON5Space reports JSON5 WhiteSpace and LineTerminator code points.
func isJSON5Space(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x2028, 0x2029, 0xFEFF:
		return true
	}
	return r > 0x7f && unicode.Is(unicode.Zs, r)
}

func isLineTerminator(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029
}

// skipSpace skips white space and comments.
func (p *parser) skipSpace() error {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			p.pos++
		case c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/':
			p.pos += 2
			for p.pos < len(p.src) {
				r, n := utf8.DecodeRune(p.src[p.pos:])
				if isLineTerminator(r) {
					break
				}
				p.pos += n
			}
		case c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '*':
			end := bytes.Index(p.src[p.pos+2:], []byte("*/"))
			if end < 0 {
				return p.errAt(p.pos, "unterminated /* comment")
			}
			p.pos += 2 + end + 2
		case c >= 0x80:
			r, n := utf8.DecodeRune(p.src[p.pos:])
			if !isJSON5Space(r) {
				return nil
			}
			p.pos += n
		default:
			return nil
		}
	}
	return nil
}

func (p *parser) value() (*cnode, error) {
	if p.pos >= len(p.src) {
		return nil, p.errAt(p.pos, "unexpected end of file: expected a value")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"' || c == '\'':
		start := p.pos
		s, err := p.stringLit()
		if err != nil {
			return nil, err
		}
		n := p.scalar(KindString, start)
		n.end, n.str, n.quote = p.pos, s, c
		return n, nil
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || c == 'I' || c == 'N':
		return p.number()
	default:
		for _, lit := range []struct {
			word string
			kind Kind
			b    bool
		}{{"true", KindBool, true}, {"false", KindBool, false}, {"null", KindNull, false}} {
			if bytes.HasPrefix(p.src[p.pos:], []byte(lit.word)) && !p.identContinues(p.pos+len(lit.word)) {
				n := p.scalar(lit.kind, p.pos)
				n.end, n.b = p.pos+len(lit.word), lit.b
				p.pos += len(lit.word)
				return n, nil
			}
		}
		if p.isIdentStart() {
			start := p.pos
			word, _ := p.identifier()
			// an unquoted secret must not be printed: a masked excerpt only
			ex := Excerpt(word)
			if IsSecretKey(p.lastKey) {
				ex = Mask(word)
			}
			return nil, p.errAt(start, fmt.Sprintf("unexpected word %s: strings need quotes", ex))
		}
		return nil, p.errAt(p.pos, fmt.Sprintf("unexpected %s: expected a value", p.describe()))
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(p.pos, fmt.Sprintf("nesting deeper than %d levels", MaxDepth))
	}
	return nil
}

func (p *parser) object() (*cnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := p.container(KindObject)
	p.pos++
	base := len(p.mstack)   // this object's members are p.mstack[base:]
	var seen map[string]int // key → its offset, once an object has more than 8 keys
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, p.errAt(n.open, "unclosed { (no matching })")
		}
		members := p.mstack[base:]
		if p.src[p.pos] == '}' {
			n.close = p.pos
			p.pos++
			n.end = p.pos
			if len(members) > 0 {
				n.members = cut(&p.mlists, members, p.pos, len(p.src))
			}
			p.mstack = p.mstack[:base]
			return n, nil
		}
		if len(members) > 0 && members[len(members)-1].comma < 0 {
			return nil, p.errAt(p.pos, fmt.Sprintf("expected , or } but found %s", p.describe()))
		}
		m := p.members.newAt(p.pos, len(p.src))
		m.keyStart, m.comma = p.pos, -1
		switch c := p.src[p.pos]; {
		case c == '"' || c == '\'':
			s, err := p.stringLit()
			if err != nil {
				return nil, err
			}
			m.key, m.keyQuote = s, c
		case p.isIdentStart():
			s, err := p.identifier()
			if err != nil {
				return nil, err
			}
			m.key = s
		default:
			return nil, p.errAt(p.pos, fmt.Sprintf("unexpected %s: expected a key or }", p.describe()))
		}
		m.keyEnd = p.pos
		prev, dup := 0, false
		if seen != nil {
			prev, dup = seen[m.key]
		} else {
			for _, o := range members {
				if o.key == m.key {
					prev, dup = o.keyStart, true
					break
				}
			}
		}
		if dup {
			line, col := p.t.position(prev)
			return nil, p.errAt(m.keyStart, fmt.Sprintf("duplicate key %q (first defined at line %d, column %d)", m.key, line, col))
		}
		if seen == nil && len(members) >= 8 {
			seen = make(map[string]int, 2*len(members))
			for _, o := range members {
				seen[o.key] = o.keyStart
			}
		}
		if seen != nil {
			seen[m.key] = m.keyStart
		}
		p.lastKey = m.key
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.errAt(p.pos, fmt.Sprintf("expected : after key %q but found %s", m.key, p.describe()))
		}
		p.pos++
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m.value = v
		p.mstack = push(p.mstack, m)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			m.comma = p.pos
			p.pos++
		}
	}
}

func (p *parser) array() (*cnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := p.container(KindArray)
	p.pos++
	base := len(p.estack) // this array's elements are p.estack[base:]
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, p.errAt(n.open, "unclosed [ (no matching ])")
		}
		elems := p.estack[base:]
		if p.src[p.pos] == ']' {
			n.close = p.pos
			p.pos++
			n.end = p.pos
			if len(elems) > 0 {
				n.elems = cut(&p.elists, elems, p.pos, len(p.src))
			}
			p.estack = p.estack[:base]
			return n, nil
		}
		if len(elems) > 0 && elems[len(elems)-1].comma < 0 {
			return nil, p.errAt(p.pos, fmt.Sprintf("expected , or ] but found %s", p.describe()))
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		e := p.elems.newAt(p.pos, len(p.src))
		e.value, e.comma = v, -1
		p.estack = push(p.estack, e)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			e.comma = p.pos
			p.pos++
		}
	}
}

func (p *parser) identContinues(off int) bool {
	if off >= len(p.src) {
		return false
	}
	r, _ := utf8.DecodeRune(p.src[off:])
	return isIdentPart(r) || r == '\\'
}

func isIdentStart(r rune) bool {
	return r == '$' || r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) ||
		unicode.Is(unicode.Pc, r) || r == 0x200C || r == 0x200D
}

func (p *parser) isIdentStart() bool {
	if p.pos >= len(p.src) {
		return false
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	return isIdentStart(r) || r == '\\'
}

// identifier reads an ES5 IdentifierName (with \uXXXX escapes).
func (p *parser) identifier() (string, error) {
	// Nearly every bare key is ASCII letters, digits, _ and $ followed by
	// an ASCII character that cannot continue it: its source bytes.
	i := p.pos
	for i < len(p.src) {
		if c := p.src[i]; c == '$' || c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (i > p.pos && '0' <= c && c <= '9') {
			i++
			continue
		}
		break
	}
	if i > p.pos && (i == len(p.src) || (p.src[i] < utf8.RuneSelf && p.src[i] != '\\')) {
		s := p.str(p.pos, i)
		p.pos = i
		return s, nil
	}
	var b strings.Builder
	first := true
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRune(p.src[p.pos:])
		if r == '\\' {
			start := p.pos
			if p.pos+1 >= len(p.src) || p.src[p.pos+1] != 'u' {
				return "", p.errAt(start, `bad escape in key: only \uXXXX is allowed`)
			}
			p.pos += 2
			u, err := p.hex(4)
			if err != nil {
				return "", err
			}
			r = rune(u)
			if (first && !isIdentStart(r)) || (!first && !isIdentPart(r)) {
				return "", p.errAt(start, fmt.Sprintf("escaped character %q cannot appear in a bare key", r))
			}
			b.WriteRune(r)
			first = false
			continue
		}
		if (first && !isIdentStart(r)) || (!first && !isIdentPart(r)) {
			break
		}
		b.WriteRune(r)
		p.pos += n
		first = false
	}
	return b.String(), nil
}

func (p *parser) hex(digits int) (int, error) {
	if p.pos+digits > len(p.src) {
		return 0, p.errAt(p.pos, fmt.Sprintf("expected %d hex digits", digits))
	}
	v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+digits]), 16, 32)
	if err != nil {
		return 0, p.errAt(p.pos, fmt.Sprintf("expected %d hex digits", digits))
	}
	p.pos += digits
	return int(v), nil
}

// stringLit reads a single- or double-quoted JSON5 string.
func (p *parser) stringLit() (string, error) {
	quote := p.src[p.pos]
	start := p.pos
	p.pos++
	var b strings.Builder
	plain := true // no escape so far: the value is the source bytes
	for {
		if p.pos >= len(p.src) {
			return "", p.errAt(start, "unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			if plain && p.t.text != "" {
				return p.t.text[start+1 : p.pos-1], nil
			}
			return b.String(), nil
		case c == '\n' || c == '\r':
			return "", p.errAt(p.pos, "line break inside a string (end the string, or escape the line break with \\)")
		case c == '\\':
			if plain && p.t.text != "" {
				b.WriteString(p.t.text[start+1 : p.pos]) // the plain run so far
			}
			plain = false
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			// a run of plain bytes at once (the input is valid UTF-8, checked
			// before parsing): a multi-megabyte string costs one copy
			j := p.pos + 1
			for j < len(p.src) {
				if d := p.src[j]; d == quote || d == '\\' || d == '\n' || d == '\r' {
					break
				}
				j++
			}
			if !plain || p.t.text == "" {
				b.Write(p.src[p.pos:j])
			}
			p.pos = j
		}
	}
}

func (p *parser) escape(b *strings.Builder) error {
	esc := p.pos
	p.pos++
	if p.pos >= len(p.src) {
		return p.errAt(esc, "unterminated string")
	}
	c := p.src[p.pos]
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'v':
		b.WriteByte('\v')
	case '0':
		if p.pos+1 < len(p.src) && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9' {
			return p.errAt(esc, `octal escapes are not allowed in JSON5 (\0 may not be followed by a digit)`)
		}
		b.WriteByte(0)
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return p.errAt(esc, fmt.Sprintf(`bad escape \%c in string`, c))
	case 'x':
		p.pos++
		v, err := p.hex(2)
		if err != nil {
			return err
		}
		b.WriteRune(rune(v))
		return nil
	case 'u':
		p.pos++
		v, err := p.hex(4)
		if err != nil {
			return err
		}
		r := rune(v)
		if utf16.IsSurrogate(r) && p.pos+6 <= len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
			save := p.pos
			p.pos += 2
			if v2, err := p.hex(4); err == nil {
				if d := utf16.DecodeRune(r, rune(v2)); d != utf8.RuneError {
					b.WriteRune(d)
					return nil
				}
			}
			p.pos = save
		}
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError // a lone surrogate, as JavaScript would keep it; Go strings cannot
		}
		b.WriteRune(r)
		return nil
	case '\n':
		// line continuation
	case '\r':
		if p.pos+1 < len(p.src) && p.src[p.pos+1] == '\n' {
			p.pos++
		}
	default:
		r, n := utf8.DecodeRune(p.src[p.pos:])
		if r == 0x2028 || r == 0x2029 {
			p.pos += n // line continuation
			return nil
		}
		b.WriteRune(r) // a non-escape character stands for itself
		p.pos += n
		return nil
	}
	p.pos++
	return nil
}

// number reads a JSON5 numeric literal.
func (p *parser) number() (*cnode, error) {
	start := p.pos
	neg := false
	if c := p.src[p.pos]; c == '+' || c == '-' {
		neg = c == '-'
		p.pos++
	}
	rest := p.src[p.pos:]
	n := p.scalar(KindNumber, start)
	switch {
	case bytes.HasPrefix(rest, []byte("Infinity")):
		p.pos += len("Infinity")
		n.num = math.Inf(1)
	case bytes.HasPrefix(rest, []byte("NaN")):
		p.pos += len("NaN")
		n.num = math.NaN()
	case len(rest) > 1 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X'):
		p.pos += 2
		ds := p.pos
		for p.pos < len(p.src) && isHex(p.src[p.pos]) {
			p.pos++
		}
		if p.pos == ds {
			return nil, p.errAt(start, "hex number without digits")
		}
		v, err := strconv.ParseUint(string(p.src[ds:p.pos]), 16, 64)
		if err != nil {
			// beyond uint64: accumulate as float like JavaScript
			f := 0.0
			for _, h := range p.src[ds:p.pos] {
				d, _ := strconv.ParseUint(string(h), 16, 8)
				f = f*16 + float64(d)
			}
			n.num = f
		} else {
			n.num = float64(v)
		}
	default:
		ds := p.pos
		intDigits := 0
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			p.pos++
			intDigits++
		}
		if intDigits > 1 && p.src[ds] == '0' {
			return nil, p.errAt(start, "numbers may not start with 0 (leading zeros are not JSON5)")
		}
		fracDigits := 0
		if p.pos < len(p.src) && p.src[p.pos] == '.' {
			p.pos++
			for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
				p.pos++
				fracDigits++
			}
		}
		if intDigits == 0 && fracDigits == 0 {
			return nil, p.errAt(start, fmt.Sprintf("unexpected %s: expected a number", Excerpt(string(p.src[start:min(p.pos+1, len(p.src))]))))
		}
		if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
			p.pos++
			if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
				p.pos++
			}
			es := p.pos
			for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
				p.pos++
			}
			if p.pos == es {
				return nil, p.errAt(start, "exponent without digits")
			}
		}
		text := string(p.src[ds:p.pos])
		if strings.HasSuffix(text, ".") {
			text += "0"
		} else if strings.HasPrefix(text, ".") {
			text = "0" + text
		}
		text = strings.Replace(text, ".e", ".0e", 1)
		text = strings.Replace(text, ".E", ".0E", 1)
		v, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRangeErr(err) {
			return nil, p.errAt(start, fmt.Sprintf("bad number %s", Excerpt(string(p.src[start:p.pos]))))
		}
		n.num = v
	}
	if p.identContinues(p.pos) {
		return nil, p.errAt(start, fmt.Sprintf("bad number %s", Excerpt(string(p.src[start:p.pos+1]))))
	}
	if neg {
		n.num = -n.num
	}
	n.end = p.pos
	return n, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
