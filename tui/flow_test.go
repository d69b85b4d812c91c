package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
	"github.com/stretchr/testify/require"
)

// TestStageFixAndSuppressThenWrite stages the top finding (space, default
// answers) and suppresses the second (s, a reason), reviews both as one
// diff, writes, and checks the config and the re-audit.
func TestStageFixAndSuppressThenWrite(t *testing.T) {
	o := demoOptions(t)
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(100, 30))
	waitText(t, tm, "score")
	tm.Send(press("space"))
	waitText(t, tm, "safe default")
	for i := 0; i < 6; i++ {
		tm.Send(press("enter"))
		if ok, _ := waitMaybe(tm, "1 change staged", 400*time.Millisecond); ok {
			break
		}
	}
	tm.Send(press("j")) // the top finding is the risk chain, whose fix fixed its first link (the next finding)
	tm.Send(press("j"))
	tm.Send(press("s"))
	waitText(t, tm, "acceptable to suppress")
	tm.Type("reviewed: the bot is in one private group")
	tm.Send(press("enter"))
	waitText(t, tm, "2 changes staged")
	tm.Send(press("w"))
	waitText(t, tm, "y write")
	// a resize re-lays out the review
	tm.Send(tea.WindowSizeMsg{Width: 90, Height: 20})
	tm.Send(press("y"))
	waitText(t, tm, "Undo with")
	tm.Send(press("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	w := fm.Active().(*Wizard)
	require.Equal(t, ScreenDone, w.Screen())
	require.Len(t, strings.Split(w.View(), "\n"), 20, "the view follows the resize")

	s, err := o.Load()
	require.NoError(t, err)
	// the demo is a 2026.2-era config, whose OpenClaw rejects
	// security.audit.suppressions: the entry is kept in hardshell's file
	require.Empty(t, audit.Suppressions(audit.Config(s)))
	sups, err := audit.SuppressionsOf(s)
	require.NoError(t, err)
	require.Len(t, sups, 1)
	require.True(t, sups[0].InFile)
	require.Equal(t, "reviewed: the bot is in one private group", sups[0].Reason)
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var suppressed []string
	for _, f := range rep.SuppressedFindings {
		suppressed = append(suppressed, f.CheckID)
	}
	require.Contains(t, suppressed, sups[0].CheckID)
	for _, f := range rep.Findings {
		require.NotEqual(t, "channels.telegram.dm.open", f.CheckID)
	}
	sets, err := remediate.ListBackups(o.StateDir)
	require.NoError(t, err)
	require.Len(t, sets, 1, "one write, one backup set")
	require.Contains(t, w.Summary(), "hardshell restore "+sets[0].ID)
}

// TestManualFindingCannotBeFixed: a finding without a remediation shows
// "manual: …" and stages nothing.
func TestManualFindingCannotBeFixed(t *testing.T) {
	o := demoOptions(t)
	w := NewWizard(o)
	s, err := o.Load()
	require.NoError(t, err)
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	w.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	w.Update(scanDoneMsg{snap: s, rep: rep})
	manual := -1
	for p, i := range w.visible {
		if _, ok := fix.For(rep.Findings[i].CheckID); !ok {
			manual = p
			break
		}
	}
	if manual < 0 {
		t.Skip("every demo finding has a remediation registered")
	}
	w.cursor = manual
	w.Update(press("enter"))
	require.Equal(t, ScreenFindings, w.Screen())
	require.Empty(t, w.stage)
	require.Contains(t, w.View(), "manual: ")
	w.Update(press("space"))
	require.Empty(t, w.stage)
}

func TestAccessibleFixesTopFinding(t *testing.T) {
	o := demoOptions(t)
	cfg := filepath.Join(o.StateDir, "channels.json5")
	before, err := os.ReadFile(cfg)
	require.NoError(t, err)
	// pick the first fixable finding (option 2; 1 is quit), take the
	// default DM policy (empty line: pairing, which asks nothing more),
	// confirm the write, quit.
	in := strings.NewReader("2\n\ny\n1\n")
	var out bytes.Buffer
	require.NoError(t, RunAccessible(in, &out, o))
	text := out.String()
	require.Contains(t, text, "Tier 1: Open inbound with tools")
	require.Contains(t, text, "+++ b/channels.json5")
	require.Contains(t, text, "Written. Backup ")
	require.NotContains(t, text, "7012345678:AA", "a bot token unmasked")
	after, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.NotEqual(t, string(before), string(after))
	s, err := o.Load()
	require.NoError(t, err)
	require.Equal(t, "pairing", audit.Config(s).Lookup("channels.telegram.dmPolicy").Text())
}

func TestAccessibleEOFWritesNothing(t *testing.T) {
	o := demoOptions(t)
	before := snapshotTree(t, o.StateDir)
	var out bytes.Buffer
	require.NoError(t, RunAccessible(strings.NewReader("2\n"), &out, o))
	require.Equal(t, before, snapshotTree(t, o.StateDir))
}

func TestWritePlain(t *testing.T) {
	o := demoOptions(t)
	var out bytes.Buffer
	require.NoError(t, WritePlain(&out, o))
	require.Contains(t, out.String(), "CRITICAL channels.telegram.dm.open")
	require.Contains(t, out.String(), "hardshell fix --yes")
}

// In the restore confirmation only y restores: enter (the key that picked the
// set) starts nothing, so a double tap cannot overwrite files.
func TestRestoreConfirmIgnoresEnter(t *testing.T) {
	o := demoOptions(t)
	txn := remediate.NewTxn(o.StateDir)
	txn.Chmod(model.Chmod{Path: filepath.Join(o.StateDir, "credentials"), Mode: 0o700, Reason: "test"})
	_, err := txn.Commit(remediate.BackupMeta{Command: "fix"})
	require.NoError(t, err)
	m := newRestoreModel(o)
	require.NotEmpty(t, m.sets)
	m.Update(press("enter"))
	require.True(t, m.confirming)
	_, cmd := m.Update(press("enter"))
	require.Nil(t, cmd, "enter must not start a restore")
	require.False(t, m.working)
	_, cmd = m.Update(press("y"))
	require.NotNil(t, cmd)
	require.True(t, m.working)
}
