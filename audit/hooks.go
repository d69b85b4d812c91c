package audit

// Tier 2: webhook ingress (hooks.*), checked only when hooks.enabled=true,
// as OpenClaw does (catalogue §2.7).

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDHooksAllowedAgentIDsUnrestricted      = "hooks.allowed_agent_ids_unrestricted"
	IDHooksDefaultSessionKeyUnset           = "hooks.default_session_key_unset"
	IDHooksPathRoot                         = "hooks.path_root"
	IDHooksRequestSessionKeyEnabled         = "hooks.request_session_key_enabled"
	IDHooksRequestSessionKeyPrefixesMissing = "hooks.request_session_key_prefixes_missing"
	IDHooksTokenMissing                     = "hooks.token_missing"
	IDHooksTokenReuseGatewayToken           = "hooks.token_reuse_gateway_token"
	IDHooksTokenTooShort                    = "hooks.token_too_short"
)

// HookSessionKeyDefault is the hooks.defaultSessionKey hardshell suggests
// and writes when none is set (OpenClaw's own example).
const HookSessionKeyDefault = "hook:ingress"

const whyHooks = "Webhook ingress (hooks.enabled) lets anything that holds hooks.token start agent runs over HTTP, on the same port as the gateway. The hook token is a separate credential for a narrower door: keep it long, unique and rotated (rotate it after any suspected compromise), and keep hook runs in a known session so an external caller cannot steer them into your main conversations or other agents."

func hooksEnabled(s *model.Snapshot) bool { return Config(s).Lookup("hooks.enabled").IsTrue() }

