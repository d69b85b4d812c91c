package remediate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for tier 1 inbound: DM policy, group policy and mention
// gating, and DM session isolation.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"channels.<id>.dm.open", "channels.<id>.dm.open_invalid", "channels.<id>.allowFrom.wildcard"},
			Kind:     model.FixGuided, Title: "Require pairing (or an allowlist) for DMs",
			Questions: dmQuestions, Plan: dmPlan,
		},
		Remediation{
			CheckIDs: []string{"channels.<id>.groups.require_mention_off",
				"channels.telegram.groups.allowFrom.wildcard", "channels.telegram.groups.allowFrom.missing"},
			Kind: model.FixGuided, Title: "Allowlist groups and require a mention",
			Questions: groupQuestions, Plan: groupPlan,
		},
		Remediation{
			CheckIDs: []string{"channels.<id>.dm.scope_main_multiuser"},
			Kind:     model.FixGuided, Title: "Give each DM sender their own session",
			Questions: scopeQuestions, Plan: scopePlan,
		},
	)
}

// findingChannel extracts the channel of a channels.<ch>.… id.
func findingChannel(id string) string {
	rest := strings.TrimPrefix(id, "channels.")
	for _, suf := range []string{".dm.", ".groups.", ".allowFrom."} {
		if i := strings.Index(rest, suf); i > 0 {
			return rest[:i]
		}
	}
	if i := strings.IndexByte(rest, '.'); i > 0 {
		return rest[:i]
	}
	return rest
}

func channelScopes(s *model.Snapshot, ch string) []model.Scope {
	var out []model.Scope
	for _, sc := range s.Doc.Scopes() {
		if sc.Channel == ch {
			out = append(out, sc)
		}
	}
	return out
}

