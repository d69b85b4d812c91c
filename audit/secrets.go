package audit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDConfigSecretsGatewayPasswordInConfig = "config.secrets.gateway_password_in_config"
	IDConfigSecretsHooksTokenInConfig      = "config.secrets.hooks_token_in_config"
	IDConfigSecretsPlaintext               = "config.secrets.plaintext"
)

// Tier 4: secrets written in plain text in the config.
//
// OpenClaw flags only gateway.auth.password and hooks.token. hardshell adds
// config.secrets.plaintext: every other literal secret in the merged config
// (bot tokens, provider API keys, env block values, MCP server env, remote
// gateway credentials…), found by key name (model.IsSecretKey) or by a
// vendor token shape (model.LooksLikeToken). ${VAR} references and
// SecretRef objects are configured secrets, not plaintext, and are skipped.
// gateway.auth.token is skipped too: the guide keeps the gateway token in
// the config (fs.config.* covers who can read it).
//
// Both OpenClaw eras audit the config after ${VAR} substitution, so they
// report hooks_token_in_config (info) even for
// token: "${OPENCLAW_HOOKS_TOKEN}" (testdata/compat/openclaw-*/
// include-tree.json). hardshell matches the id and severity for any string
// form but says which it is: a literal is stored in plaintext, a ${VAR} is
// resolved at load. config.secrets.plaintext stays literal-only.

// secretsLeaf is one literal secret found in the config.
type secretsLeaf struct {
	Path  string
	Node  *model.Node
	Kind  string // vendor shape, if any
	Value string
}

// secretsSkip reports whether path has its own finding (or, for
// gateway.auth.token, is meant to live in the config).
func secretsSkip(s *model.Snapshot, path string) bool {
	switch path {
	case "gateway.auth.password", "gateway.auth.token":
		return true
	case "hooks.token":
		// Reported by config.secrets.hooks_token_in_config when hooks are on.
		return Config(s).Lookup("hooks.enabled").IsTrue()
	}
	return false
}

// secretsNotSecretValue filters literal values next to a secret key that are
// obviously not a secret (booleans spelled as strings, empty).
func secretsNotSecretValue(v string) bool {
	if len(v) > 64 {
		return false // not one of the short literals below (and no ToLower of megabytes)
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "false", "null", "none", "off", "on":
		return true
	}
	return false
}

// secretsPlaintext walks the merged config and lists literal secrets.
func secretsPlaintext(s *model.Snapshot) []secretsLeaf {
	var out []secretsLeaf
	// segs is one path stack for the whole walk: a call appends its
	// segment in place (siblings reuse the slot) and nothing keeps segs
	// past JoinPath, so a walk over 150,000 values copies no paths.
	var walk func(segs []model.PathSeg, key string, n *model.Node)
	walk = func(segs []model.PathSeg, key string, n *model.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case model.KindObject:
			if n.IsSecretRef() {
				return
			}
			for k, v := range n.Entries() {
				if k == "$include" {
					continue
				}
				walk(append(segs, model.PathSeg{Key: k}), k, v)
			}
		case model.KindArray:
			for i, e := range n.Elems {
				walk(append(segs, model.PathSeg{Index: i, IsIndex: true}), key, e)
			}
		case model.KindString:
			if !n.IsLiteralSecret() || secretsNotSecretValue(n.Str) {
				return
			}
			kind, shaped := model.LooksLikeToken(n.Str)
			if !shaped && !model.IsSecretKey(key) {
				return
			}
			// the path only for a secret: 50,000 agents are 100,000
			// string leaves (ids, workspaces), none of them one
			path := model.JoinPath(segs)
			if secretsSkip(s, path) {
				return
			}
			out = append(out, secretsLeaf{Path: path, Node: n, Kind: kind, Value: n.Str})
		}
	}
	walk(make([]model.PathSeg, 0, 16), "", Config(s))
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// secretsFileLoose reports whether the file that defines a value is group-
// or world-readable (the config or one of its includes).
func secretsFileLoose(s *model.Snapshot, file string) bool {
	st := fsState(s)
	for _, fi := range append([]model.FileInfo{st.Config}, st.Includes...) {
		if fi.Path != file {
			continue
		}
		bits, ok := fsPerm(fi)
		return ok && bits&(fsGroupRead|fsWorldRead) != 0
	}
	return false
}

func secretsPlaintextHits(s *model.Snapshot) []Hit {
	leaves := secretsPlaintext(s)
	if len(leaves) == 0 {
		return nil
	}
	sev := model.Warn
	var lines []string
	var paths []string
	var loose []string
	for _, l := range leaves {
		desc := "- " + l.Path + " = " + model.Mask(l.Value)
		if l.Kind != "" {
			desc += " (" + l.Kind + " token)"
		}
		if l.Node.Pos.File != "" && l.Node.Pos.File != s.Target.ConfigPath {
			desc += fmt.Sprintf(" in %s:%d", l.Node.Pos.File, l.Node.Pos.Line)
		}
		lines = append(lines, desc)
		paths = append(paths, l.Path)
		if secretsFileLoose(s, l.Node.Pos.File) {
			sev = model.Critical
			loose = append(loose, l.Path)
		}
	}
	detail := fmt.Sprintf("%d secret(s) are written in plain text in the config:\n%s\nAnyone who can read the config, its backups or a pasted copy gets them.", len(leaves), strings.Join(lines, "\n"))
	if len(loose) > 0 {
		detail += fmt.Sprintf("\nThe file holding %d of them is readable by other users.", len(loose))
	}
	return []Hit{{Severity: sev, Detail: detail, Paths: paths}}
}

