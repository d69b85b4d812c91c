package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
)

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// Every declared check's entry carries each fact of its declaration.
func TestExplainPrintsTheDeclaration(t *testing.T) {
	for _, ck := range audit.Checks() {
		var b bytes.Buffer
		writeExplain(&b, ck.ID, ck)
		out := squash(b.String())
		for _, fact := range []string{ck.ID, ck.Title, ck.Tier.Name(), ck.Severity, ck.Trigger, ck.Why, ck.Remediation, ck.Breaks, ck.Since} {
			require.Contains(t, out, squash(fact), "%s: the entry leaves out %q", ck.ID, fact)
		}
	}
}

func TestExplainCommand(t *testing.T) {
	out, errOut, code := runAuditCmd(t, "explain", "channels.telegram.dm.open")
	require.Equal(t, 0, code, errOut)
	ck, ok := audit.Lookup("channels.telegram.dm.open")
	require.True(t, ok)
	require.Contains(t, out, "(channels.telegram.dm.open is an instance of "+ck.ID+")")
	require.Contains(t, squash(out), squash(ck.Why))
	require.Contains(t, out, "since "+ck.Since)

	_, errOut, code = runAuditCmd(t, "explain", "gateway.no_such_check")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `"gateway.no_such_check" is not a check id`)
}

// Completion offers --fail-on's values, check ids for explain and --only
// (after ids already typed), and the target's backup ids for restore.
func TestCompletions(t *testing.T) {
	out, _, code := runAuditCmd(t, "__complete", "audit", "--fail-on", "")
	require.Equal(t, 0, code)
	for _, v := range []string{"critical", "warn", "info", "none"} {
		require.Regexp(t, `(?m)^`+v+`$`, out)
	}
	out, _, code = runAuditCmd(t, "__complete", "explain", "gateway.loopback_")
	require.Equal(t, 0, code)
	require.Regexp(t, `(?m)^gateway\.loopback_no_auth\t`, out)
	out, _, code = runAuditCmd(t, "__complete", "fix", "--only", "gateway.loopback_no_auth,browser.control_")
	require.Equal(t, 0, code)
	require.Regexp(t, `(?m)^gateway\.loopback_no_auth,browser\.control_no_auth\t`, out)

	state := testutil.CopyState(t, "guide-dangerous")
	home := t.TempDir()
	fixOut, e, code := runIn(t, state, home, "fix", "-y", "--state-dir", state)
	require.Equal(t, 0, code, e)
	id := regexp.MustCompile(`undo with: hardshell restore (\S+)`).FindStringSubmatch(fixOut)[1]
	out, _, code = runIn(t, state, home, "__complete", "restore", "--state-dir", state, "")
	require.Equal(t, 0, code)
	require.Regexp(t, `(?m)^`+regexp.QuoteMeta(id)+`\t.* fix`, out)
}
