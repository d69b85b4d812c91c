package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/baseline"
	"github.com/spf13/cobra"
)

// `hardshell harden` is the non-interactive first-run hardening (issue 7,
// part 1): the per-agent profile choice, then every safe fix and every
// guided fix with its safe default for tiers 1–5 (or --answer), in one
// change set, reviewed as one diff and written once. The wizard's
// first-run flow asks the same questions interactively.

func init() {
	var profiles, answers []string
	var yes, dry, noValidate bool
	var maxTier int
	c := &cobra.Command{
		Use:   "harden",
		Short: "First-run hardening: agent profiles plus every safe and default guided fix, written once",
		Long: `Harden a gateway in one pass, tier by tier of the security guide's checklist:

  1. each agent gets an access profile (--profile id=personal|readonly|public; default: the default
     agent personal, every other agent readonly);
  2. every finding of tiers 1..--tiers (default 5) with a safe fix is fixed, and every guided fix is
     applied with its safe default answer (override with --answer CHECKID.QUESTION=VALUE);
  3. the combined change is validated (re-audit, and openclaw config validate when installed),
     shown as one masked diff, and written once with one backup.

Fixes that overlap an earlier change, or whose default does not clear the finding, are left for
hardshell fix or the wizard and listed at the end.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runHarden(c, profiles, answers, model.Tier(maxTier), yes, dry, noValidate)
		},
	}
	fl := c.Flags()
	fl.StringSliceVar(&profiles, "profile", nil, "agent access profiles as id=personal|readonly|public")
	fl.StringArrayVar(&answers, "answer", nil, "answer a guided fix's question: CHECKID.QUESTION=VALUE (repeatable)")
	fl.IntVar(&maxTier, "tiers", 5, "fix tiers 1..N of the checklist (1-6)")
	fl.BoolVarP(&yes, "yes", "y", false, "write without asking")
	fl.BoolVar(&dry, "dry-run", false, "show the plan and diff, write nothing")
	fl.BoolVar(&noValidate, "no-validate", false, "do not check the candidate with \"openclaw config validate\"")
	rootCmd.AddCommand(c)
}

func runHarden(c *cobra.Command, profileFlags, answerFlags []string, maxTier model.Tier, yes, dry, noValidate bool) error {
	out := c.OutOrStdout()
	if maxTier < model.TierInbound || maxTier > model.TierModels {
		return withCode(exitBadInput, fmt.Errorf("--tiers %d: use 1 to 6", maxTier))
	}
	answers, err := parseAnswers(answerFlags)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if nixManaged() && !dry {
		return withCode(exitFindings, errors.New("OPENCLAW_NIX_MODE=1: this OpenClaw config is managed externally (Nix), so hardshell writes nothing"))
	}
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if s.ConfigMissing {
		return withCode(exitBadInput, fmt.Errorf("no config at %s; write one with hardshell baseline", s.Target.ConfigPath))
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, fmt.Errorf("config unreadable, nothing was changed: %w", s.DocErr))
	}
	profiles, err := hardenProfiles(s, profileFlags)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fr, err := baseline.PlanFirstRun(ctx, s, profiles, maxTier, answers)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	printIgnoredAnswers(out, fr, answers)
	var validate remediate.Validator
	if !noValidate {
		validate = installedValidator()
	}
	p, ids, err := fr.Prepare(ctx, s, validate)
	if err != nil {
		return refused(err)
	}

	printHardenPlan(out, s, profiles, fr, ids)
	if p == nil {
		fmt.Fprintln(out, "\nNothing to change.")
		printLeft(c, fr)
		printCriticalsLeft(out, fr.Audit, fr, maxTier)
		return nil
	}
	printReview(out, p, p.Changes)
	printLeft(c, fr)
	set, written, err := commitReviewed(out, p.Txn, writeStep{
		DryRun:   dry,
		Confirm:  func(q string) bool { return confirm(c, yes, q) },
		Question: "Write these changes?",
		Meta:     remediate.BackupMeta{Command: "harden", CheckIDs: ids, ToolVersion: version},
	})
	if err != nil || !written {
		return err
	}
	_, after, err := reaudit(ctx, "written")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nbefore: %s → after: %s\n", countLine(fr.Audit.Summary), countLine(after.Summary))
	printCriticalsLeft(out, after, fr, maxTier)
	printBackup(out, set)
	fmt.Fprintf(out, "next: %s (add the guide's security rules to each agent's AGENTS.md)\n", hsCommand("rules"))
	return nil
}

// hardenProfiles are the agents' access profiles: as the config has them,
// with --profile agent=profile over them.
func hardenProfiles(s *model.Snapshot, profileFlags []string) (map[string]baseline.Profile, error) {
	profiles := baseline.AgentProfiles(s.Doc)
	for _, e := range profileFlags {
		id, p, ok := cutEq(e)
		if !ok {
			return nil, withCode(exitBadInput, fmt.Errorf("--profile %q: write agent=profile, e.g. main=personal", e))
		}
		prof, err := baseline.ParseProfile(p)
		if err != nil {
			return nil, withCode(exitBadInput, fmt.Errorf("--profile %q: %v", e, err))
		}
		profiles[id] = prof
	}
	return profiles, nil
}

// printHardenPlan is the head of the review: each agent's profile, then
// the fixes of this run by tier.
func printHardenPlan(out io.Writer, s *model.Snapshot, profiles map[string]baseline.Profile, fr *baseline.FirstRun, ids []string) {
	fmt.Fprintf(out, "hardshell harden: %s\n\nAgent profiles:\n", s.Target.StateDir)
	for _, a := range s.Doc.Agents() {
		if pr, ok := profiles[a.ID]; ok {
			fmt.Fprintf(out, "  %s: %s\n", a.ID, pr.Describe())
		}
	}
	for id, pr := range profiles {
		found := false
		for _, a := range s.Doc.Agents() {
			found = found || a.ID == id
		}
		if !found {
			fmt.Fprintf(out, "  %s (new): %s\n", id, pr.Describe())
		}
	}
	tier := model.Tier(0)
	for _, st := range fr.Steps {
		if !containsID(ids, st.Finding.CheckID) {
			continue
		}
		if st.Finding.Priority != tier {
			tier = st.Finding.Priority
			fmt.Fprintf(out, "\nTier %d — %s:\n", tier, tier.Name())
		}
		how := "safe fix"
		if st.Finding.Fix == model.FixGuided {
			how = "guided, safe defaults"
		}
		fmt.Fprintf(out, "  [%s] %s — %s (%s)\n", st.Finding.Severity, st.Finding.CheckID, st.Title, how)
	}
}

// printIgnoredAnswers notes the --answer flags the plan did not use: for a
// check with no finding in the chosen tiers, or for a question that does
// not apply to the other answers (the same rule as fix).
func printIgnoredAnswers(out io.Writer, fr *baseline.FirstRun, answers map[string]model.Answers) {
	var notes []string
	for id := range answers {
		if !fr.Planned[id] {
			notes = append(notes, fmt.Sprintf("--answer %s.…: no finding %s with a fix in the chosen tiers (ignored)", id, id))
		}
	}
	for _, ig := range fr.Ignored {
		notes = append(notes, ignoredAnswer(ig.CheckID, ig.Question, ig.Answers))
	}
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Fprintln(out, "note:", n)
	}
}

func printLeft(c *cobra.Command, fr *baseline.FirstRun) {
	if len(fr.Left) == 0 {
		return
	}
	fmt.Fprintln(c.OutOrStdout(), "\nLeft for hardshell fix or the wizard:")
	for _, l := range fr.Left {
		fmt.Fprintln(c.OutOrStdout(), "  "+l)
	}
}

// printCriticalsLeft lists each critical finding of rep with why harden
// left it: the reason the plan gave (fr.Left), a tier beyond --tiers, or a
// check hardshell has no automatic fix for.
func printCriticalsLeft(out io.Writer, rep *audit.Report, fr *baseline.FirstRun, maxTier model.Tier) {
	reasons := map[string]string{}
	for _, l := range fr.Left {
		if id, why, ok := strings.Cut(l, ": "); ok {
			reasons[id] = why
		}
	}
	var lines []string
	for _, f := range rep.Findings {
		if f.Severity != model.Critical {
			continue
		}
		why, ok := reasons[f.CheckID]
		switch {
		case ok:
		case f.Priority > maxTier:
			why = fmt.Sprintf("tier %d (%s) is beyond --tiers %d", int(f.Priority), f.Priority.Name(), int(maxTier))
		default:
			if f.Fix == model.FixManual || f.Fix == "" {
				why = "no automatic fix: it needs a change only you can make"
			} else {
				why = "its fix did not clear it in this run"
			}
		}
		lines = append(lines, fmt.Sprintf("  %s — %s\n      why left: %s; see %s", f.CheckID, f.Title, why, hsCommand("explain", f.CheckID)))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(out, "\nCritical findings left (%d):\n", len(lines))
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
}

func cutEq(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return s[:i], s[i+1:], i > 0
		}
	}
	return "", "", false
}
