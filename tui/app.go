// Package tui is hardshell's interactive wizard (Bubble Tea v1 + huh): a
// start menu of flows, and the harden flow's screens — scan, findings,
// remediation form, review and done — plus the restore screen. One state
// machine per flow lives in its root model; sub-components (huh forms, the
// viewport, the filter input) are plain fields, rebuilt rather than reset.
package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/contain"
)

// Options configure the wizard. Load is required.
type Options struct {
	// StateDir is the OpenClaw state dir (for the restore screen and for
	// showing paths relative to it).
	StateDir string
	// ConfigPath is the config the target names: a restore may write in its
	// folder (remediate.RestoreRootsFor), which may lie outside StateDir.
	ConfigPath string
	// Load reads the snapshot (model.Load with the CLI's locate flags). It
	// is called for the first scan and again after every write.
	Load func() (*model.Snapshot, error)
	// LiveListeners makes the audit read what listens on the host
	// (audit.ReadLive over the target's file system), as `hardshell audit`
	// does; off in tests, whose output must not depend on the host.
	LiveListeners bool
	// Scan runs the audit; nil = audit.Run. progress may be nil.
	Scan func(ctx context.Context, s *model.Snapshot, progress func(audit.Progress)) (*audit.Report, error)
	// Validate checks a candidate before it is written (nil = none).
	Validate remediate.Validator
	// ToolVersion goes into backup manifests.
	ToolVersion string
	// TargetLabel names the target in the header; "" = the state dir.
	TargetLabel string
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Redactor masks every view before it reaches the terminal; the
	// snapshots Load returns add their secrets to it. nil = a new one.
	Redactor *model.Redactor
	// Command builds the hardshell commands the wizard prints for the
	// operator to run, acting on this target (cmdline.Target.Command); nil
	// = bare "hardshell ARGS".
	Command func(args ...string) string
	// Remote is the gateway's machine when it is not this one (--host);
	// nil = this machine.
	Remote *Remote
}

// Remote is what the flows that look beyond the config (containment,
// rotation) need to know of a gateway on another machine. Its files are
// already read through Options.Load's snapshot and written through the
// transactions' file system (remediate.UseFS); this is the rest.
type Remote struct {
	// Dest names the machine ("DEST" in "DEST:PATH" and "ssh -t DEST …").
	Dest string
	// SSH is the HARDSHELL_SSH_COMMAND the run reached it with ("" = ssh),
	// the start of the commands printed for it.
	SSH string
	// Home is its user's home (where the rotation looks for service files).
	Home string
	// Getenv is its environment (what the gateway there sees).
	Getenv func(string) (string, bool)
	// Dial reaches its loopback (the rotation's live check).
	Dial audit.DialFunc
	// Host describes it for the incident report.
	Host *contain.Host
	// Zone is its time zone (the dates of its daily logs); nil = unknown,
	// this machine's is used.
	Zone *time.Location
}

// where names a file of the target for the operator: "DEST:PATH" on a
// remote machine, PATH here.
func (o Options) where(path string) string {
	if o.Remote == nil {
		return path
	}
	return o.Remote.Dest + ":" + path
}

// getenv is the target's environment (nil = this process's).
func (o Options) getenv() func(string) (string, bool) {
	if o.Remote == nil {
		return nil
	}
	return o.Remote.Getenv
}

// machine is the target's machine as cmdline spells commands for it.
func (o Options) machine() cmdline.Target {
	if o.Remote == nil {
		return cmdline.Target{}
	}
	return cmdline.Target{Host: o.Remote.Dest, SSH: o.Remote.SSH}
}

// onTarget is a command line to run on the target's machine: over ssh for
// a remote one (cmdline.Target.OnHost).
func (o Options) onTarget(cmd string) string { return o.machine().OnHost(cmd) }

// step is a change's step for the operator afterwards as it runs on the
// target's machine (cmdline.Target.Step): unchanged for this machine.
func (o Options) step(a string) string { return o.machine().Step(a) }

// command is a hardshell command line for the operator to run on o's target.
func (o Options) command(args ...string) string {
	if o.Command != nil {
		return o.Command(args...)
	}
	return cmdline.Target{}.Command(args...)
}

// withRedactor gives o a redactor and makes Load feed it: every secret a
// loaded snapshot knows is masked on every screen from then on.
func (o Options) withRedactor() Options {
	if o.Redactor == nil {
		o.Redactor = model.NewRedactor()
	}
	red, load := o.Redactor, o.Load
	if load != nil {
		o.Load = func() (*model.Snapshot, error) {
			s, err := load()
			if s != nil && s.Redactor != red {
				red.Absorb(s.Redact())
				s.Redactor = red // what a flow registers later (a rotated token) lands here too
			}
			return s, err
		}
	}
	return o
}

