package audit

// Tier 3: remote browser control (catalogue §2.4): browser control auth,
// remote CDP endpoints, the node browser proxy and the legacy extension
// relay.

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDBrowserControlInvalidConfig     = "browser.control_invalid_config"
	IDBrowserControlNoAuth            = "browser.control_no_auth"
	IDBrowserRelayExposed             = "browser.relay_exposed"
	IDBrowserRemoteCDPHTTP            = "browser.remote_cdp_http"
	IDBrowserRemoteCDPPrivateHost     = "browser.remote_cdp_private_host"
	IDGatewayNodesBrowserProxyEnabled = "gateway.nodes.browser_proxy_enabled"
)

const whyBrowser = "Browser control lets the model drive a real browser: if that profile is logged in to anything, the model can use those accounts and data. For a remote gateway, browser control is equivalent to operator access to everything that profile can reach. Keep gateway and node hosts tailnet-only, never expose relay/control ports to the LAN or the public internet, never use Tailscale Funnel for browser control endpoints, and turn browser proxy routing off when you do not need it (gateway.nodes.browser.mode=\"off\")."

var browserProfileNameRe = regexp.MustCompile(`^[a-z0-9-]+$`)

// browserProfile is one configured CDP endpoint.
type browserProfile struct {
	Name string
	Path string // config path of cdpUrl
	URL  string
}

func browserEnabled(s *model.Snapshot) bool { return !Config(s).Lookup("browser.enabled").IsFalse() }

// browserProfiles lists browser.cdpUrl (the default profile) and every
// browser.profiles.<name>.cdpUrl, ${VAR} expanded.
func browserProfiles(s *model.Snapshot) []browserProfile {
	var out []browserProfile
	if v := strings.TrimSpace(configString(s, "browser.cdpUrl")); v != "" {
		out = append(out, browserProfile{Name: "openclaw", Path: "browser.cdpUrl", URL: v})
	}
	profs := Config(s).Lookup("browser.profiles")
	for _, name := range profs.Keys() {
		p := model.Child(model.Child("browser.profiles", name), "cdpUrl")
		raw := profs.Get(name).Get("cdpUrl").Text()
		v, _ := expandEnv(s, raw)
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, browserProfile{Name: name, Path: p, URL: v})
		}
	}
	return out
}

// browserParseCDP validates a CDP URL the way the browser config resolver
// does: http(s)/ws(s) with a host and a valid port.
func browserParseCDP(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL")
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return nil, fmt.Errorf("scheme %q is not http, https, ws or wss", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q out of range", p)
		}
	}
	return u, nil
}

// maskURL hides userinfo and query values (CDP services put tokens there).
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return model.Mask(raw)
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"***"}
		}
		u.RawQuery = strings.ReplaceAll(q.Encode(), "%2A", "*")
	}
	u.Fragment = ""
	return u.String()
}

var browserCGNAT = netip.MustParsePrefix("100.64.0.0/10")

// browserPrivateHost reports a private/internal address or hostname
// (loopback is handled separately).
func browserPrivateHost(h string) bool {
	h = strings.ToLower(strings.Trim(h, "[]"))
	if a, err := netip.ParseAddr(h); err == nil {
		a = a.Unmap()
		return a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified() || browserCGNAT.Contains(a)
	}
	for _, suf := range []string{".local", ".internal", ".lan", ".home.arpa", ".localdomain", ".ts.net"} {
		if strings.HasSuffix(h, suf) {
			return true
		}
	}
	return !strings.Contains(h, ".") // single-label names resolve on the local network
}

// browserPrivateAllowed: browser.ssrfPolicy.dangerouslyAllowPrivateNetwork
// defaults to true (legacy key allowPrivateNetwork).
func browserPrivateAllowed(s *model.Snapshot) bool {
	c := Config(s)
	if n := c.Lookup("browser.ssrfPolicy.dangerouslyAllowPrivateNetwork"); n != nil {
		return !n.IsFalse()
	}
	return !c.Lookup("browser.ssrfPolicy.allowPrivateNetwork").IsFalse()
}

