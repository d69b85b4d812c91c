package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/rotate"
	"github.com/spf13/cobra"
)

type rotateFlags struct {
	yes, dryRun, verify, restart bool
	timeout                      time.Duration
}

func newRotateCmd() *cobra.Command {
	var f rotateFlags
	c := &cobra.Command{
		Use:   "rotate [gateway|hooks|remote]",
		Short: "Rotate the gateway, hooks or remote secret everywhere it is kept, then prove the old one is refused",
		Long: `Generate a new random secret (24 bytes from crypto/rand, 48 hex characters) and
write it in the form the config already uses: a literal in the config, ${VAR}
in <state>/.env, or the SecretRef's env variable or file (an exec SecretRef is
left to its provider). Service definitions that bake the old secret into the
gateway's environment — systemd user units (Environment=, EnvironmentFile=),
launchd plists (EnvironmentVariables), .env — are updated in the same
transaction, with a backup (openclaw#19410: "device token mismatch" after a
change). OpenClaw's own config backups that still hold the old secret are
tightened to 0600.

Then it lists the restart commands and the remote clients to update, and
probes the gateway on 127.0.0.1: the old secret must be refused and the new
one accepted. --verify repeats only that probe (current secret vs. the one
the latest rotation replaced).

Secrets are never printed in full. Without a terminal, --yes is required to
write. Exit codes: 0 written, not confirmed, or --verify passed; 1 the write
was refused or failed, or --verify failed; 2 bad input.`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"gateway", "hooks", "remote"},
		RunE: func(c *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			return runRotate(c, f, arg)
		},
	}
	fl := c.Flags()
	fl.BoolVarP(&f.yes, "yes", "y", false, "write without asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show the change and write nothing")
	fl.BoolVar(&f.verify, "verify", false, "only probe the gateway: the current secret accepted, the replaced one refused")
	fl.BoolVar(&f.restart, "restart", false, "with --yes: run \"openclaw gateway restart\" after the write (when the CLI is installed)")
	fl.DurationVar(&f.timeout, "probe-timeout", audit.DefaultProbeTimeout, "time limit for each live probe")
	c.MarkFlagsMutuallyExclusive("verify", "dry-run")
	return c
}

func init() { rootCmd.AddCommand(newRotateCmd()) }

func runRotate(c *cobra.Command, f rotateFlags, arg string) error {
	out := c.OutOrStdout()
	target, err := rotate.ParseTarget(arg)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, s.DocErr)
	}
	ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt)
	defer stop()

	if target == rotate.Hooks && !hooksConfigured(s) {
		fmt.Fprintln(out, "Webhooks are not configured here (no hooks.token, and hooks.enabled is not true): there is no hooks token to rotate, and none was added.")
		return nil
	}

	if f.verify {
		return verifyRotation(ctx, out, s, target, f)
	}

	info, p, err := planRotation(ctx, s, target)
	if err != nil {
		return err
	}
	printRotationPlan(out, target, info, p)
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing written")
		return nil
	}
	if nixManaged() {
		return withCode(exitFindings, errors.New("OPENCLAW_NIX_MODE=1: the config is managed externally; nothing written"))
	}
	tty := stdinIsTTY()
	in := bufio.NewReader(c.InOrStdin())
	set, written, err := commitReviewed(out, p.Txn, writeStep{
		Confirm:  func(q string) bool { return confirmed(out, in, f.yes, stdinIsTTY, q, "nothing written") },
		Question: "Write these changes?",
		Meta:     remediate.BackupMeta{Command: "rotate " + string(target), ToolVersion: version},
	})
	if err != nil || !written {
		return err
	}
	printRotationWritten(out, info, p, set)
	restarted := false
	if target != rotate.Remote {
		restarted = restartAfterRotation(ctx, out, in, info, f, tty)
	}
	fmt.Fprintln(out, "\nUpdate the clients elsewhere:")
	for _, r := range info.Remote {
		fmt.Fprintln(out, "  - "+r)
	}

	fmt.Fprintln(out)
	if restarted {
		waitReachable(ctx, info.Port, 15*time.Second)
	}
	v := rotate.Verify(ctx, info, rotate.VerifyOptions{Timeout: f.timeout, Dial: targetDial()})
	printVerification(out, v, target, info, true)
	return nil
}

