package audit

import (
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDSecurityTrustModelCrossAgentSessionAccessDefault     = "security.trust_model.cross_agent_session_access_default"
	IDToolsElevatedAllowFromLarge                          = "tools.elevated.allowFrom.<provider>.large"
	IDToolsElevatedAllowFromWildcard                       = "tools.elevated.allowFrom.<provider>.wildcard"
	IDToolsExecAllowlistInterpreterWithoutStrictInlineEval = "tools.exec.allowlist_interpreter_without_strict_inline_eval"
	IDToolsExecAutoAllowSkillsEnabled                      = "tools.exec.auto_allow_skills_enabled"
	IDToolsExecFsToolsDisabledButExecEnabled               = "tools.exec.fs_tools_disabled_but_exec_enabled"
	IDToolsExecHostSandboxNoSandboxAgents                  = "tools.exec.host_sandbox_no_sandbox_agents"
	IDToolsExecHostSandboxNoSandboxDefaults                = "tools.exec.host_sandbox_no_sandbox_defaults"
	IDToolsExecSafeBinTrustedDirsRisky                     = "tools.exec.safe_bin_trusted_dirs_risky"
	IDToolsExecSafeBinsBroadBehavior                       = "tools.exec.safe_bins_broad_behavior"
	IDToolsExecSafeBinsInterpreterUnprofiled               = "tools.exec.safe_bins_interpreter_unprofiled"
	IDToolsExecSecurityFullConfigured                      = "tools.exec.security_full_configured"
	IDToolsProfileMinimalOverridden                        = "tools.profile_minimal_overridden"
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
			ID: IDSecurityTrustModelCrossAgentSessionAccessDefault, Title: "Agents share Gateway-wide session access (default)",
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
			ID: IDToolsExecSafeBinsBroadBehavior, Title: "safeBins includes binaries with broader semantics than low-risk stream filters",
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

// compatWinExe is a Windows executable suffix.
var compatWinExe = regexp.MustCompile(`\.(?:exe|cmd|bat|com)$`)

// compatSafeBinName normalises a safeBins entry as OpenClaw does: trimmed,
// lower-cased, the basename of a path, without a Windows executable suffix.
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
			if n := a.Lookup("tools.sandbox.tools." + key); n != nil {
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

// crossAgent is what the session-access check found for one agent.
type crossAgent struct {
	a         *model.Agent
	mode      string // sandbox mode
	allowed   uint8  // bit i: compatSessionTools[i] is allowed
	restr     uint8  // bit i: crossAgentRestr[i] is set on the agent
	unclamped bool
}

func (c crossAgent) reaches() bool { return c.unclamped && c.allowed != 0 }

// crossAgentRestr are the agent-level tool policy keys that count as a
// trust-boundary signal.
var crossAgentRestr = [...]string{"profile", "allow", "deny"}

func runCrossAgentSessionAccess(s *model.Snapshot) []Hit {
	root := Config(s)
	all := s.Doc.Agents()
	agents := make([]crossAgent, 0, len(all))
	seen := make(map[string]bool, len(all))
	for i := range all {
		a := &all[i]
		id := strings.ToLower(strings.TrimSpace(a.ID))
		if a.Node == nil || seen[id] {
			continue
		}
		seen[id] = true
		agents = append(agents, crossAgent{a: a})
	}
	seen = nil
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
	paths := []string{"tools.sessions.visibility", "tools.agentToAgent.enabled", "tools.agentToAgent"}
	reachers, signals := 0, 0
	answers := newToolAnswers(s)
	for i := range agents {
		c := &agents[i]
		c.mode = sandboxMode(s, *c.a)
		for t, tool := range compatSessionTools {
			if answers.allowed(*c.a, tool) && (c.mode != "all" || compatSandboxToolAllows(s, *c.a, tool)) {
				c.allowed |= 1 << t
			}
		}
		c.unclamped = c.mode != "all" || clamp == "all"
		if c.reaches() {
			reachers++
			paths = append(paths, c.a.Path)
		}
		tools := c.a.Lookup("tools")
		for k, key := range crossAgentRestr {
			if tools.Get(key) != nil {
				c.restr |= 1 << k
			}
		}
		if c.mode != "off" {
			signals++
		}
		if c.restr != 0 {
			signals++
		}
	}
	if reachers == 0 {
		return nil
	}
	var shared []string
	for _, sig := range multiUser(s) {
		shared = append(shared, sig.Reason)
	}
	signals += len(shared)

	// The detail names every agent, so on 50,000 agents it would be
	// megabytes: it is written by one function through writeCapped, which
	// keeps only the lines the finding shows, instead of collecting
	// per-agent strings first (that was some 70 MB of garbage, and over
	// 20 MB live at once, per audit).
	detail := func(w func(string)) {
		w("Agents: ")
		for i, c := range agents {
			if i > 0 {
				w(", ")
			}
			w(c.a.ID)
		}
		w("\n" + `tools.sessions.visibility resolves to "all" and tools.agentToAgent is enabled with no allow list.` + "\n" +
			"Agents that can reach other agents' sessions, including other users' transcripts:\n")
		for _, c := range agents {
			if !c.reaches() {
				continue
			}
			ctx := "sandboxed sessions (clamp disabled)"
			switch c.mode {
			case "off":
				ctx = "unsandboxed sessions"
			case "non-main":
				ctx = "unsandboxed main session"
			}
			w("- ")
			w(c.a.ID)
			w(": ")
			w(ctx)
			w("; allowed session tools: ")
			sep := ""
			for t, tool := range compatSessionTools {
				if c.allowed&(1<<t) != 0 {
					w(sep)
					w(tool)
					sep = ", "
				}
			}
			w(".\n")
		}
		for _, c := range agents {
			if c.reaches() {
				continue
			}
			why := "sandboxed sessions clamped to their spawn tree"
			if c.unclamped {
				why = "session tools removed by agent tool policy"
			}
			w("- ")
			w(c.a.ID)
			w(": ")
			w(why)
			w("; its transcripts remain readable by the agents above.\n")
		}
		w("Incognito sessions remain hidden.")
		if signals == 0 {
			return
		}
		w("\nTrust-boundary signals:\n- ")
		sep := ""
		for _, c := range agents {
			if c.mode != "off" {
				w(sep)
				w(c.a.ID)
				w(`: sandbox.mode="`)
				w(c.mode)
				w(`"`)
				sep = "\n- "
			}
			if c.restr != 0 {
				w(sep)
				w(c.a.ID)
				w(": agent-level tool restrictions (")
				rsep := ""
				for k, key := range crossAgentRestr {
					if c.restr&(1<<k) != 0 {
						w(rsep)
						w("tools.")
						w(key)
						rsep = ", "
					}
				}
				w(")")
				sep = "\n- "
			}
		}
		for _, r := range shared {
			w(sep)
			w(r)
			sep = "\n- "
		}
		w("\nSandboxing, agent-level tool restrictions, or shared-user ingress suggest different trust levels, but session access remains Gateway-wide.")
	}
	sev := model.Info
	if signals > 0 {
		sev = model.Warn
	}
	return []Hit{{Severity: sev, Detail: writeCapped(detail), detailCapped: true, Paths: paths}}
}

// Tool checks: elevated exec, host exec settings, safe bins, exec approvals
// and profile overrides.

const whyElevated = "tools.elevated is a global escape hatch that runs exec on the gateway host. The guide: restrict tools.elevated.allowFrom tightly and never enable it for strangers; agents.list[].tools.elevated can narrow it further per agent."

const whyExecHost = "Sandboxing is opt-in. When the sandbox mode is off, exec runs on the gateway host even though tools.exec.host defaults to \"sandbox\", and host exec needs no approval unless host=gateway with an approval flow is configured."

func init() {
	Register("tools",
		Check{
			ID: IDToolsElevatedAllowFromWildcard, Title: `Elevated exec allowlist contains "*"`,
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `tools.elevated.enabled is not false and tools.elevated.allowFrom.<provider> contains "*"`,
			Remediation: `Replace "*" with the sender ids allowed to run elevated (host) commands, or set tools.elevated.enabled=false.`,
			Why:         whyElevated + " \"*\" lets every sender on that provider request host exec.",
			Breaks:      "Senders not listed can no longer run elevated commands.",
			Since:       "OpenClaw 2026.2", Run: runElevatedAllowFrom("wildcard"),
		},
		Check{
			ID: IDToolsElevatedAllowFromLarge, Title: "Elevated exec allowlist is large",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "tools.elevated.allowFrom.<provider> has more than 25 entries (elevated enabled)",
			Remediation: "Trim tools.elevated.allowFrom to the few operators who need host exec.",
			Why:         whyElevated,
			Breaks:      "Removed senders can no longer run elevated commands.",
			Since:       "OpenClaw 2026.2", Run: runElevatedAllowFrom("large"),
		},
		Check{
			ID: IDToolsExecHostSandboxNoSandboxDefaults, Title: "Exec host is \"sandbox\" but the default sandbox is off",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `tools.exec.host="sandbox" and agents.defaults.sandbox.mode resolves to "off" (the default)`,
			Remediation: `Set agents.defaults.sandbox.mode="all" (or "non-main"), or set tools.exec.host="gateway" with approvals so host exec is explicit.`,
			Why:         whyExecHost,
			Breaks:      "Sandboxing needs Docker; commands run in a container without host files.",
			Since:       "OpenClaw 2026.2", Run: runExecHostSandboxDefaults,
		},
		Check{
			ID: IDToolsExecHostSandboxNoSandboxAgents, Title: "Agents use exec host \"sandbox\" with sandbox off",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `an agent sets tools.exec.host="sandbox" and its resolved sandbox.mode is "off"`,
			Remediation: `Set sandbox.mode="all" for those agents, or make host exec explicit with tools.exec.host="gateway".`,
			Why:         whyExecHost,
			Breaks:      "Sandboxing needs Docker.",
			Since:       "OpenClaw 2026.2", Run: runExecHostSandboxAgents,
		},
		Check{
			ID: IDToolsExecSafeBinsInterpreterUnprofiled, Title: "safeBins include interpreters without a profile",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "tools.exec.safeBins (global or agent) lists an interpreter (python3, node, ruby, perl, bash…) without tools.exec.safeBinProfiles.<bin>",
			Remediation: "Remove interpreters from safeBins, or add a tools.exec.safeBinProfiles entry that restricts their arguments.",
			Why:         "safeBins run without approval. An interpreter accepts arbitrary code inline (python3 -c, node -e, bash -c), so a safe interpreter is an unapproved shell.",
			Breaks:      "Those interpreters need approval again.",
			Since:       "OpenClaw 2026.3", Run: runSafeBinsInterpreters,
		},
		Check{
			ID: IDToolsExecSafeBinTrustedDirsRisky, Title: "safeBinTrustedDirs include user-writable directories",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "a safeBinTrustedDirs entry is relative, under /tmp or a home directory, a package-manager bin dir (/usr/local/bin, /opt/homebrew/bin…), or contains /.local/bin",
			Remediation: "Keep safeBinTrustedDirs to root-owned system dirs such as /usr/bin and /bin.",
			Why:         "A safe bin is trusted by its directory: anyone (or any tool) that can write there can plant a binary with a safe name that then runs without approval.",
			Breaks:      "Safe bins installed in those dirs need approval.",
			Since:       "OpenClaw 2026.3", Run: runSafeBinTrustedDirs,
		},
		Check{
			ID: IDToolsExecSecurityFullConfigured, Title: `Exec security is "full"`,
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn; critical when any DM/group policy is open",
			Trigger:     `effective tools.exec.security (agent override, else global) is "full"`,
			Remediation: `Set tools.exec.security="allowlist" with ask "on-miss" (or "deny") so commands need approval.`,
			Why:         "security=full runs any command the model asks for with no allowlist; combined with open inbound, any stranger's prompt injection becomes host command execution.",
			Breaks:      "Commands outside the allowlist need approval.",
			Since:       "OpenClaw 2026.2", Run: runExecSecurityFull,
		},
		Check{
			ID: IDToolsExecFsToolsDisabledButExecEnabled, Title: "File tools are denied but exec is still allowed",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "write/edit/apply_patch are all denied for an agent while exec or process is allowed without sandbox mode \"all\" and workspaceAccess \"ro\"/\"none\"",
			Remediation: `Deny group:runtime too, or run the agent with sandbox.mode="all" and workspaceAccess "ro" or "none".`,
			Why:         "The guide's read-only profile combines workspaceAccess \"ro\"/\"none\" with a deny list covering write, edit, apply_patch, exec and process. Denying only the file tools is not read-only: exec can still write any file (echo > file).",
			Breaks:      "The agent can no longer run commands.",
			Since:       "OpenClaw 2026.3", Run: runFSDisabledExecEnabled,
		},
		Check{
			ID: IDToolsExecAutoAllowSkillsEnabled, Title: "Exec approvals auto-allow skill binaries",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "<state>/exec-approvals.json sets defaults.autoAllowSkills or agents.<id>.autoAllowSkills to true",
			Remediation: "Set autoAllowSkills to false in exec-approvals.json and approve skill binaries individually.",
			Why:         "Every binary a skill declares is then allowed without approval; a third-party or compromised skill widens host exec silently.",
			Breaks:      "Skill binaries ask for approval the first time.",
			Since:       "OpenClaw 2026.3", Run: runAutoAllowSkills,
		},
		Check{
			ID: IDToolsExecAllowlistInterpreterWithoutStrictInlineEval, Title: "Exec allowlist includes interpreters without strict inline eval",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "an exec-approvals allowlist entry is an interpreter (python, node, ruby, perl, php, lua, osascript, shells…) and tools.exec.strictInlineEval is not true (global or agent)",
			Remediation: "Set tools.exec.strictInlineEval=true, or remove the interpreter from the allowlist.",
			Why:         "An allowlisted interpreter runs any inline code (python3 -c …, node -e …) without approval unless strict inline eval makes those invocations ask.",
			Breaks:      "Inline interpreter invocations ask for approval.",
			Since:       "OpenClaw 2026.4", Run: runAllowlistInterpreters,
		},
		Check{
			ID: IDToolsProfileMinimalOverridden, Title: "Agents override the global minimal tool profile",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `tools.profile="minimal" and an agent sets tools.profile to something else`,
			Remediation: "Remove the agent's tools.profile, or confirm that agent should have more tools.",
			Why:         "An agent's profile replaces the global one: a global minimal profile does not cap agents that set coding or full, which is easy to miss.",
			Breaks:      "The agent loses the tools of its own profile.",
			Since:       "OpenClaw 2026.2", Run: runProfileMinimalOverridden,
		},
	)
}

func runElevatedAllowFrom(which string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		if !elevatedEnabled(s) {
			return nil
		}
		af := Config(s).Lookup("tools.elevated.allowFrom")
		var out []Hit
		for _, prov := range model.SortedKeys(af) {
			list := af.Get(prov).Strings()
			p := model.Child("tools.elevated.allowFrom", prov)
			seg := prov
			if strings.ContainsAny(prov, ". ") {
				seg = strings.NewReplacer(".", "_", " ", "_").Replace(prov)
			}
			switch which {
			case "wildcard":
				if containsStr(list, "*") {
					out = append(out, Hit{ID: "tools.elevated.allowFrom." + seg + ".wildcard", Severity: model.Critical,
						Title:  `Elevated exec allowlist for ` + prov + ` contains "*"`,
						Detail: p + ` contains "*": every ` + prov + ` sender can request elevated (host) exec.`, Paths: []string{p}})
				}
			case "large":
				if len(list) > 25 {
					out = append(out, Hit{ID: "tools.elevated.allowFrom." + seg + ".large", Severity: model.Warn,
						Title:  "Elevated exec allowlist for " + prov + " is large",
						Detail: p + " has " + strconv.Itoa(len(list)) + " entries (more than 25).", Paths: []string{p}})
				}
			}
		}
		return out
	}
}

func runExecHostSandboxDefaults(s *model.Snapshot) []Hit {
	if Config(s).Lookup("tools.exec.host").Text() != "sandbox" {
		return nil
	}
	mode := Config(s).Lookup("agents.defaults.sandbox.mode").Text()
	if mode != "" && mode != "off" {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: `tools.exec.host="sandbox" but agents.defaults.sandbox.mode is ` + quoteOr(mode, `unset (default "off")`) + ": exec runs on the gateway host.",
		Paths:  []string{"tools.exec.host", "agents.defaults.sandbox.mode"}}}
}

