package remediate

import (
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Safe config fixes: edits that need no question and cannot lock the owner
// out: redaction back on (as OpenClaw's own `security audit --fix`),
// break-glass flags off, mDNS full mode, the X-Real-IP fallback, a root
// hooks path and a missing auth rate limit (loopback exempt). OpenClaw's
// other --fix edit, groupPolicy "open" → "allowlist" with the pairing-store
// seed, is the guided group fix (guided_inbound.go), whose defaults do the
// same and also ask which groups to list. Every edit goes through model.Edit on the merged view, so it
// lands in the file that defines the key, comments kept, and carries the
// finding's CheckID so Prepare's re-audit verifies it.
//
// Key shapes follow testdata/compat/keys.md (checked with the real 2026.2.1
// and 2026.9.6 CLIs): the 2026.7+ schema no longer knows
// gateway.controlUi.allowInsecureAuth or logging.redactSensitive, so they
// are set only in the guide era and removed otherwise (removal is valid in
// every era, so an unknown era gets it too); 2026.2.1 rejects
// gateway.auth.rateLimit, so it is only written for the 2026.7+ era.

// RateLimitDefault is the gateway.auth.rateLimit written when it is missing:
// ten failures a minute lock a client out for five minutes, and loopback
// stays exempt so the owner on the host can never be locked out.
var RateLimitDefault = model.Obj{
	{Key: "maxAttempts", Value: 10},
	{Key: "windowMs", Value: 60000},
	{Key: "lockoutMs", Value: 300000},
	{Key: "exemptLoopback", Value: true},
}

// flagOff is the edit that switches one insecure boolean off, in the shape
// the target era accepts.
func flagOff(s *model.Snapshot, f model.Finding, path string) (model.Edit, bool) {
	key := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		key = path[i+1:]
	}
	switch {
	case path == "gateway.controlUi.allowInsecureAuth":
		if s.Era.Era != model.EraGuide {
			return model.Edit{Op: model.OpUnset, Path: path, CheckID: f.CheckID,
				Reason: "remove gateway.controlUi.allowInsecureAuth (the 2026.7+ schema no longer has it)"}, true
		}
		return set(f, path, false, "Control UI: no insecure-context auth"), true
	case key == "dangerouslyAllowNameMatching":
		// Senders may be listed by name; turning matching off could lock
		// the owner out of their own bot. Left to the guided fix.
		return model.Edit{}, false
	case strings.HasPrefix(key, "dangerously"):
		return set(f, path, false, path+": break-glass flag off"), true
	case key == "allowUnsafeExternalContent":
		return set(f, path, false, path+": wrap external content again"), true
	case strings.HasSuffix(path, "tools.exec.applyPatch.workspaceOnly"):
		return set(f, path, true, path+": apply_patch stays inside the workspace"), true
	}
	return model.Edit{}, false
}

// configIs reports whether the merged config holds a value at path.
func configNode(s *model.Snapshot, path string) *model.Node {
	if s == nil || s.Doc == nil {
		return nil
	}
	return s.Doc.Get(path)
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
		return model.ChangeSet{Edits: []model.Edit{e}, After: []string{restartAfter}}, nil
	}
}

const restartAfter = "openclaw gateway restart   # if the gateway does not pick up config changes on its own"

