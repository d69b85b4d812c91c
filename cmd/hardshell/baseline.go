package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/baseline"
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
	fl.StringSliceVar(&f.mention, "mention", nil, "group mention patterns (e.g. @openclaw)")
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

// baselineOptions turns flags into options.
func baselineOptions(f baselineFlags) (baseline.Options, error) {
	o := baseline.Options{Channels: f.channels, Groups: f.groups, MentionPatterns: f.mention,
		TokenEnv: f.tokenEnv, Comments: !f.noComment, DM: map[string]baseline.DMPolicy{}}
	if f.dm != "pairing" && f.dm != "allowlist" {
		return o, fmt.Errorf("--dm %q: use pairing or allowlist", f.dm)
	}
	for _, ch := range o.Channels {
		o.DM[strings.ToLower(strings.TrimSpace(ch))] = baseline.DMPolicy{Policy: f.dm}
	}
	for _, e := range f.allowFrom {
		ch, id, ok := strings.Cut(e, ":")
		ch = strings.ToLower(strings.TrimSpace(ch))
		if !ok || strings.TrimSpace(id) == "" {
			return o, fmt.Errorf("--allow-from %q: write channel:id, e.g. telegram:123456789", e)
		}
		d, known := o.DM[ch]
		if !known {
			return o, fmt.Errorf("--allow-from %q: %s is not in --channels", e, ch)
		}
		d.AllowFrom = append(d.AllowFrom, id)
		o.DM[ch] = d
	}
	if len(f.profiles) > 0 {
		o.Profiles = map[string]baseline.Profile{}
		for _, e := range f.profiles {
			id, p, ok := strings.Cut(e, "=")
			if !ok {
				return o, fmt.Errorf("--profile %q: write agent=profile, e.g. main=personal", e)
			}
			prof, err := baseline.ParseProfile(p)
			if err != nil {
				return o, fmt.Errorf("--profile %q: %v", e, err)
			}
			o.Profiles[strings.TrimSpace(id)] = prof
		}
		if _, ok := o.Profiles["main"]; !ok {
			ids := make([]string, 0, len(o.Profiles))
			for id := range o.Profiles {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			o.DefaultAgent = ids[0]
		}
	}
	exp, err := baseline.ParseExposure(f.exposure)
	if err != nil {
		return o, err
	}
	o.Exposure = exp
	switch f.era {
	case "auto", "":
	case "2026.2", "guide", "list":
		o.Era = model.EraGuide
	case "2026.9", "2026.7", "modern", "entries":
		o.Era = model.EraModern
	default:
		return o, fmt.Errorf("--era %q: use auto, 2026.2 or 2026.9", f.era)
	}
	return o, nil
}

func runBaseline(c *cobra.Command, f baselineFlags) error {
	out := c.OutOrStdout()
	if f.merge && f.output != "" {
		return withCode(exitBadInput, errors.New("use either -o FILE or --merge"))
	}
	term := terminal(c.OutOrStdout())
	interactive := noneChanged(c) && isTTY(os.Stdin) && term != nil && isTTY(term)
	if interactive {
		if err := askBaseline(&f, term); err != nil {
			return withCode(exitBadInput, err)
		}
	}
	o, err := baselineOptions(f)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if f.era == "auto" || f.era == "" {
		o.Era = s.Era.Era
	}
	// the workspaces follow the target state dir; the home's default one
	// is written ~/.openclaw, as OpenClaw's onboarding does
	if s.Target.Home == "" || filepath.Clean(s.Target.StateDir) != filepath.Join(s.Target.Home, ".openclaw") {
		o.StateDir = s.Target.StateDir
	}
	if f.merge && len(o.Channels) == 0 && s.Doc != nil {
		// merge tightens every channel the config already has
		for _, sc := range s.Doc.Scopes() {
			if sc.Account == "" && slices.Contains(baseline.KnownChannels, sc.Channel) {
				o.Channels = append(o.Channels, sc.Channel)
				o.DM[sc.Channel] = baseline.DMPolicy{Policy: f.dm}
			}
		}
	}
	if err := o.Normalize(); err != nil {
		return withCode(exitBadInput, err)
	}
	if f.merge {
		return mergeBaseline(c, s, o, f)
	}

	target := f.output
	if target == "" {
		target = s.Target.ConfigPath
	}
	target, err = filepath.Abs(target)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if _, err := os.Lstat(target); err == nil && !f.force {
		return withCode(exitBadInput, fmt.Errorf("%s exists; use --merge to bring it to the baseline, or --force to replace it (it is backed up)", target))
	}
	data, err := baseline.Render(o)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	stateDir := filepath.Dir(target)
	if f.output == "" {
		stateDir = s.Target.StateDir
	}
	t := remediate.NewTxn(stateDir)
	t.AllowIn(filepath.Dir(target)) // the config's own folder
	t.Write(target, data, 0o600, "secure baseline")
	if o.TokenEnv {
		envPath := filepath.Join(stateDir, ".env")
		old, err := remediate.ReadUnlinked(envPath, "hardshell does not write through it")
		if err != nil {
			return withCode(exitBadInput, err)
		}
		env, err := remediate.UpsertDotenv(old, baseline.TokenVar, o.Token)
		if err != nil {
			return withCode(exitBadInput, fmt.Errorf("%s: %w", envPath, err))
		}
		t.Write(envPath, env, 0o600, "gateway token for ${"+baseline.TokenVar+"}")
	}
	if v := installedValidator(); v != nil {
		msgs, err := v(target, map[string][]byte{target: data})
		if err != nil {
			fmt.Fprintf(c.ErrOrStderr(), "hardshell: could not run openclaw config validate: %v\n", err)
		} else if len(msgs) > 0 {
			return withCode(exitFindings, fmt.Errorf("the installed OpenClaw rejects the baseline (try --era): %s", strings.Join(msgs, "; ")))
		}
	}
	// the file is shown before anything is asked (the token masked)
	shown := maskToken(string(data), o.Token)
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
	if !confirm(c, f.yes, "Write the baseline to "+target+"?") {
		return nil
	}
	set, err := t.Commit(remediate.BackupMeta{Command: "baseline", ToolVersion: version, CheckIDs: []string{baseline.CheckID}})
	if err != nil {
		return withCode(exitFindings, err)
	}
	fmt.Fprintf(out, "wrote %s (0600)\n", target)
	printBaselineSummary(out, o)
	if set != nil && hasBackup(set) {
		fmt.Fprintf(out, "backup %s (undo: %s)\n", set.ID, hsCommand("restore", set.ID))
	}
	ft := followUp()
	fmt.Fprintf(out, "next: %s; %s; %s\n", ft.OpenClaw("config", "validate"), ft.Command("audit"), ft.OpenClaw("gateway", "restart"))
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

func mergeBaseline(c *cobra.Command, s *model.Snapshot, o baseline.Options, f baselineFlags) error {
	out := c.OutOrStdout()
	if s.ConfigMissing {
		return withCode(exitBadInput, fmt.Errorf("no config at %s to merge into; run hardshell baseline without --merge to write one", s.Target.ConfigPath))
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, s.DocErr)
	}
	edits, err := baseline.Merge(s.Doc, o)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	cs := model.ChangeSet{Edits: edits}
	if o.TokenEnv {
		for _, e := range edits {
			if e.Path == "gateway.auth.token" {
				envPath := filepath.Join(s.Target.StateDir, ".env")
				old, err := remediate.ReadUnlinked(envPath, "hardshell does not write through it")
				if err != nil {
					return withCode(exitBadInput, err)
				}
				env, err := remediate.UpsertDotenv(old, baseline.TokenVar, o.Token)
				if err != nil {
					return withCode(exitBadInput, fmt.Errorf("%s: %w", envPath, err))
				}
				cs.Writes = append(cs.Writes, model.FileWrite{Path: envPath, Data: env, Mode: 0o600, Reason: "gateway token"})
			}
		}
	}
	if cs.Empty() {
		fmt.Fprintln(out, "the config already meets the baseline; nothing to change")
		return nil
	}
	p, err := remediate.Prepare(context.Background(), s, cs, installedValidator())
	if err != nil {
		return withCode(exitFindings, err)
	}
	fmt.Fprint(out, p.Diff())
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing written")
		return nil
	}
	if nixManaged() {
		return nixRefusal("baseline --merge")
	}
	if !confirm(c, f.yes, "Apply these changes?") {
		return nil
	}
	set, err := p.Txn.Commit(remediate.BackupMeta{Command: "baseline --merge", ToolVersion: version, CheckIDs: []string{baseline.CheckID}})
	if err != nil {
		return withCode(exitFindings, err)
	}
	fmt.Fprintf(out, "merged the baseline into %s (%d changes)\n", s.Target.ConfigPath, len(edits))
	printBaselineSummary(out, o)
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

// askBaseline fills the flags from huh forms on term (a terminal and no
// flags; the prompts are fixed text).
func askBaseline(f *baselineFlags, term *os.File) error {
	var opts []huh.Option[string]
	for _, ch := range baseline.KnownChannels {
		opts = append(opts, huh.NewOption(ch, ch))
	}
	profiles := "main=personal"
	mention := "@openclaw"
	allow := ""
	exposure := "loopback"
	form := huh.NewForm(
		huh.NewGroup(
			huh.NewMultiSelect[string]().Title("Which channels does the bot use?").Options(opts...).Value(&f.channels),
			huh.NewSelect[string]().Title("Who may DM the bot?").Options(
				huh.NewOption("Pairing: unknown senders get a code you approve", "pairing"),
				huh.NewOption("Allowlist: only the sender ids you list", "allowlist")).Value(&f.dm),
			huh.NewInput().Title("Sender ids allowed without pairing (channel:id, comma-separated; may be empty)").Value(&allow),
		),
		huh.NewGroup(
			huh.NewConfirm().Title("Should the bot answer in group chats (only when mentioned)?").Value(&f.groups),
		),
		// asked only when groups are on: with groups off nobody mentions the bot
		huh.NewGroup(
			huh.NewInput().Title("Mention patterns (comma-separated)").Value(&mention),
		).WithHideFunc(func() bool { return !f.groups }),
		huh.NewGroup(
			huh.NewInput().Title("Agents and access profiles (id=personal|readonly|public, comma-separated)").
				Description("personal: full access, no sandbox · readonly: family/work, sandbox + read-only tools · public: sandbox, no filesystem/shell").
				Value(&profiles).Validate(func(s string) error {
				_, err := baselineOptions(baselineFlags{dm: "pairing", exposure: "loopback", era: "auto", profiles: splitComma(s)})
				return err
			}),
			huh.NewSelect[string]().Title("How do clients reach the gateway?").Options(
				huh.NewOption("This machine only (loopback)", "loopback"),
				huh.NewOption("My tailnet, through Tailscale Serve (gateway stays on loopback)", "tailnet")).Value(&exposure),
		),
	)
	if err := form.WithOutput(term).Run(); err != nil {
		return err
	}
	f.allowFrom = splitComma(allow)
	f.mention = nil
	if f.groups {
		f.mention = splitComma(mention)
	}
	f.profiles = splitComma(profiles)
	f.exposure = exposure
	if f.era == "" {
		f.era = "auto"
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
