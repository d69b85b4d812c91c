package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardshell/hardshell/internal/demo"
)

// CopyAccessState copies the access-review fixture testdata/access/states/<name>
// (a state dir written by the real OpenClaw releases, see
// testdata/access/README.md) into t.TempDir()/.openclaw with the modes
// OpenClaw gave it, and returns the new state dir and the fixture's reference
// time. Ages in a fixture ("approved 6 days ago", "pending for 12 minutes")
// are relative to that time, and OpenClaw's pending requests expire in real
// time, so tests use it as "now".
func CopyAccessState(t testing.TB, name string) (string, time.Time) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), ".openclaw")
	if err := demo.CopyFixture(Testdata("access", "states"), name, dst); err != nil {
		t.Fatalf("testutil: CopyAccessState %s: %v", name, err)
	}
	t.Cleanup(func() { makeRemovable(dst) })
	return dst, AccessAsOf(t, name)
}

// AccessAsOf reads testdata/access/states/<name>.asof, the reference time of
// an access-review fixture.
func AccessAsOf(t testing.TB, name string) time.Time {
	t.Helper()
	p := Testdata("access", "states", name+".asof")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("testutil: AccessAsOf %s: %v", name, err)
	}
	asof, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("testutil: AccessAsOf %s: %v", p, err)
	}
	return asof
}
