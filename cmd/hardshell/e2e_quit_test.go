package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// exitCode waits for the wizard to exit and returns its status.
func (tm *ptyTerm) exitCode() int {
	tm.t.Helper()
	tm.wait()
	require.NotNil(tm.t, tm.cmd.ProcessState, "hardshell did not exit")
	return tm.cmd.ProcessState.ExitCode()
}

// Ctrl-C leaves the wizard with status 130 (as a shell reports an
// interrupted command) and writes nothing; q leaves with 0.
func TestE2ECtrlCExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := hardshellBin(t)
	for keys, want := range map[string]int{"\x03": 130, "q": 0} {
		sd := demoState(t)
		before := treeHashes(t, sd)
		tm := startPTY(t, bin, "--state-dir", sd)
		tm.waitFor("Harden this gateway")
		tm.send("\r")
		tm.waitFor("score")
		tm.send(keys)
		require.Equal(t, want, tm.exitCode(), "exit status after %q", keys)
		require.Contains(t, tm.text(), "Nothing was written.")
		require.Equal(t, before, treeHashes(t, sd))
	}
}

// With a change staged, q asks first: n keeps the change and the wizard
// running, y quits (status 0) writing nothing and says what was dropped.
func TestE2EQuitWithStagedChangeAsks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	sd := demoState(t)
	before := treeHashes(t, sd)
	tm := startPTY(t, hardshellBin(t), "--state-dir", sd)
	tm.waitFor("Harden this gateway")
	tm.send("\r")
	tm.waitFor("score")
	tm.send(" ")
	tm.waitFor("safe default")
	for i := 0; i < 8 && !strings.Contains(tm.text()[tm.mark:], "1 change staged"); i++ {
		tm.send("\r")
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor("1 change staged")
	tm.send("q")
	tm.waitFor("Quit and discard 1 staged change?")
	tm.send("n")
	tm.waitFor("kept 1 staged change")
	tm.send("q")
	tm.waitFor("Quit and discard 1 staged change?")
	tm.send("y")
	require.Equal(t, 0, tm.exitCode())
	require.Contains(t, tm.text(), "1 staged change not written")
	require.Equal(t, before, treeHashes(t, sd))
}
