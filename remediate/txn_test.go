package remediate

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

const (
	oldConfig = "// gateway\n{\n  gateway: {\n    bind: \"lan\",\n    auth: { mode: \"token\", token: \"9f8e7d6c5b4a39281706f5e4d3c2b1a0\" },\n  },\n}\n"
	newConfig = "// gateway\n{\n  gateway: {\n    bind: \"loopback\",\n    auth: { mode: \"token\", token: \"9f8e7d6c5b4a39281706f5e4d3c2b1a0\" },\n  },\n}\n"
)

func writeFile(t *testing.T, path, data string, mode fs.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(data), mode))
	require.NoError(t, os.Chmod(path, mode))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func modeOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	require.NoError(t, err)
	return modeBits(fi.Mode())
}

// useOS swaps the lowest layer for the test.
func useOS(t *testing.T, l fsys.FS) {
	t.Helper()
	prev := sys
	sys = l
	t.Cleanup(func() { sys = prev })
}

// noTempFiles asserts no .hardshell-*.tmp file was left in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		require.NotContains(t, e.Name(), ".hardshell-", "temp file left behind")
	}
}

func TestCommitWritesBacksUpAndKeepsModes(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	inc := filepath.Join(state, "channels.json5")
	cred := filepath.Join(state, "credentials")
	writeFile(t, cfg, oldConfig, 0o640)
	writeFile(t, inc, "{ telegram: { dmPolicy: \"open\" } }\n", 0o600)
	require.NoError(t, os.Mkdir(cred, 0o755))

	tx := NewTxn(state)
	tx.Track(cfg, []byte(oldConfig))
	tx.Write(cfg, []byte(newConfig), 0o600, "bind to loopback")
	tx.Write(inc, []byte("{ telegram: { dmPolicy: \"pairing\" } }\n"), 0o600, "pairing")
	tx.Write(filepath.Join(state, ".env"), []byte("OPENCLAW_GATEWAY_TOKEN=abc\n"), 0o600, "new env file")
	tx.Chmod(model.Chmod{Path: cred, Mode: 0o700, Reason: "private credentials"})

	set, err := tx.Commit(BackupMeta{Command: "fix", CheckIDs: []string{"gateway.bind_no_auth"}, ToolVersion: "test"})
	require.NoError(t, err)
	require.NotNil(t, set)

	require.Equal(t, newConfig, readFile(t, cfg))
	require.Equal(t, fs.FileMode(0o640), modeOf(t, cfg), "an existing file keeps its mode")
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN=abc\n", readFile(t, filepath.Join(state, ".env")))
	require.Equal(t, fs.FileMode(0o600), modeOf(t, filepath.Join(state, ".env")))
	require.Equal(t, fs.FileMode(0o700), modeOf(t, cred))
	noTempFiles(t, state)

	// backup layout and modes
	require.Equal(t, fs.FileMode(0o700), modeOf(t, filepath.Join(state, ".hardshell")))
	require.Equal(t, fs.FileMode(0o700), modeOf(t, BackupsDir(state)))
	require.Equal(t, fs.FileMode(0o700), modeOf(t, set.Dir))
	require.Equal(t, fs.FileMode(0o700), modeOf(t, filepath.Join(set.Dir, "files")))
	require.Equal(t, fs.FileMode(0o600), modeOf(t, filepath.Join(set.Dir, "manifest.json")))
	require.Regexp(t, `^\d{8}T\d{6}Z$`, set.ID)

	require.Len(t, set.Entries, 4)
	byRel := map[string]BackupEntry{}
	for _, e := range set.Entries {
		byRel[e.Rel] = e
	}
	e := byRel["openclaw.json"]
	require.Equal(t, OpWrite, e.Op)
	require.Equal(t, sha256Hex([]byte(oldConfig)), e.SHA256Before)
	require.Equal(t, sha256Hex([]byte(newConfig)), e.SHA256After)
	require.Equal(t, Mode(0o640), e.ModeBefore)
	require.Equal(t, os.Getuid(), e.UID)
	backup := filepath.Join(set.Dir, e.Backup)
	require.Equal(t, oldConfig, readFile(t, backup))
	require.Equal(t, fs.FileMode(0o600), modeOf(t, backup))
	require.False(t, strings.Contains(filepath.Base(backup), ".bak"), "never named like OpenClaw's backup ring")
	require.Equal(t, OpCreate, byRel[".env"].Op)
	require.False(t, byRel[".env"].Existed)
	require.Equal(t, OpChmod, byRel["credentials"].Op)
	require.Equal(t, Mode(0o755), byRel["credentials"].ModeBefore)
	require.Equal(t, Mode(0o700), byRel["credentials"].ModeAfter)

	// the manifest on disk says the same
	loaded, err := LoadBackup(state, set.ID)
	require.NoError(t, err)
	require.Equal(t, set.Entries, loaded.Entries)
	require.Equal(t, "fix", loaded.Command)
	require.Equal(t, []string{"gateway.bind_no_auth"}, loaded.CheckIDs)
	require.Equal(t, "test", loaded.ToolVersion)
	require.Contains(t, loaded.Summary(), "credentials (chmod 0755→0700)")
}

