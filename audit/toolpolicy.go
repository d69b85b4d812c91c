package audit

import (
	"path"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// This file evaluates OpenClaw's tool policy the way the gateway layers it,
// each layer only narrowing:
//
//	tools.profile (agent's own profile wins; unset = full), widened by alsoAllow
//	→ global tools.allow / tools.deny
//	→ agent tools.allow / tools.deny
//
// A layer with an empty allow list allows everything it does not deny; deny
// always wins. Entries may be tool names, group:<name> shorthands or globs
// with "*". Provider-specific policies (byProvider) and the sandbox tool
// policy only narrow further and depend on the session, so they are not
// applied here: the answer errs on the side of "allowed".

// toolGroups are OpenClaw's group:<name> shorthands.
var toolGroups = map[string][]string{
	"group:runtime":    {"exec", "process"},
	"group:fs":         {"read", "write", "edit", "apply_patch"},
	"group:web":        {"web_search", "web_fetch"},
	"group:automation": {"cron", "gateway"},
	"group:sessions":   {"sessions_list", "sessions_history", "sessions_search", "sessions_send", "sessions_spawn", "session_status"},
	"group:memory":     {"memory_search", "memory_get"},
	"group:messaging":  {"message"},
	"group:nodes":      {"nodes"},
	"group:ui":         {"browser", "canvas"},
	"group:openclaw":   {"*"}, // every built-in tool
}

// toolProfiles are the base allow lists of tools.profile in the guide's
// era (2026.2; profileAllow picks the 2026.9 catalogue for 2026.7+-era
// configs); full (or unset) has none, i.e. allows everything.
var toolProfiles = map[string][]string{
	"minimal":   {"session_status"},
	"coding":    {"group:fs", "group:runtime", "group:sessions", "group:memory", "image"},
	"messaging": {"group:messaging", "sessions_list", "sessions_history", "sessions_search", "sessions_send", "session_status"},
}

// toolAliases are the names OpenClaw normalises.
var toolAliases = map[string]string{"bash": "exec", "apply-patch": "apply_patch"}

func normTool(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if a, ok := toolAliases[t]; ok {
		return a
	}
	return t
}

// toolMatches reports whether a policy entry (name, group or glob) covers tool.
func toolMatches(entry, tool string) bool {
	entry = normTool(entry)
	if entry == "" {
		return false
	}
	if members, ok := toolGroups[entry]; ok {
		for _, m := range members {
			if toolMatches(m, tool) {
				return true
			}
		}
		return false
	}
	if entry == tool {
		return true
	}
	if strings.Contains(entry, "*") {
		ok, err := path.Match(entry, tool)
		return err == nil && ok
	}
	return false
}

func toolListMatches(list []string, tool string) bool {
	for _, e := range list {
		if toolMatches(e, tool) {
			return true
		}
	}
	return false
}

// toolLayerAllows applies one allow/deny layer.
func toolLayerAllows(n *model.Node, tool string) bool {
	if n == nil {
		return true
	}
	if toolListMatches(n.Get("deny").Strings(), tool) {
		return false
	}
	if allow := n.Get("allow").Strings(); len(allow) > 0 && !toolListMatches(allow, tool) {
		return false
	}
	return true
}

// toolProfile is the effective tools.profile of an agent ("full" when unset).
func toolProfile(s *model.Snapshot, agent model.Agent) (string, string) {
	if agent.Node != nil {
		if p := agent.Lookup("tools.profile").Text(); p != "" {
			return p, agent.Path + ".tools.profile"
		}
	}
	if p := Config(s).Lookup("tools.profile").Text(); p != "" {
		return p, "tools.profile"
	}
	return "full", "tools.profile"
}

// toolAllowed reports whether agent may call tool under the layered policy.
// agent may be the zero model.Agent (or the implicit main agent with a nil
// Node): then only the global layers apply.
func toolAllowed(s *model.Snapshot, agent model.Agent, tool string) bool {
	tool = normTool(tool)
	root := Config(s)
	global := root.Get("tools")
	var own *model.Node
	if agent.Node != nil {
		own = agent.Lookup("tools")
	}
	// Profile, widened by alsoAllow (global and agent).
	profile, _ := toolProfile(s, agent)
	if base, ok := profileAllow(s, profile); ok {
		also := append(global.Get("alsoAllow").Strings(), own.Get("alsoAllow").Strings()...)
		if !toolListMatches(base, tool) && !toolListMatches(also, tool) {
			return false
		}
	}
	return toolLayerAllows(global, tool) && toolLayerAllows(own, tool)
}

// toolsAllowed lists which of tools agent may call.
func toolsAllowed(s *model.Snapshot, agent model.Agent, tools ...string) []string {
	var out []string
	for _, t := range tools {
		if toolAllowed(s, agent, t) {
			out = append(out, t)
		}
	}
	return out
}

// toolAnswers answers toolAllowed for the agents of one snapshot in one
// check: an agent without its own tools block (nearly all of 50,000) only
// meets the global layers, so it gets their answer, worked out once per
// tool instead of once per agent.
type toolAnswers struct {
	s      *model.Snapshot
	global map[string]bool // tool → toolAllowed for an agent without tools
}

func newToolAnswers(s *model.Snapshot) *toolAnswers {
	return &toolAnswers{s: s, global: map[string]bool{}}
}

// allowed is toolAllowed(s, agent, tool).
func (t *toolAnswers) allowed(agent model.Agent, tool string) bool {
	if agent.Lookup("tools") != nil {
		return toolAllowed(t.s, agent, tool)
	}
	v, ok := t.global[tool]
	if !ok {
		v = toolAllowed(t.s, model.Agent{}, tool)
		t.global[tool] = v
	}
	return v
}

// any reports whether agent may call one of tools (toolsAllowed is not
// empty), without listing them.
func (t *toolAnswers) any(agent model.Agent, tools ...string) bool {
	for _, tool := range tools {
		if t.allowed(agent, tool) {
			return true
		}
	}
	return false
}

// all is toolsAllowed(s, agent, tools...).
func (t *toolAnswers) all(agent model.Agent, tools ...string) []string {
	var out []string
	for _, tool := range tools {
		if t.allowed(agent, tool) {
			out = append(out, tool)
		}
	}
	return out
}

// sandboxMode resolves an agent's sandbox.mode with agents.defaults
// (default "off").
func sandboxMode(s *model.Snapshot, agent model.Agent) string {
	if s == nil || s.Doc == nil {
		return "off"
	}
	if n := s.Doc.AgentNode(agent, "sandbox.mode"); n.Text() != "" {
		return n.Text()
	}
	return "off"
}

// sandboxValue is sandboxSetting's value alone, for a loop over every
// agent that needs the path only for a few: no path strings are built.
func sandboxValue(s *model.Snapshot, agent model.Agent, rel, def string) string {
	if s == nil || s.Doc == nil {
		return def
	}
	if v := s.Doc.AgentNode(agent, "sandbox."+rel).Text(); v != "" {
		return v
	}
	return def
}

// sandboxSetting resolves any sandbox.<rel> of an agent with agents.defaults,
// returning the value (or def) and the path where it is (or would be) set.
func sandboxSetting(s *model.Snapshot, agent model.Agent, rel, def string) (string, string) {
	if s == nil || s.Doc == nil {
		return def, "agents.defaults.sandbox." + rel
	}
	if n, p := s.Doc.AgentValue(agent, "sandbox."+rel); n.Text() != "" {
		return n.Text(), p
	}
	if agent.Path != "" {
		return def, agent.Path + ".sandbox." + rel
	}
	return def, "agents.defaults.sandbox." + rel
}

// elevatedEnabled: tools.elevated is on unless enabled is explicitly false
// (OpenClaw's audit logic).
func elevatedEnabled(s *model.Snapshot) bool {
	return !Config(s).Lookup("tools.elevated.enabled").IsFalse()
}

// toolContexts are the contexts whose tool policy and sandbox decide what an
// inbound message can reach: every configured agent, or the implicit main
// agent (global policy + agents.defaults) when none is listed. Unlike
// OpenClaw, a separate "defaults" context is not added next to listed
// agents: messages are always routed to a listed agent then.
func toolContexts(s *model.Snapshot) []model.Agent {
	if s == nil || s.Doc == nil {
		return []model.Agent{{ID: "main", Default: true}}
	}
	return s.Doc.Agents()
}

// contextName names a context for details: "agent main" or
// "defaults (implicit main agent)".
func contextName(a model.Agent) string {
	if a.Node == nil {
		return "agents.defaults (implicit agent " + a.ID + ")"
	}
	return "agent " + a.ID
}

// execSecurity resolves tools.exec.security for an agent (its own, else the
// global one; unset = "deny" as in current OpenClaw) and where it is set.
func execSecurity(s *model.Snapshot, agent model.Agent) (string, string) {
	if agent.Node != nil {
		if v := agent.Lookup("tools.exec.security").Text(); v != "" {
			return v, agent.Path + ".tools.exec.security"
		}
	}
	if v := Config(s).Lookup("tools.exec.security").Text(); v != "" {
		return v, "tools.exec.security"
	}
	return "deny", "tools.exec.security"
}
