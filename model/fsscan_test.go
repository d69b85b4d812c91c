package model_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// scanW writes a file with an exact mode (umask-proof), creating parents 0700.
func scanW(t *testing.T, path string, mode os.FileMode, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(data), mode))
	require.NoError(t, os.Chmod(path, mode))
}

// scanD creates a dir with an exact mode.
func scanD(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(path, 0o700))
	require.NoError(t, os.Chmod(path, mode))
}

// scanCount counts entries the way ScanFS promises to: every entry below
// root, links not followed, .hardshell/ and extensions/*/node_modules skipped.
func scanCount(t *testing.T, root string) int {
	t.Helper()
	n := 0
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && (rel == ".hardshell" || (d.Name() == "node_modules" && strings.Count(rel, "/") == 2 && strings.HasPrefix(rel, "extensions/"))) {
			return filepath.SkipDir
		}
		n++
		return nil
	}))
	return n
}

func scanFind(l []model.FileInfo, path string) (model.FileInfo, bool) {
	for _, f := range l {
		if f.Path == path {
			return f, true
		}
	}
	return model.FileInfo{}, false
}

func scanAgent(t *testing.T, st *model.FSState, id string) model.AgentFiles {
	t.Helper()
	for _, a := range st.Agents {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("agent %q not in survey", id)
	return model.AgentFiles{}
}

// buildState lays out a realistic, partly careless state dir.
func buildState(t *testing.T, root string) (home, state, outside string) {
	home = filepath.Join(root, "home")
	state = filepath.Join(home, ".openclaw")
	outside = filepath.Join(root, "outside")
	scanD(t, home, 0o755)
	scanD(t, state, 0o755)
	scanW(t, filepath.Join(outside, "secret.txt"), 0o644, "x")
	scanW(t, filepath.Join(outside, "dir", "a"), 0o644, "x")
	scanW(t, filepath.Join(outside, "dir", "b"), 0o644, "x")

	scanW(t, filepath.Join(state, "openclaw.json"), 0o644, `// careless
{
  $include: "./agents.json5",
  channels: { "google-chat": { enabled: true }, telegram: { dmPolicy: "pairing" } },
  logging: { file: "~/logs/gw.log" },
}
`)
	scanW(t, filepath.Join(state, "agents.json5"), 0o640, `{ agents: { list: [ { id: "main" }, { id: " Work " } ] } }`)
	for _, b := range []string{"openclaw.json.bak", "openclaw.json.bak.1", "openclaw.json.last-good", "openclaw.json.clobbered.2026-01-02T03-04-05", "openclaw.json.rejected.1700000000"} {
		scanW(t, filepath.Join(state, b), 0o600, "{}")
	}
	scanW(t, filepath.Join(state, "openclaw.json.1234.abcd.tmp"), 0o600, "{}") // not a backup
	scanW(t, filepath.Join(state, "openclaw.jsonx"), 0o600, "{}")              // not a backup
	scanW(t, filepath.Join(state, ".env"), 0o644, "OPENAI_API_KEY=sk-test\n")
	scanW(t, filepath.Join(state, "exec-approvals.json"), 0o600, "{}")

	cred := filepath.Join(state, "credentials")
	scanD(t, cred, 0o755)
	scanW(t, filepath.Join(cred, "telegram-allowFrom.json"), 0o600, `{"version":1,"allowFrom":[" 123 ","*","456",789,"123",""]}`)
	scanW(t, filepath.Join(cred, "telegram-ops-allowFrom.json"), 0o600, `{"version":1,"allowFrom":["999"]}`)
	scanW(t, filepath.Join(cred, "google-chat-allowFrom.json"), 0o644, `{"version":1,"allowFrom":["users/1"]}`)
	scanW(t, filepath.Join(cred, "google-chat-team-allowFrom.json"), 0o600, `{"version":1,"allowFrom":[]}`)
	scanW(t, filepath.Join(cred, "discord-allowFrom.json"), 0o600, `{"version":1,"allowFrom":[`)
	scanW(t, filepath.Join(cred, "telegram-pairing.json"), 0o600, `{"version":1,"requests":[{"id":"1","code":"ABCD2345"},{"id":"2","code":"EFGH2345"}]}`)
	scanW(t, filepath.Join(cred, "whatsapp", "default", "creds.json"), 0o644, "{}")
	scanW(t, filepath.Join(cred, "oauth.json"), 0o600, "{}")
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(cred, "stolen.json")))

	main := filepath.Join(state, "agents", "main")
	scanW(t, filepath.Join(main, "agent", "auth-profiles.json"), 0o644, "{}")
	scanW(t, filepath.Join(main, "sessions", "sessions.json"), 0o600, "{}")
	scanW(t, filepath.Join(main, "sessions", "a.jsonl"), 0o600, "{}\n")
	scanW(t, filepath.Join(main, "sessions", "b.jsonl"), 0o644, "{}\n")
	scanW(t, filepath.Join(main, "sessions", "c.jsonl.reset.1700000000"), 0o600, "{}\n")
	scanW(t, filepath.Join(main, "sessions", "notes.txt"), 0o644, "")
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(main, "sessions", "d.jsonl")))
	scanD(t, filepath.Join(state, "agents", "ghost"), 0o700)
	require.NoError(t, os.Symlink("main", filepath.Join(state, "agents", "alias")))

	ext := filepath.Join(state, "extensions")
	scanW(t, filepath.Join(ext, "foo", "package.json"), 0o644, `{"name":"@acme/foo","version":"1.2.3"}`)
	scanW(t, filepath.Join(ext, "foo", "index.js"), 0o644, "")
	scanW(t, filepath.Join(ext, "foo", "node_modules", "dep", "package.json"), 0o644, `{"name":"dep"}`)
	scanD(t, filepath.Join(ext, "bar"), 0o755)

	scanW(t, filepath.Join(state, ".hardshell", "backups", "1", "openclaw.json"), 0o600, "{}")
	scanW(t, filepath.Join(state, "workspace", "AGENTS.md"), 0o644, "")
	require.NoError(t, os.Symlink(filepath.Join(outside, "dir"), filepath.Join(state, "workspace", "skills")))
	require.NoError(t, os.Symlink("../exec-approvals.json", filepath.Join(state, "workspace", "approvals")))

	scanW(t, filepath.Join(home, "logs", "gw.log"), 0o644, "")
	return home, state, outside
}

