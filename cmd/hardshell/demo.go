package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hardshell/hardshell/internal/demo"
	"github.com/spf13/cobra"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "demo",
		Short: "Open the wizard on a copy of a dangerously configured demo state dir",
		Long: `Write hardshell's built-in, dangerously configured (and entirely fake) OpenClaw
state dir to a new temporary directory and open the wizard on it. Fix, stage,
suppress and restore freely: only the copy is touched. Its location is printed
when the wizard exits.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "hardshell-demo-")
			if err != nil {
				return withCode(exitBadInput, err)
			}
			stateDir, err := demo.Materialize(dir)
			if err != nil {
				_ = os.RemoveAll(dir)
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
			runErr := runUI(c.InOrStdin(), c.OutOrStdout(), o, true)
			fmt.Fprintf(c.OutOrStdout(), "The demo state dir is %s (fake data; delete it with: rm -rf %s)\n", stateDir, dir)
			return runErr
		},
	})
}
