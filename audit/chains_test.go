package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestRiskChain(t *testing.T) {
	const tg = `telegram: { botToken: "123456:AAH-fake-telegram-token-abcdefghijkl", dmPolicy: "open", allowFrom: ["*"] }`
	cases := []struct {
		name, config string
		chain        bool
		links        []string
	}{
		{"open DMs, default tools, no sandbox", `{ channels: { ` + tg + ` } }`, true,
			[]string{"channels.telegram.dm.open", "security.exposure.open_groups_with_runtime_or_fs", "reaches exec, process, read", "way out web_fetch, web_search, browser, message"}},
		{"exposed gateway without auth is untrusted inbound too", `{ gateway: { bind: "lan" } }`, true,
			[]string{"gateway.bind_no_auth"}},
		{"inbound locked down: pairing", `{ channels: { telegram: { botToken: "123456:AAH-fake-telegram-token-abcdefghijkl", dmPolicy: "pairing" } } }`, false, nil},
		{"no way out: web, browser and messaging denied", `{ channels: { ` + tg + ` }, tools: { deny: ["group:web", "browser", "group:messaging", "sessions_send"] } }`, false, nil},
		{"no reach: sandboxed", `{ channels: { ` + tg + ` }, agents: { defaults: { sandbox: { mode: "all" } } } }`, false, nil},
		{"no reach: messaging profile, elevated off", `{ channels: { ` + tg + ` }, tools: { profile: "messaging", elevated: { enabled: false } } }`, false, nil},
		{"one agent of two closes the chain", `{ channels: { ` + tg + ` }, agents: { list: [
			{ id: "main", default: true, sandbox: { mode: "all" } },
			{ id: "research", tools: { allow: ["read", "web_fetch"] } } ] } }`, true,
			[]string{"research: reaches read", "way out web_fetch"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{})
			if !tc.chain {
				requireNoHit(t, r, IDRiskChain)
				return
			}
			f := requireHit(t, r, IDRiskChain, model.Critical)
			for _, l := range tc.links {
				require.Contains(t, f.Detail, l)
			}
			// at the top of its tier
			for _, g := range r.Findings {
				if g.Priority == f.Priority {
					require.Equal(t, IDRiskChain, g.CheckID, "the chain leads tier %d", f.Priority)
					break
				}
			}
			require.NotContains(t, f.Detail, "AAH-fake-telegram-token")
		})
	}
}
