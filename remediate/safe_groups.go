package remediate

import (
	"strings"

	"github.com/hardshell/hardshell/model"
)

// groupPolicy "open" → "allowlist" is the one inbound fix OpenClaw's own
// `security audit --fix` applies without asking, and the issue lists it as a
// safe fix: it cannot lock the owner out of DMs, and the pairing store seeds
// who may still trigger the bot in groups. The richer guided version (pick
// group senders, require mentions, mention patterns) stays on the other
// group findings.
func init() {
	Register(Remediation{
		CheckIDs: []string{"channels.<id>.groups.open"},
		Kind:     model.FixSafe,
		Title:    "Allowlist groups (seeded from the pairing store)",
		Plan:     openGroupsPlan,
	})
}

// openGroupsPlan flips every open groupPolicy of the channel (channel and
// account level, and channels.defaults when that is where "open" comes
// from) to "allowlist". A scope that has neither allowFrom nor
// groupAllowFrom gets groupAllowFrom seeded from its pairing store, as
// OpenClaw's fix does.
func openGroupsPlan(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	done := map[string]bool{}
	for _, sc := range channelScopes(s, ch) {
		gp := sc.GroupPolicy(s.Doc)
		if gp.Value != "open" || done[gp.Path] {
			continue
		}
		done[gp.Path] = true
		cs.Edits = append(cs.Edits, set(f, gp.Path, "allowlist", sc.Name()+": groupPolicy open -> allowlist"))
		if n, _ := sc.Get("allowFrom"); n != nil {
			continue
		}
		if n, _ := sc.Get("groupAllowFrom"); n != nil {
			continue
		}
		if seed := storeSenders(s, sc); len(seed) > 0 {
			cs.Edits = append(cs.Edits, set(f, sc.Path+".groupAllowFrom", toAny(seed), sc.Name()+": groupAllowFrom from the pairing store"))
		}
	}
	if len(cs.Edits) > 0 {
		cs.After = append(cs.After, "Groups now answer only senders on groupAllowFrom (or the pairing store): add group members with `openclaw pairing approve "+ch+" <code>` or list them in groupAllowFrom.")
	}
	return cs, nil
}

// storeSenders are the approved senders of a scope's pairing store.
func storeSenders(s *model.Snapshot, sc model.Scope) []string {
	if s.FS == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, ps := range s.FS.PairingStores {
		if !strings.EqualFold(ps.Channel, sc.Channel) || !strings.EqualFold(ps.Account, sc.Account) {
			continue
		}
		for _, e := range ps.Entries {
			if e = strings.TrimSpace(e); e != "" && e != "*" && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	return out
}