func runExecHostSandboxAgents(s *model.Snapshot) []Hit {
	var ids, paths []string
	for _, a := range s.Doc.Agents() {
		if a.Node == nil || a.Lookup("tools.exec.host").Text() != "sandbox" {
			continue
		}
		if sandboxMode(s, a) == "off" {
			ids = append(ids, a.ID)
			paths = append(paths, a.Path+".tools.exec.host")
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: "Agents with tools.exec.host=\"sandbox\" whose sandbox mode resolves to off: " + strings.Join(firstN(ids, 5), ", "),
		Paths:  paths}}
}

// interpreterRe matches interpreter binaries: an allowlisted one runs any
// code it is given.
var interpreterRe = regexp.MustCompile(`^(?:python|pypy|node|nodejs|deno|bun|ruby|irb|perl|php|lua|luajit|osascript|tclsh|wish|rscript|julia|pwsh|powershell|bash|sh|zsh|dash|ksh|fish|csh|tcsh)[0-9.]*(?:\.exe)?$`)

// IsInterpreter reports whether bin (a path or allowlist pattern, a
// trailing * ignored) names an interpreter binary: python3, node, bash, …
// The exec fixes use it too, so they drop exactly what the audit flags.
func IsInterpreter(bin string) bool {
	b := strings.ToLower(filepath.Base(strings.TrimSpace(bin)))
	b = strings.TrimRight(b, "*")
	return b != "" && interpreterRe.MatchString(b)
}

