package fix

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/tools.go: the exec approvals file
// (<state>/exec-approvals.json: autoAllowSkills, allowlisted interpreters),
// safe bins (broad or unprofiled) and their trusted dirs, agents that deny
// file tools but keep exec, agents that widen a global minimal profile,
// elevated exec, host exec without a sandbox, and Gateway-wide cross-agent
// session access.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecSafeBinsBroadBehavior},
			Title:     "Take jq, sed and awk out of safeBins",
			Questions: broadSafeBinsQuestions, Plan: broadSafeBinsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDSecurityTrustModelCrossAgentSessionAccessDefault},
			Title:     "Stop agents from reading each other's sessions",
			Questions: crossAgentQuestions, Plan: crossAgentPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecAutoAllowSkillsEnabled},
			Title:     "Stop auto-allowing skill binaries in exec approvals",
			Questions: autoAllowQuestions, Plan: autoAllowPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecAllowlistInterpreterWithoutStrictInlineEval},
			Title:     "Make allowlisted interpreters ask before inline code",
			Questions: inlineEvalQuestions, Plan: inlineEvalPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecSafeBinsInterpreterUnprofiled},
			Title:     "Take interpreters out of safeBins",
			Questions: safeBinsQuestions, Plan: safeBinsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecSafeBinTrustedDirsRisky},
			Title:     "Trust only system directories for safe bins",
			Questions: trustedDirsQuestions, Plan: trustedDirsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecFsToolsDisabledButExecEnabled},
			Title:     "Make read-only agents really read-only",
			Questions: fsExecQuestions, Plan: fsExecPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsProfileMinimalOverridden},
			Title:     "Keep agents on the global minimal tool profile",
			Questions: minimalQuestions, Plan: minimalPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsElevatedAllowFromWildcard, audit.IDToolsElevatedAllowFromLarge},
			Title:     "Turn off elevated (host) exec, or narrow who may use it",
			Questions: elevatedQuestions, Plan: elevatedPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDToolsExecHostSandboxNoSandboxAgents, audit.IDToolsExecHostSandboxNoSandboxDefaults, audit.IDToolsExecSecurityFullConfigured},
			Title:     "Give reachable agents a restricted access profile",
			Questions: profileQuestions, Plan: profilePlan,
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

// approvalsDoc parses <state>/exec-approvals.json as a document, so edits
// to it keep its formatting and comments.
func approvalsDoc(s *model.Snapshot) (*model.Document, error) {
	if s == nil || s.FS == nil || !s.FS.ExecApprovals.Exists || s.FS.ExecApprovals.IsDir {
		return nil, fmt.Errorf("no exec approvals file in %s", s.Target.StateDir)
	}
	return model.ParseFileFS(s.Sys(), s.FS.ExecApprovals.Path)
}

// approvalsWrite renders edits to the approvals file as a whole-file write.
func approvalsWrite(doc *model.Document, f model.Finding, edits []model.Edit, reason string) (model.ChangeSet, error) {
	var cs model.ChangeSet
	files, err := doc.Apply(edits)
	if err != nil {
		return cs, err
	}
	p := doc.RootFile().Path
	if data, ok := files[p]; ok {
		cs.Writes = append(cs.Writes, model.FileWrite{Path: p, Data: data, Mode: 0o600, CheckID: f.CheckID, Reason: reason})
	}
	return cs, nil
}

func autoAllowQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("skills", "Skill binaries in "+filepath.Base(execApprovalsPath(s)), "ask",
		"Ask before a skill binary runs the first time (autoAllowSkills false)",
		"Skill binaries ask for approval the first time they run; approve the ones you trust.")}
}

func execApprovalsPath(s *model.Snapshot) string {
	if s != nil && s.FS != nil && s.FS.ExecApprovals.Path != "" {
		return s.FS.ExecApprovals.Path
	}
	return "exec-approvals.json"
}

func autoAllowPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	if err := requireOnly(a, "skills", "ask"); err != nil {
		return model.ChangeSet{}, err
	}
	doc, err := approvalsDoc(s)
	if err != nil {
		return model.ChangeSet{}, err
	}
	var edits []model.Edit
	if doc.Get("defaults.autoAllowSkills").IsTrue() {
		edits = append(edits, model.Edit{Op: model.OpSet, Path: "defaults.autoAllowSkills", Value: false, CheckID: f.CheckID, Reason: "skill binaries need approval"})
	}
	agents := doc.Get("agents")
	for _, id := range model.SortedKeys(agents) {
		if agents.Get(id).Get("autoAllowSkills").IsTrue() {
			edits = append(edits, model.Edit{Op: model.OpSet, Path: model.Child(model.Child("agents", id), "autoAllowSkills"), Value: false, CheckID: f.CheckID, Reason: "agent " + id + ": skill binaries need approval"})
		}
	}
	cs, err := approvalsWrite(doc, f, edits, "autoAllowSkills off")
	if err != nil {
		return cs, err
	}
	cs.After = append(cs.After, "Approve skill binaries as they are first used (the approval prompt, or `openclaw approvals`).")
	return cs, nil
}

func allowlistPattern(e *model.Node) string {
	if p := e.Get("pattern").Text(); p != "" {
		return p
	}
	return e.Text()
}

func inlineEvalQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	def := "strict"
	if s.Era.Era != model.EraModern {
		def = "remove"
	}
	return []model.Question{{
		ID: "how", Kind: model.Select, Title: "Allowlisted interpreters run inline code (python3 -c, node -e) without asking",
		Help: "strict sets tools.exec.strictInlineEval true (OpenClaw 2026.4+): inline invocations of allowlisted interpreters ask for approval. remove deletes the interpreters from the exec approvals allowlist.",
		Options: []model.Option{
			{Value: "strict", Label: "Ask before inline code (tools.exec.strictInlineEval true)"},
			{Value: "remove", Label: "Remove the interpreters from " + filepath.Base(execApprovalsPath(s))},
		},
		Default: def,
		Breaks:  "Inline interpreter calls (strict) or every interpreter call (remove) ask for approval again.",
	}}
}

func inlineEvalPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	switch a["how"] {
	case "strict":
		if s.Era.Era != model.EraModern {
			return cs, fmt.Errorf("how: this OpenClaw is older than 2026.4 and has no tools.exec.strictInlineEval; choose remove")
		}
		cs.Edits = append(cs.Edits, set(f, "tools.exec.strictInlineEval", true, "inline interpreter code asks for approval"))
		cs.After = append(cs.After, restartGateway)
		return cs, nil
	case "remove":
	default:
		return cs, fmt.Errorf("how: %q is not strict or remove", a["how"])
	}
	doc, err := approvalsDoc(s)
	if err != nil {
		return cs, err
	}
	var edits []model.Edit
	agents := doc.Get("agents")
	for _, id := range model.SortedKeys(agents) {
		list := agents.Get(id).Get("allowlist")
		base := model.Child(model.Child("agents", id), "allowlist")
		// Remove from the end so earlier indices stay valid.
		for i := list.Len() - 1; i >= 0; i-- {
			if audit.IsInterpreter(allowlistPattern(list.At(i))) {
				edits = append(edits, model.Edit{Op: model.OpUnset, Path: model.Index(base, i), CheckID: f.CheckID, Reason: "agent " + id + ": " + allowlistPattern(list.At(i)) + " needs approval"})
			}
		}
	}
	cs, err = approvalsWrite(doc, f, edits, "interpreters removed from the exec allowlist")
	if err != nil {
		return cs, err
	}
	cs.After = append(cs.After, "Interpreters now ask for approval each time; approve specific scripts rather than the interpreter.")
	return cs, nil
}

// execScopePath maps the audit's scope names ("global", "agent main") to
// the tools.exec path of that scope.
func execScopePath(s *model.Snapshot, name string) string {
	if name == "global" {
		return "tools.exec"
	}
	id := strings.TrimPrefix(name, "agent ")
	for _, ag := range s.Doc.Agents() {
		if ag.ID == id && ag.Node != nil {
			return ag.Path + ".tools.exec"
		}
	}
	return ""
}

