package model

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// The survey backs an agent's five paths with one allocation, with their
// text unchanged, whether its files exist or not.
func TestScanAgentPathsShareOneAllocation(t *testing.T) {
	root := filepath.Join(t.TempDir(), "state")
	full := filepath.Join(root, "agents", "a1")
	for _, d := range []string{filepath.Join(full, "agent"), filepath.Join(full, "sessions"), filepath.Join(root, "agents", "b2", "sessions")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(full, "agent", "auth-profiles.json"), filepath.Join(full, "sessions", "sessions.json")} {
		if err := os.WriteFile(f, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st := ScanFS(Target{StateDir: root}, nil)
	seen := 0
	for _, a := range st.Agents {
		if a.ID != "a1" && a.ID != "b2" {
			continue
		}
		seen++
		d := filepath.Join(root, "agents", a.ID)
		want := []string{d, d + "/agent", d + "/agent/auth-profiles.json", d + "/sessions", d + "/sessions/sessions.json"}
		got := []string{a.Dir.Path, a.AgentDir.Path, a.AuthProfiles.Path, a.SessionsDir.Path, a.SessionsStore.Path}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: path %d = %q, want %q", a.ID, i, got[i], want[i])
			}
		}
		base := unsafe.StringData(a.AuthProfiles.Path)
		for _, p := range []string{a.Dir.Path, a.AgentDir.Path} {
			if unsafe.StringData(p) != base {
				t.Errorf("%s: %s is not shared", a.ID, p)
			}
		}
		store := unsafe.StringData(a.SessionsStore.Path)
		if unsafe.StringData(a.SessionsDir.Path) != store {
			t.Errorf("%s: %s is not shared", a.ID, a.SessionsDir.Path)
		}
		// sessions.json's path follows auth-profiles.json's and its NUL
		if store != (*byte)(unsafe.Add(unsafe.Pointer(base), len(a.AuthProfiles.Path)+1)) {
			t.Errorf("%s: sessions.json path is not in the same allocation", a.ID)
		}
	}
	if seen != 2 {
		t.Fatalf("agents = %+v", st.Agents)
	}
	if !st.Agents[0].AuthProfiles.Exists || st.Agents[1].AuthProfiles.Exists {
		t.Fatalf("auth-profiles.json found where it is not: %+v", st.Agents)
	}
}
