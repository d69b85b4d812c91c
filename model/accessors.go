package model

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// This file reads the config through both key eras, so no check hard-codes
// one shape: agents.list[] (guide era) or agents.entries{} (2026.7+),
// dmPolicy or the legacy dm.policy, gateway.nodes.allowCommands or
// gateway.nodes.commands.allow.

// Agent is one configured agent.
type Agent struct {
	ID      string
	Path    string // agents.list[2] or agents.entries.family
	Node    *Node
	Default bool

	blocks uint8 // from Agents(): blocksKnown | bit i when the agent has agentBlocks[i]
}

// agentBlocks are the agent keys whose presence Agents() records with each
// agent: the checks read sandbox.*, tools.* and the models of every agent,
// most agents have none of them, and the 50,000 agent nodes of a big config lie
// scattered in memory, so asking each node again was some three cache
// misses per agent per check.
var agentBlocks = [...]string{"sandbox", "tools", "model", "imageModel"}

const blocksKnown = 1 << len(agentBlocks)

// Lookup is the agent's own value at rel, a.Node.Lookup(rel); an agent
// from Agents() answers it without reading its node when it has no block
// (agentBlocks) rel starts in.
func (a Agent) Lookup(rel string) *Node {
	if a.blocks&blocksKnown != 0 {
		first := rel
		if k := strings.IndexAny(rel, ".["); k >= 0 {
			first = rel[:k]
		}
		for i, b := range agentBlocks {
			if first == b && a.blocks&(1<<i) == 0 {
				return nil
			}
		}
	}
	return a.Node.Lookup(rel)
}

// withBlocks records which agentBlocks n has.
func (a Agent) withBlocks() Agent {
	a.blocks = blocksKnown
	for i, b := range agentBlocks {
		if a.Node.Get(b) != nil {
			a.blocks |= 1 << i
		}
	}
	return a
}

// Agents lists the configured agents in either era. Without any, OpenClaw
// runs one implicit agent "main" (Path "" and Node nil). The slice is
// shared: do not modify its elements.
func (d *Document) Agents() []Agent {
	if d == nil {
		return []Agent{{ID: "main", Default: true}}
	}
	// A document does not change once parsed; every check asks for the
	// agents, so they are listed once and shared: read-only for callers (a
	// copy per call was 2 MB per check on 50,000 agents). Clipped, so an
	// append by a caller copies instead of writing into the shared array.
	d.agentsOnce.Do(func() { d.agents = d.listAgents() })
	return slices.Clip(d.agents)
}

func (d *Document) listAgents() []Agent {
	var out []Agent
	if list := d.Get("agents.list"); list != nil && list.Kind == KindArray {
		out = make([]Agent, 0, len(list.Elems))
		// The paths (Index("agents.list", i)) are written into one buffer
		// and sliced from it: one allocation rather than one per agent. A
		// Builder never changes what it has written, so each slice stays.
		var paths strings.Builder
		paths.Grow(len(list.Elems) * len("agents.list[00000]"))
		for i, n := range list.Elems {
			id := n.Get("id").Text()
			if id == "" {
				continue
			}
			start := paths.Len()
			paths.WriteString("agents.list[")
			var num [20]byte
			paths.Write(strconv.AppendInt(num[:0], int64(i), 10))
			paths.WriteByte(']')
			out = append(out, Agent{ID: id, Path: paths.String()[start:], Node: n, Default: n.Get("default").IsTrue()}.withBlocks())
		}
	}
	if entries := d.Get("agents.entries"); entries != nil && entries.Kind == KindObject {
		for _, k := range entries.Keys() {
			n := entries.Get(k)
			out = append(out, Agent{ID: k, Path: Child("agents.entries", k), Node: n, Default: n.Get("default").IsTrue()}.withBlocks())
		}
	}
	if len(out) == 0 {
		return []Agent{{ID: "main", Default: true}}
	}
	hasDefault := false
	for _, a := range out {
		hasDefault = hasDefault || a.Default
	}
	if !hasDefault {
		out[0].Default = true
	}
	return out
}

// AgentValue reads rel (e.g. "sandbox.mode") for an agent, falling back to
// agents.defaults. It returns the node and the path where it was found.
func (d *Document) AgentValue(a Agent, rel string) (*Node, string) {
	if n := a.Lookup(rel); n != nil {
		return n, a.Path + "." + rel
	}
	if n := d.Get("agents.defaults." + rel); n != nil {
		return n, "agents.defaults." + rel
	}
	return nil, ""
}

// AgentNode is AgentValue's node without its path: checks that only read
// the value (sandbox.mode of every agent) build no path strings.
func (d *Document) AgentNode(a Agent, rel string) *Node {
	if n := a.Lookup(rel); n != nil {
		return n
	}
	return d.Get("agents.defaults").Lookup(rel)
}

// Setting is a resolved value with where it lives.
type Setting struct {
	Value    string
	Path     string // where it is set; where to set it when Explicit is false
	Explicit bool   // false: the value is OpenClaw's default
}

// Scope is a channel, or one account of a channel (accounts inherit the
// channel's values, shallowly, as OpenClaw merges them).
type Scope struct {
	Channel string
	Account string // "" at the channel level
	Path    string // channels.telegram or channels.telegram.accounts.work
	Node    *Node
	parent  *Scope
}

