// Command hardshell audits and hardens an OpenClaw gateway.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes (DESIGN.md): 0 ok, 1 findings at or above --fail-on (or a
// refused/failed write), 2 bad input or usage, 130 the wizard left with
// ctrl+c (128 + SIGINT, as a shell reports an interrupted command).
const (
	exitOK          = 0
	exitFindings    = 1
	exitBadInput    = 2
	exitInterrupted = 130
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err with an exit code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// globalFlags are shared by every command.
type globalFlags struct {
	stateDir string
	config   string
}

var global globalFlags

var rootCmd = &cobra.Command{
	Use:   "hardshell",
	Short: "Audit and harden an OpenClaw gateway",
	Long: `hardshell finds what is dangerous in an OpenClaw gateway's configuration and
state directory, ranks it by the security guide's priority checklist, and walks
you through fixing it: a reviewed diff, a backup, an atomic write, comments kept.`,
	SilenceUsage:  true,
	SilenceErrors: true,
}

func init() {
	rootCmd.PersistentFlags().StringVar(&global.stateDir, "state-dir", "", "OpenClaw state directory (default: OPENCLAW_STATE_DIR, ~/.openclaw, legacy dirs)")
	rootCmd.PersistentFlags().StringVar(&global.config, "config", "", "OpenClaw config file (default: OPENCLAW_CONFIG_PATH, <state>/openclaw.json)")
	rootCmd.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		remediate.LockHolder = c.CommandPath() // named to another hardshell waiting for the lock
		if hostFlag != "" {
			return openRemote(c) // --host: the remote session checks the remote paths
		}
		return checkTargetFlags(c)
	}
	rootCmd.Version = version
	rootCmd.SetVersionTemplate("hardshell {{.Version}}\n")
	rootCmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withCode(exitBadInput, err) })
	rootCmd.AddCommand(&cobra.Command{
		Use:         "version",
		Short:       "Print hardshell's version",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annNoTarget: "yes"},
		Run: func(c *cobra.Command, _ []string) {
			fmt.Fprintf(c.OutOrStdout(), "hardshell %s\n", version)
		},
	})
}

func main() {
	// No built-in memory limit: with a live heap near it (50,000 agents
	// keep some 130 MB live) a soft limit makes the GC run back to back
	// and doubles the CPU time; the Go defaults apply, and GOMEMLIMIT /
	// GOGC are the operator's to set (DESIGN.md, "Cost").
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI and maps errors to exit codes. Its output, error
// lines included, goes through the run's redactor (sinks.go).
func run(args []string) int {
	current = newSinks()
	rootCmd.SetOut(current.out)
	rootCmd.SetErr(current.errw)
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	closeRemote()
	flush(current.out)
	defer flush(current.errw)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(current.errw, "hardshell:", ee.err)
		}
		return ee.code
	}
	var ie *model.InputError
	if errors.As(err, &ie) {
		fmt.Fprintln(current.errw, "hardshell:", err)
		return exitBadInput
	}
	fmt.Fprintln(current.errw, "hardshell:", err)
	// cobra's own usage errors (unknown command, bad args) are usage errors.
	return exitBadInput
}
