package tui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/access/act"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// AccessFlow is `hardshell access` in the wizard: who can reach the bot
// (approved senders and where each comes from, pending pairing requests,
// paired and pending devices), and the actions on them — approve or reject
// a request, revoke a sender, reject or remove a device — each shown as a
// reviewed change, written with a backup (row-level in the 2026.9 state
// DB) and undoable with hardshell restore.
type AccessFlow struct{}

func (AccessFlow) Name() string { return "Access review" }
func (AccessFlow) Description() string {
	return "See who can talk to the bot and which devices and nodes are paired (config, pairing store, 2026.9 state DB); " +
		"approve or reject pairing requests, revoke senders, remove devices, each with a backup."
}
func (AccessFlow) Start(o Options) tea.Model { return &accessModel{opts: o, working: true} }

// accessItem is one row of the list and the action enter takes on it (x:
// the alternative, reject, on a pending request).
type accessItem struct {
	line   string
	action access.Action
	alt    *access.Action
}

type accessModel struct {
	opts    Options
	cursor  int
	err     error
	w, h    int
	working bool

	snap   *model.Snapshot
	review *access.Review
	items  []accessItem
	plan   *access.Plan
	set    *remediate.BackupSet
	did    string
}

type accessLoadedMsg struct {
	snap *model.Snapshot
	r    *access.Review
	err  error
}

type accessDoneMsg struct {
	set *remediate.BackupSet
	err error
}

func (m *accessModel) Init() tea.Cmd { return m.load() }

// Summary is printed after the program exits.
func (m *accessModel) Summary() string {
	if m.set == nil {
		return ""
	}
	return fmt.Sprintf("Access: %s; backup %s.", m.did, m.opts.undoText(m.set.ID))
}

func (m *accessModel) load() tea.Cmd {
	o := m.opts
	return func() tea.Msg {
		s, err := o.Load()
		if err != nil {
			return accessLoadedMsg{err: err}
		}
		r := access.Load(s, access.Options{})
		if r.DB != nil && r.DB.Err != nil {
			return accessLoadedMsg{err: r.DB.Err}
		}
		return accessLoadedMsg{snap: s, r: r}
	}
}

func accessItems(r *access.Review) []accessItem {
	var out []accessItem
	for _, c := range r.Channels {
		acct := ""
		if c.Account != "default" {
			acct = c.Account
		}
		for _, s := range c.Senders {
			if s.Source != access.SourceStore {
				continue
			}
			out = append(out, accessItem{line: fmt.Sprintf("%-10s sender %s  (pairing store) — enter: revoke", c.Name(), s.ID),
				action: access.Action{Kind: access.Revoke, Channel: c.Channel, Sender: s.ID, Account: acct}})
		}
		for _, p := range c.Pending {
			who := p.ID
			if u := p.Meta["username"]; u != "" {
				who += " @" + u
			}
			state := "asked " + access.Age(r.Now.Sub(p.CreatedAt)) + " ago"
			if p.Expired {
				state += ", expired"
			}
			rej := access.Action{Kind: access.Reject, Channel: c.Channel, Code: p.Code, Account: acct}
			out = append(out, accessItem{line: fmt.Sprintf("%-10s request %s %s (%s) — enter: approve · x: reject", c.Name(), p.Code, who, state),
				action: access.Action{Kind: access.Approve, Channel: c.Channel, Code: p.Code, Account: acct}, alt: &rej})
		}
	}
	for _, d := range r.Devices.Pending {
		out = append(out, accessItem{line: fmt.Sprintf("device request %s %s %s [%s] — enter: reject", access.ShortID(d.RequestID), d.Role, d.ClientID, strings.Join(d.Scopes, ",")),
			action: access.Action{Kind: access.DeviceReject, Device: d.RequestID}})
	}
	for _, d := range r.Devices.Paired {
		seen := "never seen"
		if !d.LastSeen.IsZero() {
			seen = "seen " + access.Age(r.Now.Sub(d.LastSeen)) + " ago"
		}
		out = append(out, accessItem{line: fmt.Sprintf("paired %s %s (%s, %s) — enter: remove", d.Role, d.Title(), access.ShortID(d.DeviceID), seen),
			action: access.Action{Kind: access.DeviceRemove, Device: d.DeviceID}})
	}
	return out
}

func (m *accessModel) resolve(a access.Action) {
	p, err := m.review.Resolve(a)
	m.err = err
	if err == nil {
		m.plan = p
	}
}

