package audit

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Channel findings that OpenClaw 2026.9 reports under ids of its own: the
// compat sweep (docs/compat.md) showed hardshell missing them. The shared
// DM session risk is also channels.<id>.dm.scope_main_multiuser (the
// guide-era id the issue asks for); on 2026.7+ configs the 2026.9 id is
// reported too, so suppressions and dashboards keyed on either keep working.
func init() {
	Register("channels",
		Check{
			ID: "channels.dm.session_collision.<bucket>.<n>", Title: "DM principals share a session",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "warn",
			Trigger:     `2026.7+ config, session.dmScope main (default) and "*" or two or more distinct admitted DM senders of one channel account (config allowFrom + pairing store) land in the default agent's main session`,
			Remediation: "Set the effective DM route to an account-safe isolated scope; update the matching binding or session.dmScope as applicable.",
			Why:         "With session.dmScope \"main\" every DM goes to one shared session, so what one person tells the bot (and what its tools return) is context for the next person who DMs it. The guide: when more than one person can DM the bot, isolate DM sessions per sender.",
			Breaks:      "Nothing breaks; each sender gets a session of their own (the same fix as channels.<id>.dm.scope_main_multiuser clears both).",
			Since:       "OpenClaw 2026.9",
			Run:         runDMSessionCollision,
		},
		Check{
			ID: "channels.<id>.dm.locked", Title: "DMs are locked",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "info",
			Trigger:     `dmPolicy "pairing" (the default) and no admitted senders in config allowFrom or the pairing store`,
			Remediation: "Approve via: openclaw pairing list <channel> / openclaw pairing approve <channel> <code>",
			Why:         "Not a risk: with pairing and nobody approved yet, unknown senders only receive a one-hour pairing code and the bot ignores their messages until you approve them.",
			Breaks:      "nothing",
			Since:       "OpenClaw 2026.9",
			Run:         runDMLocked,
		},
	)
}

func runDMSessionCollision(s *model.Snapshot) []Hit {
	if s.Era.Era != model.EraModern {
		return nil
	}
	_, shared := sharedMainSession(s)
	owner := "main"
	for _, a := range s.Doc.Agents() {
		if a.Default {
			owner = a.ID
		}
	}
	var hits []Hit
	for _, d := range shared {
		acct := d.scope.Account
		if acct == "" {
			acct = "default"
		}
		bucket := strings.ToLower(d.scope.Channel) + "-" + acct
		who := fmt.Sprintf("%d distinct admitted DM principals", len(d.senders))
		if d.wild {
			who = `any DM sender (allowFrom "*")`
		}
		hits = append(hits, Hit{
			ID:       "channels.dm.session_collision." + bucket + ".1",
			Severity: model.Warn,
			Detail: fmt.Sprintf("Collision topology 1: %s from %s resolve to the same session bucket owned by agent %q. This can leak context across users.",
				who, bucket, owner),
			Paths: append([]string{"session.dmScope"}, d.sources...),
		})
	}
	return hits
}

func runDMLocked(s *model.Snapshot) []Hit {
	var hits []Hit
	for _, sc := range inboundScopes(s) {
		if sc.Account != "" {
			continue
		}
		dm := sc.DMPolicy()
		if dm.Value != "pairing" {
			continue
		}
		senders, wild, _ := inboundDMSenders(s, sc)
		if wild || len(senders) > 0 {
			continue
		}
		hits = append(hits, Hit{
			ID:          "channels." + sc.Channel + ".dm.locked",
			Severity:    model.Info,
			Title:       chanLabel(sc.Channel) + " DMs are locked",
			Detail:      fmt.Sprintf("%s=%q has no admitted senders; unknown senders are blocked or receive a pairing code.", dm.Path, dm.Value),
			Remediation: "Approve via: openclaw pairing list " + sc.Channel + " / openclaw pairing approve " + sc.Channel + " <code>",
			Paths:       []string{dm.Path},
		})
	}
	return hits
}