func init() {
	Register("hooks",
		Check{
			ID: IDHooksTokenTooShort, Title: "Hooks token looks short",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "hooks.enabled and the trimmed hooks.token is under 24 characters",
			Remediation: "Replace hooks.token with a long random value and update the webhook senders.",
			Why:         whyHooks,
			Breaks:      "Every webhook sender must be given the new token.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) {
					return nil
				}
				tok := secretFrom(s, "hooks.token")
				n := len([]rune(strings.TrimSpace(tok.Value)))
				if !tok.Known || n == 0 || n >= 24 {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: fmt.Sprintf("hooks.token is %d chars; prefer a long random token.", n), Paths: []string{"hooks.token"}}}
			},
		},
		Check{
			ID: IDHooksTokenReuseGatewayToken, Title: "Hooks token reuses the Gateway token",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "hooks.token equals the gateway token (token mode or OPENCLAW_GATEWAY_TOKEN) or the gateway password (password/trusted-proxy mode)",
			Remediation: "Use a separate hooks.token dedicated to hook ingress (openclaw doctor --fix rotates it).",
			Why:         whyHooks + " Reusing the gateway credential means a leaked webhook secret hands over full operator access to the gateway API.",
			Breaks:      "Webhook senders must be given the new hooks token.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) {
					return nil
				}
				tok := secretFrom(s, "hooks.token")
				ht := strings.TrimSpace(tok.Value)
				if !tok.Known || ht == "" {
					return nil
				}
				g := gatewaySecret(s)
				var cands []secretValue
				switch g.Mode {
				case "token":
					cands = append(cands, g.Token)
				case "password", "trusted-proxy":
					cands = append(cands, g.Password)
				}
				if v, ok := envValue(s, "OPENCLAW_GATEWAY_TOKEN"); ok {
					cands = append(cands, secretValue{Path: "env OPENCLAW_GATEWAY_TOKEN", Known: true, Value: v})
				}
				for _, c := range cands {
					if c.Known && strings.TrimSpace(c.Value) == ht {
						return []Hit{{Severity: model.Critical, Detail: "hooks.token matches the gateway secret (" + c.describe() + "); compromise of hooks expands blast radius to the Gateway API.", Paths: []string{"hooks.token", c.Path}}}
					}
				}
				return nil
			},
		},
		Check{
			ID: IDHooksPathRoot, Title: "Hooks base path is '/'",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "critical",
			Trigger:     `hooks.path is "/"`,
			Remediation: `Use a dedicated path like "/hooks".`,
			Why:         whyHooks + " A root hooks path shadows the gateway's other HTTP endpoints.",
			Breaks:      "Webhook senders must post to the new path (/hooks/...).",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) || strings.TrimSpace(configString(s, "hooks.path")) != "/" {
					return nil
				}
				return []Hit{{Severity: model.Critical, Detail: "hooks.path='/' would shadow other HTTP endpoints and is unsafe.", Paths: []string{"hooks.path"}}}
			},
		},
		Check{
			ID: IDHooksDefaultSessionKeyUnset, Title: "hooks.defaultSessionKey is not configured",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn",
			Trigger:     "hooks.enabled and hooks.defaultSessionKey empty",
			Remediation: `Set hooks.defaultSessionKey (for example "` + HookSessionKeyDefault + `").`,
			Why:         whyHooks,
			Breaks:      "Hook runs without an explicit sessionKey share one session instead of a fresh one per request.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) || strings.TrimSpace(configString(s, "hooks.defaultSessionKey")) != "" {
					return nil
				}
				h := Hit{Severity: model.Warn, Detail: "Hook agent runs without explicit sessionKey use generated per-request keys. Set hooks.defaultSessionKey to keep hook ingress scoped to a known session.", Paths: []string{"hooks.defaultSessionKey", "hooks"}}
				return []Hit{eraAdvice(s, h, "hooks.defaultSessionKey")}
			},
		},
		Check{
			ID: IDHooksAllowedAgentIDsUnrestricted, Title: "Hook agent routing allows any configured agent",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when remote-exposed",
			Trigger:     `hooks.enabled and hooks.allowedAgentIds unset or containing "*" ([] denies all and is fine)`,
			Remediation: `Set hooks.allowedAgentIds to the agents hooks may target (e.g. ["hooks"]).`,
			Why:         whyHooks + " Without an allowlist an authenticated hook caller can route to any configured agent, including one with shell or personal-data access.",
			Breaks:      "Hook payloads naming an agent outside the list are refused.",
			Since:       "OpenClaw 2026.7",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) {
					return nil
				}
				n := Config(s).Lookup("hooks.allowedAgentIds")
				var d string
				switch {
				case n == nil:
					d = "hooks.allowedAgentIds is not set, so authenticated hook callers can route to any configured agent"
				case n.ContainsString("*"):
					d = `hooks.allowedAgentIds contains "*", so authenticated hook callers can route to any configured agent`
				default:
					return nil
				}
				ids := make([]string, 0)
				for _, a := range s.Doc.Agents() {
					ids = append(ids, a.ID)
				}
				d += " (" + strings.Join(ids, ", ") + ")."
				return []Hit{eraAdvice(s, Hit{Severity: remoteExposureSeverity(s, model.Warn), Detail: d, Paths: []string{"hooks.allowedAgentIds", "hooks"}}, "hooks.allowedAgentIds")}
			},
		},
		Check{
			ID: IDHooksRequestSessionKeyEnabled, Title: "External hook payloads may override sessionKey",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn; critical when remote-exposed",
			Trigger:     "hooks.allowRequestSessionKey=true",
			Remediation: "Set hooks.allowRequestSessionKey=false (recommended) or constrain hooks.allowedSessionKeyPrefixes.",
			Why:         whyHooks,
			Breaks:      "Hook callers that pick their own sessionKey land in hooks.defaultSessionKey instead.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) || !Config(s).Lookup("hooks.allowRequestSessionKey").IsTrue() {
					return nil
				}
				return []Hit{{Severity: remoteExposureSeverity(s, model.Warn), Detail: "hooks.allowRequestSessionKey=true allows `/hooks/agent` callers to choose the session key. Treat hook token holders as full-trust unless you also restrict prefixes.", Paths: []string{"hooks.allowRequestSessionKey"}}}
			},
		},
		Check{
			ID: IDHooksRequestSessionKeyPrefixesMissing, Title: "Request sessionKey override is enabled without prefix restrictions",
			Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn; critical when remote-exposed",
			Trigger:     "hooks.allowRequestSessionKey=true and hooks.allowedSessionKeyPrefixes empty",
			Remediation: `Set hooks.allowedSessionKeyPrefixes (for example ["hook:"]) or disable request overrides.`,
			Why:         whyHooks + " Without prefixes a hook payload can target any session, including your main DM session.",
			Breaks:      "Hook callers using session keys outside the prefixes are refused.",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				c := Config(s)
				if !hooksEnabled(s) || !c.Lookup("hooks.allowRequestSessionKey").IsTrue() || len(trimmedStrings(c.Lookup("hooks.allowedSessionKeyPrefixes"))) > 0 {
					return nil
				}
				return []Hit{{Severity: remoteExposureSeverity(s, model.Warn), Detail: "hooks.allowRequestSessionKey=true and hooks.allowedSessionKeyPrefixes is unset/empty, so request payloads can target arbitrary session key shapes.", Paths: []string{"hooks.allowedSessionKeyPrefixes", "hooks.allowRequestSessionKey"}}}
			},
		},
		Check{
			ID: IDHooksTokenMissing, Title: "Hooks are enabled without a token",
			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "warn; critical when remote-exposed",
			Trigger:     "hooks.enabled=true and hooks.token not set in any form",
			Remediation: "Set hooks.token to a long random value (ideally as a ${VAR} reference to the environment) or disable hooks.",
			Why:         whyHooks + " OpenClaw requires a token when hooks are enabled; without one the ingress is either refused at startup or, on builds that tolerate it, unauthenticated.",
			Breaks:      "Webhook senders must be configured with the new token.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				if !hooksEnabled(s) || Config(s).Lookup("hooks.token").IsSet() {
					return nil
				}
				return []Hit{{Severity: remoteExposureSeverity(s, model.Warn), Detail: "hooks.enabled=true but hooks.token is not configured (" + exposureText(s) + ").", Paths: []string{"hooks.token", "hooks.enabled"}}}
			},
		},
	)
}
