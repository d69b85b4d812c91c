package remediate

import (
	"github.com/hardshell/hardshell/model"
)

// Advice-only remediations (Kind FixManual): hardshell cannot choose for the
// operator, so Plan returns no edits and After carries the concrete steps.

func init() {
	Register(
		advice([]string{"models.<check>"}, "Use a top-tier model for agents with tools",
			"For every bot that has tools or reads untrusted input, use the newest top-tier model your provider offers: smaller and older models follow injected instructions more easily.",
			"Change agents.defaults.model (or agents.list[].model / agents.entries.<id>.model) to that model; `openclaw models list` shows what is configured.",
			"If a small model must stay, confine its agents: sandbox.mode \"all\" and tools.deny [\"web_search\", \"web_fetch\", \"browser\"] on those agents, and keep them off open channels.",
		),
		advice([]string{"gateway.trusted_proxies_missing"}, "Trust your reverse proxy explicitly",
			"If a reverse proxy (nginx, Caddy, Tailscale Serve) forwards to this gateway, set gateway.trustedProxies to that proxy's own address (e.g. [\"127.0.0.1\"]) so client IPs and rate limits are right.",
			"If nothing proxies the gateway, leave it empty; this finding is informational.",
		),
		advice([]string{"gateway.trusted_proxy_auth", "gateway.trusted_proxy_no_proxies", "gateway.trusted_proxy_no_user_header", "gateway.trusted_proxy_no_allowlist", "gateway.trusted_proxy_allow_loopback"},
			"Review trusted-proxy authentication",
			"gateway.auth.mode \"trusted-proxy\" hands authentication to the proxy: make sure only that proxy can reach the gateway port (bind loopback or firewall it).",
			"Set gateway.trustedProxies to the proxy's address only, gateway.auth.trustedProxy.userHeader to the header the proxy sets, and allowUsers to the accounts that may operate the gateway; keep allowLoopback false.",
			"If you do not run an authenticating proxy, switch to token auth: `openclaw config set gateway.auth.mode token` and `openclaw doctor --generate-gateway-token`, then "+restartGateway+".",
		),
	)
}

func advice(ids []string, title string, steps ...string) Remediation {
	return Remediation{
		CheckIDs: ids, Kind: model.FixManual, Title: title,
		Questions: func(*model.Snapshot, model.Finding) []model.Question { return nil },
		Plan: func(*model.Snapshot, model.Finding, model.Answers) (model.ChangeSet, error) {
			return model.ChangeSet{After: append([]string(nil), steps...)}, nil
		},
	}
}
