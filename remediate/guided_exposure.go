package remediate

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for tier 2 (network exposure) and tier 3 (browser control):
// bind, gateway auth token, trusted proxies, Tailscale Funnel, Control UI
// origins, node browser proxy, remote CDP and the legacy relay.

const restartGateway = "openclaw gateway restart"

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"gateway.bind_no_auth", "gateway.custom_bind_all_interfaces"},
			Kind:     model.FixGuided, Title: "Bind the gateway to loopback (or protect it with a token)",
			Questions: bindQuestions, Plan: bindPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.loopback_no_auth", "gateway.token_too_short", "gateway.token_weak_value"},
			Kind:     model.FixGuided, Title: "Generate a strong gateway token",
			Questions: tokenQuestions, Plan: tokenPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.trusted_proxies_broad"},
			Kind:     model.FixGuided, Title: "Trust only your own reverse proxy",
			Questions: proxiesQuestions, Plan: proxiesPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.tailscale_funnel"},
			Kind:     model.FixGuided, Title: "Switch Tailscale Funnel to Serve (tailnet only)",
			Questions: funnelQuestions, Plan: funnelPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.control_ui.allowed_origins_required", "gateway.control_ui.allowed_origins_wildcard"},
			Kind:     model.FixGuided, Title: "List the Control UI origins explicitly",
			Questions: originsQuestions, Plan: originsPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.nodes.browser_proxy_enabled"},
			Kind:     model.FixGuided, Title: "Turn off browser proxy routing to nodes",
			Questions: nodeBrowserQuestions, Plan: nodeBrowserPlan,
		},
		Remediation{
			CheckIDs: []string{"browser.remote_cdp_http", "browser.remote_cdp_private_host"},
			Kind:     model.FixGuided, Title: "Point the browser profile at an encrypted or loopback CDP endpoint",
			Questions: cdpQuestions, Plan: cdpPlan,
		},
		Remediation{
			CheckIDs: []string{"browser.relay_exposed"},
			Kind:     model.FixGuided, Title: "Keep the browser extension relay on loopback",
			Questions: relayQuestions, Plan: relayPlan,
		},
	)
}

// --- bind -------------------------------------------------------------

func bindQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{{
		ID: "bind", Kind: model.Select, Title: "Where should the gateway listen?",
		Help: "Loopback is the guide's default. For remote use keep it on loopback and set gateway.tailscale.mode \"serve\" (tailnet only), or use an SSH tunnel.",
		Options: []model.Option{
			{Value: "loopback", Label: "Loopback only (127.0.0.1)"},
			{Value: "keep", Label: "Keep the current bind, require a generated token"},
		},
		Default: "loopback",
		Breaks:  "Loopback cuts off LAN/tailnet clients until they use Tailscale Serve or an SSH tunnel; keeping the bind means every client must be given the new token.",
	}}
}

func bindPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	switch a["bind"] {
	case "loopback":
		cs.Edits = append(cs.Edits, set(f, "gateway.bind", "loopback", "listen on loopback only"))
		if s.Doc.Get("gateway.customBindHost") != nil {
			cs.Edits = append(cs.Edits, unset(f, "gateway.customBindHost", "customBindHost is only used with bind \"custom\""))
		}
		cs.After = append(cs.After, restartGateway, "For remote access keep loopback and use Tailscale Serve (gateway.tailscale.mode \"serve\") or an SSH tunnel.")
	case "keep":
		if f.CheckID == "gateway.custom_bind_all_interfaces" {
			return cs, fmt.Errorf("keeping an all-interfaces bind is not a fix: choose loopback, or set gateway.customBindHost to one interface address by hand")
		}
		g := s.Doc.Get("gateway.auth.token")
		if form, _ := secretFormOf(g); form != formMissing {
			// A token is configured but mode says none: just select it.
			cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require the configured token"))
		} else {
			rc, err := rotateSecret(s, f, "gateway.auth.token", "gateway token")
			if err != nil {
				return cs, err
			}
			cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require a token"))
			cs.Merge(rc)
		}
		cs.After = append(cs.After, restartGateway, "Give every client the token (openclaw dashboard, gateway.remote.token on remote CLIs, paired apps).")
	default:
		return cs, fmt.Errorf("bind: %q is not loopback or keep", a["bind"])
	}
	return cs, nil
}

// --- gateway token ----------------------------------------------------

func tokenQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	help := "A new token is 24 random bytes (48 hex chars), like `openclaw doctor --generate-gateway-token`."
	if form, name := secretFormOf(s.Doc.Get(weakSecretPath(s, f))); form == formEnv {
		help += " The config uses ${" + name + "}: the new value goes to " + envPath(s) + ", the config is unchanged."
	} else if form == formSecretRef {
		help += " The secret is a SecretRef: hardshell only tells you how to rotate it in its provider."
	}
	return []model.Question{{
		ID: "rotate", Kind: model.Confirm, Title: "Generate a new random gateway secret?", Help: help,
		Default: "yes",
		Breaks:  "Clients using the old token (dashboard, remote CLI, paired apps) must be given the new one.",
	}}
}

// weakSecretPath is the gateway secret a finding is about.
func weakSecretPath(s *model.Snapshot, f model.Finding) string {
	for _, p := range f.Paths {
		if p == "gateway.auth.password" {
			return p
		}
	}
	if f.CheckID == "gateway.token_weak_value" && s.Doc.Get("gateway.auth.token") == nil && s.Doc.Get("gateway.auth.password") != nil {
		return "gateway.auth.password"
	}
	return "gateway.auth.token"
}

func tokenPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if !a.Yes("rotate") {
		return cs, nil
	}
	path := weakSecretPath(s, f)
	what := "gateway token"
	if path == "gateway.auth.password" {
		what = "gateway password"
	}
	node := s.Doc.Get(path)
	form, _ := secretFormOf(node)
	if form == formMissing && path == "gateway.auth.token" {
		if v, ok := s.Env("OPENCLAW_GATEWAY_TOKEN"); ok && strings.TrimSpace(v) != "" {
			// The token comes from the environment only: rotate it there.
			w, err := newEnvToken(s, f.CheckID, "OPENCLAW_GATEWAY_TOKEN", "new gateway token")
			if err != nil {
				return cs, err
			}
			cs.Writes = append(cs.Writes, w)
			cs.After = append(cs.After, "The new token is in "+envPath(s)+" as OPENCLAW_GATEWAY_TOKEN; if the service sets it itself, update it there.", restartGateway)
			return cs, nil
		}
	}
	rc, err := rotateSecret(s, f, path, what)
	if err != nil {
		return cs, err
	}
	if mode := s.Doc.Get("gateway.auth.mode").Text(); path == "gateway.auth.token" && mode != "token" && mode != "" {
		if mode == "none" {
			cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require the token"))
		}
	} else if path == "gateway.auth.token" && mode == "" && f.CheckID == "gateway.loopback_no_auth" {
		cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require the token"))
	}
	cs.Merge(rc)
	cs.After = append(cs.After, restartGateway, "Update every client with the new "+what+" (openclaw dashboard, gateway.remote.token/password on remote CLIs, paired apps).")
	return cs, nil
}

// --- trusted proxies --------------------------------------------------

// singleHost reports a trustedProxies entry naming one address (an IP, or
// a /32 or /128 CIDR).
func singleHost(e string) bool {
	e = strings.TrimSpace(e)
	if net.ParseIP(e) != nil {
		return true
	}
	if _, n, err := net.ParseCIDR(e); err == nil {
		ones, bits := n.Mask.Size()
		return ones == bits
	}
	return false
}

func proxiesQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var opts []model.Option
	var def []string
	for _, e := range s.Doc.Get("gateway.trustedProxies").Strings() {
		if singleHost(e) {
			opts = append(opts, model.Option{Value: e, Label: e})
			def = append(def, e)
		}
	}
	return []model.Question{{
		ID: "keep", Kind: model.MultiSelect, Title: "Which proxy addresses should stay trusted?",
		Help:    "Only single hosts you control (the reverse proxy's own address) belong here; broad ranges let anyone in them forge X-Forwarded-For.",
		Options: opts, Default: strings.Join(def, ","),
		Validate: func(v string) error {
			if !singleHost(v) {
				return fmt.Errorf("%q is not a single IP address", v)
			}
			return nil
		},
		Breaks: "A proxy whose address is dropped is no longer trusted: client IPs behind it show as the proxy's and trusted-proxy auth through it stops working.",
	}}
}

func proxiesPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	keep := a.List("keep")
	for _, e := range keep {
		if !singleHost(e) {
			return cs, fmt.Errorf("keep: %q is not a single IP address", e)
		}
	}
	if len(keep) == 0 {
		cs.Edits = append(cs.Edits, unset(f, "gateway.trustedProxies", "no proxy range is trusted"))
	} else {
		cs.Edits = append(cs.Edits, set(f, "gateway.trustedProxies", toAny(keep), "trust only single proxy hosts"))
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- Tailscale Funnel -------------------------------------------------

func funnelQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{{
		ID: "mode", Kind: model.Select, Title: "Tailscale exposure",
		Help: "Funnel publishes the gateway on the public internet (and needs password auth). Serve keeps it on your tailnet with Tailscale identity auth.",
		Options: []model.Option{
			{Value: "serve", Label: "Serve: tailnet only"},
			{Value: "off", Label: "Off: no Tailscale exposure"},
		},
		Default: "serve",
		Breaks:  "Anyone outside your tailnet (webhooks from the internet, people without Tailscale) can no longer reach the gateway.",
	}}
}

func funnelPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	m := a["mode"]
	if m != "serve" && m != "off" {
		return cs, fmt.Errorf("mode: %q is not serve or off", m)
	}
	cs.Edits = append(cs.Edits, set(f, "gateway.tailscale.mode", m, "no public Funnel exposure"))
	cs.After = append(cs.After, restartGateway, "Check with `tailscale funnel status` that no Funnel is left on the gateway port.")
	return cs, nil
}

// --- Control UI origins -----------------------------------------------

func originsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var keep []string
	for _, o := range s.Doc.Get("gateway.controlUi.allowedOrigins").Strings() {
		if ValidOrigin(o) == nil {
			keep = append(keep, o)
		}
	}
	if len(keep) == 0 {
		port := 18789
		if n, ok := s.Doc.Get("gateway.port").Number(); ok && n > 0 && n < 65536 {
			port = int(n)
		}
		keep = []string{"http://127.0.0.1:" + strconv.Itoa(port), "http://localhost:" + strconv.Itoa(port)}
	}
	return []model.Question{listQuestion("origins", "Origins allowed to open the Control UI (comma-separated)",
		"Each is scheme://host[:port] as the browser shows it, e.g. https://gateway.tailnet-name.ts.net. No wildcards.",
		keep, ValidOriginList, "Browsers on any other origin can no longer open the Control UI.")}
}

func originsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	return setListPlan(f, a, "origins", ValidOriginList, "gateway.controlUi.allowedOrigins", "explicit Control UI origins")
}

// --- browser ----------------------------------------------------------

func nodeBrowserQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("mode", "Browser proxy routing to paired nodes", "off", "Off",
		"Agents can no longer drive browsers on paired nodes through the gateway.")}
}

func nodeBrowserPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "mode", "off"); err != nil {
		return cs, err
	}
	cs.Edits = append(cs.Edits, set(f, "gateway.nodes.browser.mode", "off", "no browser proxy routing while the gateway is reachable remotely"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// cdpPath is the cdpUrl the finding points at.
func cdpPath(f model.Finding) string {
	for _, p := range f.Paths {
		if strings.HasSuffix(p, "cdpUrl") {
			return p
		}
	}
	if len(f.Paths) > 0 && !strings.HasPrefix(f.Paths[0], "/") {
		return f.Paths[0]
	}
	return "browser.cdpUrl"
}

func cdpQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	p := cdpPath(f)
	def := "http://127.0.0.1:9222"
	if n, ok := s.Doc.Get(p).Number(); ok && n > 0 {
		def = "http://127.0.0.1:" + strconv.Itoa(int(n))
	}
	return []model.Question{{
		ID: "url", Kind: model.Text, Title: "CDP endpoint for " + p,
		Help:    "Use https/wss (e.g. through Tailscale Serve or a TLS tunnel), or keep CDP on loopback and tunnel to it.",
		Default: def, Validate: ValidCDPURL,
		Breaks: "The browser profile stops working until the endpoint answers at the new URL.",
	}}
}

func cdpPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := ValidCDPURL(a["url"]); err != nil {
		return cs, fmt.Errorf("url: %v", err)
	}
	cs.Edits = append(cs.Edits, set(f, cdpPath(f), strings.TrimSpace(a["url"]), "encrypted or loopback CDP"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

func relayQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("host", "Relay bind host", "127.0.0.1", "127.0.0.1 (loopback)",
		"A Chrome extension on another machine can no longer reach the relay; tunnel to it instead.")}
}

func relayPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "host", "127.0.0.1"); err != nil {
		return cs, err
	}
	cs.Edits = append(cs.Edits, set(f, "browser.relayBindHost", "127.0.0.1", "relay on loopback only"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}