// execScope is one place tools.exec settings live.
type execScope struct {
	name string
	path string // "tools.exec" or "agents.list[1].tools.exec"
	node *model.Node
}

// toolsExecScopes are the places tools.exec settings live: global and each
// agent's own.
func toolsExecScopes(s *model.Snapshot) []execScope {
	out := []execScope{{"global", "tools.exec", Config(s).Lookup("tools.exec")}}
	for _, a := range s.Doc.Agents() {
		if a.Node != nil {
			if n := a.Lookup("tools.exec"); n != nil {
				out = append(out, execScope{"agent " + a.ID, a.Path + ".tools.exec", n})
			}
		}
	}
	return out
}

func runSafeBinsInterpreters(s *model.Snapshot) []Hit {
	global := Config(s).Lookup("tools.exec.safeBinProfiles")
	var lines, paths []string
	for _, sc := range toolsExecScopes(s) {
		for _, bin := range sc.node.Get("safeBins").Strings() {
			if !IsInterpreter(bin) {
				continue
			}
			if global.Get(bin) != nil || sc.node.Lookup("safeBinProfiles").Get(bin) != nil {
				continue
			}
			lines = append(lines, sc.name+": "+bin)
			paths = append(paths, sc.path+".safeBins")
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: "Interpreters in safeBins without a safeBinProfiles entry:\n- " + strings.Join(lines, "\n- "), Paths: paths}}
}

