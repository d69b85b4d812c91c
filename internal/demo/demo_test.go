package demo

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
)

func perm(t *testing.T, p string) fs.FileMode {
	t.Helper()
	st, err := os.Lstat(p)
	require.NoError(t, err)
	return st.Mode().Perm()
}

func TestMaterializeModes(t *testing.T) {
	state, err := Materialize(t.TempDir())
	require.NoError(t, err)
	require.Equal(t, ".openclaw", filepath.Base(state))

	for rel, want := range map[string]fs.FileMode{
		".":              0o755,
		"openclaw.json":  0o644,
		"channels.json5": 0o644,
		"credentials":    0o755,
		"credentials/whatsapp/default/creds.json": 0o644,
		"credentials/telegram-pairing.json":       0o600, // unlisted → default
		"agents/main/agent":                       0o700,
		"agents/main/agent/auth-profiles.json":    0o600,
		"extensions/weather-plus/index.js":        0o644,
		ReadmeName:                                0o644,
	} {
		require.Equal(t, want, perm(t, filepath.Join(state, rel)), rel)
	}
	note, err := os.ReadFile(filepath.Join(state, ReadmeName))
	require.NoError(t, err)
	require.Contains(t, string(note), "FAKE")
}

func TestMaterializeBytesIdentical(t *testing.T) {
	state, err := Materialize(t.TempDir())
	require.NoError(t, err)
	n := 0
	err = fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() {
			return nil
		}
		want, err := fs.ReadFile(FS(), p)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(state, filepath.FromSlash(p)))
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), p)
		n++
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, 10)
}

// The demo must trip the findings it advertises; check the raw settings
// through the real parser (the $include resolved).
func TestDemoConfigIsDangerous(t *testing.T) {
	state, err := Materialize(t.TempDir())
	require.NoError(t, err)
	doc, err := model.ParseFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Len(t, doc.Files, 2, "openclaw.json + channels.json5")
	r := doc.Root
	require.Equal(t, "lan", r.Lookup("gateway.bind").Str)
	require.Less(t, len(r.Lookup("gateway.auth.token").Str), 24)
	require.Equal(t, "full", r.Lookup("discovery.mdns.mode").Str)
	require.Equal(t, "off", r.Lookup("logging.redactSensitive").Str)
	require.Equal(t, "off", r.Lookup("agents.defaults.sandbox.mode").Str)
	require.Equal(t, "open", r.Lookup("channels.telegram.dmPolicy").Str)
	require.Equal(t, []string{"*"}, r.Lookup("channels.telegram.allowFrom").Strings())
	require.Equal(t, []string{"*"}, r.Lookup("tools.elevated.allowFrom.telegram").Strings())
	require.False(t, r.Lookup(`channels.whatsapp.groups["*"].requireMention`).Bool)
	require.True(t, strings.HasPrefix(r.Lookup("channels.telegram.botToken").Str, "7012345678:AAFake"))
	require.Nil(t, r.Lookup("plugins.allow"))
	require.FileExists(t, filepath.Join(state, "extensions", "weather-plus", "package.json"))
	raw, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(raw), "// ", "the demo config keeps its explanatory comments")
}

func TestMaterializeRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	_, err := Materialize(dir)
	require.NoError(t, err)
	_, err = Materialize(dir)
	require.ErrorContains(t, err, "already exists")
	_, err = Materialize(filepath.Join(dir, "missing"))
	require.Error(t, err)
}

func TestParseModes(t *testing.T) {
	spec, err := ParseModes("x.modes", []byte("# c\n\n. 0755\na/b 644\nlink -> ../t\n"))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o755), spec.Modes["."])
	require.Equal(t, fs.FileMode(0o644), spec.Modes["a/b"])
	require.Equal(t, []Symlink{{Path: "link", Target: "../t"}}, spec.Symlinks)

	for _, bad := range []string{"a 9999", "a", "../x 0600", "/abs 0600", "a/../b 0600", "a 0600 extra", ". -> x"} {
		_, err := ParseModes("bad.modes", []byte("# ok\n"+bad+"\n"))
		require.ErrorContains(t, err, "bad.modes:2", bad)
	}
}

func TestApplyRejectsMissingPath(t *testing.T) {
	spec, err := ParseModes("m", []byte("nope.json 0644\n"))
	require.NoError(t, err)
	require.ErrorContains(t, spec.Apply(t.TempDir()), "nope.json")
}
