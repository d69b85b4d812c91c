package remediate

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
)

func TestRestoreIsByteAndModeIdentical(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	// CRLF and a BOM must come back byte for byte
	orig := "\ufeff{\r\n  gateway: { bind: \"lan\" },\r\n}\r\n"
	writeFile(t, cfg, orig, 0o644)
	cred := filepath.Join(state, "credentials")
	require.NoError(t, os.Mkdir(cred, 0o755))
	require.NoError(t, os.Chmod(cred, 0o755))
	tok := filepath.Join(cred, "telegram-allowFrom.json")
	writeFile(t, tok, "{\"allowFrom\":[\"*\"]}", 0o664)
	env := filepath.Join(state, ".env")

	tx := NewTxn(state)
	tx.Track(cfg, []byte(orig))
	tx.Write(cfg, []byte("{\r\n  gateway: { bind: \"loopback\" },\r\n}\r\n"), 0o600, "loopback")
	tx.Write(env, []byte("OPENCLAW_GATEWAY_TOKEN=x\n"), 0o600, "move token")
	tx.Chmod(model.Chmod{Path: cred, Mode: 0o700})
	tx.Chmod(model.Chmod{Path: tok, Mode: 0o600})
	set, err := tx.Commit(BackupMeta{Command: "fix", CheckIDs: []string{"gateway.bind_no_auth"}, ToolVersion: "t"})
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o700), modeOf(t, cred))

	safety, err := Restore(RestoreRoots{StateDir: state}, set.ID, "t")
	require.NoError(t, err)
	require.NotNil(t, safety)
	require.Equal(t, "restore "+set.ID, safety.Command)

	require.Equal(t, orig, readFile(t, cfg))
	require.Equal(t, fs.FileMode(0o644), modeOf(t, cfg))
	require.Equal(t, fs.FileMode(0o755), modeOf(t, cred))
	require.Equal(t, fs.FileMode(0o664), modeOf(t, tok))
	require.Equal(t, "{\"allowFrom\":[\"*\"]}", readFile(t, tok))
	_, err = os.Lstat(env)
	require.ErrorIs(t, err, fs.ErrNotExist, "a file the set created is removed")
	noTempFiles(t, state)

	// the safety set holds what was there before the restore
	byRel := map[string]BackupEntry{}
	for _, e := range safety.Entries {
		byRel[e.Rel] = e
	}
	require.Equal(t, OpRemove, byRel[".env"].Op)
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN=x\n", readFile(t, filepath.Join(safety.Dir, byRel[".env"].Backup)))

	sets, err := ListBackups(state)
	require.NoError(t, err)
	require.Len(t, sets, 2)
	require.Equal(t, safety.ID, sets[0].ID, "newest first")
	require.Equal(t, set.ID, sets[1].ID)

	// restoring the safety set undoes the restore
	_, err = Restore(RestoreRoots{StateDir: state}, safety.ID, "t")
	require.NoError(t, err)
	require.Equal(t, "{\r\n  gateway: { bind: \"loopback\" },\r\n}\r\n", readFile(t, cfg))
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN=x\n", readFile(t, env))
	require.Equal(t, fs.FileMode(0o600), modeOf(t, env))
	require.Equal(t, fs.FileMode(0o700), modeOf(t, cred))
	require.Equal(t, fs.FileMode(0o600), modeOf(t, tok))
}

func TestRestoreRefusesDamagedBackup(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	writeFile(t, cfg, oldConfig, 0o600)
	tx := NewTxn(state)
	tx.Write(cfg, []byte(newConfig), 0o600, "")
	set, err := tx.Commit(BackupMeta{})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(set.Dir, set.Entries[0].Backup), []byte("tampered"), 0o600))

	_, err = Restore(RestoreRoots{StateDir: state}, set.ID, "t")
	require.ErrorContains(t, err, "is damaged")
	require.ErrorContains(t, err, "nothing was restored")
	require.Equal(t, newConfig, readFile(t, cfg))
}

func TestRestoreUnknownAndBadIDs(t *testing.T) {
	state := t.TempDir()
	_, err := Restore(RestoreRoots{StateDir: state}, "20990101T000000Z", "t")
	require.ErrorContains(t, err, "no backup set")
	require.ErrorContains(t, err, "hardshell restore --list")
	_, err = Restore(RestoreRoots{StateDir: state}, "../../etc", "t")
	require.ErrorContains(t, err, "bad backup id")
	sets, err := ListBackups(state)
	require.NoError(t, err)
	require.Empty(t, sets)
}

func TestRestoreFaultLeavesCurrentIntact(t *testing.T) {
	state := t.TempDir()
	a, b := filepath.Join(state, "a.json"), filepath.Join(state, "b.json")
	writeFile(t, a, "a0", 0o600)
	writeFile(t, b, "b0", 0o600)
	tx := NewTxn(state)
	tx.Write(a, []byte("a1"), 0, "")
	tx.Write(b, []byte("b1"), 0, "")
	set, err := tx.Commit(BackupMeta{})
	require.NoError(t, err)

	useOS(t, faultOS{fail: func(op, path string) error {
		if op == "rename" && filepath.Base(path) == "a.json" {
			return os.ErrPermission
		}
		return nil
	}})
	_, err = Restore(RestoreRoots{StateDir: state}, set.ID, "t")
	require.ErrorContains(t, err, "nothing was changed")
	require.Equal(t, "a1", readFile(t, a))
	require.Equal(t, "b1", readFile(t, b))
}

