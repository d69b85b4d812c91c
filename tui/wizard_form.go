package tui

import (
	"context"

	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
)

// The form screen: a finding's questions (or a suppression's reason),
// then the finding is staged for the next write.

// formScreen is the form screen's state.
type formScreen struct {
	form     *huh.Form
	formIdx  int
	formKind stageKind
	formNow  bool // go to review when the form completes (enter) instead of back (space)
	vals     *formVals
}

func (m *Wizard) startFix(i int, now bool) (tea.Model, tea.Cmd) {
	f := m.rep.Findings[i]
	qs, err := fix.Questions(m.snap, f)
	if err != nil {
		m.status = "manual: " + oneLine(f.Remediation) + " (s suppresses it)"
		if accessRelated(f.CheckID) {
			m.status = "manual: " + oneLine(f.Remediation) + " (a opens the Access review · s suppresses it)"
		}
		return m, nil
	}
	if len(qs) == 0 {
		if !m.stageFix(i, nil) {
			return m, nil
		}
		if now {
			return m.startReview()
		}
		return m, nil
	}
	m.vals = newFormVals(qs)
	m.form = buildForm(qs, m.vals, m.formWidth())
	m.formIdx, m.formKind, m.formNow = i, stageFix, now
	m.screen = ScreenForm
	return m, m.initForm()
}

// initForm starts a fresh form and gives it the space under the header.
func (m *Wizard) initForm() tea.Cmd {
	m.form = m.form.WithTheme(formTheme())
	cmd := m.form.Init()
	fm, c2 := m.form.Update(m.formSize())
	m.form = fm.(*huh.Form)
	return tea.Batch(cmd, c2)
}

func (m *Wizard) formSize() tea.WindowSizeMsg {
	w, h := m.size()
	return tea.WindowSizeMsg{Width: w, Height: max(5, h-6)}
}

func (m *Wizard) startSuppress(i int) (tea.Model, tea.Cmd) {
	// the reason is asked next; any non-empty one plans the same write
	cs, err := audit.SuppressEdit(m.snap, m.rep.Findings[i], m.rep.Findings, "(asked next)")
	if err == nil {
		err = m.writable(cs)
	}
	if err != nil {
		m.status = "cannot suppress: " + err.Error()
		return m, nil
	}
	m.vals = newSuppressVals()
	m.form = buildSuppressForm(m.vals, m.formWidth())
	m.formIdx, m.formKind, m.formNow = i, stageSuppress, false
	m.screen = ScreenForm
	return m, m.initForm()
}

func (m *Wizard) formWidth() int {
	if m.w <= 0 {
		return 76
	}
	return max(30, min(m.w-4, 100))
}

// stageFix plans the fix with the answers and queues it; false (with a
// status) when the plan fails.
func (m *Wizard) stageFix(i int, a model.Answers) bool {
	f := m.rep.Findings[i]
	pl, err := fix.Plan(m.snap, f, a, fix.WithDefaults)
	if err != nil {
		m.status = "cannot fix " + f.CheckID + ": " + err.Error()
		return false
	}
	ans, cs := pl.Answers, pl.Changes
	if cs.Empty() {
		m.status = f.CheckID + ": nothing to change in the files (" + oneLine(f.Remediation) + ")"
		return false
	}
	m.stage[i] = &staged{kind: stageFix, answers: ans, cs: cs}
	m.status = "staged " + f.CheckID + " (" + plural(len(m.stage), "change") + " staged; w reviews)"
	return true
}

// writable refuses a suppression the review would refuse (a config that
// could not be read, a managed config, an edit that does not apply) when it
// is asked for, not after the operator has staged it and gone to review.
// It renders the change as the review does; no audit runs, as a suppression
// claims no fix.
func (m *Wizard) writable(cs model.ChangeSet) error {
	_, err := remediate.Prepare(context.Background(), m.snap, cs, nil)
	return err
}

func (m *Wizard) stageSuppression(i int, reason string) {
	f := m.rep.Findings[i]
	cs, err := audit.SuppressEdit(m.snap, f, m.rep.Findings, reason)
	if err == nil {
		err = m.writable(cs)
	}
	if err != nil {
		m.status = "cannot suppress: " + err.Error()
		return
	}
	m.stage[i] = &staged{kind: stageSuppress, reason: reason, cs: cs}
	m.status = "staged suppression of " + f.CheckID + " (w reviews)"
}

func (m *Wizard) updateForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	fm, cmd := m.form.Update(msg)
	m.form = fm.(*huh.Form)
	switch m.form.State {
	case huh.StateAborted:
		m.form = nil
		m.screen = ScreenFindings
		m.status = "cancelled; nothing staged"
		return m, nil
	case huh.StateCompleted:
		m.form = nil
		m.screen = ScreenFindings
		if m.formKind == stageSuppress {
			m.stageSuppression(m.formIdx, strings.TrimSpace(*m.vals.str["reason"]))
			return m, nil
		}
		if !m.stageFix(m.formIdx, m.vals.answers()) {
			return m, nil
		}
		if m.formNow {
			return m.startReview()
		}
		return m, nil
	}
	return m, cmd
}

func (m *Wizard) viewForm(w int) string {
	f := m.rep.Findings[m.formIdx]
	var title string
	if m.formKind == stageSuppress {
		title = "Suppress: " + f.CheckID
	} else {
		title = "Fix: " + fixLabel(f)
	}
	var b strings.Builder
	b.WriteString(m.header(w) + "\n")
	b.WriteString(trunc(stTitle.Render(title), w) + "\n")
	b.WriteString(trunc(badge(f.Severity)+" "+f.Title, w) + "\n\n")
	if m.form != nil {
		b.WriteString(m.form.View() + "\n")
	}
	b.WriteString(stDim.Render(trunc("esc back (nothing staged) · ctrl+c quit", w)))
	return b.String()
}

// focusMark marks the focused Yes/No button in a form, so the focus shows
// without colour (NO_COLOR drops the button's background).
const focusMark = "▸"

// formTheme is huh's default theme with the focused button marked by a
// character as well as by colour; the other button gets the same width.
func formTheme() *huh.Theme {
	t := huh.ThemeCharm()
	for _, st := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		st.FocusedButton = st.FocusedButton.Transform(func(s string) string { return focusMark + " " + s })
		st.BlurredButton = st.BlurredButton.Transform(func(s string) string { return "  " + s })
	}
	return t
}