// verifyRotation is --verify: only the live probe, the current secret
// against the one the latest rotation replaced.
func verifyRotation(ctx context.Context, out io.Writer, s *model.Snapshot, target rotate.Target, f rotateFlags) error {
	info, err := rotate.VerifyInfo(s, target)
	if err != nil {
		return rotateErr(err)
	}
	if len(info.Old) == 0 {
		fmt.Fprintf(out, "no earlier `%s` in the backups: checking only that the current %s is accepted\n", hsCommand("rotate", string(target)), info.Kind)
	}
	v := rotate.Verify(ctx, info, rotate.VerifyOptions{Timeout: f.timeout, Dial: targetDial()})
	printVerification(out, v, target, info, false)
	if !v.OK() {
		return withCode(exitFindings, nil)
	}
	return nil
}

// planRotation plans the rotation and prepares it.
func planRotation(ctx context.Context, s *model.Snapshot, target rotate.Target) (rotate.Info, *remediate.Prepared, error) {
	cs, info, err := rotate.Plan(s, target, rotate.Options{Home: targetHome(), Getenv: targetLookupEnv()})
	if err != nil {
		return info, nil, rotateErr(err)
	}
	p, err := rotate.Prepare(ctx, s, cs, info, installedValidator())
	if err != nil {
		return info, nil, rotateErr(err)
	}
	return info, p, nil
}

// printRotationPlan shows the rotation: where the secret lives, the diff
// (secrets masked), the chmods, what is left alone and the manual steps.
func printRotationPlan(out io.Writer, target rotate.Target, info rotate.Info, p *remediate.Prepared) {
	fmt.Fprintf(out, "Rotating the %s %s (%s, kept as %s)\n", target, info.Kind, rotatedWhere(info), info.Form)
	if len(info.Old) > 0 {
		fmt.Fprintf(out, "old value(s): %s\n", maskList(info.Old))
	}
	if d := p.Diff(); d != "" { // the old and new secrets are registered by rotate.Plan
		fmt.Fprintln(out)
		fmt.Fprint(out, d)
		fmt.Fprintln(out)
	}
	for _, pc := range p.Txn.Plan() {
		if pc.Op == remediate.OpChmod {
			fmt.Fprintln(out, pc.String())
		}
	}
	fmt.Fprintf(out, "new %s (%s) will be written to %s\n", info.Kind, model.Mask(info.New), info.NewLocation)
	for _, b := range info.Chmodded {
		fmt.Fprintf(out, "  %s: %s\n", b.Path, b.Why)
	}
	for _, sk := range info.Skipped {
		fmt.Fprintf(out, "  not changed: %s %s\n", sk.Path, sk.Why)
	}
	for _, n := range info.Notes {
		fmt.Fprintln(out, "note: "+n)
	}
	printManual(out, info.Manual)
}

// printRotationWritten says what the commit wrote and where the new secret is.
func printRotationWritten(out io.Writer, info rotate.Info, p *remediate.Prepared, set *remediate.BackupSet) {
	if set != nil {
		fmt.Fprintf(out, "\nwrote: %s\nbackup %s (undo: %s)\n", set.Summary(), set.ID, hsCommand("restore", set.ID))
	}
	fmt.Fprintf(out, "new %s written to %s\n", info.Kind, info.NewLocation)
	fmt.Fprintln(out, readNewHint(info))
	for _, sk := range p.Txn.Skipped() {
		fmt.Fprintf(out, "  skipped: %s (%s)\n", sk.Path, sk.Reason)
	}
}

// restartAfterRotation lists the restart commands and runs `openclaw
// gateway restart` with --restart --yes, or when asked on a terminal.
func restartAfterRotation(ctx context.Context, out io.Writer, in *bufio.Reader, info rotate.Info, f rotateFlags, tty bool) bool {
	fmt.Fprintf(out, "\nRestart the gateway so it reads the new secret (what applies %s):\n", targetWhere())
	for _, r := range info.Restart {
		fmt.Fprintln(out, "  "+r)
	}
	bin := targetOpenClaw()
	switch {
	case bin == "":
	case f.restart && f.yes:
		return runGatewayRestart(ctx, out, bin)
	case tty && !f.yes:
		if ask(out, in, "Run `openclaw gateway restart` now?") {
			return runGatewayRestart(ctx, out, bin)
		}
	}
	return false
}

