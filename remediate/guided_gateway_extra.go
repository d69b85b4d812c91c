package remediate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for the gateway's HTTP surface, paired-node commands, hook
// agent routing and log redaction of internal hosts.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"gateway.http.no_auth", "browser.control_no_auth"},
			Kind:     model.FixGuided, Title: "Require a generated gateway token",
			Questions: requireTokenQuestions, Plan: requireTokenPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.tools_invoke_http.dangerous_allow"},
			Kind:     model.FixGuided, Title: "Keep control-plane tools off HTTP /tools/invoke",
			Questions: httpToolsQuestions, Plan: httpToolsPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.nodes.allow_commands_dangerous"},
			Kind:     model.FixGuided, Title: "Stop allowing high-impact node commands",
			Questions: nodeAllowQuestions, Plan: nodeAllowPlan,
		},
		Remediation{
			CheckIDs: []string{"gateway.nodes.deny_commands_ineffective"},
			Kind:     model.FixGuided, Title: "Use exact command names in the node deny list",
			Questions: nodeDenyQuestions, Plan: nodeDenyPlan,
		},
		Remediation{
			CheckIDs: []string{"hooks.allowed_agent_ids_unrestricted"},
			Kind:     model.FixGuided, Title: "Limit which agents webhooks may target",
			Questions: hookAgentsQuestions, Plan: hookAgentsPlan,
		},
		Remediation{
			CheckIDs: []string{"logging.redact_patterns_missing"},
			Kind:     model.FixGuided, Title: "Mask internal hosts in logs (logging.redactPatterns)",
			Questions: redactQuestions, Plan: redactPlan,
		},
	)
}

// --- gateway token for HTTP and browser control -------------------------

func requireTokenQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	q := onlyOption("auth", "Protect the gateway's HTTP APIs and browser control", "token",
		"Generate a 48-hex-char token (${OPENCLAW_GATEWAY_TOKEN} in "+envPath(s)+")",
		"Every gateway client (dashboard, remote CLI, paired apps, HTTP callers) must present the token.")
	q.Help = "A configured gateway.auth.token is reused; otherwise a new random token goes to the state dir's .env and the config reads it as ${OPENCLAW_GATEWAY_TOKEN}."
	return []model.Question{q}
}

func requireTokenPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "auth", "token"); err != nil {
		return cs, err
	}
	mode := strings.ToLower(strings.TrimSpace(s.Doc.Get("gateway.auth.mode").Text()))
	if form, _ := secretFormOf(s.Doc.Get("gateway.auth.token")); form == formMissing {
		w, err := newEnvToken(s, f.CheckID, "OPENCLAW_GATEWAY_TOKEN", "new gateway token")
		if err != nil {
			return cs, err
		}
		cs.Edits = append(cs.Edits, set(f, "gateway.auth.token", "${OPENCLAW_GATEWAY_TOKEN}", "read the gateway token from ${OPENCLAW_GATEWAY_TOKEN}"))
		cs.Writes = append(cs.Writes, w)
		cs.After = append(cs.After, "The new token is in "+envPath(s)+" as OPENCLAW_GATEWAY_TOKEN; if the gateway service does not read that .env, set the variable in its environment.")
	}
	// trusted-proxy keeps its mode: a token only protects browser control there.
	if mode != "token" && mode != "trusted-proxy" {
		cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require the gateway token"))
	}
	cs.After = append(cs.After, restartGateway, "Give every client the token (openclaw dashboard, gateway.remote.token on remote CLIs, paired apps, Authorization: Bearer on HTTP calls).")
	return cs, nil
}

// --- /tools/invoke -------------------------------------------------------

// httpDangerousTools are the tools OpenClaw denies over HTTP by default
// (the audit's gateway.tools_invoke_http.dangerous_allow list).
var httpDangerousTools = map[string]bool{"sessions_spawn": true, "sessions_send": true, "cron": true, "gateway": true, "whatsapp_login": true, "desktop": true, "nodes": true}

func httpToolsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var hit []string
	for _, t := range s.Doc.Get("gateway.tools.allow").Strings() {
		if httpDangerousTools[strings.ToLower(strings.TrimSpace(t))] {
			hit = append(hit, t)
		}
	}
	return []model.Question{onlyOption("remove", "Remove "+strings.Join(hit, ", ")+" from gateway.tools.allow", "remove",
		"Remove them (back to OpenClaw's HTTP deny list)",
		"HTTP automations that call these tools through /tools/invoke get refused.")}
}

func httpToolsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "remove", "remove"); err != nil {
		return cs, err
	}
	var keep []string
	for _, t := range s.Doc.Get("gateway.tools.allow").Strings() {
		if !httpDangerousTools[strings.ToLower(strings.TrimSpace(t))] {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		cs.Edits = append(cs.Edits, unset(f, "gateway.tools.allow", "no tool is re-enabled over HTTP"))
	} else {
		cs.Edits = append(cs.Edits, set(f, "gateway.tools.allow", toAny(keep), "control-plane tools stay denied over HTTP"))
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- node commands ---------------------------------------------------------

// dangerousNodeCommands are OpenClaw's DEFAULT_DANGEROUS_NODE_COMMANDS.
var dangerousNodeCommands = []string{"camera.snap", "camera.clip", "screen.record", "contacts.add", "calendar.add", "reminders.add", "sms.send"}

// flaggedNodeCommands are the dangerous commands allowed and not denied.
func flaggedNodeCommands(s *model.Snapshot) []string {
	allow, _ := s.Doc.NodeCommands("allow")
	deny, _ := s.Doc.NodeCommands("deny")
	var out []string
	for _, c := range dangerousNodeCommands {
		if containsS(allow, c) && !containsS(deny, c) {
			out = append(out, c)
		}
	}
	return out
}

func nodeAllowQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	_, allowPath := s.Doc.NodeCommands("allow")
	return []model.Question{{
		ID: "how", Kind: model.Select, Title: "Node commands " + strings.Join(flaggedNodeCommands(s), ", "),
		Help: "They let an agent take photos and recordings or add contacts, events, reminders and SMS on paired devices.",
		Options: []model.Option{
			{Value: "remove", Label: "Remove them from " + allowPath},
			{Value: "deny", Label: "Keep the allowlist, add them to the deny list"},
		},
		Default: "remove",
		Breaks:  "Agents can no longer use those commands on paired nodes.",
	}}
}

// nodeDenyPath is where the deny list lives or goes, in the same key family
// as the allow list (gateway.nodes.denyCommands or gateway.nodes.commands.deny).
func nodeDenyPath(s *model.Snapshot) string {
	if _, p := s.Doc.NodeCommands("deny"); p != "" {
		return p
	}
	if _, p := s.Doc.NodeCommands("allow"); p == "gateway.nodes.allowCommands" {
		return "gateway.nodes.denyCommands"
	} else if p != "" || s.Era.Era == model.EraModern {
		return "gateway.nodes.commands.deny"
	}
	return "gateway.nodes.denyCommands"
}

func nodeAllowPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	flagged := flaggedNodeCommands(s)
	allow, allowPath := s.Doc.NodeCommands("allow")
	switch a["how"] {
	case "remove":
		var keep []string
		for _, c := range allow {
			if !containsS(flagged, c) {
				keep = append(keep, c)
			}
		}
		if len(keep) == 0 {
			cs.Edits = append(cs.Edits, unset(f, allowPath, "no high-impact node command is allowed"))
		} else {
			cs.Edits = append(cs.Edits, set(f, allowPath, toAny(keep), "no high-impact node command is allowed"))
		}
	case "deny":
		deny, _ := s.Doc.NodeCommands("deny")
		out := append([]string(nil), deny...)
		for _, c := range flagged {
			if !containsS(out, c) {
				out = append(out, c)
			}
		}
		cs.Edits = append(cs.Edits, set(f, nodeDenyPath(s), toAny(out), "deny high-impact node commands"))
	default:
		return cs, fmt.Errorf("how: %q is not remove or deny", a["how"])
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// ineffectiveDeny reads the finding's detail: pattern-like entries and
// unknown names, the latter with the audit's "did you mean" suggestion.
func ineffectiveDeny(f model.Finding) (bad map[string]bool, suggest map[string]string) {
	bad, suggest = map[string]bool{}, map[string]string{}
	mean := regexp.MustCompile(`^(.*?) \(did you mean (.*)\?\)$`)
	for _, line := range strings.Split(f.Detail, "\n") {
		_, list, ok := strings.Cut(line, "): ")
		if !ok || !strings.HasPrefix(line, "- ") {
			continue
		}
		for _, e := range strings.Split(list, ", ") {
			e = strings.TrimSpace(e)
			if m := mean.FindStringSubmatch(e); m != nil {
				bad[m[1]] = true
				suggest[m[1]] = m[2]
				continue
			}
			if e != "" {
				bad[e] = true
			}
		}
	}
	return bad, suggest
}

func nodeDenyQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	bad, suggest := ineffectiveDeny(f)
	var names []string
	for e := range bad {
		if to, ok := suggest[e]; ok {
			names = append(names, e+" → "+to)
		} else {
			names = append(names, e)
		}
	}
	return []model.Question{{
		ID: "mode", Kind: model.Select, Title: "Ineffective deny entries",
		Help: "denyCommands matches exact command names. Entries that are patterns or unknown names deny nothing: " + strings.Join(names, "; ") + ".",
		Options: []model.Option{
			{Value: "fix", Label: "Replace typos with the suggested command name, drop the rest"},
			{Value: "drop", Label: "Drop every ineffective entry"},
		},
		Default: "fix",
		Breaks:  "Nothing that worked changes; a corrected name now really denies that command.",
	}}
}

func nodeDenyPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	mode := a["mode"]
	if mode != "fix" && mode != "drop" {
		return cs, fmt.Errorf("mode: %q is not fix or drop", mode)
	}
	bad, suggest := ineffectiveDeny(f)
	deny, denyPath := s.Doc.NodeCommands("deny")
	if denyPath == "" {
		return cs, nil
	}
	var out []string
	for _, e := range deny {
		e = strings.TrimSpace(e)
		if bad[e] {
			if to, ok := suggest[e]; ok && mode == "fix" {
				e = to
			} else {
				continue
			}
		}
		if e != "" && !containsS(out, e) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		cs.Edits = append(cs.Edits, unset(f, denyPath, "no entry in the deny list did anything"))
	} else {
		cs.Edits = append(cs.Edits, set(f, denyPath, toAny(out), "exact node command names only"))
	}
	cs.After = append(cs.After, restartGateway, "To block a command, list its exact name (e.g. system.run); to stop a family of commands, remove them from the allow list.")
	return cs, nil
}

