package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/baseline"
	"github.com/hardshell/hardshell/tui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// `hardshell baseline` writes the security guide's secure baseline plus the
// operator's choices (issue 7, part 4): a new commented openclaw.json (-o),
// or edits that bring the located config to it (--merge). Both go through
// remediate's transaction: masked diff, backup, atomic 0600 write.

type baselineFlags struct {
	channels  []string
	dm        string
	allowFrom []string
	groups    bool
	mention   []string
	profiles  []string
	exposure  string
	era       string
	output    string
	merge     bool
	force     bool
	yes       bool
	dryRun    bool
	tokenEnv  bool
	noComment bool
}

func init() {
	var f baselineFlags
	c := &cobra.Command{
		Use:   "baseline",
		Short: "Write the security guide's secure baseline config (or merge it into yours)",
		Long: `Write the security guide's secure baseline: a loopback gateway with a fresh 48-character token,
DMs by pairing or allowlist, groups only when mentioned, the guide's per-agent access profiles
(personal = full access, readonly = sandbox + read-only tools, public = sandbox, no filesystem/shell),
no elevated exec and minimal mDNS — with a comment above each setting saying why.

On a terminal with no flags it asks; otherwise flags and defaults decide. -o FILE writes a new file
(refusing to overwrite without --force); --merge edits the located config, only tightening it and
keeping its comments. The token is written to the file (or, with --token-env, to <state>/.env as
OPENCLAW_GATEWAY_TOKEN) and is never printed in full.`,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annCreatesConfig: "yes"},
		RunE:        func(c *cobra.Command, _ []string) error { return runBaseline(c, f) },
	}
	fl := c.Flags()
	fl.StringSliceVar(&f.channels, "channels", nil, "channels to configure: "+strings.Join(baseline.KnownChannels, ","))
	fl.StringVar(&f.dm, "dm", "pairing", "who may DM the bot: pairing or allowlist")
	fl.StringSliceVar(&f.allowFrom, "allow-from", nil, "sender ids allowed without pairing, as channel:id (e.g. telegram:123456789,whatsapp:+15555550123)")
	fl.BoolVar(&f.groups, "groups", false, "answer in groups, only when mentioned (default: groups off)")
	fl.StringSliceVar(&f.mention, "mention", nil, "group mention patterns, with --groups (default @openclaw)")
	fl.StringSliceVar(&f.profiles, "profile", nil, "agent access profiles as id=personal|readonly|public (default main=personal)")
	fl.StringVar(&f.exposure, "exposure", "loopback", "loopback, or tailnet (loopback + Tailscale Serve)")
	fl.StringVar(&f.era, "era", "auto", "config shape: auto, 2026.2 (agents.list) or 2026.9 (agents.entries)")
	fl.StringVarP(&f.output, "output", "o", "", "write a new config file here (default: the located config when it does not exist)")
	fl.BoolVar(&f.merge, "merge", false, "merge into the located config instead of writing a new one")
	fl.BoolVar(&f.force, "force", false, "with -o: replace an existing file (it is backed up)")
	fl.BoolVarP(&f.yes, "yes", "y", false, "write without asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show what would be written (token masked), write nothing")
	fl.BoolVar(&f.tokenEnv, "token-env", false, "write ${OPENCLAW_GATEWAY_TOKEN} and put the token in <state>/.env")
	fl.BoolVar(&f.noComment, "no-comments", false, "omit the explanatory comments")
	rootCmd.AddCommand(c)
}

// baselineFlagOf names the flag that answers each baseline question.
var baselineFlagOf = map[string]string{
	baseline.QChannels: "channels", baseline.QDM: "dm", baseline.QAllowFrom: "allow-from", baseline.QGroups: "groups",
	baseline.QMention: "mention", baseline.QProfiles: "profile", baseline.QExposure: "exposure",
}

// baselineAnswers are the answers the flags given on the command line
// give; unanswered questions take their defaults in baseline.Prepare.
func baselineAnswers(c *cobra.Command, f baselineFlags) model.Answers {
	vals := map[string]string{
		"channels": strings.Join(f.channels, ","), "dm": f.dm, "allow-from": strings.Join(f.allowFrom, ","),
		"groups": "no", "mention": strings.Join(f.mention, ","), "profile": strings.Join(f.profiles, ","), "exposure": f.exposure,
	}
	if f.groups {
		vals["groups"] = "yes"
	}
	a := model.Answers{}
	for q, flag := range baselineFlagOf {
		if c.Flags().Changed(flag) {
			a[q] = vals[flag]
		}
	}
	return a
}

