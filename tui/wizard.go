package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// Screen is the wizard's current screen.
type Screen int

const (
	ScreenScan Screen = iota
	ScreenFindings
	ScreenForm
	ScreenReview
	ScreenDone
)

func (s Screen) String() string {
	return [...]string{"scan", "findings", "form", "review", "done"}[s]
}

type stageKind int

const (
	stageFix stageKind = iota
	stageSuppress
)

// staged is one finding queued for the next write.
type staged struct {
	kind    stageKind
	answers model.Answers
	reason  string
	cs      model.ChangeSet
}

// Messages from the background work.
type (
	progressMsg audit.Progress
	scanDoneMsg struct {
		snap *model.Snapshot
		rep  *audit.Report
		err  error
	}
	preparedMsg struct {
		p   *remediate.Prepared
		err error
	}
	committedMsg struct {
		set  *remediate.BackupSet
		snap *model.Snapshot
		rep  *audit.Report
		err  error
	}
	scanChan chan tea.Msg
)

// Wizard is the harden flow: scan → findings → form → review → done. It
// holds what the screens share (the snapshot, its report, what is staged);
// each screen's own state and its update and view live in wizard_<screen>.go.
type Wizard struct {
	opts   Options
	screen Screen
	w, h   int

	snap    *model.Snapshot
	rep     *audit.Report
	stage   map[int]*staged
	status  string
	backups []string
	asking  bool // q or esc with changes staged: "discard them?" waits for y
	askQuit bool // what y then does: quit (true) or go back to the menu

	scanScreen
	findingsScreen
	formScreen
	reviewScreen
	doneScreen
}

// NewWizard returns the harden flow's model; Init starts the scan.
func NewWizard(o Options) *Wizard {
	sp := spinner.New()
	sp.Spinner = spinner.Line
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by id or title"
	ti.Width = 40
	return &Wizard{opts: o, stage: map[int]*staged{},
		scanScreen:     scanScreen{spin: sp},
		findingsScreen: findingsScreen{filter: ti, helpPane: newPager(), detail: detailPane{pg: newPager()}},
		reviewScreen:   reviewScreen{vp: newPager()},
		doneScreen:     doneScreen{donePane: newPager()},
	}
}

// Screen reports the current screen.
func (m *Wizard) Screen() Screen { return m.screen }

// Report is the latest audit report (nil while scanning).
func (m *Wizard) Report() *audit.Report { return m.rep }

// Summary lists the backups written, and the staged changes left
// unwritten, for printing after exit.
func (m *Wizard) Summary() string {
	var b strings.Builder
	if len(m.backups) == 0 {
		b.WriteString("Nothing was written.\n")
	}
	for _, id := range m.backups {
		fmt.Fprintf(&b, "Wrote changes; backup %s\n", m.opts.undoText(id))
	}
	if n := len(m.stage); n > 0 && m.screen != ScreenDone {
		fmt.Fprintf(&b, "%s not written: %s\n", plural(n, "staged change"), strings.Join(m.stagedIDs(), ", "))
	}
	return strings.TrimRight(b.String(), "\n")
}

// leave quits (or goes back to the menu) at once when nothing is staged;
// with changes staged it asks first, so they are never lost silently.
func (m *Wizard) leave(quit bool) (tea.Model, tea.Cmd) {
	if len(m.stage) == 0 {
		if quit {
			return m.quit()
		}
		return m.back()
	}
	m.asking, m.askQuit = true, quit
	return m, nil
}

// question is the line that replaces the foot of the screen while leave
// waits for an answer.
func (m *Wizard) question() string {
	verb := "Go back"
	if m.askQuit {
		verb = "Quit"
	}
	return stErr.Render(verb+" and discard "+plural(len(m.stage), "staged change")+"?") + " " +
		keyHints("y", strings.ToLower(verb), "n/esc", "keep them")
}

// answer takes the key pressed while leave asks: y leaves, any other key
// stays with the staged changes kept.
func (m *Wizard) answer(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.asking = false
	if k.String() == "y" {
		if m.askQuit {
			return m.quit()
		}
		return m.back()
	}
	m.status = "kept " + plural(len(m.stage), "staged change") + " (w reviews and writes them)"
	return m, nil
}

func (m *Wizard) quit() (tea.Model, tea.Cmd) {
	if m.cancel != nil {
		m.cancel()
	}
	return m, tea.Quit
}

func (m *Wizard) back() (tea.Model, tea.Cmd) {
	if m.cancel != nil {
		m.cancel()
	}
	return m, Back
}

func (m *Wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if msg.Width <= 0 || msg.Height <= 0 {
			return m, nil // huh's size query without a terminal answers 0×0
		}
		m.w, m.h = msg.Width, msg.Height
		m.layoutViewport()
		if m.screen == ScreenReview && !m.preparing && (m.prepared != nil || m.prepErr != nil) {
			off := m.vp.vp.YOffset
			m.setReviewContent()
			m.vp.vp.SetYOffset(off)
		}
		var cmd tea.Cmd
		if m.form != nil {
			var fm tea.Model
			fm, cmd = m.form.Update(m.formSize())
			m.form = fm.(*huh.Form)
		}
		m.filter.Width = max(10, min(40, m.w-20))
		return m, cmd
	case spinner.TickMsg:
		if m.screen != ScreenScan && !m.preparing && !m.writing {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case progressWithNext:
		m.onProgress(audit.Progress(msg.p))
		return m, waitScan(msg.next)
	case scanDoneMsg:
		if msg.err != nil {
			m.err = msg.err
			return m, nil
		}
		m.snap, m.rep = msg.snap, msg.rep
		m.screen = ScreenFindings
		m.applyFilter(-1)
		return m, nil
	case preparedMsg:
		m.preparing = false
		m.prepared, m.prepErr = msg.p, msg.err
		m.setReviewContent()
		return m, nil
	case committedMsg:
		m.writing = false
		if msg.err != nil && msg.set == nil {
			m.prepErr = msg.err
			m.prepared = nil
			m.setReviewContent()
			return m, nil
		}
		r := msg
		m.result = &r
		if msg.set != nil {
			m.backups = append(m.backups, msg.set.ID)
		}
		m.screen = ScreenDone
		return m, nil
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			if m.writing {
				m.status = "writing… ctrl+c is ignored until the write finishes"
				return m, nil
			}
			return m.quit()
		}
		if m.asking {
			return m.answer(msg)
		}
	}

	switch m.screen {
	case ScreenScan:
		return m.updateScan(msg)
	case ScreenFindings:
		return m.updateFindings(msg)
	case ScreenForm:
		return m.updateForm(msg)
	case ScreenReview:
		return m.updateReview(msg)
	case ScreenDone:
		return m.updateDone(msg)
	}
	return m, nil
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
