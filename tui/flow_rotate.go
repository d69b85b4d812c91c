package tui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/rotate"
)

// RotateFlow is `hardshell rotate` in the wizard: choose the secret, review
// the masked change (config, .env, service units and plists that bake the
// old secret in), write it in one backed-up transaction, then see the
// restart commands, the clients to update and the live loopback check.
type RotateFlow struct {
	// Home is the OS home whose service definitions are scanned ("" = the
	// process's home).
	Home string
}

func (RotateFlow) Name() string { return "Rotate tokens" }
func (RotateFlow) Description() string {
	return "Generate a new gateway, hooks or remote secret in the form the config uses (literal, ${VAR} in .env, SecretRef), " +
		"update the systemd units and launchd plists that bake the old one in, and check live that the old one is refused."
}
func (f RotateFlow) Start(o Options) tea.Model { return &rotateModel{opts: o, home: f.Home} }

var rotateTargets = []rotate.Target{rotate.Gateway, rotate.Hooks, rotate.Remote}

type rotateModel struct {
	opts   Options
	home   string
	cursor int
	err    error
	w, h   int

	// review
	snap *model.Snapshot
	info rotate.Info
	prep *remediate.Prepared
	diff string

	working bool
	set     *remediate.BackupSet
	verify  *rotate.Verification
}

type rotatePlannedMsg struct {
	snap *model.Snapshot
	info rotate.Info
	prep *remediate.Prepared
	err  error
}

type rotateDoneMsg struct {
	set *remediate.BackupSet
	v   rotate.Verification
	err error
}

func (m *rotateModel) Init() tea.Cmd { return nil }

// Summary is printed after the program exits.
func (m *rotateModel) Summary() string {
	if m.set == nil {
		return ""
	}
	s := fmt.Sprintf("Rotated the %s %s: new value in %s; backup %s (undo: hardshell restore %s).",
		m.info.Target, m.info.Kind, m.info.NewLocation, m.set.ID, m.set.ID)
	if m.verify != nil && !m.verify.OK() {
		s += fmt.Sprintf(" Restart the gateway, then run: hardshell rotate %s --verify", m.info.Target)
	}
	return s
}

func (m *rotateModel) plan(t rotate.Target) tea.Cmd {
	o, home := m.opts, m.home
	return func() tea.Msg {
		s, err := o.Load()
		if err != nil {
			return rotatePlannedMsg{err: err}
		}
		cs, info, err := rotate.Plan(s, t, rotate.Options{Home: home})
		if err != nil {
			return rotatePlannedMsg{err: err}
		}
		p, err := rotate.Prepare(context.Background(), s, cs, info, o.Validate)
		return rotatePlannedMsg{snap: s, info: info, prep: p, err: err}
	}
}

func (m *rotateModel) commit() tea.Cmd {
	p, info, ver := m.prep, m.info, m.opts.ToolVersion
	return func() tea.Msg {
		set, err := p.Txn.Commit(remediate.BackupMeta{Command: "rotate " + string(info.Target), ToolVersion: ver})
		if err != nil {
			return rotateDoneMsg{err: err}
		}
		return rotateDoneMsg{set: set, v: rotate.Verify(context.Background(), info, rotate.VerifyOptions{})}
	}
}

func (m *rotateModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case rotatePlannedMsg:
		m.working = false
		m.err = msg.err
		if msg.err == nil {
			m.snap, m.info, m.prep = msg.snap, msg.info, msg.prep
			m.diff = rotate.MaskText(msg.prep.Diff(), msg.info)
		}
	case rotateDoneMsg:
		m.working = false
		if msg.err != nil {
			m.err = msg.err
			m.prep = nil
			return m, nil
		}
		m.set, m.verify = msg.set, &msg.v
	case tea.KeyMsg:
		if m.working {
			return m, nil
		}
		k := msg.String()
		switch {
		case m.set != nil: // done screen
			switch k {
			case "q":
				return m, tea.Quit
			case "esc", "enter", "backspace":
				return m, Back
			}
		case m.prep != nil: // review
			switch k {
			case "y":
				m.working = true
				return m, m.commit()
			case "n", "esc":
				m.prep, m.diff = nil, ""
			case "q":
				return m, tea.Quit
			}
		default: // choose
			switch k {
			case "q":
				return m, tea.Quit
			case "esc", "backspace":
				return m, Back
			case "up", "k":
				if m.cursor > 0 {
					m.cursor--
				}
			case "down", "j":
				if m.cursor < len(rotateTargets)-1 {
					m.cursor++
				}
			case "enter":
				m.working, m.err = true, nil
				return m, m.plan(rotateTargets[m.cursor])
			}
		}
	}
	return m, nil
}

