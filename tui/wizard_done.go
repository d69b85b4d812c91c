package tui

import (
	"fmt"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// The done screen: the backup, before/after counts and the next steps.

// doneScreen is the done screen's state.
type doneScreen struct {
	before    audit.Summary
	beforeRep *audit.Report // the report the write started from
	result    *committedMsg
	donePane  pager
	doneText  string // what donePane holds
}

// updateDone answers the done screen's keys: enter goes back to the
// findings of the new report.
func (m *Wizard) updateDone(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "q":
			return m.quit()
		case "esc":
			return m.back()
		case "up", "k", "down", "j", "pgup", "pgdown", "home", "end", "g", "G":
			m.donePane.key(k.String())
		case "enter", " ", "b":
			if m.result == nil || m.result.rep == nil {
				return m.quit()
			}
			m.snap, m.rep = m.result.snap, m.result.rep
			m.stage = map[int]*staged{}
			m.cursor, m.offset = 0, 0
			m.status = ""
			m.screen = ScreenFindings
			m.applyFilter(-1)
		}
	}
	return m, nil
}

func (m *Wizard) viewDone(w, h int) string {
	r := m.result
	var b strings.Builder
	if r.set == nil {
		b.WriteString("Nothing needed writing: the files already held these changes.\n")
	} else {
		b.WriteString(stOK.Render("Written.") + " Backup " + stTitle.Render(r.set.ID) + " (" + relPath(m.snap.Target.StateDir, r.set.Dir) + ")\n")
		b.WriteString("Undo with: " + stKey.Render(m.opts.command("restore", r.set.ID)) + "\n")
		b.WriteString(stDim.Render("Changed: "+r.set.Summary()) + "\n")
	}
	if r.err != nil {
		b.WriteString(stErr.Render("Warning: ") + r.err.Error() + "\n")
	}
	if r.rep != nil {
		b.WriteString("\n" + stLabel.Render("Before: ") + counts(m.before) + "\n")
		b.WriteString(stLabel.Render("After:  ") + counts(r.rep.Summary) + "\n")
		if gone := goneFindings(m.beforeRep, r.rep); len(gone) > 0 {
			b.WriteString(stOK.Render(fmt.Sprintf("Gone (%d):", len(gone))) + "\n")
			for _, f := range gone {
				b.WriteString("  " + badge(f.Severity) + " " + f.CheckID + " · " + f.Title + "\n")
			}
		}
	}
	var after []string
	for _, i := range m.stagedOrder() {
		for _, a := range m.stage[i].cs.After {
			if !contains(after, a) {
				after = append(after, a)
			}
		}
	}
	b.WriteString("\n" + stLabel.Render("Next steps:") + "\n")
	for _, a := range after {
		b.WriteString("  • " + m.opts.step(a) + "\n")
	}
	b.WriteString("  • Check that the gateway still starts and your own chats still reach it.\n")
	b.WriteString("  • Fix the remaining findings (enter returns to the list), or run " + m.opts.command("audit") + ".\n")
	text := wrap(strings.TrimRight(b.String(), "\n"), w)
	if text != m.doneText {
		m.doneText = text
		m.donePane.setSize(w, max(1, h-3))
		m.donePane.setContent(text)
	}
	m.donePane.setSize(w, max(1, h-3))
	keys := "enter back to the findings · q quit"
	if hn := m.donePane.hint(); hn != "" {
		keys += " · " + hn
	}
	return m.header(w) + "\n\n" + m.donePane.view() + "\n" + trunc(stDim.Render(keys), w)
}

// goneFindings are the findings of before that after no longer shows (by
// check and title, so one of two findings of a check going away counts),
// in before's order: everything the write fixed, not only what was staged.
func goneFindings(before, after *audit.Report) []model.Finding {
	if before == nil || after == nil {
		return nil
	}
	left := map[string]int{}
	for _, f := range after.Findings {
		left[f.CheckID+"\x00"+f.Title]++
	}
	var out []model.Finding
	for _, f := range before.Findings {
		k := f.CheckID + "\x00" + f.Title
		if left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Severity > out[b].Severity })
	return out
}
