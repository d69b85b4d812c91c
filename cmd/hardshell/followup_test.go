package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
)

// runIn runs the built binary in dir with HOME at an empty directory (so a
// command that lost its --state-dir would act on a missing ~/.openclaw).
func runIn(t *testing.T, dir, home string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(auditBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "PATH=/nonexistent", "NO_COLOR=1"}
	return runCmd(t, cmd)
}

// pasted runs a printed command line as an operator pasting it would: in
// sh, from another directory, with this hardshell first on PATH, plus the
// extra words (e.g. --yes) typed after it.
func pasted(t *testing.T, home, line string, extra ...string) (string, string, int) {
	t.Helper()
	require.True(t, strings.HasPrefix(line, "hardshell "), "not a hardshell command: %q", line)
	return inShell(t, home, strings.Join(append([]string{line}, extra...), " "))
}

// inShell runs line in sh from an empty directory, with HOME at home and
// the hardshell under test first on PATH.
func inShell(t *testing.T, home, line string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"HOME=" + home, "PATH=" + filepath.Dir(auditBinary(t)) + ":/usr/bin:/bin", "NO_COLOR=1"}
	return runCmd(t, cmd)
}

func runCmd(t *testing.T, cmd *exec.Cmd) (string, string, int) {
	t.Helper()
	cmd.Stdin = strings.NewReader("")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return o.String(), e.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return o.String(), e.String(), 0
}

// printed is the first command a line of out prints after prefix, up to
// the end of the line or the first of the stops.
func printed(t *testing.T, out, prefix string, stops ...string) string {
	t.Helper()
	i := strings.Index(out, prefix)
	require.GreaterOrEqual(t, i, 0, "no %q in:\n%s", prefix, out)
	line, _, _ := strings.Cut(out[i+len(prefix):], "\n")
	for _, s := range stops {
		if j := strings.Index(line, s); j >= 0 {
			line = line[:j]
		}
	}
	return strings.TrimSpace(line)
}

// Every command hardshell prints for the operator acts on the target the
// run used when pasted into a shell: from another directory, with HOME
// elsewhere, through a state dir path a shell would split or expand.
func TestPrintedCommandsRunAsPrinted(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh on PATH: pasting a printed command needs a real shell")
	}
	parent := t.TempDir()
	state := testutil.CopyStateTo(t, "guide-dangerous", filepath.Join(parent, `o'claw "state" $HOME`))
	rel := filepath.Base(state) // the run names it relative to its directory
	home := t.TempDir()
	orig := snapshotTree(t, state)
	inState := "to fix in " + state

	out, errOut, code := runIn(t, parent, home, "audit", "--state-dir", rel)
	require.Equal(t, 1, code, errOut)
	fixCmd := printed(t, out, "Fix safe issues: ", "   ·")
	o, e, code := pasted(t, home, fixCmd, "--dry-run")
	require.Equal(t, 0, code, e)
	require.Contains(t, o, inState, "the audit's fix hint acts on the audited state dir")
	wizard := printed(t, out, "guided fixes: ", " (the wizard)")
	o, e, code = pasted(t, home, wizard) // no terminal: the plain report of the same target
	require.Equal(t, 0, code, e)
	require.Contains(t, o, "hardshell audit — "+state)
	require.Equal(t, orig, snapshotTree(t, state), "nothing was written so far")

	out, errOut, code = runIn(t, parent, home, "fix", "--yes", "--state-dir", rel)
	require.Equal(t, 0, code, errOut)
	undo := printed(t, out, "undo with: ")
	guided := regexp.MustCompile(`(?m)^\s+(hardshell fix --only .*)$`).FindStringSubmatch(out)
	require.NotNil(t, guided, "fix lists the guided fixes left:\n%s", out)
	o, e, code = pasted(t, home, guided[1], "--dry-run")
	require.Equal(t, 0, code, e)
	require.Contains(t, o, inState, "a guided fix hint acts on the same state dir")

	o, e, code = pasted(t, home, undo) // no terminal, no --yes: it only shows
	require.Equal(t, 0, code, e)
	require.Contains(t, o, "nothing restored (use --yes)")
	o, e, code = pasted(t, home, undo, "--yes")
	require.Equal(t, 0, code, e)
	require.Contains(t, o, "Restored ")
	require.Equal(t, orig, snapshotTree(t, state), "the printed undo puts the state dir back")

	list, e, code := runIn(t, parent, home, "restore", "--list", "--state-dir", rel)
	require.Equal(t, 0, code, e)
	newest := printed(t, list, "Restore the newest with: ")
	o, e, code = pasted(t, home, newest, "--yes")
	require.Equal(t, 0, code, e)
	require.Contains(t, o, "Restored ")
	again := printed(t, o, "(undo with: ", ")")
	o, e, code = pasted(t, home, again, "--yes")
	require.Equal(t, 0, code, e, o)
	require.Equal(t, orig, snapshotTree(t, state), "undoing the restore restores the restore's own backup")
}

// The demo without a terminal prints the report and advice on its copy;
// the copy is kept so the advice runs as printed.
func TestDemoPlainAdviceRunsAsPrinted(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh on PATH: pasting a printed command needs a real shell")
	}
	home := t.TempDir()
	cmd := exec.Command(auditBinary(t), "demo")
	cmd.Env = []string{"HOME=" + home, "PATH=/nonexistent", "NO_COLOR=1", "TMPDIR=" + t.TempDir()}
	out, errOut, code := runCmd(t, cmd)
	require.Equal(t, 0, code, errOut)
	kept := printed(t, out, "kept at ", " (fake data")
	require.DirExists(t, kept)
	advice := printed(t, out, "To apply the safe fixes, run: ")
	o, e, code := pasted(t, home, advice)
	require.Equal(t, 0, code, e)
	require.Contains(t, o, "to fix in "+kept)
	rm := printed(t, out, "delete it with: ", ")")
	cmd = exec.Command("sh", "-c", rm)
	require.NoError(t, cmd.Run())
	require.NoDirExists(t, kept)
}
