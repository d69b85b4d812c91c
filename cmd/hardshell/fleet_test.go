package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fleet"
	"github.com/hardshell/hardshell/fleet/fleettest"
)

// fleetReports is a folder as audit.yml leaves it: three fresh host
// reports (real audits of testdata state dirs) and a host Ansible expected
// whose report never came.
func fleetReports(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for host, fixture := range map[string]string{"alpha": "guide-dangerous", "beta": "loose-perms", "gamma": "fresh-onboard"} {
		rep, _ := fleettest.Report(t, fixture, time.Now())
		require.NoError(t, os.WriteFile(filepath.Join(dir, host+".json"), rep, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, fleet.ExpectedHostsFile), []byte("alpha\nbeta\ngamma\ndelta\n"), 0o600))
	return dir
}

// Without a terminal there is nothing to walk: fleet wizard prints what
// fleet report prints and exits 0; an unreadable folder is bad input.
func TestFleetWizardPlain(t *testing.T) {
	dir := fleetReports(t)
	out, errOut, code := runAuditCmd(t, "fleet", "wizard", dir)
	require.Equal(t, 0, code, errOut)
	report, _, _ := runAuditCmd(t, "fleet", "report", dir)
	require.Equal(t, report, out)
	require.Contains(t, out, "Fleet: 4 hosts, 3 reports")

	_, errOut, code = runAuditCmd(t, "fleet", "wizard", filepath.Join(dir, "absent"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "cannot read the report folder")
}

// The real binary in an 80×24 terminal: hosts worst first, enter opens a
// host's findings, esc goes back, q quits with 0 and ctrl+c with 130,
// and nothing in the folder changed.
func TestFleetWizardPTY(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := fleetReports(t)
	before := treeHashes(t, dir)
	bin := hardshellBin(t)
	tm := startPTYEnv(t, []string{"NO_COLOR=1"}, bin, "fleet", "wizard", dir)
	tm.waitFor("4 hosts · 3 reports · 1 missing")
	tm.waitFor("› alpha")
	tm.send("j")
	tm.send("\r")
	tm.waitFor("hardshell fleet — beta")
	tm.waitFor("esc hosts")
	tm.send("\x1b")
	tm.waitFor("enter findings")
	tm.send("q")
	require.Equal(t, 0, tm.exitCode())

	// ctrl+c on a host's findings: 130, as a shell reports an interrupt
	tm = startPTYEnv(t, []string{"NO_COLOR=1"}, bin, "fleet", "wizard", dir)
	tm.waitFor("› alpha")
	tm.send("\r")
	tm.waitFor("esc hosts")
	tm.send("\x03")
	require.Equal(t, 130, tm.exitCode())
	require.Equal(t, before, treeHashes(t, dir), "the fleet wizard wrote into the report folder")
}
