package model

import (
	"path/filepath"
	"strings"
	"testing"
)

// PathUnder's prefix test on clean absolute paths must answer what
// filepath.Rel answers.
func TestPathUnderMatchesRel(t *testing.T) {
	byRel := func(dir, path string) (string, bool) {
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			return "", false
		}
		return rel, true
	}
	paths := []string{"/", "/a", "/a/b", "/a/bc", "/ab", "/a/b/c", "/home/u/.openclaw", "/home/u/.openclaw/workspace-x",
		"/home/u/.openclawx", "/home/u/.openclaw/../x", "/a//b", "/a/./b", "/a/b/", "a/b", "", ".", "..", "../a", "/..", "/a/.."}
	for _, dir := range paths {
		for _, p := range paths {
			gotRel, gotOK := PathUnder(dir, p)
			wantRel, wantOK := byRel(dir, p)
			if gotRel != wantRel || gotOK != wantOK {
				t.Errorf("PathUnder(%q, %q) = %q, %v; filepath.Rel gives %q, %v", dir, p, gotRel, gotOK, wantRel, wantOK)
			}
		}
	}
}

func TestExpandUserPathRebasesTheHomeStateDir(t *testing.T) {
	cp := &Snapshot{Target: Target{Home: "/home/u", StateDir: "/srv/copy/.openclaw"}}
	own := &Snapshot{Target: Target{Home: "/home/u", StateDir: "/home/u/.openclaw/"}}
	none := &Snapshot{Target: Target{StateDir: "/srv/s"}}
	for _, c := range []struct {
		s        *Snapshot
		in, want string
	}{
		{cp, "~/.openclaw/workspace-a", "/srv/copy/.openclaw/workspace-a"},
		{cp, "~/.openclaw", "/srv/copy/.openclaw"},
		{cp, "/home/u/.openclaw/x/../y", "/srv/copy/.openclaw/y"},
		{cp, "~/.openclawx/a", "/home/u/.openclawx/a"},
		{cp, "~", "/home/u"},
		{cp, "~/work", "/home/u/work"},
		{cp, "ws", "/srv/copy/.openclaw/ws"},
		{own, "~/.openclaw/workspace-a", "/home/u/.openclaw/workspace-a"},
		{none, "~/x", "x"},
		{none, "/a//b", "/a/b"},
	} {
		if got := c.s.ExpandUserPath(c.in); got != c.want {
			t.Errorf("home %q state %q: ExpandUserPath(%q) = %q, want %q", c.s.Target.Home, c.s.Target.StateDir, c.in, got, c.want)
		}
	}
}