// planDangerousFlags switches off every flag config.insecure_or_dangerous_flags
// listed. When one must stay (name matching), the edits are still made but
// without the CheckID, since the finding will remain.
func planDangerousFlags(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
	var edits []model.Edit
	complete := true
	for _, p := range f.Paths {
		n := configNode(s, p)
		if n == nil {
			continue
		}
		if p == "security.audit.suppressions" {
			// Listed as a flag by OpenClaw 2026.9, but suppressions are
			// the operator's reviewed decisions: never removed by a safe
			// fix, so the finding stays.
			complete = false
			continue
		}
		isOn := n.IsTrue() || (strings.HasSuffix(p, "tools.exec.applyPatch.workspaceOnly") && n.IsFalse())
		if !isOn {
			continue
		}
		e, ok := flagOff(s, f, p)
		if !ok {
			complete = false
			continue
		}
		edits = append(edits, e)
	}
	if !complete {
		for i := range edits {
			edits[i].CheckID = ""
		}
	}
	if len(edits) == 0 {
		return model.ChangeSet{}, nil
	}
	return model.ChangeSet{Edits: edits, After: []string{restartAfter}}, nil
}

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"logging.redact_off"},
			Kind:     model.FixSafe,
			Title:    `Turn tool-output redaction back on (logging.redactSensitive "tools")`,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if configNode(s, "logging.redactSensitive").Text() != "off" {
					return model.ChangeSet{}, nil
				}
				if s.Era.Era != model.EraGuide {
					// 2026.7+ rejects the key (redaction is always on there):
					// removing it fixes the finding and the config, and is
					// valid in every era when the era is unknown.
					return model.ChangeSet{Edits: []model.Edit{{Op: model.OpUnset, Path: "logging.redactSensitive", CheckID: f.CheckID,
						Reason: "remove logging.redactSensitive=off (the 2026.7+ schema no longer has it)"}}}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "logging.redactSensitive", "tools", `logging.redactSensitive=off -> "tools"`)}}, nil
			},
		},
		Remediation{
			CheckIDs: []string{"discovery.mdns_full_mode"},
			Kind:     model.FixSafe,
			Title:    `Advertise less over mDNS (discovery.mdns.mode "minimal")`,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if configNode(s, "discovery.mdns.mode").Text() != "full" {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "discovery.mdns.mode", "minimal", "mDNS: full → minimal")}, After: []string{restartAfter}}, nil
			},
		},
		Remediation{
			CheckIDs: []string{"gateway.control_ui.host_header_origin_fallback"},
			Kind:     model.FixSafe,
			Title:    "Turn off the Control UI Host-header origin fallback",
			Plan:     singleFlag("gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback"),
		},
		Remediation{
			CheckIDs: []string{"gateway.control_ui.insecure_auth"},
			Kind:     model.FixSafe,
			Title:    "Turn off Control UI insecure auth",
			Plan:     singleFlag("gateway.controlUi.allowInsecureAuth"),
		},
		Remediation{
			CheckIDs: []string{"gateway.control_ui.device_auth_disabled"},
			Kind:     model.FixSafe,
			Title:    "Turn Control UI device auth back on",
			Plan:     singleFlag("gateway.controlUi.dangerouslyDisableDeviceAuth"),
		},
		Remediation{
			CheckIDs: []string{"config.insecure_or_dangerous_flags"},
			Kind:     model.FixSafe,
			Title:    "Turn off insecure and dangerous flags",
			Plan:     planDangerousFlags,
		},
		Remediation{
			CheckIDs: []string{"gateway.real_ip_fallback_enabled"},
			Kind:     model.FixSafe,
			Title:    "Stop trusting X-Real-IP (gateway.allowRealIpFallback false)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if !configNode(s, "gateway.allowRealIpFallback").IsTrue() {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "gateway.allowRealIpFallback", false, "X-Real-IP fallback off")}, After: []string{restartAfter}}, nil
			},
		},
		Remediation{
			CheckIDs: []string{"gateway.auth_no_rate_limit"},
			Kind:     model.FixSafe,
			Title:    "Rate-limit failed gateway auth (loopback exempt)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				// OpenClaw 2026.2.1 rejects gateway.auth.rateLimit
				// (testdata/compat/keys.md); write it only for an era known
				// to accept it.
				if s == nil || s.Doc == nil || s.Era.Era != model.EraModern || configNode(s, "gateway.auth.rateLimit") != nil {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "gateway.auth.rateLimit", RateLimitDefault,
					"10 failed attempts a minute lock a client out for 5 minutes; loopback exempt")}, After: []string{restartAfter}}, nil
			},
		},
		Remediation{
			CheckIDs: []string{"hooks.path_root"},
			Kind:     model.FixSafe,
			Title:    `Move webhooks off the root path (hooks.path "/hooks")`,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if strings.TrimSpace(configNode(s, "hooks.path").Text()) != "/" {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{
					Edits: []model.Edit{set(f, "hooks.path", "/hooks", `hooks.path "/" → "/hooks"`)},
					After: []string{restartAfter, "point webhook senders at /hooks/… instead of /…"},
				}, nil
			},
		},
	)
}
