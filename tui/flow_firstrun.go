package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/baseline"
)

// FirstRunFlow is the first-run hardening pass (issue 7, part 1): choose
// each agent's access profile from the guide's three examples, then review
// every safe fix and every guided fix with its safe default, tier by tier
// (1→5), as one diff, and write it once. `hardshell harden` is the same
// plan without questions.
type FirstRunFlow struct{}

func (FirstRunFlow) Name() string { return "First-run hardening" }
func (FirstRunFlow) Description() string {
	return "Choose each agent's access profile (personal: full access · family/work: sandbox + read-only tools · " +
		"public: sandbox, no filesystem/shell), then fix tiers 1–5 of the guide's checklist with safe defaults — " +
		"one reviewed diff, one backup, one write."
}
func (FirstRunFlow) Start(o Options) tea.Model { return &firstRunModel{opts: o} }

var profileCycle = []baseline.Profile{baseline.Personal, baseline.ReadOnly, baseline.Public}

type firstRunModel struct {
	opts Options
	w, h int
	err  error

	loaded   bool
	snap     *model.Snapshot
	agents   []string
	profiles map[string]baseline.Profile
	cursor   int

	working bool
	plan    *baseline.FirstRun
	prep    *remediate.Prepared
	pane    diffPane // the review diff, scrolled
	ids     []string
	planned bool

	set   *remediate.BackupSet
	after *audit.Report
}

type firstRunLoadedMsg struct {
	snap *model.Snapshot
	err  error
}

type firstRunPlannedMsg struct {
	plan *baseline.FirstRun
	prep *remediate.Prepared
	ids  []string
	err  error
}

type firstRunDoneMsg struct {
	set   *remediate.BackupSet
	after *audit.Report
	err   error
}

func (m *firstRunModel) Init() tea.Cmd {
	o := m.opts
	return func() tea.Msg {
		s, err := o.Load()
		if err == nil && s.Doc == nil {
			err = fmt.Errorf("no readable config at %s (write one with the secure-baseline flow): %v", s.Target.ConfigPath, s.DocErr)
		}
		return firstRunLoadedMsg{snap: s, err: err}
	}
}

// Summary is printed after the program exits.
func (m *firstRunModel) Summary() string {
	if m.set == nil {
		return ""
	}
	return "First-run hardening written; backup " + m.opts.undoText(m.set.ID) + ". Next: " + m.opts.command("rules") + "."
}

func (m *firstRunModel) planCmd() tea.Cmd {
	s, profiles, validate := m.snap, m.profiles, m.opts.Validate
	return func() tea.Msg {
		ctx := context.Background()
		fr, err := baseline.PlanFirstRun(ctx, s, profiles, model.TierPlugins, nil)
		if err != nil {
			return firstRunPlannedMsg{err: err}
		}
		p, ids, err := fr.Prepare(ctx, s, validate)
		return firstRunPlannedMsg{plan: fr, prep: p, ids: ids, err: err}
	}
}

func (m *firstRunModel) commitCmd() tea.Cmd {
	p, ids, o := m.prep, m.ids, m.opts
	return func() tea.Msg {
		set, err := p.Txn.Commit(remediate.BackupMeta{Command: "harden (wizard)", CheckIDs: ids, ToolVersion: o.ToolVersion})
		if err != nil {
			return firstRunDoneMsg{err: err}
		}
		s, err := o.Load()
		if err != nil {
			return firstRunDoneMsg{set: set, err: err}
		}
		rep, err := o.scan(context.Background(), s, nil)
		return firstRunDoneMsg{set: set, after: rep, err: err}
	}
}

