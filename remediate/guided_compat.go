package remediate

import (
	"fmt"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for the checks found by comparing hardshell with the real
// OpenClaw 2026.9.6 audit (audit/compat_tools.go): safeBins with broad
// semantics, and Gateway-wide cross-agent session access.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"tools.exec.safe_bins_broad_behavior"},
			Kind:     model.FixGuided, Title: "Take jq, sed and awk out of safeBins",
			Questions: broadSafeBinsQuestions, Plan: broadSafeBinsPlan,
		},
		Remediation{
			CheckIDs: []string{"security.trust_model.cross_agent_session_access_default"},
			Kind:     model.FixGuided, Title: "Stop agents from reading each other's sessions",
			Questions: crossAgentQuestions, Plan: crossAgentPlan,
		},
	)
}

func broadSafeBinsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{itemQuestion(detailItems(s, f), "remove", "Binaries to take out of safeBins",
		"A safe bin runs without approval because it is meant to only filter stdin; jq reads the environment and loads modules, sed and awk scripts can run commands and write files.",
		"Those binaries ask for approval again (or need an explicit allowlist entry).")}
}

func broadSafeBinsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	cs, err := dropFromLists(s, f, detailItems(s, f), a.List("remove"), "safeBins", "no binary with broad semantics runs without approval")
	if err != nil {
		return cs, fmt.Errorf("remove: %v", err)
	}
	return cs, nil
}

const (
	crossAgentOff        = "agent-to-agent-off"
	crossAgentVisibility = "visibility-agent"
)

func crossAgentQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	opts := []model.Option{{Value: crossAgentOff,
		Label: "Turn agent-to-agent access off (tools.agentToAgent.enabled: false)"}}
	if s.Era.Era == model.EraModern {
		// OpenClaw 2026.2.1 has no tools.sessions and rejects the key.
		opts = append(opts, model.Option{Value: crossAgentVisibility,
			Label: `Limit session tools to each agent's own sessions (tools.sessions.visibility: "agent")`})
	}
	return []model.Question{{
		ID: "how", Kind: model.Select, Title: "How should agents be kept out of each other's sessions?",
		Help: "OpenClaw 2026.9 lets every agent that keeps the session tools list, read and message every other agent's sessions unless agent-to-agent access is off or session visibility is narrowed. " +
			"If some agents must talk to each other, set tools.agentToAgent.allow to those ids by hand instead.",
		Options: opts, Default: crossAgentOff,
		Breaks: "Agents can no longer read or message each other's sessions (sessions_send between agents stops).",
	}}
}

func crossAgentPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	switch a["how"] {
	case crossAgentOff:
		cs.Edits = append(cs.Edits, set(f, "tools.agentToAgent.enabled", false, "agents cannot reach each other's sessions"))
	case crossAgentVisibility:
		if s.Era.Era != model.EraModern {
			return cs, fmt.Errorf("how: tools.sessions.visibility needs OpenClaw 2026.7 or later")
		}
		cs.Edits = append(cs.Edits, set(f, "tools.sessions.visibility", "agent", "session tools see only the agent's own sessions"))
	default:
		return cs, fmt.Errorf("how: %q is not one of the offered choices", a["how"])
	}
	return cs, nil
}