func (o Options) scan(ctx context.Context, s *model.Snapshot, progress func(audit.Progress)) (*audit.Report, error) {
	if o.Scan != nil {
		return o.Scan(ctx, s, progress)
	}
	ao := audit.Options{Progress: progress, ToolVersion: o.ToolVersion, Now: o.Now}
	if o.LiveListeners {
		ao.Live = audit.ReadLive(audit.TargetFS(s), "")
	}
	return audit.Run(ctx, s, ao)
}

func (o Options) label() string {
	if o.TargetLabel != "" {
		return o.TargetLabel
	}
	return o.StateDir
}

// Flow is one entry of the start menu. Adding a flow is adding one value
// to the list given to NewApp.
type Flow interface {
	Name() string
	Description() string
	// Start returns the flow's model. It leaves the flow by returning the
	// Back command (to the menu) or tea.Quit.
	Start(o Options) tea.Model
}

// BackMsg asks the App to leave the active flow and show the menu again
// (or to quit when there is no menu).
type BackMsg struct{}

// Back is the command a flow returns to go back to the menu.
func Back() tea.Msg { return BackMsg{} }

// SwitchMsg asks the App to leave the active flow for another (the
// findings screen opens the Access review this way).
type SwitchMsg struct{ Flow Flow }

// Summarizer is implemented by flows that have something to print after
// the program exits (the alt screen hides anything printed while it runs).
type Summarizer interface{ Summary() string }

// DefaultFlows is the start menu: harden (default), incident containment
// and the baseline (pending, with the flows issue), rotate tokens, restore.
func DefaultFlows() []Flow {
	return []Flow{
		HardenFlow{},
		FirstRunFlow{},
		ContainFlow{},
		RotateFlow{},
		AccessFlow{},
		BaselineFlow{},
		RestoreFlow{},
	}
}

// App is the root model: the start menu and the active flow.
type App struct {
	opts    Options
	flows   []Flow
	cursor  int
	active  tea.Model
	noMenu  bool
	w, h    int
	summary []string
	// interrupted: the run ended with ctrl+c (the CLI exits 130).
	interrupted bool

	// the audit the menu runs on launch and after each flow
	audit    *menuAuditMsg // the last one finished
	auditing bool
	auditGen int
}

// menuAuditMsg is the start menu's background audit, done.
type menuAuditMsg struct {
	gen  int
	snap *model.Snapshot
	rep  *audit.Report
	err  error
}

// startAudit audits the target in the background, so the menu shows how
// bad it is as soon as that is known and the harden flow opens on the
// findings. A newer audit (after a flow wrote something) wins.
func (a *App) startAudit() tea.Cmd {
	if a.opts.Load == nil {
		return nil
	}
	a.auditGen++
	a.auditing = true
	gen, o := a.auditGen, a.opts
	return func() tea.Msg {
		snap, err := o.Load()
		if err != nil {
			return menuAuditMsg{gen: gen, err: err}
		}
		rep, err := o.scan(context.Background(), snap, nil)
		return menuAuditMsg{gen: gen, snap: snap, rep: rep, err: err}
	}
}

// NewApp starts on the menu of flows.
func NewApp(o Options, flows []Flow) *App { return &App{opts: o.withRedactor(), flows: flows} }

// NewHarden starts directly in the harden flow; leaving it quits (used by
// `hardshell demo`).
func NewHarden(o Options) *App {
	o = o.withRedactor()
	a := &App{opts: o, noMenu: true}
	a.active = HardenFlow{}.Start(o)
	return a
}

// Interrupted reports whether the operator left with ctrl+c; the CLI
// exits with status 130 then, as a shell does for an interrupted command.
func (a *App) Interrupted() bool { return a.interrupted }

// Active is the running flow's model (nil on the menu).
func (a *App) Active() tea.Model { return a.active }

// Summary is what to print after the program exits (masked).
func (a *App) Summary() string {
	out := ""
	for _, s := range a.summary {
		if s != "" {
			out += s + "\n"
		}
	}
	if s, ok := a.active.(Summarizer); ok && s.Summary() != "" {
		out += s.Summary() + "\n"
	}
	return a.opts.Redactor.String(out)
}

