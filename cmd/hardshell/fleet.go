package main

import (
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fleet"
	"github.com/hardshell/hardshell/tui"
	"github.com/spf13/cobra"
)

type fleetReportFlags struct {
	json, sarif bool
	stale       time.Duration
	expect      []string
	failOn      string
}

func newFleetCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "fleet",
		Short: "Work with many gateways' reports (see ansible/ for collecting them)",
		Args:  cobra.NoArgs,
	}
	var f fleetReportFlags
	r := &cobra.Command{
		Use:   "report DIR",
		Short: "Merge per-host audit --json reports into one view, worst host first",
		Long: `Merge the per-host reports in DIR (one "hardshell audit --json" file per host,
named <host>.json, as ansible/playbooks/audit.yml fetches them) into one view
ranked worst first: hosts × tiers with critical and warn counts, the findings
most hosts share, and the hosts whose report is missing (listed in
DIR/` + fleet.ExpectedHostsFile + ` or --expect), unreadable, or older than --stale.

--json prints {"hosts":[{"host","summary",…}],…}; --sarif prints one SARIF run
per host, each with runAutomationDetails.id "hardshell/<host>/".

Exit codes: 0 nothing at or above --fail-on and every report present and
fresh; 1 otherwise; 2 bad input (DIR unreadable).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runFleetReport(c, f, args[0]) },
	}
	fl := r.Flags()
	fl.BoolVar(&f.json, "json", false, "print the merged view as JSON")
	fl.BoolVar(&f.sarif, "sarif", false, "print SARIF 2.1.0, one run per host")
	fl.DurationVar(&f.stale, "stale", fleet.DefaultStaleAfter, "a report older than this is stale")
	fl.StringSliceVar(&f.expect, "expect", nil, "hosts that must have a report (comma-separated; adds to DIR/"+fleet.ExpectedHostsFile+")")
	fl.StringVar(&f.failOn, "fail-on", "critical", "exit 1 when a host has a finding at or above this severity: critical, warn, info or none")
	r.MarkFlagsMutuallyExclusive("json", "sarif")
	c.AddCommand(r, newFleetWizardCmd())
	return c
}

// newFleetWizardCmd is `fleet wizard DIR`: the same folder and the same
// --stale/--expect as `fleet report`, walked in the TUI. It lives under
// `fleet` (not as `hardshell --fleet DIR`) because the root wizard's flags
// (--state-dir, --config, --host) name one gateway and mean nothing here.
func newFleetWizardCmd() *cobra.Command {
	var f fleetReportFlags
	w := &cobra.Command{
		Use:   "wizard DIR",
		Short: "Walk the per-host reports in DIR: hosts worst first, then a host's findings",
		Long: `Open the per-host reports in DIR (as "fleet report" reads them) in the
wizard, read-only: the hosts ranked worst first as "fleet report" ranks them
(critical and warn counts, score, missing/stale/unreadable marked); enter opens
a host's findings with the selected one's detail, remediation and why it
matters; esc goes back to the hosts; q quits. Without a terminal it prints
what "fleet report" prints.

Exit codes: 0 done; 2 bad input (DIR unreadable); 130 interrupted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runFleetWizard(c, f, args[0]) },
	}
	fl := w.Flags()
	fl.DurationVar(&f.stale, "stale", fleet.DefaultStaleAfter, "a report older than this is stale")
	fl.StringSliceVar(&f.expect, "expect", nil, "hosts that must have a report (comma-separated; adds to DIR/"+fleet.ExpectedHostsFile+")")
	return w
}

func runFleetWizard(c *cobra.Command, f fleetReportFlags, dir string) error {
	fl, err := fleet.Load(dir, fleet.Options{StaleAfter: f.stale, Expect: f.expect})
	if err != nil {
		return withCode(exitBadInput, err)
	}
	in, out := c.InOrStdin(), c.OutOrStdout()
	if uiModeFor(in, out) != modeTUI {
		// no screen to walk (or a line-based one asked for): the text view
		if err := fleet.WriteText(out, fl); err != nil {
			return withCode(exitBadInput, err)
		}
		return nil
	}
	honourNoColor()
	inF, _ := in.(*os.File)
	m := tui.NewFleet(fl, tui.Options{Redactor: redactor()})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithInput(inF), tea.WithOutput(terminal(out)))
	if _, err := p.Run(); err != nil {
		return withCode(exitBadInput, fmt.Errorf("the fleet wizard failed: %w", err))
	}
	if m.Interrupted() {
		return withCode(exitInterrupted, nil)
	}
	return nil
}

func init() { rootCmd.AddCommand(newFleetCmd()) }

func runFleetReport(c *cobra.Command, f fleetReportFlags, dir string) error {
	threshold, err := audit.ParseFailOn(f.failOn)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	fl, err := fleet.Load(dir, fleet.Options{StaleAfter: f.stale, Expect: f.expect})
	if err != nil {
		return withCode(exitBadInput, err)
	}
	w := c.OutOrStdout()
	switch {
	case f.json:
		err = fleet.WriteJSON(w, fl)
	case f.sarif:
		err = fleet.WriteSARIF(w, fl)
	default:
		err = fleet.WriteText(w, fl)
	}
	if err != nil {
		return withCode(exitBadInput, err)
	}
	failing := len(fl.Missing)+len(fl.Stale)+len(fl.Unreadable) > 0
	for _, h := range fl.Hosts {
		if r := h.Report(); r != nil && len(r.Failing(threshold)) > 0 {
			failing = true
		}
	}
	if failing {
		return withCode(exitFindings, nil)
	}
	return nil
}
