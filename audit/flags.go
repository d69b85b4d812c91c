package audit

// config.insecure_or_dangerous_flags: every insecure or "dangerously*"
// toggle that is switched on, in ONE aggregated finding (the shape older
// OpenClaw builds emit; the newest emit one finding per flag with the same
// id), so suppressions keyed on the id keep working either way.

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDConfigInsecureOrDangerousFlags = "config.insecure_or_dangerous_flags"
)

// flagHit is one enabled flag.
type flagHit struct {
	Path  string
	Value bool
}

// flagsWalk visits every boolean under n with its dotted path and key.
// segs is the path so far, one stack for the whole walk (a call appends
// its segment in place, siblings reuse the slot); a path is spelled only
// for a boolean, not for each of the 150,000 values of a 50,000-agent
// config.
func flagsWalk(n *model.Node, segs []model.PathSeg, fn func(path, key string, v *model.Node)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case model.KindObject:
		for k, v := range n.Entries() {
			if v.Kind == model.KindBool {
				fn(model.JoinPath(append(segs, model.PathSeg{Key: k})), k, v)
				continue
			}
			flagsWalk(v, append(segs, model.PathSeg{Key: k}), fn)
		}
	case model.KindArray:
		for i, e := range n.Elems {
			flagsWalk(e, append(segs, model.PathSeg{Index: i, IsIndex: true}), fn)
		}
	}
}

// collectDangerousFlags lists the enabled insecure/dangerous flags in
// document order.
func collectDangerousFlags(s *model.Snapshot) []flagHit {
	var out []flagHit
	flagsWalk(Config(s), make([]model.PathSeg, 0, 16), func(p, key string, v *model.Node) {
		switch {
		case strings.HasPrefix(key, "dangerously") && v.IsTrue():
			out = append(out, flagHit{p, true})
		case p == "gateway.controlUi.allowInsecureAuth" && v.IsTrue():
			out = append(out, flagHit{p, true})
		case key == "allowUnsafeExternalContent" && strings.HasPrefix(p, "hooks.") && v.IsTrue():
			out = append(out, flagHit{p, true})
		case strings.HasSuffix(p, "tools.exec.applyPatch.workspaceOnly") && v.IsFalse():
			out = append(out, flagHit{p, false})
		}
	})
	return out
}

func init() {
	Register("config", Check{
		ID: IDConfigInsecureOrDangerousFlags, Title: "Insecure or dangerous config flags enabled",
		Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn",
		Trigger: "any of gateway.controlUi.allowInsecureAuth=true, any dangerously*=true (Control UI, browser SSRF policy, channel name matching, sandbox docker, plugin config), " +
			"hooks.gmail/hooks.mappings[i].allowUnsafeExternalContent=true, tools.exec.applyPatch.workspaceOnly=false, security.audit.suppressions configured (2026.9 lists it as a flag; the safe fix leaves it to the operator); one finding per flag on a 2026.7+-era config (as OpenClaw 2026.9 reports them), one aggregated finding on a 2026.2-era one",
		Remediation: "Disable these flags when not actively debugging, or keep the deployment on trusted, local-only networks.",
		Why: "These switches exist for break-glass debugging. Each one removes a safety check: allowInsecureAuth downgrades the Control UI to token-only auth, dangerouslyDisableDeviceAuth turns device identity off, " +
			"allowUnsafeExternalContent feeds unwrapped external content (mail, webhooks) to the model, workspaceOnly=false lets apply_patch write outside the workspace, and the sandbox/SSRF dangerously* keys re-open what the sandbox and network policy block.",
		Breaks: "Turning them off cannot lock the owner out, with one exception: without allowInsecureAuth the Control UI no longer works over plain HTTP from another LAN machine (use HTTPS via Tailscale Serve, or 127.0.0.1 on the host). " +
			"Other effects: Host-header origin fallback off needs gateway.controlUi.allowedOrigins on an exposed UI; device auth on means browsers pair once; private-network CDP/fetch targets are blocked; sandbox containers lose the extra mounts/namespaces.",
		Since: "OpenClaw 2026.2",
		Run: func(s *model.Snapshot) []Hit {
			flags := collectDangerousFlags(s)
			parts := make([]string, len(flags))
			paths := make([]string, len(flags))
			for i, f := range flags {
				parts[i] = fmt.Sprintf("%s=%t", f.Path, f.Value)
				paths[i] = f.Path
			}
			// OpenClaw 2026.9 counts configured audit suppressions as a flag.
			if n := Config(s).Lookup(SuppressionsPath).Len(); n > 0 {
				parts = append(parts, fmt.Sprintf("%s configured (%d)", SuppressionsPath, n))
				paths = append(paths, SuppressionsPath)
			}
			if len(parts) == 0 {
				return nil
			}
			if s.Era.Era == model.EraModern {
				// OpenClaw 2026.9 reports each flag on its own, so a
				// suppression (detailIncludes) hides only the flag it names.
				hits := make([]Hit, len(parts))
				for i := range parts {
					hits[i] = Hit{Severity: model.Warn, Detail: "Detected enabled flag: " + parts[i] + ".", Paths: []string{paths[i]}}
				}
				return hits
			}
			return []Hit{{Severity: model.Warn, Detail: fmt.Sprintf("Detected %d enabled flag(s): %s.", len(parts), strings.Join(parts, ", ")), Paths: paths}}
		},
	})
}
