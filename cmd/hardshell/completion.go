package main

// Shell completion for values cobra cannot know by itself: --fail-on's
// severities, check ids (--only, explain) and backup ids (restore). The
// lists come from where the facts live: audit.ParseFailOn's values, the
// check registry, the target's backup sets.

import (
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/remediate"
	"github.com/spf13/cobra"
)

// completeCheckIDs offers the declared check ids with their titles.
func completeCheckIDs(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return checkIDCompletions(toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeOnly offers check ids for --only, which takes a comma-separated
// list: the ids already typed are kept as the prefix.
func completeOnly(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	var out []string
	for _, c := range checkIDCompletions(last) {
		out = append(out, done+c)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func checkIDCompletions(prefix string) []string {
	var out []string
	for _, c := range audit.Checks() {
		if strings.HasPrefix(c.ID, prefix) {
			out = append(out, c.ID+"\t"+c.Title)
		}
	}
	return out
}

// completeFailOn offers the severities --fail-on accepts (each checked
// against audit.ParseFailOn, which defines them).
func completeFailOn(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, v := range []string{"critical", "warn", "info", "none"} {
		if _, err := audit.ParseFailOn(v); err == nil {
			out = append(out, v)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeBackupIDs offers the target's backup sets, newest first, each
// with its time and command.
func completeBackupIDs(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	t, err := loadTarget()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	sets, err := remediate.ListBackups(t)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, s := range sets {
		if strings.HasPrefix(s.ID, toComplete) && s.State != remediate.StateInterrupted {
			out = append(out, s.ID+"\t"+s.CreatedAt.Local().Format("2006-01-02 15:04")+" "+s.Command)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}