func TestCommitNothingToDo(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	writeFile(t, cfg, oldConfig, 0o600)
	tx := NewTxn(state)
	tx.Track(cfg, []byte(oldConfig))
	tx.Write(cfg, []byte(oldConfig), 0o600, "same")
	tx.Chmod(model.Chmod{Path: cfg, Mode: 0o600})
	set, err := tx.Commit(BackupMeta{Command: "fix"})
	require.NoError(t, err)
	require.Nil(t, set)
	_, err = os.Stat(filepath.Join(state, ".hardshell"))
	require.ErrorIs(t, err, fs.ErrNotExist, "no backup folder for a no-op")
}

func TestCommitRefusesDrift(t *testing.T) {
	for _, tc := range []struct {
		name  string
		drift func(cfg string)
		msg   string
	}{
		{"hot-saved", func(cfg string) { _ = os.WriteFile(cfg, []byte(oldConfig+"// saved by gateway\n"), 0o600) }, "changed on disk since hardshell read it"},
		{"deleted", func(cfg string) { _ = os.Remove(cfg) }, "was deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := t.TempDir()
			cfg := filepath.Join(state, "openclaw.json")
			other := filepath.Join(state, "other.json")
			writeFile(t, cfg, oldConfig, 0o600)
			writeFile(t, other, "{}\n", 0o600)
			tx := NewTxn(state)
			tx.Track(cfg, []byte(oldConfig))
			tx.Write(other, []byte("{ a: 1 }\n"), 0o600, "")
			tx.Write(cfg, []byte(newConfig), 0o600, "")
			tc.drift(cfg)
			before, _ := os.ReadFile(cfg)

			set, err := tx.Commit(BackupMeta{Command: "fix"})
			require.Nil(t, set)
			var de *DriftError
			require.ErrorAs(t, err, &de)
			require.Equal(t, cfg, de.Path)
			require.Contains(t, err.Error(), tc.msg)
			require.Contains(t, err.Error(), "nothing was written")
			after, _ := os.ReadFile(cfg)
			require.Equal(t, before, after)
			require.Equal(t, "{}\n", readFile(t, other), "no file of the transaction is written")
			sets, err := ListBackups(state)
			require.NoError(t, err)
			require.Empty(t, sets)
		})
	}

	t.Run("created", func(t *testing.T) {
		state := t.TempDir()
		env := filepath.Join(state, ".env")
		tx := NewTxn(state)
		tx.TrackMissing(env)
		tx.Write(env, []byte("A=1\n"), 0o600, "")
		writeFile(t, env, "B=2\n", 0o600)
		_, err := tx.Commit(BackupMeta{})
		require.ErrorContains(t, err, "was created")
		require.Equal(t, "B=2\n", readFile(t, env))
	})
}

// faultOS wraps the real file system and fails the operations fail picks.
type faultOS struct {
	fsys.Local
	fail func(op, path string) error
}

func (f faultOS) CreateExcl(name string) (fsys.File, error) {
	if err := f.fail("open", name); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	file, err := f.Local.CreateExcl(name)
	if err != nil {
		return nil, err
	}
	return faultFile{File: file, name: name, fail: f.fail}, nil
}

func (f faultOS) SyncDir(dir string) error {
	if err := f.fail("sync", dir); err != nil {
		return &fs.PathError{Op: "fsync folder", Path: dir, Err: err}
	}
	return f.Local.SyncDir(dir)
}