func TestScanFS(t *testing.T) {
	root := t.TempDir()
	home, state, outside := buildState(t, root)
	doc, err := model.ParseFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	target := model.Target{Home: home, StateDir: state, ConfigPath: filepath.Join(state, "openclaw.json")}

	st := model.ScanFS(target, doc)

	// State dir, config, include.
	require.True(t, st.StateDir.Exists)
	require.True(t, st.StateDir.IsDir)
	require.Equal(t, os.FileMode(0o755), st.StateDir.Mode.Perm())
	require.Equal(t, uint32(os.Getuid()), st.StateDir.UID)
	require.Equal(t, uint32(os.Getgid()), st.StateDir.GID)
	require.True(t, st.Config.Loose())
	require.Equal(t, os.FileMode(0o644), st.Config.Mode.Perm())
	require.Len(t, st.Includes, 1)
	require.Equal(t, filepath.Join(state, "agents.json5"), st.Includes[0].Path)
	require.Equal(t, os.FileMode(0o640), st.Includes[0].Mode.Perm())

	// Backups: exactly OpenClaw's names.
	var backups []string
	for _, b := range st.ConfigBackups {
		backups = append(backups, filepath.Base(b.Path))
	}
	require.Equal(t, []string{"openclaw.json.bak", "openclaw.json.bak.1", "openclaw.json.clobbered.2026-01-02T03-04-05", "openclaw.json.last-good", "openclaw.json.rejected.1700000000"}, backups)

	require.True(t, st.EnvFile.Exists)
	require.Equal(t, os.FileMode(0o644), st.EnvFile.Mode.Perm())
	require.True(t, st.ExecApprovals.Exists)
	require.Equal(t, filepath.Join(home, "logs", "gw.log"), st.LogFile.Path)
	require.True(t, st.LogFile.Loose())

	// Credentials: every file below, the outbound link recorded but not judged.
	require.True(t, st.CredentialsDir.IsDir)
	require.Equal(t, os.FileMode(0o755), st.CredentialsDir.Mode.Perm())
	require.Len(t, st.Credentials, 9)
	wa, ok := scanFind(st.Credentials, filepath.Join(state, "credentials", "whatsapp", "default", "creds.json"))
	require.True(t, ok)
	require.True(t, wa.Loose())
	stolen, ok := scanFind(st.Credentials, filepath.Join(state, "credentials", "stolen.json"))
	require.True(t, ok)
	require.True(t, stolen.IsSymlink)
	require.Equal(t, filepath.Join(outside, "secret.txt"), stolen.LinkTarget)
	require.Zero(t, stolen.Mode, "target outside the state dir: mode not read")
	require.False(t, stolen.Loose())

	// Pairing stores: channel ids with "-" split by the config's channels.
	type key struct{ ch, acct string }
	stores := map[key]model.PairingStore{}
	for _, ps := range st.PairingStores {
		stores[key{ps.Channel, ps.Account}] = ps
	}
	require.Len(t, stores, 5)
	require.Equal(t, []string{"123", "456", "789"}, stores[key{"telegram", ""}].Entries)
	require.NoError(t, stores[key{"telegram", ""}].Err)
	require.Equal(t, []string{"999"}, stores[key{"telegram", "ops"}].Entries)
	require.Equal(t, []string{"users/1"}, stores[key{"google-chat", ""}].Entries)
	require.True(t, stores[key{"google-chat", ""}].File.Loose())
	require.Empty(t, stores[key{"google-chat", "team"}].Entries)
	require.Error(t, stores[key{"discord", ""}].Err)
	require.Len(t, st.Pending, 1)
	require.Equal(t, "telegram", st.Pending[0].Channel)
	require.Equal(t, 2, st.Pending[0].Requests)

	// Agents: disk ∪ config ("main", "work" from the include, lowercased).
	var ids []string
	for _, a := range st.Agents {
		ids = append(ids, a.ID)
	}
	require.Equal(t, []string{"alias", "ghost", "main", "work"}, ids)
	m := scanAgent(t, st, "main")
	require.True(t, m.AuthProfiles.Loose())
	require.True(t, m.SessionsStore.Exists)
	require.False(t, m.SessionsStore.Loose())
	require.Equal(t, 4, m.Transcripts)
	require.Len(t, m.LooseTranscripts, 1)
	require.Equal(t, filepath.Join(state, "agents", "main", "sessions", "b.jsonl"), m.LooseTranscripts[0].Path)
	require.Len(t, m.SymlinkTranscript, 1)
	require.Equal(t, filepath.Join(outside, "secret.txt"), m.SymlinkTranscript[0].LinkTarget)
	w := scanAgent(t, st, "work")
	require.False(t, w.Dir.Exists)
	require.Equal(t, filepath.Join(state, "agents", "work", "agent", "auth-profiles.json"), w.AuthProfiles.Path)
	require.False(t, w.AuthProfiles.Exists)
	alias := scanAgent(t, st, "alias")
	require.True(t, alias.Dir.IsSymlink)
	require.True(t, alias.Dir.IsDir, "link inside the state dir: judged by its target")
	require.Equal(t, os.FileMode(0o700), alias.Dir.Mode.Perm())
	require.False(t, alias.AuthProfiles.Exists, "a symlinked agent dir is not descended")
	g := scanAgent(t, st, "ghost")
	require.True(t, g.Dir.Exists)
	require.False(t, g.SessionsDir.Exists)

	// Extensions.
	require.Len(t, st.Extensions, 2)
	require.Equal(t, "bar", st.Extensions[0].ID)
	require.Equal(t, "", st.Extensions[0].Name)
	require.Equal(t, model.Extension{ID: "foo", Dir: st.Extensions[1].Dir, Name: "@acme/foo", Version: "1.2.3"}, st.Extensions[1])

	// Symlinks met, never followed: nothing of outside/dir is counted.
	var links []string
	for _, l := range st.Symlinks {
		rel, _ := filepath.Rel(state, l.Path)
		links = append(links, rel)
	}
	require.Equal(t, []string{"agents/alias", "agents/main/sessions/d.jsonl", "credentials/stolen.json", "workspace/approvals", "workspace/skills"}, links)
	ap, _ := scanFind(st.Symlinks, filepath.Join(state, "workspace", "approvals"))
	require.Equal(t, os.FileMode(0o600), ap.Mode.Perm(), "inside target: its mode is recorded")
	sk, _ := scanFind(st.Symlinks, filepath.Join(state, "workspace", "skills"))
	require.Zero(t, sk.Mode)
	require.False(t, sk.IsDir)

	require.Empty(t, st.Unreadable)
	require.Equal(t, scanCount(t, state), st.Files)
	for _, f := range st.Credentials {
		require.NotContains(t, f.Path, ".hardshell")
	}
}

