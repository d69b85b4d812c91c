package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// locMk creates dirs (names ending in "/") and files below root.
func locMk(t *testing.T, root string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		full := filepath.Join(root, p)
		if strings.HasSuffix(p, "/") {
			require.NoError(t, os.MkdirAll(full, 0o700))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o700))
		require.NoError(t, os.WriteFile(full, []byte("{}\n"), 0o600))
	}
}

func TestLocate(t *testing.T) {
	// Paths in the table are relative to a temp root R; the OS home is R/home.
	tests := []struct {
		name       string
		files      []string
		env        map[string]string // values: "$R" replaced by the temp root
		stateFlag  string
		configFlag string
		wantState  string
		stateRule  string // substring
		wantConfig string
		configRule string // substring
	}{
		{
			name:      "nothing exists: default ~/.openclaw",
			wantState: "home/.openclaw", stateRule: "default ~/.openclaw (nothing found)",
			wantConfig: "home/.openclaw/openclaw.json", configRule: "default <state>/openclaw.json (no config found)",
		},
		{
			name:      "~/.openclaw exists",
			files:     []string{"home/.openclaw/openclaw.json", "home/.clawdbot/clawdbot.json"},
			wantState: "home/.openclaw", stateRule: "~/.openclaw (exists)",
			wantConfig: "home/.openclaw/openclaw.json", configRule: "in the state dir (openclaw.json)",
		},
		{
			name:      "~/.openclaw exists but holds only a legacy config name",
			files:     []string{"home/.openclaw/moldbot.json", "home/.openclaw/clawdbot.json"},
			wantState: "home/.openclaw", stateRule: "~/.openclaw (exists)",
			wantConfig: "home/.openclaw/clawdbot.json", configRule: "in the state dir (clawdbot.json)",
		},
		{
			name:      "legacy ~/.clawdbot when ~/.openclaw is absent",
			files:     []string{"home/.clawdbot/clawdbot.json", "home/.moltbot/"},
			wantState: "home/.clawdbot", stateRule: "legacy ~/.clawdbot (exists; ~/.openclaw absent)",
			wantConfig: "home/.clawdbot/clawdbot.json", configRule: "in the state dir (clawdbot.json)",
		},
		{
			name:      "legacy order follows OpenClaw: ~/.moltbot before ~/.moldbot",
			files:     []string{"home/.moldbot/", "home/.moltbot/"},
			wantState: "home/.moltbot", stateRule: "legacy ~/.moltbot",
			wantConfig: "home/.moltbot/openclaw.json", configRule: "default",
		},
		{
			name:      "legacy ~/.moldbot alone",
			files:     []string{"home/.moldbot/moldbot.json"},
			wantState: "home/.moldbot", stateRule: "legacy ~/.moldbot (exists; ~/.openclaw absent)",
			wantConfig: "home/.moldbot/moldbot.json", configRule: "in the state dir (moldbot.json)",
		},
		{
			name:      "~/.openclaw without config falls back to a legacy dir's config",
			files:     []string{"home/.openclaw/", "home/.clawdbot/clawdbot.json"},
			wantState: "home/.openclaw", stateRule: "~/.openclaw (exists)",
			wantConfig: "home/.clawdbot/clawdbot.json", configRule: "legacy ~/.clawdbot/clawdbot.json (none in the state dir)",
		},
		{
			name:      "OPENCLAW_STATE_DIR wins over ~/.openclaw",
			files:     []string{"home/.openclaw/openclaw.json", "srv/gw/openclaw.json"},
			env:       map[string]string{"OPENCLAW_STATE_DIR": "$R/srv/gw/"},
			wantState: "srv/gw", stateRule: "OPENCLAW_STATE_DIR",
			wantConfig: "srv/gw/openclaw.json", configRule: "in the state dir",
		},
		{
			name:      "OPENCLAW_STATE_DIR with ~ is expanded against home",
			files:     []string{"home/gw/openclaw.json"},
			env:       map[string]string{"OPENCLAW_STATE_DIR": "~/gw"},
			wantState: "home/gw", stateRule: "OPENCLAW_STATE_DIR",
			wantConfig: "home/gw/openclaw.json", configRule: "in the state dir",
		},
		{
			name:      "OPENCLAW_STATE_DIR without config: ~/.openclaw config is next, as in OpenClaw",
			files:     []string{"srv/gw/", "home/.openclaw/openclaw.json"},
			env:       map[string]string{"OPENCLAW_STATE_DIR": "$R/srv/gw"},
			wantState: "srv/gw", stateRule: "OPENCLAW_STATE_DIR",
			wantConfig: "home/.openclaw/openclaw.json", configRule: "~/.openclaw/openclaw.json (none in the state dir)",
		},
		{
			name:      "CLAWDBOT_STATE_DIR legacy variable",
			files:     []string{"old/clawdbot.json"},
			env:       map[string]string{"CLAWDBOT_STATE_DIR": "$R/old"},
			wantState: "old", stateRule: "CLAWDBOT_STATE_DIR (legacy variable)",
			wantConfig: "old/clawdbot.json", configRule: "in the state dir (clawdbot.json)",
		},
		{
			name:      "OPENCLAW_STATE_DIR beats CLAWDBOT_STATE_DIR",
			env:       map[string]string{"OPENCLAW_STATE_DIR": "$R/new", "CLAWDBOT_STATE_DIR": "$R/old"},
			wantState: "new", stateRule: "OPENCLAW_STATE_DIR",
			wantConfig: "new/openclaw.json", configRule: "default",
		},
		{
			name:      "blank OPENCLAW_STATE_DIR is ignored",
			files:     []string{"home/.openclaw/"},
			env:       map[string]string{"OPENCLAW_STATE_DIR": "   "},
			wantState: "home/.openclaw", stateRule: "~/.openclaw (exists)",
			wantConfig: "home/.openclaw/openclaw.json", configRule: "default",
		},
		{
			name:      "--state-dir flag beats OPENCLAW_STATE_DIR",
			files:     []string{"flag/openclaw.json", "env/openclaw.json"},
			env:       map[string]string{"OPENCLAW_STATE_DIR": "$R/env"},
			stateFlag: "$R/flag/./", wantState: "flag", stateRule: "--state-dir flag",
			wantConfig: "flag/openclaw.json", configRule: "in the state dir",
		},
		{
			name:      "OPENCLAW_HOME overrides home",
			files:     []string{"home/.openclaw/openclaw.json", "alt/.openclaw/openclaw.json"},
			env:       map[string]string{"OPENCLAW_HOME": "$R/alt"},
			wantState: "alt/.openclaw", stateRule: "~/.openclaw (exists); ~ = $OPENCLAW_HOME",
			wantConfig: "alt/.openclaw/openclaw.json", configRule: "in the state dir",
		},
		{
			name:      "OPENCLAW_HOME with ~ is relative to the OS home",
			files:     []string{"home/sub/.clawdbot/"},
			env:       map[string]string{"OPENCLAW_HOME": "~/sub"},
			wantState: "home/sub/.clawdbot", stateRule: "legacy ~/.clawdbot",
			wantConfig: "home/sub/.clawdbot/openclaw.json", configRule: "default",
		},
		{
			name:      "OPENCLAW_CONFIG_PATH wins outright, even when missing",
			files:     []string{"home/.openclaw/openclaw.json"},
			env:       map[string]string{"OPENCLAW_CONFIG_PATH": "$R/etc/gw.json"},
			wantState: "home/.openclaw", stateRule: "~/.openclaw (exists)",
			wantConfig: "etc/gw.json", configRule: "OPENCLAW_CONFIG_PATH",
		},
		{
			name:      "CLAWDBOT_CONFIG_PATH legacy variable, ~ expanded",
			env:       map[string]string{"CLAWDBOT_CONFIG_PATH": "~/cfg/c.json"},
			wantState: "home/.openclaw", stateRule: "default ~/.openclaw (nothing found)",
			wantConfig: "home/cfg/c.json", configRule: "CLAWDBOT_CONFIG_PATH (legacy variable)",
		},
		{
			name:       "--config flag beats OPENCLAW_CONFIG_PATH; state dir still by home rules",
			files:      []string{"home/.openclaw/", "x/a.json"},
			env:        map[string]string{"OPENCLAW_CONFIG_PATH": "$R/y/b.json"},
			configFlag: "$R/x/a.json",
			wantState:  "home/.openclaw", stateRule: "~/.openclaw (exists)",
			wantConfig: "x/a.json", configRule: "--config flag",
		},
		{
			name:       "--config flag and no state dir anywhere: the config's directory",
			files:      []string{"x/a.json"},
			configFlag: "$R/x/a.json",
			wantState:  "x", stateRule: "directory of the --config file",
			wantConfig: "x/a.json", configRule: "--config flag",
		},
		{
			name:      "OPENCLAW_CONFIG_PATH and no state dir: default ~/.openclaw (env is OpenClaw's rule, not ours)",
			env:       map[string]string{"OPENCLAW_CONFIG_PATH": "$R/x/a.json"},
			wantState: "home/.openclaw", stateRule: "default ~/.openclaw (nothing found)",
			wantConfig: "x/a.json", configRule: "OPENCLAW_CONFIG_PATH",
		},
		{
			name:       "--config flag and --state-dir flag",
			files:      []string{"home/.openclaw/openclaw.json"},
			stateFlag:  "$R/s",
			configFlag: "$R/c/../c.json",
			wantState:  "s", stateRule: "--state-dir flag",
			wantConfig: "c.json", configRule: "--config flag",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			home := filepath.Join(root, "home")
			require.NoError(t, os.MkdirAll(home, 0o755))
			locMk(t, root, tc.files...)
			sub := func(s string) string { return strings.ReplaceAll(s, "$R", root) }
			getenv := func(k string) string { return sub(tc.env[k]) }
			got, err := model.Locate(model.LocateOptions{
				StateDirFlag: sub(tc.stateFlag),
				ConfigFlag:   sub(tc.configFlag),
				Getenv:       getenv,
				HomeDir:      home,
			})
			require.NoError(t, err)
			require.Equal(t, filepath.Join(root, tc.wantState), got.StateDir)
			require.Contains(t, got.StateRule, tc.stateRule)
			require.Equal(t, filepath.Join(root, tc.wantConfig), got.ConfigPath)
			require.Contains(t, got.ConfigRule, tc.configRule)
			require.True(t, filepath.IsAbs(got.Home))
		})
	}
}

