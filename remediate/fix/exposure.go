package fix

import (
	"github.com/hardshell/hardshell/audit"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/exposure.go: open groups that reach runtime,
// file or control-plane tools (per-agent access profiles, in the kit),
// elevated exec from open groups, group chats routed into the main session,
// and advice for the multi-user heuristic.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDSecurityTrustModelGroupScopeMain},
			Title:     "Give group chats their own sessions",
			Questions: groupScopeQuestions, Plan: groupScopePlan,
		},
		advice([]string{audit.IDSecurityTrustModelMultiUserHeuristic}, "Isolate sessions and tools for several users",
			"If the people who can reach the bot may not trust each other, split trust boundaries: one gateway (and credentials) per person or group.",
			"For intentional shared access, give each DM sender their own session: `hardshell fix` on channels.<id>.dm.scope_main_multiuser, or set session.dmScope \"per-channel-peer\".",
			"Sandbox the agents others can reach and deny runtime/filesystem/web tools they do not need: `hardshell fix` on security.exposure.* and sandbox.* findings applies the guide's read-only or no-filesystem profiles; or set agents.defaults.sandbox.mode \"all\" and tools.fs.workspaceOnly true.",
			"This finding is a heuristic: once sessions and tools are isolated, suppress it with a reason.",
		),
		Remediation{
			CheckIDs:  []string{audit.IDSecurityExposureOpenGroupsWithElevated},
			Title:     "Turn off elevated (host) exec, or narrow who may use it",
			Questions: elevatedQuestions, Plan: elevatedPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDSecurityExposureOpenGroupsWithRuntimeOrFs, audit.IDSecurityExposureOpenGroupsWithControlPlaneTools, audit.IDSecurityExposureOpenChannelsWithExec},
			Title:     "Give reachable agents a restricted access profile",
			Questions: profileQuestions, Plan: profilePlan,
		},
	)
}

func groupScopeQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("scope", "Group chat sessions", "own",
		"Each group gets its own session (remove groupScope \"main\")",
		"Groups stop sharing context with your main session.")}
}

func groupScopePlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "scope", "own"); err != nil {
		return cs, err
	}
	for _, p := range ownPaths(f) {
		if strings.HasSuffix(p, "groupScope") && s.Doc.Get(p).Text() == "main" {
			cs.Edits = append(cs.Edits, unset(f, p, "groups get their own sessions"))
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}
