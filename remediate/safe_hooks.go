package remediate

import (
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Safe fixes for webhook session routing and MCP apps. None of them touches
// authentication, so they cannot lock the owner out: hook runs land in one
// known session instead of a caller-chosen one, and MCP tools keep working
// when their apps stop rendering in the UI.

// HookSessionKeyDefault is the hooks.defaultSessionKey written when none is
// set (OpenClaw's own example).
const HookSessionKeyDefault = "hook:ingress"

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"hooks.default_session_key_unset"},
			Kind:     model.FixSafe,
			Title:    `Keep hook runs in one known session (hooks.defaultSessionKey "` + HookSessionKeyDefault + `")`,
			Plan:     planHookDefaultSession,
		},
		Remediation{
			CheckIDs: []string{"hooks.request_session_key_enabled", "hooks.request_session_key_prefixes_missing"},
			Kind:     model.FixSafe,
			Title:    "Stop hook payloads from choosing their session (hooks.allowRequestSessionKey false)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if !configNode(s, "hooks.allowRequestSessionKey").IsTrue() {
					return model.ChangeSet{}, nil
				}
				if s.Era.Era != model.EraModern {
					// OpenClaw before 2026.7 does not know the key (and
					// refuses a config that sets it): removing it is the fix.
					return model.ChangeSet{Edits: []model.Edit{{Op: model.OpUnset, Path: "hooks.allowRequestSessionKey", CheckID: f.CheckID,
						Reason: "remove hooks.allowRequestSessionKey (this OpenClaw has no such key; callers cannot pick the session)"}}, After: []string{restartAfter}}, nil
				}
				return model.ChangeSet{
					Edits: []model.Edit{set(f, "hooks.allowRequestSessionKey", false, "hook callers can no longer pick the session key")},
					After: []string{restartAfter},
				}, nil
			},
		},
		Remediation{
			CheckIDs: []string{"mcp.apps.enabled"},
			Kind:     model.FixSafe,
			Title:    "Turn off MCP apps in the operator UI (mcp.apps.enabled false)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if !configNode(s, "mcp.apps.enabled").IsTrue() {
					return model.ChangeSet{}, nil
				}
				if s.Era.Era != model.EraModern {
					// OpenClaw before 2026.9 has no mcp section (and refuses it).
					return model.ChangeSet{Edits: []model.Edit{{Op: model.OpUnset, Path: "mcp.apps.enabled", CheckID: f.CheckID,
						Reason: "remove mcp.apps.enabled (this OpenClaw has no MCP apps)"}}, After: []string{restartAfter}}, nil
				}
				return model.ChangeSet{
					Edits: []model.Edit{set(f, "mcp.apps.enabled", false, "MCP servers can no longer render apps in the Control UI")},
					After: []string{restartAfter},
				}, nil
			},
		},
	)
}

// planHookDefaultSession sets hooks.defaultSessionKey. When the operator
// restricts session keys to prefixes, the key is built under the first one
// so it stays inside what hooks may target.
func planHookDefaultSession(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
	if s == nil || s.Doc == nil || strings.TrimSpace(configNode(s, "hooks.defaultSessionKey").Text()) != "" {
		return model.ChangeSet{}, nil
	}
	if s.Era.Era != model.EraModern {
		// OpenClaw 2026.2.1 refuses hooks.defaultSessionKey
		// (testdata/compat/keys.md): nothing can be written for this era.
		return model.ChangeSet{After: []string{"hooks.defaultSessionKey needs OpenClaw 2026.7 or newer; after upgrading, run hardshell fix again."}}, nil
	}
	key := HookSessionKeyDefault
	var prefixes []string
	for _, p := range configNode(s, "hooks.allowedSessionKeyPrefixes").Strings() {
		if p = strings.TrimSpace(p); p != "" {
			prefixes = append(prefixes, p)
		}
	}
	if len(prefixes) > 0 {
		inside := false
		for _, p := range prefixes {
			inside = inside || strings.HasPrefix(key, p)
		}
		if !inside {
			key = prefixes[0] + "ingress"
		}
	}
	return model.ChangeSet{
		Edits: []model.Edit{set(f, "hooks.defaultSessionKey", key, "hook runs without a sessionKey go to "+key)},
		After: []string{restartAfter},
	}, nil
}
