package contain

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/rotate"
)

// rotate plans new gateway, hooks and remote secrets, keeping the form the
// operator uses: a literal stays a literal, a ${VAR} gets its new value in
// <state>/.env, a SecretRef is left alone with advice. A gateway with no
// shared secret (or in trusted-proxy mode) gets token auth with a new token
// in .env.
func (p *planner) rotate() error {
	mode := strings.ToLower(strings.TrimSpace(p.get("gateway.auth.mode").Text()))
	tokNode := p.get("gateway.auth.token")
	pwNode := p.get("gateway.auth.password")
	_, envTok := p.envValue("OPENCLAW_GATEWAY_TOKEN")
	_, envPw := p.envValue("OPENCLAW_GATEWAY_PASSWORD")

	var gatewayToken string // the new token, when known (remote token follows it)
	pwMode := mode == "password" || (mode == "" && (pwNode.IsSet() || envPw))
	switch {
	case pwMode:
		if _, err := p.rotatePassword(pwNode); err != nil {
			return err
		}
	case mode == "none" || mode == "trusted-proxy" || (mode == "" && !tokNode.IsSet() && !envTok):
		tok, err := p.newToken()
		if err != nil {
			return err
		}
		was := mode
		if was == "" {
			was = "no shared secret"
		}
		p.set("gateway.auth.mode", "token", fmt.Sprintf("contain: gateway auth %s → token", was))
		if tokNode.IsEnvRef() {
			p.env = append(p.env, [2]string{tokNode.EnvRefs()[0], tok})
		} else {
			p.set("gateway.auth.token", "${OPENCLAW_GATEWAY_TOKEN}", "contain: gateway token from <state>/.env")
			p.env = append(p.env, [2]string{"OPENCLAW_GATEWAY_TOKEN", tok})
		}
		if mode == "trusted-proxy" {
			p.addAfter("Trusted-proxy auth is replaced by token auth while contained; switch back (gateway.auth.mode: \"trusted-proxy\") once the proxy and its user allowlist are reviewed.")
		}
		p.rotated = append(p.rotated, "gateway.auth.token (new; auth mode token)")
		gatewayToken = tok
	default:
		tok, err := p.rotateSecret("gateway.auth.token", tokNode, "OPENCLAW_GATEWAY_TOKEN", "gateway token")
		if err != nil {
			return err
		}
		gatewayToken = tok
	}
	if !pwMode && pwNode.IsSet() {
		// a stale password next to token auth is rotated too: it may have leaked
		if _, err := p.rotatePassword(pwNode); err != nil {
			return err
		}
	}
	if gatewayToken != "" {
		p.serviceSteps([]string{"OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN"}, gatewayToken)
	}

	// gateway.remote.token: the CLI's credential. On the gateway host (mode
	// local) it follows the new gateway token; on a client it is rotated on
	// the gateway host first.
	if rn := p.get("gateway.remote.token"); rn.IsSet() || rn.IsSecretRef() {
		gwMode := p.get("gateway.mode").Text()
		switch {
		case rn.IsSecretRef():
			p.addAfter(fmt.Sprintf("gateway.remote.token is a SecretRef (source %q, id %q): put the new gateway token in that secret provider.", rn.Get("source").Text(), rn.Get("id").Text()))
		case gwMode == "remote":
			p.addAfter("This machine is a remote client (gateway.mode remote): rotate the token on the gateway host first, then set gateway.remote.token here to the new value.")
		case gatewayToken != "" && rn.IsEnvRef():
			p.env = append(p.env, [2]string{rn.EnvRefs()[0], gatewayToken})
			p.rotated = append(p.rotated, "gateway.remote.token (${"+rn.EnvRefs()[0]+"} in .env, same as the new gateway token)")
		case gatewayToken != "":
			p.set("gateway.remote.token", gatewayToken, "contain: the CLI's remote token follows the new gateway token")
			p.rotated = append(p.rotated, "gateway.remote.token (same as the new gateway token)")
		default:
			if _, err := p.rotateSecret("gateway.remote.token", rn, "OPENCLAW_GATEWAY_REMOTE_TOKEN", "remote token"); err != nil {
				return err
			}
		}
	}
	if rp := p.get("gateway.remote.password"); rp.IsSet() {
		p.addAfter("gateway.remote.password is set: update it to the gateway's new password on every machine that calls this gateway.")
	}

	// hooks.token, used or not (it may have leaked with the config)
	if hn := p.get("hooks.token"); hn.IsSet() || hn.IsSecretRef() {
		if _, err := p.rotateSecret("hooks.token", hn, "OPENCLAW_HOOKS_TOKEN", "hooks token"); err != nil {
			return err
		}
		p.addAfter("Give the new hooks token to every webhook sender (Gmail watcher, CI, scripts) before re-enabling hooks.")
	}
	p.addAfter(
		"Restart the gateway so the new bind, auth and secrets take effect: openclaw gateway restart   (Linux service: systemctl --user restart openclaw-gateway; macOS: restart the OpenClaw app)",
		"Update every client of the gateway (CLI on other machines, apps, paired nodes) with the new gateway token/password.",
	)
	return nil
}

