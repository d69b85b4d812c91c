package audit

// Tier 2: the gateway's network exposure and authentication (catalogue
// §2.3). Severities follow OpenClaw: warn on loopback, critical when the
// gateway is exposed beyond loopback or funnelled to the internet.

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDConfigEnvVarMissing                      = "config.env_var_missing"
	IDGatewayAuthNoRateLimit                   = "gateway.auth_no_rate_limit"
	IDGatewayBindNoAuth                        = "gateway.bind_no_auth"
	IDGatewayControlUIAllowedOriginsRequired   = "gateway.control_ui.allowed_origins_required"
	IDGatewayControlUIAllowedOriginsWildcard   = "gateway.control_ui.allowed_origins_wildcard"
	IDGatewayControlUIDeviceAuthDisabled       = "gateway.control_ui.device_auth_disabled"
	IDGatewayControlUIHostHeaderOriginFallback = "gateway.control_ui.host_header_origin_fallback"
	IDGatewayControlUIInsecureAuth             = "gateway.control_ui.insecure_auth"
	IDGatewayCustomBindAllInterfaces           = "gateway.custom_bind_all_interfaces"
	IDGatewayHTTPNoAuth                        = "gateway.http.no_auth"
	IDGatewayHTTPSessionKeyOverrideEnabled     = "gateway.http.session_key_override_enabled"
	IDGatewayLoopbackNoAuth                    = "gateway.loopback_no_auth"
	IDGatewayNodesAllowCommandsDangerous       = "gateway.nodes.allow_commands_dangerous"
	IDGatewayNodesDenyCommandsIneffective      = "gateway.nodes.deny_commands_ineffective"
	IDGatewayRealIPFallbackEnabled             = "gateway.real_ip_fallback_enabled"
	IDGatewayTailscaleFunnel                   = "gateway.tailscale_funnel"
	IDGatewayTailscaleServe                    = "gateway.tailscale_serve"
	IDGatewayTokenTooShort                     = "gateway.token_too_short"
	IDGatewayTokenWeakValue                    = "gateway.token_weak_value"
	IDGatewayToolsInvokeHTTPDangerousAllow     = "gateway.tools_invoke_http.dangerous_allow"
	IDGatewayTrustedProxiesBroad               = "gateway.trusted_proxies_broad"
	IDGatewayTrustedProxiesMissing             = "gateway.trusted_proxies_missing"
	IDGatewayTrustedProxyAllowLoopback         = "gateway.trusted_proxy_allow_loopback"
	IDGatewayTrustedProxyAuth                  = "gateway.trusted_proxy_auth"
	IDGatewayTrustedProxyNoAllowlist           = "gateway.trusted_proxy_no_allowlist"
	IDGatewayTrustedProxyNoProxies             = "gateway.trusted_proxy_no_proxies"
	IDGatewayTrustedProxyNoUserHeader          = "gateway.trusted_proxy_no_user_header"
	IDMCPAppsEnabled                           = "mcp.apps.enabled"
)

const (
	whyBind      = "The gateway multiplexes WebSocket and HTTP on one port. gateway.bind \"loopback\" (the default) lets only local clients connect; any other bind (lan, tailnet, custom) widens the attack surface and must only be used with a shared token/password and a properly configured firewall. Never expose an unauthenticated gateway on 0.0.0.0; prefer Tailscale Serve over a LAN bind, since Serve keeps the gateway on loopback and lets Tailscale handle access."
	whyAuth      = "Gateway auth is required by default: without a token or password the gateway refuses WebSocket connections (fail-closed). The onboarding wizard generates a token even on loopback so local clients must authenticate too. Whoever holds the gateway credential has operator access to every tool the agents can use."
	whyProxy     = "Behind a reverse proxy (nginx, Caddy, Traefik) gateway.trustedProxies must list the proxy so the gateway can find the real client IP. Proxy headers from an address not in trustedProxies are not treated as local. Without it, proxied connections can look like they come from localhost and be trusted automatically: an authentication bypass. Make the proxy overwrite (not append to) X-Forwarded-For."
	whyControlUI = "The Control UI needs a secure context (HTTPS or localhost) to create a device identity. allowInsecureAuth falls back to token-only auth and skips device pairing without an identity, a security downgrade: use HTTPS (Tailscale Serve) or open the UI on 127.0.0.1. dangerouslyDisableDeviceAuth turns device identity checks off entirely, a severe downgrade meant only for short break-glass debugging you can revert at once."
	whyTailscale = "Tailscale Serve keeps the gateway on loopback and exposes it only to your tailnet; Funnel publishes it to the whole internet. Never use Funnel to expose the gateway or browser control endpoints; keep gateway and node hosts tailnet-only."
	whyNodes     = "Pairing a node is equivalent to granting administrator access. Node commands such as camera.snap, screen.record, contacts.add or sms.send act on real devices; anyone holding gateway auth can trigger them."
)

// gatewayDangerousHTTPTools are denied over HTTP /tools/invoke by default.
// The one list: fixes and containment use DangerousHTTPTools.
var gatewayDangerousHTTPTools = []string{"sessions_spawn", "sessions_send", "cron", "gateway", "whatsapp_login", "desktop", "nodes"}

// gwDangerousNodeCommands are OpenClaw's DEFAULT_DANGEROUS_NODE_COMMANDS.
// The one list: fixes and containment use DangerousNodeCommands.
var gwDangerousNodeCommands = []string{"camera.snap", "camera.clip", "screen.record", "contacts.add", "calendar.add", "reminders.add", "sms.send"}

// RateLimitDefault is the gateway.auth.rateLimit hardshell writes when it is
// missing (fix and baseline) and suggests in the check:
// ten failures a minute lock a client out for five minutes, and loopback
// stays exempt so the owner on the host can never be locked out.
var RateLimitDefault = model.Obj{
	{Key: "maxAttempts", Value: 10},
	{Key: "windowMs", Value: 60000},
	{Key: "lockoutMs", Value: 300000},
	{Key: "exemptLoopback", Value: true},
}

