package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"regexp"
	"strings"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// The kit: helpers two or more area files use: question and plan shapes,
// edits, senders and scopes, secrets and <state>/.env, validators, access
// profiles, the restart hint and advice.

func advice(ids []string, title string, steps ...string) Remediation {
	return Remediation{
		CheckIDs: ids, Title: title,
		Questions: func(*model.Snapshot, model.Finding) []model.Question { return nil },
		Plan: func(*model.Snapshot, model.Finding, model.Answers) (model.ChangeSet, error) {
			return model.ChangeSet{After: append([]string(nil), steps...)}, nil
		},
	}
}

// ownPaths are the distinct config paths of a finding (not filesystem paths).
func ownPaths(f model.Finding) []string {
	var out []string
	for _, p := range f.Paths {
		if p != "" && !strings.HasPrefix(p, "/") && !containsS(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// restartGateway is the one restart hint every fix prints after a config
// change (ChangeSet.Merge keeps one copy however many fixes ask for it).
const restartGateway = "openclaw gateway restart"

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
		e, err := newEnvToken(s, f.CheckID, "OPENCLAW_GATEWAY_TOKEN", "new gateway token")
		if err != nil {
			return cs, err
		}
		cs.Edits = append(cs.Edits, set(f, "gateway.auth.token", "${OPENCLAW_GATEWAY_TOKEN}", "read the gateway token from ${OPENCLAW_GATEWAY_TOKEN}"))
		cs.Env = append(cs.Env, e)
		cs.After = append(cs.After, "The new token is in "+envPath(s)+" as OPENCLAW_GATEWAY_TOKEN; if the gateway service does not read that .env, set the variable in its environment.")
	}
	// trusted-proxy keeps its mode: a token only protects browser control there.
	if mode != "token" && mode != "trusted-proxy" {
		cs.Edits = append(cs.Edits, set(f, "gateway.auth.mode", "token", "require the gateway token"))
	}
	cs.After = append(cs.After, restartGateway, "Give every client the token (openclaw dashboard, gateway.remote.token on remote CLIs, paired apps, Authorization: Bearer on HTTP calls).")
	return cs, nil
}

func channelScopes(s *model.Snapshot, ch string) []model.Scope {
	var out []model.Scope
	for _, sc := range s.Doc.Scopes() {
		if sc.Channel == ch {
			out = append(out, sc)
		}
	}
	return out
}

// knownSenders lists sender ids for a channel from config lists and the
// pairing stores (never "*"), in a stable order.
func knownSenders(s *model.Snapshot, ch string, rels ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(l []string) {
		for _, e := range l {
			e = strings.TrimSpace(e)
			if e == "" || e == "*" || seen[e] {
				continue
			}
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, sc := range channelScopes(s, ch) {
		al, _ := sc.AllowFrom()
		add(al)
		for _, r := range rels {
			n, _ := sc.Get(r)
			add(n.Strings())
		}
	}
	if s.FS != nil {
		for _, ps := range s.FS.PairingStores {
			if ps.Channel == ch {
				add(ps.Entries)
			}
		}
	}
	return out
}

func senderValidate(v string) error {
	switch strings.TrimSpace(v) {
	case "*":
		return fmt.Errorf(`"*" allows everyone; list sender ids`)
	case "":
		return fmt.Errorf("empty sender id")
	}
	return nil
}

func optionsOf(l []string) []model.Option {
	out := make([]model.Option, 0, len(l))
	for _, v := range l {
		out = append(out, model.Option{Value: v, Label: v})
	}
	return out
}

func containsS(l []string, v string) bool {
	for _, e := range l {
		if strings.TrimSpace(e) == v {
			return true
		}
	}
	return false
}

// newMainAgent creates the implicit main agent explicitly with fields, in
// the era's shape: agents.list[{id:"main",…}] (guide era) or
// agents.entries.main (2026.7+).
func newMainAgent(s *model.Snapshot, f model.Finding, fields model.Obj, reason string) model.Edit {
	if s.Era.Era == model.EraModern {
		return set(f, "agents.entries.main", fields, reason)
	}
	return set(f, "agents.list", []any{append(model.Obj{{Key: "id", Value: "main"}}, fields...)}, reason)
}

// onlyOption is a one-choice Select: the fix is fixed, the question shows
// what it does and what it breaks.
func onlyOption(id, title, value, label, breaks string) model.Question {
	return model.Question{ID: id, Kind: model.Select, Title: title,
		Options: []model.Option{{Value: value, Label: label}}, Default: value, Breaks: breaks}
}

// requireOnly refuses any answer to a onlyOption question but its value.
func requireOnly(a model.Answers, id, value string) error {
	if a[id] != value {
		return fmt.Errorf("%s: only %s is offered", id, value)
	}
	return nil
}

// listQuestion asks for a comma-separated list, seeded with def and
// checked by validate.
func listQuestion(id, title, help string, def []string, validate func(string) error, breaks string) model.Question {
	return model.Question{ID: id, Kind: model.Text, Title: title, Help: help,
		Default: strings.Join(def, ", "), Validate: validate, Breaks: breaks}
}

// setListPlan writes a listQuestion's answer to path as an array (after
// validate accepts it), then the gateway restarts to pick it up.
func setListPlan(f model.Finding, a model.Answers, id string, validate func(string) error, path, reason string) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := validate(a[id]); err != nil {
		return cs, fmt.Errorf("%s: %v", id, err)
	}
	cs.Edits = append(cs.Edits, set(f, path, model.List(splitList(a[id])), reason))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

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
			When:    &model.When{ID: "mode", Values: []string{"narrow"}},
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
		cs.Edits = append(cs.Edits, set(f, model.Child("tools.elevated.allowFrom", prov), model.List(senders), "elevated only for named senders"))
	default:
		return cs, fmt.Errorf("mode: %q is not disable or narrow", a["mode"])
	}
	return cs, nil
}

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
		tools = model.Obj{{Key: "allow", Value: model.List(profileReadOnlyAllow)}, {Key: "deny", Value: model.List(profileReadOnlyDeny)}}
	case "nofs":
		out = model.Obj{{Key: "sandbox", Value: sb("none")}}
		tools = model.Obj{{Key: "allow", Value: model.List(profileNoFSAllow)}, {Key: "deny", Value: model.List(profileNoFSDeny)}}
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
	needExecDeny := f.CheckID == audit.IDSecurityExposureOpenChannelsWithExec || f.CheckID == audit.IDToolsExecSecurityFullConfigured
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

// flagOff is the edit that switches one insecure boolean off, in the shape
// the target era accepts.
func flagOff(s *model.Snapshot, f model.Finding, path string) (model.Edit, bool) {
	key := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		key = path[i+1:]
	}
	switch {
	case path == "gateway.controlUi.allowInsecureAuth":
		if s.Era.Era != model.EraGuide {
			return model.Edit{Op: model.OpUnset, Path: path, CheckID: f.CheckID,
				Reason: "remove gateway.controlUi.allowInsecureAuth (the 2026.7+ schema no longer has it)"}, true
		}
		return set(f, path, false, "Control UI: no insecure-context auth"), true
	case key == "dangerouslyAllowNameMatching":
		// Senders may be listed by name; turning matching off could lock
		// the owner out of their own bot. Left to the guided fix.
		return model.Edit{}, false
	case strings.HasPrefix(key, "dangerously"):
		return set(f, path, false, path+": break-glass flag off"), true
	case key == "allowUnsafeExternalContent":
		return set(f, path, false, path+": wrap external content again"), true
	case strings.HasSuffix(path, "tools.exec.applyPatch.workspaceOnly"):
		return set(f, path, true, path+": apply_patch stays inside the workspace"), true
	}
	return model.Edit{}, false
}

