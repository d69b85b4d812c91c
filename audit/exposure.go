package audit

import (
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDSecurityExposureOpenChannelsWithExec            = "security.exposure.open_channels_with_exec"
	IDSecurityExposureOpenGroupsWithControlPlaneTools = "security.exposure.open_groups_with_control_plane_tools"
	IDSecurityExposureOpenGroupsWithElevated          = "security.exposure.open_groups_with_elevated"
	IDSecurityExposureOpenGroupsWithRuntimeOrFs       = "security.exposure.open_groups_with_runtime_or_fs"
	IDSecurityTrustModelGroupScopeMain                = "security.trust_model.group_scope_main"
	IDSecurityTrustModelMultiUserHeuristic            = "security.trust_model.multi_user_heuristic"
)

// The exposure matrix (OpenClaw's security.exposure.*) crosses "who can
// trigger the bot" (openInbound) with "what the tools can reach" (the layered
// tool policy and the sandbox of each agent), and the trust-model warnings
// say when the personal-assistant model no longer holds.

const whyOpenInbound = "The guide's first priority is \"open\" inbound with tools enabled: dmPolicy=\"open\" and groupPolicy=\"open\" accept messages from anyone without restriction and are a last resort. Prompt injection is not a solved problem, so anyone who can message the bot can try to steer its tools. Lock inbound down first (pairing / allowlists), then tighten the tool policy and sandbox."

func init() {
	Register("tools",
		Check{
			ID: IDSecurityExposureOpenGroupsWithElevated, Title: "Open groupPolicy with elevated tools enabled",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "any open DM/group policy (or an allowlist containing \"*\") on an enabled channel while tools.elevated.enabled is not false",
			Remediation: `Set groupPolicy/dmPolicy to "allowlist" or "pairing", or set tools.elevated.enabled=false.`,
			Why:         "tools.elevated is a global escape hatch that runs exec on the gateway host, outside any sandbox. With an open room or open DMs, a stranger's prompt injection can ask for elevated exec; keep tools.elevated.allowFrom tight and never enable it for strangers.",
			Breaks:      "People who are not on the new allowlist can no longer trigger the bot; elevated commands stop working if you disable elevated.",
			Since:       "OpenClaw 2026.2",
			Run:         runOpenGroupsWithElevated,
		},
		Check{
			ID: IDSecurityExposureOpenGroupsWithRuntimeOrFs, Title: "Open groupPolicy with runtime/filesystem tools exposed",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical when exec/process are allowed without sandbox mode \"all\"; warn when only filesystem tools are (sandbox not \"all\", tools.fs.workspaceOnly not true)",
			Trigger:     "open inbound policy and some agent (or the implicit main agent) allows exec/process or read/write/edit/apply_patch outside a sandbox",
			Remediation: `Tighten inbound to pairing/allowlist, or for agents reachable from open channels deny group:runtime and group:fs (tools.deny) or set sandbox.mode="all".`,
			Why:         whyOpenInbound + " Runtime tools (exec, process) outside the sandbox turn a prompt injection into a shell on the gateway host; filesystem tools without a workspace guard expose every file the gateway user can read or write.",
			Breaks:      "Denying runtime/fs tools stops coding tasks from those chats; sandbox mode all needs Docker.",
			Since:       "OpenClaw 2026.2",
			Run:         runOpenGroupsWithRuntimeOrFS,
		},
		Check{
			ID: IDSecurityExposureOpenGroupsWithControlPlaneTools, Title: "Open channels expose control-plane tools",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "open inbound policy and some agent allows the gateway or cron tool (not blocked by a sandbox \"all\" that keeps the default sandbox tool deny list)",
			Remediation: `Deny group:automation (gateway, cron) for agents reachable from open channels, or tighten inbound to pairing/allowlist.`,
			Why:         whyOpenInbound + " The gateway tool can rewrite the config and restart the gateway, and cron schedules jobs that run later without anyone in the chat: a stranger could widen their own access or persist.",
			Breaks:      "Agents reachable from those chats can no longer change the gateway config or schedule jobs.",
			Since:       "OpenClaw 2026.9",
			Run:         runOpenGroupsWithControlPlane,
		},
		Check{
			ID: IDSecurityExposureOpenChannelsWithExec, Title: "Open channels can reach exec-enabled agents",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn; critical when some agent has tools.exec.security=\"full\"",
			Trigger:     "open inbound policy anywhere under channels and some agent's effective tools.exec.security is not \"deny\"",
			Remediation: `Set tools.exec.security="deny" (or "allowlist" with approvals) for agents reachable from open channels, or tighten inbound.`,
			Why:         whyOpenInbound + " exec with security allowlist or full runs commands on the host; security=full skips the allowlist entirely.",
			Breaks:      "Commands the bot ran for those chats need approval or stop working.",
			Since:       "OpenClaw 2026.7",
			Run:         runOpenChannelsWithExec,
		},
		Check{
			ID: IDSecurityTrustModelMultiUserHeuristic, Title: "Potential multi-user setup detected (personal-assistant model warning)",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "warn",
			Trigger:     "groupPolicy open, a group/guild/channel/room allowlist, dmPolicy open, \"*\" in allowFrom/groupAllowFrom, or more than one approved DM sender",
			Remediation: `If users may be mutually untrusted, split trust boundaries (separate gateways and credentials). For intentional shared access set agents.defaults.sandbox.mode="all", tools.fs.workspaceOnly=true, session.dmScope="per-channel-peer", and deny runtime/fs/web tools unless required.`,
			Why:         "OpenClaw's security model is a personal assistant: one trusted operator. When several people can message the bot, each of them can use its tools and, with the default session.dmScope=\"main\", read each other's context. Treat every sender as untrusted input and isolate sessions and tools accordingly.",
			Breaks:      "Per-peer DM sessions no longer share context across senders.",
			Since:       "OpenClaw 2026.2",
			Run:         runMultiUserHeuristic,
		},
		Check{
			ID: IDSecurityTrustModelGroupScopeMain, Title: "Group chats share the main session",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `session.groupScope="main" or a binding with session.groupScope="main"`,
			Remediation: `Remove session.groupScope="main" (groups then get their own sessions).`,
			Why:         "With groupScope main, every group conversation lands in the operator's main session: group members can read the owner's private context and inject instructions into it.",
			Breaks:      "Groups stop sharing context with your main session.",
			Since:       "OpenClaw 2026.9",
			Run:         runGroupScopeMain,
		},
	)
}

