package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each bad input of testdata/bad, as a state dir's config: `audit`, `fix
// --yes` and `config set` exit 2 with one clear file:line:col message, never
// panic, and write nothing.
func TestBadInputsExit2WithPosition(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	bad := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "bad")
	entries, err := os.ReadDir(bad)
	require.NoError(t, err)
	pos := regexp.MustCompile(`openclaw\.json5?:\d+:\d+: |\.json5?:\d+:\d+: `)
	cases := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".md") || name == "outside.json5" || name == "path-through-nonobject.json5" {
			continue
		}
		cases++
		t.Run(name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "state")
			require.NoError(t, os.Mkdir(state, 0o700))
			if e.IsDir() {
				require.NoError(t, os.CopyFS(state, os.DirFS(filepath.Join(bad, name))))
				if _, err := os.Stat(filepath.Join(state, "openclaw.json5")); err == nil {
					require.NoError(t, os.Rename(filepath.Join(state, "openclaw.json5"), filepath.Join(state, "openclaw.json")))
				}
				if name == "include-escape" {
					data, _ := os.ReadFile(filepath.Join(bad, "outside.json5"))
					require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(state), "outside.json5"), data, 0o600))
				}
			} else {
				data, err := os.ReadFile(filepath.Join(bad, name))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), data, 0o600))
			}
			before := treeHashes(t, state)
			for _, args := range [][]string{
				{"audit"},
				{"fix", "--yes"},
				{"config", "set", "gateway.bind", `"loopback"`},
			} {
				_, errOut, code := runAuditCmd(t, append([]string{"--state-dir", state}, args...)...)
				require.Equal(t, 2, code, "%v: %s", args, errOut)
				require.NotContains(t, errOut, "panic")
				if name != "empty-file.json5" || !strings.Contains(errOut, "empty") {
					require.Regexp(t, pos, errOut, "%v", args)
				}
			}
			require.Equal(t, before, treeHashes(t, state), "nothing may be written, not even a mode or a backup dir")
		})
	}
	require.GreaterOrEqual(t, cases, 18)
}

// A path through a non-object is bad input too, at the position of the
// value in the way.
func TestPathThroughNonObjectExit2(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "bad", "path-through-nonobject.json5"))
	require.NoError(t, err)
	state := auditState(t, string(data))
	for _, p := range []string{"gateway.auth.mode", "channels.telegram.dmPolicy"} {
		_, errOut, code := runAuditCmd(t, "--state-dir", state, "config", "set", p, `"x"`)
		require.Equal(t, 2, code, errOut)
		require.Regexp(t, `openclaw\.json:\d+:\d+: .* not an object`, errOut)
	}
}

// The generated bad inputs: a 200 MB config (sparse: nothing is read) and
// 100,000-deep nesting. Both exit 2 with a position or a size, quickly.
func TestHugeAndDeepConfigsExit2(t *testing.T) {
	state := auditState(t, "{}")
	cfg := filepath.Join(state, "openclaw.json")
	f, err := os.OpenFile(cfg, os.O_WRONLY|os.O_TRUNC, 0o600)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(200<<20))
	require.NoError(t, f.Close())
	_, errOut, code := runAuditCmd(t, "--state-dir", state, "config", "get", "gateway")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "larger than the 16 MiB limit")

	require.NoError(t, os.WriteFile(cfg, []byte(strings.Repeat("[", 100000)+strings.Repeat("]", 100000)), 0o600))
	_, errOut, code = runAuditCmd(t, "--state-dir", state, "audit")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "openclaw.json:1:513: nesting deeper than 512 levels")
}