func (f faultOS) Rename(oldpath, newpath string) error {
	if err := f.fail("rename", newpath); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return f.Local.Rename(oldpath, newpath)
}

type faultFile struct {
	fsys.File
	name string
	fail func(op, path string) error
}

func (f faultFile) Write(p []byte) (int, error) {
	if err := f.fail("write", f.name); err != nil {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: err}
	}
	return f.File.Write(p)
}

func (f faultFile) Sync() error {
	if err := f.fail("sync", f.name); err != nil {
		return &fs.PathError{Op: "sync", Path: f.name, Err: err}
	}
	return f.File.Sync()
}

func TestFaultsLeaveOriginalsIntact(t *testing.T) {
	for _, op := range []string{"write", "rename", "sync"} {
		for _, errno := range []syscall.Errno{syscall.EACCES, syscall.ENOSPC} {
			for _, victim := range []string{"a.json", "c.json"} {
				t.Run(fmt.Sprintf("%s-%s-%s", op, errno, victim), func(t *testing.T) {
					state := t.TempDir()
					names := []string{"a.json", "b.json", "c.json"}
					for _, n := range names {
						writeFile(t, filepath.Join(state, n), "old "+n+"\n", 0o640)
					}
					tx := NewTxn(state)
					for _, n := range names {
						tx.Write(filepath.Join(state, n), []byte("new "+n+"\n"), 0o600, "")
					}
					tx.Chmod(model.Chmod{Path: filepath.Join(state, "a.json"), Mode: 0o600})
					useOS(t, faultOS{fail: func(o, path string) error {
						// only the target's own temp file / rename, never the backups
						if o == op && strings.Contains(filepath.Base(path), victim) && !strings.Contains(path, ".hardshell/") {
							return errno
						}
						return nil
					}})

					set, err := tx.Commit(BackupMeta{Command: "fix"})
					require.Nil(t, set)
					require.Error(t, err)
					require.ErrorIs(t, err, errno)
					var ae *ApplyError
					require.ErrorAs(t, err, &ae)
					require.True(t, ae.RolledBack, "rollback: %v", ae.RollbackErr)
					require.Contains(t, err.Error(), "could not write "+filepath.Join(state, victim))
					require.Contains(t, err.Error(), "nothing was changed")
					for _, n := range names {
						require.Equal(t, "old "+n+"\n", readFile(t, filepath.Join(state, n)))
						require.Equal(t, fs.FileMode(0o640), modeOf(t, filepath.Join(state, n)))
					}
					noTempFiles(t, state)
					sets, err := ListBackups(state)
					require.NoError(t, err)
					require.Empty(t, sets, "a rolled-back commit leaves no backup set")
				})
			}
		}
	}
}

func TestBackupFailureWritesNothing(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	writeFile(t, cfg, oldConfig, 0o600)
	tx := NewTxn(state)
	tx.Write(cfg, []byte(newConfig), 0o600, "")
	useOS(t, faultOS{fail: func(op, path string) error {
		if op == "write" && strings.Contains(path, ".hardshell/") {
			return syscall.ENOSPC
		}
		return nil
	}})
	_, err := tx.Commit(BackupMeta{})
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.ErrorContains(t, err, "cannot create a backup, so nothing was written")
	require.Equal(t, oldConfig, readFile(t, cfg))
}

func TestSymlinkedConfigInsideStateDir(t *testing.T) {
	state := t.TempDir()
	real := filepath.Join(state, "configs", "main.json5")
	writeFile(t, real, oldConfig, 0o640)
	link := filepath.Join(state, "openclaw.json")
	require.NoError(t, os.Symlink("configs/main.json5", link))

	tx := NewTxn(state)
	tx.Track(link, []byte(oldConfig))
	tx.Write(link, []byte(newConfig), 0o600, "")
	set, err := tx.Commit(BackupMeta{})
	require.NoError(t, err)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&fs.ModeSymlink, "the link stays a link")
	require.Equal(t, newConfig, readFile(t, real))
	require.Equal(t, fs.FileMode(0o640), modeOf(t, real))
	require.Equal(t, real, set.Entries[0].Path)
	require.Equal(t, "configs/main.json5", set.Entries[0].Rel)
}