// exposureOpenSummary renders the open scopes as detail bullets and returns
// their paths.
func exposureOpenSummary(open []openScope) (string, []string) {
	var b strings.Builder
	var paths []string
	for _, o := range open {
		pol := `policy="open"`
		if o.Policy != "open" {
			pol = `allowFrom contains "*"`
		}
		b.WriteString("\n- " + o.Name() + ": " + pol + " (" + o.Path + ")")
		paths = append(paths, o.Path)
	}
	return b.String(), paths
}

func runOpenGroupsWithElevated(s *model.Snapshot) []Hit {
	open := openInbound(s)
	if len(open) == 0 || !elevatedEnabled(s) {
		return nil
	}
	detail, paths := exposureOpenSummary(open)
	how := "tools.elevated.enabled is not false"
	if Config(s).Lookup("tools.elevated.enabled").IsTrue() {
		how = "tools.elevated.enabled=true"
	}
	provs := model.SortedKeys(Config(s).Lookup("tools.elevated.allowFrom"))
	if len(provs) > 0 {
		how += "; elevated allowFrom providers: " + strings.Join(provs, ", ")
	}
	return []Hit{{
		Severity: model.Critical,
		Detail:   "Open inbound policies:" + detail + "\nElevated tools (host exec) are on: " + how + ".",
		Paths:    append(paths, "tools.elevated.enabled"),
	}}
}

