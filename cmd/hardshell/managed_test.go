package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Configs generated elsewhere: the audit says so on the findings, and fix
// refuses to write, printing the change for the source. (The Nix-store
// layout needs /nix/store; model and remediate test it with the store in a
// temp dir.)
func TestFixRefusesManagedConfigs(t *testing.T) {
	const cfg = "{\n  gateway: { mode: \"local\", bind: \"loopback\", auth: { mode: \"token\", token: \"0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8icAbCdEf\" } },\n  logging: { redactSensitive: \"off\" },\n}\n"
	layouts := map[string]func(t *testing.T, state string) string{
		"ansible": func(t *testing.T, state string) string {
			p := filepath.Join(state, "openclaw.json")
			require.NoError(t, os.WriteFile(p, []byte("// Ansible managed\n"+cfg), 0o600))
			return p
		},
		"configmap": func(t *testing.T, state string) string {
			ts := filepath.Join(state, "..2026_12_05_15_02_11.314")
			require.NoError(t, os.Mkdir(ts, 0o755))
			p := filepath.Join(ts, "openclaw.json")
			require.NoError(t, os.WriteFile(p, []byte(cfg), 0o600))
			require.NoError(t, os.Symlink(filepath.Base(ts), filepath.Join(state, "..data")))
			require.NoError(t, os.Symlink("..data/openclaw.json", filepath.Join(state, "openclaw.json")))
			return p
		},
	}
	for name, layout := range layouts {
		t.Run(name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), ".openclaw")
			require.NoError(t, os.Mkdir(state, 0o700))
			real := layout(t, state)
			before, err := os.ReadFile(real)
			require.NoError(t, err)

			out, errOut, _ := runHS(t, state, nil, "audit", "--state-dir", state, "--fail-on", "none")
			require.Contains(t, out, "config.managed", errOut)
			require.Contains(t, out, "openclaw.json is managed ("+name+":")
			require.Contains(t, out, "logging.redact_off", "the finding is still reported")

			out, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state, "--yes")
			require.NotEqual(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			require.Contains(t, out+errOut, "nothing was written")
			require.Contains(t, out+errOut, `logging.redactSensitive = "tools"`, "the change for the source is printed")
			after, err := os.ReadFile(real)
			require.NoError(t, err)
			require.Equal(t, string(before), string(after), "a managed config is never written")
			_, err = os.Stat(filepath.Join(state, ".hardshell", "backups"))
			require.True(t, os.IsNotExist(err), "no backup set either")
		})
	}
}
