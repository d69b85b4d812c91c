package audit

// Shared readings of the gateway's network exposure and its shared secret,
// used by every area whose severity depends on them (OpenClaw's rule: warn
// on loopback, critical when exposed or funnelled). They follow OpenClaw's
// own resolution so a finding never disagrees with what the gateway does.

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// envValue looks a variable up in the environment the gateway would see.
// A variable set to blank counts as missing, as OpenClaw's ${VAR}
// substitution and env fallbacks treat it.
func envValue(s *model.Snapshot, name string) (string, bool) {
	if s == nil || s.Env == nil {
		return "", false
	}
	v, ok := s.Env(name)
	if !ok || strings.TrimSpace(v) == "" {
		return "", false
	}
	return v, true
}

var ctxEnvRefRe = regexp.MustCompile(`\$?\$\{([A-Z_][A-Z0-9_]*)\}`)

// expandEnv substitutes ${VAR} references the way OpenClaw's loader does
// ($${VAR} is the literal text ${VAR}). It returns the expanded text and the
// names of referenced variables that are missing or blank; a missing one is
// left as written.
func expandEnv(s *model.Snapshot, text string) (string, []string) {
	var missing []string
	out := ctxEnvRefRe.ReplaceAllStringFunc(text, func(m string) string {
		if strings.HasPrefix(m, "$$") {
			return m[1:]
		}
		name := m[2 : len(m)-1]
		v, ok := envValue(s, name)
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	return out, missing
}

// configString reads a string setting with ${VAR} expanded (missing
// variables are left as written).
func configString(s *model.Snapshot, path string) string {
	v, _ := expandEnv(s, Config(s).Lookup(path).Text())
	return v
}

// gatewayBind is the effective gateway.bind value ("loopback" by default).
func gatewayBind(s *model.Snapshot) string {
	b := strings.ToLower(strings.TrimSpace(configString(s, "gateway.bind")))
	if b == "" {
		return "loopback"
	}
	return b
}

// isLoopbackHost reports 127.0.0.0/8, ::1 and localhost.
func isLoopbackHost(h string) bool {
	h = strings.Trim(strings.ToLower(strings.TrimSpace(h)), "[]")
	if h == "localhost" {
		return true
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap().IsLoopback()
	}
	return false
}

// isWildcardHost reports the all-interfaces addresses 0.0.0.0 and ::.
func isWildcardHost(h string) bool {
	h = strings.Trim(strings.TrimSpace(h), "[]")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap().IsUnspecified()
	}
	return false
}

// exposed reports a gateway listening beyond loopback: gateway.bind other
// than loopback ("auto" included). "custom" with a loopback customBindHost
// stays local; legacy literal hosts are judged by address.
func exposed(s *model.Snapshot) bool {
	switch b := gatewayBind(s); b {
	case "loopback":
		return false
	case "auto":
		// "auto" prefers loopback but listens on 0.0.0.0 where loopback is
		// not usable (inside containers); OpenClaw's audit counts it as
		// exposed, and so does hardshell: assume the wider reach.
		return true
	case "custom":
		h := configString(s, "gateway.customBindHost")
		return strings.TrimSpace(h) == "" || !isLoopbackHost(h)
	default:
		return !isLoopbackHost(b)
	}
}

// tailscaleMode is gateway.tailscale.mode ("off" by default).
func tailscaleMode(s *model.Snapshot) string {
	m := strings.ToLower(strings.TrimSpace(configString(s, "gateway.tailscale.mode")))
	if m == "" {
		return "off"
	}
	return m
}

// funnel reports Tailscale Funnel: the gateway published to the internet.
func funnel(s *model.Snapshot) bool { return tailscaleMode(s) == "funnel" }

// remoteExposed is exposed OR Tailscale serve/funnel.
func remoteExposed(s *model.Snapshot) bool {
	m := tailscaleMode(s)
	return exposed(s) || m == "serve" || m == "funnel"
}

// exposureSeverity is OpenClaw's exposure-dependent rule: critical when the
// gateway is exposed or funnelled, else loopbackSev.
func exposureSeverity(s *model.Snapshot, loopbackSev model.Severity) model.Severity {
	if exposed(s) || funnel(s) {
		return model.Critical
	}
	return loopbackSev
}

// remoteExposureSeverity is critical when remote-exposed (serve counts).
func remoteExposureSeverity(s *model.Snapshot, loopbackSev model.Severity) model.Severity {
	if remoteExposed(s) {
		return model.Critical
	}
	return loopbackSev
}

// exposureText describes the listener for finding details.
func exposureText(s *model.Snapshot) string {
	b := gatewayBind(s)
	var parts []string
	switch {
	case b == "custom":
		parts = append(parts, `gateway.bind="custom" (customBindHost `+quoteOr(configString(s, "gateway.customBindHost"), "unset")+`)`)
	default:
		parts = append(parts, `gateway.bind="`+b+`"`)
	}
	if m := tailscaleMode(s); m != "off" {
		parts = append(parts, `gateway.tailscale.mode="`+m+`"`)
	}
	return strings.Join(parts, ", ")
}

func quoteOr(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return `"` + v + `"`
}

// secretValue is one candidate source of a gateway secret.
type secretValue struct {
	Path    string   // config path, or "env NAME" for an environment fallback
	Set     bool     // configured in some form (literal, ${VAR}, SecretRef, env)
	Ref     bool     // a SecretRef object
	Known   bool     // Value is the resolved secret
	Value   string   // resolved value; never print it unmasked
	Missing []string // ${VAR} (or env SecretRef ids) it needs that this shell lacks
}

// secretState is the gateway's shared secret as OpenClaw resolves it.
type secretState struct {
	Mode         string // token | password | none | trusted-proxy (explicit or inferred)
	ModeExplicit bool
	Token        secretValue // gateway.auth.token, else env OPENCLAW_GATEWAY_TOKEN / CLAWDBOT_GATEWAY_TOKEN
	Password     secretValue // gateway.auth.password, else env OPENCLAW_GATEWAY_PASSWORD / CLAWDBOT_GATEWAY_PASSWORD
	Remote       secretValue // gateway.remote.token (counted by the audit as a shared secret)
}

// secretFrom resolves a config secret node; set=false when absent/blank.
func secretFrom(s *model.Snapshot, path string) secretValue {
	n := Config(s).Lookup(path)
	sv := secretValue{Path: path}
	switch {
	case n.IsSecretRef():
		sv.Set, sv.Ref = true, true
		if n.Get("source").Text() == "env" {
			id := n.Get("id").Text()
			if v, ok := envValue(s, id); ok {
				sv.Known, sv.Value = true, v
			} else {
				sv.Missing = []string{id}
			}
		}
	case n.IsSet():
		sv.Set = true
		v, missing := expandEnv(s, n.Text())
		if len(missing) > 0 {
			sv.Missing = missing
		} else {
			sv.Known, sv.Value = true, v
		}
	}
	return sv
}

// secretFromEnv is the environment fallback.
func secretFromEnv(s *model.Snapshot, names ...string) secretValue {
	for _, name := range names {
		if v, ok := envValue(s, name); ok {
			return secretValue{Path: "env " + name, Set: true, Known: true, Value: v}
		}
	}
	return secretValue{}
}

// gatewaySecret resolves the shared secret like OpenClaw: config first,
// then the environment fallbacks; the mode explicit or inferred from the
// secret that is set (password wins over token when both are set without a
// mode, as OpenClaw's resolver does).
func gatewaySecret(s *model.Snapshot) secretState {
	var g secretState
	g.Token = secretFrom(s, "gateway.auth.token")
	if !g.Token.Set {
		g.Token = secretFromEnv(s, "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN")
	}
	g.Password = secretFrom(s, "gateway.auth.password")
	if !g.Password.Set {
		g.Password = secretFromEnv(s, "OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD")
	}
	g.Remote = secretFrom(s, "gateway.remote.token")
	if m := strings.ToLower(strings.TrimSpace(configString(s, "gateway.auth.mode"))); m != "" {
		g.Mode, g.ModeExplicit = m, true
	} else {
		switch {
		case g.Password.Set:
			g.Mode = "password"
		case g.Token.Set || g.Remote.Set:
			g.Mode = "token"
		default:
			g.Mode = "none"
		}
	}
	return g
}

// HasSecret reports a shared secret configured in any form (an unresolved
// ${VAR} or SecretRef counts): explicit mode none or trusted-proxy means no
// shared secret.
func (g secretState) HasSecret() bool {
	if g.Mode == "none" || g.Mode == "trusted-proxy" {
		return false
	}
	return g.Token.Set || g.Password.Set || g.Remote.Set
}

// Active is the secret the resolved mode uses (the token in token mode,
// the password in password mode; the remote token as a last fallback).
func (g secretState) Active() secretValue {
	switch g.Mode {
	case "password":
		return g.Password
	case "token":
		if g.Token.Set {
			return g.Token
		}
		return g.Remote
	}
	return secretValue{}
}

// Unknown reports that the secret the gateway needs depends on a ${VAR}
// this shell lacks: auth may well be configured (the service may have the
// variable), so never report "no auth" then.
func (g secretState) Unknown() bool {
	a := g.Active()
	return a.Set && !a.Known && len(a.Missing) > 0
}

// NoAuth reports that the gateway certainly has no shared secret and is
// not in trusted-proxy mode.
func (g secretState) NoAuth() bool {
	return !g.HasSecret() && g.Mode != "trusted-proxy"
}

// describe names a secret's source without its value.
func (v secretValue) describe() string {
	switch {
	case v.Ref:
		return v.Path + " (SecretRef)"
	case strings.HasPrefix(v.Path, "env "):
		return "environment variable " + strings.TrimPrefix(v.Path, "env ")
	}
	return v.Path
}
