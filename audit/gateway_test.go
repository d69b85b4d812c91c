package audit

import (
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// gatewayCase is one config → expected findings row.
type gatewayCase struct {
	name    string
	config  string
	env     map[string]string
	present map[string]model.Severity
	absent  []string
}

func gatewayRunCases(t *testing.T, cases []gatewayCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := checkRun(t, c.config, auditkit.Options{Env: c.env})
			for id, sev := range c.present {
				requireHit(t, r, id, sev)
			}
			for _, id := range c.absent {
				requireNoHit(t, r, id)
			}
		})
	}
}

func TestGatewayAcceptanceCases(t *testing.T) {
	gatewayRunCases(t, []gatewayCase{
		{name: "lan bind without auth", config: `{gateway:{bind:"lan",auth:{}}}`,
			present: map[string]model.Severity{"gateway.bind_no_auth": model.Critical}},
		{name: "lan token no rate limit", config: `{gateway:{bind:"lan",auth:{token:"secret"}}}`,
			present: map[string]model.Severity{"gateway.auth_no_rate_limit": model.Warn, "gateway.token_too_short": model.Warn, "gateway.control_ui.allowed_origins_required": model.Critical},
			absent:  []string{"gateway.bind_no_auth"}},
		{name: "loopback control UI no auth", config: `{gateway:{bind:"loopback",controlUi:{enabled:true},auth:{}}}`,
			present: map[string]model.Severity{"gateway.loopback_no_auth": model.Critical, "gateway.trusted_proxies_missing": model.Warn},
			absent:  []string{"gateway.bind_no_auth"}},
		{name: "insecure auth toggle", config: `{gateway:{controlUi:{allowInsecureAuth:true}}}`,
			present: map[string]model.Severity{"gateway.control_ui.insecure_auth": model.Warn}},
		{name: "dangerous node commands lan, old key", config: `{gateway:{bind:"lan",nodes:{allowCommands:["camera.snap","screen.record"]}}}`,
			present: map[string]model.Severity{"gateway.nodes.allow_commands_dangerous": model.Critical}},
		{name: "dangerous node commands lan, new key", config: `{gateway:{bind:"lan",nodes:{commands:{allow:["camera.snap"]}}}}`,
			present: map[string]model.Severity{"gateway.nodes.allow_commands_dangerous": model.Critical}},
		{name: "http no auth lan", config: `{gateway:{bind:"lan",auth:{mode:"none"},http:{endpoints:{responses:{enabled:true}}}}}`,
			present: map[string]model.Severity{"gateway.http.no_auth": model.Critical, "gateway.http.session_key_override_enabled": model.Info, "gateway.bind_no_auth": model.Critical}},
	})
}

func TestGatewayAuthResolution(t *testing.T) {
	long := "0123456789abcdef0123456789abcdef"
	gatewayRunCases(t, []gatewayCase{
		{name: "env token counts as auth on lan", config: `{gateway:{bind:"lan"}}`, env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": long},
			present: map[string]model.Severity{"gateway.auth_no_rate_limit": model.Warn},
			absent:  []string{"gateway.bind_no_auth", "gateway.token_too_short", "gateway.http.no_auth"}},
		{name: "short env token is flagged", config: `{gateway:{auth:{mode:"token"}}}`, env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": "short-env"},
			present: map[string]model.Severity{"gateway.token_too_short": model.Warn}},
		{name: "SecretRef counts as configured", config: `{gateway:{bind:"lan",auth:{mode:"token",token:{source:"file",provider:"default",id:"/gw"}},rateLimit:{}}}`,
			absent: []string{"gateway.bind_no_auth", "gateway.http.no_auth", "gateway.token_too_short"}},
		{name: "missing var is unknown, not no auth", config: `{gateway:{bind:"lan",auth:{mode:"token",token:"${OPENCLAW_GATEWAY_TOKEN}"}}}`,
			present: map[string]model.Severity{"config.env_var_missing": model.Critical},
			absent:  []string{"gateway.bind_no_auth", "gateway.http.no_auth", "gateway.token_too_short", "gateway.loopback_no_auth"}},
		{name: "missing var on loopback is a warning", config: `{gateway:{auth:{mode:"token",token:"${GW_TOKEN}"}}}`,
			present: map[string]model.Severity{"config.env_var_missing": model.Warn},
			absent:  []string{"gateway.loopback_no_auth"}},
		{name: "var present resolves", config: `{gateway:{auth:{mode:"token",token:"${GW_TOKEN}"}}}`, env: map[string]string{"GW_TOKEN": "abc"},
			present: map[string]model.Severity{"gateway.token_too_short": model.Warn},
			absent:  []string{"config.env_var_missing"}},
		{name: "long token is fine", config: `{gateway:{auth:{token:"` + long + `"}}}`,
			absent: []string{"gateway.token_too_short", "gateway.token_weak_value", "gateway.loopback_no_auth"}},
		{name: "serve with tailscale identity", config: `{gateway:{tailscale:{mode:"serve"}}}`,
			present: map[string]model.Severity{"gateway.tailscale_serve": model.Info, "gateway.http.no_auth": model.Critical},
			absent:  []string{"gateway.loopback_no_auth", "gateway.tailscale_funnel"}},
		{name: "serve with identity auth off", config: `{gateway:{tailscale:{mode:"serve"},auth:{allowTailscale:false}}}`,
			present: map[string]model.Severity{"gateway.loopback_no_auth": model.Critical}},
		{name: "auto bind counts as exposed, as OpenClaw 2026.9 does", config: `{gateway:{bind:"auto"}}`,
			present: map[string]model.Severity{"gateway.bind_no_auth": model.Critical, "gateway.auth_no_rate_limit": model.Warn},
			absent:  []string{"gateway.loopback_no_auth"}},
		{name: "custom loopback host", config: `{gateway:{bind:"custom",customBindHost:"127.0.0.1"}}`,
			absent: []string{"gateway.bind_no_auth", "gateway.custom_bind_all_interfaces"}},
	})
}

