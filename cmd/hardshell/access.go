package main

import (
	"encoding/json"
	"fmt"

	"github.com/hardshell/hardshell/access"
	"github.com/spf13/cobra"
)

type accessFlags struct {
	json bool
}

func newAccessCmd() *cobra.Command {
	var f accessFlags
	c := &cobra.Command{
		Use:   "access",
		Short: "Review who can reach the bot: approved senders, pairing requests, devices, exec approvals",
		Long: `List, per channel and account, the DM and group policy, every approved sender
and where it comes from (the config's allowFrom/groupAllowFrom, or the pairing
store), the pending pairing requests, then the paired and pending devices and
nodes and the exec approvals.

Reads the 2026.9 state DB (state/openclaw.sqlite, from a private snapshot:
never in place, never a write) or the 2026.2 JSON stores.

Exit codes: 0 listed; 2 bad input (a state DB or store that cannot be read).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAccessList(c, f) },
	}
	c.Flags().BoolVar(&f.json, "json", false, "print JSON")
	return c
}

func init() { rootCmd.AddCommand(newAccessCmd()) }

func runAccessList(c *cobra.Command, f accessFlags) error {
	s, err := loadSnapshot()
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, s.DocErr)
	}
	r := access.Load(s, access.Options{Context: c.Context()})
	out := c.OutOrStdout()
	if r.DB != nil && r.DB.Err != nil {
		return withCode(exitBadInput, r.DB.Err)
	}
	if f.json {
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(out, string(data))
	} else {
		r.WriteText(out)
	}
	if len(r.Problems) > 0 {
		return withCode(exitBadInput, fmt.Errorf("%d store(s) could not be read (listed above)", len(r.Problems)))
	}
	return nil
}
