package model

import (
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Kind is a JSON5 value kind.
type Kind uint8

const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindObject
	KindArray
)

func (k Kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "object", "array"}[k]
}

// Pos is where a value starts in its source file (1-based line and column,
// column counted in bytes after a UTF-8 BOM).
type Pos struct {
	File   string
	Line   int
	Col    int
	Offset int
}

// Node is one value of the merged config view ($include resolved). Every node
// knows the file, line and column that define it. Methods are nil-safe: a
// lookup that misses returns nil and nil answers "absent".
//
// A config listing 50,000 agents has some 150,000 nodes, so the layout is
// kept to 160 bytes (a malloc size class): Kind and Bool share a word and
// the place a value is written needs no allocation of its own.
type Node struct {
	Kind    Kind
	Bool    bool
	Pos     Pos
	Raw     string // source text of a scalar literal, as written
	Str     string // decoded string (KindString), ${VAR} kept as written
	Num     float64
	Members []Member // KindObject, in merged order
	Elems   []*Node  // KindArray

	where origins // where the value is written (several when merged)
}

// origins are the places a node is written: nearly always one, held
// inline; a merged node lists all of them.
type origins struct {
	one  origin
	more *[]origin // every place (one included) when there are several
}

// origins lists where n is written, in merge order.
func (n *Node) origins() []origin {
	if n.where.more != nil {
		return *n.where.more
	}
	return []origin{n.where.one}
}

// mergedOrigins are a's places followed by b's.
func mergedOrigins(a, b *Node) origins {
	l := append(a.origins(), b.origins()...)
	return origins{one: l[0], more: &l}
}

// Member is one key of an object.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Node
}

