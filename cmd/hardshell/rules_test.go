package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
)

func TestRulesCommandAddsMissingRules(t *testing.T) {
	dir := auditState(t, `{ agents: { list: [ { id: "main", default: true }, { id: "family", workspace: "`+"./workspace-fam"+`" } ] } }`)
	main := filepath.Join(dir, "workspace")
	fam := filepath.Join(dir, "workspace-fam")
	require.NoError(t, os.Mkdir(main, 0o700))
	require.NoError(t, os.Mkdir(fam, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(main, "AGENTS.md"), []byte("# Main\n"), 0o644))

	out, errOut, code := runAuditCmd(t, "rules", "--state-dir", dir, "--dry-run")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "agent main: 5 of 5 rules missing")
	require.Contains(t, out, "+- Never reveal API keys, credentials or infrastructure details.")
	require.Contains(t, out, "dry run")
	data, _ := os.ReadFile(filepath.Join(main, "AGENTS.md"))
	require.Equal(t, "# Main\n", string(data))

	out, _, code = runAuditCmd(t, "rules", "--state-dir", dir)
	require.Equal(t, 0, code, "not confirmed is not a failure")
	require.Contains(t, out, "nothing written (use --yes)", "without a terminal and --yes nothing is written")

	out, errOut, code = runAuditCmd(t, "rules", "--state-dir", dir, "--yes")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "added the rules to 2 workspace(s)")
	data, _ = os.ReadFile(filepath.Join(main, "AGENTS.md"))
	require.Contains(t, string(data), "# Main\n\n## Security rules\n- Don't share")
	_, err := os.Stat(filepath.Join(fam, "AGENTS.md"))
	require.NoError(t, err)

	out, _, code = runAuditCmd(t, "rules", "--state-dir", dir, "--yes")
	require.Equal(t, 0, code)
	require.Contains(t, out, "agent family: all 5 rules present")
}

// A workspace outside the state dir gets the rules as a manual step: hardshell
// changes nothing outside the state dir, and still writes the ones inside.
func TestRulesLeaveWorkspacesOutsideTheStateDir(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "projects", "bot")
	require.NoError(t, os.MkdirAll(outside, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "AGENTS.md"), []byte("# Bot\n"), 0o644))
	dir := auditState(t, `{ agents: { list: [ { id: "main", default: true }, { id: "bot", workspace: "`+outside+`" } ] } }`)
	main := filepath.Join(dir, "workspace")
	require.NoError(t, os.Mkdir(main, 0o700))

	out, errOut, code := runAuditCmd(t, "rules", "--state-dir", dir, "--yes")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "agent bot: 5 of 5 rules missing in "+outside+", which is outside the state dir; hardshell changes nothing there — add them to "+filepath.Join(outside, "AGENTS.md")+" by hand:")
	require.Contains(t, out, "  - Never reveal API keys, credentials or infrastructure details.")
	require.Contains(t, out, "added the rules to 1 workspace(s)")
	data, err := os.ReadFile(filepath.Join(outside, "AGENTS.md"))
	require.NoError(t, err)
	require.Equal(t, "# Bot\n", string(data))
	fi, err := os.Stat(filepath.Join(outside, "AGENTS.md"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	_, err = os.Stat(filepath.Join(main, "AGENTS.md"))
	require.NoError(t, err)
}

// rules -y on a copy of a state dir whose config names
// ~/.openclaw/workspace edits the copy's workspace, never the real home's.
func TestRulesOnACopyLeavesTheRealHomeAlone(t *testing.T) {
	home := t.TempDir()
	realWS := filepath.Join(home, ".openclaw", "workspace")
	require.NoError(t, os.MkdirAll(realWS, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(realWS, "AGENTS.md"), []byte("# Real\n"), 0o600))
	realBefore := snapshotTree(t, filepath.Join(home, ".openclaw"))

	copyDir := testutil.CopyStateTo(t, "guide-dangerous", filepath.Join(t.TempDir(), "copy"))
	copyWS := filepath.Join(copyDir, "workspace")
	require.NoError(t, os.MkdirAll(copyWS, 0o700))
	out, errOut, code := runIn(t, copyDir, home, "rules", "-y", "--state-dir", copyDir)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "added the rules to 1 workspace(s)")
	require.Equal(t, realBefore, snapshotTree(t, filepath.Join(home, ".openclaw")), "the real home's workspace is untouched")
	data, err := os.ReadFile(filepath.Join(copyWS, "AGENTS.md"))
	require.NoError(t, err)
	require.Contains(t, string(data), "## Security rules")
}