// Name is "telegram" or "telegram (account work)".
func (s Scope) Name() string {
	if s.Account == "" {
		return s.Channel
	}
	return s.Channel + " (account " + s.Account + ")"
}

// nonChannelKeys are keys under channels that are not channels.
var nonChannelKeys = map[string]bool{"defaults": true, "modelByChannel": true, "$include": true}

// Scopes lists every configured channel and each of its accounts.
func (d *Document) Scopes() []Scope {
	if d == nil {
		return nil
	}
	chs := d.Get("channels")
	var out []Scope
	for _, id := range chs.Keys() {
		if nonChannelKeys[id] {
			continue
		}
		n := chs.Get(id)
		if n == nil || n.Kind != KindObject {
			continue
		}
		ch := Scope{Channel: id, Path: Child("channels", id), Node: n}
		out = append(out, ch)
		accts := n.Get("accounts")
		for _, a := range accts.Keys() {
			an := accts.Get(a)
			if an == nil || an.Kind != KindObject {
				continue
			}
			parent := ch
			out = append(out, Scope{Channel: id, Account: a, Path: Child(Child(ch.Path, "accounts"), a), Node: an, parent: &parent})
		}
	}
	return out
}

// Get reads rel in this scope, inheriting from the channel for accounts.
func (s Scope) Get(rel string) (*Node, string) {
	if n := s.Node.Lookup(rel); n != nil {
		return n, s.Path + "." + rel
	}
	if s.parent != nil {
		return s.parent.Get(rel)
	}
	return nil, ""
}

// Enabled is false only for an explicit enabled: false.
func (s Scope) Enabled() bool {
	n, _ := s.Get("enabled")
	return !n.IsFalse()
}

// DMPolicy resolves dmPolicy ?? dm.policy ?? "pairing".
func (s Scope) DMPolicy() Setting {
	if n, p := s.Get("dmPolicy"); n != nil {
		return Setting{Value: n.Text(), Path: p, Explicit: true}
	}
	if n, p := s.Get("dm.policy"); n != nil {
		return Setting{Value: n.Text(), Path: p, Explicit: true}
	}
	return Setting{Value: "pairing", Path: s.Path + ".dmPolicy"}
}

// AllowFrom is the DM allowlist from config (allowFrom ?? dm.allowFrom) and
// the path that holds it.
func (s Scope) AllowFrom() ([]string, string) {
	if n, p := s.Get("allowFrom"); n != nil {
		return n.Strings(), p
	}
	if n, p := s.Get("dm.allowFrom"); n != nil {
		return n.Strings(), p
	}
	return nil, s.Path + ".allowFrom"
}

// GroupPolicy resolves groupPolicy ?? channels.defaults.groupPolicy ?? "allowlist".
func (s Scope) GroupPolicy(d *Document) Setting {
	if n, p := s.Get("groupPolicy"); n != nil {
		return Setting{Value: n.Text(), Path: p, Explicit: true}
	}
	if n := d.Get("channels.defaults.groupPolicy"); n != nil {
		return Setting{Value: n.Text(), Path: "channels.defaults.groupPolicy", Explicit: true}
	}
	return Setting{Value: "allowlist", Path: s.Path + ".groupPolicy"}
}

// Groups returns the per-group settings object (groups, guilds, channels or
// rooms, whichever the channel uses) and its path.
func (s Scope) Groups() (*Node, string) {
	for _, k := range []string{"groups", "guilds", "channels", "rooms"} {
		if n, p := s.Get(k); n != nil && n.Kind == KindObject {
			return n, p
		}
	}
	return nil, ""
}

// NodeCommands reads the "allow" or "deny" node-command list:
// gateway.nodes.allowCommands/denyCommands (guide era) or
// gateway.nodes.commands.allow/deny (2026.7+); it returns the list and the
// path it was read from.
func (d *Document) NodeCommands(which string) ([]string, string) {
	legacy := map[string]string{"allow": "gateway.nodes.allowCommands", "deny": "gateway.nodes.denyCommands"}[which]
	modern := "gateway.nodes.commands." + which
	if n := d.Get(modern); n != nil {
		return n.Strings(), modern
	}
	if n := d.Get(legacy); n != nil {
		return n.Strings(), legacy
	}
	return nil, ""
}

// Redaction resolves logging.redactSensitive (default "tools").
func (d *Document) Redaction() Setting {
	if n := d.Get("logging.redactSensitive"); n != nil {
		return Setting{Value: n.Text(), Path: "logging.redactSensitive", Explicit: true}
	}
	return Setting{Value: "tools", Path: "logging.redactSensitive"}
}

// String reads a string setting with a default.
func (d *Document) String(path, def string) Setting {
	if n := d.Get(path); n != nil {
		return Setting{Value: n.Scalar(), Path: path, Explicit: true}
	}
	return Setting{Value: def, Path: path}
}

// SortedKeys returns the keys of an object node sorted.
func SortedKeys(n *Node) []string {
	k := n.Keys()
	sort.Strings(k)
	return k
}

// HasPrefixFold is strings.HasPrefix ignoring case.
func HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
