package audit

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestToolsElevatedAllowFrom(t *testing.T) {
	r := checkRun(t, `{ tools: { elevated: { allowFrom: { whatsapp: ["*"], telegram: ["123456789"] } } } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.elevated.allowFrom.whatsapp.wildcard", model.Critical)
	require.Equal(t, []string{"tools.elevated.allowFrom.whatsapp"}, f.Paths)
	requireNoHit(t, r, "tools.elevated.allowFrom.telegram.wildcard")

	ids := make([]string, 30)
	for i := range ids {
		ids[i] = `"` + strconv.Itoa(100000+i) + `"`
	}
	r = checkRun(t, `{ tools: { elevated: { enabled: true, allowFrom: { telegram: [`+strings.Join(ids, ",")+`] } } } }`, auditkit.Options{})
	requireHit(t, r, "tools.elevated.allowFrom.telegram.large", model.Warn)

	// Disabled elevated: nothing, even with "*".
	r = checkRun(t, `{ tools: { elevated: { enabled: false, allowFrom: { whatsapp: ["*"] } } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.elevated.allowFrom.whatsapp.wildcard")
}

func TestToolsExecHostSandbox(t *testing.T) {
	r := checkRun(t, `{ tools: { exec: { host: "sandbox" } }, agents: { defaults: { sandbox: { mode: "off" } } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.host_sandbox_no_sandbox_defaults", model.Warn)
	r = checkRun(t, `{ tools: { exec: { host: "sandbox" } }, agents: { defaults: { sandbox: { mode: "non-main" } } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.host_sandbox_no_sandbox_defaults")

	r = checkRun(t, `{ agents: { defaults: { sandbox: { mode: "all" } }, list: [
    { id: "main" },
    { id: "ops", sandbox: { mode: "off" }, tools: { exec: { host: "sandbox" } } },
  ] } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.exec.host_sandbox_no_sandbox_agents", model.Warn)
	require.Contains(t, f.Detail, "ops")
	// modern era
	r = checkRun(t, `{ agents: { entries: { ops: { tools: { exec: { host: "sandbox" } } } } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.host_sandbox_no_sandbox_agents", model.Warn)
}

func TestToolsSafeBins(t *testing.T) {
	r := checkRun(t, `{ tools: { exec: { safeBins: ["jq", "python3", "/usr/bin/node"], safeBinProfiles: { python3: { maxArgs: 2 } },
    safeBinTrustedDirs: ["/usr/bin", "/usr/local/bin", "bin", "/tmp/tools", "/home/me/.local/bin"] } } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.exec.safe_bins_interpreter_unprofiled", model.Warn)
	require.Contains(t, f.Detail, "/usr/bin/node")
	require.NotContains(t, f.Detail, "python3")
	f = requireHit(t, r, "tools.exec.safe_bin_trusted_dirs_risky", model.Warn)
	for _, d := range []string{"/usr/local/bin", "bin (relative", "/tmp/tools", "/home/me/.local/bin"} {
		require.Contains(t, f.Detail, d)
	}
	require.NotContains(t, f.Detail, "/usr/bin ")
	r = checkRun(t, `{ tools: { exec: { safeBins: ["jq", "grep"], safeBinTrustedDirs: ["/usr/bin", "/bin"] } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.safe_bins_interpreter_unprofiled")
	requireNoHit(t, r, "tools.exec.safe_bin_trusted_dirs_risky")
}

func TestToolsExecSecurityFull(t *testing.T) {
	r := checkRun(t, `{ tools: { exec: { security: "full", ask: "off" } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.security_full_configured", model.Warn)
	r = checkRun(t, `{ tools: { exec: { security: "full" } }, channels: { whatsapp: { groupPolicy: "open" } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.security_full_configured", model.Critical)
	// Agent override wins over the global setting.
	r = checkRun(t, `{ tools: { exec: { security: "full" } }, agents: { list: [ { id: "main", tools: { exec: { security: "allowlist" } } } ] } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.security_full_configured")
}

func TestToolsFSDisabledExecEnabled(t *testing.T) {
	r := checkRun(t, `{ tools: { deny: ["write", "edit", "apply_patch"] } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.fs_tools_disabled_but_exec_enabled", model.Warn)
	// The guide's read-only profile: sandbox + ro workspace.
	r = checkRun(t, `{ tools: { deny: ["write", "edit", "apply_patch"] }, agents: { defaults: { sandbox: { mode: "all", workspaceAccess: "ro" } } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.fs_tools_disabled_but_exec_enabled")
	r = checkRun(t, `{ tools: { deny: ["write", "edit", "apply_patch", "exec", "process"] } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.fs_tools_disabled_but_exec_enabled")
}

func TestToolsExecApprovals(t *testing.T) {
	approvals := `{
  "version": 1,
  "socket": { "path": "/tmp/sock", "token": "sk-approvals-secret-token-abcdef" },
  "defaults": { "security": "allowlist", "autoAllowSkills": true },
  "agents": { "main": { "allowlist": [ { "id": "1", "pattern": "/usr/bin/python3" }, { "id": "2", "pattern": "/usr/bin/jq" } ] } }
}`
	files := []auditkit.File{{Path: "exec-approvals.json", Data: approvals}}
	r := checkRun(t, `{}`, auditkit.Options{Files: files})
	f := requireHit(t, r, "tools.exec.auto_allow_skills_enabled", model.Warn)
	require.NotContains(t, f.Detail, "sk-approvals")
	f = requireHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval", model.Warn)
	require.Contains(t, f.Detail, "/usr/bin/python3")
	require.NotContains(t, f.Detail, "jq")

	r = checkRun(t, `{ tools: { exec: { strictInlineEval: true } } }`, auditkit.Options{Files: files})
	requireNoHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval")
	r = checkRun(t, `{ agents: { list: [ { id: "main", tools: { exec: { strictInlineEval: true } } } ] } }`, auditkit.Options{Files: files})
	requireNoHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval")

	// No file: nothing.
	r = checkRun(t, `{}`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.auto_allow_skills_enabled")
	requireNoHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval")
}

func TestToolsProfileMinimalOverridden(t *testing.T) {
	r := checkRun(t, `{ tools: { profile: "minimal" }, agents: { list: [ { id: "main" }, { id: "dev", tools: { profile: "coding" } } ] } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.profile_minimal_overridden", model.Warn)
	require.Contains(t, f.Detail, "dev")
	r = checkRun(t, `{ tools: { profile: "coding" }, agents: { list: [ { id: "dev", tools: { profile: "full" } } ] } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.profile_minimal_overridden")
}

func TestCompatSafeBinsBroad(t *testing.T) {
	const id = "tools.exec.safe_bins_broad_behavior"
	cases := []struct {
		name   string
		config string
		want   bool
		paths  []string
		lines  []string // substrings of the detail
	}{
		{name: "global jq and gawk by path",
			config: `{ tools: { exec: { security: "allowlist", safeBins: ["grep", "/usr/bin/GAWK", "jq", "head"] } } }`,
			want:   true, paths: []string{"tools.exec.safeBins"},
			lines: []string{"- global: /usr/bin/GAWK (awk-family interpreters", "- global: jq (jq can read environment data"}},
		{name: "guide-era agent sed.exe",
			config: `{ agents: { list: [ { id: "main" }, { id: "ops", tools: { exec: { safeBins: ["sed.exe", "wc"] } } } ] } }`,
			want:   true, paths: []string{"agents.list[1].tools.exec.safeBins"},
			lines: []string{"- agent ops: sed.exe (sed scripts can execute commands"}},
		{name: "modern agent and global",
			config: `{ tools: { exec: { safeBins: ["mawk"] } }, agents: { entries: { ops: { tools: { exec: { safeBins: ["gsed", "jq"] } } } } } }`,
			want:   true, paths: []string{"tools.exec.safeBins", "agents.entries.ops.tools.exec.safeBins"},
			lines: []string{"- global: mawk (", "- agent ops: gsed (", "- agent ops: jq ("}},
		{name: "plain stream filters only",
			config: `{ tools: { exec: { safeBins: ["grep", "head", "tail", "wc", "sort", "jqx", "awkward"] } } }`},
		{name: "no safeBins", config: `{ tools: { exec: { security: "deny" } } }`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{})
			if !tc.want {
				requireNoHit(t, r, id)
				return
			}
			f := requireHit(t, r, id, model.Warn)
			require.Equal(t, "safeBins includes binaries with broader semantics than low-risk stream filters", f.Title)
			require.Equal(t, tc.paths, f.Paths)
			for _, l := range tc.lines {
				require.Contains(t, f.Detail, l)
			}
		})
	}
}

func TestCompatCrossAgentSessionAccess(t *testing.T) {
	const id = "security.trust_model.cross_agent_session_access_default"
	cases := []struct {
		name   string
		config string
		opts   auditkit.Options
		sev    model.Severity
		none   bool // expect no finding
		detail []string
	}{
		{name: "include-tree shape: non-main sandbox, agent profile, group allowlist (as 2026.9.6 reports)",
			config: `{
  agents: { defaults: { sandbox: { mode: "non-main" } },
    list: [ { id: "main", default: true }, { id: "ops", tools: { profile: "coding" } } ] },
  channels: { whatsapp: { groupPolicy: "allowlist", groups: { "120363000000000000@g.us": { requireMention: true } } } },
}`,
			sev: model.Warn,
			detail: []string{"Agents: main, ops",
				"- main: unsandboxed main session; allowed session tools: sessions_list, sessions_history, sessions_search, sessions_send, session_status.",
				"- ops: unsandboxed main session; allowed session tools: sessions_list, sessions_history, sessions_search, sessions_send, session_status.",
				`- main: sandbox.mode="non-main"`, "- ops: agent-level tool restrictions (tools.profile)",
				`channels.whatsapp.groupPolicy="allowlist" with configured group targets`}},
		{name: "two plain agents, no signals: info",
			config: `{ agents: { entries: { home: {}, work: {} } } }`,
			sev:    model.Info,
			detail: []string{"- home: unsandboxed sessions; allowed session tools: sessions_list, sessions_history, sessions_search, sessions_send, session_status."}},
		{name: "one agent", config: `{ agents: { entries: { main: { tools: { profile: "coding" } } } } }`, none: true},
		{name: "no agents (implicit main)", config: `{ tools: { profile: "coding" } }`, none: true},
		{name: "agent-to-agent disabled",
			config: `{ tools: { agentToAgent: { enabled: false } }, agents: { entries: { home: {}, work: {} } } }`, none: true},
		{name: "agent-to-agent allow list",
			config: `{ tools: { agentToAgent: { enabled: true, allow: ["home", "work"] } }, agents: { entries: { home: {}, work: {} } } }`, none: true},
		{name: "visibility agent",
			config: `{ tools: { sessions: { visibility: "agent" } }, agents: { entries: { home: {}, work: {} } } }`, none: true},
		{name: "invalid visibility resolves to all",
			config: `{ tools: { sessions: { visibility: "everyone" } }, agents: { entries: { home: {}, work: {} } } }`,
			sev:    model.Info},
		{name: "every agent sandboxed all and clamped: nobody reaches",
			config: `{ agents: { defaults: { sandbox: { mode: "all" } }, entries: { home: {}, work: {} } } }`, none: true},
		{name: "clamp disabled: sandboxed agents reach, sandbox is a signal",
			config: `{ agents: { defaults: { sandbox: { mode: "all", sessionToolsVisibility: "all" } }, entries: { home: {}, work: {} } } }`,
			sev:    model.Warn,
			detail: []string{"- home: sandboxed sessions (clamp disabled); allowed session tools:", `- work: sandbox.mode="all"`}},
		{name: "session tools denied everywhere",
			config: `{ tools: { deny: ["group:sessions"] }, agents: { entries: { home: {}, work: {} } } }`, none: true},
		{name: "one agent keeps session_status under minimal, the other is locked down",
			config: `{ agents: { list: [ { id: "main", tools: { profile: "minimal" } }, { id: "public", tools: { deny: ["group:sessions"] } } ] } }`,
			sev:    model.Warn,
			detail: []string{"- main: unsandboxed sessions; allowed session tools: session_status.",
				"- public: session tools removed by agent tool policy; its transcripts remain readable by the agents above.",
				"- public: agent-level tool restrictions (tools.deny)"}},
		{name: "open DM is a trust signal",
			config: `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } }, agents: { entries: { home: {}, work: {} } } }`,
			sev:    model.Warn,
			detail: []string{`channels.telegram.dmPolicy="open"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, tc.opts)
			if tc.none {
				requireNoHit(t, r, id)
				return
			}
			f := requireHit(t, r, id, tc.sev)
			require.Equal(t, "Agents share Gateway-wide session access (default)", f.Title)
			for _, d := range tc.detail {
				require.Contains(t, f.Detail, d)
			}
		})
	}
}
