package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestDMScopeWithSeveralAccounts(t *testing.T) {
	cases := []struct {
		name, config string
		sev          model.Severity // 0 = none
	}{
		{"two telegram bots, per-channel-peer", `{
  session: { dmScope: "per-channel-peer" },
  channels: { telegram: { dmPolicy: "pairing", accounts: {
    work: { botToken: "123456:AAH-fake-work-token-abcdefghijklmnop" },
    home: { botToken: "654321:AAH-fake-home-token-abcdefghijklmnop" } } } },
}`, model.Warn},
		{"per-account-channel-peer is the guide's answer", `{
  session: { dmScope: "per-account-channel-peer" },
  channels: { telegram: { accounts: { work: {}, home: {} } } },
}`, 0},
		{"one account", `{ session: { dmScope: "per-channel-peer" }, channels: { telegram: { accounts: { work: {} } } } }`, 0},
		{"no accounts block", `{ session: { dmScope: "per-channel-peer" }, channels: { telegram: { botToken: "123456:AAH-fake-telegram-token-abcdefghijkl" } } }`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{})
			if tc.sev == 0 {
				requireNoHit(t, r, IDDMScopeAccounts)
				return
			}
			f := requireHit(t, r, IDDMScopeAccounts, tc.sev)
			require.Contains(t, f.Detail, "channels.telegram.accounts: 2 accounts (home, work)")
			require.Equal(t, 2, f.Line, "located at session.dmScope")
		})
	}
}

func TestBindBeyondLoopback(t *testing.T) {
	const tok = `auth: { mode: "token", token: "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8icAbCdEf" }`
	cases := []struct {
		name, config string
		sev          model.Severity
		detail       string
	}{
		{"lan with strong auth is still exposure (info)", `{ gateway: { bind: "lan", ` + tok + ` } }`, model.Info, "auth is configured"},
		{"tailnet", `{ gateway: { bind: "tailnet", ` + tok + ` } }`, model.Info, "only the tailnet reaches it"},
		{"lan without auth", `{ gateway: { bind: "lan" } }`, model.Warn, "no gateway token/password"},
		{"public custom host", `{ gateway: { bind: "custom", customBindHost: "203.0.113.7", ` + tok + ` } }`, model.Warn, "not a private address"},
		{"private custom host", `{ gateway: { bind: "custom", customBindHost: "192.168.1.20", ` + tok + ` } }`, model.Info, "auth is configured"},
		{"loopback", `{ gateway: { bind: "loopback" } }`, 0, ""},
		{"custom loopback host", `{ gateway: { bind: "custom", customBindHost: "127.0.0.1" } }`, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{})
			if tc.detail == "" { // no finding expected
				requireNoHit(t, r, IDBindBeyondLoopback)
				return
			}
			f := requireHit(t, r, IDBindBeyondLoopback, tc.sev)
			require.Equal(t, model.TierExposure, f.Priority)
			require.Contains(t, f.Detail, tc.detail)
		})
	}
}
