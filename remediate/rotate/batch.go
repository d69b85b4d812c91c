package rotate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// ensure applies Options.Ensure: when the gateway has no shared secret
// (auth mode none or trusted-proxy, or neither a token nor a password set
// in the config or the environment), the rotation becomes "give it token
// auth": the secret is gateway.auth.token, kept in <state>/.env (its
// ${VAR} when it already names one, else ${OPENCLAW_GATEWAY_TOKEN}), and
// modeEdit switches gateway.auth.mode to token. Otherwise path and toEnv
// come back unchanged.
func ensure(s *model.Snapshot, target Target, path, toEnv string, on bool) (string, string, *model.Edit) {
	if !on || target != Gateway || path != "" || s == nil || s.Doc == nil {
		return path, toEnv, nil
	}
	root := audit.Config(s)
	set := func(name string) bool {
		if s.Env == nil {
			return false
		}
		v, ok := s.Env(name)
		return ok && strings.TrimSpace(v) != ""
	}
	mode := strings.ToLower(strings.TrimSpace(root.Lookup("gateway.auth.mode").Text()))
	tok := root.Lookup("gateway.auth.token")
	none := mode == "none" || mode == "trusted-proxy" ||
		(mode == "" && !tok.IsSet() && !tok.IsSecretRef() && !root.Lookup("gateway.auth.password").IsSet() &&
			!set("OPENCLAW_GATEWAY_TOKEN") && !set("OPENCLAW_GATEWAY_PASSWORD"))
	if !none {
		return path, toEnv, nil
	}
	was := mode
	if was == "" {
		was = "no shared secret"
	}
	return "gateway.auth.token", "OPENCLAW_GATEWAY_TOKEN",
		&model.Edit{Op: model.OpSet, Path: "gateway.auth.mode", Value: "token", Reason: fmt.Sprintf("gateway auth %s → token", was)}
}

// Request is one secret of a Batch.
type Request struct {
	Target Target
	// Path is the secret's config path; "" = the target's own secret (as
	// Resolve finds it). Containment names gateway.auth.password next to
	// token auth (a stale password may have leaked too).
	Path string
	// Value is the new secret; "" = a new one from Options.Generate. The
	// CLI's remote token on the gateway host follows the new gateway token.
	Value string
	// ToEnv moves a literal (or unset) secret to ${ToEnv} in <state>/.env
	// instead of writing a new literal.
	ToEnv string
}

// Batch plans several rotations into one change set with the planner of
// Plan: each secret is resolved and stored in its form by the same code
// (a literal stays a literal, a ${VAR} or env SecretRef gets its new value
// in <state>/.env, a file SecretRef in the state dir gets it in its file,
// an exec SecretRef or a file outside the state dir is refused with
// ErrExec or *OutsideRefError), and every file is written once.
// Containment uses it to rotate the gateway, remote and hooks secrets at
// once. Unlike Plan it neither rewrites service definitions nor sweeps the
// state dir: containment keeps logs and transcripts as evidence and points
// the services at <state>/.env (ServiceSteps, SetEnv).
type Batch struct {
	p      *planner
	cs     model.ChangeSet
	o      Options
	shared Info // Originals, Updated and Skipped of the whole batch
}

// NewBatch starts a batch on s. Options.Home is not used (a batch leaves
// service definitions alone).
func NewBatch(s *model.Snapshot, o Options) *Batch {
	if o.Generate == nil {
		o.Generate = NewSecret
	}
	if o.Getenv == nil {
		o.Getenv = os.LookupEnv
	}
	b := &Batch{o: o, shared: Info{Originals: map[string][]byte{}}}
	b.p = &planner{s: s, cs: &b.cs, info: &b.shared, roots: []string{s.Target.StateDir}}
	if s.Target.ConfigPath != "" {
		b.p.roots = append(b.p.roots, filepath.Dir(s.Target.ConfigPath))
	}
	return b
}

// Rotate plans a new value for one secret. The Info says where it went
// (Secret.Form, NewLocation) and Notes for the operator; nothing is planned
// when the error is non-nil.
func (b *Batch) Rotate(r Request) (Info, error) {
	s := b.p.s
	path, toEnv, modeEdit := ensure(s, r.Target, r.Path, r.ToEnv, b.o.Ensure)
	sec, err := resolve(s, r.Target, path)
	if err != nil {
		return Info{}, err
	}
	info := Info{Secret: sec, Originals: b.shared.Originals}
	if sec.Form == FormRefExec {
		return info, fmt.Errorf("%w: %s is {source: %q, provider: %q, id: %q}", ErrExec, sec.Path, audit.Config(s).Lookup(sec.Path).Get("source").Text(), sec.Provider, sec.RefID)
	}
	if sec.Form == FormRefFile && !b.p.inside(sec.File) {
		return info, &OutsideRefError{File: sec.File, Provider: sec.Provider, RefID: sec.RefID, Mode: sec.FileMode}
	}
	info.New = r.Value
	if info.New == "" {
		if info.New, err = b.o.Generate(); err != nil {
			return info, err
		}
	}
	if info.New != "" {
		s.Redact().AddKnown(info.New)
	}
	edits := len(b.cs.Edits)
	if modeEdit != nil {
		b.cs.Edits = append(b.cs.Edits, *modeEdit)
	}
	b.p.info, b.p.toEnv = &info, toEnv
	defer func() { b.p.info, b.p.toEnv = &b.shared, "" }()
	if sec.Known {
		b.p.addOld(sec.Current)
	}
	if err := b.p.writeNew(b.o.Getenv); err != nil {
		b.cs.Edits = b.cs.Edits[:edits]
		return info, err
	}
	return info, nil
}

// SetEnv sets name=value in <state>/.env (a variable a service definition
// outside the state dir gives the gateway, which containment sends to
// <state>/.env).
func (b *Batch) SetEnv(name, value, why string) error {
	path := b.p.dotenvPath()
	old, _, err := b.p.dotenv("hardshell does not write through it — set " + name + " there by hand")
	if err != nil {
		return err
	}
	data, err := remediate.UpsertDotenv(old, name, value)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b.p.put(path, data, why)
	return nil
}

// Env is the value the batch gives name in <state>/.env, if any.
func (b *Batch) Env(name string) (string, bool) {
	data, ok := b.p.files[b.p.dotenvPath()]
	if !ok {
		return "", false
	}
	v, ok := model.ParseDotenv(data)[name]
	return v, ok
}

// ChangeSet ends the batch: the config edits and one write per file, with
// the batch's Updated and Skipped notes.
func (b *Batch) ChangeSet() (model.ChangeSet, Info) {
	b.p.flush()
	return b.cs, b.shared
}