// hooksConfigured: the config sets a hooks token or turns webhooks on (a
// hooks token exists, or OpenClaw will want one).
func hooksConfigured(s *model.Snapshot) bool {
	if s.Doc == nil {
		return false
	}
	return s.Doc.Get("hooks.token").IsSet() || s.Doc.Get("hooks.enabled").IsTrue()
}

// rotateErr maps a planning error to an exit code.
func rotateErr(err error) error {
	var ie *model.InputError
	var pe *model.PathError
	if errors.As(err, &ie) || errors.As(err, &pe) {
		return withCode(exitBadInput, err)
	}
	return withCode(exitFindings, err)
}

func rotatedWhere(info rotate.Info) string {
	switch info.Form {
	case rotate.FormEnvOnly:
		return "environment variable " + info.EnvVar
	case rotate.FormEnvVar, rotate.FormRefEnv:
		return info.Path + " → " + info.EnvVar
	}
	return info.Path
}

func maskList(vals []string) string {
	m := make([]string, len(vals))
	for i, v := range vals {
		m[i] = model.Mask(v)
	}
	return strings.Join(m, ", ")
}

// printManual lists the changes outside the state dir the operator makes
// by hand (hardshell changes nothing there).
func printManual(out io.Writer, steps []rotate.Manual) {
	if len(steps) == 0 {
		return
	}
	fmt.Fprintln(out, "\nOutside the state dir hardshell changes nothing; change these yourself:")
	for _, m := range steps {
		fmt.Fprintf(out, "  %s, %s: %s\n    → %s\n", m.Path, m.Where, m.Holds, m.Do)
	}
}

func runGatewayRestart(ctx context.Context, out io.Writer, bin string) bool {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	b, err := targetRun(ctx, bin, "gateway", "restart")
	fmt.Fprint(out, model.MaskText(string(b)))
	if err != nil {
		fmt.Fprintf(out, "`openclaw gateway restart` failed: %v\n", err)
		return false
	}
	fmt.Fprintln(out, "gateway restarted")
	return true
}

// waitReachable waits for the gateway to listen again after a restart.
func waitReachable(ctx context.Context, port int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	dial := targetDial()
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	for time.Now().Before(deadline) {
		dctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := dial(dctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		cancel()
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// readNewHint says how to read the new secret in full (hardshell prints it
// only masked).
func readNewHint(info rotate.Info) string {
	switch info.Form {
	case rotate.FormLiteral, rotate.FormNew:
		return fmt.Sprintf("read it in full with: %s", hsCommand("config", "get", info.Path, "--reveal"))
	case rotate.FormRefFile:
		return fmt.Sprintf("read it in full in %s (id %s)", info.File, info.RefID)
	}
	return fmt.Sprintf("read it in full where it was written: %s (variable %s)", info.NewLocation, info.EnvVar)
}

// printVerification prints the live probe's result. afterWrite: the probe
// ran right after a rotation (a gateway that is not reachable needs a
// restart); otherwise it is --verify on its own (it needs starting).
func printVerification(out io.Writer, v rotate.Verification, target rotate.Target, info rotate.Info, afterWrite bool) {
	if v.Skipped != "" {
		fmt.Fprintf(out, "live check skipped: %s\n", v.Skipped)
		return
	}
	again := hsCommand("rotate", string(target), "--verify")
	if !v.Reachable() {
		if afterWrite {
			fmt.Fprintf(out, "gateway not reachable on %s; restart it (see above), then run: %s\n", v.Addr, again)
			return
		}
		ft := followUp()
		fmt.Fprintf(out, "no gateway is listening on %s, so nothing could be verified. Start it first:\n  %s   (the installed service)\n  %s   (or in the foreground, in another terminal)\nthen run: %s\n",
			v.Addr, ft.OpenClaw("gateway", "start"), ft.OpenClaw("gateway", "run"), again)
		return
	}
	fmt.Fprintf(out, "Live check on %s:\n", v.Addr)
	for _, c := range v.Checks {
		mark := "ok"
		if !c.OK() {
			mark = "FAIL"
		}
		fmt.Fprintf(out, "  [%s] %s: %s (want %s) — %s\n", mark, c.Label, c.Result.Verdict, c.Want, model.MaskText(c.Result.Detail))
	}
	switch {
	case v.OK():
		fmt.Fprintf(out, "verified: the old %s is refused and the new one accepted\n", info.Kind)
	default:
		fmt.Fprintf(out, "not verified: the gateway has not picked up the new %s yet — restart it (see above), then run: %s\n", info.Kind, again)
	}
}
