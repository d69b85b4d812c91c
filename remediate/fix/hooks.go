package fix

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/hooks.go: webhook session routing (hook runs
// land in one known session instead of a caller-chosen one), a root hooks
// path, weak or reused hooks tokens, and the agents hooks may route to.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDHooksAllowedAgentIDsUnrestricted},
			Title:     "Limit which agents webhooks may target",
			Questions: hookAgentsQuestions, Plan: hookAgentsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDHooksTokenTooShort, audit.IDHooksTokenReuseGatewayToken, audit.IDHooksTokenMissing},
			Title:     "Generate a new random hooks token",
			Questions: hooksQuestions, Plan: hooksPlan,
		},
		Remediation{
			CheckIDs: []string{audit.IDHooksPathRoot},
			Title:    `Move webhooks off the root path (hooks.path "/hooks")`,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if strings.TrimSpace(configNode(s, "hooks.path").Text()) != "/" {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{
					Edits: []model.Edit{set(f, "hooks.path", "/hooks", `hooks.path "/" → "/hooks"`)},
					After: []string{restartGateway, "point webhook senders at /hooks/… instead of /…"},
				}, nil
			},
		},
		Remediation{
			CheckIDs: []string{audit.IDHooksDefaultSessionKeyUnset},
			Title:    `Keep hook runs in one known session (hooks.defaultSessionKey "` + audit.HookSessionKeyDefault + `")`,
			Plan:     planHookDefaultSession,
		},
		Remediation{
			CheckIDs: []string{audit.IDHooksRequestSessionKeyEnabled, audit.IDHooksRequestSessionKeyPrefixesMissing},
			Title:    "Stop hook payloads from choosing their session (hooks.allowRequestSessionKey false)",
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if !configNode(s, "hooks.allowRequestSessionKey").IsTrue() {
					return model.ChangeSet{}, nil
				}
				if s.Era.Era != model.EraModern {
					// OpenClaw before 2026.7 does not know the key (and
					// refuses a config that sets it): removing it is the fix.
					return model.ChangeSet{Edits: []model.Edit{{Op: model.OpUnset, Path: "hooks.allowRequestSessionKey", CheckID: f.CheckID,
						Reason: "remove hooks.allowRequestSessionKey (this OpenClaw has no such key; callers cannot pick the session)"}}, After: []string{restartGateway}}, nil
				}
				return model.ChangeSet{
					Edits: []model.Edit{set(f, "hooks.allowRequestSessionKey", false, "hook callers can no longer pick the session key")},
					After: []string{restartGateway},
				}, nil
			},
		},
	)
}