// --- hooks.allowedAgentIds ---------------------------------------------------

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
	cs.Edits = append(cs.Edits, set(f, "hooks.allowedAgentIds", toAny(chosen), "webhooks may target only the listed agents"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- logging.redactPatterns --------------------------------------------------

// internalHosts reads the hosts the finding lists ("- path (host h)").
func internalHosts(f model.Finding) []string {
	re := regexp.MustCompile(`\(host ([^)\s]+)\)$`)
	var out []string
	for _, line := range strings.Split(f.Detail, "\n") {
		if m := re.FindStringSubmatch(strings.TrimSpace(line)); m != nil && !containsS(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

func validPattern(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("empty pattern")
	}
	if _, err := regexp.Compile(v); err != nil {
		return fmt.Errorf("%q is not a regular expression: %v", v, err)
	}
	return nil
}

func validPatternList(v string) error {
	l := splitList(v)
	if len(l) == 0 {
		return fmt.Errorf("give at least one pattern")
	}
	for _, p := range l {
		if err := validPattern(p); err != nil {
			return err
		}
	}
	return nil
}

func redactQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var pats []string
	for _, h := range internalHosts(f) {
		pats = append(pats, regexp.QuoteMeta(h))
	}
	return []model.Question{listQuestion("patterns", "Patterns to mask in logs (comma-separated regular expressions)",
		"Seeded with the internal hosts your config names. Add internal domains or token shapes of your own.",
		pats, validPatternList, "Log lines show these hosts masked, which can make debugging network issues harder.")}
}

func redactPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	return setListPlan(f, a, "patterns", validPatternList, "logging.redactPatterns", "mask internal hosts in logs")
}
