package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/spf13/cobra"
)

// `hardshell explain CHECKID` prints a check's full entry, read from its
// declaration in the audit registry (the one place those facts live; the
// same entry docs/checks.md is generated from).

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "explain CHECKID",
		Short: "Explain a check: its tier, severity rule, why it matters, the fix and what it may break",
		Long: `Print a check's full entry from hardshell's check registry: title, the guide's tier,
the severity rule, what triggers it, why it matters, the fix (and whether hardshell applies it
safely, after questions, or leaves it to you), what the fix may break, and OpenClaw's id for it
and since which version. An id as reported (channels.telegram.dm.open) or as declared
(channels.<id>.dm.open) both work.

Exit codes: 0 explained; 2 not a check id.`,
		Args:              cobra.ExactArgs(1),
		Annotations:       map[string]string{annNoTarget: "yes"},
		ValidArgsFunction: completeCheckIDs,
		RunE: func(c *cobra.Command, args []string) error {
			ck, ok := audit.Lookup(strings.TrimSpace(args[0]))
			if !ok {
				return withCode(exitBadInput, fmt.Errorf("%q is not a check id%s (hardshell audit shows the ids it reports; docs/checks.md lists all %d)", args[0], suggest(args[0]), len(audit.Checks())))
			}
			writeExplain(c.OutOrStdout(), args[0], ck)
			return nil
		},
	})
}

// writeExplain prints ck's entry; asked is the id as the operator wrote it.
func writeExplain(w io.Writer, asked string, ck audit.Check) {
	fmt.Fprintf(w, "%s — %s\n", ck.ID, ck.Title)
	if asked != ck.ID {
		fmt.Fprintf(w, "(%s is an instance of %s)\n", asked, ck.ID)
	}
	field := func(label, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		fmt.Fprintf(w, "\n%s\n", label)
		for _, l := range wrapWords(text, 76) {
			fmt.Fprintln(w, "  "+l)
		}
	}
	field("Tier", fmt.Sprintf("%d — %s (the security guide's checklist; findings are ranked by tier, then severity)", int(ck.Tier), ck.Tier.Name()))
	field("Severity", ck.Severity)
	field("Triggered when", ck.Trigger)
	field("Why it matters", ck.Why)
	field("Fix ("+fixKindText(ck.Fix)+")", ck.Remediation)
	field("What the fix may break", ck.Breaks)
	switch {
	case strings.HasPrefix(ck.Since, "OpenClaw"):
		field("OpenClaw", fmt.Sprintf("OpenClaw's own checkId %s, since %s (openclaw security audit reports it under the same id)", ck.ID, ck.Since))
	default:
		field("OpenClaw", "hardshell's own check: OpenClaw has no checkId for it (since "+ck.Since+")")
	}
	if ck.FSOnly {
		field("Note", "Reads only the filesystem, so it runs even when the config cannot be read.")
	}
	switch ck.Fix {
	case model.FixSafe, model.FixGuided:
		fmt.Fprintf(w, "\nApply it: %s\n", hsCommand("fix", "--only", asked))
	}
}

func fixKindText(k model.FixKind) string {
	switch k {
	case model.FixSafe:
		return "safe: hardshell fix applies it without questions"
	case model.FixGuided:
		return "guided: hardshell asks first, in the wizard or with fix --answer"
	}
	return "manual: hardshell advises, you change it"
}

// suggest names declared ids close to a mistyped one.
func suggest(id string) string {
	var near []string
	low := strings.ToLower(id)
	for _, c := range audit.Checks() {
		if strings.Contains(c.ID, low) || (len(low) > 3 && strings.HasPrefix(c.ID, low[:len(low)/2])) {
			near = append(near, c.ID)
		}
	}
	if len(near) == 0 || len(near) > 5 {
		return ""
	}
	sort.Strings(near)
	return "; did you mean " + strings.Join(near, ", ")
}

// wrapWords wraps text at width, keeping its own line breaks.
func wrapWords(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len(line)+1+len(word) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		out = append(out, line)
	}
	return out
}
