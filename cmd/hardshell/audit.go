package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/spf13/cobra"
)

// auditFlags are `hardshell audit`'s own flags.
type auditFlags struct {
	json, sarif bool
	deep        bool
	deepTimeout time.Duration
	failOn      string
	baseline    string
	output      string
	sarifRoot   string
	sarifCat    string
	showPassed  bool
}

func newAuditCmd() *cobra.Command {
	var f auditFlags
	c := &cobra.Command{
		Use:   "audit",
		Short: "Audit the OpenClaw config and state dir (text, --json or --sarif)",
		Long: `Audit the OpenClaw gateway's config and state directory and print the findings,
ranked by the security guide's checklist: open inbound with tools, public
exposure, remote browser control, permissions, plugins, model choice.

Exit codes: 0 nothing at or above --fail-on; 1 a finding at or above --fail-on
(suppressed and --baseline findings do not count); 2 bad input or usage,
including a config that cannot be parsed (the report is still printed).

--json prints OpenClaw's own report shape ({ts, summary, findings, …}) plus
hardshell's fields; --sarif prints SARIF 2.1.0 for code-scanning tools.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAudit(c, f) },
	}
	fl := c.Flags()
	fl.BoolVar(&f.json, "json", false, "print the report as JSON (OpenClaw's shape first)")
	fl.BoolVar(&f.sarif, "sarif", false, "print the report as SARIF 2.1.0")
	fl.BoolVar(&f.deep, "deep", false, "also probe the running gateway without credentials (with --host: the remote's, through the ssh connection)")
	fl.DurationVar(&f.deepTimeout, "deep-timeout", audit.DefaultProbeTimeout, "time limit for the --deep probe")
	fl.StringVar(&f.failOn, "fail-on", "critical", "exit 1 when a finding is at or above this severity: critical, warn, info or none")
	fl.StringVar(&f.baseline, "baseline", "", "an earlier --json report; findings already in it do not fail the run")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE (mode 0600) instead of stdout")
	fl.BoolVar(&f.showPassed, "show-passed", false, "also list every check's verdict (pass, fail, unknown, not applicable) per tier with totals")
	fl.StringVar(&f.sarifRoot, "sarif-root", "", "with --sarif: the directory artifact URIs are relative to, e.g. the repository the state dir is checked into (default: the state dir)")
	fl.StringVar(&f.sarifCat, "sarif-category", "", "with --sarif: the run's category (runAutomationDetails.id), one per gateway when several are uploaded (default: hardshell/<host>/<state dir>)")
	c.MarkFlagsMutuallyExclusive("json", "sarif")
	_ = c.RegisterFlagCompletionFunc("fail-on", completeFailOn)
	return c
}

func init() { rootCmd.AddCommand(newAuditCmd()) }

func runAudit(c *cobra.Command, f auditFlags) error {
	threshold, err := audit.ParseFailOn(f.failOn)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	var base *audit.Baseline
	if f.baseline != "" {
		if base, err = audit.ReadBaseline(f.baseline); err != nil {
			return withCode(exitBadInput, err)
		}
	}
	s, err := loadSnapshot()
	if err != nil {
		return withCode(exitBadInput, err)
	}

	ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt)
	defer stop()
	rep, err := audit.Run(ctx, s, audit.Options{
		Deep:        f.deep,
		Probe:       remoteProbe(audit.ProbeOptions{Timeout: f.deepTimeout}),
		Live:        audit.ReadLive(audit.TargetFS(s), ""),
		ToolVersion: version,
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return withCode(exitBadInput, errors.New("audit interrupted"))
		}
		return withCode(exitBadInput, err)
	}
	rep.ApplyBaseline(base)

	if err := writeAuditReport(c, f, rep, s); err != nil {
		return withCode(exitBadInput, err)
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, fmt.Errorf("config unreadable: %w", s.DocErr))
	}
	if len(rep.Failing(threshold)) > 0 {
		return withCode(exitFindings, nil)
	}
	return nil
}

func writeAuditReport(c *cobra.Command, f auditFlags, rep *audit.Report, s *model.Snapshot) error {
	var w io.Writer = c.OutOrStdout()
	var file *os.File
	if f.output != "" {
		var err error
		file, err = os.OpenFile(f.output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return &model.InputError{File: f.output, Msg: "cannot write report: " + err.Error(), Err: err}
		}
		w = reportWriter(file)
	}
	var err error
	switch {
	case f.json:
		err = audit.WriteJSON(w, rep)
	case f.sarif:
		err = audit.WriteSARIFWith(w, rep, sarifOptions(f, s))
	default:
		err = audit.WriteText(w, rep, audit.TextOptions{Color: f.output == "" && audit.ColorFor(w), Command: hsCommand, ShowPassed: f.showPassed})
	}
	if file != nil {
		flush(w)
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// sarifOptions are --sarif-root and --sarif-category, with directories told
// apart through the target's file system.
func sarifOptions(f auditFlags, s *model.Snapshot) audit.SARIFOptions {
	o := audit.SARIFOptions{Category: f.sarifCat}
	if f.sarifRoot != "" {
		if abs, err := filepath.Abs(f.sarifRoot); err == nil {
			o.Root = abs
		}
	}
	if o.Category == "" {
		host, _ := os.Hostname()
		o.Category = "hardshell/" + strings.Trim(host+"/"+strings.Trim(filepath.ToSlash(s.Target.StateDir), "/"), "/")
	}
	fs := audit.TargetFS(s)
	o.IsDir = func(p string) bool {
		fi, err := fs.Stat(p)
		return err == nil && fi.IsDir()
	}
	o.Real = func(p string) string {
		if filepath.IsAbs(p) {
			if r, err := fs.EvalSymlinks(p); err == nil {
				return r
			}
		}
		return p
	}
	return o
}