func TestGatewayNoSecretInDetail(t *testing.T) {
	r := checkRun(t, `{gateway:{bind:"lan",auth:{token:"hunter2x"}}}`, auditkit.Options{})
	f := requireHit(t, r, "gateway.token_too_short", model.Warn)
	require.Contains(t, f.Detail, "8 chars")
	for _, f := range r.Findings {
		require.NotContains(t, f.Detail, "hunter2x", f.CheckID)
	}
	require.Equal(t, "gateway.auth.token", f.Paths[0])
	require.Positive(t, f.Line)
}

func TestGatewayControlUIAndProxies(t *testing.T) {
	gatewayRunCases(t, []gatewayCase{
		{name: "wildcard origin loopback", config: `{gateway:{auth:{token:"0123456789abcdef0123456789"},controlUi:{allowedOrigins:["*"]}}}`,
			present: map[string]model.Severity{"gateway.control_ui.allowed_origins_wildcard": model.Warn}},
		{name: "wildcard origin lan", config: `{gateway:{bind:"lan",controlUi:{allowedOrigins:["*"]}}}`,
			present: map[string]model.Severity{"gateway.control_ui.allowed_origins_wildcard": model.Critical},
			absent:  []string{"gateway.control_ui.allowed_origins_required"}},
		{name: "host header fallback lan", config: `{gateway:{bind:"lan",controlUi:{dangerouslyAllowHostHeaderOriginFallback:true}}}`,
			present: map[string]model.Severity{"gateway.control_ui.host_header_origin_fallback": model.Critical},
			absent:  []string{"gateway.control_ui.allowed_origins_required"}},
		{name: "host header fallback funnel", config: `{gateway:{tailscale:{mode:"funnel"},controlUi:{dangerouslyAllowHostHeaderOriginFallback:true}}}`,
			present: map[string]model.Severity{"gateway.control_ui.host_header_origin_fallback": model.Critical, "gateway.tailscale_funnel": model.Critical}},
		{name: "device auth disabled", config: `{gateway:{controlUi:{dangerouslyDisableDeviceAuth:true}}}`,
			present: map[string]model.Severity{"gateway.control_ui.device_auth_disabled": model.Critical}},
		{name: "control ui disabled", config: `{gateway:{bind:"lan",controlUi:{enabled:false}}}`,
			absent: []string{"gateway.control_ui.allowed_origins_required", "gateway.trusted_proxies_missing"}},
		{name: "real ip fallback loopback", config: `{gateway:{allowRealIpFallback:true,trustedProxies:["127.0.0.1"]}}`,
			present: map[string]model.Severity{"gateway.real_ip_fallback_enabled": model.Warn},
			absent:  []string{"gateway.trusted_proxies_missing"}},
		{name: "real ip fallback trusted-proxy non-loopback", config: `{gateway:{allowRealIpFallback:true,trustedProxies:["10.0.0.5"],auth:{mode:"trusted-proxy"}}}`,
			present: map[string]model.Severity{"gateway.real_ip_fallback_enabled": model.Critical}},
		{name: "trusted proxy bare", config: `{gateway:{auth:{mode:"trusted-proxy",trustedProxy:{allowLoopback:true}}}}`,
			present: map[string]model.Severity{"gateway.trusted_proxy_auth": model.Critical, "gateway.trusted_proxy_no_proxies": model.Critical, "gateway.trusted_proxy_no_user_header": model.Critical, "gateway.trusted_proxy_no_allowlist": model.Warn, "gateway.trusted_proxy_allow_loopback": model.Warn},
			absent:  []string{"gateway.http.no_auth"}},
		{name: "trusted proxy complete on lan", config: `{gateway:{bind:"lan",trustedProxies:["10.0.0.5"],controlUi:{allowedOrigins:["https://x.example"]},auth:{mode:"trusted-proxy",trustedProxy:{userHeader:"x-forwarded-user",allowUsers:["me@example.com"]}}}}`,
			present: map[string]model.Severity{"gateway.trusted_proxy_auth": model.Critical},
			absent:  []string{"gateway.trusted_proxy_no_proxies", "gateway.trusted_proxy_no_user_header", "gateway.trusted_proxy_no_allowlist", "gateway.bind_no_auth", "gateway.auth_no_rate_limit", "gateway.trusted_proxies_broad"}},
		{name: "broad proxies loopback", config: `{gateway:{trustedProxies:["10.0.0.0/8"]}}`,
			present: map[string]model.Severity{"gateway.trusted_proxies_broad": model.Warn}},
		{name: "broad proxies lan", config: `{gateway:{bind:"lan",trustedProxies:["*","::/0"]}}`,
			present: map[string]model.Severity{"gateway.trusted_proxies_broad": model.Critical}},
		{name: "narrow proxies", config: `{gateway:{trustedProxies:["10.1.0.0/16","fd00:1:2::/48","127.0.0.1"]}}`,
			absent: []string{"gateway.trusted_proxies_broad"}},
	})
}