func TestSymlinkedConfigOutsideStateDirRefused(t *testing.T) {
	state := t.TempDir()
	outside := filepath.Join(t.TempDir(), "dotfiles", "openclaw.json")
	writeFile(t, outside, oldConfig, 0o600)
	link := filepath.Join(state, "openclaw.json")
	require.NoError(t, os.Symlink(outside, link))

	tx := NewTxn(state)
	tx.Track(link, []byte(oldConfig))
	tx.Write(link, []byte(newConfig), 0o600, "")
	set, err := tx.Commit(BackupMeta{})
	require.Nil(t, set)
	var se *SymlinkError
	require.ErrorAs(t, err, &se)
	require.Contains(t, err.Error(), outside, "the message names the target")
	require.Contains(t, err.Error(), "outside the state dir")
	require.Equal(t, oldConfig, readFile(t, outside))
	fi, _ := os.Lstat(link)
	require.NotZero(t, fi.Mode()&fs.ModeSymlink)
}

// The transaction itself refuses to write, create or remove a file outside
// the state dir and the folders added with AllowIn, before anything is
// written: hardshell changes nothing outside them.
func TestWriteOutsideRootsRefused(t *testing.T) {
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	cfgDir := filepath.Join(home, "etc-openclaw")
	unit := filepath.Join(home, ".config", "systemd", "user", "openclaw-gateway.service")
	writeFile(t, unit, "[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN=9f8e7d6c5b4a39281706f5e4d3c2b1a0\n", 0o644)
	writeFile(t, filepath.Join(state, "openclaw.json"), oldConfig, 0o600)
	writeFile(t, filepath.Join(cfgDir, "openclaw.json"), oldConfig, 0o600)
	created := filepath.Join(home, "new.env")

	for name, path := range map[string]string{"existing": unit, "new": created, "dotdot": filepath.Join(state, "..", "new.env")} {
		t.Run(name, func(t *testing.T) {
			tx := NewTxn(state)
			tx.AllowIn(cfgDir)
			tx.Write(filepath.Join(state, "openclaw.json"), []byte(newConfig), 0o600, "inside")
			tx.Write(filepath.Join(cfgDir, "openclaw.json"), []byte(newConfig), 0o600, "the config's folder")
			tx.Write(path, []byte("changed\n"), 0o600, "outside")
			set, err := tx.Commit(BackupMeta{})
			require.Nil(t, set)
			var oe *OutsideError
			require.ErrorAs(t, err, &oe)
			require.Contains(t, err.Error(), "outside the state dir")
			require.Contains(t, err.Error(), "nothing was written")
			require.Equal(t, oldConfig, readFile(t, filepath.Join(state, "openclaw.json")), "nothing written, also inside")
			require.Equal(t, oldConfig, readFile(t, filepath.Join(cfgDir, "openclaw.json")))
			require.NotContains(t, readFile(t, unit), "changed")
			_, err = os.Stat(created)
			require.ErrorIs(t, err, fs.ErrNotExist)
			_, err = os.Stat(filepath.Join(state, ".hardshell", "backups"))
			require.ErrorIs(t, err, fs.ErrNotExist, "no backup set either")
		})
	}

	// inside the roots the same transaction commits
	tx := NewTxn(state)
	tx.AllowIn(cfgDir)
	tx.Write(filepath.Join(cfgDir, "openclaw.json"), []byte(newConfig), 0o600, "the config's folder")
	_, err := tx.Commit(BackupMeta{})
	require.NoError(t, err)
	require.Equal(t, newConfig, readFile(t, filepath.Join(cfgDir, "openclaw.json")))
}

func TestChmodNeverFollowsSymlink(t *testing.T) {
	state := t.TempDir()
	target := filepath.Join(state, "credentials", "telegram.json")
	writeFile(t, target, "{}", 0o644)
	link := filepath.Join(state, "cred-link")
	require.NoError(t, os.Symlink(target, link))

	tx := NewTxn(state)
	tx.Chmod(model.Chmod{Path: link, Mode: 0o600})
	plan := tx.Plan()
	require.Len(t, plan, 1)
	require.Contains(t, plan[0].String(), "skipped")
	set, err := tx.Commit(BackupMeta{})
	require.NoError(t, err)
	require.Nil(t, set)
	require.Equal(t, fs.FileMode(0o644), modeOf(t, target), "the target's mode is unchanged")
	require.Len(t, tx.Skipped(), 1)
	require.Equal(t, link, tx.Skipped()[0].Path)
	require.Contains(t, tx.Skipped()[0].Reason, "symlink")

	// and the low-level helper refuses too
	require.ErrorIs(t, chmodNoFollow(sys, link, 0o600), errSymlink)
	require.Equal(t, fs.FileMode(0o644), modeOf(t, target))
}

func TestKeepsOwnerAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	writeFile(t, cfg, oldConfig, 0o600)
	require.NoError(t, os.Chown(cfg, 4321, 4322))
	tx := NewTxn(state)
	tx.Write(cfg, []byte(newConfig), 0o600, "")
	_, err := tx.Commit(BackupMeta{})
	require.NoError(t, err)
	fi, err := fsys.Local{}.Stat(cfg)
	require.NoError(t, err)
	require.Equal(t, 4321, fi.UID)
	require.Equal(t, 4322, fi.GID)
	require.Equal(t, newConfig, readFile(t, cfg))
}

func TestBackupIDCollision(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	writeFile(t, cfg, "v0", 0o600)
	fixed := time.Date(2026, 11, 25, 8, 46, 2, 0, time.UTC)
	var ids []string
	for i := 1; i <= 3; i++ {
		tx := NewTxn(state)
		tx.now = func() time.Time { return fixed }
		tx.Write(cfg, fmt.Appendf(nil, "v%d", i), 0o600, "")
		set, err := tx.Commit(BackupMeta{})
		require.NoError(t, err)
		ids = append(ids, set.ID)
	}
	require.Equal(t, []string{"20261125T084602Z", "20261125T084602Z-2", "20261125T084602Z-3"}, ids)
	sets, err := ListBackups(state)
	require.NoError(t, err)
	require.Len(t, sets, 3)
	require.Equal(t, "20261125T084602Z-3", sets[0].ID, "newest first")
}

func TestDiffMasksSecretsButShowsRotation(t *testing.T) {
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	oldTok := "sk-ant-api03-" + strings.Repeat("OldOldOld0", 9)
	newTok := "sk-ant-api03-" + strings.Repeat("NewNewNew1", 9)
	before := "{\n  models: {\n    providers: {\n      anthropic: {\n        apiKey: \"" + oldTok + "\",\n      },\n    },\n  },\n}\n"
	after := strings.Replace(before, oldTok, newTok, 1)
	writeFile(t, cfg, before, 0o600)
	tx := NewTxn(state)
	tx.Track(cfg, []byte(before))
	tx.Write(cfg, []byte(after), 0o600, "rotate")
	d := tx.Diff()
	require.Contains(t, d, "--- a/openclaw.json\n+++ b/openclaw.json\n")
	require.Contains(t, d, "-        apiKey: \""+model.Mask(oldTok)+"\",")
	require.Contains(t, d, "+        apiKey: \""+model.Mask(newTok)+"\",")
	require.NotContains(t, d, oldTok)
	require.NotContains(t, d, newTok)
	require.NotContains(t, d, "OldOldOld0")
	require.Empty(t, UnifiedDiff("x", []byte("same"), []byte("same")))
}

// The SIGKILL test runs this test binary as a child that commits
// transactions over 3 files in a loop, slowed down at the lowest layer, and
// kills it at random moments. Every file must then be either the old or the
// new version.
const killChildEnv = "HARDSHELL_TXN_KILL_CHILD"

type slowOS struct{ fsys.Local }

func (s slowOS) CreateExcl(name string) (fsys.File, error) {
	time.Sleep(time.Millisecond)
	f, err := s.Local.CreateExcl(name)
	if err != nil {
		return nil, err
	}
	return slowFile{f}, nil
}

func (s slowOS) Rename(oldpath, newpath string) error {
	time.Sleep(time.Millisecond)
	return s.Local.Rename(oldpath, newpath)
}

type slowFile struct{ fsys.File }

func (f slowFile) Write(p []byte) (int, error) {
	// write in two halves with a pause, so a kill can land mid-write
	half := len(p) / 2
	n, err := f.File.Write(p[:half])
	if err != nil {
		return n, err
	}
	time.Sleep(time.Millisecond)
	m, err := f.File.Write(p[half:])
	return n + m, err
}

func (f slowFile) Sync() error {
	time.Sleep(time.Millisecond)
	return f.File.Sync()
}