// knownSenders lists sender ids for a channel from config lists and the
// pairing stores (never "*"), in a stable order.
func knownSenders(s *model.Snapshot, ch string, rels ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(l []string) {
		for _, e := range l {
			e = strings.TrimSpace(e)
			if e == "" || e == "*" || seen[e] {
				continue
			}
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, sc := range channelScopes(s, ch) {
		al, _ := sc.AllowFrom()
		add(al)
		for _, r := range rels {
			n, _ := sc.Get(r)
			add(n.Strings())
		}
	}
	if s.FS != nil {
		for _, ps := range s.FS.PairingStores {
			if ps.Channel == ch {
				add(ps.Entries)
			}
		}
	}
	return out
}

func senderValidate(v string) error {
	switch strings.TrimSpace(v) {
	case "*":
		return fmt.Errorf(`"*" allows everyone; list sender ids`)
	case "":
		return fmt.Errorf("empty sender id")
	}
	return nil
}

func optionsOf(l []string) []model.Option {
	out := make([]model.Option, 0, len(l))
	for _, v := range l {
		out = append(out, model.Option{Value: v, Label: v})
	}
	return out
}

// --- DM policy --------------------------------------------------------

func dmQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	ch := findingChannel(f.CheckID)
	senders := knownSenders(s, ch)
	return []model.Question{
		{
			ID: "policy", Kind: model.Select, Title: "Who may DM the " + ch + " bot?",
			Help: "Pairing: unknown senders get a one-hour code you approve with `openclaw pairing approve " + ch + " <code>`. Allowlist: only the ids you keep. Open needs an explicit \"*\" and is the guide's last resort.",
			Options: []model.Option{
				{Value: "pairing", Label: "Pairing (approve each new sender)"},
				{Value: "allowlist", Label: "Allowlist (only the senders below)"},
				{Value: "disabled", Label: "Disabled (ignore DMs)"},
				{Value: "open", Label: `Open to anyone (allowFrom "*")`},
			},
			Default: "pairing",
			Breaks:  "New senders must pair (or be on the allowlist) before the bot answers them; disabled ignores every DM.",
		},
		{
			ID: "senders", Kind: model.MultiSelect, Title: "Senders to keep on the allowlist",
			Help:    "Used with allowlist. Seeded from allowFrom and the approved pairing store; you can add ids.",
			Options: optionsOf(senders), Default: strings.Join(senders, ","), Validate: senderValidate,
			Breaks: "Senders not kept must be re-added to reach the bot.",
		},
		{
			ID: "confirm_open", Kind: model.Confirm, Title: "Really let anyone DM the bot (with its tools)?",
			Default: "no", Breaks: "Anyone who finds the bot can try to drive its tools.",
		},
	}
}

// useLegacyDM reports whether to keep the nested dm.policy form.
func useLegacyDM(s *model.Snapshot, policyPath string) bool {
	return strings.HasSuffix(policyPath, ".dm.policy") && s.Era.Era != model.EraModern
}

func withoutStar(l []string) []string {
	var out []string
	for _, e := range l {
		if strings.TrimSpace(e) != "*" {
			out = append(out, e)
		}
	}
	return out
}

func dmPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	pol := a["policy"]
	senders := a.List("senders")
	for _, x := range senders {
		if err := senderValidate(x); err != nil {
			return cs, fmt.Errorf("senders: %v", err)
		}
	}
	switch pol {
	case "pairing", "disabled":
	case "allowlist":
		if len(senders) == 0 {
			return cs, fmt.Errorf("senders: an allowlist needs at least one sender id (OpenClaw rejects an empty one)")
		}
	case "open":
		if !a.Yes("confirm_open") {
			return cs, fmt.Errorf("confirm_open: an open DM policy needs an explicit yes")
		}
	default:
		return cs, fmt.Errorf("policy: %q is not pairing, allowlist, disabled or open", pol)
	}
	done := map[string]bool{}
	for _, sc := range channelScopes(s, ch) {
		dm := sc.DMPolicy()
		allow, allowPath := sc.AllowFrom()
		affected := dm.Value == "open" || containsS(allow, "*")
		if !affected || (sc.Account != "" && !strings.HasPrefix(dm.Path, sc.Path+".") && !strings.HasPrefix(allowPath, sc.Path+".")) {
			continue // an account inheriting the channel's values is fixed there
		}
		polPath, listPath := dm.Path, allowPath
		if !dm.Explicit {
			polPath = sc.Path + ".dmPolicy"
		}
		if strings.HasSuffix(polPath, ".dm.policy") && !useLegacyDM(s, polPath) {
			// 2026.7+ rejects dm.policy: move to the flat keys.
			base := strings.TrimSuffix(polPath, ".dm.policy")
			cs.Edits = append(cs.Edits, unset(f, polPath, "dm.policy is replaced by dmPolicy"))
			if strings.HasSuffix(listPath, ".dm.allowFrom") {
				cs.Edits = append(cs.Edits, unset(f, listPath, "dm.allowFrom is replaced by allowFrom"))
			}
			polPath, listPath = base+".dmPolicy", base+".allowFrom"
		} else if strings.HasSuffix(polPath, ".dm.policy") && !strings.HasSuffix(listPath, ".dm.allowFrom") && s.Doc.Get(listPath) == nil {
			listPath = strings.TrimSuffix(polPath, ".policy") + ".allowFrom"
		}
		if done[polPath] {
			continue
		}
		done[polPath] = true
		if pol != dm.Value || !dm.Explicit {
			cs.Edits = append(cs.Edits, set(f, polPath, pol, sc.Name()+": DM policy "+pol))
		}
		switch pol {
		case "allowlist":
			cs.Edits = append(cs.Edits, set(f, listPath, toAny(senders), sc.Name()+": DM allowlist"))
		case "open":
			if !containsS(allow, "*") {
				cs.Edits = append(cs.Edits, set(f, listPath, toAny(append(withoutStar(allow), "*")), sc.Name()+`: "*" is the explicit opt-in for open DMs`))
			}
		default:
			if containsS(allow, "*") {
				if rest := withoutStar(allow); len(rest) > 0 {
					cs.Edits = append(cs.Edits, set(f, listPath, toAny(rest), sc.Name()+`: drop "*"`))
				} else {
					cs.Edits = append(cs.Edits, unset(f, listPath, sc.Name()+`: drop "*"`))
				}
			}
		}
	}
	if pol == "pairing" {
		cs.After = append(cs.After, "Approve senders with `openclaw pairing list "+ch+"` and `openclaw pairing approve "+ch+" <code>`.")
	}
	return cs, nil
}

func containsS(l []string, v string) bool {
	for _, e := range l {
		if strings.TrimSpace(e) == v {
			return true
		}
	}
	return false
}

// --- groups -----------------------------------------------------------

func groupQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	ch := findingChannel(f.CheckID)
	senders := knownSenders(s, ch, "groupAllowFrom")
	return []model.Question{
		{
			ID: "senders", Kind: model.MultiSelect, Title: "Who may trigger the bot in " + ch + " groups (groupAllowFrom)?",
			Help:    "Seeded from groupAllowFrom, allowFrom and the pairing store. The bot still answers only in the groups listed under groups/guilds/channels.",
			Options: optionsOf(senders), Default: strings.Join(senders, ","), Validate: senderValidate,
			Breaks: "Group members not listed can no longer trigger the bot.",
		},
		{
			ID: "mention", Kind: model.Text, Title: "Mention patterns for each agent (comma-separated)",
			Help:    "Written to groupChat.mentionPatterns where an agent has none, so people can still call the bot once mentions are required.",
			Default: "@openclaw",
			Validate: func(v string) error {
				if len(splitList(v)) == 0 {
					return fmt.Errorf("give at least one pattern")
				}
				return nil
			},
			Breaks: "The bot stays silent in groups unless one of these patterns (or a native @mention) is used.",
		},
	}
}

func groupPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	senders := a.List("senders")
	for _, x := range senders {
		if err := senderValidate(x); err != nil {
			return cs, fmt.Errorf("senders: %v", err)
		}
	}
	if f.CheckID == "channels.telegram.groups.allowFrom.missing" && len(senders) == 0 {
		return cs, fmt.Errorf("senders: list at least one numeric Telegram user id")
	}
	patterns := splitList(a["mention"])
	if len(patterns) == 0 {
		return cs, fmt.Errorf("mention: give at least one pattern")
	}
	seen := map[string]bool{}
	add := func(e model.Edit) {
		if !seen[e.Path] {
			seen[e.Path] = true
			cs.Edits = append(cs.Edits, e)
		}
	}
	for _, sc := range channelScopes(s, ch) {
		gp := sc.GroupPolicy(s.Doc)
		own := gp.Explicit && strings.HasPrefix(gp.Path, sc.Path+".")
		if gp.Value == "open" && (own || sc.Account == "") {
			add(set(f, sc.Path+".groupPolicy", "allowlist", sc.Name()+": groups only from the allowlist"))
		}
		if gp.Value != "disabled" && (own || sc.Account == "") {
			n, p := sc.Get("groupAllowFrom")
			if p == "" || strings.HasPrefix(p, sc.Path+".") {
				if len(senders) > 0 {
					add(set(f, sc.Path+".groupAllowFrom", toAny(senders), sc.Name()+": group senders"))
				} else if n.ContainsString("*") {
					add(unset(f, sc.Path+".groupAllowFrom", sc.Name()+`: drop "*"`))
				}
			}
		}
		if n, p := sc.Get("requireMention"); n.IsFalse() && strings.HasPrefix(p, sc.Path+".") {
			add(set(f, p, true, sc.Name()+": require a mention"))
		}
		if g, gpath := sc.Groups(); g != nil && strings.HasPrefix(gpath, sc.Path+".") {
			walkObjects(g, gpath, func(n *model.Node, p string) {
				if n.Get("requireMention").IsFalse() {
					add(set(f, p+".requireMention", true, "require a mention"))
				}
				if gpn := n.Get("groupPolicy"); gpn.Text() == "open" {
					add(set(f, p+".groupPolicy", "allowlist", "no open group override"))
				}
				if af := n.Get("allowFrom"); af.ContainsString("*") {
					if rest := withoutStar(af.Strings()); len(rest) > 0 {
						add(set(f, p+".allowFrom", toAny(rest), `drop "*"`))
					} else {
						add(unset(f, p+".allowFrom", `drop "*"`))
					}
				}
			})
		}
	}
	mp, err := mentionEdits(s, f, patterns)
	if err != nil {
		return cs, err
	}
	for _, e := range mp {
		add(e)
	}
	return cs, nil
}

func walkObjects(n *model.Node, path string, fn func(*model.Node, string)) {
	var walk func(n *model.Node, path string, depth int)
	walk = func(n *model.Node, path string, depth int) {
		if n == nil || n.Kind != model.KindObject || depth > 8 {
			return
		}
		for _, k := range n.Keys() {
			v := n.Get(k)
			if v == nil || v.Kind != model.KindObject {
				continue
			}
			cp := model.Child(path, k)
			fn(v, cp)
			walk(v, cp, depth+1)
		}
	}
	walk(n, path, 0)
}

