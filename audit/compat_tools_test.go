package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

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
