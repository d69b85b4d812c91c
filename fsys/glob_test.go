package fsys

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Glob lists matching names sorted, a link as a name (never followed into),
// and nothing for a folder that cannot be listed.
func TestGlob(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	for _, n := range []string{"b.jsonl", "a.jsonl", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(outside, "x.jsonl"), nil, 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "c.jsonl")))
	require.Equal(t, []string{filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl"), filepath.Join(dir, "c.jsonl")},
		Glob(Local{}, dir, "*.jsonl"))
	require.Nil(t, Glob(Local{}, filepath.Join(dir, "missing"), "*"))
	require.Nil(t, Glob(Local{}, filepath.Join(dir, "a.jsonl"), "*"), "a file is not a folder")
}