func init() {
	const tier = model.TierPermissions
	Register("secrets",
		Check{
			ID: IDConfigSecretsGatewayPasswordInConfig, Title: "Gateway password is stored in config",
			Tier: tier, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "gateway.auth.password is a non-empty string in any form: a literal, or a ${VAR} that OpenClaw substitutes before it audits (not a SecretRef)",
			Remediation: "Prefer OPENCLAW_GATEWAY_PASSWORD (env) and remove gateway.auth.password from disk.",
			Why:         "The guide's own example keeps the password out of the file (password: ${OPENCLAW_GATEWAY_PASSWORD}); a literal password travels with every copy, backup and paste of the config.",
			Breaks:      "the gateway must see OPENCLAW_GATEWAY_PASSWORD (service environment or <state>/.env) before it restarts",
			Since:       "OpenClaw 2026.2",
			Run: func(s *model.Snapshot) []Hit {
				if d := secretsInConfigDetail(Config(s).Lookup("gateway.auth.password"), "gateway.auth.password", "prefer environment variables for secrets when possible."); d != "" {
					return []Hit{{Severity: model.Warn, Detail: d, Paths: []string{"gateway.auth.password"}}}
				}
				return nil
			},
		},
		Check{
			ID: IDConfigSecretsHooksTokenInConfig, Title: "Hooks token is stored in config",
			Tier: tier, Fix: model.FixGuided, Severity: "info",
			Trigger:     "hooks.enabled=true and hooks.token is a non-empty string in any form: a literal, or a ${VAR} that OpenClaw substitutes before it audits",
			Remediation: "Keep config permissions tight, or move the token to the environment and reference it as ${OPENCLAW_HOOKS_TOKEN}.",
			Why:         "The hooks token authenticates webhook ingress that can start agent runs; treat it like an API secret. In the config it is as private as the config file is.",
			Breaks:      "the gateway must see the variable before it restarts",
			Since:       "OpenClaw 2026.2",
			Run:         runHooksTokenInConfig,
		},
		Check{
			ID: IDConfigSecretsPlaintext, Title: "Secrets are stored in plain text in the config",
			Tier: tier, Fix: model.FixGuided, Severity: "warn; critical when the file holding them is group/world-readable",
			Trigger:     "any literal value under a secret-named key (botToken, token, appToken, signingSecret, apiKey, password, env vars named *_KEY/*_TOKEN…) or shaped like a vendor token, anywhere in the merged config; ${VAR}, SecretRef, gateway.auth.token and the keys with their own finding are skipped",
			Remediation: "Move each value to the environment (or <state>/.env, mode 600) and reference it as ${VAR} in the config.",
			Why: "The guide (0.7, secrets on disk): openclaw.json can contain gateway and remote-gateway tokens, provider settings and allowlists, and the credential storage map puts Telegram, Discord and Slack tokens in \"config/env\". " +
				"Keeping them as ${VAR} references means the config can be shared, diffed and backed up without leaking them, and a leaked config no longer leaks the bot.",
			Breaks: "the gateway fails to start if a referenced variable is missing or empty: set them in the service environment or <state>/.env first",
			Since:  "hardshell",
			Run:    secretsPlaintextHits,
		},
	)
}

// runHooksTokenInConfig reports hooks.token whenever hooks are on and the
// token is a non-empty string, as both OpenClaw eras do after ${VAR}
// substitution; the detail says whether the file holds the value itself.
func runHooksTokenInConfig(s *model.Snapshot) []Hit {
	root := Config(s)
	if !root.Lookup("hooks.enabled").IsTrue() {
		return nil
	}
	if d := secretsInConfigDetail(root.Lookup("hooks.token"), "hooks.token", "keep config perms tight and treat it like an API secret."); d != "" {
		return []Hit{{Severity: model.Info, Detail: d, Paths: []string{"hooks.token"}}}
	}
	return nil
}

// secretsInConfigDetail describes a secret string at path for the
// *_in_config findings, or "" when n is not a non-empty string. A literal
// is "stored in plaintext in <file>"; a ${VAR} is "resolved from ${VAR} at
// load (not stored in the file)", which OpenClaw still reports because it
// audits the config after substitution.
func secretsInConfigDetail(n *model.Node, path, advice string) string {
	v, ok := n.String()
	if !ok || strings.TrimSpace(v) == "" {
		return ""
	}
	if refs := n.EnvRefs(); len(refs) > 0 {
		names := make([]string, len(refs))
		for i, r := range refs {
			names[i] = "${" + r + "}"
		}
		return path + " is resolved from " + strings.Join(names, ", ") + " at load (not stored in the file); OpenClaw audits the substituted value and still reports it. Keep the variable's source (service environment or <state>/.env) private and treat it like an API secret."
	}
	file := "the config file"
	if n.Pos.File != "" {
		file = n.Pos.File
	}
	return path + " is stored in plaintext in " + file + "; " + advice
}
