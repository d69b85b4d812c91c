package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hardshell/hardshell/model"
)

// The findings screen: the list by tier, the detail pane, the filter and
// the help.

// findingsScreen is the findings screen's state.
type findingsScreen struct {
	visible  []int // indices into rep.Findings after the filter
	cursor   int   // index into visible
	offset   int   // first visible row of the list
	filter   textinput.Model
	filterOn bool
	help     bool

	helpPane pager      // the key help, scrolled when the window is short
	helpText string     // what helpPane holds
	detail   detailPane // the selected finding's detail pane
}

// applyFilter lists the findings the filter matches and keeps the cursor
// on finding keep (an index into rep.Findings) while it is listed; -1 or
// a finding filtered out leaves the cursor where it is, within the list.
func (m *Wizard) applyFilter(keep int) {
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
	for p, i := range m.visible {
		if i == keep && keep >= 0 {
			m.cursor = p
			return
		}
	}
	if m.cursor >= len(m.visible) {
		m.cursor = max(0, len(m.visible)-1)
	}
}

// clearFilter shows every finding again, the selected one still selected.
func (m *Wizard) clearFilter() {
	keep, _ := m.current()
	m.filter.SetValue("")
	m.applyFilter(keep)
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
			m.clearFilter()
		default:
			keep, _ := m.current()
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			m.cursor, m.offset = 0, 0
			m.applyFilter(keep)
			return m, cmd
		}
		return m, nil
	}
	if m.help {
		switch k.String() {
		case "q":
			return m.leave(true)
		default:
			if !m.helpPane.key(k.String()) {
				m.help = false
			}
		}
		return m, nil
	}
	m.status = ""
	if m.detail.focused {
		switch k.String() {
		case "tab", "esc":
			m.detail.focused = false
			return m, nil
		}
		if m.detail.pg.key(k.String()) {
			return m, nil
		}
	}
	if move(k.String(), &m.cursor, len(m.visible), 10) {
		return m, nil
	}
	switch k.String() {
	case "q":
		return m.leave(true)
	case "esc":
		if m.filter.Value() != "" {
			m.clearFilter()
			return m, nil
		}
		return m.leave(false)
	case "tab":
		m.detail.focus()
	case "?":
		m.help, m.helpText = true, ""
	case "/":
		m.filterOn = true
		return m, m.filter.Focus()
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

// row is one line of the findings list: a tier heading or a finding.
type row struct {
	tier    model.Tier
	heading bool
	pos     int // index into visible
}

func (m *Wizard) rows() []row {
	var out []row
	tier := model.Tier(-1)
	for p, i := range m.visible {
		f := m.rep.Findings[i]
		if f.Priority != tier {
			tier = f.Priority
			out = append(out, row{tier: tier, heading: true})
		}
		out = append(out, row{tier: tier, pos: p})
	}
	return out
}

func (m *Wizard) viewFindings(w, h int) string {
	var top strings.Builder
	top.WriteString(m.header(w) + "\n")
	st := counts(m.rep.Summary)
	if n := len(m.stage); n > 0 {
		st += " · " + stStatusOK.Render(plural(n, "change")+" staged")
	}
	if n := len(m.rep.SuppressedFindings); n > 0 {
		st += stDim.Render(fmt.Sprintf(" · %d suppressed", n))
	}
	top.WriteString(trunc(st, w))
	if v := verdictLine(m.rep); v != "" {
		top.WriteString("\n" + trunc(v, w))
	}
	if m.filterOn || m.filter.Value() != "" {
		top.WriteString("\n" + trunc(m.filter.View()+stDim.Render(fmt.Sprintf("  %d match", len(m.visible))), w))
	}
	topS := top.String()
	footer := m.footer(w)
	bodyH := h - lipgloss.Height(topS) - lipgloss.Height(footer)
	if bodyH < 4 {
		bodyH = 4
	}

	if len(m.rep.Findings) == 0 {
		return topS + "\n" + padLines(wrap("\n"+noFindings(), w), bodyH) + "\n" + footer
	}
	body := listAndDetail(w, bodyH, 9, m.viewList, m.viewDetail)
	return topS + "\n" + body + "\n" + footer
}

func (m *Wizard) viewList(w, h int) string {
	rows := m.rows()
	if len(rows) == 0 {
		return stDim.Render("no finding matches the filter")
	}
	// the cursor's row
	cur := 0
	for r, rw := range rows {
		if !rw.heading && rw.pos == m.cursor {
			cur = r
		}
	}
	// keep the tier heading above the cursor visible when possible
	if cur < m.offset+1 {
		m.offset = max(0, cur-1)
	}
	if cur >= m.offset+h {
		m.offset = cur - h + 1
	}
	var out []string
	for r := m.offset; r < len(rows) && len(out) < h; r++ {
		rw := rows[r]
		if rw.heading {
			out = append(out, trunc(stTier.Render(fmt.Sprintf("%d. %s", int(rw.tier), rw.tier.Name()))+stDim.Render(tierVerdicts(m.rep, rw.tier)), w))
			continue
		}
		i := m.visible[rw.pos]
		f := m.rep.Findings[i]
		mark := " "
		if s, ok := m.stage[i]; ok {
			mark = stStatusOK.Render("●")
			if s.kind == stageSuppress {
				mark = stStatusOK.Render("S")
			}
		}
		cur := " "
		if rw.pos == m.cursor {
			cur = stCursor.Render("›")
		}
		title := f.Title
		if rw.pos == m.cursor {
			title = stCursor.Render(f.Title)
		}
		line := cur + mark + " " + badge(f.Severity) + " " + title
		out = append(out, trunc(line, w))
	}
	return strings.Join(out, "\n")
}

func (m *Wizard) viewDetail(w, h int) string {
	i, f := m.current()
	if f == nil {
		return ""
	}
	sd := m.opts.StateDir
	if m.snap != nil {
		sd = m.snap.Target.StateDir
	}
	var b strings.Builder
	b.WriteString(badge(f.Severity) + " " + stTitle.Render(f.Title) + "\n")
	meta := f.CheckID
	if loc := f.Location(); loc != "" {
		meta += " · " + relText(sd, relPath(sd, f.File))
		if f.Line > 0 {
			meta += fmt.Sprintf(":%d", f.Line)
		}
	}
	b.WriteString(stDim.Render(meta) + "\n")
	if s, ok := m.stage[i]; ok {
		if s.kind == stageSuppress {
			b.WriteString(stStatusOK.Render("Staged: suppress ("+s.reason+")") + "\n")
		} else {
			b.WriteString(stStatusOK.Render("Staged for the next write") + "\n")
		}
	}
	b.WriteString(stLabel.Render("Fix: ") + fixLabel(*f) + "\n")
	if f.Breaks != "" {
		b.WriteString(stLabel.Render("May break: ") + f.Breaks + "\n")
	}
	if f.Detail != "" {
		b.WriteString(relText(sd, strings.TrimRight(f.Detail, "\n")) + "\n")
	}
	if f.Why != "" {
		b.WriteString(stLabel.Render("Why it matters: ") + f.Why + "\n")
	}
	text := wrap(strings.TrimRight(b.String(), "\n"), w)
	return m.detail.view(text, w, h)
}

func (m *Wizard) footer(w int) string {
	if m.status != "" {
		return trunc(stStatusOK.Render(m.status), w)
	}
	keys := "↑↓/jk move · enter fix · space stage · s suppress · w review · / filter · ? help · q quit"
	if w < 100 {
		keys = "enter fix · space stage · s suppress · w review · / filter · ? help · q quit"
	}
	return trunc(stDim.Render(keys), w)
}

func (m *Wizard) viewHelp(w, h int) string {
	lines := []string{
		m.header(w), "",
		stTitle.Render("Keys"), "",
		"  ↑/↓, j/k      move between findings (pgup/pgdown, g/G jump)",
		"  enter         fix the finding now: answer its questions, then review the diff",
		"  space         stage the finding (answer its questions) to write several fixes at once;",
		"                space on a staged finding unstages it",
		"  s             suppress the finding with a reason (security.audit.suppressions)",
		"  w             review and write everything staged",
		"  /             filter by check id or title (esc clears)",
		"  tab           read the rest of a long detail pane (↑↓ pgup/pgdn home/end; tab back)",
		"  ?             this help",
		"  esc           go back (clears the filter first)",
		"  q             quit — quitting never writes",
		"", stTitle.Render("In a form"), "",
		"  enter next/submit · tab/shift+tab move · esc back · ctrl+c quit",
		"", stTitle.Render("In the review"), "",
		"  y write (a backup is made first) · n/esc back · ↑↓ pgup/pgdn home/end scroll",
		"", stDim.Render("Score: 100 − 10 per critical − 3 per warn − 1 per info, floor 0, at most 59 while a"),
		stDim.Render("critical is open. A high score does not mean the gateway is secure (docs/score.md)."),
	}
	text := wrap(strings.Join(lines[1:], "\n"), w)
	if text != m.helpText {
		m.helpText = text
		m.helpPane.setSize(w, max(1, h-2))
		m.helpPane.setContent(text)
	}
	m.helpPane.setSize(w, max(1, h-2))
	foot := "Press any other key to close this help."
	if hn := m.helpPane.hint(); hn != "" {
		foot = hn + " · any other key closes this help"
	}
	return lines[0] + "\n" + m.helpPane.view() + "\n" + trunc(stDim.Render(foot), w)
}
