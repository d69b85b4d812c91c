package model

import (
	"fmt"
	"slices"
	"testing"
)

// Child's fast path must spell every path exactly as the parser and
// JoinPath do.
func TestChildMatchesParseAndJoin(t *testing.T) {
	paths := []string{"", "a", "a.b", "a.b.c", "a[0]", "a[12].b", "a[0][1]", "a[3].b[4].c", "[2]", "[2].x",
		"a..b", ".a", "a.", "a[01]", "a[]", "a[x]", `a["b.c"]`, `a['b']`, `a["b"]`, "a b", "a]", "a[1]b", "a.[1]", "a[1].", "a.b[0]"}
	keys := []string{"k", "", "k.x", "k[0]", "k]", "[k", `k"`, "k'", "k y", "日本"}
	for _, p := range paths {
		for _, k := range keys {
			segs, _ := ParsePath(p)
			want := JoinPath(append(segs, PathSeg{Key: k}))
			if got := Child(p, k); got != want {
				t.Errorf("Child(%q, %q) = %q, want %q", p, k, got, want)
			}
		}
	}
}

// A key JoinPath quotes reads back as itself, brackets included: Child
// re-parses a quoted path, and a key like "d[e]" cut short at its first
// "]" used to drop the whole path before it.
func TestJoinPathParsesBack(t *testing.T) {
	for _, k := range []string{"d[e]", "]", "[", "a]b", "x.y[0]", "", "k y", `k"`, "k'"} {
		segs := []PathSeg{{Key: "a"}, {Key: k}, {Index: 2, IsIndex: true}, {Key: k}}
		p := JoinPath(segs)
		got, err := ParsePath(p)
		if err != nil || !slices.Equal(got, segs) {
			t.Errorf("ParsePath(%q) = %v, %v; want %v", p, got, err, segs)
		}
		if c := Child(JoinPath(segs[:3]), k); c != p {
			t.Errorf("Child(%q, %q) = %q, want %q", JoinPath(segs[:3]), k, c, p)
		}
	}
}

// Lookup's walk of a path without brackets must find exactly what the
// parsed path finds, bad paths (empty keys) included.
func TestLookupDottedMatchesParsePath(t *testing.T) {
	d := parseDoc(t, `{
  a: { b: { c: "abc", "": "empty key" }, "b.c": "dotted key", "x]": "bracket" },
  "": { b: "under empty" },
  list: [ { id: "one" } ],
  "a b": { c: "spaced" },
}`)
	ref := func(n *Node, path string) *Node {
		segs, err := ParsePath(path)
		if err != nil {
			return nil
		}
		for _, s := range segs {
			if s.IsIndex {
				n = n.At(s.Index)
			} else {
				n = n.Get(s.Key)
			}
			if n == nil {
				return nil
			}
		}
		return n
	}
	paths := []string{"", ".", "a", "a.b", "a.b.c", "a.b.c.d", "a..b", ".a", "a.", "..", "a.b.", "b.c", "a.b.c.",
		"x]", "a.x]", "a b", "a b.c", "list", "list.id", "missing", "missing.x", "a.b..", ". a", ".b", "a.b.", "a.b..c"}
	for _, root := range []*Node{d.Root, d.Root.Get("a"), nil} {
		for _, p := range paths {
			if got, want := root.Lookup(p), ref(root, p); got != want {
				t.Errorf("Lookup(%q) = %v, want %v", p, got, want)
			}
		}
	}
	if got := d.Root.Lookup("a.b.c").Text(); got != "abc" {
		t.Errorf(`Lookup("a.b.c") = %q, want "abc"`, got)
	}
}

// Entries yields what Keys and Get give, small and big objects, duplicate
// keys (first position, last value) included.
func TestEntriesMatchKeysAndGet(t *testing.T) {
	obj := func(keys ...string) *Node { // duplicate keys: the parser refuses them, a node may still hold them
		n := &Node{Kind: KindObject}
		for i, k := range keys {
			n.Members = append(n.Members, Member{Key: k, Value: &Node{Kind: KindNumber, Num: float64(i)}})
		}
		return n
	}
	var bigKeys []string
	for i := range smallObject + 5 {
		bigKeys = append(bigKeys, fmt.Sprintf("k%d", i%(smallObject+2)))
	}
	nodes := []*Node{obj(), obj("a"), obj("a", "b", "a", "c", "b"), obj(bigKeys...), obj(bigKeys[:smallObject]...), {Kind: KindArray}, {Kind: KindString}}
	for _, src := range []string{`{}`, `{ a: 1, b: { c: 2 } }`} {
		nodes = append(nodes, parseDoc(t, src).Root)
	}
	for _, n := range nodes {
		src := n.Keys()
		var keys []string
		for k, v := range n.Entries() {
			keys = append(keys, k)
			if v != n.Get(k) {
				t.Errorf("%v: Entries gives %v for %q, Get %v", src, v, k, n.Get(k))
			}
		}
		if !slices.Equal(keys, n.Keys()) {
			t.Errorf("%v: Entries keys %v, Keys %v", src, keys, n.Keys())
		}
	}
	var nilNode *Node
	for range nilNode.Entries() {
		t.Error("a nil node has no entries")
	}
}
