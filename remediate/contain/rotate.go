package contain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate/rotate"
)

// rotate plans new gateway, hooks and remote secrets with the rotation
// planner (rotate.Batch), so a secret keeps the form the operator uses
// exactly as `hardshell rotate` keeps it: a literal stays a literal, a
// ${VAR} or an env SecretRef gets its new value in <state>/.env, a file
// SecretRef in the state dir gets it in its file; an exec SecretRef or a
// file outside the state dir is left alone with advice. A gateway with no
// shared secret (or in trusted-proxy mode) gets token auth with a new token
// in .env (rotate.Options.Ensure); a gateway password moves to .env.
func (p *planner) rotate() error {
	b := rotate.NewBatch(p.s, rotate.Options{Generate: p.newToken, Ensure: true})
	mode := strings.ToLower(strings.TrimSpace(p.get("gateway.auth.mode").Text()))
	pwNode := p.get("gateway.auth.password")
	_, envPw := p.envValue("OPENCLAW_GATEWAY_PASSWORD")
	pwMode := mode == "password" || (mode == "" && (pwNode.IsSet() || envPw))

	gw, err := p.rotateOne(b, rotate.Request{Target: rotate.Gateway, ToEnv: pwEnv(pwMode)})
	if err != nil {
		return err
	}
	if mode == "trusted-proxy" {
		p.addAfter("Trusted-proxy auth is replaced by token auth while contained; switch back (gateway.auth.mode: \"trusted-proxy\") once the proxy and its user allowlist are reviewed.")
	}
	gatewayToken := ""
	if gw.Kind == "token" {
		gatewayToken = gw.New
	}
	if !pwMode && pwNode.IsSet() {
		// a stale password next to token auth is rotated too: it may have leaked
		if _, err := p.rotateOne(b, rotate.Request{Target: rotate.Gateway, Path: "gateway.auth.password", ToEnv: "OPENCLAW_GATEWAY_PASSWORD"}); err != nil {
			return err
		}
	}

	// gateway.remote.token: the CLI's credential. On the gateway host (mode
	// local) it follows the new gateway token; on a client it is rotated on
	// the gateway host first.
	if rn := p.get("gateway.remote.token"); rn.IsSet() || rn.IsSecretRef() {
		if p.get("gateway.mode").Text() == "remote" {
			p.addAfter("This machine is a remote client (gateway.mode remote): rotate the token on the gateway host first, then set gateway.remote.token here to the new value.")
		} else if _, err := p.rotateOne(b, rotate.Request{Target: rotate.Remote, Path: "gateway.remote.token", Value: gatewayToken}); err != nil {
			return err
		}
	}
	if rp := p.get("gateway.remote.password"); rp.IsSet() {
		p.addAfter("gateway.remote.password is set: update it to the gateway's new password on every machine that calls this gateway.")
	}

	// hooks.token, used or not (it may have leaked with the config)
	if hn := p.get("hooks.token"); hn.IsSet() || hn.IsSecretRef() {
		if _, err := p.rotateOne(b, rotate.Request{Target: rotate.Hooks}); err != nil {
			return err
		}
		p.addAfter("Give the new hooks token to every webhook sender (Gmail watcher, CI, scripts) before re-enabling hooks.")
	}

	// the services outside the state dir that bake the old secret are sent
	// to <state>/.env, which gets their variables
	if gw.New != "" {
		if err := p.serviceSteps(b, gatewayEnvNames[gw.Kind], gw.New); err != nil {
			return err
		}
	}
	cs, _ := b.ChangeSet()
	for _, e := range cs.Edits {
		p.set(e.Path, e.Value, "contain: "+e.Reason, audit.IDGatewayTokenTooShort, audit.IDGatewayTokenWeakValue, audit.IDHooksTokenTooShort, audit.IDHooksTokenReuseGatewayToken, audit.IDConfigSecretsGatewayPasswordInConfig, audit.IDConfigSecretsPlaintext)
	}
	for _, w := range cs.Writes {
		if w.Path == p.s.DotenvPath() {
			for k, v := range model.ParseDotenv(w.Data) {
				p.env = append(p.env, [2]string{k, v})
			}
			w.Reason = "contain: new secrets for " + strings.Join(sortedUnique(p.rotatedEnv), ", ")
		} else {
			w.Reason = "contain: " + w.Reason
		}
		p.rotWrites = append(p.rotWrites, w)
	}
	p.addAfter(
		"Restart the gateway so the new bind, auth and secrets take effect: openclaw gateway restart   (Linux service: systemctl --user restart openclaw-gateway; macOS: restart the OpenClaw app)",
		"Update every client of the gateway (CLI on other machines, apps, paired nodes) with the new gateway token/password.",
	)
	return nil
}

