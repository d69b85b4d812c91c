package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/secrets.go: plaintext secrets move to ${VAR}
// with the value in <state>/.env, so the gateway keeps working.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDConfigSecretsPlaintext, audit.IDConfigSecretsGatewayPasswordInConfig, audit.IDConfigSecretsHooksTokenInConfig},
			Title:     "Move plaintext secrets to environment variables",
			Questions: secretsQuestions, Plan: secretsPlan,
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
	for _, p := range kv {
		e, err := envSet(s, f.CheckID, p[0], p[1], "secrets moved out of the config")
		if err != nil {
			return cs, err
		}
		cs.Env = append(cs.Env, e)
	}
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

// EnvVarName suggests the variable for a secret at a config path:
// gateway.auth.password → OPENCLAW_GATEWAY_AUTH_PASSWORD,
// channels.telegram.accounts.work.botToken → OPENCLAW_CHANNELS_TELEGRAM_ACCOUNTS_WORK_BOT_TOKEN.
// The two well-known gateway secrets keep OpenClaw's own fallback names.
func EnvVarName(path string) string {
	switch path {
	case "gateway.auth.token":
		return "OPENCLAW_GATEWAY_TOKEN"
	case "gateway.auth.password":
		return "OPENCLAW_GATEWAY_PASSWORD"
	case "hooks.token":
		return "OPENCLAW_HOOKS_TOKEN"
	}
	var b strings.Builder
	b.WriteString("OPENCLAW_")
	prevUnderscore := true
	prevLower := false
	for _, r := range path {
		switch {
		case r >= 'A' && r <= 'Z':
			if prevLower && !prevUnderscore {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			prevUnderscore, prevLower = false, false
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			prevUnderscore, prevLower = false, true
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			prevUnderscore, prevLower = false, false
		default:
			if !prevUnderscore {
				b.WriteByte('_')
			}
			prevUnderscore, prevLower = true, false
		}
	}
	return strings.TrimRight(b.String(), "_")
}
