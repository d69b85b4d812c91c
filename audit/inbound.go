package audit

import (
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/model"
)

// This file answers "who can trigger the bot": the open DM/group policies
// (openInbound), the signals that more than one person can reach it
// (multiUser) and the distinct DM senders of a channel (inboundDMSenders).
// The tier-1 checks (channels, exposure, tools, sandbox) share it.

// openScope is one open inbound policy.
type openScope struct {
	Channel string
	Account string // "" at the channel level
	Kind    string // "dm" or "group"
	Path    string // config path of the policy value (or of the allowlist holding "*")
	Policy  string // "open", or "allowlist+*" for an allowlist that contains "*"
}

// Name is "telegram DMs", "discord (account work) groups".
func (o openScope) Name() string {
	n := o.Channel
	if o.Account != "" {
		n += " (account " + o.Account + ")"
	}
	if o.Kind == "dm" {
		return n + " DMs"
	}
	return n + " groups"
}

// inboundScopes lists the enabled channel scopes. A channel counts as
// configured when its block exists and enabled is not false: for inbound
// findings hardshell is strict and does not require a token (the token may
// come from the environment or a file at runtime).
func inboundScopes(s *model.Snapshot) []model.Scope {
	if s == nil || s.Doc == nil {
		return nil
	}
	var out []model.Scope
	for _, sc := range s.Doc.Scopes() {
		if !sc.Enabled() {
			continue
		}
		// An account of a disabled channel is off too.
		if s.Doc.Get("channels").Get(sc.Channel).Get("enabled").IsFalse() {
			continue
		}
		out = append(out, sc)
	}
	return out
}

// openInbound lists every open DM or group policy under channels: the
// resolved dmPolicy / dm.policy / groupPolicy of each enabled channel and
// account (channels.defaults.groupPolicy included), an allowlist policy whose
// allowFrom holds "*", and, by a deep walk, any nested groupPolicy/dmPolicy
// "open" (per-group or per-guild overrides). Each path is listed once.
func openInbound(s *model.Snapshot) []openScope {
	var out []openScope
	seen := map[string]bool{}
	add := func(o openScope) {
		key := o.Kind + "|" + o.Path
		if o.Path == "channels.defaults.groupPolicy" {
			key += "|" + o.Channel + "|" + o.Account // one shared default, many channels
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, o)
	}
	for _, sc := range inboundScopes(s) {
		dm := sc.DMPolicy()
		switch dm.Value {
		case "open":
			add(openScope{Channel: sc.Channel, Account: sc.Account, Kind: "dm", Path: dm.Path, Policy: "open"})
		case "pairing", "allowlist":
			if allow, p := sc.AllowFrom(); containsStr(allow, "*") {
				add(openScope{Channel: sc.Channel, Account: sc.Account, Kind: "dm", Path: p, Policy: "allowlist+*"})
			}
		}
		if gp := sc.GroupPolicy(s.Doc); gp.Value == "open" {
			add(openScope{Channel: sc.Channel, Account: sc.Account, Kind: "group", Path: gp.Path, Policy: "open"})
		}
		// Nested overrides: walk the scope's own node, skipping accounts
		// (they are scopes of their own).
		inboundWalk(sc.Node, sc.Path, func(path, key string) {
			kind := "group"
			if key != "groupPolicy" {
				kind = "dm"
			}
			add(openScope{Channel: sc.Channel, Account: sc.Account, Kind: kind, Path: path, Policy: "open"})
		})
	}
	return out
}

// inboundWalk calls fn for every nested groupPolicy/dmPolicy/dm.policy equal
// to "open" below n (not at n's top level, which the scope resolution
// covers), skipping the accounts subtree.
func inboundWalk(n *model.Node, path string, fn func(path, key string)) {
	var walk func(n *model.Node, path string, depth int)
	walk = func(n *model.Node, path string, depth int) {
		if n == nil || depth > 12 {
			return
		}
		switch n.Kind {
		case model.KindObject:
			for _, k := range n.Keys() {
				v := n.Get(k)
				cp := model.Child(path, k)
				if depth == 0 && (k == "accounts" || k == "dmPolicy" || k == "groupPolicy") {
					continue
				}
				if depth == 0 && k == "dm" {
					continue // dm.policy at the top level is resolved by DMPolicy
				}
				if (k == "groupPolicy" || k == "dmPolicy") && v.Text() == "open" {
					fn(cp, k)
					continue
				}
				if k == "policy" && v.Text() == "open" && strings.HasSuffix(path, ".dm") {
					fn(cp, "dm.policy")
					continue
				}
				if v.Get("enabled").IsFalse() {
					continue
				}
				walk(v, cp, depth+1)
			}
		case model.KindArray:
			for i, e := range n.Elems {
				walk(e, model.Index(path, i), depth+1)
			}
		}
	}
	walk(n, path, 0)
}

