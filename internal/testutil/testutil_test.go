package testutil

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
)

func stateNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(Testdata("states"))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	require.GreaterOrEqual(t, len(names), 8, "state fixtures")
	return names
}

func TestRepoRootFindsTestdata(t *testing.T) {
	st, err := os.Stat(filepath.Join(RepoRoot(), "go.mod"))
	require.NoError(t, err)
	require.False(t, st.IsDir())
	require.DirExists(t, Testdata("configs"))
}

func TestCopyStateAppliesModesAndSymlinks(t *testing.T) {
	dir := CopyState(t, "loose-perms")
	require.Equal(t, ".openclaw", filepath.Base(dir))

	cases := map[string]fs.FileMode{
		".":             0o755,
		"openclaw.json": 0o666,
		"credentials":   0o755,
		"credentials/whatsapp/default/creds.json": 0o644,
		"agents/work/sessions":                    0o777,
		"agents/work/agent/auth-profiles.json":    0o660,
		"credentials/whatsapp-allowFrom.json":     0o664,
	}
	for rel, want := range cases {
		require.Equal(t, want, Mode(t, filepath.Join(dir, rel)), rel)
	}

	link := filepath.Join(dir, "workspace", "shared")
	st, err := os.Lstat(link)
	require.NoError(t, err)
	require.NotZero(t, st.Mode()&fs.ModeSymlink, "workspace/shared must be a symlink")
	target, err := os.Readlink(link)
	require.NoError(t, err)
	require.Equal(t, "/tmp", target)

	alias, err := os.Readlink(filepath.Join(dir, "credentials", "telegram-default-allowFrom.json"))
	require.NoError(t, err)
	require.Equal(t, "telegram-allowFrom.json", alias)
	data, err := os.ReadFile(filepath.Join(dir, "credentials", "telegram-default-allowFrom.json"))
	require.NoError(t, err, "relative in-dir symlink resolves")
	require.Contains(t, string(data), "123456789")
}

func TestCopyStateDefaults(t *testing.T) {
	dir := CopyState(t, "fresh-onboard")
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		require.Equal(t, want, Mode(t, path), path)
		return nil
	})
	require.NoError(t, err)
}

// Every fixture must copy cleanly (all listed paths exist), parse with the
// real config parser (includes resolved), and carry the files the audit
// reads.
func TestAllStatesCopyAndParse(t *testing.T) {
	for _, name := range stateNames(t) {
		t.Run(name, func(t *testing.T) {
			dir := CopyState(t, name)
			doc, err := model.ParseFile(filepath.Join(dir, "openclaw.json"))
			require.NoError(t, err)
			require.Equal(t, "local", doc.Root.Lookup("gateway.mode").Str)
			require.DirExists(t, filepath.Join(dir, "credentials"))
			require.DirExists(t, filepath.Join(dir, "logs"))

			profiles, _ := filepath.Glob(filepath.Join(dir, "agents", "*", "agent", "auth-profiles.json"))
			require.NotEmpty(t, profiles)
			transcripts, _ := filepath.Glob(filepath.Join(dir, "agents", "*", "sessions", "*.jsonl"))
			require.NotEmpty(t, transcripts)
			for _, tr := range transcripts {
				data, err := os.ReadFile(tr)
				require.NoError(t, err)
				for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
					require.True(t, json.Valid([]byte(line)), "%s line %d", tr, i+1)
				}
			}
			stores, _ := filepath.Glob(filepath.Join(dir, "credentials", "*-allowFrom.json"))
			for _, s := range stores {
				var v struct {
					Version   int      `json:"version"`
					AllowFrom []string `json:"allowFrom"`
				}
				data, err := os.ReadFile(s)
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(data, &v), s)
				require.Equal(t, 1, v.Version, s)
			}
		})
	}
}

func TestIncludeTreeStateResolves(t *testing.T) {
	dir := CopyState(t, "include-tree")
	doc, err := model.ParseFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	ops := doc.Root.Lookup("agents.list[1].tools.exec.security")
	require.NotNil(t, ops, "include two levels down resolved")
	require.Equal(t, "allowlist", ops.Str)
	require.Equal(t, "123456789", doc.Root.Lookup("channels.telegram.allowFrom[0]").Str, "array include deep-merged")
	require.Equal(t, "allowlist", doc.Root.Lookup("channels.whatsapp.groupPolicy").Str, "sibling overrides include")
	require.GreaterOrEqual(t, len(doc.Files), 4)
	require.Equal(t, fs.FileMode(0o644), Mode(t, filepath.Join(dir, "config", "channels-local.json5")))
}

func TestCopyStateToCustomPath(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "Dropbox", ".openclaw")
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o700))
	got := CopyStateTo(t, "fresh-onboard", dst)
	require.Equal(t, dst, got)
	require.FileExists(t, filepath.Join(dst, "openclaw.json"))
}

func TestWriteFileExactMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a", "b", "x.json")
	WriteFile(t, p, []byte("{}"), 0o666)
	require.Equal(t, fs.FileMode(0o666), Mode(t, p), "umask must not apply")
	require.Equal(t, fs.FileMode(0o700), Mode(t, filepath.Dir(p)))
	d := filepath.Join(t.TempDir(), "loose")
	Mkdir(t, d, 0o777)
	require.Equal(t, fs.FileMode(0o777), Mode(t, d))
}

func TestGenerateState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".openclaw")
	GenerateState(t, dir, 14, 30)

	doc, err := model.ParseFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	require.Len(t, doc.Root.Lookup("agents.list").Elems, 14)
	require.Equal(t, "main", doc.Root.Lookup("agents.list[0].id").Str)

	var files, loose int
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if !d.IsDir() {
			files++
			if Mode(t, path)&0o077 != 0 {
				loose++
			}
		}
		return nil
	})
	require.NoError(t, err)
	// 4 top-level files + per agent: auth-profiles, sessions.json, 30 transcripts
	require.Equal(t, 4+14*32, files)
	// 3 loose transcripts per agent (every 10th) + sessions.json of agent 6 and 13
	require.Equal(t, 14*3+2, loose)
	require.Equal(t, fs.FileMode(0o755), Mode(t, filepath.Join(dir, "agents", "agent-012")))

	var sessions map[string]map[string]any
	data, err := os.ReadFile(filepath.Join(dir, "agents", "agent-005", "sessions", "sessions.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sessions))
	require.Len(t, sessions, 30)
}
