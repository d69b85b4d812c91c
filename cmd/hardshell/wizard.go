package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/tui"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// uiMode is how the wizard talks to the user. It is chosen before Bubble
// Tea starts: without a terminal, Bubble Tea v1 would open /dev/tty.
type uiMode int

const (
	modeTUI        uiMode = iota // Bubble Tea in the alt screen
	modeAccessible               // huh accessible, line-based prompts
	modePlain                    // the text report, no prompts, no writes
)

// chooseMode: no terminal on stdin or stdout → plain; ACCESSIBLE set (not
// "0"/"false") or TERM=dumb → accessible; otherwise the TUI.
func chooseMode(stdinTTY, stdoutTTY bool, getenv func(string) string) uiMode {
	if !stdinTTY || !stdoutTTY {
		return modePlain
	}
	switch strings.ToLower(strings.TrimSpace(getenv("ACCESSIBLE"))) {
	case "", "0", "false", "no":
	default:
		return modeAccessible
	}
	if getenv("TERM") == "dumb" {
		return modeAccessible
	}
	return modeTUI
}

func isTTY(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// uiModeFor is the mode the wizard runs in with these streams.
func uiModeFor(in io.Reader, out io.Writer) uiMode {
	inF, inOK := in.(*os.File)
	outF := terminal(out)
	return chooseMode(inOK && isTTY(inF), outF != nil && isTTY(outF), os.Getenv)
}

func init() {
	rootCmd.Args = cobra.NoArgs
	rootCmd.RunE = func(c *cobra.Command, _ []string) error {
		o, err := wizardOptions(global.stateDir, global.config, os.Getenv)
		if err != nil {
			return withCode(exitBadInput, err)
		}
		return runUI(c.InOrStdin(), c.OutOrStdout(), o, false)
	}
}

// wizardOptions locates the target (so the restore screen knows the state
// dir before any scan) and builds the loader the wizard calls before the
// first scan and after every write.
func wizardOptions(stateDir, config string, getenv func(string) string) (tui.Options, error) {
	lo := model.LocateOptions{StateDirFlag: stateDir, ConfigFlag: config, Getenv: getenv}
	remoteLocate(&lo) // --host
	t, err := model.Locate(lo)
	if err != nil {
		return tui.Options{}, err
	}
	red := redactor()
	return tui.Options{
		StateDir:      t.StateDir,
		ConfigPath:    t.ConfigPath,
		Command:       hsCommand,
		ToolVersion:   version,
		Redactor:      red,
		TargetLabel:   remoteLabel(t.StateDir),
		LiveListeners: true,
		Remote:        wizardRemote(),
		Load: func() (*model.Snapshot, error) {
			o := model.LoadOptions{Locate: lo, Redactor: red}
			remoteLoad(&o)
			return model.Load(o)
		},
	}, nil
}

// runUI picks the mode and runs the wizard; direct skips the start menu.
func runUI(in io.Reader, out io.Writer, o tui.Options, direct bool) error {
	honourNoColor()
	inF, _ := in.(*os.File)
	outF := terminal(out) // written only by the TUI, whose every view is redacted
	switch uiModeFor(in, out) {
	case modePlain:
		if err := tui.WritePlain(out, o); err != nil {
			return withCode(exitBadInput, err)
		}
		return nil
	case modeAccessible:
		if err := tui.RunAccessible(flushOnRead(in, out), out, o); err != nil {
			return withCode(exitBadInput, err)
		}
		return nil
	}
	var app *tui.App
	if direct {
		app = tui.NewHarden(o)
	} else {
		app = tui.NewApp(o, tui.DefaultFlows())
	}
	p := tea.NewProgram(app, tea.WithAltScreen(), tea.WithInput(inF), tea.WithOutput(outF))
	if _, err := p.Run(); err != nil {
		return withCode(exitBadInput, fmt.Errorf("the wizard failed: %w", err))
	}
	// The alt screen hid everything; say what happened now.
	if s := app.Summary(); s != "" {
		fmt.Fprint(out, s)
	}
	if app.Interrupted() {
		return withCode(exitInterrupted, nil) // ctrl+c, as a shell reports it
	}
	return nil
}

// honourNoColor draws the TUI without colour when NO_COLOR is set.
func honourNoColor() {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
}
