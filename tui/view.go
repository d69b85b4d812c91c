package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

func (m *Wizard) size() (int, int) {
	if m.w <= 0 || m.h <= 0 {
		return 80, 24
	}
	return m.w, m.h
}

func (m *Wizard) View() string {
	w, h := m.size()
	var s string
	switch m.screen {
	case ScreenScan:
		s = m.viewScan(w)
	case ScreenFindings:
		if m.help {
			s = m.viewHelp(w)
		} else {
			s = m.viewFindings(w, h)
		}
	case ScreenForm:
		s = m.viewForm(w)
	case ScreenReview:
		s = m.viewReview(w)
	case ScreenDone:
		s = m.viewDone(w)
	}
	return padLines(s, h)
}

func (m *Wizard) header(w int) string {
	left := stTitle.Render("hardshell") + stDim.Render(" — "+m.opts.label())
	return trunc(left, w)
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

// counts is the header line: severity counts and score.
func counts(s audit.Summary) string {
	return fmt.Sprintf("%s %d · %s %d · %s %d · score %d/100",
		stCrit.Render("CRITICAL"), s.Critical, stWarn.Render("WARN"), s.Warn, stInfo.Render("INFO"), s.Info, s.Score())
}

// verdictLine is the checks' totals and the hardening index; an audit that
// could not judge some checks says so.
func verdictLine(r *audit.Report) string {
	if r == nil || len(r.Checks) == 0 {
		return ""
	}
	t := r.Verdicts.Totals
	s := fmt.Sprintf("checks: %d passed · %d failed · %d unknown · hardening index %d/100", t.Passed, t.Failed, t.Unknown, r.Verdicts.HardeningIndex)
	if !r.Verdicts.Complete {
		s += " " + stWarn.Render("(incomplete)")
	}
	return stDim.Render(s)
}

// tierVerdicts is a tier heading's totals.
func tierVerdicts(r *audit.Report, tier model.Tier) string {
	if r == nil {
		return ""
	}
	for _, t := range r.Verdicts.Tiers {
		if t.Tier == tier {
			return fmt.Sprintf("  %d passed · %d failed · %d unknown", t.Passed, t.Failed, t.Unknown)
		}
	}
	return ""
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
		body := "\n" + stOK.Render("No findings.") + " " + stDim.Render("A clean audit covers hardshell's checks only; it does not prove the gateway is secure.")
		return topS + "\n" + padLines(wrap(body, w), bodyH) + "\n" + footer
	}

	wide := w >= 120
	var listW, listH, detW, detH int
	if wide {
		listW = w * 11 / 20
		detW = w - listW - 1
		listH, detH = bodyH, bodyH
	} else {
		listW, detW = w, w
		listH = max(3, bodyH*9/20)
		detH = bodyH - listH - 1
	}
	list := m.viewList(listW, listH)
	det := m.viewDetail(detW, detH)
	var body string
	if wide {
		sep := strings.TrimRight(strings.Repeat("│\n", bodyH), "\n")
		body = lipgloss.JoinHorizontal(lipgloss.Top,
			lipgloss.NewStyle().Width(listW).Render(padLines(list, listH)),
			stDim.Render(sep),
			" "+strings.ReplaceAll(padLines(det, detH), "\n", "\n "))
	} else {
		body = padLines(list, listH) + "\n" + stDim.Render(strings.Repeat("─", w)) + "\n" + padLines(det, detH)
	}
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

// fixLabel is the fix the finding carries: its title and kind as they
// apply to this config, or the manual remediation.
func fixLabel(f model.Finding) string {
	if f.FixTitle == "" {
		return "manual: " + f.Remediation
	}
	return f.FixTitle + " (" + string(f.Fix) + ")"
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
	return clipLines(wrap(strings.TrimRight(b.String(), "\n"), w), h)
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

func (m *Wizard) viewHelp(w int) string {
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
		"  ?             this help",
		"  esc           go back (clears the filter first)",
		"  q             quit — quitting never writes",
		"", stTitle.Render("In a form"), "",
		"  enter next/submit · tab/shift+tab move · esc back · ctrl+c quit",
		"", stTitle.Render("In the review"), "",
		"  y write (a backup is made first) · n/esc back · ↑/↓ pgup/pgdown scroll",
		"", stDim.Render("Score: 100 − 10 per critical − 3 per warn − 1 per info, floor 0, at most 59 while a"),
		stDim.Render("critical is open. A high score does not mean the gateway is secure (docs/score.md)."),
		"", stDim.Render("Press any key to close this help."),
	}
	for i := range lines {
		lines[i] = trunc(lines[i], w)
	}
	return strings.Join(lines, "\n")
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

func (m *Wizard) viewReview(w int) string {
	var b strings.Builder
	b.WriteString(m.header(w) + "\n")
	ids := m.stagedIDs()
	b.WriteString(trunc(stTitle.Render("Review "+plural(len(m.stage), "staged change")+": ")+strings.Join(ids, ", "), w) + "\n")
	switch {
	case m.preparing:
		b.WriteString(m.spin.View() + " Rendering the change and re-auditing the candidate…\n")
		return b.String()
	case m.writing:
		b.WriteString(padLines(m.vp.View(), m.vp.Height) + "\n")
		b.WriteString(m.spin.View() + " Writing (backup first)…")
		return b.String()
	}
	b.WriteString(padLines(m.vp.View(), m.vp.Height) + "\n")
	var keys string
	if m.prepErr != nil {
		keys = "esc back"
	} else {
		keys = stKey.Render("y") + " write · " + stKey.Render("n/esc") + " back · ↑↓ scroll"
		if m.vp.TotalLineCount() > m.vp.Height {
			keys += fmt.Sprintf(" · %d%%", int(m.vp.ScrollPercent()*100))
		}
	}
	b.WriteString(trunc(keys, w))
	return b.String()
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

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