func runBaseline(c *cobra.Command, f baselineFlags) error {
	out := c.OutOrStdout()
	if f.merge && f.output != "" {
		return withCode(exitBadInput, errors.New("use either -o FILE or --merge"))
	}
	era, err := baseline.ParseEra(f.era)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--%v", err))
	}
	answers := baselineAnswers(c, f)
	term := terminal(c.OutOrStdout())
	if noneChanged(c) && isTTY(os.Stdin) && term != nil && isTTY(term) {
		if answers, err = tui.AskQuestions(baseline.Questions(), os.Stdin, term); err != nil {
			return withCode(exitBadInput, err)
		}
	}
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if session != nil && f.output != "" && !filepath.IsAbs(f.output) {
		// a relative -o would name a path on this machine
		return withCode(exitBadInput, fmt.Errorf("with --host, give -o as an absolute remote path, not %q", f.output))
	}
	pl, err := baseline.Prepare(context.Background(), s, baseline.Request{
		Answers: answers, Era: era, TokenEnv: f.tokenEnv, Comments: !f.noComment,
		Merge: f.merge, Output: f.output, Force: f.force, Validate: installedValidator(),
	})
	var ex *baseline.ExistsError
	var in *baseline.InputError
	switch {
	case errors.As(err, &ex):
		return withCode(exitBadInput, fmt.Errorf("%s exists; use --merge to bring it to the baseline, or --force to replace it (it is backed up)", ex.Path))
	case errors.As(err, &in):
		return withCode(exitBadInput, in.Err)
	case err != nil:
		return withCode(exitFindings, err)
	}
	for _, q := range pl.Ignored {
		when := fmt.Sprintf("when --%s is %s", baselineFlagOf[q.When.ID], strings.Join(q.When.Values, " or "))
		if q.When.ID == baseline.QGroups {
			when = "with --groups"
		}
		fmt.Fprintf(out, "note: --%s ignored: it applies only %s\n", baselineFlagOf[q.ID], when)
	}
	for _, w := range pl.Warnings {
		fmt.Fprintln(c.ErrOrStderr(), "hardshell:", w)
	}
	if pl.Merge {
		return commitBaselineMerge(c, s, pl, f)
	}
	// the file is shown before anything is asked (the token masked)
	shown := maskToken(string(pl.Data), pl.Options.Token)
	fmt.Fprint(out, shown)
	if !strings.HasSuffix(shown, "\n") {
		fmt.Fprintln(out)
	}
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing written")
		return nil
	}
	if nixManaged() {
		return nixRefusal("baseline")
	}
	set, written, err := commitReviewed(out, pl.Prepared.Txn, writeStep{
		Confirm:  func(q string) bool { return confirm(c, f.yes, q) },
		Question: "Write the baseline to " + pl.Target + "?",
		Meta:     remediate.BackupMeta{Command: "baseline", ToolVersion: version, CheckIDs: []string{baseline.CheckID}},
	})
	if err != nil || !written {
		return err
	}
	fmt.Fprintf(out, "wrote %s (0600)\n", pl.Target)
	printBaselineSummary(out, pl.Options)
	if set != nil && hasBackup(set) {
		fmt.Fprintf(out, "backup %s (undo: %s)\n", set.ID, hsCommand("restore", set.ID))
	}
	ft := followUp()
	fmt.Fprintf(out, "next: %s; %s; %s\n", ft.OnHost(ft.OpenClaw("config", "validate")), ft.Command("audit"), ft.OnHost(ft.OpenClaw("gateway", "restart")))
	return nil
}

func hasBackup(set *remediate.BackupSet) bool {
	for _, e := range set.Entries {
		if e.Backup != "" {
			return true
		}
	}
	return false
}

func commitBaselineMerge(c *cobra.Command, s *model.Snapshot, pl *baseline.Plan, f baselineFlags) error {
	out := c.OutOrStdout()
	p := pl.Prepared
	if p == nil {
		fmt.Fprintln(out, "the config already meets the baseline; nothing to change")
		return nil
	}
	fmt.Fprint(out, p.Diff())
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing written")
		return nil
	}
	if nixManaged() {
		return nixRefusal("baseline --merge")
	}
	set, written, err := commitReviewed(out, p.Txn, writeStep{
		Confirm:  func(q string) bool { return confirm(c, f.yes, q) },
		Question: "Apply these changes?",
		Meta:     remediate.BackupMeta{Command: "baseline --merge", ToolVersion: version, CheckIDs: []string{baseline.CheckID}},
	})
	if err != nil || !written {
		return err
	}
	fmt.Fprintf(out, "merged the baseline into %s (%d changes)\n", s.Target.ConfigPath, len(p.Changes.Edits))
	printBaselineSummary(out, pl.Options)
	if set != nil {
		fmt.Fprintf(out, "backup %s (undo: %s)\n", set.ID, hsCommand("restore", set.ID))
	}
	return nil
}

// noneChanged reports that no flag of the command itself was given (the
// global --state-dir/--config do not count).
func noneChanged(c *cobra.Command) bool {
	changed := false
	c.LocalNonPersistentFlags().VisitAll(func(fl *pflag.Flag) { changed = changed || fl.Changed })
	return !changed
}

func printBaselineSummary(w io.Writer, o baseline.Options) {
	tok := model.Mask(o.Token)
	if o.TokenEnv {
		tok += " in <state>/.env as " + baseline.TokenVar
	}
	fmt.Fprintf(w, "  gateway: loopback:18789, token %s, exposure %s\n", tok, o.Exposure)
	for _, ch := range o.Channels {
		d := o.DM[ch]
		groups := "groups off"
		if o.Groups {
			groups = "groups on mention"
		}
		fmt.Fprintf(w, "  %s: DMs by %s (%d allowed ids), %s\n", ch, d.Policy, len(d.AllowFrom), groups)
	}
	for _, id := range o.AgentIDs() {
		fmt.Fprintf(w, "  agent %s: %s\n", id, o.Profiles[id].Describe())
	}
}

func maskToken(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, model.Mask(token))
}