func (m *rotateModel) View() string {
	w := m.w
	if w <= 0 {
		w = 80
	}
	var b strings.Builder
	b.WriteString(stTitle.Render("Rotate tokens") + "\n\n")
	if m.err != nil {
		b.WriteString(stErr.Render("Error: ") + wrap(m.err.Error(), w-8) + "\n\n")
	}
	switch {
	case m.working:
		b.WriteString("Working…\n")
	case m.set != nil:
		b.WriteString(stOK.Render(fmt.Sprintf("New %s %s written to %s.", m.info.Target, m.info.Kind, relText(m.opts.StateDir, m.info.NewLocation))) + "\n")
		b.WriteString(wrap("Backup "+m.set.ID+" (undo: hardshell restore "+m.set.ID+")", w) + "\n\n")
		if m.info.Target != rotate.Remote {
			b.WriteString(stLabel.Render("Restart the gateway") + "\n")
			for _, r := range m.info.Restart {
				b.WriteString(trunc("  "+r, w) + "\n")
			}
		}
		b.WriteString(stLabel.Render("Update the clients elsewhere") + "\n")
		for _, r := range m.info.Remote {
			b.WriteString(wrap("  - "+r, w) + "\n")
		}
		b.WriteString("\n" + verificationText(m.verify, m.info, w) + "\n")
		b.WriteString(stDim.Render("enter/esc back · q quit") + "\n")
	case m.prep != nil:
		b.WriteString(wrap(fmt.Sprintf("The %s %s (%s, kept as %s). New value (%s) goes to %s.",
			m.info.Target, m.info.Kind, m.info.Path, m.info.Form, model.Mask(m.info.New), relText(m.opts.StateDir, m.info.NewLocation)), w) + "\n\n")
		diff := colorDiff(m.diff)
		if m.h > 0 {
			diff = clipLines(diff, max(m.h-12, 5))
		}
		b.WriteString(diff + "\n")
		for _, c := range m.info.Chmodded {
			b.WriteString(wrap("chmod "+relText(m.opts.StateDir, c.Path)+": "+c.Why, w) + "\n")
		}
		for _, n := range m.info.Notes {
			b.WriteString(wrap("note: "+n, w) + "\n")
		}
		b.WriteString("\n" + stKey.Render("y") + " write · " + stKey.Render("n/esc") + " cancel\n")
	default:
		b.WriteString("Which secret?\n")
		for i, t := range rotateTargets {
			line := map[rotate.Target]string{
				rotate.Gateway: "gateway  — gateway.auth.token (or .password)",
				rotate.Hooks:   "hooks    — hooks.token",
				rotate.Remote:  "remote   — gateway.remote.token/.password on this client",
			}[t]
			if i == m.cursor {
				b.WriteString(stCursor.Render(trunc("› "+line, w)) + "\n")
			} else {
				b.WriteString(trunc("  "+line, w) + "\n")
			}
		}
		b.WriteString("\n" + stDim.Render("↑/↓ choose · enter review · esc back · q quit") + "\n")
	}
	out := strings.TrimRight(b.String(), "\n")
	if m.h > 0 {
		out = padLines(out, m.h)
	}
	return out
}

func verificationText(v *rotate.Verification, info rotate.Info, w int) string {
	switch {
	case v == nil:
		return ""
	case v.Skipped != "":
		return wrap("Live check skipped: "+v.Skipped, w)
	case !v.Reachable():
		return wrap(fmt.Sprintf("Gateway not reachable on %s; restart it and run `hardshell rotate %s --verify`.", v.Addr, info.Target), w)
	}
	var b strings.Builder
	b.WriteString(stLabel.Render("Live check on "+v.Addr) + "\n")
	for _, c := range v.Checks {
		mark := stOK.Render("ok  ")
		if !c.OK() {
			mark = stErr.Render("FAIL")
		}
		b.WriteString(trunc(fmt.Sprintf("  %s %s: %s (want %s)", mark, c.Label, c.Result.Verdict, c.Want), w) + "\n")
	}
	if v.OK() {
		b.WriteString(stOK.Render("Verified: the old " + info.Kind + " is refused and the new one accepted."))
	} else {
		b.WriteString(wrap(fmt.Sprintf("Not verified yet: restart the gateway, then run `hardshell rotate %s --verify`.", info.Target), w))
	}
	return b.String()
}