func (m *firstRunModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case firstRunLoadedMsg:
		m.loaded, m.err = true, msg.err
		if msg.err == nil {
			m.snap = msg.snap
			m.profiles = baseline.AgentProfiles(msg.snap.Doc)
			for _, a := range msg.snap.Doc.Agents() {
				m.agents = append(m.agents, a.ID)
			}
		}
	case firstRunPlannedMsg:
		m.working = false
		m.err = msg.err
		if msg.err == nil {
			m.plan, m.prep, m.ids, m.planned = msg.plan, msg.prep, msg.ids, true
		}
	case firstRunDoneMsg:
		m.working = false
		m.err = msg.err
		m.set, m.after = msg.set, msg.after
	case tea.KeyMsg:
		k := msg.String()
		if cmd, ok := busyOrQuit(m.working, k); ok {
			return m, cmd
		}
		switch {
		case m.set != nil || (m.loaded && m.snap == nil): // done, or nothing to do
			return m, doneKey(k)
		case m.planned: // review
			commit := m.commitCmd
			if m.prep == nil {
				commit = nil // nothing to write
			}
			if m.pane.key(k) {
				return m, nil
			}
			return m, reviewKey(k, &m.working, commit, func() { m.planned, m.plan, m.prep = false, nil, nil })
		case m.loaded: // profiles
			if cmd, ok := listKey(k, &m.cursor, len(m.agents)); ok {
				return m, cmd
			}
			switch k {
			case " ", "right", "l", "left", "h":
				id := m.agents[m.cursor]
				i := indexOf(profileCycle, m.profiles[id])
				m.profiles[id] = profileCycle[cycle(i, len(profileCycle), k == "left" || k == "h")]
			case "enter":
				m.working, m.err = true, nil
				return m, m.planCmd()
			}
		}
	}
	return m, nil
}

func indexOf(l []baseline.Profile, p baseline.Profile) int {
	for i, x := range l {
		if x == p {
			return i
		}
	}
	return 0
}

func (m *firstRunModel) View() string {
	w := screenWidth(m.w)
	var b strings.Builder
	writeHead(&b, "First-run hardening", "Error: ", m.err, w)
	switch {
	case !m.loaded || m.working:
		b.WriteString("Working…\n")
	case m.set != nil:
		b.WriteString(stOK.Render("Written in one change.") + "\n")
		b.WriteString(wrap("Backup "+m.opts.undoText(m.set.ID), w) + "\n")
		if m.after != nil {
			b.WriteString(fmt.Sprintf("before: %d critical · %d warn → after: %d critical · %d warn\n",
				m.plan.Audit.Summary.Critical, m.plan.Audit.Summary.Warn, m.after.Summary.Critical, m.after.Summary.Warn))
		}
		b.WriteString(wrap("Next: restart the gateway (openclaw gateway restart) and run hardshell rules to add the guide's security rules to each agent's AGENTS.md.", w) + "\n")
		b.WriteString(helpLine(doneHelp))
	case m.snap == nil:
		b.WriteString(stDim.Render(doneHelp) + "\n")
	case m.planned:
		m.viewReview(&b, w)
	default:
		b.WriteString("1. Access profile for each agent (the guide's per-agent examples):\n\n")
		for i, id := range m.agents {
			b.WriteString(cursorRow(fmt.Sprintf("%-12s %s", id, m.profiles[id].Describe()), i == m.cursor, w))
		}
		b.WriteString("\n" + wrap("2. Then tiers 1–5 of the checklist: every safe fix, and every guided fix with its safe default, reviewed as one diff.", w) + "\n")
		b.WriteString(helpLine("↑/↓ agent · space/←/→ profile · enter review · esc back · q quit"))
	}
	return endScreen(&b, m.h)
}

func (m *firstRunModel) viewReview(b *strings.Builder, w int) {
	tier := model.Tier(0)
	for _, st := range m.plan.Steps {
		if !slices.Contains(m.ids, st.Finding.CheckID) {
			continue
		}
		if st.Finding.Priority != tier {
			tier = st.Finding.Priority
			b.WriteString(stLabel.Render(fmt.Sprintf("Tier %d — %s", tier, tier.Name())) + "\n")
		}
		b.WriteString(trunc(fmt.Sprintf("  [%s] %s — %s", st.Finding.Severity, st.Finding.CheckID, st.Title), w) + "\n")
	}
	if m.prep == nil {
		b.WriteString("\nNothing to change.\n")
	} else {
		b.WriteString("\n" + m.pane.view(m.prep.Diff(), w, m.h, 14+len(m.ids)) + "\n")
	}
	for _, l := range m.plan.Left {
		b.WriteString(trunc(stDim.Render("left: "+l), w) + "\n")
	}
	if m.prep != nil {
		b.WriteString("\n" + keyHints("y", "write once", "n/esc", "back to profiles") + "\n")
	} else {
		b.WriteString(helpLine("n/esc back · q quit"))
	}
}
