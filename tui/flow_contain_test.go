package tui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestContainFlowContainsAndReports(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	cfg := filepath.Join(state, "openclaw.json")
	orig, err := os.ReadFile(cfg)
	require.NoError(t, err)
	o := Options{StateDir: state, ToolVersion: "test",
		Now: func() time.Time { return time.Date(2026, 11, 12, 12, 0, 0, 0, time.UTC) },
		Load: func() (*model.Snapshot, error) {
			return model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state, HomeDir: filepath.Dir(state),
				Getenv: func(string) string { return "" }}, OpenClawVersion: func() string { return "" }})
		}}
	var m tea.Model = ContainFlow{LogDir: t.TempDir()}.Start(o)
	require.Contains(t, m.View(), "Risky DMs")
	step := func(k tea.KeyMsg) { m = settle(m, k) }
	step(tea.KeyMsg{Type: tea.KeyEnter})
	v := m.View()
	require.Contains(t, v, `dmPolicy: "disabled"`)
	require.NotContains(t, v, "7000000001:AAFakeFakeFakeFakeFakeFakeFakeFake999")
	got, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.Equal(t, orig, got, "nothing is written before y")

	step(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	v = m.View()
	require.Contains(t, v, "Contained.")
	require.Contains(t, v, "2 risky tool call(s)", "the window is the 24h before the fake clock: the stranger's exec calls")
	require.Contains(t, v, "hardshell restore")
	got, err = os.ReadFile(cfg)
	require.NoError(t, err)
	require.Contains(t, string(got), `dmPolicy: "disabled"`)
	sum := m.(Summarizer).Summary()
	require.Contains(t, sum, "report.md")
	md, err := os.ReadFile(m.(*containModel).md)
	require.NoError(t, err)
	require.NotContains(t, string(md), "7000000001:AAFakeFakeFakeFakeFakeFakeFakeFake999")
	require.Equal(t, os.FileMode(0o600), testutil.Mode(t, m.(*containModel).md))
}