func TestGatewayHardshellAdditions(t *testing.T) {
	long := "0123456789abcdef0123456789abcdef"
	gatewayRunCases(t, []gatewayCase{
		{name: "custom 0.0.0.0 no auth", config: `{gateway:{bind:"custom",customBindHost:"0.0.0.0"}}`,
			present: map[string]model.Severity{"gateway.custom_bind_all_interfaces": model.Critical, "gateway.bind_no_auth": model.Critical}},
		{name: "legacy :: with auth", config: `{gateway:{bind:"::",auth:{token:"` + long + `"}}}`,
			present: map[string]model.Severity{"gateway.custom_bind_all_interfaces": model.Warn},
			absent:  []string{"gateway.bind_no_auth"}},
		{name: "lan is not custom", config: `{gateway:{bind:"lan"}}`, absent: []string{"gateway.custom_bind_all_interfaces"}},
		{name: "undefined token exposed", config: `{gateway:{bind:"lan",auth:{token:"undefined"}}}`,
			present: map[string]model.Severity{"gateway.token_weak_value": model.Critical}},
		{name: "placeholder token loopback", config: `{gateway:{auth:{token:"your-long-random-token"}}}`,
			present: map[string]model.Severity{"gateway.token_weak_value": model.Warn}},
		{name: "repeated char env password", config: `{}`, env: map[string]string{"OPENCLAW_GATEWAY_PASSWORD": "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
			present: map[string]model.Severity{"gateway.token_weak_value": model.Warn}},
		{name: "tools invoke dangerous loopback", config: `{gateway:{tools:{allow:["Sessions_Spawn","read"]}}}`,
			present: map[string]model.Severity{"gateway.tools_invoke_http.dangerous_allow": model.Warn}},
		{name: "tools invoke dangerous funnel", config: `{gateway:{tailscale:{mode:"funnel"},tools:{allow:["cron"]}}}`,
			present: map[string]model.Severity{"gateway.tools_invoke_http.dangerous_allow": model.Critical}},
		{name: "mcp apps", config: `{mcp:{apps:{enabled:true}}}`, present: map[string]model.Severity{"mcp.apps.enabled": model.Warn}},
	})
}

func TestGatewayWeakTokenMasked(t *testing.T) {
	r := checkRun(t, `{gateway:{auth:{token:"changeme"}}}`, auditkit.Options{})
	f := requireHit(t, r, "gateway.token_weak_value", model.Warn)
	require.NotContains(t, f.Detail, "changeme")
}

func TestGatewayNodeCommands(t *testing.T) {
	gatewayRunCases(t, []gatewayCase{
		{name: "loopback warn", config: `{gateway:{nodes:{allowCommands:["sms.send"]}}}`,
			present: map[string]model.Severity{"gateway.nodes.allow_commands_dangerous": model.Warn}},
		{name: "serve is remote", config: `{gateway:{tailscale:{mode:"serve"},nodes:{allowCommands:["sms.send"]}}}`,
			present: map[string]model.Severity{"gateway.nodes.allow_commands_dangerous": model.Critical}},
		{name: "re-denied", config: `{gateway:{nodes:{allowCommands:["sms.send"],denyCommands:["sms.send"]}}}`,
			absent: []string{"gateway.nodes.allow_commands_dangerous", "gateway.nodes.deny_commands_ineffective"}},
		{name: "deny new era exact", config: `{gateway:{nodes:{commands:{allow:["camera.snap"],deny:["camera.snap"]}}}}`,
			absent: []string{"gateway.nodes.allow_commands_dangerous", "gateway.nodes.deny_commands_ineffective"}},
	})
	r := checkRun(t, `{gateway:{nodes:{denyCommands:["system.*","rm -rf","sytem.run","system.run"]}}}`, auditkit.Options{})
	f := requireHit(t, r, "gateway.nodes.deny_commands_ineffective", model.Warn)
	require.Contains(t, f.Detail, "system.*")
	require.Contains(t, f.Detail, "rm -rf")
	require.Contains(t, f.Detail, "sytem.run (did you mean system.run?)")
	require.False(t, strings.Contains(f.Detail, "system.run,"), f.Detail)
	r = checkRun(t, `{gateway:{nodes:{commands:{deny:["group:camera"]}}}}`, auditkit.Options{})
	f = requireHit(t, r, "gateway.nodes.deny_commands_ineffective", model.Warn)
	require.Equal(t, []string{"gateway.nodes.commands.deny"}, f.Paths)
}

func TestGatewayEnvVarMissingListsPaths(t *testing.T) {
	r := checkRun(t, `{
  // two vars, one used twice
  channels: { telegram: { botToken: "${TG_TOKEN}" } },
  models: { providers: { x: { apiKey: "${TG_TOKEN}", baseUrl: "$${LITERAL}" } } },
  gateway: { auth: { token: { source: "env", provider: "default", id: "GW_SECRET" } } },
}`, auditkit.Options{})
	f := requireHit(t, r, "config.env_var_missing", model.Warn)
	require.Contains(t, f.Detail, "TG_TOKEN — needed by channels.telegram.botToken, models.providers.x.apiKey")
	require.Contains(t, f.Detail, "GW_SECRET")
	require.Contains(t, f.Detail, "refuses clients")
	require.NotContains(t, f.Detail, "LITERAL")
	require.Contains(t, f.Paths, "channels.telegram.botToken")
	require.Contains(t, f.Paths, "gateway.auth.token")
	requireNoHit(t, r, "gateway.loopback_no_auth")
	requireNoHit(t, r, "browser.control_no_auth")
}

// 2026.2-era configs: no allowedOrigins key exists (OpenClaw 2026.2 rejects
// it), so its absence is no finding there; allowInsecureAuth is critical, as
// OpenClaw 2026.2 rates it.
func TestGatewayEraSpecificRules(t *testing.T) {
	lan := `{ meta: { lastTouchedVersion: "2026.2.19" }, gateway: { bind: "lan", auth: { token: "0123456789abcdef0123456789abcdef" }, controlUi: { allowInsecureAuth: true } } }`
	r := checkRun(t, lan, auditkit.Options{})
	requireNoHit(t, r, "gateway.control_ui.allowed_origins_required")
	requireHit(t, r, "gateway.control_ui.insecure_auth", model.Critical)

	modern := `{ meta: { lastTouchedVersion: "2026.9.6" }, gateway: { bind: "lan", auth: { token: "0123456789abcdef0123456789abcdef" } } }`
	requireHit(t, checkRun(t, modern, auditkit.Options{}), "gateway.control_ui.allowed_origins_required", model.Critical)
	unknown := `{ gateway: { controlUi: { allowInsecureAuth: true } } }`
	requireHit(t, checkRun(t, unknown, auditkit.Options{}), "gateway.control_ui.insecure_auth", model.Warn)
}

func TestVersionBefore(t *testing.T) {
	require.True(t, versionBefore("2026.2.19", 2026, 3))
	require.True(t, versionBefore("OpenClaw 2026.1.29", 2026, 3))
	require.False(t, versionBefore("2026.3.13", 2026, 3))
	require.False(t, versionBefore("2026.9.6", 2026, 3))
	require.False(t, versionBefore("", 2026, 3))
	require.False(t, versionBefore("dev", 2026, 3))
}
