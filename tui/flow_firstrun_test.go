package tui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func flowOpts(state string) Options {
	return Options{StateDir: state, ToolVersion: "test", Load: func() (*model.Snapshot, error) {
		return model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state,
			Getenv: func(string) string { return "" }}, OpenClawVersion: func() string { return "" }})
	}}
}

// drive runs a flow model like Bubble Tea would: each key, then every
// command it returns, until none is left.
func drive(t *testing.T, m tea.Model, keys ...string) tea.Model {
	t.Helper()
	run := func(cmd tea.Cmd) {
		for cmd != nil {
			msg := cmd()
			if _, ok := msg.(BackMsg); ok || msg == nil {
				return
			}
			m, cmd = m.Update(msg)
		}
	}
	run(m.Init())
	for _, k := range keys {
		var km tea.KeyMsg
		switch k {
		case "enter":
			km = tea.KeyMsg{Type: tea.KeyEnter}
		case "down":
			km = tea.KeyMsg{Type: tea.KeyDown}
		case "space":
			km = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
		default:
			km = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		var cmd tea.Cmd
		m, cmd = m.Update(km)
		run(cmd)
	}
	return m
}

func severe(t *testing.T, o Options) (crit, warn int) {
	t.Helper()
	s, err := o.Load()
	require.NoError(t, err)
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	return rep.Summary.Critical, rep.Summary.Warn
}

func TestFirstRunFlowProfilesThenOneWrite(t *testing.T) {
	state := testutil.CopyState(t, "multi-agent")
	o := flowOpts(state)
	critBefore, warnBefore := severe(t, o)
	require.Positive(t, critBefore+warnBefore)
	orig, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)

	m := drive(t, FirstRunFlow{}.Start(o))
	v := m.View()
	require.Contains(t, v, "Access profile for each agent")
	require.Contains(t, v, "personal: full access")
	fm := m.(*firstRunModel)
	require.GreaterOrEqual(t, len(fm.agents), 2)
	second := fm.agents[1]

	// second agent: readonly → public, then review
	m = drive(t, m, "down", "space", "enter")
	require.Equal(t, "public", string(m.(*firstRunModel).profiles[second]))
	v = m.View()
	require.Contains(t, v, "Tier 1 — ")
	require.Contains(t, v, "y write once")
	require.NotRegexp(t, regexp.MustCompile(`[0-9a-f]{48}`), v)
	now, _ := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.Equal(t, orig, now, "nothing is written before y")

	m = drive(t, m, "y")
	v = m.View()
	require.Contains(t, v, "Written in one change.")
	require.Contains(t, m.(Summarizer).Summary(), "hardshell restore")
	critAfter, warnAfter := severe(t, o)
	require.LessOrEqual(t, critAfter, critBefore)
	require.Less(t, critAfter+warnAfter, critBefore+warnBefore)
	sets, err := os.ReadDir(filepath.Join(state, ".hardshell", "backups"))
	require.NoError(t, err)
	require.Len(t, sets, 1)
	data, _ := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.True(t, strings.Contains(string(data), `"canvas"`), "the public profile's deny list is written")
}

func TestBaselineFlowWritesNewConfigAndMerges(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(state, 0o700))
	o := flowOpts(state)
	cfg := filepath.Join(state, "openclaw.json")

	m := drive(t, BaselineFlow{}.Start(o))
	require.Contains(t, m.View(), "[x] channel telegram")
	m = drive(t, m, "enter")
	v := m.View()
	require.Contains(t, v, "A new config")
	require.Contains(t, v, "dmPolicy")
	require.NotRegexp(t, regexp.MustCompile(`[0-9a-f]{48}`), v)
	_, err := os.Stat(cfg)
	require.True(t, os.IsNotExist(err))

	m = drive(t, m, "y")
	require.Contains(t, m.View(), "Baseline written")
	fi, err := os.Stat(cfg)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	crit, warn := severe(t, o)
	require.Zero(t, crit)
	require.Zero(t, warn)

	// a second run merges: the new config already meets the baseline
	m = drive(t, BaselineFlow{}.Start(o), "enter")
	require.Contains(t, m.View(), "already meets the baseline")

	// a loose config is tightened, its comment kept
	require.NoError(t, os.WriteFile(cfg, []byte("// mine\n{ gateway: { bind: \"lan\" }, channels: { telegram: { dmPolicy: \"open\", allowFrom: [\"*\"] } } }\n"), 0o600))
	m = drive(t, BaselineFlow{}.Start(o), "enter")
	require.Contains(t, m.View(), "Changes to your config")
	m = drive(t, m, "y")
	require.Contains(t, m.View(), "Baseline written")
	data, _ := os.ReadFile(cfg)
	require.True(t, strings.HasPrefix(string(data), "// mine\n"))
	require.Contains(t, string(data), `dmPolicy: "pairing"`)
	crit, _ = severe(t, o)
	require.Zero(t, crit)
}
