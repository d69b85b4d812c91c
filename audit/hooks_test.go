package audit

import (
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestHooksChecks(t *testing.T) {
	const good = `token:"hooks-token-0123456789abcdef",defaultSessionKey:"hook:ingress",allowedAgentIds:["hooks"]`
	gatewayRunCases(t, []gatewayCase{
		{name: "acceptance: session key override local",
			config:  `{hooks:{enabled:true,token:"shared-gateway-token-1234567890",defaultSessionKey:"hook:ingress",allowRequestSessionKey:true}}`,
			present: map[string]model.Severity{"hooks.request_session_key_enabled": model.Warn, "hooks.request_session_key_prefixes_missing": model.Warn},
			absent:  []string{"hooks.default_session_key_unset", "hooks.token_too_short", "hooks.token_reuse_gateway_token"}},
		{name: "session key override remote", config: `{gateway:{tailscale:{mode:"serve"}},hooks:{enabled:true,` + good + `,allowRequestSessionKey:true}}`,
			present: map[string]model.Severity{"hooks.request_session_key_enabled": model.Critical, "hooks.request_session_key_prefixes_missing": model.Critical}},
		{name: "prefixes restrict", config: `{hooks:{enabled:true,` + good + `,allowRequestSessionKey:true,allowedSessionKeyPrefixes:["hook:"]}}`,
			present: map[string]model.Severity{"hooks.request_session_key_enabled": model.Warn},
			absent:  []string{"hooks.request_session_key_prefixes_missing"}},
		{name: "disabled hooks are ignored", config: `{hooks:{enabled:false,token:"x",path:"/",allowRequestSessionKey:true}}`,
			absent: []string{"hooks.token_too_short", "hooks.path_root", "hooks.request_session_key_enabled", "hooks.default_session_key_unset", "hooks.token_missing", "hooks.allowed_agent_ids_unrestricted"}},
		{name: "short token root path", config: `{hooks:{enabled:true,token:"abc",path:"/"}}`,
			present: map[string]model.Severity{"hooks.token_too_short": model.Warn, "hooks.path_root": model.Critical, "hooks.default_session_key_unset": model.Warn, "hooks.allowed_agent_ids_unrestricted": model.Warn}},
		{name: "well configured", config: `{hooks:{enabled:true,` + good + `,path:"/hooks"}}`,
			absent: []string{"hooks.token_too_short", "hooks.path_root", "hooks.default_session_key_unset", "hooks.allowed_agent_ids_unrestricted", "hooks.token_missing", "hooks.request_session_key_enabled"}},
		{name: "agent wildcard lan", config: `{gateway:{bind:"lan"},hooks:{enabled:true,token:"hooks-token-0123456789abcdef",defaultSessionKey:"k",allowedAgentIds:["*"]}}`,
			present: map[string]model.Severity{"hooks.allowed_agent_ids_unrestricted": model.Critical}},
		{name: "empty agent list denies all", config: `{hooks:{enabled:true,token:"hooks-token-0123456789abcdef",defaultSessionKey:"k",allowedAgentIds:[]}}`,
			absent: []string{"hooks.allowed_agent_ids_unrestricted"}},
		{name: "token missing loopback", config: `{hooks:{enabled:true}}`, present: map[string]model.Severity{"hooks.token_missing": model.Warn}},
		{name: "token missing funnel", config: `{gateway:{tailscale:{mode:"funnel"}},hooks:{enabled:true}}`, present: map[string]model.Severity{"hooks.token_missing": model.Critical}},
		{name: "token as env ref counts", config: `{hooks:{enabled:true,token:"${HOOKS_TOKEN}"}}`, absent: []string{"hooks.token_missing", "hooks.token_too_short"}},
		{name: "reuse of config gateway token", config: `{gateway:{auth:{mode:"token",token:"same-token-0123456789abcdef"}},hooks:{enabled:true,token:"same-token-0123456789abcdef"}}`,
			present: map[string]model.Severity{"hooks.token_reuse_gateway_token": model.Critical}},
		{name: "reuse of env gateway token via var", config: `{hooks:{enabled:true,token:"${HOOKS_TOKEN}"}}`,
			env:     map[string]string{"HOOKS_TOKEN": "env-token-0123456789abcdef", "OPENCLAW_GATEWAY_TOKEN": "env-token-0123456789abcdef"},
			present: map[string]model.Severity{"hooks.token_reuse_gateway_token": model.Critical}},
		{name: "reuse of password", config: `{gateway:{auth:{mode:"password",password:"pw-0123456789abcdef0123456"}},hooks:{enabled:true,token:" pw-0123456789abcdef0123456 "}}`,
			present: map[string]model.Severity{"hooks.token_reuse_gateway_token": model.Critical}},
	})
	r := checkRun(t, `{gateway:{auth:{token:"same-token-0123456789abcdef"}},hooks:{enabled:true,token:"same-token-0123456789abcdef"}}`, auditkit.Options{})
	f := requireHit(t, r, "hooks.token_reuse_gateway_token", model.Critical)
	require.NotContains(t, f.Detail, "same-token")
	require.Equal(t, "hooks.token", f.Paths[0])
}

// On a 2026.2-era config the keys these fixes would write do not exist
// (OpenClaw 2026.2 rejects them): the findings stay, as advice.
func TestHooksGuideEraFindingsAreAdvice(t *testing.T) {
	guide := `{ meta: { lastTouchedVersion: "2026.2.19" }, gateway: { bind: "lan", auth: { token: "0123456789abcdef0123456789abcdef" } }, hooks: { enabled: true, token: "fedcba9876543210fedcba9876543210" } }`
	r := checkRun(t, guide, auditkit.Options{})
	for _, id := range []string{"hooks.default_session_key_unset", "hooks.allowed_agent_ids_unrestricted", "gateway.auth_no_rate_limit"} {
		f := requireHit(t, r, id, requireSeverityOf(t, r, id))
		require.Equal(t, model.FixManual, f.Fix, id)
		require.Contains(t, f.Remediation, "OpenClaw 2026.2 has no", id)
	}
	modern := strings.Replace(guide, "2026.2.19", "2026.9.6", 1)
	r = checkRun(t, modern, auditkit.Options{})
	require.Equal(t, model.FixSafe, requireHit(t, r, "hooks.default_session_key_unset", model.Warn).Fix)
}

func requireSeverityOf(t *testing.T, r *Report, id string) model.Severity {
	for _, f := range r.Findings {
		if f.CheckID == id {
			return f.Severity
		}
	}
	t.Fatalf("no finding %s", id)
	return 0
}
