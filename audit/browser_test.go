package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestBrowserChecks(t *testing.T) {
	const auth = `gateway:{auth:{token:"0123456789abcdef0123456789abcdef"}}`
	gatewayRunCases(t, []gatewayCase{
		{name: "default config has no auth", config: `{}`,
			present: map[string]model.Severity{"browser.control_no_auth": model.Critical}},
		{name: "disabled browser", config: `{browser:{enabled:false}}`, absent: []string{"browser.control_no_auth"}},
		{name: "token configured", config: `{` + auth + `}`, absent: []string{"browser.control_no_auth"}},
		{name: "env token", config: `{}`, env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": "t"}, absent: []string{"browser.control_no_auth"}},
		{name: "env password", config: `{}`, env: map[string]string{"OPENCLAW_GATEWAY_PASSWORD": "p"}, absent: []string{"browser.control_no_auth"}},
		{name: "password ignored in explicit token mode", config: `{gateway:{auth:{mode:"token",password:"p"}}}`,
			present: map[string]model.Severity{"browser.control_no_auth": model.Critical}},
		{name: "secret from missing var is not no-auth", config: `{gateway:{auth:{token:"${GW}"}}}`, absent: []string{"browser.control_no_auth"}},
		{name: "remote http cdp on private ip", config: `{` + auth + `,browser:{profiles:{work:{cdpUrl:"http://192.168.1.20:9222"}}}}`,
			present: map[string]model.Severity{"browser.remote_cdp_http": model.Warn, "browser.remote_cdp_private_host": model.Warn}},
		{name: "strict ssrf policy silences private host", config: `{` + auth + `,browser:{ssrfPolicy:{dangerouslyAllowPrivateNetwork:false},cdpUrl:"https://10.0.0.4:9222"}}`,
			absent: []string{"browser.remote_cdp_private_host", "browser.remote_cdp_http"}},
		{name: "loopback cdp is fine", config: `{` + auth + `,browser:{cdpUrl:"http://127.0.0.1:18800",profiles:{local:{cdpUrl:"ws://localhost:9222"}}}}`,
			absent: []string{"browser.remote_cdp_http", "browser.remote_cdp_private_host", "browser.control_invalid_config"}},
		{name: "public wss cdp", config: `{` + auth + `,browser:{profiles:{cloud:{cdpUrl:"wss://chrome.browserless.io?token=abc"}}}}`,
			absent: []string{"browser.remote_cdp_http", "browser.remote_cdp_private_host"}},
		{name: "invalid cdp url", config: `{` + auth + `,browser:{cdpUrl:"ftp://host:9222",profiles:{Bad_Name:{cdpUrl:"http://:99999"}}}}`,
			present: map[string]model.Severity{"browser.control_invalid_config": model.Warn}},
		{name: "browser proxy on lan", config: `{gateway:{bind:"lan"}}`,
			present: map[string]model.Severity{"gateway.nodes.browser_proxy_enabled": model.Warn}},
		{name: "browser proxy off on lan", config: `{gateway:{bind:"lan",nodes:{browser:{mode:"off"}}}}`,
			absent: []string{"gateway.nodes.browser_proxy_enabled"}},
		{name: "browser proxy loopback", config: `{gateway:{nodes:{browser:{mode:"auto"}}}}`,
			absent: []string{"gateway.nodes.browser_proxy_enabled"}},
		{name: "relay exposed", config: `{browser:{relayBindHost:"0.0.0.0"}}`,
			present: map[string]model.Severity{"browser.relay_exposed": model.Critical}},
		{name: "relay loopback", config: `{browser:{relayBindHost:"127.0.0.1"}}`, absent: []string{"browser.relay_exposed"}},
	})
}

func TestBrowserMasksURLSecrets(t *testing.T) {
	r := checkRun(t, `{gateway:{auth:{token:"0123456789abcdef0123456789abcdef"}},browser:{profiles:{lab:{cdpUrl:"http://admin:s3cr3tpass@10.1.2.3:9222/json?token=tok-123456789"}}}}`, auditkit.Options{})
	for _, id := range []string{"browser.remote_cdp_http", "browser.remote_cdp_private_host"} {
		f := requireHit(t, r, id, model.Warn)
		require.NotContains(t, f.Detail, "s3cr3tpass")
		require.NotContains(t, f.Detail, "tok-123456789")
		require.Contains(t, f.Detail, "10.1.2.3:9222")
		require.Equal(t, []string{"browser.profiles.lab.cdpUrl"}, f.Paths)
		require.Equal(t, model.TierBrowser, f.Priority)
	}
}

func TestBrowserPrivateHost(t *testing.T) {
	for h, want := range map[string]bool{"10.0.0.1": true, "172.20.1.1": true, "100.100.1.1": true, "fd00::1": true, "fe80::1": true, "nas.local": true, "box.tail1234.ts.net": true, "chromebox": true, "8.8.8.8": false, "example.com": false} {
		require.Equal(t, want, browserPrivateHost(h), h)
	}
}