// tamperManifest rewrites one field of entry i of set id's manifest.
func tamperManifest(t *testing.T, state, id string, i int, field string, value any) {
	t.Helper()
	p := filepath.Join(BackupsDir(state), id, manifestName)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["entries"].([]any)[i].(map[string]any)[field] = value
	out, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, out, 0o600))
}

// A manifest inside <state>/.hardshell/ is data hardshell wrote, but
// anything that can write the state dir can rewrite it: restore holds every
// path to the roots its caller names (the state dir and the config's
// folder), lexically and with the parents' symlinks resolved, and refuses
// before writing anything, its own safety backup included.
func TestRestoreRefusesATamperedManifest(t *testing.T) {
	const victimText = "root:x:0:0:the file outside must stay as it is\n"
	cases := []struct {
		name   string
		tamper func(t *testing.T, state, outside string) (field string, value any)
		why    string
	}{
		{"a path outside the roots", func(t *testing.T, state, outside string) (string, any) {
			return "path", filepath.Join(outside, "victim")
		}, "lies outside them"},
		{"a path climbing out with ..", func(t *testing.T, state, outside string) (string, any) {
			rel, err := filepath.Rel(state, filepath.Join(outside, "victim"))
			require.NoError(t, err)
			return "path", state + string(filepath.Separator) + rel
		}, "not a clean path"},
		{"a symlinked parent folder leading out", func(t *testing.T, state, outside string) (string, any) {
			require.NoError(t, os.Symlink(outside, filepath.Join(state, "plugins-cache")))
			return "path", filepath.Join(state, "plugins-cache", "victim")
		}, "once its folders' symlinks are resolved"},
		{"a dangling symlinked parent", func(t *testing.T, state, outside string) (string, any) {
			require.NoError(t, os.Symlink(filepath.Join(outside, "not-yet"), filepath.Join(state, "later")))
			return "path", filepath.Join(state, "later", "victim")
		}, "dangling symlink"},
		{"a relative path", func(t *testing.T, state, outside string) (string, any) {
			return "path", "openclaw.json"
		}, "not an absolute path"},
		{"a copy outside the set's folder", func(t *testing.T, state, outside string) (string, any) {
			return "backup", "../../../../victim-copy"
		}, "outside the backup's own folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			state, outside := filepath.Join(root, "state"), filepath.Join(root, "outside")
			require.NoError(t, os.MkdirAll(state, 0o700))
			require.NoError(t, os.MkdirAll(outside, 0o755))
			victim := filepath.Join(outside, "victim")
			writeFile(t, victim, victimText, 0o644)
			cfg := filepath.Join(state, "openclaw.json")
			writeFile(t, cfg, `{ gateway: { bind: "lan" } }`, 0o600)

			tx := NewTxn(state)
			tx.Track(cfg, []byte(`{ gateway: { bind: "lan" } }`))
			tx.Write(cfg, []byte(`{ gateway: { bind: "loopback" } }`), 0o600, "loopback")
			set, err := tx.Commit(BackupMeta{Command: "fix", ToolVersion: "t"})
			require.NoError(t, err)
			field, value := tc.tamper(t, state, outside)
			tamperManifest(t, state, set.ID, 0, field, value)
			before, err := ListBackups(state)
			require.NoError(t, err)

			_, err = Restore(RestoreRoots{StateDir: state}, set.ID, "t")
			var me *ManifestError
			require.ErrorAs(t, err, &me)
			require.Contains(t, err.Error(), tc.why)
			require.Contains(t, err.Error(), "nothing was restored")
			require.Equal(t, victimText, readFile(t, victim), "the file outside is untouched")
			require.Equal(t, fs.FileMode(0o644), modeOf(t, victim))
			require.Equal(t, `{ gateway: { bind: "loopback" } }`, readFile(t, cfg), "nothing inside was written either")
			after, err := ListBackups(state)
			require.NoError(t, err)
			require.Len(t, after, len(before), "no safety backup was written")
			_, err = os.Lstat(filepath.Join(root, "victim-copy"))
			require.ErrorIs(t, err, fs.ErrNotExist)
		})
	}
}

// A config outside the state dir (OPENCLAW_CONFIG_PATH=/etc/openclaw/…) is
// restored when the caller names its folder, and refused when it does not.
func TestRestoreConfigOutsideTheStateDir(t *testing.T) {
	root := t.TempDir()
	state, cfgDir := filepath.Join(root, "state"), filepath.Join(root, "etc-openclaw")
	require.NoError(t, os.MkdirAll(state, 0o700))
	cfg := filepath.Join(cfgDir, "openclaw.json")
	writeFile(t, cfg, "{ old: true }", 0o640)
	tx := NewTxn(state)
	tx.AllowIn(cfgDir)
	tx.Track(cfg, []byte("{ old: true }"))
	tx.Write(cfg, []byte("{ new: true }"), 0o600, "edit")
	set, err := tx.Commit(BackupMeta{Command: "fix", ToolVersion: "t"})
	require.NoError(t, err)

	_, err = Restore(RestoreRoots{StateDir: state}, set.ID, "t")
	var me *ManifestError
	require.ErrorAs(t, err, &me, "the manifest's own folder is not a root")
	require.Equal(t, "{ new: true }", readFile(t, cfg))

	roots := RestoreRootsFor(model.Target{StateDir: state, ConfigPath: cfg})
	require.Equal(t, cfgDir, roots.ConfigDir)
	safety, err := Restore(roots, set.ID, "t")
	require.NoError(t, err)
	require.NotNil(t, safety)
	require.Equal(t, "{ old: true }", readFile(t, cfg))
	require.Equal(t, fs.FileMode(0o640), modeOf(t, cfg))
}