// multiUserSignal is one reason to think more than one person can reach the
// bot (OpenClaw's security.trust_model.multi_user_heuristic signals).
type multiUserSignal struct {
	Scope  string // "discord", "telegram (account work)"
	Path   string
	Reason string
}

// multiUser lists the multi-user signals: groupPolicy "open"; groupPolicy
// "allowlist" with a non-empty groups/guilds/channels/rooms map; dmPolicy
// (or legacy dm.policy) "open"; "*" in allowFrom, dm.allowFrom or
// groupAllowFrom. Per enabled channel and per account (merged view). On top
// of OpenClaw's list, more than one distinct DM sender (config allowFrom plus
// the pairing store) counts too.
func multiUser(s *model.Snapshot) []multiUserSignal {
	var out []multiUserSignal
	seen := map[string]bool{}
	add := func(sc model.Scope, path, reason string) {
		if seen[path+"|"+reason] {
			return
		}
		seen[path+"|"+reason] = true
		out = append(out, multiUserSignal{Scope: sc.Name(), Path: path, Reason: reason})
	}
	for _, sc := range inboundScopes(s) {
		gp := sc.GroupPolicy(s.Doc)
		switch gp.Value {
		case "open":
			add(sc, gp.Path, gp.Path+`="open"`)
		case "allowlist":
			if g, p := sc.Groups(); g.Len() > 0 {
				add(sc, p, sc.Path+`.groupPolicy="allowlist" with configured group targets (`+strings.Join(firstN(model.SortedKeys(g), 5), ", ")+")")
			}
		}
		dm := sc.DMPolicy()
		if dm.Value == "open" {
			add(sc, dm.Path, dm.Path+`="open"`)
		}
		for _, rel := range []string{"allowFrom", "dm.allowFrom", "groupAllowFrom"} {
			if n, p := sc.Get(rel); n.ContainsString("*") {
				add(sc, p, p+` contains "*"`)
			}
		}
		if dm.Value != "disabled" {
			if senders, _, paths := inboundDMSenders(s, sc); len(senders) > 1 {
				p := sc.Path
				if len(paths) > 0 {
					p = paths[0]
				}
				add(sc, p, sc.Path+": "+strconv.Itoa(len(senders))+" distinct approved DM senders (config allowFrom + pairing store)")
			}
		}
	}
	return out
}

// inboundDMSenders returns the distinct approved DM senders of a scope (the
// config allowFrom / dm.allowFrom merged with the pairing store of that
// channel and account), whether "*" is present, and where they come from
// (config paths and store file paths, or the state DB table). Entries are normalised: trimmed,
// lower-cased, a leading "<channel>:" prefix dropped.
func inboundDMSenders(s *model.Snapshot, sc model.Scope) (senders []string, wildcard bool, sources []string) {
	set := map[string]bool{}
	addAll := func(list []string) {
		for _, e := range list {
			e = strings.ToLower(strings.TrimSpace(e))
			if e == "" {
				continue
			}
			if e == "*" {
				wildcard = true
				continue
			}
			e = strings.TrimPrefix(e, strings.ToLower(sc.Channel)+":")
			set[e] = true
		}
	}
	if allow, p := sc.AllowFrom(); len(allow) > 0 {
		addAll(allow)
		sources = append(sources, p)
	}
	if s.FS != nil {
		for _, ps := range s.FS.PairingStores {
			if ps.Channel != sc.Channel || !inboundStoreMatches(ps.Account, sc.Account) {
				continue
			}
			if len(ps.Entries) > 0 {
				addAll(ps.Entries)
				sources = append(sources, ps.File.Path)
			}
		}
	}
	// 2026.9 keeps the pairing store in the state DB (read only under
	// dmPolicy "pairing", as the gateway does).
	if ids, where := access.FromSnapshot(s).DMStoreSenders(sc); len(ids) > 0 {
		addAll(ids)
		sources = append(sources, where)
	}
	for e := range set {
		senders = append(senders, e)
	}
	sort.Strings(senders)
	return senders, wildcard, sources
}

// inboundStoreMatches pairs a pairing store's account with a scope's: the
// channel-level scope owns the default store ("" or "default").
func inboundStoreMatches(storeAcct, scopeAcct string) bool {
	norm := func(a string) string {
		if a == "default" {
			return ""
		}
		return a
	}
	return norm(storeAcct) == norm(scopeAcct)
}

func containsStr(list []string, v string) bool {
	for _, e := range list {
		if strings.TrimSpace(e) == v {
			return true
		}
	}
	return false
}

func firstN(list []string, n int) []string {
	if len(list) > n {
		return append(append([]string{}, list[:n]...), "…")
	}
	return list
}

// nodeElems is the elements of an array node; nil for anything else
// (model.Node.Elems is not nil-safe on its own).
func nodeElems(n *model.Node) []*model.Node {
	if n == nil || n.Kind != model.KindArray {
		return nil
	}
	return n.Elems
}