func TestScanFSNilDocAndMissingStateDir(t *testing.T) {
	root := t.TempDir()
	state := filepath.Join(root, "nope")
	st := model.ScanFS(model.Target{StateDir: state, ConfigPath: filepath.Join(state, "openclaw.json")}, nil)
	require.False(t, st.StateDir.Exists)
	require.NoError(t, st.StateDir.Err)
	require.False(t, st.Config.Exists)
	require.Equal(t, filepath.Join(state, "credentials"), st.CredentialsDir.Path)
	require.Equal(t, filepath.Join(state, ".env"), st.EnvFile.Path)
	require.Len(t, st.Agents, 1)
	require.Equal(t, "main", st.Agents[0].ID)
	require.Equal(t, filepath.Join(state, "agents", "main", "sessions", "sessions.json"), st.Agents[0].SessionsStore.Path)
	require.Zero(t, st.Files)
	require.Empty(t, st.Unreadable)
	require.Empty(t, st.LogFile.Path, "no logging.file: the /tmp/openclaw default is not part of the state dir")
}

func TestScanFSSymlinkedStateDirAndOutsideConfig(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "data", "openclaw")
	scanD(t, real, 0o700)
	scanW(t, filepath.Join(real, "agents", "main", "sessions", "x.jsonl"), 0o600, "")
	link := filepath.Join(root, "home", ".openclaw")
	require.NoError(t, os.MkdirAll(filepath.Dir(link), 0o755))
	require.NoError(t, os.Symlink(real, link))

	etc := filepath.Join(root, "etc")
	scanW(t, filepath.Join(etc, "gw.json"), 0o600, `{ agents: { entries: { ops: {}, "main": {} } } }`)
	scanW(t, filepath.Join(etc, "gw.json.bak"), 0o644, "{}")
	scanW(t, filepath.Join(etc, "other.json.bak"), 0o644, "{}")
	doc, err := model.ParseFile(filepath.Join(etc, "gw.json"))
	require.NoError(t, err)

	st := model.ScanFS(model.Target{StateDir: link, ConfigPath: filepath.Join(etc, "gw.json")}, doc)
	require.True(t, st.StateDir.IsSymlink)
	require.Equal(t, real, st.StateDir.LinkTarget)
	require.True(t, st.StateDir.IsDir)
	require.Equal(t, os.FileMode(0o700), st.StateDir.Mode.Perm(), "the state dir link is judged by its target")
	require.Equal(t, 1, scanAgent(t, st, "main").Transcripts, "the state dir's target is walked")
	require.False(t, scanAgent(t, st, "ops").Dir.Exists, "agents.entries keys (modern era) are agents")
	require.Len(t, st.ConfigBackups, 1)
	require.Equal(t, filepath.Join(etc, "gw.json.bak"), st.ConfigBackups[0].Path)
	require.True(t, st.ConfigBackups[0].Loose())
	require.Equal(t, os.FileMode(0o600), st.Config.Mode.Perm())
}

