package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fleet"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
)

// FleetView walks a folder of per-host audit reports read-only: the hosts
// first, in the order fleet.Load ranks them (worst first; the tui does not
// rank again), then one host's findings with the selected one's detail in
// a pager. Every view goes through the run's redactor, as App's does.
type FleetView struct {
	opts Options
	f    *fleet.Fleet
	w, h int

	hostCur, hostOff int
	host             *fleet.Host // the open host (nil: the hosts screen)
	findCur, findOff int

	detail      detailPane
	status      string
	interrupted bool
}

// NewFleet shows f; o gives the redactor (nil = a new one).
func NewFleet(f *fleet.Fleet, o Options) *FleetView {
	return &FleetView{opts: o.withRedactor(), f: f, detail: detailPane{pg: newPager()}}
}

// Interrupted reports whether the operator left with ctrl+c.
func (m *FleetView) Interrupted() bool { return m.interrupted }

func (m *FleetView) Init() tea.Cmd { return nil }

func (m *FleetView) findings() []model.Finding {
	if m.host == nil || m.host.Report() == nil {
		return nil
	}
	return m.host.Report().Findings
}

func (m *FleetView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		return m, nil
	case tea.KeyMsg:
		k := msg.String()
		switch k {
		case "ctrl+c":
			m.interrupted = true
			return m, tea.Quit
		case "q":
			return m, tea.Quit
		}
		m.status = ""
		if m.host == nil {
			return m, m.hostsKey(k)
		}
		return m, m.findingsKey(k)
	}
	return m, nil
}

func (m *FleetView) hostsKey(k string) tea.Cmd {
	if move(k, &m.hostCur, len(m.f.Hosts), 10) {
		return nil
	}
	switch k {
	case "esc":
		return tea.Quit
	case "enter", "right", "l":
		if len(m.f.Hosts) == 0 {
			return nil
		}
		h := m.f.Hosts[m.hostCur]
		if h.Report() == nil {
			m.status = h.Host + " has no report to open (" + h.Status + ")"
			return nil
		}
		m.host, m.findCur, m.findOff = h, 0, 0
		m.detail.reset()
	}
	return nil
}

func (m *FleetView) findingsKey(k string) tea.Cmd {
	if m.detail.focused {
		switch k {
		case "tab", "esc":
			m.detail.focused = false
		default:
			m.detail.pg.key(k)
		}
		return nil
	}
	if move(k, &m.findCur, len(m.findings()), 10) {
		return nil
	}
	switch k {
	case "esc", "backspace", "left", "h":
		m.host = nil
	case "tab":
		m.detail.focus()
	}
	return nil
}

func (m *FleetView) size() (int, int) {
	if m.w <= 0 || m.h <= 0 {
		return 80, 24
	}
	return m.w, m.h
}

// View is the screen, masked by the run's redactor.
func (m *FleetView) View() string {
	w, h := m.size()
	var s string
	if m.host == nil {
		s = m.viewHosts(w, h)
	} else {
		s = m.viewHost(w, h)
	}
	return m.opts.Redactor.String(padLines(s, h))
}

// target is h's gateway as the flags that name it again: the host as
// Ansible reached it (--host, none when Ansible ran here) and the state dir
// its report names.
func target(h *fleet.Host) cmdline.Target {
	t := cmdline.Target{Host: h.Reach()}
	if h.Target != nil {
		t.StateDir = h.Target.StateDir
	}
	return t
}

// followUp is the command that looks at h again: an audit over SSH.
func (m *FleetView) followUp(h *fleet.Host) string { return target(h).Command("audit") }

// statusMark is a host's status as a word, coloured when it is not ok.
func statusMark(h *fleet.Host) string {
	switch h.Status {
	case "ok":
		return stOK.Render("ok")
	case "stale":
		return stWarn.Render("STALE")
	case "missing":
		return stErr.Render("MISSING")
	}
	return stErr.Render("UNREADABLE")
}

