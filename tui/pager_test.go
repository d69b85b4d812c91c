package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestMarkWrapKeepsEveryCell(t *testing.T) {
	line := "-    allowFrom: [\"*\"], // " + strings.Repeat("abcdefghij", 9) + "END"
	segs := markWrap(line, 20)
	require.Greater(t, len(segs), 3)
	joined := segs[0]
	for _, s := range segs[1:] {
		require.True(t, strings.HasPrefix(s, contMark), "a continuation row starts with the mark: %q", s)
		require.LessOrEqual(t, len([]rune(s)), 20)
		joined += strings.TrimPrefix(s, contMark)
	}
	require.Equal(t, line, joined)
	require.Equal(t, []string{"short"}, markWrap("short", 20))
}

// pages presses key on m until the view stops changing and returns every
// view seen, top first.
func pages(m tea.Model, key string) []string {
	var out []string
	for i := 0; i < 200; i++ {
		v := m.View()
		if len(out) > 0 && out[len(out)-1] == v {
			break
		}
		out = append(out, v)
		m.Update(press(key))
	}
	return out
}

// unwrap joins rows that start with the continuation mark to the row
// before them.
func unwrap(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, contMark) && len(out) > 0 {
			out[len(out)-1] = strings.TrimRight(out[len(out)-1], " ") + strings.TrimRight(strings.TrimPrefix(l, contMark), " ")
			continue
		}
		out = append(out, l)
	}
	return out
}

// The review wraps a changed line wider than the window behind a
// continuation mark (at 80 and at 200 columns), and every row of the
// review can be scrolled to, so y never writes a line the operator could
// not read to its end.
func TestReviewLongLineReadableToItsEnd(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			cfg := filepath.Join(o.StateDir, "channels.json5")
			b, err := os.ReadFile(cfg)
			require.NoError(t, err)
			long := `dmPolicy: "open", // ` + strings.Repeat("why-open-", 30) + "END-OF-COMMENT"
			b2 := strings.Replace(string(b), `dmPolicy: "open",`, long+"\n   ", 1)
			require.NotEqual(t, string(b), b2)
			require.NoError(t, os.WriteFile(cfg, []byte(b2), 0o600))

			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			toReview(t, tm)
			tm.Send(press("ctrl+c"))
			w := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App).Active().(*Wizard)
			require.Equal(t, ScreenReview, w.Screen())
			// the pane is the rows under the header and the review's title;
			// each press of down brings one more row in at its foot
			h := w.vp.vp.Height
			pane := func(v string) []string { return strings.Split(v, "\n")[2 : 2+h] }
			vs := pages(w, "down")
			rows := pane(vs[0])
			for _, v := range vs[1:] {
				p := pane(v)
				rows = append(rows, p[h-1])
			}
			for _, l := range rows {
				require.LessOrEqual(t, len([]rune(strings.TrimRight(l, " "))), sz.w)
			}
			require.Contains(t, unwrap(rows), "-    "+long, "the removed line, whole, after joining its rows")
		})
	}
}

// The containment review is scrolled like every other long pane: at 80×24
// each row of the diff (the last one included) can be brought on screen
// before y contains.
func TestContainReviewScrollsToTheEnd(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	o := Options{StateDir: state, ToolVersion: "test",
		Now: func() time.Time { return time.Date(2026, 11, 12, 12, 0, 0, 0, time.UTC) },
		Load: func() (*model.Snapshot, error) {
			return model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state, HomeDir: filepath.Dir(state),
				Getenv: func(string) string { return "" }}, OpenClawVersion: func() string { return "" }})
		}}
	var m tea.Model = ContainFlow{LogDir: t.TempDir()}.Start(o)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = settle(m, press("enter"))
	c := m.(*containModel)
	require.NotNil(t, c.prep, "the review is shown")
	diff := strings.Split(strings.TrimRight(c.diff, "\n"), "\n")
	require.Greater(t, len(diff), 24, "the containment diff is longer than the window")
	v := m.View()
	require.Len(t, strings.Split(v, "\n"), 24)
	require.Contains(t, v, "pgup/pgdn home/end scroll")
	require.NotContains(t, v, diff[len(diff)-1])
	m.Update(press("end"))
	v = m.View()
	require.Len(t, strings.Split(v, "\n"), 24)
	require.Contains(t, v, diff[len(diff)-1], "End shows the diff's last line")
	require.Contains(t, v, "y contain now")
	m.Update(press("home"))
	require.Contains(t, m.View(), diff[0])
}

// At 80×24 the detail pane and the help are longer than the room they
// get: tab and End bring the end of the detail on screen, End the end of
// the help.
func TestDetailAndHelpScroll(t *testing.T) {
	o := demoOptions(t)
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(80, 24))
	waitText(t, tm, "score")
	tm.Send(press("ctrl+c"))
	w := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App).Active().(*Wizard)
	_, f := w.current()
	require.NotNil(t, f)
	words := strings.Fields(f.Why)
	last := words[len(words)-1]
	v := w.View()
	require.Contains(t, v, "tab reads the rest of this pane")
	require.NotContains(t, v, last)
	w.Update(tea.KeyMsg{Type: tea.KeyTab})
	w.Update(tea.KeyMsg{Type: tea.KeyEnd})
	v = w.View()
	require.Len(t, strings.Split(v, "\n"), 24)
	require.Contains(t, v, last, "the end of the detail pane is readable")
	require.Contains(t, v, "tab/esc back to the list")
	w.Update(tea.KeyMsg{Type: tea.KeyTab})
	w.Update(press("j"))
	_, f2 := w.current()
	require.NotEqual(t, f.CheckID+f.Title, f2.CheckID+f2.Title, "after tab, j moves the list again")

	w.Update(press("?"))
	v = w.View()
	require.NotContains(t, v, "docs/score.md")
	w.Update(tea.KeyMsg{Type: tea.KeyEnd})
	v = w.View()
	require.Len(t, strings.Split(v, "\n"), 24)
	require.Contains(t, v, "docs/score.md", "the end of the help is readable")
	w.Update(press("x"))
	require.NotContains(t, w.View(), "any other key closes this help")
}

// The baseline's review (a whole new config at 80×24) scrolls like the
// other flows' reviews: its last line can be brought on screen before y
// writes it.
func TestBaselineReviewScrollsToTheEnd(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(state, 0o700))
	m := BaselineFlow{}.Start(flowOpts(state))
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drive(t, m, "enter")
	b := m.(*baselineModel)
	require.NotNil(t, b.prep, "the review is shown")
	cfg := strings.Split(strings.TrimRight(string(b.prep.Files[b.target]), "\n"), "\n")
	require.Greater(t, len(cfg), 24, "the new config is longer than the window")
	last := strings.TrimSpace(cfg[len(cfg)-1])
	v := m.View()
	require.Len(t, strings.Split(v, "\n"), 24)
	require.Contains(t, v, "pgup/pgdn home/end scroll")
	m.Update(press("end"))
	v = m.View()
	require.Len(t, strings.Split(v, "\n"), 24)
	require.Contains(t, v, "+ "+last, "End shows the config's last line")
	require.Contains(t, v, "y write")
	_, err := os.Stat(filepath.Join(state, "openclaw.json"))
	require.True(t, os.IsNotExist(err), "scrolling writes nothing")
}