func TestScanFSUnreadable(t *testing.T) {
	t.Run("chmod 000 credentials dir", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: permission bits do not block root's reads, so chmod 000 cannot make a dir unreadable")
		}
		state := t.TempDir()
		cred := filepath.Join(state, "credentials")
		scanW(t, filepath.Join(cred, "telegram-allowFrom.json"), 0o600, `{"allowFrom":["1"]}`)
		require.NoError(t, os.Chmod(cred, 0o000))
		t.Cleanup(func() { _ = os.Chmod(cred, 0o700) })

		st := model.ScanFS(model.Target{StateDir: state}, nil)
		require.True(t, st.CredentialsDir.Exists)
		require.Equal(t, os.FileMode(0), st.CredentialsDir.Mode.Perm())
		require.ErrorIs(t, st.CredentialsDir.Err, fs.ErrPermission)
		u, ok := scanFind(st.Unreadable, cred)
		require.True(t, ok, "couldn't check is a finding, never silence")
		require.ErrorIs(t, u.Err, fs.ErrPermission)
		require.Empty(t, st.PairingStores)
	})
	t.Run("unreadable pairing store file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: chmod 000 does not stop root from reading the file")
		}
		state := t.TempDir()
		p := filepath.Join(state, "credentials", "telegram-allowFrom.json")
		scanW(t, p, 0o000, `{"allowFrom":["1"]}`)
		st := model.ScanFS(model.Target{StateDir: state}, nil)
		require.Len(t, st.PairingStores, 1)
		require.ErrorIs(t, st.PairingStores[0].Err, fs.ErrPermission)
		_, ok := scanFind(st.Unreadable, p)
		require.True(t, ok)
	})
	t.Run("path too long to read (fails for root too)", func(t *testing.T) {
		state := t.TempDir()
		// Build a chain of dirs whose full path exceeds PATH_MAX by creating
		// each level relative to the previous one.
		t.Chdir(filepath.Join(state))
		require.NoError(t, os.Mkdir("workspace", 0o700))
		t.Chdir("workspace")
		name := strings.Repeat("d", 250)
		for i := 0; i < 18; i++ {
			require.NoError(t, os.Mkdir(name, 0o700))
			require.NoError(t, os.Chdir(name))
		}
		st := model.ScanFS(model.Target{StateDir: state}, nil)
		require.NotEmpty(t, st.Unreadable)
		require.ErrorIs(t, st.Unreadable[0].Err, syscall.ENAMETOOLONG)
		require.Greater(t, st.Files, 10)
	})
}

