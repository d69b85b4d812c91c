package audit

import (
	"regexp"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Checks that the real OpenClaw 2026.9.6 audit reports and the catalogue
// did not list, found by comparing hardshell with it (docs/compat.md,
// scripts/compat-sweep.sh): Gateway-wide cross-agent session access, and
// safeBins with broad semantics (jq, awk, sed).

// compatSessionTools are the session tools that read or write other
// sessions (sessions_spawn only starts a child and is not counted).
var compatSessionTools = []string{"sessions_list", "sessions_history", "sessions_search", "sessions_send", "session_status"}

// compatBroadSafeBins are the safeBins whose semantics are broader than a
// stdin filter, with OpenClaw's warning for each.
var compatBroadSafeBins = func() map[string]string {
	const (
		awk = "awk-family interpreters can execute commands, access ENVIRON, and write files, so prefer explicit allowlist entries or approval-gated runs instead of safeBins."
		jq  = "jq can read environment data and load jq code from modules or startup files, so prefer explicit allowlist entries or approval-gated runs instead of safeBins."
		sed = "sed scripts can execute commands and write files, so prefer explicit allowlist entries or approval-gated runs instead of safeBins."
	)
	return map[string]string{"jq": jq, "awk": awk, "gawk": awk, "mawk": awk, "nawk": awk, "sed": sed, "gsed": sed}
}()

func init() {
	Register("tools",
		Check{
			ID: "security.trust_model.cross_agent_session_access_default", Title: "Agents share Gateway-wide session access (default)",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "info; warn when agents differ in sandboxing or tool restrictions, or several people can reach the bot",
			Trigger: "two or more agents, tools.sessions.visibility unset or \"all\", tools.agentToAgent not disabled (enabled unless false since 2026.7) and without an allow list, " +
				"and some agent may call a session tool (sessions_list/history/search/send, session_status) outside a sandbox clamped to its spawn tree",
			Remediation: `Set tools.agentToAgent.enabled=false, or tools.sessions.visibility="agent" (2026.7+), or list the agents that may talk to each other in tools.agentToAgent.allow.`,
			Why: "The guide isolates agents from each other by giving each its own sandbox, workspace and tool policy (per-agent access profiles), and keeps session transcripts private because they hold pasted secrets, file contents and private messages. " +
				"With Gateway-wide session visibility and agent-to-agent access on by default, any agent that keeps the session tools can list, read and send into every other agent's sessions: a public or family agent can read the owner's transcripts, and a prompt injection in one chat reaches them all. " +
				"When agents stand for different people or trust levels, that default undoes the per-agent isolation.",
			Breaks: "Agents can no longer read or message each other's sessions (sessions_send between agents stops working).",
			Since:  "OpenClaw 2026.9",
			Run:    runCrossAgentSessionAccess,
		},
		Check{
			ID: "tools.exec.safe_bins_broad_behavior", Title: "safeBins includes binaries with broader semantics than low-risk stream filters",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "tools.exec.safeBins (global or per agent) lists jq, sed/gsed or an awk (awk, gawk, mawk, nawk), by name or path",
			Remediation: "Remove these binaries from safeBins and prefer explicit allowlist entries or approval-gated execution.",
			Why: "safeBins run without approval on the assumption that they only filter stdin. jq reads the environment and loads code from modules, sed scripts can run commands (e) and write files (w), and awk runs commands through system() and reads ENVIRON: " +
				"as safe bins they are an unapproved way to run commands or leak secrets, which the guide's exec policy (deny, or allowlist with approval) is meant to prevent.",
			Breaks: "Those binaries ask for approval again (or need an explicit allowlist entry).",
			Since:  "OpenClaw 2026.9",
			Run:    runSafeBinsBroad,
		},
	)
}

// compatSafeBinName normalises a safeBins entry as OpenClaw does: trimmed,
// lower-cased, the basename of a path, without a Windows executable suffix.
var compatWinExe = regexp.MustCompile(`\.(?:exe|cmd|bat|com)$`)

func compatSafeBinName(raw string) string {
	b := strings.ToLower(strings.TrimSpace(raw))
	if b == "" {
		return ""
	}
	if i := strings.LastIndexAny(b, `/\`); i >= 0 {
		b = b[i+1:]
	}
	return compatWinExe.ReplaceAllString(b, "")
}

func runSafeBinsBroad(s *model.Snapshot) []Hit {
	var lines, paths []string
	for _, sc := range toolsExecScopes(s) {
		seen := map[string]bool{}
		entries := sc.node.Get("safeBins").Strings()
		sort.SliceStable(entries, func(i, j int) bool { return compatSafeBinName(entries[i]) < compatSafeBinName(entries[j]) })
		for _, raw := range entries {
			warning, ok := compatBroadSafeBins[compatSafeBinName(raw)]
			if !ok || seen[raw] {
				continue
			}
			seen[raw] = true
			// "- <scope>: <entry as written> (<why>)", the shape the guided
			// fix reads back.
			lines = append(lines, sc.name+": "+raw+" ("+warning+")")
			if len(paths) == 0 || paths[len(paths)-1] != sc.path+".safeBins" {
				paths = append(paths, sc.path+".safeBins")
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: "Detected risky safeBins entries:\n- " + strings.Join(lines, "\n- ") + "\nThese tools expose semantics that do not fit the low-risk stdin-filter fast path.",
		Paths:  paths}}
}

// compatSessionVisibility is tools.sessions.visibility as OpenClaw resolves
// it: self, tree, agent or all; anything else (or unset) is "all".
func compatSessionVisibility(s *model.Snapshot) string {
	v := strings.ToLower(strings.TrimSpace(Config(s).Lookup("tools.sessions.visibility").Text()))
	switch v {
	case "self", "tree", "agent", "all":
		return v
	}
	return "all"
}

// compatSandboxToolAllows applies the sandbox tool policy of a sandbox
// mode "all" agent (tools.sandbox.tools, the agent's own lists winning over
// the global ones); its default allow list holds every session tool.
func compatSandboxToolAllows(s *model.Snapshot, a model.Agent, tool string) bool {
	pick := func(key string) []string {
		if a.Node != nil {
			if n := a.Node.Lookup("tools.sandbox.tools." + key); n != nil {
				return n.Strings()
			}
		}
		return Config(s).Lookup("tools.sandbox.tools." + key).Strings()
	}
	if toolListMatches(pick("deny"), tool) {
		return false
	}
	if allow := pick("allow"); len(allow) > 0 && !toolListMatches(allow, tool) && !toolListMatches(pick("alsoAllow"), tool) {
		return false
	}
	return true
}

func runCrossAgentSessionAccess(s *model.Snapshot) []Hit {
	root := Config(s)
	var agents []model.Agent
	seen := map[string]bool{}
	for _, a := range s.Doc.Agents() {
		id := strings.ToLower(strings.TrimSpace(a.ID))
		if a.Node == nil || seen[id] {
			continue
		}
		seen[id] = true
		agents = append(agents, a)
	}
	if len(agents) < 2 || compatSessionVisibility(s) != "all" {
		return nil
	}
	// 2026.9 turns agent-to-agent access on unless it is disabled; 2026.2
	// needed enabled=true, but the same file runs on either release.
	if root.Lookup("tools.agentToAgent.enabled").IsFalse() || root.Lookup("tools.agentToAgent.allow").Len() > 0 {
		return nil
	}
	clamp := root.Lookup("agents.defaults.sandbox.sessionToolsVisibility").Text()
	if clamp == "" {
		clamp = "spawned"
	}
	var ids, reachers, nonReachers, signals []string
	paths := []string{"tools.sessions.visibility", "tools.agentToAgent.enabled", "tools.agentToAgent"}
	for _, a := range agents {
		ids = append(ids, a.ID)
		mode := sandboxMode(s, a)
		if mode != "off" {
			signals = append(signals, a.ID+`: sandbox.mode="`+mode+`"`)
		}
		var allowed []string
		for _, t := range compatSessionTools {
			if toolAllowed(s, a, t) && (mode != "all" || compatSandboxToolAllows(s, a, t)) {
				allowed = append(allowed, t)
			}
		}
		unclamped := mode != "all" || clamp == "all"
		if unclamped && len(allowed) > 0 {
			ctx := "sandboxed sessions (clamp disabled)"
			switch mode {
			case "off":
				ctx = "unsandboxed sessions"
			case "non-main":
				ctx = "unsandboxed main session"
			}
			reachers = append(reachers, "- "+a.ID+": "+ctx+"; allowed session tools: "+strings.Join(allowed, ", ")+".")
			paths = append(paths, a.Path)
		} else {
			why := "sandboxed sessions clamped to their spawn tree"
			if unclamped {
				why = "session tools removed by agent tool policy"
			}
			nonReachers = append(nonReachers, "- "+a.ID+": "+why+"; its transcripts remain readable by the agents above.")
		}
		var restr []string
		for _, k := range []string{"profile", "allow", "deny"} {
			if a.Node.Lookup("tools."+k) != nil {
				restr = append(restr, "tools."+k)
			}
		}
		if len(restr) > 0 {
			signals = append(signals, a.ID+": agent-level tool restrictions ("+strings.Join(restr, ", ")+")")
		}
	}
	if len(reachers) == 0 {
		return nil
	}
	for _, sig := range multiUser(s) {
		signals = append(signals, sig.Reason)
	}
	detail := "Agents: " + strings.Join(ids, ", ") + "\n" +
		`tools.sessions.visibility resolves to "all" and tools.agentToAgent is enabled with no allow list.` + "\n" +
		"Agents that can reach other agents' sessions, including other users' transcripts:\n" +
		strings.Join(append(append(reachers, nonReachers...), "Incognito sessions remain hidden."), "\n")
	sev := model.Info
	if len(signals) > 0 {
		sev = model.Warn
		detail += "\nTrust-boundary signals:\n- " + strings.Join(signals, "\n- ") +
			"\nSandboxing, agent-level tool restrictions, or shared-user ingress suggest different trust levels, but session access remains Gateway-wide."
	}
	return []Hit{{Severity: sev, Detail: detail, Paths: paths}}
}
