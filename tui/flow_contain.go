package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/contain"
)

// ContainFlow is `hardshell contain` in the wizard: choose how hard to
// freeze DMs and groups and how far back to look, review the masked
// containment diff, write it in one backed-up transaction, then see the
// evidence counts, the report paths, the before/after audit and the steps
// to do by hand (restart, clients, provider credentials).
type ContainFlow struct {
	// LogDir holds the gateway's daily logs ("" = contain.DefaultLogDir).
	LogDir string
}

func (ContainFlow) Name() string { return "Incident containment" }
func (ContainFlow) Description() string {
	return "For when you think the gateway was abused: loopback only, Tailscale and mDNS off, risky DMs and open groups frozen, " +
		"every \"*\" removed, elevated and high-risk tools off, gateway/hooks secrets rotated; then the transcripts and log " +
		"of the window are reviewed and a redacted incident report is written. One backup set, one restore command."
}
func (f ContainFlow) Start(o Options) tea.Model { return &containModel{opts: o, logDir: f.LogDir} }

// containChoice is one setting on the first screen.
type containChoice struct {
	label  string
	values []string
	help   []string
	pick   int
}

type containModel struct {
	opts    Options
	logDir  string
	cursor  int
	choices []containChoice
	err     error
	w, h    int
	working bool

	snap   *model.Snapshot
	before *audit.Report
	cs     model.ChangeSet
	prep   *remediate.Prepared
	diff   string
	pane   diffPane // the review diff, scrolled

	set      *remediate.BackupSet
	rep      *contain.Report
	md, json string
}

func newContainChoices() []containChoice {
	return []containChoice{
		{label: "Risky DMs", values: []string{contain.DMDisabled, contain.DMPairing},
			help: []string{"disabled — no DMs at all until you re-open them", "pairing — new senders need your approval; approved ones keep working"}},
		{label: "Open groups", values: []string{contain.GroupsAllowlist, contain.GroupsDisabled},
			help: []string{"allowlist — listed groups only, mention required", "disabled — no group messages at all"}},
		{label: "Review since", values: []string{"24h", "72h", "168h"},
			help: []string{"the last 24 hours", "the last 3 days", "the last 7 days"}},
	}
}

type containPlannedMsg struct {
	snap   *model.Snapshot
	before *audit.Report
	cs     model.ChangeSet
	prep   *remediate.Prepared
	err    error
}

type containDoneMsg struct {
	set      *remediate.BackupSet
	rep      *contain.Report
	md, json string
	err      error
}

func (m *containModel) Init() tea.Cmd { return nil }

func (m *containModel) options() contain.Options {
	return contain.Options{DM: m.choices[0].values[m.choices[0].pick], Groups: m.choices[1].values[m.choices[1].pick], Getenv: m.opts.getenv()}
}

func (m *containModel) now() time.Time {
	if m.opts.Now != nil {
		return m.opts.Now().UTC()
	}
	return time.Now().UTC()
}

// Summary is printed after the program exits.
func (m *containModel) Summary() string {
	if m.rep == nil {
		return ""
	}
	s := "Contained " + m.rep.StateDir
	if m.set != nil {
		s += "; backup " + m.opts.undoText(m.set.ID)
	}
	return s + ". Incident report: " + m.opts.where(m.md) + " and " + m.opts.where(m.json) + ". Restart the gateway: " + m.opts.onTarget("openclaw gateway restart")
}

func (m *containModel) plan() tea.Cmd {
	o, opts := m.opts, m.options()
	return func() tea.Msg {
		s, err := o.Load()
		if err != nil {
			return containPlannedMsg{err: err}
		}
		before, err := o.scan(context.Background(), s, nil)
		if err != nil {
			return containPlannedMsg{err: err}
		}
		// the plan and Prepare read the audit just run, as `hardshell
		// contain` does, instead of each auditing the snapshot again
		opts.Before = before
		cs, err := contain.Plan(s, opts)
		if err != nil {
			return containPlannedMsg{err: err}
		}
		p, err := remediate.PrepareWith(context.Background(), remediate.PrepareInput{Snapshot: s, Before: before, Changes: cs, Validate: o.Validate})
		return containPlannedMsg{snap: s, before: before, cs: cs, prep: p, err: err}
	}
}

func (m *containModel) commit() tea.Cmd {
	o, p, s, cs, before, opts, logDir := m.opts, m.prep, m.snap, m.cs, m.before, m.options(), m.logDir
	now := m.now()
	d, _ := time.ParseDuration(m.choices[2].values[m.choices[2].pick])
	return func() tea.Msg {
		set, err := p.Txn.Commit(remediate.BackupMeta{Command: "contain", CheckIDs: p.Fixed, ToolVersion: o.ToolVersion})
		if err != nil {
			return containDoneMsg{err: err}
		}
		after := before
		if s2, err := o.Load(); err == nil {
			if r, err := o.scan(context.Background(), s2, nil); err == nil {
				after = r
			}
		}
		fin := contain.FinishInput{Before: s, Changes: cs, Options: opts, AuditBefore: before, AuditAfter: after,
			Since: now.Add(-d), Now: now, Scan: contain.ScanOptions{LogDir: logDir, Command: o.command}}
		if o.Remote != nil {
			fin.Host, fin.Scan.Zone = o.Remote.Host, o.Remote.Zone
		}
		if set != nil {
			fin.BackupID = set.ID
		}
		rep, md, js, err := contain.Finish(fin)
		return containDoneMsg{set: set, rep: rep, md: md, json: js, err: err}
	}
}

