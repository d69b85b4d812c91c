package remediate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
)

// The two verdict shapes the real CLIs print (see testdata/compat).
func TestParseValidatorOutputs(t *testing.T) {
	msgs, ok := parseValidateJSON([]byte(`{"valid":true,"path":"/x/openclaw.json","warnings":[]}`))
	require.True(t, ok)
	require.Empty(t, msgs)

	msgs, ok = parseValidateJSON([]byte("some banner\n" + `{"ok":false,"valid":false,"issues":[{"path":"gateway.controlUi","message":"Unrecognized key: \"allowInsecureAuth\""}]}`))
	require.True(t, ok)
	require.Equal(t, []string{`openclaw config validate: gateway.controlUi: Unrecognized key: "allowInsecureAuth"`}, msgs)

	_, ok = parseValidateJSON([]byte("error: unknown option '--json'"))
	require.False(t, ok)
	require.True(t, looksUnknownCommand([]byte("error: unknown option '--json'")))

	msgs, ok = parseLoaderProblems([]byte("Config invalid\nFile: ~/.openclaw/openclaw.json\nProblem:\n  - gateway.auth: Unrecognized key: \"rateLimit\"\n  - <root>: Unrecognized key: \"bogus\"\n\nRun: openclaw doctor --fix\n"))
	require.True(t, ok)
	require.Equal(t, []string{`openclaw config: gateway.auth: Unrecognized key: "rateLimit"`, `openclaw config: <root>: Unrecognized key: "bogus"`}, msgs)

	_, ok = parseLoaderProblems([]byte("Config path not found: meta\n"))
	require.False(t, ok)
}

// The loader's verdict of a 2026.2.x CLI is asked with a routed command
// (loaderVerdictArgs), which checks the config before loading any plugin
// code. `config get meta`, asked before, loads every plugin first: twice the
// cost for the same verdict. Both are run here on configs that exercise the
// loader's paths: valid; schema issues in the file and in an $include; a
// JSON5 syntax error (the loader throws); a plugin's config (checked against
// the plugin's manifest schema, which the routed command reads without
// loading the plugin).
//
// Where the loader throws, `config get meta` logs the error through a logger
// that reloads the config, ~1000 times deep, and now and then dies of that
// recursion before printing its list of problems; it is compared only when
// it printed one. The routed command reports the error once.
func TestLoaderVerdictCommandMatchesConfigGet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI")
	}
	bin, args := testutil.Peer(t, "2026.2.1").Command()
	c := newOpenClawCLI(bin, args...)
	cases := map[string]struct {
		config string
		want   []string // in the verdict, in order; none: valid
	}{
		"valid": {config: `{ gateway: { mode: "local" }, agents: { list: [{ id: "main" }] } }`},
		"schema": {
			config: `{ $include: "./extra.json5", gateway: { mode: "local", port: "x", bogus: 1 }, bogusKey: 1 }`,
			want:   []string{`gateway.port: Invalid input`, `gateway: Unrecognized key: "bogus"`, `"bogusIncluded", "bogusKey"`},
		},
		"syntax": {config: `{ gateway: { mode: "local" `, want: []string{"JSON5 parse failed"}},
		"plugin": {
			config: `{ plugins: { entries: { "voice-call": { enabled: true, config: { bogus: 1 } } } } }`,
			want:   []string{"plugins.entries.voice-call.config: invalid config"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// each command in a dir of its own: the CLI may write to its state dir
			verdict := func(args ...string) ([]string, bool) {
				dir := t.TempDir()
				cfg := filepath.Join(dir, "openclaw.json")
				require.NoError(t, os.WriteFile(cfg, []byte(tc.config), 0o600))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.json5"), []byte(`{ logging: { redactSensitive: "off" }, bogusIncluded: 1 }`), 0o600))
				out, err := c.exec(dir, cfg, validateEnv(os.Environ(), cfg), args...)
				msgs, ok := parseLoaderProblems(bytes.ReplaceAll(out, []byte(dir), []byte("DIR")))
				t.Logf("openclaw %s: %v: %q", strings.Join(args, " "), err, msgs)
				return msgs, ok
			}
			cheap, cheapOK := verdict(loaderVerdictArgs...)
			require.Equal(t, len(tc.want) > 0, cheapOK, "%q", cheap)
			require.Len(t, cheap, len(tc.want))
			for i, w := range tc.want {
				require.Contains(t, cheap[i], w)
			}
			full, fullOK := verdict("config", "get", "meta")
			if name == "syntax" && (!fullOK || len(full) == 1 && strings.HasPrefix(full[0], "openclaw config: the config is invalid: ")) {
				t.Logf("config get meta printed no list of problems this time (its logger recursion)")
				return
			}
			require.Equal(t, fullOK, cheapOK)
			require.Equal(t, full, cheap)
		})
	}
}