// detailItems reads "- scope: value[ (why)]" lines of a finding as
// (tools.exec path, value) pairs.
func detailItems(s *model.Snapshot, f model.Finding) [][2]string {
	var out [][2]string
	for _, line := range strings.Split(f.Detail, "\n") {
		rest, ok := strings.CutPrefix(line, "- ")
		if !ok {
			continue
		}
		scope, v, ok := strings.Cut(rest, ": ")
		if !ok {
			continue
		}
		if i := strings.LastIndex(v, " ("); i > 0 && strings.HasSuffix(v, ")") {
			v = v[:i]
		}
		if p := execScopePath(s, scope); p != "" {
			out = append(out, [2]string{p, v})
		}
	}
	return out
}

// dropFromLists removes the chosen "path|value" items from string lists.
func dropFromLists(s *model.Snapshot, f model.Finding, items [][2]string, chosen []string, key, reason string) (model.ChangeSet, error) {
	var cs model.ChangeSet
	valid := map[string]bool{}
	for _, it := range items {
		valid[it[0]+"|"+it[1]] = true
	}
	drop := map[string]map[string]bool{}
	for _, c := range chosen {
		if !valid[c] {
			return cs, fmt.Errorf("%q is not one of the flagged entries", c)
		}
		p, v, _ := strings.Cut(c, "|")
		if drop[p] == nil {
			drop[p] = map[string]bool{}
		}
		drop[p][v] = true
	}
	for k := range valid {
		p, v, _ := strings.Cut(k, "|")
		if !drop[p][v] {
			return cs, fmt.Errorf("keeping %s in %s.%s leaves the finding; remove it, or suppress the finding if it is intended", v, p, key)
		}
	}
	paths := make([]string, 0, len(drop))
	for p := range drop {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		var keep []string
		for _, v := range s.Doc.Get(p + "." + key).Strings() {
			if !drop[p][v] {
				keep = append(keep, v)
			}
		}
		if len(keep) == 0 {
			cs.Edits = append(cs.Edits, unset(f, p+"."+key, reason))
		} else {
			cs.Edits = append(cs.Edits, set(f, p+"."+key, model.List(keep), reason))
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

func itemQuestion(items [][2]string, id, title, help, breaks string) model.Question {
	var opts []model.Option
	var def []string
	for _, it := range items {
		v := it[0] + "|" + it[1]
		opts = append(opts, model.Option{Value: v, Label: it[1] + "  (" + it[0] + ")"})
		def = append(def, v)
	}
	return model.Question{ID: id, Kind: model.MultiSelect, Title: title, Help: help, Options: opts, Default: strings.Join(def, ","), Breaks: breaks}
}

func safeBinsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{itemQuestion(detailItems(s, f), "remove", "Interpreters to take out of safeBins",
		"A safe bin runs without approval; an interpreter accepts any code inline (python3 -c, bash -c), so it is an unapproved shell.",
		"Those interpreters ask for approval again.")}
}

func safeBinsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	cs, err := dropFromLists(s, f, detailItems(s, f), a.List("remove"), "safeBins", "no interpreter runs without approval")
	if err != nil {
		return cs, fmt.Errorf("remove: %v", err)
	}
	return cs, nil
}

func trustedDirsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{itemQuestion(detailItems(s, f), "remove", "Directories to stop trusting for safe bins",
		"Anyone who can write to a trusted directory can plant a binary with a safe name. Keep root-owned system dirs such as /usr/bin and /bin.",
		"Safe bins installed only in those directories ask for approval.")}
}

func trustedDirsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	cs, err := dropFromLists(s, f, detailItems(s, f), a.List("remove"), "safeBinTrustedDirs", "only system directories are trusted for safe bins")
	if err != nil {
		return cs, fmt.Errorf("remove: %v", err)
	}
	if s.Era.Era != model.EraModern {
		// OpenClaw 2026.2.1 refuses safeBinTrustedDirs altogether: remove
		// the lists rather than keep an entry the loader rejects.
		for i, e := range cs.Edits {
			cs.Edits[i] = unset(f, e.Path, "this OpenClaw has no safeBinTrustedDirs")
		}
	}
	return cs, nil
}

