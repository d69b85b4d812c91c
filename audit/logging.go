package audit

import (
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDLoggingRedactOff             = "logging.redact_off"
	IDLoggingRedactPatternsMissing = "logging.redact_patterns_missing"
)

// Tier 4: what reaches logs and status output.
//
// logging.redact_off is OpenClaw's check. hardshell adds
// logging.redact_patterns_missing, deliberately narrow so it stays quiet on
// ordinary setups: the built-in redaction already masks token shapes, so
// custom patterns (the guide's 0.8 advice) only matter for things it cannot
// know — internal hostnames and URLs. The check fires (info) only when
// redaction is on, logging.redactPatterns is empty or unset, and the config
// itself names at least one internal endpoint: a URL whose host is a
// private/CGNAT/link-local address or a name under .local, .internal, .lan,
// .corp, .home.arpa, .intranet or a Tailscale .ts.net tailnet (loopback is
// not a secret and is ignored).

var loggingInternalSuffixes = []string{".local", ".internal", ".lan", ".corp", ".home.arpa", ".intranet", ".ts.net", ".localdomain"}

// loggingInternalHost reports whether a URL host names a private endpoint.
func loggingInternalHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || host == "localhost" {
		return false
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.IsLoopback() || a.IsUnspecified() {
			return false
		}
		if a.IsPrivate() || a.IsLinkLocalUnicast() {
			return true
		}
		return netip.MustParsePrefix("100.64.0.0/10").Contains(a.Unmap())
	}
	for _, s := range loggingInternalSuffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// loggingInternalURLs lists config paths whose string value is a URL to an
// internal host, with the host.
func loggingInternalURLs(s *model.Snapshot) map[string]string {
	out := map[string]string{}
	// segs is one path stack for the whole walk: a call appends its
	// segment in place (siblings reuse the slot) and nothing keeps segs
	// past JoinPath, so a walk over 150,000 values copies no paths.
	var walk func(segs []model.PathSeg, n *model.Node)
	walk = func(segs []model.PathSeg, n *model.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case model.KindObject:
			for _, k := range n.Keys() {
				walk(append(segs, model.PathSeg{Key: k}), n.Get(k))
			}
		case model.KindArray:
			for i, e := range n.Elems {
				walk(append(segs, model.PathSeg{Index: i, IsIndex: true}), e)
			}
		case model.KindString:
			v := strings.TrimSpace(n.Str)
			if !strings.Contains(v, "://") || len(model.EnvRefs(v)) > 0 {
				return
			}
			u, err := url.Parse(v)
			if err != nil || u.Hostname() == "" {
				return
			}
			if loggingInternalHost(u.Hostname()) {
				out[model.JoinPath(segs)] = u.Hostname()
			}
		}
	}
	walk(make([]model.PathSeg, 0, 16), Config(s))
	return out
}

func init() {
	const tier = model.TierPermissions
	Register("logging",
		Check{
			ID: IDLoggingRedactOff, Title: "Tool summary redaction is disabled",
			Tier: tier, Fix: model.FixSafe, Severity: "warn",
			Trigger:     `logging.redactSensitive="off"`,
			Remediation: `Set logging.redactSensitive="tools".`,
			Why: "The guide (0.8): even with access control right, logs and transcripts leak secrets — gateway logs carry tool summaries, errors and URLs. " +
				`Keep tool-summary redaction on (logging.redactSensitive: "tools", the default) so tokens in tool calls and output are masked before they reach logs and status output.`,
			Breaks: "debugging: tool summaries in logs show masked values",
			Since:  "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				r := s.Doc.Redaction()
				if !r.Explicit || strings.ToLower(strings.TrimSpace(r.Value)) != "off" {
					return nil
				}
				return []Hit{{Severity: model.Warn,
					Detail: `logging.redactSensitive="off" can leak secrets into logs and status output.`,
					Paths:  []string{r.Path}}}
			},
		},
		Check{
			ID: IDLoggingRedactPatternsMissing, Title: "Internal endpoints are not covered by log redaction",
			Tier: tier, Fix: model.FixGuided, Severity: "info",
			Trigger:     "redaction is on, logging.redactPatterns is empty, and the config names a URL on an internal host (private/CGNAT IP, .local, .internal, .lan, .corp, .home.arpa, .ts.net…)",
			Remediation: "Add logging.redactPatterns entries for your internal hostnames and URLs.",
			Why: "The guide (0.8) recommends adding custom logging.redactPatterns for your environment — tokens, hostnames, internal URLs. " +
				"The built-in redaction masks known token shapes but cannot know your internal hosts, which then appear verbatim in logs and in diagnostics you share.",
			Breaks: "log lines show the masked form of the matched hosts",
			Since:  "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				if strings.ToLower(strings.TrimSpace(s.Doc.Redaction().Value)) == "off" {
					return nil // logging.redact_off comes first
				}
				root := Config(s)
				if len(root.Lookup("logging.redactPatterns").Strings()) > 0 {
					return nil
				}
				found := loggingInternalURLs(s)
				if len(found) == 0 {
					return nil
				}
				paths := make([]string, 0, len(found))
				for p := range found {
					paths = append(paths, p)
				}
				sort.Strings(paths)
				var lines []string
				for _, p := range paths {
					lines = append(lines, fmt.Sprintf("- %s (host %s)", p, found[p]))
				}
				return []Hit{{Severity: model.Info,
					Detail: "The config names internal endpoints that will appear unmasked in logs, since logging.redactPatterns is not set:\n" + strings.Join(lines, "\n"),
					Paths:  append([]string{"logging.redactPatterns"}, paths...)}}
			},
		},
	)
}