func killFiles(dir string) []string {
	return []string{filepath.Join(dir, "openclaw.json"), filepath.Join(dir, "inc", "channels.json5"), filepath.Join(dir, ".env")}
}

func killVersions(path string) (string, string) {
	base := filepath.Base(path)
	return strings.Repeat("old "+base+"\n", 200), strings.Repeat("NEW "+base+"\n", 300)
}

func TestKillChild(t *testing.T) {
	dir := os.Getenv(killChildEnv)
	if dir == "" {
		t.Skip("helper for TestSIGKILLLeavesOldOrNew")
	}
	sys = slowOS{}
	fmt.Println("ready")
	for i := 0; ; i++ {
		tx := NewTxn(dir)
		for _, f := range killFiles(dir) {
			oldV, newV := killVersions(f)
			cur, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tx.Track(f, cur)
			if string(cur) == oldV {
				tx.Write(f, []byte(newV), 0o600, "")
			} else {
				tx.Write(f, []byte(oldV), 0o600, "")
			}
		}
		if _, err := tx.Commit(BackupMeta{Command: "kill-test"}); err != nil {
			t.Fatal(err)
		}
	}
}

// 100 kills at random moments of a loop of 3-file commits: every file is
// the old or the new version with its mode kept, a temp file left behind
// is 0600 and is removed by the next commit, and the newest backup set
// says "committed" only when its change is wholly on disk.
func TestSIGKILLLeavesOldOrNew(t *testing.T) {
	if os.Getenv(killChildEnv) != "" {
		t.Skip("in the child")
	}
	iterations := 100
	if testing.Short() {
		iterations = 12
	}
	progressed, mixed, temps, interrupted, noManifest, stricter := 0, 0, 0, 0, 0, 0
	for it := range iterations {
		dir := t.TempDir()
		for _, f := range killFiles(dir) {
			oldV, _ := killVersions(f)
			writeFile(t, f, oldV, 0o640)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		line, err := bufio.NewReader(out).ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "ready\n", line)
		time.Sleep(time.Duration(rand.IntN(120)) * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		werr := cmd.Wait()
		var ee *exec.ExitError
		require.True(t, errors.As(werr, &ee), "iteration %d: the child should be killed, got %v", it, werr)
		require.Equal(t, syscall.SIGKILL, ee.Sys().(syscall.WaitStatus).Signal(), "iteration %d", it)

		news := 0
		for _, f := range killFiles(dir) {
			oldV, newV := killVersions(f)
			got := readFile(t, f)
			require.Truef(t, got == oldV || got == newV, "iteration %d: %s is neither old nor new (%d bytes)", it, f, len(got))
			if m := modeOf(t, f); m != 0o640 {
				// killed between the rename and the chmod that follows it
				// for a group-readable mode: stricter, never looser. The
				// child alternates old and new, so the just-renamed file
				// may hold either version; it is whole either way (above).
				require.Equal(t, fs.FileMode(0o600), m, "iteration %d: %s", it, f)
				stricter++
			}
			if got == newV {
				news++
			}
		}
		left := leftoverTemps(t, dir)
		for _, p := range left {
			require.Equal(t, fs.FileMode(0o600), modeOf(t, p), "iteration %d: a leftover temp file is never looser than 0600", it)
		}
		if len(left) > 0 {
			temps++
		}
		sets, err := ListBackups(dir)
		require.NoError(t, err)
		if len(sets) > 0 {
			progressed++
			newest := sets[0]
			switch {
			case newest.State == StateInterrupted:
				noManifest++
			case newest.Interrupted():
				interrupted++
			default:
				require.Equal(t, StateCommitted, newest.State)
				for _, e := range newest.Entries {
					require.Equal(t, e.SHA256After, sha256Hex([]byte(readFile(t, e.Path))), "iteration %d: a set listed as committed has its change on disk", it)
				}
			}
			for _, s := range sets[1:] {
				require.Equal(t, StateCommitted, s.State, "iteration %d: only the newest set can be interrupted", it)
			}
		}
		if news > 0 && news < 3 {
			mixed++ // killed between two files' renames
		}
		if len(left) > 0 || (len(sets) > 0 && sets[0].Interrupted()) {
			// the next commit removes the temp files; an interrupted set
			// restores to the old versions where the change reached
			if len(sets) > 0 && sets[0].State == StatePrepared {
				_, err := Restore(RestoreRoots{StateDir: dir}, sets[0].ID, "test")
				require.NoError(t, err, "iteration %d", it)
				for _, f := range killFiles(dir) {
					oldV, newV := killVersions(f)
					got := readFile(t, f)
					require.Truef(t, got == oldV || got == newV, "iteration %d: after restore", it)
				}
			}
			tx := NewTxn(dir)
			f := killFiles(dir)[0]
			cur := readFile(t, f)
			tx.Track(f, []byte(cur))
			tx.Write(f, []byte(cur+"x"), 0o600, "")
			_, err := tx.Commit(BackupMeta{Command: "after-kill"})
			require.NoError(t, err)
			for _, p := range leftoverTemps(t, dir) {
				require.NotEqual(t, filepath.Dir(f), filepath.Dir(p), "iteration %d: the next commit in %s removed the stale temp %s", it, filepath.Dir(f), p)
			}
		}
	}
	t.Logf("%d kills: %d after the first backup, %d between two renames, %d left temp files (all 0600), %d left an interrupted (prepared) set, %d a set without manifest, %d a just-renamed file still 0600; no committed set without its change", iterations, progressed, mixed, temps, interrupted, noManifest, stricter)
	require.Positive(t, progressed, "the child never got to commit; the test proves nothing")
}

// leftoverTemps lists hardshell temp files anywhere below dir.
func leftoverTemps(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && fsys.IsTempName(d.Name()) {
			out = append(out, p)
		}
		return nil
	}))
	return out
}