func (m *accessModel) commit() tea.Cmd {
	s, r, p, ver := m.snap, m.review, m.plan, m.opts.ToolVersion
	return func() tea.Msg {
		set, err := act.Apply(context.Background(), s, r, p, act.ApplyOptions{ToolVersion: ver, Now: s.Now})
		return accessDoneMsg{set: set, err: err}
	}
}

func (m *accessModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case accessLoadedMsg:
		m.working = false
		m.err = msg.err
		if msg.err == nil {
			m.snap, m.review, m.items = msg.snap, msg.r, accessItems(msg.r)
			if m.cursor >= len(m.items) {
				m.cursor = max(len(m.items)-1, 0)
			}
		}
	case accessDoneMsg:
		m.working = false
		if msg.err != nil {
			m.err, m.plan = msg.err, nil
			return m, nil
		}
		m.set, m.did, m.plan = msg.set, m.plan.Summary, nil
	case tea.KeyMsg:
		k := msg.String()
		if cmd, ok := busyOrQuit(m.working, k); ok {
			return m, cmd
		}
		switch {
		case m.set != nil: // done: back to the list, reloaded
			if k == "enter" || k == "esc" || k == "backspace" {
				m.set, m.working = nil, true
				return m, m.load()
			}
		case m.plan != nil: // review
			return m, reviewKey(k, &m.working, m.commit, func() { m.plan = nil })
		default:
			if cmd, ok := listKey(k, &m.cursor, len(m.items)); ok {
				return m, cmd
			}
			if len(m.items) == 0 || m.review == nil {
				return m, nil
			}
			it := m.items[m.cursor]
			switch {
			case k == "enter":
				m.resolve(it.action)
			case k == "x" && it.alt != nil:
				m.resolve(*it.alt)
			}
		}
	}
	return m, nil
}

func (m *accessModel) View() string {
	w := screenWidth(m.w)
	var b strings.Builder
	writeHead(&b, "Access review", "Error: ", m.err, w)
	switch {
	case m.working:
		b.WriteString("Working…\n")
	case m.set != nil:
		b.WriteString(stOK.Render("Done: "+m.did+".") + "\n")
		b.WriteString(wrap("Backup "+m.opts.undoText(m.set.ID), w) + "\n")
		b.WriteString(helpLine("enter back to the list · q quit"))
	case m.plan != nil:
		b.WriteString(wrap(m.plan.Summary+":", w) + "\n\n")
		for _, st := range m.plan.Steps {
			b.WriteString(wrap("  "+st.Store+": "+st.What, w) + "\n")
		}
		b.WriteString("\n" + wrap("Written with a backup of exactly what changes; a running gateway sees it on its next pairing check.", w) + "\n")
		b.WriteString("\n" + keyHints("y", "write", "n/esc", "cancel") + "\n")
	case m.review != nil:
		r := m.review
		for _, c := range r.Channels {
			cfg := 0
			for _, s := range c.Senders {
				if s.Source == access.SourceConfig {
					cfg++
				}
			}
			b.WriteString(trunc(fmt.Sprintf("%s — DMs %s, groups %s, %d sender(s) in the config", c.Name(), orNone(c.DMPolicy), orNone(c.GroupPolicy), cfg), w) + "\n")
		}
		b.WriteString(trunc(fmt.Sprintf("%d paired device(s), %d pending; %d exec approval(s)", len(r.Devices.Paired), len(r.Devices.Pending), len(r.ExecApprovals)), w) + "\n\n")
		if len(m.items) == 0 {
			b.WriteString("Nothing to approve, revoke or remove.\n")
		}
		for i, it := range m.items {
			b.WriteString(cursorRow(it.line, i == m.cursor, w))
		}
		b.WriteString(helpLine("↑/↓ choose · enter act · x reject request · esc back · q quit"))
	}
	return endScreen(&b, m.h)
}

func orNone(s string) string {
	if s == "" {
		return "(not configured)"
	}
	return s
}

// accessRelated reports a finding about who may reach the gateway — DM
// and pairing findings of a channel, device pairings, exec "allow always",
// the state DB — from which the findings screen opens the Access review
// (key a).
func accessRelated(checkID string) bool {
	switch {
	case strings.HasPrefix(checkID, "channels.") && (strings.Contains(checkID, ".dm.") || strings.Contains(checkID, ".pairing.")):
		return true
	case strings.HasPrefix(checkID, "gateway.devices."), strings.HasPrefix(checkID, "fs.state_db."), checkID == audit.IDToolsExecAllowAlwaysEntries:
		return true
	}
	return false
}
