package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/require"
)

// stageTop stages the top finding with its default answers (space).
func stageTop(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	waitText(t, tm, "score")
	tm.Send(press("space"))
	waitText(t, tm, "safe default")
	for i := 0; i < 6; i++ {
		tm.Send(press("enter"))
		if ok, _ := waitMaybe(tm, "1 change staged", 400*time.Millisecond); ok {
			return
		}
	}
	t.Fatal("the top finding was not staged")
}

// With a change staged, q asks before quitting (any key but y keeps the
// change), esc asks before leaving, and y then quits writing nothing; the
// summary says what was left unwritten.
func TestQuitWithStagedChangesAsks(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			before := snapshotTree(t, o.StateDir)
			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			stageTop(t, tm)
			tm.Send(press("q"))
			waitText(t, tm, "Quit and discard 1 staged change?")
			tm.Send(press("n"))
			waitText(t, tm, "kept 1 staged change")
			tm.Send(press("esc"))
			waitText(t, tm, "Go back and discard 1 staged change?")
			tm.Send(press("esc"))
			waitText(t, tm, "kept 1 staged change")
			tm.Send(press("w"))
			waitText(t, tm, "y write")
			tm.Send(press("q")) // q in the review asks too
			waitText(t, tm, "Quit and discard")
			tm.Send(press("y"))
			app := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
			require.False(t, app.Interrupted())
			require.Contains(t, app.Summary(), "Nothing was written.")
			require.Contains(t, app.Summary(), "1 staged change not written: ")
			require.Equal(t, before, snapshotTree(t, o.StateDir))
		})
	}
}

// Without anything staged q quits at once; ctrl+c quits from anywhere and
// marks the run interrupted (the CLI exits 130).
func TestQuitAndInterrupt(t *testing.T) {
	o := demoOptions(t)
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(80, 24))
	waitText(t, tm, "score")
	tm.Send(press("q"))
	app := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	require.False(t, app.Interrupted())

	for wait, start := range map[string]func() *App{
		"score":               func() *App { return NewHarden(demoOptions(t)) },
		"Harden this gateway": func() *App { return NewApp(demoOptions(t), DefaultFlows()) },
	} {
		tm = teatest.NewTestModel(t, start(), teatest.WithInitialTermSize(80, 24))
		waitText(t, tm, wait)
		tm.Send(press("ctrl+c"))
		app = tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
		require.True(t, app.Interrupted())
	}
}

// g and G jump to the first and last entry of the start menu.
func TestMenuFirstLast(t *testing.T) {
	a := NewApp(demoOptions(t), DefaultFlows())
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	last := DefaultFlows()[len(DefaultFlows())-1].Name()
	a.Update(press("G"))
	require.Contains(t, a.View(), "› "+last)
	a.Update(press("g"))
	require.Contains(t, a.View(), "› "+DefaultFlows()[0].Name())
	a.Update(tea.KeyMsg{Type: tea.KeyEnd})
	require.True(t, strings.Contains(a.View(), "› "+last))
}

// Clearing the filter (esc in the list, or esc while typing) keeps the
// finding that was selected.
func TestClearFilterKeepsSelection(t *testing.T) {
	for _, clear := range [][]string{{"enter", "esc"}, {"esc"}} {
		tm := teatest.NewTestModel(t, NewHarden(demoOptions(t)), teatest.WithInitialTermSize(80, 24))
		waitText(t, tm, "score")
		tm.Send(press("/"))
		tm.Type("mdns")
		waitText(t, tm, "match")
		for _, k := range clear {
			tm.Send(press(k))
		}
		tm.Send(press("ctrl+c"))
		w := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App).Active().(*Wizard)
		require.Empty(t, w.filter.Value())
		require.Greater(t, len(w.visible), 5, "every finding is listed again")
		_, f := w.current()
		require.NotNil(t, f)
		require.Equal(t, "discovery.mdns_full_mode", f.CheckID)
		require.Greater(t, w.cursor, 0)
	}
}

// A suppression the review would refuse is refused when asked for: with a
// config that could not be read, s says so at once and opens no form.
func TestSuppressRefusedWhenConfigUnreadable(t *testing.T) {
	o := demoOptions(t)
	cfg := filepath.Join(o.StateDir, "openclaw.json")
	require.NoError(t, os.WriteFile(cfg, []byte("{ gateway: { bind: \"lan\" "), 0o600)) // cut short: a syntax error
	before := snapshotTree(t, o.StateDir)
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(200, 50))
	waitText(t, tm, "score")
	tm.Send(press("G")) // the top finding says the config is unreadable, and is never suppressed
	tm.Send(press("s"))
	waitText(t, tm, "cannot suppress")
	tm.Send(press("ctrl+c"))
	w := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App).Active().(*Wizard)
	require.Equal(t, ScreenFindings, w.Screen(), "no reason form for a suppression that cannot be written")
	require.Contains(t, w.status, "could not be read")
	require.Empty(t, w.stage)
	require.Equal(t, before, snapshotTree(t, o.StateDir))
}

// Accessible mode names tiers "Tier N:" (the prompt's choices are the only
// "N." lines) and, after a write, says what changed instead of reading the
// whole list out again.
func TestAccessibleSaysWhatChanged(t *testing.T) {
	o := demoOptions(t)
	var out bytes.Buffer
	require.NoError(t, RunAccessible(strings.NewReader("2\n\ny\n1\n"), &out, o))
	text := out.String()
	require.Equal(t, 1, strings.Count(text, "Tier 1: Open inbound with tools"), "the list is read out once")
	tierLine := regexp.MustCompile(`(?m)^Tier \d+: (.+)$`)
	tiers := tierLine.FindAllStringSubmatch(text, -1)
	require.Greater(t, len(tiers), 1)
	for _, m := range tiers {
		require.NotRegexp(t, `(?m)^\s*\d+\. `+regexp.QuoteMeta(m[1])+`$`, text, "tier %q numbered like a choice", m[1])
	}
	after := text[strings.Index(text, "Written. Backup"):]
	require.Contains(t, after, "Before: 17 critical")
	require.Contains(t, after, "  gone: CRITICAL channels.telegram.dm.open: Telegram DMs are open to anyone")
	require.NotContains(t, after, "Tier 1:", "after the write only the changes are read out")
}
