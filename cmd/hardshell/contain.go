package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"strings"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/contain"
	"github.com/spf13/cobra"
)

// containFlags are `hardshell contain`'s own flags.
type containFlags struct {
	yes, dryRun   bool
	since         string
	dm, groups    string
	reportDir     string
	keepControlUI bool
	noValidate    bool
	logDir        string
}

func newContainCmd() *cobra.Command {
	var f containFlags
	c := &cobra.Command{
		Use:   "contain",
		Short: "Incident containment: lock the gateway down, rotate its secrets, review the evidence, write a report",
		Long: `Contain a suspected compromise, following the security guide's incident section:

  contain   gateway.bind loopback, Tailscale Serve/Funnel off, mDNS off, Control UI off,
            risky DMs dmPolicy "disabled" (--dm pairing to keep pairing), open groups on an
            allowlist with mentions required (--groups disabled to freeze them), every "*"
            allow-all removed, elevated off, exec/process/browser/web/gateway/cron denied;
  rotate    gateway token/password, hooks token and remote token as hardshell rotate does
            (in the form you use: literal, ${VAR} or env SecretRef in <state>/.env, a file
            SecretRef's file; an exec SecretRef is left to you), plus the list of
            provider credentials to rotate by hand and where each lives;
  review    the gateway log and session transcripts of the window (--since) for exec,
            process, write, edit, apply_patch, browser and web_fetch calls and message sends,
            and the extensions changed in it;
  report    a redacted incident report (Markdown and JSON, 0600) under
            <state>/.hardshell/incidents/<id>/ (or --report-dir);
  re-audit  before/after counts and anything still urgent.

With --host DEST it works on DEST's gateway over ssh: the evidence comes from
there (its transcripts, logs, extensions and state DB), the change and its
backup are written there, and so is the report (named DEST:PATH).

Without --yes it asks on a terminal; with no terminal and no --yes it shows the plan,
writes nothing and exits 1. --dry-run never writes config (the report is still written).
Exit codes: 0 contained or not confirmed; 1 refused or failed; 2 bad input.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runContain(c, f, c.InOrStdin(), stdinIsTTY) },
	}
	fl := c.Flags()
	fl.BoolVarP(&f.yes, "yes", "y", false, "apply without asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show the containment and write only the report")
	fl.StringVar(&f.since, "since", "24h", "start of the evidence window: a duration back from now (24h, 3d) or an RFC 3339 time")
	fl.StringVar(&f.dm, "dm", contain.DMDisabled, "what risky DMs become: disabled or pairing")
	fl.StringVar(&f.groups, "groups", contain.GroupsAllowlist, "what open groups become: allowlist (mention required) or disabled")
	fl.StringVar(&f.reportDir, "report-dir", "", "write the report here (default <state>/.hardshell/incidents/<id>)")
	fl.BoolVar(&f.keepControlUI, "keep-control-ui", false, "leave the Control UI on")
	fl.BoolVar(&f.noValidate, "no-validate", false, "skip the check of the new config with the installed openclaw CLI")
	fl.StringVar(&f.logDir, "log-dir", contain.DefaultLogDir, "where the gateway's daily logs are (when logging.file is not set)")
	return c
}

func init() { rootCmd.AddCommand(newContainCmd()) }

// parseSince reads --since: a duration (with a "d" day suffix) back from
// now, or an RFC 3339 time.
func parseSince(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		if t.After(now) {
			return time.Time{}, &model.InputError{Msg: "--since " + v + " is in the future"}
		}
		return t, nil
	}
	if strings.HasSuffix(v, "d") {
		var days int
		if _, err := fmt.Sscanf(v, "%dd", &days); err == nil && days > 0 && fmt.Sprintf("%dd", days) == v {
			return now.Add(-time.Duration(days) * 24 * time.Hour), nil
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return time.Time{}, &model.InputError{Msg: fmt.Sprintf("--since: %q is neither a duration (24h, 90m, 3d) nor an RFC 3339 time (2026-11-24T18:00:00Z)", v)}
	}
	return now.Add(-d), nil
}

func runContain(c *cobra.Command, f containFlags, in io.Reader, isTTY func() bool) error {
	out := c.OutOrStdout()
	now := time.Now().UTC()
	since, err := parseSince(f.since, now)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if session != nil {
		for _, d := range [][2]string{{"--report-dir", f.reportDir}, {"--log-dir", f.logDir}} {
			if d[1] != "" && !path.IsAbs(d[1]) {
				return withCode(exitBadInput, fmt.Errorf("with --host, give %s as an absolute path on %s, not %q", d[0], hostFlag, d[1]))
			}
		}
	}
	opts := contain.Options{DM: f.dm, Groups: f.groups, KeepControlUI: f.keepControlUI, Getenv: targetLookupEnv()}
	if err := opts.Validate(); err != nil {
		return withCode(exitBadInput, err)
	}
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, fmt.Errorf("config unreadable, nothing was changed (stop the gateway meanwhile: openclaw gateway stop): %w", s.DocErr))
	}
	if s.ConfigMissing {
		return withCode(exitBadInput, fmt.Errorf("no OpenClaw config at %s: nothing to contain", s.Target.ConfigPath))
	}
	ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt)
	defer stop()
	before, err := audit.Run(ctx, s, audit.Options{ToolVersion: version})
	if err != nil {
		return withCode(exitBadInput, err)
	}

	opts.Before = before
	cs, p, err := planContain(ctx, s, before, opts, f.noValidate)
	if err != nil {
		return err
	}
	printContainPlan(out, s, p, cs)

	// Everything the report reads from disk is read now, before anything
	// is written: after the commit only the report itself is written.
	host, zone := targetMachine(ctx)
	fin := contain.FinishInput{Before: s, Changes: cs, Options: opts, AuditBefore: before,
		DryRun: f.dryRun, Since: since, Now: now, Scan: contain.ScanOptions{LogDir: f.logDir, Zone: zone, Command: hsCommand}, Dir: f.reportDir, Host: host}
	fin.Gathered = contain.Gather(fin)

	if nixManaged() && !f.dryRun {
		return nixRefusal("contain")
	}
	set, proceed, err := commitContain(out, in, isTTY, f, p)
	if err != nil || !proceed {
		return err
	}
	return reportContain(ctx, out, fin, set)
}

// planContain plans the containment and prepares it (the validator refuses
// only problems the change introduces).
func planContain(ctx context.Context, s *model.Snapshot, before *audit.Report, opts contain.Options, noValidate bool) (model.ChangeSet, *remediate.Prepared, error) {
	cs, err := contain.Plan(s, opts)
	if err != nil {
		return cs, nil, withCode(exitFindings, fmt.Errorf("cannot plan the containment: %w", err))
	}
	var validate remediate.Validator
	if !noValidate {
		if v := installedValidator(); v != nil {
			validate = onlyNewIssues(s, v)
		}
	}
	p, err := remediate.PrepareWith(ctx, remediate.PrepareInput{Snapshot: s, Before: before, Changes: cs, Validate: validate})
	if err != nil {
		return cs, nil, refused(err)
	}
	return cs, p, nil
}

// printContainPlan shows the containment and the review of its change.
func printContainPlan(out io.Writer, s *model.Snapshot, p *remediate.Prepared, cs model.ChangeSet) {
	fmt.Fprintf(out, "hardshell contain: %s (%s)\n\n", s.Target.StateDir, s.Target.ConfigPath)
	fmt.Fprintln(out, "Containment:")
	for _, ch := range contain.ChangesOf(cs) {
		fmt.Fprintf(out, "  %s — %s\n", model.MaskText(ch.What), model.MaskText(ch.Reason))
	}
	printReview(out, p, cs)
	if len(p.Files) == 0 && len(cs.After) > 0 {
		fmt.Fprintln(out, "\nAfterwards:")
		for _, a := range cs.After {
			fmt.Fprintln(out, "  "+followUp().Step(a))
		}
	}
}

// commitContain is the write: a dry run writes nothing and goes on to the
// report; otherwise contain's gate (its own wording without a terminal)
// and the shared commit tail. proceed=false ends the command with exit 0.
func commitContain(out io.Writer, in io.Reader, isTTY func() bool, f containFlags, p *remediate.Prepared) (set *remediate.BackupSet, proceed bool, err error) {
	if f.dryRun {
		fmt.Fprintln(out, "\ndry run: the config was not changed")
		return nil, true, nil
	}
	return commitReviewed(out, p.Txn, writeStep{
		Confirm: func(q string) bool {
			switch {
			case f.yes:
				return true
			case isTTY():
				if !ask(out, bufio.NewReader(in), q) {
					fmt.Fprintln(out, "nothing written")
					return false
				}
				return true
			}
			fmt.Fprintln(out, "\nnothing written: no terminal to confirm on (use --yes)")
			return false
		},
		Question:    "\nContain now (write these changes)?",
		Meta:        remediate.BackupMeta{Command: "contain", CheckIDs: p.Fixed, ToolVersion: version},
		ShowSkipped: true,
	})
}

// reportContain re-audits (unless a dry run), writes the incident report
// and prints the evidence summary.
func reportContain(ctx context.Context, out io.Writer, fin contain.FinishInput, set *remediate.BackupSet) error {
	before, after := fin.AuditBefore, fin.AuditBefore
	if !fin.DryRun {
		var err error
		if _, after, err = reaudit(ctx, "contained"); err != nil {
			return err
		}
	}
	fin.AuditAfter = after
	if set != nil {
		fin.BackupID = set.ID
	}
	rep, mdPath, jsonPath, err := contain.Finish(fin)
	if err != nil {
		return withCode(exitFindings, err)
	}
	ev := rep.Evidence

	fmt.Fprintf(out, "\nEvidence %s → %s: %d risky tool call(s), %d message send(s) (%d to new recipients), %d extension(s) changed, %d transcript(s) and %d log file(s) reviewed\n",
		rep.Window[0].Format(time.RFC3339), rep.Window[1].Format(time.RFC3339), len(ev.ToolCalls), len(ev.Sends), countNew(ev.Sends), len(ev.Extensions), len(ev.Transcripts), len(ev.LogFiles))
	if db := ev.StateDB; db != nil {
		fmt.Fprintf(out, "state DB: %d audit event(s), %d inbound message(s) in the window\n", len(db.Audit), len(db.Ingress))
		if len(db.Grants) > 0 {
			fmt.Fprintln(out, "Approvals made in the window (take back what you did not approve):")
			for _, g := range db.Grants {
				fmt.Fprintf(out, "  %s %s\n    undo: %s\n", g.Time.Format(time.RFC3339), g.What, g.Undo)
			}
		}
	}
	fmt.Fprintf(out, "\nbefore: %s → after: %s\n", countLine(before.Summary), countLine(after.Summary))
	if urgent := rep.AuditAfter.Urgent; len(urgent) > 0 {
		fmt.Fprintf(out, "still urgent (tier 1/2): %s\n", strings.Join(urgent, ", "))
	} else if !fin.DryRun {
		fmt.Fprintln(out, "no tier-1 or tier-2 finding left")
	}
	printBackup(out, set)
	fmt.Fprintf(out, "report: %s\n        %s\n", targetPath(mdPath), targetPath(jsonPath))
	if session != nil && !fin.DryRun {
		// the restart is a step for the operator here too (see the
		// steps above); over --host it is spelled as the ssh to run
		fmt.Fprintf(out, "restart the gateway on %s: %s\n", hostFlag, onTarget(followUp().OpenClaw("gateway", "restart")))
	}
	return nil
}

func countNew(sends []contain.Send) int {
	n := 0
	for _, s := range sends {
		if s.NewRecipient {
			n++
		}
	}
	return n
}

// onlyNewIssues wraps a validator so that it refuses only problems the
// change introduces: an emergency lock-down must not be blocked because
// the config already had keys the installed OpenClaw rejects (those are
// printed as notes by the caller's review of the validator output).
func onlyNewIssues(s *model.Snapshot, v remediate.Validator) remediate.Validator {
	return func(configPath string, files map[string][]byte) ([]string, error) {
		msgs, err := v(configPath, files)
		if err != nil || len(msgs) == 0 {
			return msgs, err
		}
		orig := map[string][]byte{}
		for _, f := range s.Doc.Files {
			if _, ok := files[f.Path]; ok {
				orig[f.Path] = f.Data
			}
		}
		old, err := v(configPath, orig)
		if err != nil {
			return msgs, nil
		}
		had := map[string]bool{}
		for _, m := range old {
			had[m] = true
		}
		var fresh []string
		for _, m := range msgs {
			if !had[m] {
				fresh = append(fresh, m)
			}
		}
		return fresh, nil
	}
}
