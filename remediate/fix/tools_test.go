package fix_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate/fix"
)

// The fixes for the checks found by the compat sweep. runExtra plans with
// the defaults (or the given answers), prepares the change, verifies the
// finding is gone from the candidate and, with HARDSHELL_REAL_VALIDATE=1,
// validates the written keys with the real OpenClaw of the config's era.
func TestCompatRemediations(t *testing.T) {
	const twoAgentsModern = `{ gateway: { mode: "local" }, agents: { ownership: "explicit", entries: { home: {}, work: { tools: { profile: "coding" } } } } }`
	const twoAgentsGuide = `{ gateway: { mode: "local" }, agents: { list: [ { id: "main", default: true }, { id: "ops", tools: { profile: "coding" } } ] } }`
	cases := []extraCase{
		{
			name: "broad safe bins removed (global, modern)", id: "tools.exec.safe_bins_broad_behavior", kind: model.FixGuided,
			config: `{ gateway: { mode: "local" }, tools: { exec: { security: "allowlist", safeBins: ["grep", "jq", "head", "/usr/bin/sed"] } } }`,
			opts:   auditkit.Options{CLIVersion: modern},
			want:   []string{`safeBins: ["grep", "head"]`}, notWant: []string{"jq", "sed"},
		},
		{
			name: "broad safe bins removed (agent, guide era)", id: "tools.exec.safe_bins_broad_behavior", kind: model.FixGuided,
			config:  `{ gateway: { mode: "local" }, agents: { list: [ { id: "main" }, { id: "ops", tools: { exec: { safeBins: ["awk"] } } } ] } }`,
			opts:    auditkit.Options{CLIVersion: guide},
			removed: []string{`safeBins: ["awk"]`},
		},
		{
			name: "agent-to-agent off (modern)", id: "security.trust_model.cross_agent_session_access_default", kind: model.FixGuided,
			config: twoAgentsModern, opts: auditkit.Options{CLIVersion: modern},
			want: []string{`agentToAgent: {`, `enabled: false`},
		},
		{
			name: "session visibility agent (modern)", id: "security.trust_model.cross_agent_session_access_default", kind: model.FixGuided,
			config: twoAgentsModern, opts: auditkit.Options{CLIVersion: modern},
			answers: model.Answers{"how": "visibility-agent"},
			want:    []string{`visibility: "agent"`},
		},
		{
			name: "agent-to-agent off (guide era)", id: "security.trust_model.cross_agent_session_access_default", kind: model.FixGuided,
			config: twoAgentsGuide, opts: auditkit.Options{CLIVersion: guide},
			want: []string{`enabled: false`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runExtra(t, c) })
	}
}

func TestCompatRemediationChoices(t *testing.T) {
	// The guide era is offered only agent-to-agent off: 2026.2.1 has no
	// tools.sessions, and the plan refuses it even if asked.
	s := auditkit.Snapshot(t, `{ agents: { list: [ { id: "main" }, { id: "ops" } ] } }`, auditkit.Options{CLIVersion: guide})
	f := finding(t, s, "security.trust_model.cross_agent_session_access_default")
	r, ok := fix.For(f.CheckID)
	require.True(t, ok)
	qs := r.Questions(s, f)
	require.Len(t, qs, 1)
	require.Len(t, qs[0].Options, 1)
	require.Equal(t, "agent-to-agent-off", qs[0].Options[0].Value)
	require.Error(t, fix.ValidateAnswers(qs, model.Answers{"how": "visibility-agent"}))
	_, err := r.Plan(s, f, model.Answers{"how": "visibility-agent"})
	require.ErrorContains(t, err, "2026.7")

	// Keeping a flagged safe bin leaves the finding: refused.
	s = auditkit.Snapshot(t, `{ tools: { exec: { safeBins: ["jq", "sed"] } } }`, auditkit.Options{})
	f = finding(t, s, "tools.exec.safe_bins_broad_behavior")
	r, _ = fix.For(f.CheckID)
	qs = r.Questions(s, f)
	require.NoError(t, fix.ValidateAnswers(qs, model.Answers{"remove": "tools.exec|jq"}))
	_, err = r.Plan(s, f, fix.Defaults(qs, model.Answers{"remove": "tools.exec|jq"}))
	require.ErrorContains(t, err, "leaves the finding")
}