func (m *FleetView) viewHosts(w, h int) string {
	f := m.f
	var top []string
	top = append(top, trunc(stTitle.Render("hardshell fleet")+stDim.Render(" — "+f.Dir), w))
	reports := 0
	for _, x := range f.Hosts {
		if x.Report() != nil {
			reports++
		}
	}
	sum := fmt.Sprintf("%s · %s", plural(len(f.Hosts), "host"), plural(reports, "report"))
	for _, p := range []struct {
		n    int
		word string
	}{{len(f.Missing), "missing"}, {len(f.Stale), "stale"}, {len(f.Unreadable), "unreadable"}} {
		if p.n > 0 {
			sum += fmt.Sprintf(" · %d %s", p.n, p.word)
		}
	}
	top = append(top, trunc(sum+stDim.Render(" · worst first"), w))

	// the selected host's particulars, under the list
	var det []string
	if len(f.Hosts) > 0 {
		x := f.Hosts[m.hostCur]
		det = append(det, stLabel.Render("Host: ")+x.Host+"  "+statusMark(x))
		if x.Problem != "" {
			det = append(det, x.Problem)
		}
		if x.Report() != nil {
			var tiers []string
			for _, tc := range x.Tiers {
				if tc.Critical+tc.Warn > 0 {
					tiers = append(tiers, fmt.Sprintf("T%d %s %dc/%dw", tc.Tier, tc.Name, tc.Critical, tc.Warn))
				}
			}
			if len(tiers) > 0 {
				det = append(det, stDim.Render(strings.Join(tiers, " · ")))
			}
		}
		det = append(det, stLabel.Render("Look again: ")+m.followUp(x))
		if x.Report() != nil && x.Summary.Critical+x.Summary.Warn > 0 {
			det = append(det, stLabel.Render("Harden it: ")+target(x).Command())
		}
	} else {
		det = append(det, stDim.Render("No host reports in this folder (hardshell audit --json, one <host>.json per host; see ansible/)."))
	}
	detS := wrap(strings.Join(det, "\n"), w)
	footer := m.status
	if footer == "" {
		footer = stDim.Render("↑↓/jk move · g/G first/last · enter findings · q quit")
	} else {
		footer = stWarn.Render(footer)
	}
	footer = wrap(footer, w)

	nameW := 4
	for _, x := range f.Hosts {
		nameW = max(nameW, lipgloss.Width(x.Host))
	}
	nameW = min(nameW, max(8, w-36)) // CRIT WARN SCORE STATUS take 34 cells
	row := func(name, crit, warn, score, status string) string {
		name = trunc(name, nameW) // the whole name is under the list
		name += strings.Repeat(" ", nameW-lipgloss.Width(name))
		return fmt.Sprintf("%s  %4s  %4s  %5s  %s", name, crit, warn, score, status)
	}
	head := "  " + stDim.Render(row("HOST", "CRIT", "WARN", "SCORE", "STATUS"))

	listH := h - len(top) - 2 - lipgloss.Height(detS) - 1 - lipgloss.Height(footer)
	list := m.viewHostList(w, max(3, listH), row)
	out := strings.Join(top, "\n") + "\n\n" + head + "\n" + list +
		"\n" + stDim.Render(strings.Repeat("─", w)) + "\n" + detS
	return padLines(out, h-lipgloss.Height(footer)) + "\n" + footer
}

// viewHostList is the hosts' rows in h lines, scrolled to the cursor; when
// they do not all fit, the last line says which rows are shown.
func (m *FleetView) viewHostList(w, h int, row func(name, crit, warn, score, status string) string) string {
	hs := m.f.Hosts
	rows := h
	if len(hs) > h {
		rows = h - 1
	}
	m.hostOff = scrollTo(m.hostCur, m.hostOff, rows)
	var list []string
	for i := m.hostOff; i < len(hs) && len(list) < rows; i++ {
		x := hs[i]
		crit, warn, score := "-", "-", "-"
		if x.Report() != nil {
			crit, warn, score = fmt.Sprint(x.Summary.Critical), fmt.Sprint(x.Summary.Warn), fmt.Sprint(x.Summary.Score())
		}
		status := x.Status
		if i != m.hostCur {
			status = statusMark(x)
		}
		list = append(list, strings.TrimSuffix(cursorRow(row(x.Host, crit, warn, score, status), i == m.hostCur, w), "\n"))
	}
	out := padLines(strings.Join(list, "\n"), rows)
	if rows < h {
		out += "\n" + trunc(stDim.Render(fmt.Sprintf("  hosts %d–%d of %d · ↑↓ pgup/pgdn g/G", m.hostOff+1, m.hostOff+len(list), len(hs))), w)
	}
	return out
}

// scrollTo is the first row to show so that cur is among the rows shown.
func scrollTo(cur, off, rows int) int {
	if cur < off {
		off = cur
	}
	if cur >= off+rows {
		off = cur - rows + 1
	}
	return max(0, off)
}

