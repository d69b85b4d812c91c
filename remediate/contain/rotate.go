package contain

import (
	"errors"
	"fmt"
	"os"
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
	b := rotate.NewBatch(p.s, rotate.Options{Generate: p.newToken, Ensure: true, Getenv: p.opts.Getenv})
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
		if err := p.serviceSteps(b, rotate.GatewayEnvNames(gw.Kind), gw.New); err != nil {
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
