package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
	"github.com/spf13/cobra"
)

// fixFlags are `hardshell fix`'s own flags.
type fixFlags struct {
	yes, dryRun, noValidate bool
	only                    []string
	answers                 []string
}

func newFixCmd() *cobra.Command {
	var f fixFlags
	c := &cobra.Command{
		Use:   "fix",
		Short: "Apply the safe fixes (and guided ones you answered) after showing the diff",
		Long: `Audit, then fix every finding that has a safe remediation (no question, cannot
lock you out), plus guided ones whose every question is answered with --answer.
Some questions apply only after an earlier answer (the DM fix asks for
allowlist senders only with policy=allowlist, and for confirm_open only with
policy=open): leave those out; an answer given to one anyway is ignored, with
a note saying so.
Shows the masked diff of each config file and the mode changes, asks before
writing (or --yes), backs every file up first, writes atomically with comments
kept, and re-audits.

Exit codes: 0 written, nothing to do, or not confirmed; 1 the write was refused
(a file changed meanwhile, the candidate failed validation, a write failed,
OPENCLAW_NIX_MODE=1); 2 bad input (unparseable config, bad --only/--answer).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runFix(c, f, os.Stdin, stdinIsTTY)
		},
	}
	fl := c.Flags()
	fl.BoolVarP(&f.yes, "yes", "y", false, "write without asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show what would change and write nothing")
	fl.BoolVar(&f.noValidate, "no-validate", false, "do not check the candidate with \"openclaw config validate\"")
	fl.StringSliceVar(&f.only, "only", nil, "fix only these check ids (comma-separated; patterns like channels.<id>.dm.open allowed)")
	fl.StringArrayVar(&f.answers, "answer", nil, "answer a guided fix's question: CHECKID.QUESTION=VALUE (repeatable)")
	_ = c.RegisterFlagCompletionFunc("only", completeOnly)
	return c
}

func init() { rootCmd.AddCommand(newFixCmd()) }

func runFix(c *cobra.Command, f fixFlags, in io.Reader, isTTY func() bool) error {
	out := c.OutOrStdout()
	answers, err := parseAnswers(f.answers)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	only, err := parseOnly(f.only)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	nix := nixManaged()
	if nix && !f.dryRun {
		return withCode(exitFindings, errors.New("OPENCLAW_NIX_MODE=1: this OpenClaw config is managed externally (Nix), so hardshell writes nothing; change it in your Nix configuration (see the changes with hardshell fix --dry-run)"))
	}

	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, fmt.Errorf("config unreadable, nothing was changed: %w", s.DocErr))
	}
	parent := c.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	before, err := audit.Run(ctx, s, audit.Options{ToolVersion: version, PlanManaged: true})
	if err != nil {
		return withCode(exitBadInput, err)
	}

	fixes, err := planFixes(out, s, before, only, answers)
	if err != nil {
		return err
	}
	cs, ids, skipped := mergeFixes(fixes)
	for _, sk := range skipped {
		fmt.Fprintf(out, "note: %s is left for later: its change overlaps another fix in this run (re-run %s afterwards)\n", sk, hsCommand("fix"))
	}
	if cs.Empty() {
		fmt.Fprintln(out, "Nothing to fix automatically.")
		printCounts(out, "now", before.Summary)
		printRemaining(out, s, before)
		return nil
	}

	var validate remediate.Validator
	if !f.noValidate {
		validate = installedValidator()
	}
	p, err := remediate.PrepareWith(ctx, remediate.PrepareInput{Snapshot: s, Before: before, Changes: cs, Validate: validate})
	if err != nil {
		return refused(err)
	}
	printFixPlan(out, s, fixes, skipped, len(ids))
	printReview(out, p, cs)

	set, written, err := commitReviewed(out, p.Txn, writeStep{
		DryRun:      f.dryRun,
		Confirm:     func(q string) bool { return confirmed(out, in, f.yes, isTTY, q, "nothing written") },
		Question:    "Write these changes?",
		Meta:        remediate.BackupMeta{Command: fixCommandLine(f), CheckIDs: ids, ToolVersion: version},
		ShowSkipped: true,
	})
	if err != nil || !written {
		return err
	}
	return printAfterFix(ctx, out, before, set)
}

// planFixes plans the fix of every finding --only selects: safe fixes with
// their defaults, guided ones only when --answer names them (then every
// question must be answered). Findings that cannot be planned, and
// --answer flags no finding used, are printed as notes.
func planFixes(out io.Writer, s *model.Snapshot, before *audit.Report, only onlyFilter, answers map[string]model.Answers) ([]plannedFix, error) {
	var fixes []plannedFix
	var notes []string
	used := map[string]bool{}
	for _, fd := range before.Findings {
		if !only.match(fd.CheckID) {
			continue
		}
		if fd.Fix == model.FixManual {
			continue
		}
		mode, given := fix.WithDefaults, model.Answers(nil)
		if fd.Fix == model.FixGuided {
			given = answers[fd.CheckID]
			if len(given) == 0 {
				continue
			}
			used[fd.CheckID] = true
			mode = fix.Explicit
		}
		pl, err := fix.Plan(s, fd, given, mode)
		var ae *fix.AnswerError
		switch {
		case errors.As(err, &ae):
			return nil, withCode(exitBadInput, answerError(ae))
		case err != nil:
			notes = append(notes, fmt.Sprintf("%s: cannot plan a fix: %v", fd.CheckID, err))
			continue
		}
		for _, q := range pl.Ignored {
			notes = append(notes, ignoredAnswer(fd.CheckID, q, pl.Answers))
		}
		if pl.Changes.Empty() {
			continue
		}
		fixes = append(fixes, plannedFix{finding: fd, rem: pl.Fix, cs: pl.Changes})
	}
	for id := range answers {
		if !used[id] {
			notes = append(notes, fmt.Sprintf("--answer %s.…: no finding %s with a guided fix in this audit (ignored)", id, id))
		}
	}
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Fprintln(out, "note:", n)
	}
	return fixes, nil
}

// printFixPlan is the head of the review: each finding fixed in this run
// once, with its fix's title.
func printFixPlan(out io.Writer, s *model.Snapshot, fixes []plannedFix, skipped []string, n int) {
	fmt.Fprintf(out, "hardshell fix: %d finding(s) to fix in %s\n\n", n, s.Target.StateDir)
	listed := map[string]bool{}
	for _, fx := range fixes {
		if !containsID(skipped, fx.finding.CheckID) && !listed[fx.finding.CheckID] {
			listed[fx.finding.CheckID] = true
			fmt.Fprintf(out, "  [%s] %s — %s\n", fx.finding.Severity, fx.finding.CheckID, fx.rem.Title)
		}
	}
}

// printAfterFix re-audits the written target: the counts before and after,
// the backup and how to undo it, and what is still open.
func printAfterFix(ctx context.Context, out io.Writer, before *audit.Report, set *remediate.BackupSet) error {
	s2, after, err := reaudit(ctx, "written")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nbefore: %s → after: %s\n", countLine(before.Summary), countLine(after.Summary))
	printBackup(out, set)
	printRemaining(out, s2, after)
	return nil
}

// mergeFixes merges the change sets in rank order. A fix whose edit sets a
// path another fix already sets to a different value is left out (listed in
// skipped); identical edits from two fixes are both kept.
func mergeFixes(fixes []plannedFix) (model.ChangeSet, []string, []string) {
	var cs model.ChangeSet
	var ids, skipped []string
	set := map[string]model.Edit{}
	for _, fx := range fixes {
		conflict := false
		var fresh []model.Edit
		for _, e := range fx.cs.Edits {
			if old, ok := set[e.Path]; ok && (old.Op != e.Op || !reflect.DeepEqual(old.Value, e.Value)) {
				conflict = true
				break
			}
			// identical edits are kept: each carries its own CheckID, so
			// Prepare verifies every finding it claims
			fresh = append(fresh, e)
		}
		if conflict {
			skipped = append(skipped, fx.finding.CheckID)
			continue
		}
		for _, e := range fresh {
			set[e.Path] = e
		}
		part := fx.cs
		part.Edits = fresh
		cs.Merge(part)
		if !containsID(ids, fx.finding.CheckID) {
			ids = append(ids, fx.finding.CheckID)
		}
	}
	return cs, ids, skipped
}

// printRemaining lists the findings a guided fix can handle, each with the
// exact command (safe defaults filled in), and points at the wizard. The
// kind is the finding's (Finding.Fix, resolved for this config by the
// audit); only the questions come from the catalog.
func printRemaining(out io.Writer, s *model.Snapshot, rep *audit.Report) {
	var lines []string
	manual := 0
	for _, fd := range rep.Findings {
		switch fd.Fix {
		case model.FixManual:
			manual++
			continue
		case model.FixSafe:
			continue
		}
		// the finding says it is guided, so the catalog has its fix
		qs, _ := fix.Questions(s, fd)
		args := []string{"fix", "--only", fd.CheckID}
		defaults, _ := model.Applicable(qs, nil) // only what the defaults make relevant
		for _, q := range qs {
			if v, ok := defaults[q.ID]; ok {
				args = append(args, "--answer", fd.CheckID+"."+q.ID+"="+v)
			}
		}
		cmd := hsCommand(args...)
		lines = append(lines, fmt.Sprintf("  [%s] %s — %s\n      %s", fd.Severity, fd.CheckID, fd.Title, cmd))
	}
	if len(lines) > 0 {
		fmt.Fprintln(out, "\nStill open (for guided fixes, the answers shown are the safe defaults):")
		for _, l := range lines {
			fmt.Fprintln(out, l)
		}
	}
	if len(lines) > 0 || manual > 0 {
		fmt.Fprintf(out, "\nRun %s for the wizard", hsCommand())
		if manual > 0 {
			fmt.Fprintf(out, " (%d finding(s) need manual steps; %s explains each)", manual, hsCommand("audit"))
		}
		fmt.Fprintln(out, ".")
	}
}

// fixCommandLine is the command recorded in the backup manifest (answer
// values are left out: they may be secrets).
func fixCommandLine(f fixFlags) string {
	parts := []string{"fix"}
	if len(f.only) > 0 {
		parts = append(parts, "--only", strings.Join(f.only, ","))
	}
	for _, a := range f.answers {
		k, _, _ := strings.Cut(a, "=")
		parts = append(parts, "--answer", k+"=…")
	}
	return strings.Join(parts, " ")
}

// parseAnswers reads --answer CHECKID.QUESTION=VALUE flags into answers per
// check id.
func parseAnswers(flags []string) (map[string]model.Answers, error) {
	out := map[string]model.Answers{}
	for _, a := range flags {
		k, v, ok := strings.Cut(a, "=")
		i := strings.LastIndex(k, ".")
		if !ok || i <= 0 || i == len(k)-1 {
			return nil, fmt.Errorf("--answer %q: want CHECKID.QUESTION=VALUE (e.g. channels.telegram.dm.open.policy=pairing)", a)
		}
		id, q := k[:i], k[i+1:]
		if _, known := audit.Lookup(id); !known {
			return nil, fmt.Errorf("--answer %q: %q is not a check id (see hardshell audit)", a, id)
		}
		if out[id] == nil {
			out[id] = model.Answers{}
		}
		out[id][q] = v
	}
	return out, nil
}

// answerError words a refused set of --answer flags as flags: the unknown
// question, the flags still missing (with the safe defaults), or the
// rejected value.
func answerError(e *fix.AnswerError) error {
	switch {
	case len(e.Unknown) > 0:
		var names []string
		for _, q := range e.Questions {
			if q.When != nil {
				names = append(names, q.ID+" (when "+q.When.String()+")")
			} else {
				names = append(names, q.ID)
			}
		}
		id := slices.Min(e.Unknown)
		return fmt.Errorf("--answer %s.%s: the fix for %s has no question %q (questions: %s)", e.CheckID, id, e.CheckID, id, strings.Join(names, ", "))
	case len(e.Missing) == 1 && e.Missing[0].When != nil:
		q := e.Missing[0]
		return fmt.Errorf("the fix for %s asks %s when %s; add %s", e.CheckID, q.ID, q.When, unanswered(e.CheckID, e.Missing))
	case len(e.Missing) > 0:
		return fmt.Errorf("the fix for %s needs every question answered; add %s", e.CheckID, unanswered(e.CheckID, e.Missing))
	}
	return fmt.Errorf("--answer %s.%v", e.CheckID, e.Invalid)
}

// ignoredAnswer is the note for an --answer to a question that does not
// apply to the other answers (fix.Planned.Ignored): it was not used.
func ignoredAnswer(checkID string, q model.Question, used model.Answers) string {
	why := "asked only when " + q.When.String()
	if v, ok := used[q.When.ID]; ok {
		why += fmt.Sprintf(", and %s is %q", q.When.ID, v)
	}
	return fmt.Sprintf("--answer %s.%s ignored: %s", checkID, q.ID, why)
}

// unanswered lists the --answer flags (with the safe defaults) still
// missing, or "".
func unanswered(checkID string, missing []model.Question) string {
	var miss []string
	for _, q := range missing {
		miss = append(miss, cmdline.Join("--answer", checkID+"."+q.ID+"="+q.Default))
	}
	return strings.Join(miss, " ")
}

// onlyFilter is --only: exact ids or <pattern> ids; empty matches all.
type onlyFilter []string

func parseOnly(ids []string) (onlyFilter, error) {
	var out onlyFilter
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := audit.Lookup(id); !ok {
			return nil, fmt.Errorf("--only %q: not a check id (see hardshell audit, or docs/checks.md)", id)
		}
		out = append(out, id)
	}
	return out, nil
}

func (o onlyFilter) match(id string) bool {
	if len(o) == 0 {
		return true
	}
	for _, x := range o {
		if x == id || (strings.Contains(x, "<") && audit.MatchID(x, id)) {
			return true
		}
	}
	return false
}