// hookMappedAgents are the agents hooks.mappings route to (and that exist).
func hookMappedAgents(s *model.Snapshot) []string {
	ids := map[string]bool{}
	for _, ag := range s.Doc.Agents() {
		ids[ag.ID] = true
	}
	var out []string
	m := s.Doc.Get("hooks.mappings")
	for i := 0; i < m.Len(); i++ {
		for _, p := range []string{"agentId", "action.agentId"} {
			if id := strings.TrimSpace(m.At(i).Lookup(p).Text()); id != "" && ids[id] && !containsS(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

func hookAgentsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var opts []model.Option
	for _, ag := range s.Doc.Agents() {
		opts = append(opts, model.Option{Value: ag.ID, Label: ag.ID})
	}
	return []model.Question{{
		ID: "agents", Kind: model.MultiSelect, Title: "Which agents may a webhook name (hooks.allowedAgentIds)?",
		Help:    "Seeded with the agents your hooks.mappings route to. None selected writes [] (hooks cannot pick an agent; they run on the default one). Prefer a dedicated low-privilege agent.",
		Options: opts, Default: strings.Join(hookMappedAgents(s), ","),
		Breaks: "Hook payloads naming an agent outside the list are refused.",
	}}
}

func hookAgentsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ids := map[string]bool{}
	for _, ag := range s.Doc.Agents() {
		ids[ag.ID] = true
	}
	chosen := a.List("agents")
	for _, id := range chosen {
		if !ids[id] {
			return cs, fmt.Errorf("agents: %q is not a configured agent", id)
		}
	}
	if s.Era.Era != model.EraModern {
		// OpenClaw before 2026.7 has no hooks.allowedAgentIds and refuses
		// a config that sets it.
		cs.After = append(cs.After, "hooks.allowedAgentIds needs OpenClaw 2026.7 or newer; until you upgrade, keep hooks.token private and route hooks only to a low-privilege agent with hooks.mappings.")
		return cs, nil
	}
	cs.Edits = append(cs.Edits, set(f, "hooks.allowedAgentIds", model.List(chosen), "webhooks may target only the listed agents"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

func hooksQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	help := "24 random bytes as 48 hex chars."
	if form, name := secretFormOf(s.Doc.Get("hooks.token")); form == formEnv {
		help += " The config uses ${" + name + "}: the new value goes to " + envPath(s) + "."
	} else if form == formSecretRef {
		help += " hooks.token is a SecretRef: rotate it in its provider."
	}
	return []model.Question{{
		ID: "rotate", Kind: model.Confirm, Title: "Generate a new hooks token?", Help: help,
		Default: "yes",
		Breaks:  "Webhook senders using the old token get 401 until they are given the new one.",
	}}
}

func hooksPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if !a.Yes("rotate") {
		return cs, nil
	}
	n := s.Doc.Get("hooks.token")
	form, _ := secretFormOf(n)
	if f.CheckID == audit.IDHooksTokenReuseGatewayToken && form == formEnv {
		// The hooks token and the gateway secret may be the same variable:
		// give hooks a variable of its own.
		if gn := s.Doc.Get("gateway.auth.token"); gn.IsEnvRef() && gn.Text() == n.Text() {
			e, err := newEnvToken(s, f.CheckID, "OPENCLAW_HOOKS_TOKEN", "separate hooks token")
			if err != nil {
				return cs, err
			}
			cs.Edits = append(cs.Edits, set(f, "hooks.token", "${OPENCLAW_HOOKS_TOKEN}", "hooks get their own token"))
			cs.Env = append(cs.Env, e)
			form = -1
		}
	}
	if form != -1 {
		rc, err := rotateSecret(s, f, "hooks.token", "hooks token")
		if err != nil {
			return cs, err
		}
		cs.Merge(rc)
	}
	cs.After = append(cs.After, hookSenders(s)...)
	return cs, nil
}

// hookSenders lists what must be given the new hooks token.
func hookSenders(s *model.Snapshot) []string {
	path := s.Doc.Get("hooks.path").Text()
	if path == "" {
		path = "/hooks"
	}
	out := []string{"Update every webhook sender with the new token (Authorization: Bearer or x-openclaw-token header) for " + path + "/*:"}
	if s.Doc.Get("hooks.gmail") != nil {
		out = append(out, "- Gmail Pub/Sub push (hooks.gmail): re-run `openclaw webhooks gmail setup` or update the push endpoint's token")
	}
	m := s.Doc.Get("hooks.mappings")
	for i := 0; i < m.Len(); i++ {
		e := m.At(i)
		name := e.Get("id").Text()
		if name == "" {
			name = e.Lookup("match.path").Text()
		}
		if name == "" {
			name = fmt.Sprintf("mapping %d", i)
		}
		out = append(out, "- hooks.mappings["+fmt.Sprint(i)+"] ("+name+")")
	}
	if len(out) == 1 {
		out = append(out, "- every service that POSTs to "+path+"/wake or "+path+"/agent")
	}
	return out
}

// planHookDefaultSession sets hooks.defaultSessionKey. When the operator
// restricts session keys to prefixes, the key is built under the first one
// so it stays inside what hooks may target.
func planHookDefaultSession(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
	if s == nil || s.Doc == nil || strings.TrimSpace(configNode(s, "hooks.defaultSessionKey").Text()) != "" {
		return model.ChangeSet{}, nil
	}
	if s.Era.Era != model.EraModern {
		// OpenClaw 2026.2.1 refuses hooks.defaultSessionKey
		// (testdata/compat/keys.md): nothing can be written for this era.
		return model.ChangeSet{After: []string{"hooks.defaultSessionKey needs OpenClaw 2026.7 or newer; after upgrading, run hardshell fix again."}}, nil
	}
	key := audit.HookSessionKeyDefault
	var prefixes []string
	for _, p := range configNode(s, "hooks.allowedSessionKeyPrefixes").Strings() {
		if p = strings.TrimSpace(p); p != "" {
			prefixes = append(prefixes, p)
		}
	}
	if len(prefixes) > 0 {
		inside := false
		for _, p := range prefixes {
			inside = inside || strings.HasPrefix(key, p)
		}
		if !inside {
			key = prefixes[0] + "ingress"
		}
	}
	return model.ChangeSet{
		Edits: []model.Edit{set(f, "hooks.defaultSessionKey", key, "hook runs without a sessionKey go to "+key)},
		After: []string{restartGateway},
	}, nil
}