// Get returns the member value for key, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != KindObject {
		return nil
	}
	for i := len(n.Members) - 1; i >= 0; i-- { // last wins, as in JSON5
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Has reports whether key is present.
func (n *Node) Has(key string) bool { return n.Get(key) != nil }

// At returns element i of an array, or nil.
func (n *Node) At(i int) *Node {
	if n == nil || n.Kind != KindArray || i < 0 || i >= len(n.Elems) {
		return nil
	}
	return n.Elems[i]
}

// Lookup follows a dotted path relative to n ("sandbox.scope", "list[2].id").
func (n *Node) Lookup(path string) *Node {
	if strings.IndexByte(path, '[') < 0 {
		return n.lookupDotted(path)
	}
	segs, err := parsePathCached(path)
	if err != nil {
		return nil
	}
	cur := n
	for _, s := range segs {
		if s.IsIndex {
			cur = cur.At(s.Index)
		} else {
			cur = cur.Get(s.Key)
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// lookupDotted is Lookup for a path without brackets, the form nearly every
// check asks for ("sandbox.mode" on each of 50,000 agents): its keys are
// the text between the dots, so it walks them in place, with no parse and
// no cache look-up. Like ParsePath it takes "" and "." as n itself and an
// empty key (a leading, doubled or trailing dot) as a bad path (nil).
func (n *Node) lookupDotted(path string) *Node {
	if path == "" || path == "." {
		return n
	}
	cur := n
	for {
		key, rest, more := strings.Cut(path, ".")
		if key == "" {
			return nil
		}
		if cur = cur.Get(key); cur == nil {
			return nil
		}
		if !more {
			return cur
		}
		path = rest // "a." leaves "": an empty key, as ParsePath says
	}
}

// Entries yields an object's keys in Keys' order, each with its value as
// Get returns it (the last one written). It allocates no key slice for an
// object of up to smallObject members: a walk over the 150,000 values of a
// 50,000-agent config would otherwise allocate one per object.
func (n *Node) Entries() iter.Seq2[string, *Node] {
	return func(yield func(string, *Node) bool) {
		if n == nil || n.Kind != KindObject {
			return
		}
		if len(n.Members) > smallObject {
			for _, k := range n.Keys() {
				if !yield(k, n.Get(k)) {
					return
				}
			}
			return
		}
	members:
		for i, m := range n.Members {
			for _, o := range n.Members[:i] {
				if o.Key == m.Key {
					continue members // listed where it was first written
				}
			}
			if !yield(m.Key, n.Get(m.Key)) {
				return
			}
		}
	}
}

// Keys lists an object's keys in order (duplicates collapsed).
func (n *Node) Keys() []string {
	if n == nil || n.Kind != KindObject || len(n.Members) == 0 {
		return nil
	}
	out := make([]string, 0, len(n.Members))
	if len(n.Members) <= smallObject {
		for _, m := range n.Members {
			if !slices.Contains(out, m.Key) {
				out = append(out, m.Key)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(n.Members))
	for _, m := range n.Members {
		if !seen[m.Key] {
			seen[m.Key] = true
			out = append(out, m.Key)
		}
	}
	return out
}

// smallObject is the member count up to which duplicate keys are found by
// scanning rather than with a map: walks over the whole config call Keys
// on every object (50,000 agent entries on a large gateway), and nearly
// all of them have a handful of keys.
const smallObject = 16

// Len is the number of elements (array) or distinct keys (object).
func (n *Node) Len() int {
	if n == nil {
		return 0
	}
	switch n.Kind {
	case KindArray:
		return len(n.Elems)
	case KindObject:
		if len(n.Members) > smallObject {
			return len(n.Keys())
		}
		distinct := 0
		for i, m := range n.Members {
			dup := false
			for _, p := range n.Members[:i] {
				if p.Key == m.Key {
					dup = true
					break
				}
			}
			if !dup {
				distinct++
			}
		}
		return distinct
	}
	return 0
}

// String returns the string value (ok=false if absent or not a string).
func (n *Node) String() (string, bool) {
	if n == nil || n.Kind != KindString {
		return "", false
	}
	return n.Str, true
}

// Text returns a string value, or "" when absent or not a string.
func (n *Node) Text() string { s, _ := n.String(); return s }

// BoolValue returns the boolean (ok=false if absent or not a boolean).
func (n *Node) BoolValue() (bool, bool) {
	if n == nil || n.Kind != KindBool {
		return false, false
	}
	return n.Bool, true
}

// IsTrue reports an explicit true.
func (n *Node) IsTrue() bool { b, ok := n.BoolValue(); return ok && b }

// IsFalse reports an explicit false.
func (n *Node) IsFalse() bool { b, ok := n.BoolValue(); return ok && !b }

// Number returns the numeric value.
func (n *Node) Number() (float64, bool) {
	if n == nil || n.Kind != KindNumber {
		return 0, false
	}
	return n.Num, true
}

// Scalar renders a string, number or boolean as text (strings decoded,
// numbers as written); "" for others.
func (n *Node) Scalar() string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case KindString:
		return n.Str
	case KindNumber:
		if n.Raw != "" {
			return n.Raw
		}
		return strconv.FormatFloat(n.Num, 'g', -1, 64)
	case KindBool:
		return strconv.FormatBool(n.Bool)
	}
	return ""
}

// Strings returns the scalar elements of an array as text (allowlists mix
// strings and numbers). A lone string is returned as a one-element list.
func (n *Node) Strings() []string {
	if n == nil {
		return nil
	}
	if n.Kind == KindString {
		return []string{n.Str}
	}
	if n.Kind != KindArray {
		return nil
	}
	out := make([]string, 0, len(n.Elems))
	for _, e := range n.Elems {
		if e.Kind == KindString || e.Kind == KindNumber {
			out = append(out, e.Scalar())
		}
	}
	return out
}

// ContainsString reports whether an array has an element equal to s.
func (n *Node) ContainsString(s string) bool {
	for _, v := range n.Strings() {
		if v == s {
			return true
		}
	}
	return false
}

// EnvRefs lists the ${VAR} names a string value references. Escaped $${VAR}
// is literal text and not a reference.
func (n *Node) EnvRefs() []string {
	s, ok := n.String()
	if !ok {
		return nil
	}
	return EnvRefs(s)
}

// EnvRefs lists the ${VAR} names in s (VAR is [A-Z_][A-Z0-9_]*; escaped
// $${VAR} excluded), in one pass over s.
func EnvRefs(s string) []string {
	var out []string
	for from := 0; ; {
		name, start, end := nextEnvRef(s, from)
		if end < 0 {
			return out
		}
		if start < 0 || s[start] != '$' || start+1 >= len(s) || s[start+1] != '$' {
			out = append(out, name)
		}
		from = end
	}
}

// nextEnvRef finds the next ${VAR} at or after from: its name, where the
// reference starts (at a preceding "$" when it is escaped as $${VAR}) and
// where it ends; end < 0 when there is none.
func nextEnvRef(s string, from int) (name string, start, end int) {
	for {
		k := strings.Index(s[from:], "${")
		if k < 0 {
			return "", -1, -1
		}
		i := from + k // the "$" of "${"
		j := i + 2
		if j < len(s) && (s[j] == '_' || ('A' <= s[j] && s[j] <= 'Z')) {
			e := j + 1
			for e < len(s) && (s[e] == '_' || ('A' <= s[e] && s[e] <= 'Z') || ('0' <= s[e] && s[e] <= '9')) {
				e++
			}
			if e < len(s) && s[e] == '}' {
				start = i
				if i > 0 && s[i-1] == '$' { // a match ends in "}", so this "$" is free
					start = i - 1
				}
				return s[j:e], start, e + 1
			}
		}
		from = i + 1
	}
}

// IsEnvRef reports a string that is exactly one ${VAR} reference.
func (n *Node) IsEnvRef() bool {
	s, ok := n.String()
	if !ok {
		return false
	}
	_, start, end := nextEnvRef(s, 0)
	return start == 0 && end == len(s) && !strings.HasPrefix(s, "$$")
}

// IsSecretRef reports a SecretRef object {source: env|file|exec, provider?, id}.
func (n *Node) IsSecretRef() bool {
	if n == nil || n.Kind != KindObject {
		return false
	}
	src, _ := n.Get("source").String()
	id, ok := n.Get("id").String()
	switch src {
	case "env", "file", "exec", "store":
	default:
		return false
	}
	return ok && id != ""
}

// IsLiteralSecret reports a non-empty string that is neither a ${VAR}
// reference nor contains one: a secret written in plain text.
func (n *Node) IsLiteralSecret() bool {
	s, ok := n.String()
	if !ok || strings.TrimSpace(s) == "" {
		return false
	}
	return len(EnvRefs(s)) == 0
}

// IsSet reports a configured secret in any form (literal, ${VAR} or SecretRef).
func (n *Node) IsSet() bool {
	if n == nil {
		return false
	}
	if n.IsSecretRef() {
		return true
	}
	s, ok := n.String()
	return ok && strings.TrimSpace(s) != ""
}

// PathSeg is one segment of a dotted path.
type PathSeg struct {
	Key     string
	Index   int
	IsIndex bool
}

// ParsePath splits "a.b[2].c" into segments. Keys containing dots or
// brackets can be quoted: channels["my.bot"].token.
func ParsePath(path string) ([]PathSeg, error) {
	var segs []PathSeg
	i := 0
	if path == "" || path == "." {
		return nil, nil
	}
	expectKey := true
	for i < len(path) {
		c := path[i]
		switch {
		case c == '.':
			if expectKey {
				return nil, &PathError{Path: path, Msg: "empty key at offset " + strconv.Itoa(i)}
			}
			expectKey = true
			i++
		case c == '[':
			if i+1 < len(path) && (path[i+1] == '"' || path[i+1] == '\'') {
				// a quoted key ends at its quote and "]": it may hold
				// brackets itself (JoinPath writes ["d[e]"] as it is)
				if k := strings.Index(path[i+2:], path[i+1:i+2]+"]"); k >= 0 {
					segs = append(segs, PathSeg{Key: path[i+2 : i+2+k]})
					expectKey = false
					i += 2 + k + 2
					continue
				}
			}
			j := strings.IndexByte(path[i:], ']')
			if j < 0 {
				return nil, &PathError{Path: path, Msg: "unclosed ["}
			}
			inner := path[i+1 : i+j]
			if len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0] {
				segs = append(segs, PathSeg{Key: inner[1 : len(inner)-1]})
			} else {
				idx, err := strconv.Atoi(inner)
				if err != nil || idx < 0 {
					return nil, &PathError{Path: path, Msg: "bad index [" + inner + "]"}
				}
				segs = append(segs, PathSeg{Index: idx, IsIndex: true})
			}
			expectKey = false
			i += j + 1
		default:
			if !expectKey {
				return nil, &PathError{Path: path, Msg: "expected . or [ at offset " + strconv.Itoa(i)}
			}
			j := i
			for j < len(path) && path[j] != '.' && path[j] != '[' {
				j++
			}
			segs = append(segs, PathSeg{Key: path[i:j]})
			expectKey = false
			i = j
		}
	}
	if expectKey {
		return nil, &PathError{Path: path, Msg: "path ends with ."}
	}
	return segs, nil
}

// JoinPath renders segments back to a dotted path, quoting odd keys.
func JoinPath(segs []PathSeg) string {
	var b strings.Builder
	for i, s := range segs {
		if s.IsIndex {
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
			continue
		}
		if s.Key == "" || strings.ContainsAny(s.Key, ".[]\"' ") {
			b.WriteString(`["` + s.Key + `"]`)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Key)
	}
	return b.String()
}

// Child appends a key to a dotted path.
func Child(path, key string) string {
	if !canonicalPath(path) { // normalized through the parser
		segs, _ := ParsePath(path)
		return JoinPath(append(segs, PathSeg{Key: key}))
	}
	// The walks of big configs build a path per node: appending to a path
	// that JoinPath would spell the same way needs no parse.
	switch {
	case key == "" || strings.ContainsAny(key, ".[]\"' "):
		return path + `["` + key + `"]`
	case path == "":
		return key
	}
	return path + "." + key
}

// canonicalPath reports a path that JoinPath(ParsePath(path)) spells
// exactly as it is: plain keys joined by dots and [n] indexes without
// leading zeros.
func canonicalPath(path string) bool {
	key := 0 // length of the current plain key
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			if key == 0 {
				return false
			}
			key = 0
		case '[':
			if key == 0 && i > 0 && path[i-1] != ']' {
				return false
			}
			j := i + 1
			for j < len(path) && path[j] >= '0' && path[j] <= '9' {
				j++
			}
			if j == i+1 || j >= len(path) || path[j] != ']' || (path[i+1] == '0' && j > i+2) {
				return false
			}
			i = j
			key = 0
			if i+1 < len(path) && path[i+1] != '.' && path[i+1] != '[' {
				return false
			}
			if i+1 < len(path) && path[i+1] == '.' {
				i++
				if i+1 >= len(path) {
					return false
				}
			}
		case ']', '"', '\'', ' ':
			return false
		default:
			key++
		}
	}
	return path == "" || path[len(path)-1] != '.'
}

// Index appends an index to a dotted path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// PathError is a malformed dotted path.
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string { return "bad path " + strconv.Quote(e.Path) + ": " + e.Msg }

// Checks look the same few relative paths up on every agent ("sandbox.mode"
// on 50,000 agents): parsed paths are kept, up to lookupCacheMax of them
// (dynamic paths such as "agents.list[123].x" would otherwise grow it
// without bound). The cached segments are never modified.
const lookupCacheMax = 4096

var (
	lookupCache  sync.Map // path → []PathSeg
	lookupCached atomic.Int32
)

func parsePathCached(path string) ([]PathSeg, error) {
	if v, ok := lookupCache.Load(path); ok {
		return v.([]PathSeg), nil
	}
	segs, err := ParsePath(path)
	if err == nil && lookupCached.Load() < lookupCacheMax {
		if _, loaded := lookupCache.LoadOrStore(path, segs); !loaded {
			lookupCached.Add(1)
		}
	}
	return segs, err
}

// WalkObjects calls fn for every object below n (n itself excluded), depth
// first in key order, with its dotted path under path; it descends at most
// eight levels, enough for any channel/account/group/topic nesting.
func (n *Node) WalkObjects(path string, fn func(o *Node, path string)) {
	n.walkObjects(path, 0, fn)
}

func (n *Node) walkObjects(path string, depth int, fn func(*Node, string)) {
	if n == nil || n.Kind != KindObject || depth > 8 {
		return
	}
	for _, k := range n.Keys() {
		v := n.Get(k)
		if v == nil || v.Kind != KindObject {
			continue
		}
		cp := Child(path, k)
		fn(v, cp)
		v.walkObjects(cp, depth+1, fn)
	}
}
