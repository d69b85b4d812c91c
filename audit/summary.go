package audit

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDSummaryAttackSurface = "summary.attack_surface"
)

// summary.attack_surface is OpenClaw's always-on info finding: a short
// inventory of what can reach the bot and what it can reach, plus the trust
// model the guide assumes. OpenClaw's lines come first, in its order;
// hardshell adds the DM policy counts (after browser control) and names the
// open channels. Like OpenClaw, only channel-level group policies count.

// summaryTrustModel is OpenClaw's trust-model sentence (2026.9 wording).
const summaryTrustModel = "trust model: personal assistant (one trusted operator boundary), not hostile multi-tenant on one shared gateway. For multiple users or organizations, run one isolated Gateway cell per tenant: https://docs.openclaw.ai/gateway/multi-tenant-hosting"

func summaryHits(s *model.Snapshot) []Hit {
	root := Config(s)
	var gOpen, gAllow, dOpen []string
	dOther := 0
	if s.Doc != nil {
		for _, sc := range s.Doc.Scopes() {
			if sc.Account != "" || !sc.Enabled() {
				continue
			}
			switch strings.ToLower(sc.GroupPolicy(s.Doc).Value) {
			case "open":
				gOpen = append(gOpen, sc.Channel)
			case "allowlist":
				gAllow = append(gAllow, sc.Channel)
			}
			if strings.ToLower(sc.DMPolicy().Value) == "open" {
				dOpen = append(dOpen, sc.Channel)
			} else {
				dOther++
			}
		}
	}
	onOff := func(b bool) string {
		if b {
			return "enabled"
		}
		return "disabled"
	}
	names := func(l []string) string {
		if len(l) == 0 {
			return ""
		}
		return " (" + strings.Join(l, ", ") + ")"
	}
	lines := []string{
		fmt.Sprintf("groups: open=%d%s, allowlist=%d", len(gOpen), names(gOpen), len(gAllow)),
		"tools.elevated: " + onOff(elevatedEnabled(s)),
		"hooks.webhooks: " + onOff(root.Lookup("hooks.enabled").IsTrue()),
		"hooks.internal: " + onOff(root.Lookup("hooks.internal.enabled").IsTrue()),
		"browser control: " + onOff(browserEnabled(s)),
		fmt.Sprintf("dms: open=%d%s, other=%d", len(dOpen), names(dOpen), dOther),
		summaryTrustModel,
	}
	return []Hit{{Severity: model.Info, Detail: strings.Join(lines, "\n")}}
}

func init() {
	Register("summary", Check{
		ID: IDSummaryAttackSurface, Title: "Attack surface summary",
		Tier: model.TierInbound, Fix: model.FixManual, Severity: "info",
		Trigger:     "always",
		Remediation: "Review the inventory: every open policy, enabled elevated tool, webhook and browser control widens who can drive the bot.",
		Why: "The guide asks you to decide deliberately who can talk to the bot, where it may act and what it can touch, starting from the minimum. " +
			"This inventory lists the inbound policies and powerful features in one place, under OpenClaw's trust model: one trusted operator per gateway.",
		Breaks: "-", Since: "OpenClaw 2026.2",
		Run: summaryHits,
	})
}
