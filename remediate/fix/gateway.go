package fix

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/gateway.go: bind, gateway auth token,
// trusted proxies, Tailscale Funnel, Control UI origins and flags, the
// X-Real-IP fallback, the auth rate limit, HTTP endpoints without auth,
// /tools/invoke, paired-node commands, MCP apps, and advice for
// trusted-proxy setups.

func init() {
	Register(
		advice([]string{audit.IDGatewayTrustedProxiesMissing}, "Trust your reverse proxy explicitly",
			"If a reverse proxy (nginx, Caddy, Tailscale Serve) forwards to this gateway, set gateway.trustedProxies to that proxy's own address (e.g. [\"127.0.0.1\"]) so client IPs and rate limits are right.",
			"If nothing proxies the gateway, leave it empty; this finding is informational.",
		),
		advice([]string{audit.IDGatewayTrustedProxyAuth, audit.IDGatewayTrustedProxyNoProxies, audit.IDGatewayTrustedProxyNoUserHeader, audit.IDGatewayTrustedProxyNoAllowlist, audit.IDGatewayTrustedProxyAllowLoopback},
			"Review trusted-proxy authentication",
			"gateway.auth.mode \"trusted-proxy\" hands authentication to the proxy: make sure only that proxy can reach the gateway port (bind loopback or firewall it).",
			"Set gateway.trustedProxies to the proxy's address only, gateway.auth.trustedProxy.userHeader to the header the proxy sets, and allowUsers to the accounts that may operate the gateway; keep allowLoopback false.",
			"If you do not run an authenticating proxy, switch to token auth: `openclaw config set gateway.auth.mode token` and `openclaw doctor --generate-gateway-token`, then "+restartGateway+".",
		),
		Remediation{
			CheckIDs:  []string{audit.IDGatewayBindNoAuth, audit.IDGatewayCustomBindAllInterfaces},
			Title:     "Bind the gateway to loopback (or protect it with a token)",
			Questions: bindQuestions, Plan: bindPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayLoopbackNoAuth, audit.IDGatewayTokenTooShort, audit.IDGatewayTokenWeakValue},
			Title:     "Generate a strong gateway token",
			Questions: tokenQuestions, Plan: tokenPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayTrustedProxiesBroad},
			Title:     "Trust only your own reverse proxy",
			Questions: proxiesQuestions, Plan: proxiesPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayTailscaleFunnel},
			Title:     "Switch Tailscale Funnel to Serve (tailnet only)",
			Questions: funnelQuestions, Plan: funnelPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayControlUIAllowedOriginsRequired, audit.IDGatewayControlUIAllowedOriginsWildcard},
			Title:     "List the Control UI origins explicitly",
			Questions: originsQuestions, Plan: originsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayHTTPNoAuth},
			Title:     "Require a generated gateway token",
			Questions: requireTokenQuestions, Plan: requireTokenPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayToolsInvokeHTTPDangerousAllow},
			Title:     "Keep control-plane tools off HTTP /tools/invoke",
			Questions: httpToolsQuestions, Plan: httpToolsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayNodesAllowCommandsDangerous},
			Title:     "Stop allowing high-impact node commands",
			Questions: nodeAllowQuestions, Plan: nodeAllowPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDGatewayNodesDenyCommandsIneffective},
			Title:     "Use exact command names in the node deny list",
			Questions: nodeDenyQuestions, Plan: nodeDenyPlan,
		},
		Remediation{
			CheckIDs: []string{audit.IDGatewayControlUIHostHeaderOriginFallback},
			Title:    "Turn off the Control UI Host-header origin fallback",
			Plan:     singleFlag("gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback"),
		},
		Remediation{
			CheckIDs: []string{audit.IDGatewayControlUIInsecureAuth},
			Title:    "Turn off Control UI insecure auth",
			Plan:     singleFlag("gateway.controlUi.allowInsecureAuth"),
		},
		Remediation{
			CheckIDs: []string{audit.IDGatewayControlUIDeviceAuthDisabled},
			Title:    "Turn Control UI device auth back on",
			Plan:     singleFlag("gateway.controlUi.dangerouslyDisableDeviceAuth"),
		},
		Remediation{
			CheckIDs: []string{audit.IDGatewayRealIPFallbackEnabled},
			Title:    "Stop trusting X-Real-IP (gateway.allowRealIpFallback false)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if !configNode(s, "gateway.allowRealIpFallback").IsTrue() {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "gateway.allowRealIpFallback", false, "X-Real-IP fallback off")}, After: []string{restartGateway}}, nil
			},
		},
		Remediation{
			CheckIDs: []string{audit.IDGatewayAuthNoRateLimit},
			Title:    "Rate-limit failed gateway auth (loopback exempt)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				// OpenClaw 2026.2.1 rejects gateway.auth.rateLimit
				// (testdata/compat/keys.md); write it only for an era known
				// to accept it.
				if s == nil || s.Doc == nil || s.Era.Era != model.EraModern || configNode(s, "gateway.auth.rateLimit") != nil {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "gateway.auth.rateLimit", audit.RateLimitDefault,
					"10 failed attempts a minute lock a client out for 5 minutes; loopback exempt")}, After: []string{restartGateway}}, nil
			},
		},
		Remediation{
			CheckIDs: []string{audit.IDMCPAppsEnabled},
			Title:    "Turn off MCP apps in the operator UI (mcp.apps.enabled false)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if !configNode(s, "mcp.apps.enabled").IsTrue() {
					return model.ChangeSet{}, nil
				}
				if s.Era.Era != model.EraModern {
					// OpenClaw before 2026.9 has no mcp section (and refuses it).
					return model.ChangeSet{Edits: []model.Edit{{Op: model.OpUnset, Path: "mcp.apps.enabled", CheckID: f.CheckID,
						Reason: "remove mcp.apps.enabled (this OpenClaw has no MCP apps)"}}, After: []string{restartGateway}}, nil
				}
				return model.ChangeSet{
					Edits: []model.Edit{set(f, "mcp.apps.enabled", false, "MCP servers can no longer render apps in the Control UI")},
					After: []string{restartGateway},
				}, nil
			},
		},
	)
}

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
		if f.CheckID == audit.IDGatewayCustomBindAllInterfaces {
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
	if f.CheckID == audit.IDGatewayTokenWeakValue && s.Doc.Get("gateway.auth.token") == nil && s.Doc.Get("gateway.auth.password") != nil {
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
			e, err := newEnvToken(s, f.CheckID, "OPENCLAW_GATEWAY_TOKEN", "new gateway token")
			if err != nil {
				return cs, err
			}
			cs.Env = append(cs.Env, e)
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
	} else if path == "gateway.auth.token" && mode == "" && f.CheckID == audit.IDGatewayLoopbackNoAuth {
		cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require the token"))
	}
	cs.Merge(rc)
	cs.After = append(cs.After, restartGateway, "Update every client with the new "+what+" (openclaw dashboard, gateway.remote.token/password on remote CLIs, paired apps).")
	return cs, nil
}

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
		cs.Edits = append(cs.Edits, set(f, "gateway.trustedProxies", model.List(keep), "trust only single proxy hosts"))
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

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

func httpToolsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var hit []string
	for _, t := range s.Doc.Get("gateway.tools.allow").Strings() {
		if audit.IsDangerousHTTPTool(t) {
			hit = append(hit, t)
		}
	}
	return []model.Question{onlyOption("remove", "Remove "+strings.Join(hit, ", ")+" from gateway.tools.allow", "remove",
		"Remove them (back to OpenClaw's HTTP deny list)",
		"HTTP automations that call these tools through /tools/invoke get refused.")}
}

func httpToolsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "remove", "remove"); err != nil {
		return cs, err
	}
	var keep []string
	for _, t := range s.Doc.Get("gateway.tools.allow").Strings() {
		if !audit.IsDangerousHTTPTool(t) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		cs.Edits = append(cs.Edits, unset(f, "gateway.tools.allow", "no tool is re-enabled over HTTP"))
	} else {
		cs.Edits = append(cs.Edits, set(f, "gateway.tools.allow", model.List(keep), "control-plane tools stay denied over HTTP"))
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// flaggedNodeCommands are the dangerous commands allowed and not denied.
func flaggedNodeCommands(s *model.Snapshot) []string {
	allow, _ := s.Doc.NodeCommands("allow")
	deny, _ := s.Doc.NodeCommands("deny")
	var out []string
	for _, c := range audit.DangerousNodeCommands() {
		if containsS(allow, c) && !containsS(deny, c) {
			out = append(out, c)
		}
	}
	return out
}

func nodeAllowQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	_, allowPath := s.Doc.NodeCommands("allow")
	return []model.Question{{
		ID: "how", Kind: model.Select, Title: "Node commands " + strings.Join(flaggedNodeCommands(s), ", "),
		Help: "They let an agent take photos and recordings or add contacts, events, reminders and SMS on paired devices.",
		Options: []model.Option{
			{Value: "remove", Label: "Remove them from " + allowPath},
			{Value: "deny", Label: "Keep the allowlist, add them to the deny list"},
		},
		Default: "remove",
		Breaks:  "Agents can no longer use those commands on paired nodes.",
	}}
}

// nodeDenyPath is where the deny list lives or goes, in the same key family
// as the allow list (gateway.nodes.denyCommands or gateway.nodes.commands.deny).
func nodeDenyPath(s *model.Snapshot) string {
	if _, p := s.Doc.NodeCommands("deny"); p != "" {
		return p
	}
	if _, p := s.Doc.NodeCommands("allow"); p == "gateway.nodes.allowCommands" {
		return "gateway.nodes.denyCommands"
	} else if p != "" || s.Era.Era == model.EraModern {
		return "gateway.nodes.commands.deny"
	}
	return "gateway.nodes.denyCommands"
}

func nodeAllowPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	flagged := flaggedNodeCommands(s)
	allow, allowPath := s.Doc.NodeCommands("allow")
	switch a["how"] {
	case "remove":
		var keep []string
		for _, c := range allow {
			if !containsS(flagged, c) {
				keep = append(keep, c)
			}
		}
		if len(keep) == 0 {
			cs.Edits = append(cs.Edits, unset(f, allowPath, "no high-impact node command is allowed"))
		} else {
			cs.Edits = append(cs.Edits, set(f, allowPath, model.List(keep), "no high-impact node command is allowed"))
		}
	case "deny":
		deny, _ := s.Doc.NodeCommands("deny")
		out := append([]string(nil), deny...)
		for _, c := range flagged {
			if !containsS(out, c) {
				out = append(out, c)
			}
		}
		cs.Edits = append(cs.Edits, set(f, nodeDenyPath(s), model.List(out), "deny high-impact node commands"))
	default:
		return cs, fmt.Errorf("how: %q is not remove or deny", a["how"])
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// ineffectiveDeny reads the finding's detail: pattern-like entries and
// unknown names, the latter with the audit's "did you mean" suggestion.
func ineffectiveDeny(f model.Finding) (bad map[string]bool, suggest map[string]string) {
	bad, suggest = map[string]bool{}, map[string]string{}
	mean := regexp.MustCompile(`^(.*?) \(did you mean (.*)\?\)$`)
	for _, line := range strings.Split(f.Detail, "\n") {
		_, list, ok := strings.Cut(line, "): ")
		if !ok || !strings.HasPrefix(line, "- ") {
			continue
		}
		for _, e := range strings.Split(list, ", ") {
			e = strings.TrimSpace(e)
			if m := mean.FindStringSubmatch(e); m != nil {
				bad[m[1]] = true
				suggest[m[1]] = m[2]
				continue
			}
			if e != "" {
				bad[e] = true
			}
		}
	}
	return bad, suggest
}

func nodeDenyQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	bad, suggest := ineffectiveDeny(f)
	var names []string
	for e := range bad {
		if to, ok := suggest[e]; ok {
			names = append(names, e+" → "+to)
		} else {
			names = append(names, e)
		}
	}
	return []model.Question{{
		ID: "mode", Kind: model.Select, Title: "Ineffective deny entries",
		Help: "denyCommands matches exact command names. Entries that are patterns or unknown names deny nothing: " + strings.Join(names, "; ") + ".",
		Options: []model.Option{
			{Value: "fix", Label: "Replace typos with the suggested command name, drop the rest"},
			{Value: "drop", Label: "Drop every ineffective entry"},
		},
		Default: "fix",
		Breaks:  "Nothing that worked changes; a corrected name now really denies that command.",
	}}
}

func nodeDenyPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	mode := a["mode"]
	if mode != "fix" && mode != "drop" {
		return cs, fmt.Errorf("mode: %q is not fix or drop", mode)
	}
	bad, suggest := ineffectiveDeny(f)
	deny, denyPath := s.Doc.NodeCommands("deny")
	if denyPath == "" {
		return cs, nil
	}
	var out []string
	for _, e := range deny {
		e = strings.TrimSpace(e)
		if bad[e] {
			if to, ok := suggest[e]; ok && mode == "fix" {
				e = to
			} else {
				continue
			}
		}
		if e != "" && !containsS(out, e) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		cs.Edits = append(cs.Edits, unset(f, denyPath, "no entry in the deny list did anything"))
	} else {
		cs.Edits = append(cs.Edits, set(f, denyPath, model.List(out), "exact node command names only"))
	}
	cs.After = append(cs.After, restartGateway, "To block a command, list its exact name (e.g. system.run); to stop a family of commands, remove them from the allow list.")
	return cs, nil
}

// singleFlag builds a Plan that switches off the flag at path when it is on.
func singleFlag(path string) func(*model.Snapshot, model.Finding, model.Answers) (model.ChangeSet, error) {
	return func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
		if !configNode(s, path).IsTrue() {
			return model.ChangeSet{}, nil
		}
		e, ok := flagOff(s, f, path)
		if !ok {
			return model.ChangeSet{}, nil
		}
		return model.ChangeSet{Edits: []model.Edit{e}, After: []string{restartGateway}}, nil
	}
}

// ValidOrigin checks a browser origin: http(s)://host[:port], nothing else.
func ValidOrigin(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an origin (want scheme://host[:port], e.g. https://gateway.example.ts.net)", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin: drop the path, query and credentials", s)
	}
	if strings.Contains(u.Host, "*") {
		return fmt.Errorf("%q: wildcards are not allowed", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q: bad port", s)
		}
	}
	return nil
}

// ValidOriginList checks a comma-separated list of origins (at least one).
func ValidOriginList(s string) error {
	n := 0
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		if err := ValidOrigin(o); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("list at least one origin")
	}
	return nil
}
