package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/remediate"
)

// baseline --merge and rules end in the shared commit tail
// (commitReviewed): a file changed between the review and the write
// (beforeCommit, the tail's test hook) is a refused write, exit 1, with
// only the outside edit on disk and no backup set.
func TestBaselineAndRulesCommitThroughTheReviewedTail(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(c *cobra.Command) error
		file func(state string) string
	}{
		{"baseline --merge", func(c *cobra.Command) error {
			return runBaseline(c, baselineFlags{merge: true, yes: true, dm: "pairing", exposure: "loopback", era: "auto"})
		}, func(state string) string { return filepath.Join(state, "openclaw.json") }},
		{"rules", func(c *cobra.Command) error { return runRules(c, true, false) },
			func(state string) string { return filepath.Join(state, "workspace", "AGENTS.md") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := auditState(t, `{ gateway: { bind: "lan" }, agents: { list: [ { id: "main", default: true } ] } }`)
			require.NoError(t, os.Mkdir(filepath.Join(state, "workspace"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(state, "workspace", "AGENTS.md"), []byte("# Main\n"), 0o644))
			file := tc.file(state)
			var edited []byte
			beforeCommit = func() {
				data, err := os.ReadFile(file)
				require.NoError(t, err)
				edited = append(data, []byte("\n// saved by someone else meanwhile\n")...)
				require.NoError(t, os.WriteFile(file, edited, 0o600))
			}
			defer func() { beforeCommit = nil }()
			orig := snapshotTree(t, state)

			var out bytes.Buffer
			c := &cobra.Command{}
			c.SetOut(&out)
			c.SetErr(&out)
			old := global
			global.stateDir = state
			defer func() { global = old }()
			t.Setenv("HOME", filepath.Dir(state))
			t.Setenv("PATH", "/nonexistent")
			err := tc.run(c)
			require.NotNil(t, edited, "the hook ran: the command reached the shared tail\n%s", out.String())
			var ee *exitError
			require.ErrorAs(t, err, &ee, out.String())
			require.Equal(t, exitFindings, ee.code)
			var de *remediate.DriftError
			require.ErrorAs(t, err, &de)

			rel, _ := filepath.Rel(state, file)
			orig[rel] = fileState{mode: orig[rel].mode, data: string(edited)}
			require.Equal(t, orig, snapshotTree(t, state), "only the outside edit is on disk")
			sets, err := remediate.ListBackups(state)
			require.NoError(t, err)
			require.Empty(t, sets)
		})
	}
}