func (a *App) Init() tea.Cmd {
	if a.active != nil {
		return a.active.Init()
	}
	return a.startAudit()
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
	case menuAuditMsg:
		if msg.gen != a.auditGen {
			return a, nil
		}
		a.auditing = false
		a.audit = &msg
		if w, ok := a.active.(*Wizard); ok && w.given && w.rep == nil && w.err == nil {
			var cmd tea.Cmd
			a.active, cmd = w.Update(scanDoneMsg{snap: msg.snap, rep: msg.rep, err: msg.err})
			return a, cmd
		}
		return a, nil
	case SwitchMsg:
		if s, ok := a.active.(Summarizer); ok {
			a.summary = append(a.summary, s.Summary())
		}
		return a, a.start(msg.Flow)
	case BackMsg:
		if a.noMenu || a.active == nil {
			return a, tea.Quit
		}
		if s, ok := a.active.(Summarizer); ok {
			a.summary = append(a.summary, s.Summary())
		}
		a.active = nil
		return a, a.startAudit() // the flow may have written: audit again
	}
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "ctrl+c" {
		w, isWizard := a.active.(*Wizard)
		if !isWizard || !w.writing { // a write in progress finishes first
			a.interrupted = true
		}
		if !isWizard {
			return a, tea.Quit
		}
	}
	if a.active != nil {
		var cmd tea.Cmd
		a.active, cmd = a.active.Update(msg)
		return a, cmd
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "q", "esc":
			return a, tea.Quit
		case "home", "g":
			a.cursor = 0
		case "end", "G":
			a.cursor = max(0, len(a.flows)-1)
		case "up", "k":
			if a.cursor > 0 {
				a.cursor--
			}
		case "down", "j":
			if a.cursor < len(a.flows)-1 {
				a.cursor++
			}
		case "enter", " ":
			if len(a.flows) == 0 {
				return a, nil
			}
			return a, a.start(a.flows[a.cursor])
		}
	}
	return a, nil
}

// start makes f the active flow, sized to the window. The harden flow
// takes over the menu's audit rather than running its own.
func (a *App) start(f Flow) tea.Cmd {
	_, harden := f.(HardenFlow)
	switch {
	case harden && a.auditing:
		a.active = newWizardFromMenu(a.opts, nil, nil)
	case harden && a.audit != nil && a.audit.err == nil:
		a.active = newWizardFromMenu(a.opts, a.audit.snap, a.audit.rep)
	default:
		a.active = f.Start(a.opts)
	}
	cmds := []tea.Cmd{a.active.Init()}
	if a.w > 0 {
		var c tea.Cmd
		a.active, c = a.active.Update(tea.WindowSizeMsg{Width: a.w, Height: a.h})
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}

// View is what the terminal shows: every screen of every flow, masked by
// the run's redactor on its way out.
func (a *App) View() string { return a.opts.Redactor.String(a.view()) }

func (a *App) view() string {
	if a.active != nil {
		return a.active.View()
	}
	w := screenWidth(a.w)
	var b []string
	b = append(b, stTitle.Render("hardshell")+stDim.Render(" — "+trunc(a.opts.label(), max(10, w-14))))
	b = append(b, a.auditLine(w), "What do you want to do?", "")
	for i, f := range a.flows {
		line := "  " + f.Name()
		if i == a.cursor {
			line = stCursor.Render("› " + f.Name())
		}
		b = append(b, line)
	}
	if a.cursor < len(a.flows) {
		b = append(b, "", wrap(stDim.Render(a.flows[a.cursor].Description()), w-2))
	}
	b = append(b, "", stDim.Render("↑/↓ j/k move · g/G first/last · enter start · q quit"))
	out := ""
	for i, l := range b {
		if i > 0 {
			out += "\n"
		}
		out += l
	}
	if a.h > 0 {
		out = padLines(out, a.h)
	}
	return out
}

// auditLine is the menu's second line: the counts and score of the
// launch audit, or that it is running or failed.
func (a *App) auditLine(w int) string {
	switch {
	case a.audit != nil && a.audit.err == nil:
		s := counts(a.audit.rep.Summary)
		if a.auditing {
			s += stDim.Render(" (auditing again…)")
		}
		return trunc(s, w) + "\n"
	case a.auditing:
		return stDim.Render("auditing…") + "\n"
	case a.audit != nil:
		return wrap(stErr.Render("The audit failed: ")+a.audit.err.Error(), w) + "\n"
	}
	return ""
}

// HardenFlow is the default flow: scan, findings, fix, review, write.
type HardenFlow struct{}

func (HardenFlow) Name() string { return "Harden this gateway" }
func (HardenFlow) Description() string {
	return "Audit the config and state dir, walk the findings by the guide's checklist, and fix them with a reviewed diff and a backup."
}
func (HardenFlow) Start(o Options) tea.Model { return NewWizard(o) }
