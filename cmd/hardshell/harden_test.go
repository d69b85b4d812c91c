package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/stretchr/testify/require"
)

func TestHardenCommandClearsTiersOneAndTwo(t *testing.T) {
	for _, state := range []string{"open-dm-elevated", "lan-exposed", "modern-era", "multi-agent"} {
		t.Run(state, func(t *testing.T) {
			dir := testutil.CopyState(t, state)
			before := auditSevere(t, dir)
			out, errOut, code := runAuditCmd(t, "harden", "--state-dir", dir, "--dry-run")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, out, "dry run: nothing written")
			require.Equal(t, before, auditSevere(t, dir), "a dry run changed something")

			out, errOut, code = runAuditCmd(t, "harden", "--state-dir", dir, "--yes")
			require.Equal(t, 0, code, errOut)
			require.NotRegexp(t, baselineHex48, out, "a secret was printed")
			require.Contains(t, out, "backup: ")
			after := auditSevere(t, dir)
			t.Logf("before %v\nafter %v", before, after)
			// a critical may stay only when it has no automatic fix (e.g. a
			// ${VAR} with no value anywhere), and harden says so
			for _, f := range after {
				if id, ok := strings.CutPrefix(f, "critical "); ok {
					require.Contains(t, out, id+": no automatic fix", "critical left: %s", f)
				}
			}
			require.Less(t, len(after), len(before))
			// one write: exactly one backup set
			sets, err := os.ReadDir(filepath.Join(dir, ".hardshell", "backups"))
			require.NoError(t, err)
			require.Len(t, sets, 1)
		})
	}
}

func TestHardenCommandProfiles(t *testing.T) {
	dir := auditState(t, `{ gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: "0123456789abcdef0123456789abcdef0123456789abcdef" } },
  agents: { list: [ { id: "main", default: true }, { id: "kids" } ] } }`)
	out, errOut, code := runAuditCmd(t, "harden", "--state-dir", dir, "--profile", "kids=public", "--yes")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "kids: public")
	data, err := os.ReadFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(data), `workspaceAccess: "none"`)
	require.Contains(t, string(data), `"canvas"`)

	_, errOut, code = runAuditCmd(t, "harden", "--state-dir", dir, "--profile", "kids=root")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "not an access profile")
}

// harden prints one restart line, and every critical left after the run
// with why it was left.
func TestHardenOneRestartLineAndWhyCriticalsAreLeft(t *testing.T) {
	full := testutil.CopyState(t, "guide-dangerous")
	out, errOut, code := runAuditCmd(t, "harden", "--state-dir", full, "--dry-run")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, 1, strings.Count(out, "openclaw gateway restart"), "one restart line:\n%s", out)

	dir := testutil.CopyState(t, "guide-dangerous")
	out, errOut, code = runAuditCmd(t, "harden", "--state-dir", dir, "--tiers", "1", "--yes")
	require.Equal(t, 0, code, errOut)
	after := auditSevere(t, dir)
	var crit []string
	for _, f := range after {
		if id, ok := strings.CutPrefix(f, "critical "); ok {
			crit = append(crit, id)
		}
	}
	require.NotEmpty(t, crit, "with --tiers 1 criticals of later tiers stay")
	require.Contains(t, out, "Critical findings left (")
	for _, id := range crit {
		require.Regexp(t, `(?m)^  `+regexp.QuoteMeta(id)+` — .*\n      why left: \S.*; see hardshell explain `+regexp.QuoteMeta(id), out)
	}
	require.Contains(t, out, "is beyond --tiers 1")
}

// harden's --answer follows the same applicability rules as fix: the DM
// fix with policy allowlist uses the senders given, an answer to a question
// that does not apply is ignored with a note, and an answer for a check
// with no finding is noted too.
func TestHardenAnswersFollowApplicability(t *testing.T) {
	const id = "channels.telegram.dm.open"
	dir := testutil.CopyState(t, "open-dm-elevated")
	out, errOut, code := runAuditCmd(t, "harden", "--state-dir", dir, "--dry-run",
		"--answer", id+".policy=pairing", "--answer", id+".confirm_open=no",
		"--answer", "gateway.bind_no_auth.bind=loopback")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `note: --answer `+id+`.confirm_open ignored: asked only when policy is "open", and policy is "pairing"`)
	require.Contains(t, out, "note: --answer gateway.bind_no_auth.…: no finding gateway.bind_no_auth with a fix in the chosen tiers (ignored)")
	require.Contains(t, out, `+      dmPolicy: "pairing",`)

	out, errOut, code = runAuditCmd(t, "harden", "--state-dir", dir, "--yes",
		"--answer", id+".policy=allowlist", "--answer", id+".senders=42")
	require.Equal(t, 0, code, errOut)
	require.NotContains(t, out, "ignored")
	data, err := os.ReadFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(data), `dmPolicy: "allowlist"`)
	require.Contains(t, string(data), `allowFrom: ["42"]`)
}
