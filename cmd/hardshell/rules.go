package main

import (
	"fmt"
	"path/filepath"

	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/rules"
	"github.com/spf13/cobra"
)

// `hardshell rules` is its own command rather than part of baseline or
// harden: it writes the agents' workspace files (AGENTS.md), not
// openclaw.json, and workspaces only exist once OpenClaw has seeded them,
// which is usually after the baseline was written. It still goes through
// the same transaction (diff, backup, atomic write).

func init() {
	var yes, dry bool
	c := &cobra.Command{
		Use:   "rules",
		Short: "Check each agent workspace for the security guide's rules and offer to add them",
		Long: `Check each agent workspace's AGENTS.md and SOUL.md for the security guide's five
"what to tell your AI" rules, and append the missing ones to AGENTS.md under "## Security rules"
(created when absent; line endings kept; backed up first):

` + rulesList() + `
Wording may differ: each rule is recognised by its key phrase, in English or the guide's Japanese.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runRules(c, yes, dry) },
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "write without asking")
	c.Flags().BoolVar(&dry, "dry-run", false, "show what would be added, write nothing")
	rootCmd.AddCommand(c)
}

func rulesList() string {
	s := ""
	for _, r := range rules.Rules {
		s += "  - " + r.Text + "\n"
	}
	return s
}

func runRules(c *cobra.Command, yes, dry bool) error {
	out := c.OutOrStdout()
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, s.DocErr)
	}
	ws := rules.Workspaces(s)
	var inside []rules.Workspace
	for _, w := range ws {
		if w.Exists && w.Err == nil && !w.Complete() && !remediate.InsideDir(s.Target.StateDir, w.Dir) {
			// hardshell changes nothing outside the state dir
			fmt.Fprintf(out, "agent %s: %d of %d rules missing in %s, which is outside the state dir; hardshell changes nothing there — add them to %s by hand:\n",
				w.AgentID, len(w.Missing), len(rules.Rules), w.Dir, filepath.Join(w.Dir, "AGENTS.md"))
			for _, r := range w.Missing {
				fmt.Fprintf(out, "  - %s\n", r.Text)
			}
			continue
		}
		inside = append(inside, w)
		switch {
		case w.Err != nil:
			fmt.Fprintf(out, "agent %s: %s: cannot check: %v\n", w.AgentID, w.Dir, w.Err)
		case !w.Exists:
			fmt.Fprintf(out, "agent %s: %s does not exist yet (OpenClaw creates it on first run); run %s again then\n", w.AgentID, w.Dir, hsCommand("rules"))
		case w.Complete():
			fmt.Fprintf(out, "agent %s: all %d rules present\n", w.AgentID, len(rules.Rules))
		default:
			fmt.Fprintf(out, "agent %s: %d of %d rules missing in %s\n", w.AgentID, len(w.Missing), len(rules.Rules), w.Dir)
		}
	}
	cs, err := rules.Plan(inside)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if cs.Empty() {
		return nil
	}
	t := remediate.NewTxn(s.Target.StateDir)
	t.Apply(cs)
	fmt.Fprint(out, t.Diff())
	if dry {
		fmt.Fprintln(out, "dry run: nothing written")
		return nil
	}
	set, written, err := commitReviewed(out, t, writeStep{
		Confirm:  func(q string) bool { return confirm(c, yes, q) },
		Question: "Add the missing rules?",
		Meta:     remediate.BackupMeta{Command: "rules", ToolVersion: version, CheckIDs: []string{rules.CheckID}},
	})
	if err != nil || !written {
		return err
	}
	fmt.Fprintf(out, "added the rules to %d workspace(s)\n", len(cs.Writes))
	if set != nil {
		fmt.Fprintf(out, "backup %s (undo: %s)\n", set.ID, hsCommand("restore", set.ID))
	}
	return nil
}
