package remediate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// WritePrivate creates the folder and its missing parents 0700 and the
// file 0600, replaces an older file (also a link at its name, which is
// replaced, not followed), and refuses a link in the folder's place.
func TestWritePrivate(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "report.md")
	require.NoError(t, WritePrivate(path, []byte("one")))
	for _, d := range []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b")} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
	}
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	outside := filepath.Join(t.TempDir(), "target")
	require.NoError(t, os.WriteFile(outside, []byte("keep"), 0o644))
	require.NoError(t, os.Remove(path))
	require.NoError(t, os.Symlink(outside, path))
	require.NoError(t, WritePrivate(path, []byte("two")))
	got, err := os.ReadFile(outside)
	require.NoError(t, err)
	require.Equal(t, "keep", string(got), "the link's target is untouched")
	fi, err = os.Lstat(path)
	require.NoError(t, err)
	require.True(t, fi.Mode().IsRegular())
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "two", string(got))

	linked := filepath.Join(root, "linked")
	require.NoError(t, os.Symlink(t.TempDir(), linked))
	require.Error(t, WritePrivate(filepath.Join(linked, "report.md"), []byte("x")), "a link in the folder's place is refused")
}
