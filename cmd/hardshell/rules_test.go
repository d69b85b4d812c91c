package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
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

	_, _, code = runAuditCmd(t, "rules", "--state-dir", dir)
	require.Equal(t, 1, code, "without a terminal and --yes nothing is written")

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
