package main

// Pieces the writing commands (fix, harden, contain, rotate, restore,
// baseline, config) share: the OpenClaw validator, the y/N confirmation,
// the review of a prepared change, the exit code of a refused write, and
// the lines after a commit (skipped files, the re-audit, the backup and how
// to undo it).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// installedValidator validates candidates with the real OpenClaw when it
// is installed (nil when it is not on PATH).
func installedValidator() remediate.Validator {
	if session != nil {
		return remoteValidator()
	}
	if bin := remediate.FindOpenClaw(); bin != "" {
		return remediate.OpenClawValidator(bin)
	}
	return nil
}

func stdinIsTTY() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

// plannedFix is one finding with the change that fixes it.
type plannedFix struct {
	finding model.Finding
	rem     fix.Remediation
	cs      model.ChangeSet
}

func ask(out io.Writer, in *bufio.Reader, q string) bool {
	fmt.Fprintf(out, "%s [y/N] ", q)
	flush(out) // the prompt has no line end
	line, _ := in.ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

// confirm is the gate of every writing command, one rule for all of them
// with or without a terminal: --yes (-y) passes; on a terminal q is asked
// [y/N]; without one nothing is asked. Not confirmed, it prints "nothing
// written" (with "(use --yes)" when there was no terminal) and the command
// ends with exit 0: nothing was refused or failed.
func confirm(c *cobra.Command, yes bool, q string) bool {
	return confirmed(c.OutOrStdout(), flushOnRead(c.InOrStdin(), c.OutOrStdout()), yes, stdinIsTTY, q, "nothing written")
}

// nixManaged is OpenClaw's marker for a config managed by Nix
// (OPENCLAW_NIX_MODE=1) in the target's environment (over --host the
// remote's, not this machine's): no writing command changes it.
func nixManaged() bool { return targetGetenv("OPENCLAW_NIX_MODE") == "1" }

// nixRefusal is the error of a writing command on a Nix-managed config.
func nixRefusal(command string) error {
	return withCode(exitFindings, fmt.Errorf("OPENCLAW_NIX_MODE=1: this OpenClaw config is managed externally (Nix), so hardshell writes nothing; change it in your Nix configuration (see the changes with hardshell %s --dry-run)", command))
}

// refused maps a refused or failed write to exit 1 with a clear message.
func refused(err error) error {
	var de *remediate.DriftError
	var ve *remediate.ValidationError
	var ae *remediate.ApplyError
	var se *remediate.SymlinkError
	var ie *model.InputError
	var le *remediate.LockError
	var ue *remediate.CommitUnknownError
	// the undo command the message names runs as this run did (with
	// --host over a remote)
	if errors.As(err, &ae) && ae.BackupID != "" {
		ae.Undo = hsCommand("restore", ae.BackupID)
	}
	if errors.As(err, &ue) {
		ue.Undo = hsCommand("restore", ue.BackupID)
	}
	switch {
	case errors.As(err, &de), errors.As(err, &ae), errors.As(err, &se), errors.As(err, &le), errors.As(err, &ue):
		return withCode(exitFindings, err)
	case errors.As(err, &ve):
		return withCode(exitFindings, fmt.Errorf("%w; nothing was written (use --no-validate to skip the OpenClaw check only if you are sure)", err))
	case errors.As(err, &ie):
		return withCode(exitBadInput, err)
	}
	return withCode(exitFindings, fmt.Errorf("%w; nothing was written", err))
}

// printReview prints the masked diff, the mode changes and the commands to
// run afterwards.
func printReview(out io.Writer, p *remediate.Prepared, cs model.ChangeSet) {
	if d := p.Diff(); d != "" {
		fmt.Fprintln(out, "\nConfig changes (secrets masked):")
		fmt.Fprint(out, d)
		if !strings.HasSuffix(d, "\n") {
			fmt.Fprintln(out)
		}
	}
	var modes []string
	for _, pc := range p.Txn.Plan() {
		if pc.Op == remediate.OpChmod {
			modes = append(modes, "  "+pc.String())
		}
	}
	if len(modes) > 0 {
		fmt.Fprintln(out, "\nPermission changes:")
		for _, m := range modes {
			fmt.Fprintln(out, m)
		}
	}
	if len(cs.After) > 0 && len(p.Files) > 0 {
		fmt.Fprintln(out, "\nCommands to run afterwards:")
		for _, a := range afterSteps(cs.After) {
			fmt.Fprintln(out, "  "+a)
		}
	}
}

// afterLines is the "run afterwards" list with each command once: several
// fixes each ask for "openclaw gateway restart" (one with a # note).
func afterLines(after []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range after {
		cmd, _, _ := strings.Cut(a, "#")
		key := strings.Join(strings.Fields(cmd), " ")
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, a)
	}
	return out
}