func runOpenGroupsWithRuntimeOrFS(s *model.Snapshot) []Hit {
	open := openInbound(s)
	if len(open) == 0 {
		return nil
	}
	workspaceOnly := Config(s).Lookup("tools.fs.workspaceOnly").IsTrue()
	var runtime, fsOnly []string
	var paths []string
	answers := newToolAnswers(s)
	for _, a := range toolContexts(s) {
		mode := sandboxMode(s, a)
		if mode == "all" {
			continue
		}
		if rt := answers.all(a, "exec", "process"); len(rt) > 0 {
			runtime = append(runtime, contextName(a)+": "+strings.Join(rt, ", ")+" allowed, sandbox.mode="+quoteOr(mode, "off"))
			paths = append(paths, exposureAgentPath(a))
			continue
		}
		if workspaceOnly {
			continue
		}
		if fs := answers.all(a, "read", "write", "edit", "apply_patch"); len(fs) > 0 {
			fsOnly = append(fsOnly, contextName(a)+": "+strings.Join(fs, ", ")+" allowed, sandbox.mode="+quoteOr(mode, "off")+", tools.fs.workspaceOnly not true")
			paths = append(paths, exposureAgentPath(a))
		}
	}
	if len(runtime) == 0 && len(fsOnly) == 0 {
		return nil
	}
	detail, opaths := exposureOpenSummary(open)
	sev := model.Warn
	if len(runtime) > 0 {
		sev = model.Critical
	}
	var b strings.Builder
	b.WriteString("Open inbound policies:" + detail + "\nTools reachable from them:")
	for _, l := range append(runtime, fsOnly...) {
		b.WriteString("\n- " + l)
	}
	return []Hit{{Severity: sev, Detail: b.String(), Paths: append(opaths, paths...)}}
}

// exposureAgentPath is where an agent's tool policy lives (or would).
func exposureAgentPath(a model.Agent) string {
	if a.Path == "" {
		return "tools"
	}
	return a.Path
}