// configNode is the merged config's value at path (nil when unset or unreadable).
func configNode(s *model.Snapshot, path string) *model.Node {
	if s == nil || s.Doc == nil {
		return nil
	}
	return s.Doc.Get(path)
}

var envKeyRe = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// ValidEnvName checks a variable name usable in ${VAR} (OpenClaw substitutes
// only upper-case names).
func ValidEnvName(s string) error {
	if !envKeyRe.MatchString(s) {
		return fmt.Errorf("%q is not a valid variable name (use A-Z, 0-9 and _, not starting with a digit)", s)
	}
	return nil
}

// envPath is <state>/.env.
func envPath(s *model.Snapshot) string { return s.DotenvPath() }

// envSet stores key=value in <state>/.env (created 0600 when missing; an
// existing file keeps its mode). The plan reads nothing: Prepare renders
// every EnvSet of the change onto the .env the snapshot holds. The upsert
// is tried here on those bytes, so a .env hardshell cannot edit safely
// (a symlink, a line it cannot keep intact) fails the plan, not the write.
func envSet(s *model.Snapshot, checkID, key, value, reason string) (model.EnvSet, error) {
	old, err := s.Dotenv("move the secret by hand")
	if err != nil {
		return model.EnvSet{}, err
	}
	if _, err := remediate.UpsertDotenv(old, key, value); err != nil {
		return model.EnvSet{}, fmt.Errorf("%s: %w", envPath(s), err)
	}
	return model.EnvSet{Key: key, Value: value, CheckID: checkID, Reason: reason}, nil
}

