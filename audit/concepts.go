package audit

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Concepts from the guide that the other area files do not cover: a
// per-peer DM scope that still mixes accounts, and a non-loopback bind as
// exposure in itself.

const (
	IDDMScopeAccounts    = "session.dm_scope.per_channel_peer_multi_account"
	IDBindBeyondLoopback = "gateway.bind_beyond_loopback"
)

func init() {
	Register("channels", Check{
		ID: IDDMScopeAccounts, Title: `DM scope "per-channel-peer" with several accounts on one channel`,
		Tier: model.TierInbound, Fix: model.FixManual, Severity: "warn",
		Trigger:     `session.dmScope="per-channel-peer" and some channel has two or more accounts (channels.<id>.accounts)`,
		Remediation: `openclaw config set session.dmScope "per-account-channel-peer"`,
		Why:         "per-channel-peer gives each sender on a channel their own session, but the key does not include the account: one person who DMs two of your bot accounts on the same channel (a work and a personal Telegram bot) lands in one session, and what they told one bot is visible to the other. The guide: with several accounts on one channel use per-account-channel-peer.",
		Breaks:      "A sender who wrote to several of your accounts gets one session per account from now on.",
		Since:       "OpenClaw 2026.2",
		Run: func(s *model.Snapshot) []Hit {
			if strings.TrimSpace(configString(s, "session.dmScope")) != "per-channel-peer" {
				return nil
			}
			chs := Config(s).Get("channels")
			if chs == nil || chs.Kind != model.KindObject {
				return nil
			}
			var lines, paths []string
			for _, id := range model.SortedKeys(chs) {
				acc := chs.Get(id).Get("accounts")
				n := acc.Len()
				if acc == nil || n < 2 {
					continue
				}
				names := model.SortedKeys(acc)
				lines = append(lines, fmt.Sprintf("channels.%s.accounts: %d accounts (%s)", id, n, strings.Join(names, ", ")))
				paths = append(paths, "channels."+id+".accounts")
			}
			if len(lines) == 0 {
				return nil
			}
			return []Hit{{Severity: model.Warn,
				Detail: `session.dmScope="per-channel-peer" keys DM sessions by channel and sender, not by account:` + "\n- " + strings.Join(lines, "\n- "),
				Paths:  append([]string{"session.dmScope"}, paths...)}}
		},
	})
	Register("gateway", Check{
		ID: IDBindBeyondLoopback, Title: "Gateway listens beyond loopback",
		Tier: model.TierExposure, Fix: model.FixManual, Severity: "info with strong auth on a private network; warn when the bind reaches beyond the host's private networks (a public customBindHost) or auth is missing or unresolved",
		Trigger:     `gateway.bind is not "loopback" (lan, auto, tailnet, custom or a literal address)`,
		Remediation: `Keep gateway.bind "loopback" and reach the gateway through Tailscale Serve or an SSH tunnel; if it must listen on a LAN, keep strong token auth and a host firewall.`,
		Why:         "The guide's tier 2 names a LAN bind itself as exposure: every device on the network (a guest's phone, a compromised IoT device, a container) can reach the Control UI and the API and try tokens, whatever the auth. Loopback plus Serve or a tunnel leaves nothing to reach.",
		Breaks:      "Clients on other machines need Tailscale Serve or an SSH tunnel.",
		Since:       "hardshell",
		Run:         runBindBeyondLoopback,
	})
}

func runBindBeyondLoopback(s *model.Snapshot) []Hit {
	if !exposed(s) {
		return nil
	}
	b := gatewayBind(s)
	sev := model.Info
	var why []string
	switch b {
	case "custom":
		h := strings.Trim(strings.TrimSpace(configString(s, "gateway.customBindHost")), "[]")
		if a, err := netip.ParseAddr(h); err == nil && !a.Unmap().IsUnspecified() && !a.Unmap().IsPrivate() && !tailnetV4.Contains(a.Unmap()) && !tailnetV6.Contains(a.Unmap()) && !a.Unmap().IsLinkLocalUnicast() {
			sev = model.Warn
			why = append(why, "customBindHost "+h+" is not a private address: the gateway is on a public network")
		}
	case "tailnet":
		why = append(why, "only the tailnet reaches it")
	}
	g := gatewaySecret(s)
	switch {
	case g.Unknown():
		sev = model.Warn
		why = append(why, "the gateway secret depends on a variable missing in this shell")
	case g.NoAuth():
		sev = model.Warn
		why = append(why, "no gateway token/password is configured (see gateway.bind_no_auth)")
	default:
		why = append(why, "auth is configured")
	}
	sort.Strings(why)
	return []Hit{{Severity: sev,
		Detail: fmt.Sprintf("gateway.bind=%q: the gateway is reachable from other machines; %s.", b, strings.Join(why, "; ")),
		Paths:  []string{"gateway.bind"}}}
}