func init() {
	Register("browser",
		Check{
			ID: IDBrowserControlInvalidConfig, Title: "Browser control config looks invalid",
			Tier: model.TierBrowser, Fix: model.FixManual, Severity: "warn",
			Trigger:     "browser.cdpUrl or a profile's cdpUrl does not parse, or a profile name is invalid",
			Remediation: "Fix browser.cdpUrl / browser.profiles in the config and re-run the audit.",
			Why:         whyBrowser + " An invalid browser config means OpenClaw's own browser checks cannot run.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				var problems, paths []string
				for _, p := range browserProfiles(s) {
					if _, err := browserParseCDP(p.URL); err != nil {
						problems = append(problems, fmt.Sprintf("%s (%s): %v", p.Path, maskURL(p.URL), err))
						paths = append(paths, p.Path)
					}
				}
				for _, name := range Config(s).Lookup("browser.profiles").Keys() {
					if !browserProfileNameRe.MatchString(name) {
						problems = append(problems, fmt.Sprintf("profile name %q must match ^[a-z0-9-]+$", name))
						paths = append(paths, model.Child("browser.profiles", name))
					}
				}
				if len(problems) == 0 {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: "Browser config does not resolve:\n- " + strings.Join(problems, "\n- "), Paths: paths}}
			},
		},
		Check{
			ID: IDBrowserControlNoAuth, Title: "Browser control has no auth",
			Tier: model.TierBrowser, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "browser control enabled (the default) and no gateway token/password anywhere (config, SecretRef, env)",
			Remediation: "Set gateway.auth.token (recommended) or gateway.auth.password; restarting the gateway auto-generates gateway.auth.token when browser control is enabled.",
			Why:         whyBrowser + " Without a gateway secret, any local process (or an SSRF to loopback) can call the browser control endpoints.",
			Breaks:      "Clients of the gateway and browser control must present the token.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !browserEnabled(s) {
					return nil
				}
				g := gatewaySecret(s)
				passwordCanWin := !(g.ModeExplicit && (g.Mode == "token" || g.Mode == "none" || g.Mode == "trusted-proxy"))
				if g.Token.Set || (passwordCanWin && g.Password.Set) {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: "Browser control HTTP routes are enabled but no gateway.auth token/password is configured. Any local process (or SSRF to loopback) can call browser control endpoints.", Paths: []string{gwAuthPath(s), "browser.enabled"}}}
			},
		},
		Check{
			ID: IDBrowserRemoteCDPHTTP, Title: "Remote CDP uses HTTP",
			Tier: model.TierBrowser, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "a browser profile with a non-loopback cdpUrl uses http: (or ws:)",
			Remediation: "Prefer HTTPS/WSS or a tailnet-only endpoint for remote CDP.",
			Why:         whyBrowser + " Plain-text CDP exposes the session (and any token in the URL) to the network path.",
			Breaks:      "The browser profile stops working until the endpoint answers at the new URL.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !browserEnabled(s) {
					return nil
				}
				var hits []Hit
				for _, p := range browserProfiles(s) {
					u, err := browserParseCDP(p.URL)
					if err != nil || isLoopbackHost(u.Hostname()) || (u.Scheme != "http" && u.Scheme != "ws") {
						continue
					}
					hits = append(hits, Hit{Severity: model.Warn, Detail: fmt.Sprintf("browser profile %q uses %s CDP (%s); this is OK only if it's tailnet-only or behind an encrypted tunnel.", p.Name, u.Scheme, maskURL(p.URL)), Paths: []string{p.Path}})
				}
				return hits
			},
		},
		Check{
			ID: IDBrowserRemoteCDPPrivateHost, Title: "Remote CDP targets a private/internal host",
			Tier: model.TierBrowser, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a non-loopback CDP host is a private/internal IP or hostname while browser.ssrfPolicy.dangerouslyAllowPrivateNetwork is on (the default)",
			Remediation: "Prefer a tailnet or tunnel for remote CDP; for strict blocking set browser.ssrfPolicy.dangerouslyAllowPrivateNetwork=false and allow only explicit hosts.",
			Why:         whyBrowser,
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !browserEnabled(s) || !browserPrivateAllowed(s) {
					return nil
				}
				var hits []Hit
				for _, p := range browserProfiles(s) {
					u, err := browserParseCDP(p.URL)
					if err != nil || isLoopbackHost(u.Hostname()) || !browserPrivateHost(u.Hostname()) {
						continue
					}
					hits = append(hits, Hit{Severity: model.Warn, Detail: fmt.Sprintf("browser profile %q points at a private/internal CDP host (%s). This is expected for LAN/tailnet/WSL-style setups, but treat it as a trusted-network endpoint.", p.Name, maskURL(p.URL)), Paths: []string{p.Path}})
				}
				return hits
			},
		},
		Check{
			ID: IDGatewayNodesBrowserProxyEnabled, Title: "Browser proxy routing is on while the gateway is reachable remotely",
			Tier: model.TierBrowser, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `gateway.nodes.browser.mode is not "off" while the gateway is remote-exposed (bind beyond loopback, Tailscale serve or funnel)`,
			Remediation: `Set gateway.nodes.browser.mode="off" unless you drive a browser on a paired node.`,
			Why:         whyBrowser,
			Breaks:      "Agents can no longer drive browsers on paired node hosts; the gateway host's own browser is unaffected.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				mode := strings.ToLower(strings.TrimSpace(configString(s, "gateway.nodes.browser.mode")))
				if mode == "off" || !remoteExposed(s) {
					return nil
				}
				shown := `"` + mode + `"`
				if mode == "" {
					shown = "unset (browser proxy routing on)"
				}
				return []Hit{{Severity: model.Warn, Detail: "gateway.nodes.browser.mode is " + shown + " while the gateway is reachable remotely (" + exposureText(s) + "): anyone with gateway access can drive browsers on paired nodes.", Paths: []string{"gateway.nodes.browser.mode", "gateway.nodes"}}}
			},
		},
		Check{
			ID: IDBrowserRelayExposed, Title: "Browser extension relay listens beyond loopback",
			Tier: model.TierBrowser, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "legacy browser.relayBindHost is a non-loopback address",
			Remediation: `Set browser.relayBindHost to "127.0.0.1" (or remove it; openclaw doctor migrates the legacy relay).`,
			Why:         whyBrowser + " The Chrome extension relay is not \"safer\": it can take over your existing Chrome tabs, acting as you wherever that profile is logged in.",
			Breaks:      "Extension relays connecting from other machines lose access.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				h := strings.TrimSpace(configString(s, "browser.relayBindHost"))
				if h == "" || isLoopbackHost(h) {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: fmt.Sprintf("browser.relayBindHost=%q exposes the browser extension relay (port 18792 by default) beyond loopback: anyone who reaches it can drive your logged-in Chrome tabs.", h), Paths: []string{"browser.relayBindHost"}}}
			},
		},
	)
}