// mentionEdits writes groupChat.mentionPatterns on every agent that has
// none, in the era's shape (creating the main agent when none is listed).
func mentionEdits(s *model.Snapshot, f model.Finding, patterns []string) ([]model.Edit, error) {
	var out []model.Edit
	agents := s.Doc.Agents()
	if len(agents) == 1 && agents[0].Node == nil {
		if s.Doc.Get("agents.defaults.groupChat.mentionPatterns") != nil {
			return nil, nil
		}
		out = append(out, newMainAgent(s, f, model.Obj{{Key: "groupChat", Value: model.Obj{{Key: "mentionPatterns", Value: toAny(patterns)}}}}, "mention patterns for the main agent"))
		return out, nil
	}
	for _, ag := range agents {
		if ag.Node.Lookup("groupChat.mentionPatterns") != nil {
			continue
		}
		out = append(out, set(f, ag.Path+".groupChat.mentionPatterns", toAny(patterns), "agent "+ag.ID+": mention patterns"))
	}
	return out, nil
}

// newMainAgent creates the implicit main agent explicitly with fields, in
// the era's shape: agents.list[{id:"main",…}] (guide era) or
// agents.entries.main (2026.7+).
func newMainAgent(s *model.Snapshot, f model.Finding, fields model.Obj, reason string) model.Edit {
	if s.Era.Era == model.EraModern {
		return set(f, "agents.entries.main", fields, reason)
	}
	return set(f, "agents.list", []any{append(model.Obj{{Key: "id", Value: "main"}}, fields...)}, reason)
}

// --- session.dmScope --------------------------------------------------

func multiAccount(s *model.Snapshot) bool {
	for _, sc := range s.Doc.Scopes() {
		if sc.Account == "" && sc.Node.Get("accounts").Len() > 1 {
			return true
		}
	}
	return false
}

func scopeQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	def := "per-channel-peer"
	if multiAccount(s) {
		def = "per-account-channel-peer"
	}
	return []model.Question{
		{
			ID: "scope", Kind: model.Select, Title: "How should DM sessions be separated?",
			Options: []model.Option{
				{Value: "per-channel-peer", Label: "One session per sender per channel"},
				{Value: "per-account-channel-peer", Label: "One per sender per channel account (several bot accounts)"},
			},
			Default: def,
			Breaks:  "DMs no longer share one context; the owner's DMs on different channels are separate unless linked below.",
		},
		{
			ID: "links", Kind: model.Text, Title: "Identity links (optional)",
			Help:    `Join one person's DMs across channels: "alice=telegram:123,discord:456; bob=…". Leave empty for none.`,
			Default: "", Validate: func(v string) error { _, err := parseIdentityLinks(v); return err },
			Breaks: "Linked identities share one DM session: list only ids that are really the same person.",
		},
	}
}

// parseIdentityLinks reads "canonical=ch:id,ch:id; other=…".
func parseIdentityLinks(v string) (model.Obj, error) {
	var out model.Obj
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, ids, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || seen[name] {
			return nil, fmt.Errorf("%q: want canonical=channel:id,channel:id", part)
		}
		seen[name] = true
		list := splitList(ids)
		if len(list) == 0 {
			return nil, fmt.Errorf("%q: list at least one channel:id", part)
		}
		for _, id := range list {
			c, rest, ok := strings.Cut(id, ":")
			if !ok || c == "" || rest == "" || rest == "*" {
				return nil, fmt.Errorf("%q is not channel:id", id)
			}
		}
		out = append(out, model.Field{Key: name, Value: toAny(list)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func scopePlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	sc := a["scope"]
	if sc != "per-channel-peer" && sc != "per-account-channel-peer" {
		return cs, fmt.Errorf("scope: %q is not per-channel-peer or per-account-channel-peer", sc)
	}
	links, err := parseIdentityLinks(a["links"])
	if err != nil {
		return cs, fmt.Errorf("links: %v", err)
	}
	cs.Edits = append(cs.Edits, set(f, "session.dmScope", sc, "one DM session per sender"))
	for _, l := range links {
		cs.Edits = append(cs.Edits, set(f, model.Child("session.identityLinks", l.Key), l.Value, "link "+l.Key+"'s identities"))
	}
	return cs, nil
}