// afterSteps is afterLines as the operator runs them: the OpenClaw
// commands on the gateway's machine (over --host through ssh; locally the
// lines as they are).
func afterSteps(after []string) []string {
	ft := followUp()
	lines := afterLines(after)
	for i, a := range lines {
		lines[i] = ft.Step(a)
	}
	return lines
}

func countLine(s audit.Summary) string {
	return fmt.Sprintf("%d critical · %d warn · %d info", s.Critical, s.Warn, s.Info)
}

func printCounts(out io.Writer, label string, s audit.Summary) {
	fmt.Fprintf(out, "%s: %s\n", label, countLine(s))
}

func containsID(list []string, id string) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// confirmed is the gate before a write: --yes passes; on a terminal the
// user is asked q [y/N]; without one nothing is asked. When it does not
// pass it prints declined (without a terminal, with "(use --yes)").
func confirmed(out io.Writer, in io.Reader, yes bool, isTTY func() bool, q, declined string) bool {
	switch {
	case yes:
		return true
	case isTTY():
		if !ask(out, bufio.NewReader(in), "\n"+q) {
			fmt.Fprintln(out, declined)
			return false
		}
		return true
	default:
		fmt.Fprintln(out, "\n"+declined+" (use --yes)")
		return false
	}
}

// beforeCommit runs between the review and the write (tests use it to
// change a file under hardshell's feet).
var beforeCommit func()

// writeStep is how a writing command ends once its change is prepared and
// shown.
type writeStep struct {
	DryRun bool
	// Confirm is the command's gate (confirm or confirmed, with its --yes):
	// asked Question; false = not confirmed, nothing written, exit 0.
	Confirm  func(question string) bool
	Question string
	Meta     remediate.BackupMeta
	// ShowSkipped lists what the transaction left alone.
	ShowSkipped bool
}

// commitReviewed is the tail every writing command shares after its
// transaction is prepared and printed: a dry run stops ("dry run: nothing
// written"), then the confirmation gate, the test hook (beforeCommit), the
// commit and what it skipped. written=false with a nil error means the
// command ends here with exit 0; a refused commit is an exit-1 error
// (refused). fix, harden, rotate, contain, baseline and rules end here;
// access does not (its rows are written by remediate.CommitRows or the
// openclaw CLI, see runAccessAct).
func commitReviewed(out io.Writer, t *remediate.Txn, w writeStep) (set *remediate.BackupSet, written bool, err error) {
	if w.DryRun {
		fmt.Fprintln(out, "\ndry run: nothing written")
		return nil, false, nil
	}
	if !w.Confirm(w.Question) {
		return nil, false, nil
	}
	if beforeCommit != nil {
		beforeCommit()
	}
	set, err = t.Commit(w.Meta)
	if err != nil {
		return nil, false, refused(err)
	}
	if w.ShowSkipped {
		printSkipped(out, t)
	}
	return set, true, nil
}

// printSkipped lists what a committed transaction left alone, and why.
func printSkipped(out io.Writer, t *remediate.Txn) {
	for _, sk := range t.Skipped() {
		fmt.Fprintf(out, "skipped: %s %s\n", sk.Path, sk.Reason)
	}
}

// reaudit loads the target again after a commit and audits it. did names
// what was done ("written", "contained") in the error when that fails: the
// change is on disk either way, so the exit code is 1, not 2.
func reaudit(ctx context.Context, did string) (*model.Snapshot, *audit.Report, error) {
	s, err := loadSnapshot()
	if err != nil {
		return nil, nil, withCode(exitFindings, fmt.Errorf("%s, but the re-audit could not load the target: %w", did, err))
	}
	rep, err := audit.Run(ctx, s, audit.Options{ToolVersion: version})
	if err != nil {
		return nil, nil, withCode(exitFindings, fmt.Errorf("%s, but the re-audit failed: %w", did, err))
	}
	return s, rep, nil
}

// printBackup names the backup set a commit made and the command that
// undoes it (nothing when the commit changed nothing).
func printBackup(out io.Writer, set *remediate.BackupSet) {
	if set != nil {
		fmt.Fprintf(out, "backup: %s   undo with: %s\n", set.ID, hsCommand("restore", set.ID))
	}
}