func TestLocateRelativeFlagAndSymlinkNotResolved(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	real := filepath.Join(root, "real")
	locMk(t, root, "home/", "real/openclaw.json")
	require.NoError(t, os.Symlink(real, filepath.Join(home, ".openclaw")))

	got, err := model.Locate(model.LocateOptions{Getenv: func(string) string { return "" }, HomeDir: home})
	require.NoError(t, err)
	// A symlinked ~/.openclaw counts as existing and is kept as the link path.
	require.Equal(t, filepath.Join(home, ".openclaw"), got.StateDir)
	require.Equal(t, "~/.openclaw (exists)", got.StateRule)
	require.Equal(t, filepath.Join(home, ".openclaw", "openclaw.json"), got.ConfigPath)

	t.Chdir(root)
	got, err = model.Locate(model.LocateOptions{StateDirFlag: "real/../real", Getenv: func(string) string { return "" }, HomeDir: home})
	require.NoError(t, err)
	require.Equal(t, real, got.StateDir)
	require.Equal(t, filepath.Join(real, "openclaw.json"), got.ConfigPath)
}

func TestLocateNoHome(t *testing.T) {
	// Without any home (HOME unset, no OPENCLAW_HOME) the default rules
	// cannot run: a clear input error, not a panic or a path under "/".
	t.Setenv("HOME", "")
	_, err := model.Locate(model.LocateOptions{Getenv: func(string) string { return "" }})
	var ie *model.InputError
	require.ErrorAs(t, err, &ie)
	require.Contains(t, err.Error(), "home directory")

	// With both flags the home is not needed.
	dir := t.TempDir()
	got, err := model.Locate(model.LocateOptions{StateDirFlag: dir, ConfigFlag: filepath.Join(dir, "c.json"), Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	require.Equal(t, dir, got.StateDir)
	require.Equal(t, "", got.Home)
}
