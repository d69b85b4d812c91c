// Package testutil holds helpers shared by hardshell's tests: locating the
// repo's testdata, materializing state-dir fixtures with their real
// permission bits and symlinks, and generating large state dirs.
package testutil

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hardshell/hardshell/internal/demo"
)

// RepoRoot is the repository root, found from this source file's location so
// it works from any package's tests (go test runs each in its own dir).
func RepoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testutil: runtime.Caller failed")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Testdata returns the path of elem under the repo's testdata dir.
func Testdata(elem ...string) string {
	return filepath.Join(append([]string{RepoRoot(), "testdata"}, elem...)...)
}

// CopyState copies testdata/states/<name> into t.TempDir()/.openclaw,
// applies testdata/states/<name>.modes (modes and symlinks; unlisted dirs
// 0700, files 0600) and returns the new state dir.
func CopyState(t testing.TB, name string) string {
	t.Helper()
	return CopyStateTo(t, name, filepath.Join(t.TempDir(), ".openclaw"))
}

// CopyStateTo is CopyState into a caller-chosen dst, which must not exist
// (e.g. a path containing "Dropbox" for the synced-folder check).
func CopyStateTo(t testing.TB, name, dst string) string {
	t.Helper()
	if err := demo.CopyFixture(Testdata("states"), name, dst); err != nil {
		t.Fatalf("testutil: CopyStateTo %s: %v", name, err)
	}
	// Loose dir modes such as 0555 would make t.TempDir's cleanup fail.
	t.Cleanup(func() { makeRemovable(dst) })
	return dst
}

func makeRemovable(root string) {
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(path, 0o700)
		}
		return nil
	})
}

// WriteFile writes data to path with exactly mode (umask does not apply),
// creating missing parent dirs 0700.
func WriteFile(t testing.TB, path string, data []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// Mkdir creates dir (and parents) and sets exactly mode on dir.
func Mkdir(t testing.TB, dir string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}

// Mode returns the permission bits of path (not following a final symlink).
func Mode(t testing.TB, path string) fs.FileMode {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}