// inlineObj renders o as JSON5 on one line: { key: value, … }.
func inlineObj(o model.Obj) string {
	parts := make([]string, len(o))
	for i, kv := range o {
		parts[i] = fmt.Sprintf("%s: %v", kv.Key, kv.Value)
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// DangerousHTTPTools are the tools OpenClaw denies over HTTP /tools/invoke
// by default (gateway.tools_invoke_http.dangerous_allow flags re-allowing
// them). The slice is a copy.
func DangerousHTTPTools() []string { return slices.Clone(gatewayDangerousHTTPTools) }

// IsDangerousHTTPTool reports whether a gateway.tools.allow entry names one
// of DangerousHTTPTools (trimmed, any case, as the check reads it).
func IsDangerousHTTPTool(t string) bool {
	return slices.Contains(gatewayDangerousHTTPTools, strings.ToLower(strings.TrimSpace(t)))
}

// DangerousNodeCommands are OpenClaw's DEFAULT_DANGEROUS_NODE_COMMANDS
// (gateway.nodes.allow_commands_dangerous). The slice is a copy.
func DangerousNodeCommands() []string { return slices.Clone(gwDangerousNodeCommands) }

// IsDangerousNodeCommand reports whether an allow-list entry names one of
// DangerousNodeCommands (trimmed, as the check reads it).
func IsDangerousNodeCommand(c string) bool {
	return slices.Contains(gwDangerousNodeCommands, strings.TrimSpace(c))
}

// gwKnownNodeCommands are the node commands OpenClaw's platform defaults
// know, plus the dangerous ones (denyCommands is an exact-name match).
var gwKnownNodeCommands = []string{
	"canvas.present", "canvas.hide", "canvas.navigate", "canvas.eval", "canvas.snapshot", "canvas.a2ui.push", "canvas.a2ui.pushJSONL", "canvas.a2ui.reset",
	"camera.list", "camera.snap", "camera.clip", "screen.record", "screen.snap", "location.get", "notifications.list",
	"device.info", "device.status", "contacts.search", "contacts.add", "calendar.events", "calendar.add",
	"reminders.list", "reminders.add", "photos.latest", "motion.activity", "motion.pedometer", "sms.send",
	"system.run", "system.which", "system.notify", "system.execApprovals.get", "system.execApprovals.set", "browser.proxy",
}

// gwWeakTokens are placeholder/sentinel values seen in real configs
// (openclaw#139494: "undefined" tokens written by templating).
var gwWeakTokens = map[string]bool{
	"undefined": true, "null": true, "nil": true, "none": true, "your-long-random-token": true, "your-token": true,
	"your-token-here": true, "changeme": true, "change-me": true, "changeit": true, "test-token-123": true, "token": true,
	"secret": true, "password": true, "example": true, "replace-me": true, "xxx": true, "todo": true, "default": true,
}

func controlUIEnabled(s *model.Snapshot) bool {
	return !Config(s).Lookup("gateway.controlUi.enabled").IsFalse()
}

// trimmedStrings lists non-blank trimmed strings of an array.
func trimmedStrings(n *model.Node) []string {
	var out []string
	for _, v := range n.Strings() {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func gwAllowTailscale(s *model.Snapshot) bool {
	n := Config(s).Lookup("gateway.auth.allowTailscale")
	if b, ok := n.BoolValue(); ok {
		return b
	}
	return tailscaleMode(s) == "serve"
}

// gwStrictLoopbackProxy is OpenClaw's isStrictLoopbackTrustedProxyEntry.
func gwStrictLoopbackProxy(e string) bool {
	switch strings.ToLower(strings.TrimSpace(e)) {
	case "127.0.0.1", "::1", "127.0.0.1/32", "::1/128":
		return true
	}
	return false
}

// gwBroadProxy reports a trustedProxies entry that trusts far more than a
// proxy: a wildcard, an all-addresses range, or a CIDR broader than /16
// (IPv4) or /48 (IPv6).
func gwBroadProxy(e string) (bool, string) {
	e = strings.TrimSpace(e)
	if e == "*" {
		return true, "wildcard"
	}
	if !strings.Contains(e, "/") {
		if a, err := netip.ParseAddr(e); err == nil && a.IsUnspecified() {
			return true, "the unspecified address"
		}
		return false, ""
	}
	p, err := netip.ParsePrefix(e)
	if err != nil {
		return false, ""
	}
	if p.Bits() == 0 {
		return true, "every address"
	}
	if p.Addr().Unmap().Is4() && p.Bits() < 16 {
		return true, "/" + strconv.Itoa(p.Bits()) + " covers " + gwCount4(p.Bits()) + " addresses"
	}
	if p.Addr().Is6() && !p.Addr().Is4In6() && p.Bits() < 48 {
		return true, "/" + strconv.Itoa(p.Bits()) + " is broader than a /48 site"
	}
	return false, ""
}

func gwCount4(bits int) string {
	n := uint64(1) << (32 - bits)
	return strconv.FormatUint(n, 10)
}

// gwWeakValue reports a placeholder secret: a known sentinel, or one
// character repeated.
func gwWeakValue(v string) bool {
	t := strings.ToLower(strings.TrimSpace(v))
	if t == "" {
		return false
	}
	if gwWeakTokens[t] {
		return true
	}
	return strings.Count(t, t[:1]) == len(t) && len(t) > 1
}

// gwLevenshtein is a small edit distance for "did you mean".
func gwLevenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func gwDidYouMean(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := gwLevenshtein(strings.ToLower(name), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// gwPatternLike mirrors looksLikeNodeCommandPattern.
func gwPatternLike(e string) bool {
	if strings.ContainsAny(e, "?*[]{}(),|") || strings.ContainsAny(e, " \t\n") || strings.HasPrefix(e, "group:") {
		return true
	}
	if strings.HasPrefix(e, "/") || strings.HasSuffix(e, "/") {
		return true
	}
	return strings.HasPrefix(e, "^") || strings.HasSuffix(e, "$")
}

func gwAuthPath(s *model.Snapshot) string {
	if Config(s).Lookup("gateway.auth") != nil {
		return "gateway.auth"
	}
	return "gateway"
}

func init() {
	Register("gateway",
		Check{
			ID: IDGatewayBindNoAuth, Title: "Gateway binds beyond loopback without auth",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "gateway.bind is not loopback and no gateway token/password is configured (auth mode is not trusted-proxy)",
			Remediation: "Set gateway.auth (token recommended) or bind to loopback.",
			Why:         whyBind + " " + whyAuth,
			Breaks:      "Binding to loopback cuts off LAN clients until they use Tailscale Serve or an SSH tunnel; adding a token means every client (CLI, apps, nodes) must be given it.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				g := gatewaySecret(s)
				if !exposed(s) || !g.NoAuth() {
					return nil
				}
				d := exposureText(s) + " but no gateway.auth token/password is configured"
				if g.ModeExplicit && g.Mode == "none" {
					d += ` (gateway.auth.mode="none")`
				}
				d += ", and none is set in OPENCLAW_GATEWAY_TOKEN / OPENCLAW_GATEWAY_PASSWORD."
				return []Hit{{Severity: model.Critical, Detail: d, Paths: []string{"gateway.bind", gwAuthPath(s)}}}
			},
		},
		Check{
			ID: IDGatewayLoopbackNoAuth, Title: "Gateway auth missing on loopback",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "loopback bind, Control UI enabled, no shared secret and no Tailscale Serve identity auth",
			Remediation: "Set gateway.auth (token recommended) or keep the Control UI local-only.",
			Why:         whyAuth + " " + whyProxy,
			Breaks:      "Local clients and the Control UI must present the new token.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				g := gatewaySecret(s)
				if exposed(s) || !controlUIEnabled(s) || g.HasSecret() || (gwAllowTailscale(s) && tailscaleMode(s) == "serve") {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: "gateway.bind is loopback but no gateway auth secret is configured. If the Control UI is exposed through a reverse proxy, unauthenticated access is possible.", Paths: []string{gwAuthPath(s), "gateway.controlUi"}}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxiesMissing, Title: "Reverse proxy headers are not trusted",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "warn",
			Trigger:     "loopback bind, Control UI enabled, gateway.trustedProxies empty",
			Remediation: "Set gateway.trustedProxies to your proxy IPs or keep the Control UI local-only.",
			Why:         whyProxy + " If you run no reverse proxy, leave trustedProxies empty: this finding is then informational.",
			Breaks:      "Listing a proxy that is not yours lets it spoof client IPs.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if exposed(s) || !controlUIEnabled(s) || len(trimmedStrings(Config(s).Lookup("gateway.trustedProxies"))) > 0 {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: "gateway.bind is loopback and gateway.trustedProxies is empty. If you expose the Control UI through a reverse proxy, configure trusted proxies so local-client checks cannot be spoofed.", Paths: []string{"gateway.trustedProxies", "gateway"}}}
			},
		},
		Check{
			ID: IDGatewayTokenTooShort, Title: "Gateway token looks short",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "auth mode token and the trimmed token (config or OPENCLAW_GATEWAY_TOKEN) is under 24 characters",
			Remediation: "Generate a long random token (openclaw doctor --generate-gateway-token) and update every client.",
			Why:         whyAuth + " A short token can be brute-forced, especially without a rate limit.",
			Breaks:      "Every client holding the old token (CLI, apps, nodes, gateway.remote.token on other machines, a token baked into a systemd unit) must be updated.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				g := gatewaySecret(s)
				if g.Mode != "token" || !g.Token.Known {
					return nil
				}
				n := len([]rune(strings.TrimSpace(g.Token.Value)))
				if n == 0 || n >= 24 {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: fmt.Sprintf("gateway auth token (%s) is %d chars; prefer a long random token.", g.Token.describe(), n), Paths: []string{g.Token.Path}}}
			},
		},
		Check{
			ID: IDGatewayAuthNoRateLimit, Title: "No auth rate limiting configured",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn",
			Trigger:     "exposed, auth mode not trusted-proxy, gateway.auth.rateLimit unset",
			Remediation: "Set gateway.auth.rateLimit (e.g. " + inlineObj(RateLimitDefault) + ").",
			Why:         whyBind + " Without rate limiting, brute-force attacks on the token or password are not slowed down.",
			Breaks:      "A client that keeps failing auth is locked out for lockoutMs; loopback stays exempt, so the owner on the host cannot be locked out.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !exposed(s) || gatewaySecret(s).Mode == "trusted-proxy" || Config(s).Lookup("gateway.auth.rateLimit") != nil {
					return nil
				}
				h := Hit{Severity: model.Warn, Detail: exposureText(s) + " but no gateway.auth.rateLimit is configured. Without rate limiting, brute-force auth attacks are not mitigated.", Paths: []string{"gateway.auth.rateLimit", gwAuthPath(s)}}
				return []Hit{eraAdvice(s, h, "gateway.auth.rateLimit")}
			},
		},
		Check{
			ID: IDGatewayControlUIAllowedOriginsRequired, Title: "Non-loopback Control UI missing explicit allowed origins",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "exposed, Control UI enabled, gateway.controlUi.allowedOrigins empty and Host-header fallback off (not on 2026.2-era configs, which have no allowedOrigins key)",
			Remediation: "Set gateway.controlUi.allowedOrigins to the full trusted origins (e.g. https://control.example.com).",
			Why:         whyControlUI + " On a non-loopback bind the strict origin policy needs an explicit allowlist, or any web page could drive the Control UI's WebSocket.",
			Breaks:      "Browsers opening the UI from an origin not listed are refused.",
			Since:       "OpenClaw 2026.7",
			Run: func(s *model.Snapshot) []Hit {
				c := Config(s)
				// 2026.2-era configs have no gateway.controlUi.allowedOrigins
				// (OpenClaw 2026.2 rejects the key): nothing to set there.
				if s.Era.Era == model.EraGuide {
					return nil
				}
				if !exposed(s) || !controlUIEnabled(s) || len(trimmedStrings(c.Lookup("gateway.controlUi.allowedOrigins"))) > 0 || c.Lookup("gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback").IsTrue() {
					return nil
				}
				h := Hit{Severity: model.Critical, Detail: "Control UI is enabled on a non-loopback bind (" + exposureText(s) + ") but gateway.controlUi.allowedOrigins is empty. Strict origin policy requires explicit allowed origins for non-loopback deployments.", Paths: []string{"gateway.controlUi.allowedOrigins", "gateway.controlUi", "gateway.bind"}}
				return []Hit{eraAdvice(s, h, "gateway.controlUi.allowedOrigins")}
			},
		},
		Check{
			ID: IDGatewayControlUIAllowedOriginsWildcard, Title: "Control UI allowed origins contains wildcard",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn on loopback, critical when exposed",
			Trigger:     `gateway.controlUi.allowedOrigins contains "*"`,
			Remediation: "Replace the wildcard with explicit trusted origins (e.g. https://control.example.com).",
			Why:         whyControlUI + ` "*" allows any browser origin, so any web page you visit could talk to the gateway.`,
			Breaks:      "Browsers on origins you did not list are refused.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !Config(s).Lookup("gateway.controlUi.allowedOrigins").ContainsString("*") {
					return nil
				}
				return []Hit{{Severity: exposureSeverity(s, model.Warn), Detail: `gateway.controlUi.allowedOrigins includes "*" which means allow any browser origin for Control UI/WebChat requests. This disables origin allowlisting.`, Paths: []string{"gateway.controlUi.allowedOrigins"}}}
			},
		},
		Check{
			ID: IDGatewayControlUIHostHeaderOriginFallback, Title: "DANGEROUS: Host-header origin fallback enabled",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn on loopback, critical when exposed",
			Trigger:     "gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true",
			Remediation: "Disable gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback and configure explicit gateway.controlUi.allowedOrigins.",
			Why:         whyControlUI + " The Host-header fallback weakens DNS-rebinding protection for the Control UI/WebChat WebSocket.",
			Breaks:      "An exposed Control UI without allowedOrigins stops accepting browsers until allowedOrigins is set; on loopback nothing changes.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !Config(s).Lookup("gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback").IsTrue() {
					return nil
				}
				return []Hit{{Severity: exposureSeverity(s, model.Warn), Detail: "gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true enables Host-header origin fallback for Control UI/WebChat websocket checks and weakens DNS rebinding protections.", Paths: []string{"gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback"}}}
			},
		},
		Check{
			ID: IDGatewayControlUIInsecureAuth, Title: "Control UI insecure auth toggle enabled",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "critical when the config or CLI is OpenClaw 2026.2.x or older (as those builds rate it), warn otherwise",
			Trigger:     "gateway.controlUi.allowInsecureAuth=true",
			Remediation: "Disable it and use HTTPS (Tailscale Serve) or localhost.",
			Why:         whyControlUI,
			Breaks:      "Opening the Control UI over plain HTTP from another LAN machine stops working; use HTTPS (Tailscale Serve) or http://127.0.0.1 on the host.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !Config(s).Lookup("gateway.controlUi.allowInsecureAuth").IsTrue() {
					return nil
				}
				sev := model.Warn
				if versionBefore(s.Era.Version, 2026, 3) {
					sev = model.Critical // early-2026 builds (2026.2.x) report it critical
				}
				return []Hit{{Severity: sev, Detail: "gateway.controlUi.allowInsecureAuth=true lets the Control UI fall back to token-only auth over an insecure context and skip device pairing.", Paths: []string{"gateway.controlUi.allowInsecureAuth"}}}
			},
		},
		Check{
			ID: IDGatewayControlUIDeviceAuthDisabled, Title: "DANGEROUS: Control UI device auth disabled",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "critical",
			Trigger:     "gateway.controlUi.dangerouslyDisableDeviceAuth=true",
			Remediation: "Disable it unless you are in a short-lived break-glass scenario.",
			Why:         whyControlUI,
			Breaks:      "Control UI browsers must complete device pairing again (approve them once).",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !Config(s).Lookup("gateway.controlUi.dangerouslyDisableDeviceAuth").IsTrue() {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: "gateway.controlUi.dangerouslyDisableDeviceAuth=true disables device identity checks for the Control UI.", Paths: []string{"gateway.controlUi.dangerouslyDisableDeviceAuth"}}}
			},
		},
		Check{
			ID: IDGatewayRealIPFallbackEnabled, Title: "X-Real-IP fallback is enabled",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn; critical when exposed, or trusted-proxy mode with a non-loopback proxy",
			Trigger:     "gateway.allowRealIpFallback=true",
			Remediation: "Keep gateway.allowRealIpFallback=false (default) unless your trusted proxy always overwrites X-Real-IP.",
			Why:         whyProxy + " X-Real-IP fallback trusts a header that misconfigured proxies pass through from the client, so source IP and local-client checks can be spoofed.",
			Breaks:      "A proxy that sends only X-Real-IP (no X-Forwarded-For) makes every client look like the proxy.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				c := Config(s)
				if !c.Lookup("gateway.allowRealIpFallback").IsTrue() {
					return nil
				}
				sev := model.Warn
				nonLoop := false
				for _, p := range trimmedStrings(c.Lookup("gateway.trustedProxies")) {
					nonLoop = nonLoop || !gwStrictLoopbackProxy(p)
				}
				if exposed(s) || (gatewaySecret(s).Mode == "trusted-proxy" && nonLoop) {
					sev = model.Critical
				}
				return []Hit{{Severity: sev, Detail: "gateway.allowRealIpFallback=true trusts X-Real-IP when trusted proxies omit X-Forwarded-For. Misconfigured proxies that forward client-supplied X-Real-IP can spoof source IP and local-client checks.", Paths: []string{"gateway.allowRealIpFallback"}}}
			},
		},
		Check{
			ID: IDGatewayTailscaleFunnel, Title: "Tailscale Funnel exposure enabled",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `gateway.tailscale.mode="funnel"`,
			Remediation: `Prefer gateway.tailscale.mode="serve" (tailnet-only) or "off".`,
			Why:         whyTailscale,
			Breaks:      "Anyone reaching the gateway from outside your tailnet (webhooks, phones off the tailnet) loses access.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !funnel(s) {
					return nil
				}
				d := `gateway.tailscale.mode="funnel" exposes the Gateway publicly; keep auth strict and treat it as internet-facing.`
				if g := gatewaySecret(s); g.Mode != "password" {
					d += ` Funnel only starts with gateway.auth.mode="password" (current mode: ` + g.Mode + `).`
				}
				return []Hit{{Severity: model.Critical, Detail: d, Paths: []string{"gateway.tailscale.mode"}}}
			},
		},
		Check{
			ID: IDGatewayTailscaleServe, Title: "Tailscale Serve exposure enabled",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "info",
			Trigger:     `gateway.tailscale.mode="serve"`,
			Remediation: "Keep the tailnet to people you trust; turn gateway.auth.allowTailscale off behind your own proxy.",
			Why:         whyTailscale + " With allowTailscale (the Serve default) Tailscale identity headers authenticate the Control UI and WebSocket.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if tailscaleMode(s) != "serve" {
					return nil
				}
				return []Hit{{Severity: model.Info, Detail: `gateway.tailscale.mode="serve" exposes the Gateway to your tailnet (loopback behind Tailscale).`, Paths: []string{"gateway.tailscale.mode"}}}
			},
		},
		Check{
			ID: IDGatewayToolsInvokeHTTPDangerousAllow, Title: "Gateway HTTP /tools/invoke re-enables dangerous tools",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when exposed or funnelled",
			Trigger:     "gateway.tools.allow re-enables a tool denied over HTTP by default (sessions_spawn, sessions_send, cron, gateway, whatsapp_login, desktop, nodes)",
			Remediation: "Remove these entries from gateway.tools.allow; if kept, keep the gateway loopback/tailnet-only and treat its token as full-admin.",
			Why:         whyAuth + " These tools let an HTTP caller spawn sessions or act on the control plane, widening the blast radius of a leaked token.",
			Breaks:      "HTTP automations that call these tools through /tools/invoke stop working.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				allow := map[string]bool{}
				for _, v := range Config(s).Lookup("gateway.tools.allow").Strings() {
					allow[strings.ToLower(strings.TrimSpace(v))] = true
				}
				var hit []string
				for _, t := range gatewayDangerousHTTPTools {
					if allow[t] {
						hit = append(hit, t)
					}
				}
				if len(hit) == 0 {
					return nil
				}
				return []Hit{{Severity: exposureSeverity(s, model.Warn), Detail: "gateway.tools.allow includes " + strings.Join(hit, ", ") + " which removes them from the default HTTP deny list. This can allow remote session spawning / control-plane actions via HTTP.", Paths: []string{"gateway.tools.allow"}}}
			},
		},
		Check{
			ID: IDGatewayHTTPNoAuth, Title: "Gateway HTTP APIs are reachable without auth",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when remote-exposed",
			Trigger:     "no HTTP auth: mode none, token/password mode with no secret anywhere, or the secret of the resolved mode is an env SecretRef whose variable is not set (OpenClaw then resolves no secret)",
			Remediation: "Set gateway.auth.mode to token or password; if you keep none, keep the gateway on loopback and disable optional HTTP endpoints.",
			Why:         whyAuth,
			Breaks:      "HTTP callers (/tools/invoke, /v1/*) must send the token.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				g := gatewaySecret(s)
				unresolved := gatewayUnresolvedRef(g)
				if !g.NoAuth() && unresolved.Path == "" {
					return nil
				}
				c := Config(s)
				eps := []string{"/tools/invoke"}
				if c.Lookup("gateway.http.endpoints.chatCompletions.enabled").IsTrue() {
					eps = append(eps, "/v1/chat/completions")
				}
				if c.Lookup("gateway.http.endpoints.responses.enabled").IsTrue() {
					eps = append(eps, "/v1/responses")
				}
				why := `gateway.auth.mode="` + g.Mode + `"`
				switch {
				case unresolved.Path != "" && !g.NoAuth():
					why = unresolved.Path + " is a SecretRef to the environment variable " + strings.Join(unresolved.Missing, ", ") +
						", which is not set here: OpenClaw then resolves no " + g.Mode + " and"
				case !g.ModeExplicit:
					why = "no gateway token/password is configured"
				}
				return []Hit{{Severity: remoteExposureSeverity(s, model.Warn), Detail: why + " leaves " + strings.Join(eps, ", ") + " callable without a shared secret (" + exposureText(s) + ").", Paths: []string{"gateway.auth.mode", gwAuthPath(s)}}}
			},
		},
		Check{
			ID: IDGatewayHTTPSessionKeyOverrideEnabled, Title: "HTTP API session-key override is enabled",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "info",
			Trigger:     "gateway.http.endpoints.chatCompletions or responses enabled",
			Remediation: "Treat API credential holders as trusted principals.",
			Why:         "These endpoints accept x-openclaw-session-key, so any holder of the API credential can route into any session: the bearer credential gives full operator access.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				c := Config(s)
				var eps, paths []string
				if p := "gateway.http.endpoints.chatCompletions.enabled"; c.Lookup(p).IsTrue() {
					eps, paths = append(eps, "/v1/chat/completions"), append(paths, p)
				}
				if p := "gateway.http.endpoints.responses.enabled"; c.Lookup(p).IsTrue() {
					eps, paths = append(eps, "/v1/responses"), append(paths, p)
				}
				if len(eps) == 0 {
					return nil
				}
				return []Hit{{Severity: model.Info, Detail: strings.Join(eps, ", ") + " accept x-openclaw-session-key for per-request session routing. Treat API credential holders as trusted principals.", Paths: paths}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxyAuth, Title: "Trusted-proxy auth mode enabled",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "critical",
			Trigger:     `gateway.auth.mode="trusted-proxy"`,
			Remediation: "Verify your proxy terminates TLS and authenticates users, trustedProxies lists only it, and direct access to the gateway port is firewalled.",
			Why:         whyProxy,
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if gatewaySecret(s).Mode != "trusted-proxy" {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: `gateway.auth.mode="trusted-proxy" delegates authentication to a reverse proxy. Ensure the proxy handles auth correctly and that gateway.trustedProxies only contains IPs of your actual proxy servers.`, Paths: []string{"gateway.auth.mode"}}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxyNoProxies, Title: "Trusted-proxy auth enabled but no trusted proxies configured",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "critical",
			Trigger:     "trusted-proxy mode and gateway.trustedProxies empty",
			Remediation: "Set gateway.trustedProxies to the IP(s) of your reverse proxy.",
			Why:         whyProxy,
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if gatewaySecret(s).Mode != "trusted-proxy" || len(trimmedStrings(Config(s).Lookup("gateway.trustedProxies"))) > 0 {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: `gateway.auth.mode="trusted-proxy" but gateway.trustedProxies is empty. All requests will be rejected.`, Paths: []string{"gateway.trustedProxies", "gateway.auth.mode"}}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxyNoUserHeader, Title: "Trusted-proxy auth missing userHeader config",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "critical",
			Trigger:     "trusted-proxy mode and no gateway.auth.trustedProxy.userHeader",
			Remediation: `Set gateway.auth.trustedProxy.userHeader to the header your proxy sets (e.g. "x-forwarded-user").`,
			Why:         whyProxy,
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if gatewaySecret(s).Mode != "trusted-proxy" || strings.TrimSpace(configString(s, "gateway.auth.trustedProxy.userHeader")) != "" {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: `gateway.auth.mode="trusted-proxy" but gateway.auth.trustedProxy.userHeader is not configured.`, Paths: []string{"gateway.auth.trustedProxy.userHeader", "gateway.auth.mode"}}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxyNoAllowlist, Title: "Trusted-proxy auth allows all authenticated users",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "warn",
			Trigger:     "trusted-proxy mode and gateway.auth.trustedProxy.allowUsers empty",
			Remediation: `Set gateway.auth.trustedProxy.allowUsers (e.g. ["you@example.com"]).`,
			Why:         whyProxy + " Without allowUsers, anyone your proxy authenticates reaches the gateway.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if gatewaySecret(s).Mode != "trusted-proxy" || len(trimmedStrings(Config(s).Lookup("gateway.auth.trustedProxy.allowUsers"))) > 0 {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: "gateway.auth.trustedProxy.allowUsers is empty, so any user authenticated by your proxy can access the Gateway.", Paths: []string{"gateway.auth.trustedProxy.allowUsers", "gateway.auth.mode"}}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxyAllowLoopback, Title: "Trusted-proxy auth accepts loopback sources",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "warn",
			Trigger:     "gateway.auth.trustedProxy.allowLoopback=true",
			Remediation: "Set gateway.auth.trustedProxy.allowLoopback=false unless the proxy runs on this host.",
			Why:         whyProxy + " With allowLoopback any local process can pose as the proxy and assert a user.",
			Breaks:      "A proxy running on the same host (127.0.0.1) stops being accepted.",
			Since:       "OpenClaw 2026.7",
			Run: func(s *model.Snapshot) []Hit {
				if !Config(s).Lookup("gateway.auth.trustedProxy.allowLoopback").IsTrue() {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: "gateway.auth.trustedProxy.allowLoopback=true accepts identity headers from loopback, so any local process can assert a user.", Paths: []string{"gateway.auth.trustedProxy.allowLoopback"}}}
			},
		},
		Check{
			ID: IDGatewayNodesAllowCommandsDangerous, Title: "Dangerous node commands explicitly enabled",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when remote-exposed",
			Trigger:     "gateway.nodes.allowCommands (or gateway.nodes.commands.allow) includes camera.snap, camera.clip, screen.record, contacts.add, calendar.add, reminders.add or sms.send and it is not denied",
			Remediation: "Remove these entries from the node command allowlist; if kept, keep the gateway local/tailnet-only.",
			Why:         whyNodes,
			Breaks:      "Agents can no longer take photos/recordings or add contacts/events/reminders/SMS through paired nodes.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				allow, allowPath := s.Doc.NodeCommands("allow")
				deny, _ := s.Doc.NodeCommands("deny")
				denied := map[string]bool{}
				for _, d := range deny {
					denied[strings.TrimSpace(d)] = true
				}
				allowed := map[string]bool{}
				for _, a := range allow {
					allowed[strings.TrimSpace(a)] = true
				}
				var hit []string
				for _, c := range gwDangerousNodeCommands {
					if allowed[c] && !denied[c] {
						hit = append(hit, c)
					}
				}
				if len(hit) == 0 {
					return nil
				}
				return []Hit{{Severity: remoteExposureSeverity(s, model.Warn), Detail: allowPath + " includes: " + strings.Join(hit, ", ") + ". These commands can trigger high-impact device actions (camera/screen/contacts/calendar/reminders/SMS).", Paths: []string{allowPath}}}
			},
		},
		Check{
			ID: IDGatewayNodesDenyCommandsIneffective, Title: "Some gateway.nodes.denyCommands entries are ineffective",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "a deny entry looks like a pattern or is not a known node command name",
			Remediation: "Use exact command names (e.g. system.run, camera.snap); remove risky commands from the allowlist instead of pattern-denying them.",
			Why:         whyNodes + " denyCommands matches exact command names only; a pattern or a typo denies nothing.",
			Breaks:      "Nothing: the corrected entries deny what was intended.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				deny, denyPath := s.Doc.NodeCommands("deny")
				allow, _ := s.Doc.NodeCommands("allow")
				known := map[string]bool{}
				knownList := append(append([]string{}, gwKnownNodeCommands...), allow...)
				for _, k := range knownList {
					known[strings.TrimSpace(k)] = true
				}
				var pattern, unknown []string
				for _, d := range deny {
					d = strings.TrimSpace(d)
					switch {
					case d == "":
					case gwPatternLike(d):
						pattern = append(pattern, d)
					case !known[d]:
						u := d
						if m := gwDidYouMean(d, knownList); m != "" {
							u += " (did you mean " + m + "?)"
						}
						unknown = append(unknown, u)
					}
				}
				if len(pattern) == 0 && len(unknown) == 0 {
					return nil
				}
				d := denyPath + " uses exact node command-name matching only (for example `system.run`), not shell-text filtering inside a command payload."
				if len(pattern) > 0 {
					d += "\n- Pattern-like entries (not supported by exact matching): " + strings.Join(pattern, ", ")
				}
				if len(unknown) > 0 {
					d += "\n- Unknown command names (not in defaults/allowCommands): " + strings.Join(unknown, ", ")
				}
				return []Hit{{Severity: model.Warn, Detail: d, Paths: []string{denyPath}}}
			},
		},
		Check{
			ID: IDMCPAppsEnabled, Title: "MCP apps are enabled",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn",
			Trigger:     "mcp.apps.enabled=true",
			Remediation: "Set mcp.apps.enabled=false unless you use MCP apps and trust every server that serves them.",
			Why:         "MCP apps render server-supplied interactive content inside the operator's UI; a malicious or compromised MCP server gains a foothold in the Control UI session.",
			Breaks:      "MCP app UIs stop rendering; MCP tools keep working.",
			Since:       "OpenClaw 2026.9",
			Run: func(s *model.Snapshot) []Hit {
				if !Config(s).Lookup("mcp.apps.enabled").IsTrue() {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: "mcp.apps.enabled=true lets MCP servers render interactive apps in the operator UI.", Paths: []string{"mcp.apps.enabled"}}}
			},
		},
		// hardshell additions.
		Check{
			ID: IDGatewayCustomBindAllInterfaces, Title: "Gateway binds to all interfaces",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical without auth, warn with auth",
			Trigger:     `bind "custom" with customBindHost 0.0.0.0 or ::, or a legacy bind value "0.0.0.0"/"::"`,
			Remediation: `Bind to loopback (or "tailnet") and reach the gateway through Tailscale Serve or an SSH tunnel.`,
			Why:         whyBind,
			Breaks:      "Clients on other interfaces (LAN, Docker bridge) lose direct access until they use Serve or a tunnel.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				b := gatewayBind(s)
				path := "gateway.bind"
				host := b
				if b == "custom" {
					path, host = "gateway.customBindHost", configString(s, "gateway.customBindHost")
				}
				if !isWildcardHost(host) {
					return nil
				}
				g := gatewaySecret(s)
				sev, tail := model.Warn, "Auth is configured, but every interface (LAN, Docker bridges, VPNs, public IPs) can reach the port."
				switch {
				case g.Unknown():
					tail = "The auth secret depends on a variable missing in this shell (see config.env_var_missing); every interface can reach the port."
				case g.NoAuth():
					sev, tail = model.Critical, "No gateway token/password is configured: anyone who reaches the port controls the gateway."
				}
				return []Hit{{Severity: sev, Detail: fmt.Sprintf("%s=%q listens on all interfaces. %s", path, host, tail), Paths: []string{path, "gateway.bind"}}}
			},
		},
		Check{
			ID: IDGatewayTrustedProxiesBroad, Title: "Trusted proxies cover a broad address range",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when exposed",
			Trigger:     `gateway.trustedProxies contains "*", 0.0.0.0/0, ::/0, or an IPv4 CIDR broader than /16 or IPv6 broader than /48`,
			Remediation: "List only the exact IPs of the proxies you run (e.g. 127.0.0.1 or 10.0.0.5/32).",
			Why:         whyProxy + " A broad range trusts forwarded headers from machines that are not your proxy, so any of them can spoof the client IP and look local.",
			Breaks:      "A proxy whose address you leave out stops being trusted: its clients look like the proxy.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				var bad []string
				for _, p := range trimmedStrings(Config(s).Lookup("gateway.trustedProxies")) {
					if ok, why := gwBroadProxy(p); ok {
						bad = append(bad, p+" ("+why+")")
					}
				}
				if len(bad) == 0 {
					return nil
				}
				return []Hit{{Severity: exposureSeverity(s, model.Warn), Detail: "gateway.trustedProxies trusts forwarded headers from broad ranges:\n- " + strings.Join(bad, "\n- "), Paths: []string{"gateway.trustedProxies"}}}
			},
		},
		Check{
			ID: IDGatewayTokenWeakValue, Title: "Gateway secret is a placeholder value",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when exposed",
			Trigger:     `the resolved gateway token/password is a known placeholder ("undefined", "null", "changeme", "your-long-random-token", "test-token-123", "token", …) or one repeated character`,
			Remediation: "Generate a random token (openclaw doctor --generate-gateway-token) and update every client.",
			Why:         whyAuth + ` Templated deployments have shipped the literal string "undefined" as the token (openclaw#139494); a guessable secret is no secret.`,
			Breaks:      "Every client holding the old secret must be updated.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				g := gatewaySecret(s)
				var hits []Hit
				for _, sv := range []struct {
					name string
					v    secretValue
				}{{"token", g.Token}, {"password", g.Password}} {
					if !sv.v.Known || !gwWeakValue(sv.v.Value) {
						continue
					}
					hits = append(hits, Hit{Severity: exposureSeverity(s, model.Warn), Detail: fmt.Sprintf("The gateway %s from %s is a well-known placeholder %s; anyone can guess it.", sv.name, sv.v.describe(), model.Mask(sv.v.Value)), Paths: []string{sv.v.Path, gwAuthPath(s)}})
				}
				if len(hits) > 1 {
					hits[0].Detail += "\n" + hits[1].Detail
					hits = hits[:1]
				}
				return hits
			},
		},
	)
	Register("config", Check{
		ID: IDConfigEnvVarMissing, Title: "Config references environment variables that are not set",
		Tier: model.TierExposure, Fix: model.FixManual, Severity: "warn; critical when it is the gateway auth secret on an exposed gateway",
		Trigger:     "a ${VAR} in the config (or an env SecretRef for the gateway secret) that the environment (shell, <state>/.env, config env block) lacks",
		Remediation: "Set the variable where the gateway runs (service unit, <state>/.env) or replace the reference.",
		Why:         "OpenClaw substitutes ${VAR} when it loads the config; a missing variable makes older builds reject the config and newer builds drop the setting. For the gateway secret that means token auth is unavailable and clients are refused, not that the gateway is open.",
		Breaks:      "Nothing: setting the variable restores what the config intends.",
		Since:       "hardshell",
		Run:         runEnvVarMissing,
	})
}

