package tui

import (
	"context"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// The review screen: the staged changes rendered as one diff, re-audited,
// written on y.

// reviewScreen is the review screen's state.
type reviewScreen struct {
	vp        pager // the diff and what the write does
	preparing bool
	prepared  *remediate.Prepared
	prepErr   error
	writing   bool
}

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
	m.vp.setContent("")
	// the report the findings were staged from is the audit of snap:
	// Prepare judges the claimed fixes against it instead of auditing again
	snap, before, validate := m.snap, m.rep, m.opts.Validate
	return m, tea.Batch(m.spin.Tick, func() tea.Msg {
		p, err := remediate.PrepareWith(context.Background(), remediate.PrepareInput{Snapshot: snap, Before: before, Changes: cs, Validate: validate})
		return preparedMsg{p: p, err: err}
	})
}

func (m *Wizard) layoutViewport() {
	w, h := m.w, m.h
	if w <= 0 {
		w, h = 80, 24
	}
	m.vp.setSize(w, max(3, h-4))
}

func (m *Wizard) setReviewContent() {
	var b strings.Builder
	if m.prepErr != nil {
		b.WriteString(stErr.Render("Nothing was written.") + "\n")
		b.WriteString(wrap(m.prepErr.Error(), max(20, m.vp.vp.Width-2)) + "\n\n")
		b.WriteString("Press esc to go back and change the staged fixes.\n")
		m.vp.setContent(b.String())
		return
	}
	p := m.prepared
	diff := ""
	if d := p.Diff(); d != "" {
		diff = colorDiffWrapped(d, m.vp.vp.Width) + "\n"
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
			b.WriteString("  " + m.opts.step(a) + "\n")
		}
	}
	if len(p.Fixed) > 0 {
		b.WriteString("\n" + stOK.Render("Fixes (verified by re-auditing the candidate): "+strings.Join(p.Fixed, ", ")) + "\n")
	}
	m.vp.setContent(diff + wrap(strings.TrimRight(b.String(), "\n"), m.vp.vp.Width))
}

func (m *Wizard) updateReview(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if m.writing {
		return m, nil
	}
	switch k.String() {
	case "q":
		return m.leave(true)
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
		m.before, m.beforeRep = m.rep.Summary, m.rep
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
	m.vp.key(k.String())
	return m, nil
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
		b.WriteString(m.vp.view() + "\n")
		b.WriteString(m.spin.View() + " Writing (backup first)…")
		return b.String()
	}
	b.WriteString(m.vp.view() + "\n")
	var keys string
	if m.prepErr != nil {
		keys = "esc back"
	} else {
		keys = stKey.Render("y") + " write · " + stKey.Render("n/esc") + " back"
		if h := m.vp.hint(); h != "" {
			keys += " · " + h
		}
	}
	b.WriteString(trunc(keys, w))
	return b.String()
}
