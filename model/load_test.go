package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// loadHome makes a temp OS home and returns it with an env func over vars.
func loadHome(t *testing.T, vars map[string]string) (string, func(string) string) {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	require.NoError(t, os.MkdirAll(home, 0o755))
	return home, func(k string) string { return vars[k] }
}

func TestLoad(t *testing.T) {
	home, getenv := loadHome(t, map[string]string{"FROM_PROC": "p"})
	state := filepath.Join(home, ".openclaw")
	scanD(t, state, 0o700)
	scanW(t, filepath.Join(state, "openclaw.json"), 0o600, `{
  meta: { lastTouchedVersion: "2026.3.2" },
  agents: { list: [ { id: "main" }, { id: "ops" } ] },
  gateway: { auth: { token: "${GW_TOKEN}" } },
  env: { FROM_CFG: "c" },
}`)
	scanW(t, filepath.Join(state, ".env"), 0o600, "GW_TOKEN=abc\n")
	scanW(t, filepath.Join(state, "agents", "ops", "sessions", "s.jsonl"), 0o644, "")
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	snap, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{Getenv: getenv, HomeDir: home},
		Now:             func() time.Time { return now },
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.Equal(t, state, snap.Target.StateDir)
	require.Equal(t, "~/.openclaw (exists)", snap.Target.StateRule)
	require.False(t, snap.ConfigMissing)
	require.NoError(t, snap.DocErr)
	require.NotNil(t, snap.Doc)
	require.Equal(t, "${GW_TOKEN}", snap.Doc.Get("gateway.auth.token").Text())
	require.Equal(t, now, snap.Now)

	require.True(t, snap.FS.Config.Exists)
	require.Len(t, snap.FS.Agents, 2)
	require.Equal(t, 1, snap.FS.Agents[1].Transcripts)
	require.Len(t, snap.FS.Agents[1].LooseTranscripts, 1)

	for k, want := range map[string]string{"FROM_PROC": "p", "GW_TOKEN": "abc", "FROM_CFG": "c"} {
		v, ok := snap.Env(k)
		require.True(t, ok, k)
		require.Equal(t, want, v, k)
	}
	_, ok := snap.Env("NOPE")
	require.False(t, ok)

	require.Equal(t, model.EraGuide, snap.Era.Era)
	require.Equal(t, "2026.3.2", snap.Era.Version)
}

func TestLoadConfigMissing(t *testing.T) {
	home, getenv := loadHome(t, nil)
	snap, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{Getenv: getenv, HomeDir: home},
		OpenClawVersion: func() string { return "openclaw 2026.7.1" },
	})
	require.NoError(t, err)
	require.True(t, snap.ConfigMissing)
	require.Nil(t, snap.Doc)
	require.NoError(t, snap.DocErr)
	require.NotNil(t, snap.FS)
	require.False(t, snap.FS.StateDir.Exists)
	require.NotNil(t, snap.Env)
	require.False(t, snap.Now.IsZero())
	// With no config the installed CLI decides the era.
	require.Equal(t, model.EraModern, snap.Era.Era)
}

func TestLoadBadConfigIsKeptNotFatal(t *testing.T) {
	home, getenv := loadHome(t, nil)
	state := filepath.Join(home, ".openclaw")
	scanD(t, state, 0o755)
	scanW(t, filepath.Join(state, "openclaw.json"), 0o644, "{\n  gateway: { bind: \"lan\", }\n  oops\n}\n")
	scanW(t, filepath.Join(state, "credentials", "oauth.json"), 0o644, "{}")

	snap, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{Getenv: getenv, HomeDir: home},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.False(t, snap.ConfigMissing)
	require.Nil(t, snap.Doc)
	var ie *model.InputError
	require.ErrorAs(t, snap.DocErr, &ie)
	require.Equal(t, filepath.Join(state, "openclaw.json"), ie.File)
	require.Positive(t, ie.Line)
	// The survey still runs: the loose config and credentials are visible.
	require.True(t, snap.FS.Config.Loose())
	require.Len(t, snap.FS.Credentials, 1)
	require.Equal(t, model.EraUnknown, snap.Era.Era)
}

func TestLoadUnreadableConfigIsKept(t *testing.T) {
	home, getenv := loadHome(t, nil)
	state := filepath.Join(home, ".openclaw")
	// A directory where the config should be: exists, cannot be read as a file.
	scanD(t, filepath.Join(state, "openclaw.json"), 0o700)
	snap, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{Getenv: getenv, HomeDir: home},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.False(t, snap.ConfigMissing)
	var ie *model.InputError
	require.ErrorAs(t, snap.DocErr, &ie)
	require.Contains(t, snap.DocErr.Error(), "openclaw.json")
}

func TestLoadLocateErrorIsFatal(t *testing.T) {
	t.Setenv("HOME", "")
	_, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{Getenv: func(string) string { return "" }},
		OpenClawVersion: func() string { return "" },
	})
	var ie *model.InputError
	require.ErrorAs(t, err, &ie)
}

// TestLoadRunsInstalledCLI puts a real `openclaw` script on PATH.
func TestLoadRunsInstalledCLI(t *testing.T) {
	bin := t.TempDir()
	script := filepath.Join(bin, "openclaw")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\n[ \"$1\" = --version ] && echo '  ' && echo 'openclaw 2026.8.3 (abc123)'\n"), 0o755))
	t.Setenv("PATH", bin)
	home, getenv := loadHome(t, nil)

	snap, err := model.Load(model.LoadOptions{Locate: model.LocateOptions{Getenv: getenv, HomeDir: home}})
	require.NoError(t, err)
	require.Equal(t, model.EraModern, snap.Era.Era)
	require.Equal(t, "openclaw 2026.8.3 (abc123)", snap.Era.Version)

	// A CLI that hangs costs at most the 2 s timeout (plus the pipe grace)
	// and yields no version.
	if testing.Short() {
		t.Skip("slow: waits for the 2 s --version timeout")
	}
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\n"+sleepBin(t)+" 30\necho 2026.8.3\n"), 0o755))
	start := time.Now()
	snap, err = model.Load(model.LoadOptions{Locate: model.LocateOptions{Getenv: getenv, HomeDir: home}})
	require.NoError(t, err)
	require.Less(t, time.Since(start), 4*time.Second)
	require.Equal(t, model.EraUnknown, snap.Era.Era)
	require.False(t, strings.Contains(strings.Join(snap.Era.Evidence, " "), "--version"))
}

func sleepBin(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/bin/sleep", "/usr/bin/sleep"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no sleep binary to simulate a hanging CLI")
	return ""
}
