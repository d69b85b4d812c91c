package model

import (
	"testing"
	"unsafe"
)

// sharePaths keeps every path's text and backs an agent's five paths with
// one allocation.
func TestSharePaths(t *testing.T) {
	d := "/s/agents/a1"
	a := AgentFiles{ID: "a1"}
	a.Dir.Path = d
	a.AgentDir.Path = d + "/agent"
	a.AuthProfiles.Path = d + "/agent/auth-profiles.json"
	a.SessionsDir.Path = d + "/sessions"
	a.SessionsStore.Path = d + "/sessions/sessions.json"
	want := a
	sharePaths(&a)
	if a.Dir.Path != want.Dir.Path || a.AgentDir.Path != want.AgentDir.Path || a.AuthProfiles.Path != want.AuthProfiles.Path ||
		a.SessionsDir.Path != want.SessionsDir.Path || a.SessionsStore.Path != want.SessionsStore.Path {
		t.Fatalf("paths changed: %+v", a)
	}
	base := unsafe.StringData(a.AuthProfiles.Path)
	for _, p := range []string{a.Dir.Path, a.AgentDir.Path} {
		if unsafe.StringData(p) != base {
			t.Errorf("%s is not shared", p)
		}
	}
	if unsafe.StringData(a.SessionsStore.Path) != (*byte)(unsafe.Add(unsafe.Pointer(base), len(a.AuthProfiles.Path))) {
		t.Error("sessions.json path is not in the same allocation")
	}
	// a missing file leaves the others as they were
	b := AgentFiles{ID: "b"}
	b.Dir.Path, b.SessionsDir.Path = d, d+"/sessions"
	sharePaths(&b)
	if b.Dir.Path != d || b.SessionsDir.Path != d+"/sessions" || b.AuthProfiles.Path != "" || b.SessionsStore.Path != "" {
		t.Fatalf("paths changed: %+v", b)
	}
}
