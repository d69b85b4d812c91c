package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/browser.go: node browser proxy routing,
// remote CDP endpoints, the legacy extension relay, and a token for browser
// control (the plan is the gateway's requireTokenPlan).

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDGatewayNodesBrowserProxyEnabled},
			Title:     "Turn off browser proxy routing to nodes",
			Questions: nodeBrowserQuestions, Plan: nodeBrowserPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDBrowserRemoteCDPHTTP},
			Title:     "Point the browser profile at an encrypted or loopback CDP endpoint",
			Questions: cdpQuestions, Plan: cdpPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDBrowserRelayExposed},
			Title:     "Keep the browser extension relay on loopback",
			Questions: relayQuestions, Plan: relayPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDBrowserControlNoAuth},
			Title:     "Require a generated gateway token",
			Questions: requireTokenQuestions, Plan: requireTokenPlan,
		},
	)
}

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

// isLoopbackHost reports localhost or a loopback IP.
func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ValidCDPURL accepts a CDP endpoint that is encrypted (https/wss) or stays
// on loopback (http/ws to 127.0.0.1, ::1 or localhost).
func ValidCDPURL(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL (want https://host:port or http://127.0.0.1:port)", s)
	}
	switch u.Scheme {
	case "https", "wss":
		return nil
	case "http", "ws":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q: plain %s is only safe on loopback; use https/wss or 127.0.0.1", s, u.Scheme)
	}
	return fmt.Errorf("%q: scheme must be https, wss, or http/ws on loopback", s)
}
