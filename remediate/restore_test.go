package remediate

import (
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

	safety, err := Restore(state, set.ID, "t")
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
	_, err = Restore(state, safety.ID, "t")
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

	_, err = Restore(state, set.ID, "t")
	require.ErrorContains(t, err, "is damaged")
	require.ErrorContains(t, err, "nothing was restored")
	require.Equal(t, newConfig, readFile(t, cfg))
}

func TestRestoreUnknownAndBadIDs(t *testing.T) {
	state := t.TempDir()
	_, err := Restore(state, "20990101T000000Z", "t")
	require.ErrorContains(t, err, "no backup set")
	require.ErrorContains(t, err, "hardshell restore --list")
	_, err = Restore(state, "../../etc", "t")
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
	_, err = Restore(state, set.ID, "t")
	require.ErrorContains(t, err, "nothing was changed")
	require.Equal(t, "a1", readFile(t, a))
	require.Equal(t, "b1", readFile(t, b))
}
