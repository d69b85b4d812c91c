package model

import "testing"

// Child's fast path must spell every path exactly as the parser and
// JoinPath do.
func TestChildMatchesParseAndJoin(t *testing.T) {
	paths := []string{"", "a", "a.b", "a.b.c", "a[0]", "a[12].b", "a[0][1]", "a[3].b[4].c", "[2]", "[2].x",
		"a..b", ".a", "a.", "a[01]", "a[]", "a[x]", `a["b.c"]`, `a['b']`, `a["b"]`, "a b", "a]", "a[1]b", "a.[1]", "a[1].", "a.b[0]"}
	keys := []string{"k", "", "k.x", "k[0]", `k"`, "k'", "k y", "日本"}
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
