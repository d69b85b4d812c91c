package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// OpenClaw 2026.9.6 reports gateway.http.no_auth when the gateway token is an
// env SecretRef whose variable is not set (found by scripts/compat-sweep.sh on
// modern-hardened.json5, modern-nodes-commands.json5, includes/modern-split
// and states/modern-era), but not for a missing ${VAR}.
func TestCompatHTTPNoAuthUnresolvedSecretRef(t *testing.T) {
	const id = "gateway.http.no_auth"
	ref := `{ source: "env", provider: "default", id: "OPENCLAW_GATEWAY_TOKEN" }`
	cases := []struct {
		name   string
		config string
		env    map[string]string
		sev    model.Severity
		none   bool
	}{
		{name: "loopback, SecretRef variable unset: warn",
			config: `{ gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: ` + ref + ` } } }`, sev: model.Warn},
		{name: "tailnet, SecretRef variable unset: critical",
			config: `{ gateway: { mode: "local", bind: "tailnet", auth: { mode: "token", token: ` + ref + ` } } }`, sev: model.Critical},
		{name: "mode inferred from the SecretRef",
			config: `{ gateway: { mode: "local", auth: { token: ` + ref + ` } } }`, sev: model.Warn},
		{name: "password SecretRef unset",
			config: `{ gateway: { mode: "local", auth: { mode: "password", password: { source: "env", provider: "default", id: "GW_PASS" } } } }`, sev: model.Warn},
		{name: "SecretRef variable set",
			config: `{ gateway: { mode: "local", auth: { mode: "token", token: ` + ref + ` } } }`,
			env:    map[string]string{"OPENCLAW_GATEWAY_TOKEN": "0123456789abcdef0123456789abcdef0123456789abcdef"}, none: true},
		{name: "missing ${VAR} is still a configured token",
			config: `{ gateway: { mode: "local", auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" } } }`, none: true},
		{name: "exec SecretRef cannot be judged: not reported",
			config: `{ gateway: { mode: "local", auth: { mode: "token", token: { source: "exec", provider: "op", id: "vault/gw" } } } }`, none: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{Env: tc.env})
			if tc.none {
				requireNoHit(t, r, id)
				return
			}
			f := requireHit(t, r, id, tc.sev)
			require.Contains(t, f.Detail, "is a SecretRef to the environment variable")
			require.Contains(t, f.Detail, "/tools/invoke")
		})
	}
}