// riskyTrustedDir explains why a safeBinTrustedDirs entry is risky, or "".
func riskyTrustedDir(d string) string {
	d = strings.TrimSpace(d)
	if d == "" {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(d), `c:\users\`) {
		return "under a user profile"
	}
	if !strings.HasPrefix(d, "/") && !strings.HasPrefix(d, "~") {
		return "relative path"
	}
	c := filepath.Clean(d)
	for _, t := range []string{"/tmp", "/var/tmp", "/private/tmp"} {
		if c == t || strings.HasPrefix(c, t+"/") {
			return "temporary directory"
		}
	}
	switch c {
	case "/usr/local/bin", "/opt/homebrew/bin", "/opt/local/bin", "/home/linuxbrew/.linuxbrew/bin":
		return "package-manager bin directory (user-writable on many systems)"
	}
	if strings.HasPrefix(d, "~") || strings.HasPrefix(c, "/home/") || strings.HasPrefix(c, "/Users/") {
		return "under a home directory"
	}
	if strings.Contains(c, "/.local/bin") {
		return "user-local bin directory"
	}
	return ""
}

func runSafeBinTrustedDirs(s *model.Snapshot) []Hit {
	var lines, paths []string
	for _, sc := range toolsExecScopes(s) {
		for _, d := range sc.node.Get("safeBinTrustedDirs").Strings() {
			if why := riskyTrustedDir(d); why != "" {
				lines = append(lines, sc.name+": "+d+" ("+why+")")
				paths = append(paths, sc.path+".safeBinTrustedDirs")
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: "Risky safeBinTrustedDirs:\n- " + strings.Join(lines, "\n- "), Paths: paths}}
}

func runExecSecurityFull(s *model.Snapshot) []Hit {
	var lines, paths []string
	seen := map[string]bool{}
	for _, a := range toolContexts(s) {
		sec, p := execSecurity(s, a)
		if sec != "full" {
			continue
		}
		lines = append(lines, contextName(a)+" ("+p+")")
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	sev := model.Warn
	detail := `tools.exec.security="full" for:` + "\n- " + strings.Join(lines, "\n- ")
	if open := openInbound(s); len(open) > 0 {
		sev = model.Critical
		d, _ := exposureOpenSummary(open)
		detail += "\nOpen inbound policies:" + d
	}
	return []Hit{{Severity: sev, Detail: detail, Paths: paths}}
}

func runFSDisabledExecEnabled(s *model.Snapshot) []Hit {
	var lines, paths []string
	answers := newToolAnswers(s)
	for _, a := range toolContexts(s) {
		if answers.any(a, "write", "edit", "apply_patch") {
			continue
		}
		rt := answers.all(a, "exec", "process")
		if len(rt) == 0 {
			continue
		}
		access := sandboxValue(s, a, "workspaceAccess", "none")
		if sandboxMode(s, a) == "all" && (access == "ro" || access == "none") {
			continue
		}
		lines = append(lines, contextName(a)+": write/edit/apply_patch denied, "+strings.Join(rt, ", ")+" allowed (sandbox.mode="+quoteOr(sandboxMode(s, a), "off")+", workspaceAccess="+quoteOr(access, "none")+")")
		paths = append(paths, exposureAgentPath(a))
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: strings.Join(lines, "\n"), Paths: paths}}
}

// execApprovals parses <state>/exec-approvals.json; nil when absent or
// unreadable (the parse error is returned for the detail).
func execApprovals(s *model.Snapshot) (*model.Node, string, error) {
	if s == nil || s.FS == nil || !s.FS.ExecApprovals.Exists || s.FS.ExecApprovals.IsDir {
		return nil, "", nil
	}
	p := s.FS.ExecApprovals.Path
	data, err := s.ReadFile(p, model.ExecApprovalsRead)
	if err != nil {
		return nil, p, err
	}
	n, err := model.ParseValue(p, data)
	return n, p, err
}

func runAutoAllowSkills(s *model.Snapshot) []Hit {
	n, p, err := execApprovals(s)
	if n == nil || err != nil {
		return nil
	}
	var where []string
	if n.Lookup("defaults.autoAllowSkills").IsTrue() {
		where = append(where, "defaults.autoAllowSkills")
	}
	agents := n.Get("agents")
	for _, id := range model.SortedKeys(agents) {
		if agents.Get(id).Get("autoAllowSkills").IsTrue() {
			where = append(where, "agents."+id+".autoAllowSkills")
		}
	}
	if len(where) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: p + " sets " + strings.Join(where, ", ") + " = true.", Paths: []string{p}}}
}

func runAllowlistInterpreters(s *model.Snapshot) []Hit {
	n, p, err := execApprovals(s)
	if n == nil || err != nil {
		return nil
	}
	strictGlobal := Config(s).Lookup("tools.exec.strictInlineEval").IsTrue()
	agentStrict := map[string]bool{}
	for _, a := range s.Doc.Agents() {
		if a.Node != nil && a.Lookup("tools.exec.strictInlineEval").IsTrue() {
			agentStrict[a.ID] = true
		}
	}
	var lines []string
	agents := n.Get("agents")
	for _, id := range model.SortedKeys(agents) {
		if strictGlobal || agentStrict[id] {
			continue
		}
		var bins []string
		for _, e := range nodeElems(agents.Get(id).Get("allowlist")) {
			pat := e.Get("pattern").Text()
			if pat == "" {
				pat = e.Text()
			}
			if IsInterpreter(pat) {
				bins = append(bins, pat)
			}
		}
		if len(bins) > 0 {
			sort.Strings(bins)
			lines = append(lines, "agent "+id+": "+strings.Join(firstN(bins, 5), ", "))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: "Interpreters allowlisted in " + p + " while tools.exec.strictInlineEval is not true:\n- " + strings.Join(lines, "\n- "),
		Paths:  []string{"tools.exec.strictInlineEval", p}}}
}

func runProfileMinimalOverridden(s *model.Snapshot) []Hit {
	if Config(s).Lookup("tools.profile").Text() != "minimal" {
		return nil
	}
	var lines, paths []string
	for _, a := range s.Doc.Agents() {
		if a.Node == nil {
			continue
		}
		if p := a.Lookup("tools.profile").Text(); p != "" && p != "minimal" {
			lines = append(lines, "agent "+a.ID+`: tools.profile="`+p+`"`)
			paths = append(paths, a.Path+".tools.profile")
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: `tools.profile="minimal" globally, but:` + "\n- " + strings.Join(lines, "\n- "), Paths: append(paths, "tools.profile")}}
}