// rotatePassword plans a new gateway password: a ${VAR} gets its new value
// in .env; a literal (or none) moves to ${OPENCLAW_GATEWAY_PASSWORD} in
// .env; a SecretRef is left alone with advice.
func (p *planner) rotatePassword(n *model.Node) (string, error) {
	if n.IsSecretRef() {
		p.addAfter(fmt.Sprintf("gateway.auth.password is a SecretRef (source %q, id %q): rotate it in that secret provider.", n.Get("source").Text(), n.Get("id").Text()))
		return "", nil
	}
	pw, err := p.newToken()
	if err != nil {
		return "", err
	}
	if pw != "" {
		defer p.serviceSteps([]string{"OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD"}, pw)
	}
	name := "OPENCLAW_GATEWAY_PASSWORD"
	if n.IsEnvRef() {
		name = n.EnvRefs()[0]
	} else if n.IsSet() || p.get("gateway.auth.mode").Text() == "password" {
		p.set("gateway.auth.password", "${"+name+"}", "contain: new gateway password, kept in <state>/.env", audit.IDConfigSecretsGatewayPasswordInConfig, audit.IDConfigSecretsPlaintext)
	}
	p.env = append(p.env, [2]string{name, pw})
	p.rotated = append(p.rotated, "gateway.auth.password (${"+name+"} in .env)")
	p.envNote(name)
	return pw, nil
}

// rotateSecret plans a new random value for the secret at path in its
// current form and returns it ("" for a SecretRef).
func (p *planner) rotateSecret(path string, n *model.Node, envName, what string) (string, error) {
	if n.IsSecretRef() {
		p.addAfter(fmt.Sprintf("%s is a SecretRef (source %q, id %q): rotate it in that secret provider with a new random value (openssl rand -hex 24); hardshell does not touch it.", path, n.Get("source").Text(), n.Get("id").Text()))
		p.rotated = append(p.rotated, path+" (SecretRef: rotate by hand)")
		return "", nil
	}
	tok, err := p.newToken()
	if err != nil {
		return "", err
	}
	switch {
	case n.IsEnvRef():
		name := n.EnvRefs()[0]
		p.env = append(p.env, [2]string{name, tok})
		p.rotated = append(p.rotated, path+" (${"+name+"} in .env)")
		p.envNote(name)
	case n.IsSet():
		p.set(path, tok, "contain: new random "+what+" (48 hex chars)", audit.IDGatewayTokenTooShort, audit.IDGatewayTokenWeakValue, audit.IDHooksTokenTooShort, audit.IDHooksTokenReuseGatewayToken)
		p.rotated = append(p.rotated, path+" (new value in the config)")
	default:
		// the env fallback (OPENCLAW_GATEWAY_TOKEN) or nothing
		p.env = append(p.env, [2]string{envName, tok})
		p.rotated = append(p.rotated, what+" (${"+envName+"} in .env)")
		p.envNote(envName)
	}
	return tok, nil
}

// serviceSteps turns the service definitions outside the state dir that
// still give the gateway the old secret (names) into After steps, and gives
// their variables the new value in <state>/.env, where the steps send the
// services: hardshell changes nothing outside the state dir.
func (p *planner) serviceSteps(names []string, secret string) {
	home := p.s.Target.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	steps, baked := rotate.ServiceSteps(p.s, home, names, secret)
	for _, n := range baked {
		if !p.hasEnv(n) {
			p.env = append(p.env, [2]string{n, secret})
		}
	}
	for _, m := range steps {
		p.addAfter(fmt.Sprintf("By hand (outside the state dir hardshell changes nothing): %s, %s: %s → %s", m.Path, m.Where, m.Holds, m.Do))
	}
}

func (p *planner) hasEnv(name string) bool {
	for _, kv := range p.env {
		if kv[0] == name {
			return true
		}
	}
	return false
}

// envNote warns when the shell (and so maybe the service) sets the
// variable: the process environment wins over <state>/.env.
func (p *planner) envNote(name string) {
	if v, ok := os.LookupEnv(name); ok && strings.TrimSpace(v) != "" {
		p.addAfter(fmt.Sprintf("%s is also set in this shell's environment; the process environment wins over <state>/.env, so update it wherever the gateway service sets it (systemd Environment=, launchd plist).", name))
	}
}

// envValue looks a variable up the way the gateway would.
func (p *planner) envValue(name string) (string, bool) {
	if p.s.Env == nil {
		return "", false
	}
	v, ok := p.s.Env(name)
	return v, ok && strings.TrimSpace(v) != ""
}

// envFileWrite is the one write of <state>/.env with every new KEY=value
// (created 0600; an existing file keeps its mode, other lines are kept),
// rendered onto the .env the snapshot read.
func envFileWrite(s *model.Snapshot, kv [][2]string) (model.FileWrite, error) {
	path := s.DotenvPath()
	data, err := s.Dotenv("hardshell does not write through it (move the file into the state dir and re-run)")
	if err != nil {
		return model.FileWrite{}, err
	}
	var names []string
	for _, p := range kv {
		if data, err = remediate.UpsertDotenv(data, p[0], p[1]); err != nil {
			return model.FileWrite{}, fmt.Errorf("%s: %w", path, err)
		}
		names = append(names, p[0])
	}
	return model.FileWrite{Path: path, Data: data, Mode: 0o600,
		Reason: "contain: new secrets for " + strings.Join(sortedUnique(names), ", ")}, nil
}

