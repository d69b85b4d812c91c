package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
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

type areaState struct {
	name     string
	done     bool
	findings int
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

// Wizard is the harden flow: scan → findings → form → review → done.
type Wizard struct {
	opts   Options
	screen Screen
	w, h   int

	// scan
	spin   spinner.Model
	areas  []areaState
	total  int
	done   int
	cancel context.CancelFunc
	err    error

	// findings
	snap     *model.Snapshot
	rep      *audit.Report
	visible  []int // indices into rep.Findings after the filter
	cursor   int   // index into visible
	offset   int   // first visible row of the list
	filter   textinput.Model
	filterOn bool
	help     bool
	stage    map[int]*staged
	status   string

	// form
	form     *huh.Form
	formIdx  int
	formKind stageKind
	formNow  bool // go to review when the form completes (enter) instead of back (space)
	vals     *formVals

	// review
	vp        viewport.Model
	preparing bool
	prepared  *remediate.Prepared
	prepErr   error
	writing   bool

	// done
	before  audit.Summary
	result  *committedMsg
	backups []string
}

// NewWizard returns the harden flow's model; Init starts the scan.
func NewWizard(o Options) *Wizard {
	sp := spinner.New()
	sp.Spinner = spinner.Line
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by id or title"
	ti.Width = 40
	return &Wizard{opts: o, spin: sp, filter: ti, stage: map[int]*staged{}, vp: viewport.New(80, 10)}
}

// Screen reports the current screen.
func (m *Wizard) Screen() Screen { return m.screen }

// Report is the latest audit report (nil while scanning).
func (m *Wizard) Report() *audit.Report { return m.rep }

// Summary lists the backups written, for printing after exit.
func (m *Wizard) Summary() string {
	if len(m.backups) == 0 {
		return "Nothing was written."
	}
	var b strings.Builder
	for _, id := range m.backups {
		fmt.Fprintf(&b, "Wrote changes; backup %s (undo: hardshell restore %s)\n", id, id)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (m *Wizard) Init() tea.Cmd {
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
			off := m.vp.YOffset
			m.setReviewContent()
			m.vp.SetYOffset(off)
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
		m.applyFilter()
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
	}

	switch m.screen {
	case ScreenScan:
		if k, ok := msg.(tea.KeyMsg); ok {
			switch k.String() {
			case "q":
				return m.quit()
			case "esc":
				return m.back()
			}
		}
	case ScreenFindings:
		return m.updateFindings(msg)
	case ScreenForm:
		return m.updateForm(msg)
	case ScreenReview:
		return m.updateReview(msg)
	case ScreenDone:
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
	}
	return m, nil
}

func (m *Wizard) onProgress(p audit.Progress) {
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

// ---- findings ----

func (m *Wizard) applyFilter() {
	m.visible = m.visible[:0]
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	for i, f := range m.rep.Findings {
		if q == "" || strings.Contains(strings.ToLower(f.CheckID+" "+f.Title), q) {
			m.visible = append(m.visible, i)
		}
	}
	// Stable order: tier, then the report's rank.
	sort.SliceStable(m.visible, func(a, b int) bool {
		return m.rep.Findings[m.visible[a]].Priority < m.rep.Findings[m.visible[b]].Priority
	})
	if m.cursor >= len(m.visible) {
		m.cursor = max(0, len(m.visible)-1)
	}
}

func (m *Wizard) current() (int, *model.Finding) {
	if m.rep == nil || m.cursor < 0 || m.cursor >= len(m.visible) {
		return -1, nil
	}
	i := m.visible[m.cursor]
	return i, &m.rep.Findings[i]
}

func (m *Wizard) updateFindings(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		if m.filterOn {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	if m.filterOn {
		switch k.String() {
		case "enter":
			m.filterOn = false
			m.filter.Blur()
		case "esc":
			m.filterOn = false
			m.filter.Blur()
			m.filter.SetValue("")
			m.applyFilter()
		default:
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			m.cursor, m.offset = 0, 0
			m.applyFilter()
			return m, cmd
		}
		return m, nil
	}
	if m.help {
		switch k.String() {
		case "q":
			return m.quit()
		default:
			m.help = false
		}
		return m, nil
	}
	m.status = ""
	switch k.String() {
	case "q":
		return m.quit()
	case "esc":
		if m.filter.Value() != "" {
			m.filter.SetValue("")
			m.applyFilter()
			return m, nil
		}
		return m.back()
	case "?":
		m.help = true
	case "/":
		m.filterOn = true
		return m, m.filter.Focus()
	case "up", "k":
		if m.cursor > 0 {
			m.cursor--
		}
	case "down", "j":
		if m.cursor < len(m.visible)-1 {
			m.cursor++
		}
	case "pgup":
		m.cursor = max(0, m.cursor-10)
	case "pgdown":
		m.cursor = min(len(m.visible)-1, m.cursor+10)
	case "home", "g":
		m.cursor = 0
	case "end", "G":
		m.cursor = max(0, len(m.visible)-1)
	case " ":
		i, f := m.current()
		if f == nil {
			return m, nil
		}
		if _, ok := m.stage[i]; ok {
			delete(m.stage, i)
			m.status = "unstaged " + f.CheckID
			return m, nil
		}
		return m.startFix(i, false)
	case "enter":
		i, f := m.current()
		if f == nil {
			return m, nil
		}
		if _, ok := m.stage[i]; ok {
			return m.startReview()
		}
		return m.startFix(i, true)
	case "w", "r":
		if len(m.stage) == 0 {
			m.status = "nothing staged: space stages a finding, enter fixes it now"
			return m, nil
		}
		return m.startReview()
	case "s":
		i, f := m.current()
		if f == nil {
			return m, nil
		}
		return m.startSuppress(i)
	case "a":
		if _, f := m.current(); f != nil && accessRelated(f.CheckID) {
			return m, func() tea.Msg { return SwitchMsg{Flow: AccessFlow{}} }
		}
	}
	return m, nil
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
	if _, err := audit.SuppressEdit(m.snap, m.rep.Findings[i], m.rep.Findings, ""); err != nil {
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

func (m *Wizard) stageSuppression(i int, reason string) {
	f := m.rep.Findings[i]
	e, err := audit.SuppressEdit(m.snap, f, m.rep.Findings, reason)
	if err != nil {
		m.status = "cannot suppress: " + err.Error()
		return
	}
	cs := model.ChangeSet{Edits: []model.Edit{e}}
	m.stage[i] = &staged{kind: stageSuppress, reason: reason, cs: cs}
	m.status = "staged suppression of " + f.CheckID + " (w reviews)"
}

// ---- form ----

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

// ---- review ----

func (m *Wizard) stagedOrder() []int {
	idx := make([]int, 0, len(m.stage))
	for i := range m.stage {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	return idx
}

func (m *Wizard) startReview() (tea.Model, tea.Cmd) {
	var cs model.ChangeSet
	for _, i := range m.stagedOrder() {
		cs.Merge(m.stage[i].cs)
	}
	m.screen = ScreenReview
	m.preparing = true
	m.prepared, m.prepErr = nil, nil
	m.layoutViewport()
	m.vp.SetContent("")
	snap, validate := m.snap, m.opts.Validate
	return m, tea.Batch(m.spin.Tick, func() tea.Msg {
		p, err := remediate.Prepare(context.Background(), snap, cs, validate)
		return preparedMsg{p: p, err: err}
	})
}

func (m *Wizard) layoutViewport() {
	w, h := m.w, m.h
	if w <= 0 {
		w, h = 80, 24
	}
	m.vp.Width = w
	m.vp.Height = max(3, h-4)
}

func (m *Wizard) setReviewContent() {
	var b strings.Builder
	if m.prepErr != nil {
		b.WriteString(stErr.Render("Nothing was written.") + "\n")
		b.WriteString(wrap(m.prepErr.Error(), max(20, m.vp.Width-2)) + "\n\n")
		b.WriteString("Press esc to go back and change the staged fixes.\n")
		m.vp.SetContent(b.String())
		m.vp.GotoTop()
		return
	}
	p := m.prepared
	diff := ""
	if d := p.Diff(); d != "" {
		diff = colorDiff(d) + "\n"
	}
	plan := p.Txn.Plan()
	var chmods, files []string
	for _, pc := range plan {
		if pc.Op == remediate.OpChmod {
			chmods = append(chmods, pc.String())
		} else {
			files = append(files, pc.String())
		}
	}
	if len(files) > 0 {
		b.WriteString("\n" + stLabel.Render("Files written:") + "\n")
		for _, l := range files {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(chmods) > 0 {
		b.WriteString("\n" + stLabel.Render("Permission changes:") + "\n")
		for _, l := range chmods {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(plan) == 0 {
		b.WriteString("Nothing to change: the files already hold this.\n")
	}
	if len(p.Changes.After) > 0 {
		b.WriteString("\n" + stLabel.Render("Run afterwards:") + "\n")
		for _, a := range p.Changes.After {
			b.WriteString("  " + a + "\n")
		}
	}
	if len(p.Fixed) > 0 {
		b.WriteString("\n" + stOK.Render("Fixes (verified by re-auditing the candidate): "+strings.Join(p.Fixed, ", ")) + "\n")
	}
	m.vp.SetContent(diff + wrap(strings.TrimRight(b.String(), "\n"), m.vp.Width))
	m.vp.GotoTop()
}

func (m *Wizard) updateReview(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		m.vp, cmd = m.vp.Update(msg)
		return m, cmd
	}
	if m.writing {
		return m, nil
	}
	switch k.String() {
	case "q":
		if m.preparing {
			return m.quit()
		}
		m.screen = ScreenFindings
		return m, nil
	case "n", "esc":
		m.screen = ScreenFindings
		m.status = "not written; staged changes kept"
		return m, nil
	case "enter":
		// Only y writes: an operator tapping enter through the form's
		// defaults must not write by accident.
		m.status = "press y to write, n to go back"
		return m, nil
	case "y":
		if m.preparing || m.prepared == nil {
			return m, nil
		}
		m.writing = true
		p := m.prepared
		ids := m.stagedIDs()
		o := m.opts
		m.before = m.rep.Summary
		return m, tea.Batch(m.spin.Tick, func() tea.Msg {
			set, err := p.Txn.Commit(remediate.BackupMeta{Command: "wizard", CheckIDs: ids, ToolVersion: o.ToolVersion})
			if err != nil && set == nil {
				return committedMsg{err: err}
			}
			res := committedMsg{set: set, err: err}
			snap, lerr := o.Load()
			if lerr != nil {
				res.err = lerr
				return res
			}
			rep, aerr := o.scan(context.Background(), snap, nil)
			if aerr != nil {
				res.err = aerr
				return res
			}
			res.snap, res.rep = snap, rep
			return res
		})
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

func (m *Wizard) stagedIDs() []string {
	var ids []string
	seen := map[string]bool{}
	for _, i := range m.stagedOrder() {
		id := m.rep.Findings[i].CheckID
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
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