// scanByPath hides fsys.Local's OpenDir: the survey then works by path, as
// it does over SFTP.
type scanByPath struct{ fsys.FS }

// The local walk (open directories, relative opens and stats, one fstat per
// directory) sees exactly what the walk by path sees, hostile entries
// included.
func TestScanFSLocalWalkMatchesWalkByPath(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	outside := t.TempDir()
	scanW(t, filepath.Join(outside, "secret"), 0o644, "x")
	scanW(t, filepath.Join(state, "openclaw.json"), 0o600, `{agents: {list: [{id: "main"}, {id: "ghost"}]}}`)
	scanW(t, filepath.Join(state, "credentials", "telegram-allowFrom.json"), 0o644, `{"allowFrom":["1","2"]}`)
	scanW(t, filepath.Join(state, "credentials", "sub", "deeper", "x.json"), 0o600, `{}`)
	for _, id := range []string{"main", "a-1", "b-2"} {
		a := filepath.Join(state, "agents", id)
		scanW(t, filepath.Join(a, "agent", "auth-profiles.json"), 0o640, `{}`)
		scanW(t, filepath.Join(a, "sessions", "sessions.json"), 0o600, `{}`)
		scanW(t, filepath.Join(a, "sessions", "0001.jsonl"), 0o644, "{}\n")
		scanW(t, filepath.Join(a, "sessions", "0002.jsonl.reset.1"), 0o600, "{}\n")
		scanD(t, filepath.Join(a, "sessions"), 0o755)
	}
	m := filepath.Join(state, "agents", "main")
	require.NoError(t, syscall.Mkfifo(filepath.Join(m, "sessions", "fifo.jsonl"), 0o600))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(m, "sessions", "link.jsonl")))
	require.NoError(t, os.Link(filepath.Join(outside, "secret"), filepath.Join(m, "sessions", "hard.jsonl")))
	require.NoError(t, os.Remove(filepath.Join(state, "agents", "a-1", "sessions", "sessions.json")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(state, "agents", "a-1", "sessions", "sessions.json"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(state, "agents", "b-2", "agent-link")))
	require.NoError(t, os.RemoveAll(filepath.Join(state, "agents", "b-2", "agent")))
	require.NoError(t, os.Symlink(outside, filepath.Join(state, "agents", "b-2", "agent")))
	require.NoError(t, os.Symlink("main", filepath.Join(state, "agents", "linked")))
	scanW(t, filepath.Join(state, "agents", "not-a-dir"), 0o600, "")
	scanW(t, filepath.Join(state, "agents", "main", "other", "deep", "f"), 0o666, "")
	scanD(t, filepath.Join(state, "agents", "main", "other"), 0o777)
	scanW(t, filepath.Join(state, "extensions", "p", "package.json"), 0o644, `{"name":"p","version":"1"}`)
	scanW(t, filepath.Join(state, "extensions", "p", "node_modules", "q", "x"), 0o600, "")
	require.NoError(t, os.Symlink(outside, filepath.Join(state, "extensions", "evil")))
	scanW(t, filepath.Join(state, ".openclaw.json.hardshell-1.tmp"), 0o644, "")
	scanW(t, filepath.Join(state, "openclaw.json.bak"), 0o644, "")
	scanW(t, filepath.Join(state, ".hardshell", "backups", "x"), 0o600, "")

	doc, err := model.ParseFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	target := model.Target{StateDir: state, ConfigPath: filepath.Join(state, "openclaw.json")}
	local := model.ScanFSWith(fsys.Local{}, target, doc)
	byPath := model.ScanFSWith(scanByPath{fsys.Local{}}, target, doc)
	require.Equal(t, byPath, local)
	// and the tree was surveyed, hostile parts recorded, not followed
	require.Len(t, local.Agents, 5) // a-1, b-2, ghost (config only), linked, main; not-a-dir is no agent
	require.NotEmpty(t, local.Unreadable)
	require.GreaterOrEqual(t, len(local.Symlinks), 4)
}
