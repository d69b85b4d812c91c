package baseline

import (
	"slices"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// CheckID tags the edits of a baseline merge in reviews and backups.
const CheckID = "hardshell.baseline"

// rank orders a setting's values from weakest to strictest; a value not in
// the list is unknown and left alone.
func rank(order []string, v string) int { return slices.Index(order, v) }

var (
	dmOrder      = []string{"open", "pairing", "allowlist", "disabled"}
	groupOrder   = []string{"open", "allowlist", "disabled"}
	scopeOrder   = []string{"main", "per-peer", "per-channel-peer", "per-account-channel-peer"}
	mdnsOrder    = []string{"full", "minimal", "off"}
	sbModeOrder  = []string{"off", "non-main", "all"}
	sbScopeOrder = []string{"shared", "agent", "session"}
	sbWSOrder    = []string{"rw", "ro", "none"}
)

// Merge returns the edits that bring an existing config to the baseline
// of opts (normalized on a copy; Normalize first to learn a generated
// token). It only tightens: a setting already at or beyond the baseline is
// kept, keys the baseline does not name are untouched, and the document's
// comments survive because the edits go through Document.Apply. The era is
// the document's own when it has agents in one shape.
func Merge(doc *model.Document, opts Options) ([]model.Edit, error) {
	o := opts
	o.DM = cloneDM(opts.DM)
	if doc.Get("agents.list") != nil {
		o.Era = model.EraGuide
	} else if doc.Get("agents.entries") != nil {
		o.Era = model.EraModern
	}
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	m := &merger{doc: doc, o: &o}
	m.gateway()
	m.set("session.dmScope", "per-channel-peer", scopeOrder, "one DM context per sender and channel")
	m.channels()
	m.agents()
	if !doc.Get("tools.elevated.enabled").IsFalse() {
		m.edit("tools.elevated.enabled", false, "no elevated (host) exec from chat")
	}
	// Several agents: keep them out of each other's sessions (2026.9 turns
	// agent-to-agent access on by default).
	agents := 0
	for _, a := range doc.Agents() {
		if a.Node != nil {
			agents++
		}
	}
	if (agents > 1 || len(o.Profiles) > 1) && !doc.Get("tools.agentToAgent.enabled").IsFalse() && doc.Get("tools.agentToAgent.allow").Len() == 0 {
		m.edit("tools.agentToAgent.enabled", false, "agents cannot read each other's sessions")
	}
	m.set("discovery.mdns.mode", "minimal", mdnsOrder, "minimal mDNS: no CLI path or SSH port on the LAN")
	if o.Era == model.EraGuide && doc.Get("logging.redactSensitive").Text() == "off" {
		m.edit("logging.redactSensitive", "tools", "mask secrets in tool summaries")
	}
	return m.edits, nil
}

type merger struct {
	doc   *model.Document
	o     *Options
	edits []model.Edit
}

func (m *merger) edit(path string, v any, reason string) {
	m.edits = append(m.edits, model.Edit{Op: model.OpSet, Path: path, Value: v, CheckID: CheckID, Reason: reason})
}

// replaceValue is edit for a value whose line comment describes the old
// value (a token's length, the old address): the comment goes with it.
func (m *merger) replaceValue(path string, v any, reason string) {
	m.edits = append(m.edits, model.Edit{Op: model.OpSet, Path: path, Value: v, CheckID: CheckID, Reason: reason, DropLineComment: true})
}

// set raises path to want unless its current value is as strict or
// stricter (per order) or unknown.
func (m *merger) set(path, want string, order []string, reason string) {
	n := m.doc.Get(path)
	if n == nil {
		m.edit(path, want, reason)
		return
	}
	cur := n.Text()
	if r := rank(order, cur); r >= 0 && r < rank(order, want) {
		m.edit(path, want, reason)
	}
}

func (m *merger) gateway() {
	d, o := m.doc, m.o
	if d.Get("gateway.mode") == nil {
		m.edit("gateway.mode", "local", "this machine runs the gateway")
	}
	if b := d.Get("gateway.bind"); b == nil || b.Text() != "loopback" {
		m.replaceValue("gateway.bind", "loopback", "listen on 127.0.0.1 only")
		if d.Get("gateway.customBindHost") != nil {
			m.edits = append(m.edits, model.Edit{Op: model.OpUnset, Path: "gateway.customBindHost", CheckID: CheckID, Reason: "only used by a custom bind"})
		}
	}
	if d.Get("gateway.port") == nil {
		m.edit("gateway.port", 18789, "the default port")
	}
	mode := d.Get("gateway.auth.mode").Text()
	hasPassword := d.Get("gateway.auth.password").IsSet()
	switch {
	case mode == "password" || (mode == "" && hasPassword && !d.Get("gateway.auth.token").IsSet()):
		// a password is as strong a shared secret; keep it
	default:
		if mode != "token" {
			m.edit("gateway.auth.mode", "token", "every client must present the token")
		}
		tok := d.Get("gateway.auth.token")
		switch {
		case tok != nil && (tok.IsEnvRef() || tok.IsSecretRef()):
			// kept: the secret lives elsewhere
		case tok == nil || len(strings.TrimSpace(tok.Text())) < 24:
			if o.TokenEnv {
				m.replaceValue("gateway.auth.token", "${"+TokenVar+"}", "token read from "+TokenVar)
			} else {
				m.replaceValue("gateway.auth.token", o.Token, "new random gateway token (48 hex chars)")
			}
		}
	}
	if accepts(o.Era, "gateway.auth.rateLimit") && d.Get("gateway.auth.rateLimit") == nil {
		m.edit("gateway.auth.rateLimit", audit.RateLimitDefault, "lock out brute-force logins")
	}
	if d.Get("gateway.trustedProxies") == nil {
		m.edit("gateway.trustedProxies", []any{"127.0.0.1", "::1"}, "only a proxy on this machine may pass client addresses")
	}
	if d.Get("gateway.nodes.browser.mode") == nil {
		m.edit("gateway.nodes.browser.mode", "off", "no browser control through paired nodes")
	}
	ts := d.Get("gateway.tailscale.mode").Text()
	switch o.Exposure {
	case TailnetServe:
		if ts != "serve" {
			m.edit("gateway.tailscale.mode", "serve", "publish to the tailnet only (never Funnel)")
		}
		if d.Get("gateway.auth.allowTailscale") == nil {
			m.edit("gateway.auth.allowTailscale", true, "tailnet identity for the Control UI")
		}
	default:
		if ts != "" && ts != "off" {
			m.edit("gateway.tailscale.mode", "off", "loopback only: no Tailscale Serve/Funnel")
		}
	}
}

func (m *merger) channels() {
	d, o := m.doc, m.o
	for _, ch := range o.Channels {
		want := o.DM[ch]
		base := model.Child("channels", ch)
		sc := model.Scope{Channel: ch, Path: base, Node: d.Get(base)}
		if sc.Node == nil {
			m.edit(base, toModel(o.channel(ch, func(string) string { return "" })), "channel "+ch+" with the baseline's DM and group policy")
			continue
		}
		dm := sc.DMPolicy()
		if !dm.Explicit && legacyDM(o.Era, ch) {
			dm.Path = base + ".dm.policy"
		}
		if !dm.Explicit || rank(dmOrder, dm.Value) >= 0 && rank(dmOrder, dm.Value) < rank(dmOrder, want.Policy) {
			m.edit(dm.Path, want.Policy, ch+": DMs by "+want.Policy)
		}
		cur, afPath := sc.AllowFrom()
		if cur == nil && legacyDM(o.Era, ch) {
			afPath = base + ".dm.allowFrom"
		}
		var kept []any
		changed := false
		for _, id := range cur {
			if id == "*" {
				changed = true
				continue
			}
			kept = append(kept, id)
		}
		for _, id := range want.AllowFrom {
			if !slices.Contains(cur, id) {
				kept = append(kept, id)
				changed = true
			}
		}
		if changed {
			m.edit(afPath, kept, ch+": DM allowlist without wildcard")
		}
		gwant := "disabled"
		if o.Groups {
			gwant = "allowlist"
		}
		// set at the channel level, which also overrides a weaker
		// channels.defaults.groupPolicy
		gp := sc.GroupPolicy(d)
		// groups already limited to an allowlist stay as the operator set
		// them: turning them off would silence groups the bot serves
		keepAllowlist := !o.Groups && gp.Explicit && gp.Value == "allowlist"
		if r := rank(groupOrder, gp.Value); !keepAllowlist && (!gp.Explicit || (r >= 0 && r < rank(groupOrder, gwant))) {
			m.edit(base+".groupPolicy", gwant, ch+": groups "+gwant)
		}
		if g := d.Get(base + ".groupAllowFrom"); g.ContainsString("*") {
			keep := []any{}
			for _, id := range g.Strings() {
				if id != "*" {
					keep = append(keep, id)
				}
			}
			m.edit(base+".groupAllowFrom", keep, ch+": no wildcard group senders")
		}
		if o.Groups && hasGroupsMap(o.Era, ch) {
			groups := d.Get(base + ".groups")
			if groups == nil {
				m.edit(base+".groups", model.Obj{{Key: "*", Value: model.Obj{{Key: "requireMention", Value: true}}}}, ch+": answer in groups only when mentioned")
			} else {
				for _, k := range groups.Keys() {
					if gn := groups.Get(k); gn != nil && gn.Kind == model.KindObject && gn.Get("requireMention").IsFalse() {
						m.edit(model.Child(model.Child(base+".groups", k), "requireMention"), true, ch+": group "+k+" answers only when mentioned")
					}
				}
			}
		}
	}
}

// agents applies the profiles: a listed agent that exists is tightened to
// its profile (never loosened: a personal profile leaves an agent as it
// is), a missing one is added; mention patterns are set where absent.
func (m *merger) agents() {
	d, o := m.doc, m.o
	existing := map[string]model.Agent{}
	for _, a := range d.Agents() {
		if a.Node != nil {
			existing[a.ID] = a
		}
	}
	modern := d.Get("agents.entries") != nil || (d.Get("agents.list") == nil && o.Era == model.EraModern)
	// With no agents configured OpenClaw runs an implicit full-access
	// "main"; it is written out only when other agents are added (the first
	// listed agent becomes the default) or it needs mention patterns.
	implicitOK := len(existing) == 0 && len(o.Profiles) == 1 && !(o.Groups && len(o.MentionPatterns) > 0)
	added := 0
	defer func() {
		if modern && len(existing)+added > 1 && d.Get("agents.ownership") == nil {
			m.edit("agents.ownership", "explicit", "several agents: route by explicit bindings")
		}
	}()
	for _, id := range o.AgentIDs() {
		a, ok := existing[id]
		if !ok {
			if id == o.DefaultAgent && o.Profiles[id] == Personal && implicitOK {
				continue
			}
			added++
			body := toModel(o.agent(id, func(string) string { return "" }))
			if modern {
				m.edit(model.Child("agents.entries", id), body, "agent "+id+": "+string(o.Profiles[id])+" profile")
			} else {
				m.edits = append(m.edits, model.Edit{Op: model.OpAppend, Path: "agents.list", Value: body, CheckID: CheckID, Reason: "agent " + id + ": " + string(o.Profiles[id]) + " profile"})
			}
			continue
		}
		if o.Groups && len(o.MentionPatterns) > 0 && a.Node.Lookup("groupChat.mentionPatterns") == nil {
			m.edit(a.Path+".groupChat.mentionPatterns", model.List(o.MentionPatterns), "agent "+id+": mention patterns")
		}
		p := o.Profiles[id]
		if p == Personal {
			continue
		}
		access := "ro"
		allow, deny := readOnlyAllow, readOnlyDeny
		if p == Public {
			access, allow, deny = "none", publicAllow, publicDeny
		}
		m.setAgent(a, "sandbox.mode", "all", sbModeOrder, p)
		m.setAgent(a, "sandbox.scope", "agent", sbScopeOrder, p)
		m.setAgent(a, "sandbox.workspaceAccess", access, sbWSOrder, p)
		if a.Node.Lookup("tools.allow") == nil && a.Node.Lookup("tools.alsoAllow") == nil {
			m.edit(a.Path+".tools.allow", model.List(allow), "agent "+id+": "+string(p)+" tools")
		}
		cur := a.Node.Lookup("tools.deny").Strings()
		merged := append([]string(nil), cur...)
		for _, t := range deny {
			if !slices.Contains(merged, t) {
				merged = append(merged, t)
			}
		}
		if len(merged) != len(cur) {
			m.edit(a.Path+".tools.deny", model.List(merged), "agent "+id+": deny "+string(p)+" tools")
		}
	}
}

func (m *merger) setAgent(a model.Agent, rel, want string, order []string, p Profile) {
	n := a.Node.Lookup(rel)
	if n == nil || (rank(order, n.Text()) >= 0 && rank(order, n.Text()) < rank(order, want)) {
		m.edit(a.Path+"."+rel, want, "agent "+a.ID+": "+string(p)+" profile")
	}
}

// toModel converts the writer's values to edit values (comments dropped).
func toModel(v any) any {
	switch x := v.(type) {
	case obj:
		out := make(model.Obj, 0, len(x))
		for _, f := range x {
			out = append(out, model.Field{Key: f.key, Value: toModel(f.val)})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toModel(e)
		}
		return out
	case raw:
		return model.Raw(x)
	}
	return v
}
