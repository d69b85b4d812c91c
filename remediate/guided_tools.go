package remediate

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for tools reachable from inbound messages: elevated exec, and
// per-agent access profiles (the guide's three examples) or sandbox knobs.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"tools.elevated.allowFrom.<provider>.wildcard", "tools.elevated.allowFrom.<provider>.large", "security.exposure.open_groups_with_elevated"},
			Kind:     model.FixGuided, Title: "Turn off elevated (host) exec, or narrow who may use it",
			Questions: elevatedQuestions, Plan: elevatedPlan,
		},
		Remediation{
			CheckIDs: []string{"security.exposure.open_groups_with_runtime_or_fs", "security.exposure.open_groups_with_control_plane_tools",
				"security.exposure.open_channels_with_exec", "sandbox.scope_shared", "sandbox.workspace_rw_reachable",
				"tools.exec.host_sandbox_no_sandbox_agents", "tools.exec.host_sandbox_no_sandbox_defaults", "tools.exec.security_full_configured"},
			Kind: model.FixGuided, Title: "Give reachable agents a restricted access profile",
			Questions: profileQuestions, Plan: profilePlan,
		},
	)
}

// --- elevated ---------------------------------------------------------

// elevatedProvider is the allowFrom key of a tools.elevated.allowFrom.<p>.x id.
func elevatedProvider(s *model.Snapshot, f model.Finding) string {
	for _, p := range f.Paths {
		if rest, ok := strings.CutPrefix(p, "tools.elevated.allowFrom."); ok {
			return rest
		}
	}
	rest := strings.TrimPrefix(f.CheckID, "tools.elevated.allowFrom.")
	if i := strings.LastIndexByte(rest, '.'); i > 0 {
		return rest[:i]
	}
	return ""
}

func elevatedQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	prov := elevatedProvider(s, f)
	modes := []model.Option{{Value: "disable", Label: "Disable elevated (tools.elevated.enabled false)"}}
	if prov != "" {
		modes = append(modes, model.Option{Value: "narrow", Label: "Keep it, only for the senders below"})
	}
	qs := []model.Question{{
		ID: "mode", Kind: model.Select, Title: "Elevated exec runs commands on the gateway host",
		Options: modes, Default: "disable",
		Breaks: "Nobody can run elevated (host) commands from chat; sandboxed tools keep working.",
	}}
	if prov != "" {
		known := knownSenders(s, prov)
		seen := map[string]bool{}
		for _, k := range known {
			seen[k] = true
		}
		for _, e := range s.Doc.Get(model.Child("tools.elevated.allowFrom", prov)).Strings() {
			if e != "*" && !seen[e] {
				known = append(known, e)
				seen[e] = true
			}
		}
		def := known
		if len(def) > 5 {
			def = def[:5]
		}
		qs = append(qs, model.Question{
			ID: "senders", Kind: model.MultiSelect, Title: "Who may use elevated exec on " + prov + "?",
			Options: optionsOf(known), Default: strings.Join(def, ","), Validate: senderValidate,
			Breaks: "Senders not kept lose elevated exec.",
		})
	}
	return qs
}

func elevatedPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	switch a["mode"] {
	case "disable":
		cs.Edits = append(cs.Edits, set(f, "tools.elevated.enabled", false, "no host exec from chat"))
	case "narrow":
		prov := elevatedProvider(s, f)
		if prov == "" {
			return cs, fmt.Errorf("mode: narrow needs a provider; choose disable")
		}
		senders := a.List("senders")
		if len(senders) == 0 {
			return cs, fmt.Errorf("senders: keep at least one sender, or choose disable")
		}
		if len(senders) > 25 {
			return cs, fmt.Errorf("senders: keep at most 25 senders")
		}
		for _, x := range senders {
			if err := senderValidate(x); err != nil {
				return cs, fmt.Errorf("senders: %v", err)
			}
		}
		cs.Edits = append(cs.Edits, set(f, model.Child("tools.elevated.allowFrom", prov), toAny(senders), "elevated only for named senders"))
	default:
		return cs, fmt.Errorf("mode: %q is not disable or narrow", a["mode"])
	}
	return cs, nil
}

// --- access profiles --------------------------------------------------

// Profiles are the guide's per-agent access examples, verbatim.
var (
	profileReadOnlyAllow = []string{"read"}
	profileReadOnlyDeny  = []string{"write", "edit", "apply_patch", "exec", "process", "browser"}
	profileNoFSAllow     = []string{"sessions_list", "sessions_history", "sessions_send", "sessions_spawn", "session_status", "whatsapp", "telegram", "slack", "discord"}
	profileNoFSDeny      = []string{"read", "write", "edit", "apply_patch", "exec", "process", "browser", "canvas", "nodes", "cron", "gateway", "image"}
)

func profileQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var qs []model.Question
	for _, ag := range s.Doc.Agents() {
		qs = append(qs, model.Question{
			ID: "agent." + ag.ID, Kind: model.Select, Title: "Access profile for agent " + ag.ID,
			Help: "The guide's profiles: full access only for the owner's personal agent; read-only (sandbox all, read tool only); no filesystem/shell (sandbox, messaging and session tools only). \"sandbox\" only sets sandbox mode all, scope agent, workspace none.",
			Options: []model.Option{
				{Value: "readonly", Label: "Read-only (sandboxed, read only)"},
				{Value: "nofs", Label: "No filesystem or shell (messaging and sessions only)"},
				{Value: "sandbox", Label: "Sandbox only (mode all, scope agent, no workspace)"},
				{Value: "full", Label: "Full access (owner's personal agent only)"},
			},
			Default: "readonly",
			Breaks:  "The agent can no longer write files, run commands or drive the browser; sandboxing needs Docker on the gateway host.",
		})
	}
	return qs
}

func profileFields(choice string, needExecDeny bool) (model.Obj, error) {
	sb := func(access string) model.Obj {
		return model.Obj{{Key: "mode", Value: "all"}, {Key: "scope", Value: "agent"}, {Key: "workspaceAccess", Value: access}}
	}
	var tools model.Obj
	var out model.Obj
	switch choice {
	case "readonly":
		out = model.Obj{{Key: "sandbox", Value: sb("ro")}}
		tools = model.Obj{{Key: "allow", Value: toAny(profileReadOnlyAllow)}, {Key: "deny", Value: toAny(profileReadOnlyDeny)}}
	case "nofs":
		out = model.Obj{{Key: "sandbox", Value: sb("none")}}
		tools = model.Obj{{Key: "allow", Value: toAny(profileNoFSAllow)}, {Key: "deny", Value: toAny(profileNoFSDeny)}}
	case "sandbox":
		out = model.Obj{{Key: "sandbox", Value: sb("none")}}
	case "full":
		return model.Obj{{Key: "sandbox", Value: model.Obj{{Key: "mode", Value: "off"}}}}, nil
	default:
		return nil, fmt.Errorf("%q is not readonly, nofs, sandbox or full", choice)
	}
	if needExecDeny && choice != "sandbox" {
		tools = append(tools, model.Field{Key: "exec", Value: model.Obj{{Key: "security", Value: "deny"}}})
	}
	if tools != nil {
		out = append(out, model.Field{Key: "tools", Value: tools})
	}
	return out, nil
}

func profilePlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	needExecDeny := f.CheckID == "security.exposure.open_channels_with_exec" || f.CheckID == "tools.exec.security_full_configured"
	agents := s.Doc.Agents()
	for _, ag := range agents {
		choice := a["agent."+ag.ID]
		fields, err := profileFields(choice, needExecDeny)
		if err != nil {
			return cs, fmt.Errorf("agent.%s: %v", ag.ID, err)
		}
		if ag.Node == nil {
			if choice == "full" {
				continue
			}
			cs.Edits = append(cs.Edits, newMainAgent(s, f, fields, "agent main: "+choice+" profile"))
			continue
		}
		for _, fl := range fields {
			for _, sub := range fl.Value.(model.Obj) {
				p := ag.Path + "." + fl.Key + "." + sub.Key
				if choice == "full" {
					if ag.Node.Lookup("sandbox.mode") != nil {
						cs.Edits = append(cs.Edits, unset(f, ag.Path+".sandbox.mode", "agent "+ag.ID+": full access (no sandbox)"))
					}
					continue
				}
				if fl.Key == "tools" && (sub.Key == "allow") && ag.Node.Lookup("tools.alsoAllow") != nil {
					cs.Edits = append(cs.Edits, unset(f, ag.Path+".tools.alsoAllow", "allow and alsoAllow cannot both be set"))
				}
				cs.Edits = append(cs.Edits, set(f, p, sub.Value, "agent "+ag.ID+": "+choice+" profile"))
			}
		}
		if choice != "full" && ag.Node.Lookup("tools.profile") != nil {
			cs.Edits = append(cs.Edits, unset(f, ag.Path+".tools.profile", "agent "+ag.ID+": the explicit allow/deny lists replace the profile"))
		}
	}
	cs.After = append(cs.After, "Check each agent with `openclaw sandbox explain --agent <id>`; sandboxing needs Docker on the gateway host.")
	return cs, nil
}