// gatewayEnvNames are the variables that give the gateway its secret.
var gatewayEnvNames = map[string][]string{
	"token":    {"OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN"},
	"password": {"OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD"},
}

// pwEnv: a gateway password is kept in <state>/.env, out of the config.
func pwEnv(pwMode bool) string {
	if pwMode {
		return "OPENCLAW_GATEWAY_PASSWORD"
	}
	return ""
}

// rotateOne plans one secret with the batch and notes it for the report; a
// secret hardshell cannot write (exec SecretRef, a file outside the state
// dir) becomes advice.
func (p *planner) rotateOne(b *rotate.Batch, r rotate.Request) (rotate.Info, error) {
	info, err := b.Rotate(r)
	var outside *rotate.OutsideRefError
	switch {
	case errors.Is(err, rotate.ErrExec), errors.As(err, &outside):
		p.addAfter(fmt.Sprintf("%s is a SecretRef (source %q, id %q): rotate it in that secret provider with a new random value (openssl rand -hex 24); hardshell does not touch it.", info.Path, p.get(info.Path).Get("source").Text(), info.RefID))
		p.rotated = append(p.rotated, info.Path+" (SecretRef: rotate by hand)")
		return rotate.Info{}, nil
	case err != nil:
		return info, err
	}
	switch info.Form {
	case rotate.FormLiteral, rotate.FormNew:
		p.rotated = append(p.rotated, info.Path+" (new value in the config)")
	case rotate.FormRefFile:
		p.rotated = append(p.rotated, info.Path+" (SecretRef file "+info.File+")")
	default:
		p.rotated = append(p.rotated, info.Path+" (${"+info.EnvVar+"} in .env)")
		p.rotatedEnv = append(p.rotatedEnv, info.EnvVar)
	}
	for _, n := range info.Notes {
		p.addAfter(n)
	}
	return info, nil
}

// serviceSteps turns the service definitions outside the state dir that
// still give the gateway the old secret (names) into After steps, and gives
// their variables the new value in <state>/.env, where the steps send the
// services: hardshell changes nothing outside the state dir.
func (p *planner) serviceSteps(b *rotate.Batch, names []string, secret string) error {
	home := p.s.Target.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	steps, baked, unread := rotate.ServiceSteps(p.s, home, names, secret)
	for _, u := range unread {
		p.addAfter(fmt.Sprintf("Check by hand: %s %s, so hardshell could not tell whether it gives the gateway the old secret; make it a regular readable file and give it the new secret from %s.", u.Path, u.Why, p.s.DotenvPath()))
	}
	for _, n := range baked {
		if _, ok := b.Env(n); !ok {
			if err := b.SetEnv(n, secret, "the variable a service outside the state dir gives the gateway"); err != nil {
				return err
			}
			p.rotatedEnv = append(p.rotatedEnv, n)
		}
	}
	for _, m := range steps {
		p.addAfter(fmt.Sprintf("By hand (outside the state dir hardshell changes nothing): %s, %s: %s → %s", m.Path, m.Where, m.Holds, m.Do))
	}
	return nil
}

// envValue looks a variable up the way the gateway would.
func (p *planner) envValue(name string) (string, bool) {
	if p.s.Env == nil {
		return "", false
	}
	v, ok := p.s.Env(name)
	return v, ok && strings.TrimSpace(v) != ""
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