// Credential is one provider credential to rotate by hand, with where it
// lives (the guide's credential storage map).
type Credential struct {
	What  string `json:"what"`
	Where string `json:"where"`
	How   string `json:"how"`
}

// Credentials lists the provider credentials of s to rotate by hand, from
// the guide's credential map, with the paths that exist on this host.
func Credentials(s *model.Snapshot) []Credential {
	var out []Credential
	if s == nil {
		return nil
	}
	if s.FS != nil {
		for _, c := range s.FS.Credentials {
			rel, _ := filepath.Rel(s.Target.StateDir, c.Path)
			rel = filepath.ToSlash(rel)
			switch {
			case strings.HasPrefix(rel, "credentials/whatsapp/") && strings.HasSuffix(rel, "/creds.json"):
				acct := strings.TrimSuffix(strings.TrimPrefix(rel, "credentials/whatsapp/"), "/creds.json")
				out = append(out, Credential{What: "WhatsApp session (account " + acct + ")", Where: c.Path,
					How: "log the linked device out on the phone (WhatsApp → Linked devices), delete " + filepath.Dir(c.Path) + ", then re-link: openclaw channels login"})
			case rel == "credentials/oauth.json":
				out = append(out, Credential{What: "legacy OAuth import", Where: c.Path,
					How: "revoke the OAuth grant at the provider, then delete the file"})
			}
		}
		for _, ps := range s.FS.PairingStores {
			out = append(out, Credential{What: "pairing allowlist (" + ps.Channel + accountSuffix(ps.Account) + ")", Where: ps.File.Path,
				How: "remove every sender you do not recognise (openclaw pairing list " + ps.Channel + ")"})
		}
		for _, a := range s.FS.Agents {
			if a.AuthProfiles.Exists {
				out = append(out, Credential{What: "model API keys / OAuth (agent " + a.ID + ")", Where: a.AuthProfiles.Path,
					How: "revoke each key at its provider's console, create a new one and update the profile (openclaw models auth)"})
			}
		}
	}
	if s.Doc != nil {
		for _, id := range s.Doc.Get("channels").Keys() {
			root := model.Child("channels", id)
			walk(s.Doc.Get(root), root, func(path, key string, n *model.Node) bool {
				if n.Kind == model.KindObject || n.Kind == model.KindArray {
					return true
				}
				if key == "tokenFile" && n.Text() != "" {
					out = append(out, Credential{What: id + " bot token file", Where: path + " → " + n.Text(), How: channelHow(id)})
					return false
				}
				if model.IsSecretKey(key) && (n.IsSet() || n.IsSecretRef()) {
					where := path
					switch {
					case n.IsEnvRef():
						where += " (${" + n.EnvRefs()[0] + "}, in <state>/.env or the service environment)"
					case n.IsSecretRef():
						where += " (SecretRef)"
					default:
						where += " (plain text in the config)"
					}
					out = append(out, Credential{What: id + " " + key, Where: where, How: channelHow(id)})
				}
				return true
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].What < out[j].What })
	return out
}

func accountSuffix(a string) string {
	if a == "" {
		return ""
	}
	return ", account " + a
}

func channelHow(channel string) string {
	switch channel {
	case "telegram":
		return "@BotFather → /revoke, then put the new token in place"
	case "discord":
		return "Discord Developer Portal → Bot → Reset Token"
	case "slack":
		return "Slack app settings → regenerate the bot/app tokens and the signing secret"
	}
	return "regenerate it in the provider's console and put the new value in place"
}

// manualSteps are the After lines for credentials hardshell cannot rotate.
func (p *planner) manualSteps() []string {
	var out []string
	for _, c := range Credentials(p.s) {
		out = append(out, fmt.Sprintf("Rotate by hand: %s — %s — %s", c.What, c.Where, c.How))
	}
	out = append(out,
		"Review the paired devices and nodes and the approved senders (hardshell access) and revoke every one you do not recognise (hardshell access device remove ID, hardshell access revoke CHANNEL SENDER).",
		"Review "+filepath.Join(p.s.Target.StateDir, "extensions")+" and remove every plugin you do not fully trust.",
		"Re-run the audit with the live probe once the gateway is restarted: hardshell audit --deep (or openclaw security audit --deep).",
	)
	return out
}

// Rotated names the secrets the plan rotates (for the report); it re-runs
// the planner's rotation decisions without generating secrets.
func Rotated(s *model.Snapshot, opts Options) []string {
	p := &planner{s: s, opts: opts, byPath: map[string]int{}, removed: map[string]bool{},
		newToken: func() (string, error) { return "", nil }}
	if s == nil || s.Doc == nil {
		return nil
	}
	p.cfg = s.Doc.Root
	if err := p.rotate(); err != nil {
		return nil
	}
	return p.rotated
}
