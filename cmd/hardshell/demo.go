package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/internal/demo"
	"github.com/hardshell/hardshell/model"
	"github.com/spf13/cobra"
)

func init() {
	var keep bool
	c := &cobra.Command{
		Use:   "demo",
		Short: "Open the wizard on a copy of a dangerously configured demo state dir",
		Long: `Write hardshell's built-in, dangerously configured (and entirely fake) OpenClaw
state dir to a new temporary directory and open the wizard on it. Fix, stage,
suppress and restore freely: only the copy is touched. The copy is deleted
when the demo exits; with --keep it stays and its location is printed.`,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annNoTarget: "yes"},
		RunE: func(c *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "hardshell-demo-")
			if err != nil {
				return withCode(exitBadInput, err)
			}
			// Without a terminal the demo prints the report and commands
			// to run on the copy: keep it then, or they would not run.
			plain := uiModeFor(c.InOrStdin(), c.OutOrStdout()) == modePlain
			keep = keep || plain
			if !keep {
				defer os.RemoveAll(dir)
			}
			stateDir, err := demo.Materialize(dir)
			if err != nil {
				return withCode(exitBadInput, err)
			}
			// The demo must not pick up this shell's OpenClaw settings.
			getenv := func(k string) string {
				if strings.HasPrefix(k, "OPENCLAW_") || strings.HasPrefix(k, "CLAWDBOT_") {
					return ""
				}
				return os.Getenv(k)
			}
			o, err := wizardOptions(stateDir, "", getenv)
			if err != nil {
				return withCode(exitBadInput, err)
			}
			o.TargetLabel = "DEMO " + stateDir
			// Printed commands name the copy outright: this shell's
			// OPENCLAW_* settings must not redirect them either.
			t, err := model.Locate(model.LocateOptions{StateDirFlag: stateDir, Getenv: getenv})
			if err != nil {
				return withCode(exitBadInput, err)
			}
			o.Command = cmdline.Target{StateDir: t.StateDir, Config: t.ConfigPath}.Command
			runErr := runUI(c.InOrStdin(), c.OutOrStdout(), o, true)
			if keep {
				fmt.Fprintf(c.OutOrStdout(), "The demo state dir is kept at %s (fake data; delete it with: %s)\n", stateDir, cmdline.Join("rm", "-rf", dir))
			} else {
				fmt.Fprintln(c.OutOrStdout(), "The demo's copy was deleted (run hardshell demo --keep to keep it).")
			}
			return runErr
		},
	}
	c.Flags().BoolVar(&keep, "keep", false, "keep the demo's copy when the demo exits (its location is printed)")
	rootCmd.AddCommand(c)
}
