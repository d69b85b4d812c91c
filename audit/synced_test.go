package audit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// ~/.openclaw is a symlink into a synced folder: the literal path says
// nothing, the resolved one does.
func TestSyncedFolderThroughSymlink(t *testing.T) {
	for _, synced := range []string{"Dropbox/openclaw", "Library/Mobile Documents/com~apple~CloudDocs/openclaw", "Library/CloudStorage/OneDrive-Contoso/openclaw", "Google Drive/My Drive/openclaw"} {
		t.Run(synced, func(t *testing.T) {
			home := t.TempDir()
			real := filepath.Join(home, synced)
			require.NoError(t, os.MkdirAll(real, 0o700))
			link := filepath.Join(home, ".openclaw")
			require.NoError(t, os.Symlink(real, link))
			s := auditkit.Snapshot(t, `{gateway: {mode: "local"}}`, auditkit.Options{Env: map[string]string{}, StateDir: link})
			r, err := Run(t.Context(), s, Options{})
			require.NoError(t, err)
			f := requireHit(t, r, "fs.synced_dir", model.Warn)
			require.Contains(t, f.Detail, link+" -> "+real)
		})
	}
	home := t.TempDir()
	real := filepath.Join(home, "src", "openclaw")
	require.NoError(t, os.MkdirAll(real, 0o700))
	link := filepath.Join(home, ".openclaw")
	require.NoError(t, os.Symlink(real, link))
	r := checkRun(t, `{gateway: {mode: "local"}}`, auditkit.Options{StateDir: link})
	requireNoHit(t, r, "fs.synced_dir")
}
