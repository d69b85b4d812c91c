package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestContextExposure(t *testing.T) {
	cases := []struct {
		name            string
		config          string
		env             map[string]string
		exposed, remote bool
		funnel          bool
		sev             model.Severity
	}{
		{"default loopback", `{}`, nil, false, false, false, model.Warn},
		{"explicit loopback", `{gateway:{bind:"loopback"}}`, nil, false, false, false, model.Warn},
		{"auto counts as exposed (it may listen on 0.0.0.0)", `{gateway:{bind:"auto"}}`, nil, true, true, false, model.Critical},
		{"lan", `{gateway:{bind:"lan"}}`, nil, true, true, false, model.Critical},
		{"tailnet", `{gateway:{bind:"tailnet"}}`, nil, true, true, false, model.Critical},
		{"custom loopback v4", `{gateway:{bind:"custom", customBindHost:"127.0.0.2"}}`, nil, false, false, false, model.Warn},
		{"custom loopback v6", `{gateway:{bind:"custom", customBindHost:"::1"}}`, nil, false, false, false, model.Warn},
		{"custom lan ip", `{gateway:{bind:"custom", customBindHost:"192.168.1.5"}}`, nil, true, true, false, model.Critical},
		{"custom via env", `{gateway:{bind:"${BIND}"}}`, map[string]string{"BIND": "lan"}, true, true, false, model.Critical},
		{"serve", `{gateway:{tailscale:{mode:"serve"}}}`, nil, false, true, false, model.Warn},
		{"funnel", `{gateway:{tailscale:{mode:"funnel"}}}`, nil, false, true, true, model.Critical},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := auditkit.Snapshot(t, c.config, auditkit.Options{Env: orEmpty(c.env)})
			require.Equal(t, c.exposed, exposed(s), "exposed")
			require.Equal(t, c.remote, remoteExposed(s), "remoteExposed")
			require.Equal(t, c.funnel, funnel(s), "funnel")
			require.Equal(t, c.sev, exposureSeverity(s, model.Warn))
			require.NotEmpty(t, exposureText(s))
		})
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func TestContextGatewaySecret(t *testing.T) {
	cases := []struct {
		name      string
		config    string
		env       map[string]string
		mode      string
		hasSecret bool
		unknown   bool
		noAuth    bool
		value     string // resolved active secret when known
	}{
		{"nothing", `{gateway:{auth:{}}}`, nil, "none", false, false, true, ""},
		{"literal token", `{gateway:{auth:{token:"abc"}}}`, nil, "token", true, false, false, "abc"},
		{"env fallback token", `{}`, map[string]string{"OPENCLAW_GATEWAY_TOKEN": "from-env"}, "token", true, false, false, "from-env"},
		{"legacy env token", `{}`, map[string]string{"CLAWDBOT_GATEWAY_TOKEN": "legacy"}, "token", true, false, false, "legacy"},
		{"blank env is missing", `{}`, map[string]string{"OPENCLAW_GATEWAY_TOKEN": "  "}, "none", false, false, true, ""},
		{"var present", `{gateway:{auth:{mode:"token", token:"${GW_TOK}"}}}`, map[string]string{"GW_TOK": "resolved-value"}, "token", true, false, false, "resolved-value"},
		{"var missing is unknown", `{gateway:{auth:{mode:"token", token:"${GW_TOK}"}}}`, nil, "token", true, true, false, ""},
		{"secretref env missing", `{gateway:{auth:{token:{source:"env", provider:"default", id:"GW_TOK"}}}}`, nil, "token", true, true, false, ""},
		{"secretref file", `{gateway:{auth:{token:{source:"file", provider:"default", id:"/gateway/token"}}}}`, nil, "token", true, false, false, ""},
		{"password wins", `{gateway:{auth:{token:"t", password:"p"}}}`, nil, "password", true, false, false, "p"},
		{"env password", `{}`, map[string]string{"OPENCLAW_GATEWAY_PASSWORD": "pw"}, "password", true, false, false, "pw"},
		{"explicit none", `{gateway:{auth:{mode:"none", token:"t"}}}`, nil, "none", false, false, true, ""},
		{"trusted proxy", `{gateway:{auth:{mode:"trusted-proxy"}}}`, nil, "trusted-proxy", false, false, false, ""},
		{"remote token counts", `{gateway:{remote:{token:"remote-tok"}}}`, nil, "token", true, false, false, "remote-tok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := auditkit.Snapshot(t, c.config, auditkit.Options{Env: orEmpty(c.env)})
			g := gatewaySecret(s)
			require.Equal(t, c.mode, g.Mode)
			require.Equal(t, c.hasSecret, g.HasSecret(), "HasSecret")
			require.Equal(t, c.unknown, g.Unknown(), "Unknown")
			require.Equal(t, c.noAuth, g.NoAuth(), "NoAuth")
			if c.value != "" {
				require.True(t, g.Active().Known)
				require.Equal(t, c.value, g.Active().Value)
			}
			if c.hasSecret {
				require.NotEmpty(t, g.Active().describe())
			}
		})
	}
}

func TestContextExpandEnvEscapes(t *testing.T) {
	s := auditkit.Snapshot(t, `{}`, auditkit.Options{Env: map[string]string{"A": "x"}})
	v, missing := expandEnv(s, "${A}-$${B}-${C}")
	require.Equal(t, "x-${B}-${C}", v)
	require.Equal(t, []string{"C"}, missing)
}