func (m *FleetView) viewHost(w, h int) string {
	x := m.host
	rep := x.Report()
	var top []string
	top = append(top, trunc(stTitle.Render("hardshell fleet")+stDim.Render(" — ")+x.Host+"  "+statusMark(x), w))
	top = append(top, trunc(counts(x.Summary), w))
	if x.Problem != "" {
		top = append(top, wrap(stWarn.Render(x.Problem), w))
	}
	topS := strings.Join(top, "\n")
	keys := "↑↓/jk move · g/G first/last · tab read the detail · esc hosts · q quit"
	if m.detail.focused {
		keys = "↑↓ pgup/pgdn home/end scroll the detail · tab/esc back to the list · q quit"
	}
	footer := wrap(stDim.Render(keys), w)
	bodyH := max(6, h-lipgloss.Height(topS)-lipgloss.Height(footer))
	if len(rep.Findings) == 0 {
		return topS + "\n" + padLines(wrap(noFindings(), w), bodyH) + "\n" + footer
	}
	body := listAndDetail(w, bodyH, 8, m.viewFindingList, m.viewFindingDetail)
	return topS + "\n" + body + "\n" + footer
}

// viewFindingList is the open host's findings in the report's order (by
// tier, as the audit sorted them) under their tier's heading, one row
// each, scrolled to the cursor; when they do not all fit, the last line
// says which findings are shown.
func (m *FleetView) viewFindingList(w, h int) string {
	fs := m.findings()
	type listRow struct {
		heading bool
		tier    model.Tier
		i       int
	}
	var all []listRow
	cur := 0
	for i, f := range fs {
		if i == 0 || f.Priority != fs[i-1].Priority {
			all = append(all, listRow{heading: true, tier: f.Priority})
		}
		if i == m.findCur {
			cur = len(all)
		}
		all = append(all, listRow{tier: f.Priority, i: i})
	}
	rows := h
	if len(all) > h {
		rows = h - 1
	}
	// keep the cursor's tier heading in sight when it is just above
	if cur-1 < m.findOff && all[cur-1].heading {
		m.findOff = cur - 1
	}
	m.findOff = scrollTo(cur, m.findOff, rows)
	var out []string
	first, last := -1, -1
	for r := m.findOff; r < len(all) && len(out) < rows; r++ {
		rw := all[r]
		if rw.heading {
			out = append(out, trunc(stTier.Render(fmt.Sprintf("%d. %s", int(rw.tier), rw.tier.Name())), w))
			continue
		}
		if first < 0 {
			first = rw.i
		}
		last = rw.i
		f := fs[rw.i]
		line := "  " + badge(f.Severity) + " " + f.CheckID + " " + stDim.Render(f.Title)
		if rw.i == m.findCur {
			line = stCursor.Render("›") + " " + badge(f.Severity) + " " + stCursor.Render(f.CheckID) + " " + f.Title
		}
		out = append(out, trunc(line, w))
	}
	s := padLines(strings.Join(out, "\n"), rows)
	if rows < h {
		s += "\n" + trunc(stDim.Render(fmt.Sprintf("  findings %d–%d of %d", first+1, last+1, len(fs))), w)
	}
	return s
}

// viewFindingDetail is the selected finding in full: title, check id and
// place, detail, remediation and why it matters (from the check's
// declaration; the JSON report does not carry it), in a pager when longer
// than the pane.
func (m *FleetView) viewFindingDetail(w, h int) string {
	fs := m.findings()
	if m.findCur >= len(fs) {
		return ""
	}
	f := fs[m.findCur]
	sd := ""
	if m.host.Target != nil {
		sd = m.host.Target.StateDir
	}
	var b strings.Builder
	b.WriteString(badge(f.Severity) + " " + stTitle.Render(f.Title) + "\n")
	meta := f.CheckID + fmt.Sprintf(" · T%d %s", int(f.Priority), f.Priority.Name())
	if f.File != "" {
		meta += " · " + relText(sd, relPath(sd, f.Location()))
	}
	b.WriteString(stDim.Render(meta) + "\n")
	if f.Detail != "" {
		b.WriteString(relText(sd, strings.TrimRight(f.Detail, "\n")) + "\n")
	}
	if f.Remediation != "" {
		b.WriteString(stLabel.Render("Remediation: ") + f.Remediation + "\n")
	}
	if ck, ok := audit.Lookup(f.CheckID); ok && ck.Why != "" {
		b.WriteString(stLabel.Render("Why it matters: ") + ck.Why + "\n")
	}
	b.WriteString(stLabel.Render("Look again: ") + m.followUp(m.host) + "\n")
	text := wrap(strings.TrimRight(b.String(), "\n"), w)
	return m.detail.view(text, w, h)
}
