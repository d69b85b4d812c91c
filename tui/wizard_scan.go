package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// The scan screen: the audit runs in the background and reports each area
// as it finishes.

type areaState struct {
	name     string
	done     bool
	findings int
}

// scanScreen is the scan screen's state.
type scanScreen struct {
	spin   spinner.Model
	areas  []areaState
	total  int
	done   int
	cancel context.CancelFunc
	err    error
	given  bool // the start menu audits and hands the result over
}

// newWizardFromMenu is the harden flow started from the start menu, which
// audits on launch: with its report (rep != nil) the findings show at once;
// while it is still auditing the wizard waits for the menu to hand the
// result over (a scanDoneMsg) instead of auditing a second time.
func newWizardFromMenu(o Options, snap *model.Snapshot, rep *audit.Report) *Wizard {
	m := NewWizard(o)
	m.given = true
	if rep != nil {
		m.snap, m.rep = snap, rep
		m.screen = ScreenFindings
		m.applyFilter(-1)
	}
	return m
}

func (m *Wizard) Init() tea.Cmd {
	if m.given {
		if m.rep != nil {
			return nil
		}
		return m.spin.Tick
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	ch := make(scanChan, 256)
	o := m.opts
	go func() {
		defer close(ch)
		snap, err := o.Load()
		if err != nil {
			ch <- scanDoneMsg{err: err}
			return
		}
		rep, err := o.scan(ctx, snap, func(p audit.Progress) {
			select {
			case ch <- progressMsg(p):
			case <-ctx.Done():
			}
		})
		ch <- scanDoneMsg{snap: snap, rep: rep, err: err}
	}()
	return tea.Batch(m.spin.Tick, waitScan(ch))
}

// waitScan delivers the next scan message; it re-arms itself after each
// progress event.
func waitScan(ch scanChan) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if p, isP := msg.(progressMsg); isP {
			return progressWithNext{p: p, next: ch}
		}
		return msg
	}
}

type progressWithNext struct {
	p    progressMsg
	next scanChan
}

func (m *scanScreen) onProgress(p audit.Progress) {
	m.total, m.done = p.Total, p.Done
	for i := range m.areas {
		if m.areas[i].name == p.Area {
			if p.Finished {
				m.areas[i].done = true
				m.areas[i].findings = p.Findings
			}
			return
		}
	}
	m.areas = append(m.areas, areaState{name: p.Area, done: p.Finished, findings: p.Findings})
}

func (m *Wizard) viewScan(w int) string {
	var b strings.Builder
	b.WriteString(m.header(w) + "\n\n")
	if m.err != nil {
		b.WriteString(stErr.Render("The scan failed: ") + wrap(m.err.Error(), w-2) + "\n\n")
		b.WriteString(stDim.Render("q quit · esc back") + "\n")
		return b.String()
	}
	prog := "loading the config and state dir"
	if m.total > 0 {
		prog = fmt.Sprintf("%d/%d areas", m.done, m.total)
	}
	b.WriteString(m.spin.View() + " Scanning… " + prog + "\n\n")
	cols := 1
	if w >= 100 {
		cols = 3
	} else if w >= 60 {
		cols = 2
	}
	colW := (w - 2) / cols
	var cells []string
	for _, a := range m.areas {
		c := "  … " + a.name
		if a.done {
			c = "  " + stOK.Render("✓") + " " + a.name + stDim.Render(fmt.Sprintf(" (%d)", a.findings))
		}
		cells = append(cells, lipgloss.NewStyle().Width(colW).Render(trunc(c, colW)))
	}
	for i := 0; i < len(cells); i += cols {
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, cells[i:min(i+cols, len(cells))]...) + "\n")
	}
	b.WriteString("\n" + stDim.Render("q quit (nothing is written)") + "\n")
	return b.String()
}

// updateScan answers the scan screen's keys: q quits, esc goes back.
func (m *Wizard) updateScan(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "q":
			return m.quit()
		case "esc":
			return m.back()
		}
	}
	return m, nil
}
