package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
)

// writingCommands are the commands that write, each with the arguments
// that make it plan a change on the guide-dangerous fixture.
var writingCommands = [][]string{
	{"fix"}, {"harden"}, {"rules"}, {"rotate"}, {"contain"},
	{"baseline", "--merge"}, {"restore", "BACKUP"},
}

func TestVersionFlagAndUsage(t *testing.T) {
	out, _, code := runAuditCmd(t, "--version")
	require.Equal(t, 0, code)
	sub, _, code := runAuditCmd(t, "version")
	require.Equal(t, 0, code)
	require.Regexp(t, `^hardshell \S+\n$`, out)
	require.Equal(t, sub, out)

	for _, args := range writingCommands {
		help, _, code := runAuditCmd(t, args[0], "--help")
		require.Equal(t, 0, code)
		require.Regexp(t, `(?m)^\s+-y, --yes\s`, help, "%s has -y for --yes", args[0])
		// a backticked word in a usage string would render as the flag's
		// argument ("--no-validate openclaw config validate")
		for _, fl := range []string{"--no-validate", "--restart", "--dry-run", "--merge", "--keep"} {
			require.NotRegexp(t, `(?m)^\s+`+fl+` \S`, help, "%s %s takes no argument", args[0], fl)
		}
	}
}

// Every writing command not confirmed — no terminal and no --yes, or "n"
// on a terminal — writes nothing and exits 0; -y writes.
func TestNotConfirmedExitsZeroWithAndWithoutTTY(t *testing.T) {
	home := t.TempDir()
	bin := auditBinary(t)
	for _, args := range writingCommands {
		t.Run(args[0], func(t *testing.T) {
			state := testutil.CopyState(t, "guide-dangerous")
			// rules needs a workspace, restore a backup to put back
			require.NoError(t, os.MkdirAll(filepath.Join(state, "workspace"), 0o700))
			if args[0] == "restore" {
				out, e, code := runIn(t, state, home, "fix", "--state-dir", state, "-y")
				require.Equal(t, 0, code, e)
				args = []string{"restore", regexp.MustCompile(`undo with: hardshell restore (\S+)`).FindStringSubmatch(out)[1]}
			}
			if args[0] == "rules" { // a workspace the rules go into, in the state dir
				_, e, code := runIn(t, state, home, "config", "unset", "agents.defaults.workspace", "--state-dir", state)
				require.Equal(t, 0, code, e)
			}
			if args[0] == "contain" {
				args = append(args, "--log-dir", t.TempDir())
			}
			orig := snapshotTree(t, state)
			full := append(append([]string{}, args...), "--state-dir", state)

			out, errOut, code := runIn(t, state, home, full...)
			require.Equal(t, 0, code, "%s without a terminal: %s%s", args[0], out, errOut)
			require.Regexp(t, `nothing (written|restored)`, out+errOut)
			require.Contains(t, out+errOut, "--yes")
			require.Equal(t, orig, snapshotTree(t, state))

			tm := startPTY(t, bin, full...)
			tm.waitFor("[y/N]")
			tm.send("n\r")
			tm.waitFor("nothing")
			tm.wait()
			require.Equal(t, 0, tm.cmd.ProcessState.ExitCode(), "%s declined on a terminal:\n%s", args[0], tm.text())
			require.Equal(t, orig, snapshotTree(t, state))

			out, errOut, code = runIn(t, state, home, append(full, "-y")...)
			require.Equal(t, 0, code, "%s -y: %s%s", args[0], out, errOut)
			require.NotEqual(t, orig, snapshotTree(t, state), "%s -y writes", args[0])
			require.False(t, strings.Contains(out, "nothing written"), out)
		})
	}
}
