package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
)

// A target that does not exist is a typo, not an empty install: exit 2
// naming it and how to point hardshell elsewhere, for every command that
// reads a target, and nothing is created.
func TestWrongTargetIsAnError(t *testing.T) {
	parent := t.TempDir()
	home := t.TempDir()
	missing := filepath.Join(parent, "typo-state")
	for _, args := range [][]string{
		{"audit"}, {"fix", "--dry-run"}, {"restore", "--list"}, {"harden", "--dry-run"},
		{"rules", "--dry-run"}, {"rotate", "--dry-run"}, {"config", "get", "gateway.bind"}, {},
	} {
		_, errOut, code := runIn(t, parent, home, append(args, "--state-dir", "typo-state")...)
		require.Equal(t, 2, code, "%v: %s", args, errOut)
		require.Contains(t, errOut, "--state-dir "+missing+": no such directory", args)
		require.Contains(t, errOut, "--state-dir DIR", args)
	}
	require.NoDirExists(t, missing)

	// --config at a missing file no longer makes its parent the state dir
	state := auditState(t, `{}`)
	for _, extra := range [][]string{nil, {"--state-dir", state}} {
		args := append([]string{"audit", "--config", filepath.Join(parent, "nope.json")}, extra...)
		_, errOut, code := runIn(t, parent, home, args...)
		require.Equal(t, 2, code, errOut)
		require.Contains(t, errOut, "--config "+filepath.Join(parent, "nope.json")+": no such file")
	}
	// a --state-dir that is a file
	file := filepath.Join(parent, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, errOut, code := runIn(t, parent, home, "audit", "--state-dir", file)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "is a regular file, not a directory")

	// a state dir without a config is a fresh install, audited on defaults
	fresh := filepath.Join(parent, "fresh")
	require.NoError(t, os.Mkdir(fresh, 0o700))
	out, errOut, code := runIn(t, parent, home, "audit", "--state-dir", fresh)
	require.Equal(t, 1, code, errOut)
	require.Contains(t, out, "config.missing")
	// and baseline may name the config it is about to create
	out, errOut, code = runIn(t, parent, home, "baseline", "--state-dir", fresh, "--config", filepath.Join(fresh, "openclaw.json"), "--dry-run")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "dry run: nothing written")
	// commands that read no target do not check it
	out, _, code = runIn(t, parent, home, "version", "--state-dir", missing)
	require.Equal(t, 0, code)
	require.Contains(t, out, "hardshell ")
}

// A config that cannot be read at all gets a message about that, not about
// a syntax error, and no advice to chmod a directory.
func TestUnreadableConfigMessages(t *testing.T) {
	home := t.TempDir()
	dirCfg := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dirCfg, "openclaw.json"), 0o755))
	out, errOut, code := runIn(t, dirCfg, home, "audit", "--state-dir", dirCfg)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "is a directory, not a regular file")
	require.Contains(t, out, "Fix: The config path is a directory, not a file")
	require.NotContains(t, out, "syntax error")
	require.NotContains(t, out, "fs.config.perms", "a directory is not judged as the config's mode")

	loop := t.TempDir()
	require.NoError(t, os.Symlink("b.json", filepath.Join(loop, "openclaw.json")))
	require.NoError(t, os.Symlink("openclaw.json", filepath.Join(loop, "b.json")))
	out, _, code = runIn(t, loop, home, "audit", "--state-dir", loop)
	require.Equal(t, 2, code)
	require.Contains(t, out, "symlink loop")
	require.NotContains(t, out, "syntax error")

	if os.Geteuid() == 0 {
		t.Log("running as root: a mode-000 config is still readable, so the permission case is not checked here")
		return
	}
	noread := auditState(t, `{}`)
	require.NoError(t, os.Chmod(filepath.Join(noread, "openclaw.json"), 0))
	out, _, code = runIn(t, noread, home, "audit", "--state-dir", noread)
	require.Equal(t, 2, code)
	require.Contains(t, out, "read access")
	require.NotContains(t, out, "syntax error")
}

// The chmod hint for loose transcripts runs as printed: the directory
// quoted, the glob left for the shell to expand.
func TestTranscriptChmodHintRunsAsPrinted(t *testing.T) {
	state := testutil.CopyStateTo(t, "loose-perms", filepath.Join(t.TempDir(), "my state"))
	home := t.TempDir()
	out, errOut, _ := runIn(t, state, home, "audit", "--state-dir", state)
	m := regexp.MustCompile(`(?m)^  Fix: (chmod 600 .*\*\.jsonl\*.*)$`).FindStringSubmatch(out)
	require.NotNil(t, m, "no transcript chmod hint:\n%s\n%s", out, errOut)
	loose, err := filepath.Glob(filepath.Join(state, "agents", "*", "sessions", "*.jsonl"))
	require.NoError(t, err)
	require.NotEmpty(t, loose)
	for _, cmd := range strings.Split(m[1], "; ") {
		o, e, code := inShell(t, home, cmd)
		require.Equal(t, 0, code, "%s: %s %s", cmd, o, e)
	}
	for _, p := range loose {
		require.Equal(t, fs.FileMode(0o600), testutil.Mode(t, p), p)
	}
}