func (m *containModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.choices == nil {
		m.choices = newContainChoices()
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case containPlannedMsg:
		m.working = false
		m.err = msg.err
		if msg.err == nil {
			m.snap, m.before, m.cs, m.prep = msg.snap, msg.before, msg.cs, msg.prep
			m.diff = msg.prep.Diff()
		}
	case containDoneMsg:
		m.working = false
		m.prep = nil
		if msg.err != nil && msg.rep == nil {
			m.err = msg.err
			return m, nil
		}
		m.err = msg.err
		m.set, m.rep, m.md, m.json = msg.set, msg.rep, msg.md, msg.json
	case tea.KeyMsg:
		k := msg.String()
		if cmd, ok := busyOrQuit(m.working, k); ok {
			return m, cmd
		}
		switch {
		case m.rep != nil: // done
			return m, doneKey(k)
		case m.prep != nil: // review
			if m.pane.key(k) {
				return m, nil
			}
			return m, reviewKey(k, &m.working, m.commit, func() { m.prep, m.diff = nil, "" })
		default: // settings
			if cmd, ok := listKey(k, &m.cursor, len(m.choices)); ok {
				return m, cmd
			}
			switch k {
			case "left", "h", "right", "l", " ":
				c := &m.choices[m.cursor]
				c.pick = cycle(c.pick, len(c.values), false)
			case "enter":
				m.working, m.err = true, nil
				return m, m.plan()
			}
		}
	}
	return m, nil
}

func (m *containModel) View() string {
	if m.choices == nil {
		m.choices = newContainChoices()
	}
	w := screenWidth(m.w)
	var b strings.Builder
	writeHead(&b, "Incident containment", "Error: ", maskErr(m.err), w)
	switch {
	case m.working:
		b.WriteString("Working…\n")
	case m.rep != nil:
		b.WriteString(stOK.Render("Contained.") + "\n")
		if m.set != nil {
			b.WriteString(wrap("Backup "+m.opts.undoText(m.set.ID), w) + "\n")
		}
		ev := m.rep.Evidence
		b.WriteString(wrap(fmt.Sprintf("Evidence since %s: %d risky tool call(s), %d message send(s), %d extension(s) changed, %d transcript(s) reviewed.",
			m.rep.Window[0].Format(time.RFC3339), len(ev.ToolCalls), len(ev.Sends), len(ev.Extensions), len(ev.Transcripts)), w) + "\n")
		b.WriteString(wrap(fmt.Sprintf("Audit: %d critical · %d warn before → %d critical · %d warn after.",
			m.rep.AuditBefore.Critical, m.rep.AuditBefore.Warn, m.rep.AuditAfter.Critical, m.rep.AuditAfter.Warn), w) + "\n")
		if u := m.rep.AuditAfter.Urgent; len(u) > 0 {
			b.WriteString(wrap("Still urgent: "+strings.Join(u, ", "), w) + "\n")
		}
		b.WriteString(wrap("Report: "+relText(m.opts.StateDir, m.md), w) + "\n\n")
		label := "Now, by hand"
		if m.opts.Remote != nil {
			label += " (on " + m.opts.Remote.Dest + ")"
		}
		b.WriteString(stLabel.Render(label) + "\n")
		steps := m.rep.NextSteps
		if m.h > 0 {
			steps = steps[:min(len(steps), max(m.h-16, 3))]
		}
		for _, s := range steps {
			b.WriteString(trunc("  - "+relText(m.opts.StateDir, model.MaskText(s)), w) + "\n")
		}
		b.WriteString(helpLine(doneHelp))
	case m.prep != nil:
		b.WriteString(wrap(fmt.Sprintf("%d change(s); %d finding(s) verified fixed by the candidate audit.", len(contain.ChangesOf(m.cs)), len(m.prep.Fixed)), w) + "\n\n")
		b.WriteString(m.pane.view(m.diff, w, m.h, 10) + "\n")
		b.WriteString("\n" + keyHints("y", "contain now", "n/esc", "back") + "\n")
	default:
		b.WriteString(wrap("Lock the gateway down, rotate its secrets, review the evidence and write an incident report.", w) + "\n\n")
		for i, c := range m.choices {
			b.WriteString(cursorRow(fmt.Sprintf("%-13s %s", c.label, c.help[c.pick]), i == m.cursor, w))
		}
		b.WriteString(helpLine("↑/↓ choose · ←/→ change · enter review · esc back · q quit"))
	}
	return endScreen(&b, m.h)
}

// maskErr is err with any secret in its text masked, for the screen (nil
// stays nil): a failed write can quote the config it was writing.
func maskErr(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(model.MaskText(err.Error()))
}