// newEnvToken generates a new random token and stores it as name in
// <state>/.env.
func newEnvToken(s *model.Snapshot, checkID, name, reason string) (model.EnvSet, error) {
	tok, err := remediate.GenerateToken()
	if err != nil {
		return model.EnvSet{}, err
	}
	return envSet(s, checkID, name, tok, reason)
}

// splitList splits a comma-separated answer, trimming and dropping empties
// and duplicates.
func splitList(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// set and unset build edits for a finding.
func set(f model.Finding, path string, v any, reason string) model.Edit {
	return model.Edit{Op: model.OpSet, Path: path, Value: v, CheckID: f.CheckID, Reason: reason}
}

func unset(f model.Finding, path, reason string) model.Edit {
	return model.Edit{Op: model.OpUnset, Path: path, CheckID: f.CheckID, Reason: reason}
}

// secretForm is how a secret is stored in the config.
type secretForm int

const (
	formMissing secretForm = iota
	formLiteral
	formEnv
	formSecretRef
)

func secretFormOf(n *model.Node) (secretForm, string) {
	switch {
	case n == nil:
		return formMissing, ""
	case n.IsSecretRef():
		return formSecretRef, ""
	case n.IsEnvRef():
		return formEnv, n.EnvRefs()[0]
	case n.IsLiteralSecret():
		return formLiteral, ""
	}
	return formMissing, ""
}

// rotateSecret plans a new random value for the secret at path, keeping the
// form the operator uses: a ${VAR} gets the value in <state>/.env (the
// config is untouched), a SecretRef is left alone with advice, a literal or
// missing value is written in the config.
func rotateSecret(s *model.Snapshot, f model.Finding, path, what string) (model.ChangeSet, error) {
	var cs model.ChangeSet
	n := s.Doc.Get(path)
	form, name := secretFormOf(n)
	switch form {
	case formSecretRef:
		src := n.Get("source").Text()
		cs.After = append(cs.After, fmt.Sprintf("%s is a SecretRef (source %q, id %q): rotate it in that secret provider with a new random value (e.g. `openssl rand -hex 24`); hardshell does not touch it.", path, src, n.Get("id").Text()))
		return cs, nil
	case formEnv:
		tok, err := remediate.GenerateToken()
		if err != nil {
			return cs, err
		}
		e, err := envSet(s, f.CheckID, name, tok, "new "+what+" for ${"+name+"}")
		if err != nil {
			return cs, err
		}
		cs.Env = append(cs.Env, e)
		cs.After = append(cs.After, fmt.Sprintf("The new %s is in %s as %s (the config keeps ${%s}). If the gateway's service sets %s itself (systemd Environment=, launchd plist), update it there instead: the process environment wins over .env.", what, envPath(s), name, name, name))
		return cs, nil
	}
	tok, err := remediate.GenerateToken()
	if err != nil {
		return cs, err
	}
	cs.Edits = append(cs.Edits, set(f, path, tok, "new random "+what+" (48 hex chars)"))
	cs.After = append(cs.After, fmt.Sprintf("The new %s is in the config at %s; read it with `openclaw config get %s`.", what, path, path))
	return cs, nil
}