// fsExecTargets are the agents whose tools blocks the finding names (an
// agent's path, or "tools" for the implicit main agent).
func fsExecTargets(s *model.Snapshot, f model.Finding) []model.Agent {
	var out []model.Agent
	for _, ag := range s.Doc.Agents() {
		p := ag.Path
		if p == "" {
			p = "tools"
		}
		if containsS(f.Paths, p) {
			out = append(out, ag)
		}
	}
	return out
}

func fsExecQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var qs []model.Question
	for _, ag := range fsExecTargets(s, f) {
		qs = append(qs, model.Question{
			ID: "agent." + ag.ID, Kind: model.Select, Title: "Agent " + ag.ID + " denies file tools but can still run commands",
			Options: []model.Option{
				{Value: "deny", Label: "Deny exec and process too (tools.deny)"},
				{Value: "sandbox", Label: "Keep exec, in a sandbox (mode all, workspaceAccess ro)"},
			},
			Default: "deny",
			Breaks:  "The agent can no longer run commands (deny), or runs them in Docker without write access to its workspace (sandbox).",
		})
	}
	return qs
}

func fsExecPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	for _, ag := range fsExecTargets(s, f) {
		choice := a["agent."+ag.ID]
		switch choice {
		case "deny":
			path := "tools.deny"
			if ag.Path != "" {
				path = ag.Path + ".tools.deny"
			}
			deny := s.Doc.Get(path).Strings()
			out := append([]string(nil), deny...)
			for _, t := range []string{"exec", "process"} {
				if !containsS(out, t) {
					out = append(out, t)
				}
			}
			cs.Edits = append(cs.Edits, set(f, path, model.List(out), "agent "+ag.ID+": no commands either"))
		case "sandbox":
			base := "agents.defaults.sandbox"
			if ag.Path != "" {
				base = ag.Path + ".sandbox"
			}
			cs.Edits = append(cs.Edits,
				set(f, base+".mode", "all", "agent "+ag.ID+": commands run in the sandbox"),
				set(f, base+".workspaceAccess", "ro", "agent "+ag.ID+": read-only workspace"))
			cs.After = append(cs.After, "The sandbox needs Docker on the gateway host; check with `openclaw sandbox explain --agent "+ag.ID+"`.")
		default:
			return cs, fmt.Errorf("agent.%s: %q is not deny or sandbox", ag.ID, choice)
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

func minimalQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{{
		ID: "how", Kind: model.Select, Title: "Agents that set their own tools.profile over the global \"minimal\"",
		Help: "An agent's profile replaces the global one. Removing it makes the agent inherit minimal; for an agent that really needs more, suppress this finding instead.",
		Options: []model.Option{
			{Value: "inherit", Label: "Remove the agents' tools.profile (inherit minimal)"},
			{Value: "minimal", Label: `Set the agents' tools.profile to "minimal" explicitly`},
		},
		Default: "inherit",
		Breaks:  "Those agents lose the tools of their own profile (coding, messaging or full).",
	}}
}

func minimalPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	how := a["how"]
	if how != "inherit" && how != "minimal" {
		return cs, fmt.Errorf("how: %q is not inherit or minimal", how)
	}
	for _, ag := range s.Doc.Agents() {
		if ag.Node == nil {
			continue
		}
		if p := ag.Node.Lookup("tools.profile").Text(); p == "" || p == "minimal" {
			continue
		}
		path := ag.Path + ".tools.profile"
		if how == "inherit" {
			cs.Edits = append(cs.Edits, unset(f, path, "agent "+ag.ID+": inherit the global minimal profile"))
		} else {
			cs.Edits = append(cs.Edits, set(f, path, "minimal", "agent "+ag.ID+": minimal profile"))
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}
