package remediate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for secrets on disk: move plaintext secrets to ${VAR} with
// the value in <state>/.env (so the gateway keeps working), and regenerate
// weak or reused hooks tokens.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"config.secrets.plaintext", "config.secrets.gateway_password_in_config", "config.secrets.hooks_token_in_config"},
			Kind:     model.FixGuided, Title: "Move plaintext secrets to environment variables",
			Questions: secretsQuestions, Plan: secretsPlan,
		},
		Remediation{
			CheckIDs: []string{"hooks.token_too_short", "hooks.token_reuse_gateway_token", "hooks.token_missing"},
			Kind:     model.FixGuided, Title: "Generate a new random hooks token",
			Questions: hooksQuestions, Plan: hooksPlan,
		},
	)
}

// plaintextPaths are the literal secrets the finding names.
func plaintextPaths(s *model.Snapshot, f model.Finding) []string {
	var out []string
	for _, p := range f.Paths {
		if strings.HasPrefix(p, "/") {
			continue
		}
		if s.Doc.Get(p).IsLiteralSecret() {
			out = append(out, p)
		}
	}
	return out
}

func secretsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	paths := plaintextPaths(s, f)
	var opts []model.Option
	for _, p := range paths {
		opts = append(opts, model.Option{Value: p, Label: p + " = " + model.Mask(s.Doc.Get(p).Text()) + " → ${" + EnvVarName(p) + "}"})
	}
	return []model.Question{{
		ID: "paths", Kind: model.MultiSelect, Title: "Which secrets should move to " + envPath(s) + "?",
		Help:    "Each becomes ${VAR} in the config; the current value is written to the state dir's .env (mode 0600), which OpenClaw loads at startup.",
		Options: opts, Default: strings.Join(paths, ","),
		Breaks: "If the gateway runs with a different state dir or an environment that sets the same variables, those values win over .env.",
	}}
}

func secretsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	valid := map[string]bool{}
	for _, p := range plaintextPaths(s, f) {
		valid[p] = true
	}
	chosen := a.List("paths")
	sort.Strings(chosen)
	var kv [][2]string
	names := map[string]string{}
	for _, p := range chosen {
		if !valid[p] {
			return cs, fmt.Errorf("paths: %q is not a plaintext secret of this finding", p)
		}
		name := EnvVarName(p)
		if other, dup := names[name]; dup {
			return cs, fmt.Errorf("paths: %s and %s would share ${%s}", other, p, name)
		}
		names[name] = p
		if cur, ok := s.Env(name); ok && cur != s.Doc.Get(p).Text() && strings.TrimSpace(cur) != "" {
			return cs, fmt.Errorf("%s is already set in the environment to a different value; move %s by hand", name, p)
		}
		kv = append(kv, [2]string{name, s.Doc.Get(p).Text()})
		if p == "gateway.auth.password" {
			// OpenClaw's own advice: remove the key and let the gateway read
			// OPENCLAW_GATEWAY_PASSWORD. Both eras audit after ${VAR}
			// substitution, so a ${VAR} here would still be reported.
			cs.Edits = append(cs.Edits, unset(f, p, "the gateway reads the password from OPENCLAW_GATEWAY_PASSWORD"))
			continue
		}
		cs.Edits = append(cs.Edits, set(f, p, "${"+name+"}", "read the secret from ${"+name+"}"))
	}
	if len(kv) == 0 {
		return cs, nil
	}
	w, err := mergeEnvWrites(s, f.CheckID, kv, "secrets moved out of the config")
	if err != nil {
		return cs, err
	}
	cs.Writes = append(cs.Writes, w)
	var vars []string
	for _, p := range kv {
		vars = append(vars, p[0])
	}
	cs.After = append(cs.After,
		"The values are now in "+envPath(s)+" ("+strings.Join(vars, ", ")+"). If the gateway service does not read that .env (a different state dir, or a container), set these variables in its environment.",
		restartGateway,
		"Old copies stay in config backups (openclaw.json.bak*): rotate the secrets if those files were ever shared.")
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
	if f.CheckID == "hooks.token_reuse_gateway_token" && form == formEnv {
		// The hooks token and the gateway secret may be the same variable:
		// give hooks a variable of its own.
		if gn := s.Doc.Get("gateway.auth.token"); gn.IsEnvRef() && gn.Text() == n.Text() {
			w, err := newEnvToken(s, f.CheckID, "OPENCLAW_HOOKS_TOKEN", "separate hooks token")
			if err != nil {
				return cs, err
			}
			cs.Edits = append(cs.Edits, set(f, "hooks.token", "${OPENCLAW_HOOKS_TOKEN}", "hooks get their own token"))
			cs.Writes = append(cs.Writes, w)
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
