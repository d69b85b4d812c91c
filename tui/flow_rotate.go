package tui

import (
	"context"
	"fmt"
	"path/filepath"
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
	pane diffPane // the review diff, scrolled

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
	s := fmt.Sprintf("Rotated the %s %s: new value in %s; backup %s.",
		m.info.Target, m.info.Kind, m.info.NewLocation, m.opts.undoText(m.set.ID))
	if m.verify != nil && !m.verify.OK() {
		s += " Restart the gateway, then run: " + m.opts.command("rotate", string(m.info.Target), "--verify")
	}
	return s
}

func (m *rotateModel) plan(t rotate.Target) tea.Cmd {
	o, home := m.opts, m.home
	if home == "" && o.Remote != nil {
		home = o.Remote.Home
	}
	return func() tea.Msg {
		s, err := o.Load()
		if err != nil {
			return rotatePlannedMsg{err: err}
		}
		cs, info, err := rotate.Plan(s, t, rotate.Options{Home: home, Getenv: o.getenv()})
		if err != nil {
			return rotatePlannedMsg{err: err}
		}
		p, err := rotate.Prepare(context.Background(), s, cs, info, o.Validate)
		return rotatePlannedMsg{snap: s, info: info, prep: p, err: err}
	}
}

func (m *rotateModel) commit() tea.Cmd {
	p, info, ver := m.prep, m.info, m.opts.ToolVersion
	var vo rotate.VerifyOptions
	if m.opts.Remote != nil {
		vo.Dial = m.opts.Remote.Dial // the remote's loopback, never this machine's
	}
	return func() tea.Msg {
		set, err := p.Txn.Commit(remediate.BackupMeta{Command: "rotate " + string(info.Target), ToolVersion: ver})
		if err != nil {
			return rotateDoneMsg{err: err}
		}
		return rotateDoneMsg{set: set, v: rotate.Verify(context.Background(), info, vo)}
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
			m.diff = msg.prep.Diff() // masks the old and new secrets: rotate.Plan registered them
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
		k := msg.String()
		if cmd, ok := busyOrQuit(m.working, k); ok {
			return m, cmd
		}
		switch {
		case m.set != nil: // done screen
			return m, doneKey(k)
		case m.prep != nil: // review
			if m.pane.key(k) {
				return m, nil
			}
			return m, reviewKey(k, &m.working, m.commit, func() { m.prep, m.diff = nil, "" })
		default: // choose
			if cmd, ok := listKey(k, &m.cursor, len(rotateTargets)); ok {
				return m, cmd
			}
			if k == "enter" {
				m.working, m.err = true, nil
				return m, m.plan(rotateTargets[m.cursor])
			}
		}
	}
	return m, nil
}

func (m *rotateModel) View() string {
	w := screenWidth(m.w)
	var b strings.Builder
	writeHead(&b, "Rotate tokens", "Error: ", m.err, w)
	switch {
	case m.working:
		b.WriteString("Working…\n")
	case m.set != nil:
		b.WriteString(stOK.Render(fmt.Sprintf("New %s %s written to %s.", m.info.Target, m.info.Kind, relText(m.opts.StateDir, m.info.NewLocation))) + "\n")
		b.WriteString(wrap("Backup "+m.opts.undoText(m.set.ID), w) + "\n\n")
		b.WriteString(manualText(m.info.Manual, w))
		if m.info.Target != rotate.Remote {
			label := "Restart the gateway"
			if m.opts.Remote != nil {
				label += " (on " + m.opts.Remote.Dest + ")"
			}
			b.WriteString(stLabel.Render(label) + "\n")
			for _, r := range m.info.Restart {
				b.WriteString(trunc("  "+r, w) + "\n")
			}
		}
		b.WriteString(stLabel.Render("Update the clients elsewhere") + "\n")
		for _, r := range m.info.Remote {
			b.WriteString(wrap("  - "+r, w) + "\n")
		}
		b.WriteString("\n" + verificationText(m.opts, m.verify, m.info, w))
		b.WriteString(helpLine(doneHelp))
	case m.prep != nil:
		b.WriteString(wrap(fmt.Sprintf("The %s %s (%s, kept as %s). New value (%s) goes to %s.",
			m.info.Target, m.info.Kind, m.info.Path, m.info.Form, model.Mask(m.info.New), relText(m.opts.StateDir, m.info.NewLocation)), w) + "\n\n")
		b.WriteString(m.pane.view(m.diff, w, m.h, 12) + "\n")
		for _, c := range m.info.Chmodded {
			b.WriteString(wrap("chmod "+relText(m.opts.StateDir, c.Path)+": "+c.Why, w) + "\n")
		}
		for _, n := range m.info.Notes {
			b.WriteString(wrap("note: "+n, w) + "\n")
		}
		b.WriteString(manualText(m.info.Manual, w))
		b.WriteString("\n" + keyHints("y", "write", "n/esc", "cancel") + "\n")
	default:
		b.WriteString("Which secret?\n")
		for i, t := range rotateTargets {
			line := map[rotate.Target]string{
				rotate.Gateway: "gateway  — gateway.auth.token (or .password)",
				rotate.Hooks:   "hooks    — hooks.token",
				rotate.Remote:  "remote   — gateway.remote.token/.password on this client",
			}[t]
			b.WriteString(cursorRow(line, i == m.cursor, w))
		}
		b.WriteString(helpLine("↑/↓ choose · enter review · esc back · q quit"))
	}
	return endScreen(&b, m.h)
}

// manualText lists the changes outside the state dir to make by hand.
func manualText(steps []rotate.Manual, w int) string {
	if len(steps) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(stLabel.Render("Change by hand (outside the state dir hardshell changes nothing)") + "\n")
	for _, m := range steps {
		b.WriteString(wrap("  "+filepath.Base(m.Path)+", "+m.Where+": "+m.Holds, w) + "\n")
		b.WriteString(wrap("    in "+m.Path, w) + "\n")
		b.WriteString(wrap("    → "+m.Do, w) + "\n")
	}
	return b.String()
}

func verificationText(o Options, v *rotate.Verification, info rotate.Info, w int) string {
	verify := o.command("rotate", string(info.Target), "--verify")
	switch {
	case v == nil:
		return ""
	case v.Skipped != "":
		return wrap("Live check skipped: "+v.Skipped, w)
	case !v.Reachable():
		return wrap(fmt.Sprintf("Gateway not reachable on %s; restart it and run: %s", v.Addr, verify), w)
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
		b.WriteString(wrap("Not verified yet: restart the gateway, then run: "+verify, w))
	}
	return b.String()
}
