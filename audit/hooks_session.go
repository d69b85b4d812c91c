package audit

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// IDHooksMainSession reports hook content routed into an operator's main
// session.
const IDHooksMainSession = "hooks.session_key_main"

// mainSessionKey matches OpenClaw's main-session keys: "main",
// "agent:<id>:main", and the configured session.mainKey.
var mainSessionKey = regexp.MustCompile(`^(main|agent:[^:]+:main)$`)

func init() {
	Register("hooks", Check{
		ID: IDHooksMainSession, Title: "Webhook content is routed into a main session",
		Tier: model.TierInbound, Fix: model.FixManual, Severity: "warn; critical when the mapping also sets allowUnsafeExternalContent",
		Trigger:     `hooks enabled and hooks.defaultSessionKey or a hooks.mappings[].sessionKey is a main session ("main", "agent:<id>:main", session.mainKey), or hooks.allowRequestSessionKey with an allowedSessionKeyPrefixes entry that admits main-session keys ("", "agent:", "main")`,
		Remediation: `Give hooks their own session keys (e.g. "hook:gmail", "hook:<mapping>") and keep allowedSessionKeyPrefixes to "hook:".`,
		Why:         "Webhook payloads (mail, forms, CI events) are written by strangers. Routed into the main session they land next to the operator's private context and instructions: a crafted email can read what the owner discussed and steer the agent that holds the owner's tools.",
		Breaks:      "Hook runs stop seeing (and adding to) the main conversation; give the agent what it needs in the mapping's message template.",
		Since:       "OpenClaw 2026.2",
		Run:         runHooksMainSession,
	})
}

func runHooksMainSession(s *model.Snapshot) []Hit {
	root := Config(s)
	if !hooksEnabled(s) {
		return nil
	}
	mainKey := strings.TrimSpace(configString(s, "session.mainKey"))
	isMain := func(k string) bool {
		k = strings.TrimSpace(k)
		return k != "" && (mainSessionKey.MatchString(k) || (mainKey != "" && k == mainKey))
	}
	var lines, paths []string
	sev := model.Warn
	if k := root.Lookup("hooks.defaultSessionKey").Text(); isMain(k) {
		lines = append(lines, fmt.Sprintf("hooks.defaultSessionKey=%q: every hook run without its own key", k))
		paths = append(paths, "hooks.defaultSessionKey")
	}
	if ms := root.Lookup("hooks.mappings"); ms != nil && ms.Kind == model.KindArray {
		for i, m := range ms.Elems {
			k := m.Get("sessionKey").Text()
			if !isMain(k) {
				continue
			}
			p := model.Index("hooks.mappings", i)
			name := m.Get("id").Text()
			if name == "" {
				name = m.Lookup("match.path").Text()
			}
			line := fmt.Sprintf("%s.sessionKey=%q", p, k)
			if name != "" {
				line += " (mapping " + name + ")"
			}
			if m.Get("allowUnsafeExternalContent").IsTrue() {
				sev = model.Critical
				line += ", with allowUnsafeExternalContent=true: the content is not even wrapped as untrusted"
			}
			lines = append(lines, line)
			paths = append(paths, p+".sessionKey")
		}
	}
	if root.Lookup("hooks.allowRequestSessionKey").IsTrue() {
		for i, e := range root.Lookup("hooks.allowedSessionKeyPrefixes").Strings() {
			pfx := strings.TrimSpace(e)
			if pfx == "" || strings.HasPrefix("main", pfx) || strings.HasPrefix("agent:", pfx) || (strings.HasPrefix(pfx, "agent:") && strings.Count(pfx, ":") == 2 && strings.HasSuffix(pfx, ":")) || (mainKey != "" && strings.HasPrefix(mainKey, pfx)) {
				lines = append(lines, fmt.Sprintf("hooks.allowedSessionKeyPrefixes[%d]=%q admits main-session keys chosen by the caller", i, e))
				paths = append(paths, fmt.Sprintf("hooks.allowedSessionKeyPrefixes[%d]", i))
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: sev, Detail: "External hook content reaches a main session:\n- " + strings.Join(lines, "\n- "), Paths: paths}}
}
