package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/tui"
)

// The CLI and the wizard share one baseline flow (issues 11 and 12): the
// same answers write the same files, byte for byte, up to the fresh
// random token (one per run, 48 hex characters, replaced by <TOKEN> in
// both before comparing). Real files in a temp state dir: the CLI binary
// writes first, its files are set aside, then the wizard's baseline flow
// writes into the same (again empty, or again the same) state dir.
func TestBaselineCLIAndWizardWriteTheSameFiles(t *testing.T) {
	loose := "// mine\n{ gateway: { bind: \"lan\", auth: { token: \"letmein\" } }, channels: { telegram: { dmPolicy: \"open\", allowFrom: [\"*\"] } } }\n"
	looseWA := strings.ReplaceAll(loose, "telegram", "whatsapp")
	for _, c := range []struct {
		name   string
		config string   // "" = no config: a new one is written
		flags  []string // the CLI's answers
		keys   []string // the same answers in the wizard (telegram is on; rows: 8 channels, dm, groups, exposure, token)
	}{
		{name: "new, defaults", flags: []string{"--channels", "telegram"}},
		// groups on Telegram need sender ids, which the wizard does not ask: WhatsApp
		{name: "new, groups, tailnet, token in .env",
			flags: []string{"--channels", "whatsapp", "--groups", "--exposure", "tailnet", "--token-env"},
			keys:  append(append([]string{"space", "down", "space"}, downs(8)...), "space", "down", "space", "down", "space")},
		{name: "merge, groups", config: looseWA, flags: []string{"--merge", "--channels", "whatsapp", "--groups"},
			keys: append(append([]string{"space", "down", "space"}, downs(8)...), "space")},
		{name: "merge, token in .env", config: loose, flags: []string{"--merge", "--channels", "telegram", "--token-env"},
			keys: append(downs(11), "space")},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			state := filepath.Join(t.TempDir(), "state")
			require.NoError(t, os.Mkdir(state, 0o700))
			reset := func() {
				for _, f := range []string{"openclaw.json", ".env"} {
					require.NoError(t, os.RemoveAll(filepath.Join(state, f)))
				}
				if c.config != "" {
					require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(c.config), 0o600))
				}
			}
			reset()
			out, errOut, code := runIn(t, state, home, append([]string{"baseline", "--state-dir", state, "-y"}, c.flags...)...)
			require.Equal(t, 0, code, out+errOut)
			cli := stateFiles(t, state)

			reset()
			m := driveFlow(t, tui.BaselineFlow{}.Start(baselineWizardOptions(state)), append(c.keys, "enter", "y")...)
			require.Contains(t, m.View(), "Baseline written", m.View())
			wiz := stateFiles(t, state)

			require.Equal(t, cli, wiz, "the CLI and the wizard wrote different files for the same answers")
			require.Contains(t, cli, "openclaw.json")
			if c.config == "" {
				require.Contains(t, cli["openclaw.json"], `"`+filepath.Join(state, "workspace")+`"`, "the workspace follows the target state dir")
			}
			if slices.Contains(c.flags, "--token-env") {
				require.Contains(t, cli[".env"], "OPENCLAW_GATEWAY_TOKEN=<TOKEN>\n", "the token is in .env")
				require.Contains(t, cli["openclaw.json"], "${OPENCLAW_GATEWAY_TOKEN}")
			}
			if slices.Contains(c.flags, "--groups") {
				require.Contains(t, cli["openclaw.json"], `mentionPatterns: ["@openclaw"]`, "groups on: the default mention pattern")
			}
		})
	}
}

func downs(n int) []string { return strings.Fields(strings.Repeat("down ", n)) }

var tokenHex48 = regexp.MustCompile(`\b[0-9a-f]{48}\b`)

// stateFiles are the config and .env of state, with mode, and the one
// token in them replaced by <TOKEN>.
func stateFiles(t *testing.T, state string) map[string]string {
	t.Helper()
	out := map[string]string{}
	tokens := map[string]bool{}
	for _, f := range []string{"openclaw.json", ".env"} {
		p := filepath.Join(state, f)
		fi, err := os.Stat(p)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, tok := range tokenHex48.FindAllString(string(data), -1) {
			tokens[tok] = true
		}
		out[f] = fi.Mode().Perm().String() + "\n" + tokenHex48.ReplaceAllString(string(data), "<TOKEN>")
	}
	require.Len(t, tokens, 1, "one fresh token per run")
	return out
}

func baselineWizardOptions(state string) tui.Options {
	return tui.Options{StateDir: state, ToolVersion: "test", Load: func() (*model.Snapshot, error) {
		return model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state,
			Getenv: func(string) string { return "" }}, OpenClawVersion: func() string { return "" }})
	}}
}

// driveFlow runs a flow model as Bubble Tea would: each key, then every
// command it returns, until none is left.
func driveFlow(t *testing.T, m tea.Model, keys ...string) tea.Model {
	t.Helper()
	run := func(cmd tea.Cmd) {
		for cmd != nil {
			msg := cmd()
			if _, ok := msg.(tui.BackMsg); ok || msg == nil {
				return
			}
			m, cmd = m.Update(msg)
		}
	}
	run(m.Init())
	for _, k := range keys {
		km := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		switch k {
		case "enter":
			km = tea.KeyMsg{Type: tea.KeyEnter}
		case "down":
			km = tea.KeyMsg{Type: tea.KeyDown}
		case "space":
			km = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
		}
		var cmd tea.Cmd
		m, cmd = m.Update(km)
		run(cmd)
	}
	return m
}