// controlPlaneAllowed lists gateway/cron when allowed for a. In sandbox mode
// "all" OpenClaw's default sandbox tool policy denies them unless
// tools.sandbox.tools.allow names them explicitly.
func controlPlaneAllowed(s *model.Snapshot, a model.Agent) []string {
	allowed := toolsAllowed(s, a, "gateway", "cron")
	if len(allowed) == 0 || sandboxMode(s, a) != "all" {
		return allowed
	}
	sbAllow := Config(s).Lookup("tools.sandbox.tools.allow").Strings()
	if a.Node != nil {
		sbAllow = append(sbAllow, a.Lookup("tools.sandbox.tools.allow").Strings()...)
	}
	var out []string
	for _, t := range allowed {
		for _, e := range sbAllow {
			if normTool(e) == t || normTool(e) == "group:automation" {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

func runOpenGroupsWithControlPlane(s *model.Snapshot) []Hit {
	open := openInbound(s)
	if len(open) == 0 {
		return nil
	}
	var lines, paths []string
	for _, a := range toolContexts(s) {
		if cp := controlPlaneAllowed(s, a); len(cp) > 0 {
			lines = append(lines, contextName(a)+": "+strings.Join(cp, ", ")+" allowed")
			paths = append(paths, exposureAgentPath(a))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	detail, opaths := exposureOpenSummary(open)
	return []Hit{{Severity: model.Critical,
		Detail: "Open inbound policies:" + detail + "\nControl-plane tools reachable:\n- " + strings.Join(lines, "\n- "),
		Paths:  append(opaths, paths...)}}
}

func runOpenChannelsWithExec(s *model.Snapshot) []Hit {
	open := openInbound(s)
	if len(open) == 0 {
		return nil
	}
	var lines, paths []string
	full := false
	for _, a := range toolContexts(s) {
		sec, p := execSecurity(s, a)
		if sec == "deny" {
			continue
		}
		full = full || sec == "full"
		lines = append(lines, contextName(a)+": tools.exec.security="+sec)
		paths = append(paths, p)
	}
	if len(lines) == 0 {
		return nil
	}
	sev := model.Warn
	if full {
		sev = model.Critical
	}
	detail, opaths := exposureOpenSummary(open)
	return []Hit{{Severity: sev,
		Detail: "Open inbound policies:" + detail + "\nExec-enabled agents:\n- " + strings.Join(lines, "\n- "),
		Paths:  append(opaths, paths...)}}
}

// multiUserRuntime and multiUserFS are the tools whose exposure outside a
// full sandbox the multi-user heuristic lists per agent context.
var (
	multiUserRuntime = [...]string{"exec", "process"}
	multiUserFS      = [...]string{"read", "write", "edit", "apply_patch"}
)

func runMultiUserHeuristic(s *model.Snapshot) []Hit {
	sig := multiUser(s)
	if len(sig) == 0 {
		return nil
	}
	var paths []string
	for _, m := range sig {
		paths = append(paths, m.Path)
	}
	// One line per agent context: on 50,000 agents the detail would be
	// megabytes, so each context keeps a few bytes (mode, tool bits) and
	// the detail is written by one function through writeCapped, which
	// keeps only the lines the finding shows.
	type exposed struct {
		name, mode string
		rt, fs     uint8 // bit i: multiUserRuntime[i] / multiUserFS[i] is allowed
	}
	all := toolContexts(s)
	ctxs := make([]exposed, 0, len(all))
	answers := newToolAnswers(s)
	for _, a := range all {
		e := exposed{name: a.Path, mode: sandboxMode(s, a)}
		if e.mode == "all" {
			continue
		}
		for i, t := range multiUserRuntime {
			if answers.allowed(a, t) {
				e.rt |= 1 << i
			}
		}
		for i, t := range multiUserFS {
			if answers.allowed(a, t) {
				e.fs |= 1 << i
			}
		}
		if e.rt|e.fs == 0 {
			continue
		}
		if e.name == "" {
			e.name = "agents.defaults"
		}
		ctxs = append(ctxs, e)
	}
	wsOnly := strconv.FormatBool(Config(s).Lookup("tools.fs.workspaceOnly").IsTrue())
	tools := func(w func(string), names []string, bits uint8) {
		sep := ""
		for i, t := range names {
			if bits&(1<<i) != 0 {
				w(sep)
				w(t)
				sep = ", "
			}
		}
	}
	detail := func(w func(string)) {
		w("Heuristic signals indicate this gateway may be reachable by multiple users:")
		for _, m := range sig {
			w("\n- ")
			w(m.Reason)
		}
		for i, e := range ctxs {
			if i == 0 {
				w("\nRuntime/filesystem tools are exposed without full sandboxing in at least one context:\n- ")
			} else {
				w("\n- ")
			}
			w(e.name)
			w(" (sandbox=")
			w(e.mode)
			w("; runtime=[")
			tools(w, multiUserRuntime[:], e.rt)
			w("]; fs=[")
			tools(w, multiUserFS[:], e.fs)
			w("]; fs.workspaceOnly=")
			w(wsOnly)
			w(")")
		}
		w("\nOpenClaw's security model is a personal assistant (one trusted operator), not isolation between mutually untrusted users on one gateway.")
	}
	return []Hit{{Severity: model.Warn, Detail: writeCapped(detail), detailCapped: true, Paths: paths}}
}

func runGroupScopeMain(s *model.Snapshot) []Hit {
	root := Config(s)
	var paths []string
	if root.Lookup("session.groupScope").Text() == "main" {
		paths = append(paths, "session.groupScope")
	}
	if b := root.Get("bindings"); b != nil && b.Kind == model.KindArray {
		for i, e := range b.Elems {
			if e.Lookup("session.groupScope").Text() == "main" {
				paths = append(paths, model.Index("bindings", i)+".session.groupScope")
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	sort.Strings(paths)
	return []Hit{{Severity: model.Warn, Detail: `session.groupScope="main" routes group chats into the main session:` + "\n- " + strings.Join(paths, "\n- "), Paths: paths}}
}
