package tui

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/contain"
	"github.com/stretchr/testify/require"
)

// targetOptions are demoOptions whose printed commands name the demo's
// state dir and config, as the CLI builds them from the target it used.
func targetOptions(t *testing.T) (Options, cmdline.Target) {
	t.Helper()
	o := demoOptions(t)
	tg := cmdline.Target{StateDir: o.StateDir, Config: filepath.Join(o.StateDir, "openclaw.json")}
	o.Command = tg.Command
	return o, tg
}

// Every undo line the wizard prints, on screen and after exit, is the
// target's own restore command, not a bare `hardshell restore ID`.
func TestUndoLinesNameTheTarget(t *testing.T) {
	t.Run("wizard", func(t *testing.T) {
		o, tg := targetOptions(t)
		tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(200, 50))
		toReview(t, tm)
		tm.Send(press("y"))
		waitText(t, tm, "Undo with")
		tm.Send(press("q"))
		app := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
		sets, err := remediate.ListBackups(o.StateDir)
		require.NoError(t, err)
		require.Len(t, sets, 1)
		want := tg.Command("restore", sets[0].ID)
		require.Contains(t, strings.Join(strings.Fields(app.View()), " "), "Undo with: "+want)
		require.Contains(t, app.Summary(), "(undo: "+want+")")
	})
	t.Run("accessible", func(t *testing.T) {
		o, tg := targetOptions(t)
		var out bytes.Buffer
		require.NoError(t, RunAccessible(strings.NewReader("2\n\ny\n1\n"), &out, o))
		sets, err := remediate.ListBackups(o.StateDir)
		require.NoError(t, err)
		require.Len(t, sets, 1)
		require.Contains(t, out.String(), "undo with: "+tg.Command("restore", sets[0].ID))
	})
	t.Run("restore", func(t *testing.T) {
		o, tg := targetOptions(t)
		txn := remediate.NewTxn(o.StateDir)
		txn.Chmod(model.Chmod{Path: filepath.Join(o.StateDir, "credentials"), Mode: 0o700, Reason: "test"})
		_, err := txn.Commit(remediate.BackupMeta{Command: "fix"})
		require.NoError(t, err)
		m := newRestoreModel(o)
		m.Update(press("enter"))
		_, cmd := m.Update(press("y"))
		require.NotNil(t, cmd)
		m.Update(cmd())
		require.NotNil(t, m.done, "the restore saved the state before it")
		want := tg.Command("restore", m.done.ID)
		require.Contains(t, m.Summary(), "(undo: "+want+")")
		m.Update(tea.WindowSizeMsg{Width: 400, Height: 40})
		require.Contains(t, m.View(), "undo with: "+want)
	})
	t.Run("flows", func(t *testing.T) {
		o, tg := targetOptions(t)
		set := &remediate.BackupSet{ID: "20261125T090000Z"}
		want := "(undo: " + tg.Command("restore", set.ID) + ")"
		for name, s := range map[string]Summarizer{
			"access":   &accessModel{opts: o, set: set, did: "revoked 1"},
			"contain":  &containModel{opts: o, set: set, rep: &contain.Report{StateDir: o.StateDir}},
			"rotate":   &rotateModel{opts: o, set: set},
			"firstrun": &firstRunModel{opts: o, set: set},
		} {
			require.Contains(t, s.Summary(), want, name)
		}
	})
}