// runEnvVarMissing lists every ${VAR} that the environment lacks, with the
// config paths that need it.
func runEnvVarMissing(s *model.Snapshot) []Hit {
	need := map[string][]string{}
	gwWalkStrings(Config(s), make([]model.PathSeg, 0, 16), func(segs []model.PathSeg, n *model.Node) {
		path := "" // spelled only for a missing variable
		for _, v := range n.EnvRefs() {
			if _, ok := envValue(s, v); ok {
				continue
			}
			if path == "" {
				path = model.JoinPath(segs)
			}
			if !gwContains(need[v], path) {
				need[v] = append(need[v], path)
			}
		}
	})
	g := gatewaySecret(s)
	a := g.Active()
	authVars := map[string]bool{}
	if a.Set && !a.Known {
		for _, v := range a.Missing {
			authVars[v] = true
			if a.Ref && !gwContains(need[v], a.Path) {
				need[v] = append(need[v], a.Path+" (SecretRef)")
			}
		}
	}
	if len(need) == 0 {
		return nil
	}
	names := make([]string, 0, len(need))
	for v := range need {
		names = append(names, v)
	}
	sort.Strings(names)
	sev := model.Warn
	var lines, paths []string
	for _, v := range names {
		line := v + " — needed by " + strings.Join(need[v], ", ")
		if authVars[v] {
			line += fmt.Sprintf("; gateway %s auth is unavailable until %s is set; the gateway refuses clients", g.Mode, v)
			if exposed(s) || funnel(s) {
				sev = model.Critical
			}
		}
		lines = append(lines, line)
		for _, p := range need[v] {
			paths = append(paths, strings.TrimSuffix(p, " (SecretRef)"))
		}
	}
	d := "These variables are not set in this shell, <state>/.env or the config env block (the gateway service may still have them):\n- " + strings.Join(lines, "\n- ")
	if sev == model.Critical {
		d += "\nThe gateway is exposed (" + exposureText(s) + "): make sure the service environment sets the secret."
	}
	return []Hit{{Severity: sev, Detail: d, Paths: paths}}
}

func gwContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// gwWalkStrings calls fn for every string value under n with its dotted path.
func gwWalkStrings(n *model.Node, segs []model.PathSeg, fn func([]model.PathSeg, *model.Node)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case model.KindString:
		fn(segs, n)
	case model.KindObject:
		for k, v := range n.Entries() {
			gwWalkStrings(v, append(segs, model.PathSeg{Key: k}), fn)
		}
	case model.KindArray:
		for i, e := range n.Elems {
			gwWalkStrings(e, append(segs, model.PathSeg{Index: i, IsIndex: true}), fn)
		}
	}
}

// gatewayUnresolvedRef returns the secret of the resolved mode when it is an
// env SecretRef whose variable this environment lacks (Path "" otherwise).
// Unlike a missing ${VAR}, which OpenClaw 2026.9 keeps as a configured
// secret, an unresolved SecretRef leaves its gateway with no shared secret:
// its audit reports gateway.http.no_auth then.
func gatewayUnresolvedRef(g secretState) secretValue {
	a := g.Active()
	if (g.Mode == "token" || g.Mode == "password") && a.Ref && !a.Known && len(a.Missing) > 0 {
		return a
	}
	return secretValue{}
}

// versionBefore reports an OpenClaw CalVer version (meta.lastTouchedVersion
// or the installed CLI) older than year.month; false when unknown.
func versionBefore(v string, year, month int) bool {
	var y, m int
	if _, err := fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(v), "OpenClaw "), "%d.%d", &y, &m); err != nil || y < 2000 {
		return false
	}
	return y < year || (y == year && m < month)
}

// eraAdvice turns a config fix into advice when the config may be for an
// OpenClaw whose schema has no key the fix could write: a 2026.2-era config
// (OpenClaw 2026.2 rejects the key), or a config hardshell cannot place in
// an era at all. The finding stays, since later OpenClaw reports it, but no
// write is offered. The fixes in remediate/fix write the key only on
// 2026.7+-era configs, the same predicate.
func eraAdvice(s *model.Snapshot, h Hit, key string) Hit {
	switch s.Era.Era {
	case model.EraModern:
		return h
	case model.EraGuide:
		h.Remediation = "OpenClaw 2026.2 has no " + key + " setting (its config schema rejects the key): upgrade the gateway to 2026.7 or later, then set it (hardshell fix does once the config is in the newer shape)."
	default:
		h.Remediation = "hardshell cannot tell which OpenClaw this config is for (the config names no version and no openclaw is on PATH), and OpenClaw 2026.2 rejects " + key + ": on 2026.7 or later set it; once openclaw is on PATH or the config names its version (meta.lastTouchedVersion), hardshell fix sets it."
	}
	h.Fix = model.FixManual
	return h
}