func TestDiffLabelsForFilesOutsideTheStateDir(t *testing.T) {
	d := UnifiedDiff("/home/u/.config/systemd/user/openclaw-gateway.service", []byte("a\n"), []byte("b\n"))
	require.Contains(t, d, "--- a/home/u/.config/systemd/user/openclaw-gateway.service")
	require.Contains(t, d, "+++ b/home/u/.config/systemd/user/openclaw-gateway.service")
	require.Contains(t, UnifiedDiff("openclaw.json", []byte("a\n"), []byte("b\n")), "--- a/openclaw.json")
}

// asUser is the local disk as seen by a login of another uid (as a remote
// login over SFTP is): fsys.EUID reports uid, so the transaction decides
// about owners for that user, not for this (root) process.
type asUser struct {
	fsys.Local
	uid int
}

func (a asUser) EUID() int { return a.uid }

// The owner is kept for the user the file system writes as: a file of
// another user is refused (nothing written) rather than silently given the
// writer's uid; the file's own user keeps owner and group.
func TestKeepsOwnerAsTheFileSystemsUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the test files other owners")
	}
	state := t.TempDir()
	cfg := filepath.Join(state, "openclaw.json")
	writeFile(t, cfg, oldConfig, 0o640)
	require.NoError(t, os.Chown(cfg, 4321, 4322))

	defer UseFS(asUser{uid: 1000})()
	tx := NewTxn(state)
	tx.Write(cfg, []byte(newConfig), 0o600, "")
	_, err := tx.Commit(BackupMeta{})
	require.ErrorContains(t, err, "belongs to uid 4321, and uid 1000 (who writes it) cannot give the new file that owner")
	require.Equal(t, oldConfig, readFile(t, cfg), "nothing written")
	fi, err := fsys.Local{}.Stat(cfg)
	require.NoError(t, err)
	require.Equal(t, 4321, fi.UID)
	ents, err := os.ReadDir(state)
	require.NoError(t, err)
	for _, e := range ents {
		require.False(t, fsys.IsTempName(e.Name()), "no temp file left: %s", e.Name())
	}

	defer UseFS(asUser{uid: 4321})()
	tx = NewTxn(state)
	tx.Write(cfg, []byte(newConfig), 0o600, "")
	_, err = tx.Commit(BackupMeta{})
	require.NoError(t, err)
	require.Equal(t, newConfig, readFile(t, cfg))
	fi, err = fsys.Local{}.Stat(cfg)
	require.NoError(t, err)
	require.Equal(t, []int{4321, 4322}, []int{fi.UID, fi.GID}, "the file's own user keeps owner and group")
	require.Equal(t, fs.FileMode(0o640), fi.Mode.Perm())
}
