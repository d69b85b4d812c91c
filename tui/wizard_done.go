package tui

import (
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/audit"
)

// The done screen: the backup, before/after counts and the next steps.

// doneScreen is the done screen's state.
type doneScreen struct {
	before audit.Summary
	result *committedMsg
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
		case "enter", " ", "b":
			if m.result == nil || m.result.rep == nil {
				return m.quit()
			}
			m.snap, m.rep = m.result.snap, m.result.rep
			m.stage = map[int]*staged{}
			m.cursor, m.offset = 0, 0
			m.status = ""
			m.screen = ScreenFindings
			m.applyFilter()
		}
	}
	return m, nil
}

func (m *Wizard) viewDone(w int) string {
	r := m.result
	var b strings.Builder
	b.WriteString(m.header(w) + "\n\n")
	if r.set == nil {
		b.WriteString("Nothing needed writing: the files already held these changes.\n")
	} else {
		b.WriteString(stOK.Render("Written.") + " Backup " + stTitle.Render(r.set.ID) + " (" + relPath(m.snap.Target.StateDir, r.set.Dir) + ")\n")
		b.WriteString("Undo with: " + stKey.Render("hardshell restore "+r.set.ID) + "\n")
		b.WriteString(wrap(stDim.Render("Changed: "+r.set.Summary()), w) + "\n")
	}
	if r.err != nil {
		b.WriteString(stErr.Render("Warning: ") + wrap(r.err.Error(), w-10) + "\n")
	}
	if r.rep != nil {
		b.WriteString("\n" + stLabel.Render("Before: ") + counts(m.before) + "\n")
		b.WriteString(stLabel.Render("After:  ") + counts(r.rep.Summary) + "\n")
		fixed := m.fixedIDs(r.rep)
		if len(fixed) > 0 {
			b.WriteString(wrap(stOK.Render("Gone: ")+strings.Join(fixed, ", "), w) + "\n")
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
		b.WriteString("  • " + a + "\n")
	}
	b.WriteString("  • Check that the gateway still starts and your own chats still reach it.\n")
	b.WriteString("  • Fix the remaining findings (enter returns to the list), or run hardshell audit.\n")
	b.WriteString("\n" + stDim.Render("enter back to the findings · q quit"))
	out := b.String()
	ls := strings.Split(out, "\n")
	for i := range ls {
		ls[i] = trunc(ls[i], w)
	}
	return strings.Join(ls, "\n")
}

// fixedIDs are the staged check ids the new report no longer shows.
func (m *Wizard) fixedIDs(after *audit.Report) []string {
	still := map[string]bool{}
	for _, f := range after.Findings {
		still[f.CheckID] = true
	}
	var out []string
	for _, id := range m.stagedIDs() {
		if !still[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
