// Package rotate is `hardshell rotate`: a new random gateway, hooks or
// remote secret written in the form the operator already uses (literal,
// ${VAR} in <state>/.env, or a SecretRef's env/file source), the old value
// replaced wherever it is baked in — systemd user units, launchd plists,
// .env, other state files (openclaw#19410) — in one transaction, and a live
// probe on loopback that the old secret is refused and the new one accepted.
package rotate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// NewSecret returns a new token the way `openclaw doctor
// --generate-gateway-token` makes one (remediate.GenerateToken: 24 bytes
// from crypto/rand as 48 lowercase hex characters).
func NewSecret() (string, error) { return remediate.GenerateToken() }

// Target is what is rotated.
type Target string

const (
	Gateway Target = "gateway" // gateway.auth.token, or .password in password mode
	Hooks   Target = "hooks"   // hooks.token
	Remote  Target = "remote"  // gateway.remote.token / .password
)

// ParseTarget accepts gateway, hooks or remote ("" = gateway).
func ParseTarget(s string) (Target, error) {
	switch Target(strings.ToLower(strings.TrimSpace(s))) {
	case "", Gateway:
		return Gateway, nil
	case Hooks:
		return Hooks, nil
	case Remote:
		return Remote, nil
	}
	return "", &model.InputError{Msg: fmt.Sprintf("unknown rotation target %q: use gateway, hooks or remote", s)}
}

// Form is how the secret is stored.
type Form string

const (
	FormLiteral Form = "literal"        // the value is in the config
	FormEnvVar  Form = "${VAR}"         // the config says "${VAR}"
	FormRefEnv  Form = "SecretRef env"  // {source: "env", id: VAR}
	FormRefFile Form = "SecretRef file" // {source: "file", provider, id}
	FormRefExec Form = "SecretRef exec" // {source: "exec"|"store"}: not writable here
	FormEnvOnly Form = "environment"    // unset in the config; OPENCLAW_GATEWAY_* set
	FormNew     Form = "unset"          // nothing set yet: a literal is written
)

// Secret says where the rotated secret lives.
type Secret struct {
	Target Target
	Path   string // config path (gateway.auth.token, hooks.token, …)
	Kind   string // token | password (for the probe and the env fallback)
	Form   Form
	EnvVar string // the variable for ${VAR}, SecretRef env and env-only forms
	// SecretRef file: the provider, its file and mode, and the ref id.
	Provider, RefID, File, FileMode string
	// EnvNames are the variables that carry this secret into the gateway's
	// process (EnvVar plus OpenClaw's fallbacks); service files defining
	// any of them are updated.
	EnvNames []string
	// Current is the resolved value (never print it); Known says whether it
	// could be resolved.
	Current string
	Known   bool
}

// Options are the inputs Plan takes besides the snapshot.
type Options struct {
	// Home is the OS home whose service definitions are scanned
	// (~/.config/systemd/user, ~/Library/LaunchAgents); "" = Target.Home,
	// then os.UserHomeDir.
	Home string
	// Getenv reads the process environment (to tell the operator a
	// variable is also set there); nil = os.LookupEnv.
	Getenv func(string) (string, bool)
	// Generate makes the new secret; nil = NewSecret (crypto/rand,
	// 24 bytes → 48 lowercase hex).
	Generate func() (string, error)
	// Ensure makes sure the gateway ends up with a shared secret: one with
	// none (auth mode none or trusted-proxy, or nothing set) is switched to
	// token auth with a new token in <state>/.env instead of refused.
	// Containment uses it; `hardshell rotate` refuses, so the operator
	// chooses the auth mode.
	Ensure bool
}

// FileNote is a file the plan touches (or would, but cannot) and why.
type FileNote struct {
	Path string
	Why  string
}

// Manual is a change hardshell does not make because the file is outside
// the state dir (and the config's folder): hardshell changes nothing
// outside them. Holds is masked; Do never contains a secret.
type Manual struct {
	Path  string // the file
	Where string // the line or key that holds the old secret
	Holds string // what is there now, the secret masked
	Do    string // what to change, and the command(s) to run after
}

// Info explains a plan. Old and New are secrets: never print them unmasked.
type Info struct {
	Secret
	Old         []string // distinct old values found (config, env, service files)
	New         string
	NewLocation string // where the new secret was written, for the operator
	Updated     []FileNote
	Chmodded    []FileNote // OpenClaw backups that keep the old secret, tightened to 0600
	Skipped     []FileNote // files that hold the old secret but are not changed
	Manual      []Manual   // files outside the state dir to change by hand
	Notes       []string
	Restart     []string // commands that restart the gateway so it reads the new secret
	Remote      []string // clients elsewhere to update
	Port        int      // where the live probe goes
	HooksPath   string
	// Originals are the bytes each written file had when planned; Prepare
	// tracks them so Commit refuses if one changed in between.
	Originals map[string][]byte
}

// gatewayEnvNames are OpenClaw's environment fallbacks per kind.
var gatewayEnvNames = map[string][]string{
	"token":    {"OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN"},
	"password": {"OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD"},
}

// GatewayEnvNames are the variables that give the gateway its secret of
// kind (token or password), OpenClaw's name first.
func GatewayEnvNames(kind string) []string { return slices.Clone(gatewayEnvNames[kind]) }

// Resolve finds where the target's secret lives and its current value.
func Resolve(s *model.Snapshot, target Target) (Secret, error) { return resolve(s, target, "") }

// resolve is Resolve for the secret at path of target ("" = the target's
// own secret; containment also names a stale gateway.auth.password next to
// token auth and gateway.remote.token).
func resolve(s *model.Snapshot, target Target, path string) (Secret, error) {
	if s == nil || s.Doc == nil {
		if s != nil && s.DocErr != nil {
			return Secret{}, s.DocErr
		}
		return Secret{}, &model.InputError{Msg: "no OpenClaw config found to rotate a secret in (run `openclaw onboard`, or pass --state-dir / --config)"}
	}
	root := audit.Config(s)
	env := func(name string) (string, bool) {
		if s.Env == nil {
			return "", false
		}
		v, ok := s.Env(name)
		return v, ok && strings.TrimSpace(v) != ""
	}
	sec := Secret{Target: target, Kind: "token"}
	var fallbacks []string
	switch {
	case path != "":
		sec.Path = path
		if strings.HasSuffix(path, ".password") {
			sec.Kind = "password"
		}
		if target == Gateway {
			fallbacks = gatewayEnvNames[sec.Kind]
		}
	case target == Gateway:
		mode := strings.ToLower(strings.TrimSpace(root.Lookup("gateway.auth.mode").Text()))
		if mode == "" {
			_, pwEnv := env("OPENCLAW_GATEWAY_PASSWORD")
			if root.Lookup("gateway.auth.password").IsSet() || pwEnv {
				mode = "password"
			} else {
				mode = "token"
			}
		}
		switch mode {
		case "token", "password":
		default:
			return Secret{}, fmt.Errorf("gateway.auth.mode is %q: the gateway uses no shared secret, so there is nothing to rotate (set gateway.auth.mode to token first)", mode)
		}
		sec.Kind = mode
		sec.Path = "gateway.auth." + mode
		fallbacks = gatewayEnvNames[mode]
	case target == Hooks:
		sec.Path = "hooks.token"
	case target == Remote:
		sec.Path = "gateway.remote.token"
		if !root.Lookup("gateway.remote.token").IsSet() && root.Lookup("gateway.remote.password").IsSet() {
			sec.Path, sec.Kind = "gateway.remote.password", "password"
		}
	default:
		return Secret{}, fmt.Errorf("unknown rotation target %q", target)
	}

	n := root.Lookup(sec.Path)
	switch {
	case n.IsSecretRef():
		src := n.Get("source").Text()
		sec.RefID = n.Get("id").Text()
		sec.Provider = n.Get("provider").Text()
		switch src {
		case "env":
			sec.Form, sec.EnvVar = FormRefEnv, sec.RefID
		case "file":
			sec.Form = FormRefFile
			if err := resolveFileRef(s, root, &sec); err != nil {
				return Secret{}, err
			}
		default:
			sec.Form = FormRefExec
			return sec, nil
		}
	case n.IsEnvRef():
		sec.Form, sec.EnvVar = FormEnvVar, n.EnvRefs()[0]
	case n.IsSet() && n.Kind == model.KindString && len(n.EnvRefs()) > 0:
		return Secret{}, &model.InputError{File: n.Pos.File, Line: n.Pos.Line, Col: n.Pos.Col,
			Msg: fmt.Sprintf("%s mixes text with ${%s}; hardshell rotates only a literal, a lone ${VAR} or a SecretRef — make it one of those first", sec.Path, strings.Join(n.EnvRefs(), "}, ${"))}
	case n.IsLiteralSecret():
		sec.Form = FormLiteral
		sec.Current, sec.Known = n.Text(), true
	case n != nil && n.Kind != model.KindString && n.Kind != model.KindNull:
		return Secret{}, &model.InputError{File: n.Pos.File, Line: n.Pos.Line, Col: n.Pos.Col,
			Msg: fmt.Sprintf("%s is a %s, not a string or SecretRef", sec.Path, n.Kind)}
	default:
		sec.Form = FormNew
		for _, name := range fallbacks {
			if _, ok := env(name); ok {
				sec.Form, sec.EnvVar = FormEnvOnly, name
				break
			}
		}
	}
	if sec.EnvVar != "" {
		if v, ok := env(sec.EnvVar); ok {
			sec.Current, sec.Known = v, true
		}
		sec.EnvNames = append(sec.EnvNames, sec.EnvVar)
	}
	for _, f := range fallbacks {
		if f != sec.EnvVar {
			sec.EnvNames = append(sec.EnvNames, f)
		}
	}
	return sec, nil
}

// resolveFileRef finds the file behind a file SecretRef and reads the
// current value.
func resolveFileRef(s *model.Snapshot, root *model.Node, sec *Secret) error {
	prov := sec.Provider
	if prov == "" {
		prov = "default"
		sec.Provider = prov
	}
	p := root.Lookup("secrets.providers").Get(prov)
	if p == nil || p.Get("source").Text() != "file" {
		return fmt.Errorf("%s is a file SecretRef, but secrets.providers.%s is not a file provider; fix the provider, then run hardshell rotate again", sec.Path, prov)
	}
	path := p.Get("path").Text()
	if path == "" {
		return fmt.Errorf("secrets.providers.%s has no path", prov)
	}
	if strings.HasPrefix(path, "~/") && s.Target.Home != "" {
		path = filepath.Join(s.Target.Home, path[2:])
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(s.Target.StateDir, path)
	}
	sec.File = path
	sec.FileMode = p.Get("mode").Text()
	if sec.FileMode == "" {
		sec.FileMode = "json"
	}
	data, err := readRefFile(s, path)
	if err != nil {
		return fmt.Errorf("cannot read %s (secrets.providers.%s): %w", path, prov, err)
	}
	s.Redact().AddSecretFile(s.Base(), path, sec.FileMode)
	switch sec.FileMode {
	case "singleValue":
		sec.Current, sec.Known = strings.TrimRight(string(data), "\r\n"), true
	default:
		v, err := model.ParseValue(path, data)
		if err != nil {
			return err
		}
		n := jsonPointer(v, sec.RefID)
		if n == nil || n.Kind != model.KindString {
			return fmt.Errorf("%s has no string at %s (the id of %s)", path, sec.RefID, sec.Path)
		}
		sec.Current, sec.Known = n.Str, true
	}
	return nil
}

// readRefFile reads a file SecretRef's file through the snapshot's
// recorder, always with the same options, so the plan writes the new value
// into the bytes Resolve read the current one from and the commit re-checks
// that read.
func readRefFile(s *model.Snapshot, path string) ([]byte, error) {
	return s.ReadFile(path, fsys.ReadOptions{MaxSize: fsys.MaxStore})
}

// jsonPointer resolves an RFC 6901 pointer.
func jsonPointer(n *model.Node, ptr string) *model.Node {
	if ptr == "" || ptr == "/" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, seg := range strings.Split(ptr[1:], "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch n.Kind {
		case model.KindObject:
			n = n.Get(seg)
		case model.KindArray:
			i := -1
			_, _ = fmt.Sscanf(seg, "%d", &i)
			n = n.At(i)
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// ErrExec is returned for a secret held by an exec/store SecretRef: hardshell
// cannot write into the provider.
var ErrExec = errors.New("the secret is held by an exec or store SecretRef")

// Plan computes the rotation: the change set (config edits, file writes,
// chmods of OpenClaw backups) and what it means. Nothing is written.
func Plan(s *model.Snapshot, target Target, o Options) (model.ChangeSet, Info, error) {
	var cs model.ChangeSet
	path, toEnv, modeEdit := ensure(s, target, "", "", o.Ensure)
	sec, err := resolve(s, target, path)
	if err != nil {
		return cs, Info{}, err
	}
	if modeEdit != nil {
		cs.Edits = append(cs.Edits, *modeEdit)
	}
	info := Info{Secret: sec, Port: audit.GatewayPort(s), Originals: map[string][]byte{}}
	info.HooksPath = audit.Config(s).Lookup("hooks.path").Text()
	if sec.Form == FormRefExec {
		return cs, info, fmt.Errorf("%w: %s is {source: %q, provider: %q, id: %q}; rotate it in that provider with a new random value (e.g. `openssl rand -hex 24`), then restart the gateway and run `hardshell rotate %s --verify`",
			ErrExec, sec.Path, audit.Config(s).Lookup(sec.Path).Get("source").Text(), sec.Provider, sec.RefID, target)
	}
	gen := o.Generate
	if gen == nil {
		gen = NewSecret
	}
	if info.New, err = gen(); err != nil {
		return cs, info, err
	}
	// the new secret and every old one are masked wherever this run prints;
	// the sweep shows lines of transcripts and logs, so the secrets of the
	// state files (auth profiles, credentials, SecretRef files) are too
	s.Redact().AddKnown(info.New)
	s.Redact().AddStateFiles(s)
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.LookupEnv
	}
	home := o.Home
	if home == "" {
		home = s.Target.Home
	}
	if home == "" {
		home, _ = os.UserHomeDir()
	}

	p := &planner{s: s, info: &info, cs: &cs, home: home, roots: []string{s.Target.StateDir}, toEnv: toEnv}
	if s.Target.ConfigPath != "" {
		p.roots = append(p.roots, filepath.Dir(s.Target.ConfigPath))
	}
	if sec.Known {
		p.addOld(sec.Current)
	}
	// Old values baked into service files count too (they may differ from
	// the config: that is openclaw#19410's "device token mismatch").
	svc, unread := p.scanServices()
	if len(unread) > 0 {
		return cs, info, &UnreadableError{Files: unread}
	}
	for _, f := range svc {
		for _, v := range f.values {
			p.addOld(v)
		}
	}
	if target == Gateway {
		for _, name := range sec.EnvNames {
			if v, ok := s.Env(name); ok && strings.TrimSpace(v) != "" {
				p.addOld(v)
			}
		}
	}

	if err := p.writeNew(getenv); err != nil {
		return cs, info, err
	}
	if err := p.updateServices(svc); err != nil {
		return cs, info, err
	}
	if err := p.sweepStateDir(); err != nil {
		return cs, info, err
	}
	p.advise(svc)
	sort.Slice(info.Updated, func(i, j int) bool { return info.Updated[i].Path < info.Updated[j].Path })
	return cs, info, nil
}

type planner struct {
	s     *model.Snapshot
	info  *Info
	cs    *model.ChangeSet
	home  string
	roots []string          // the only folders the plan writes in (state dir, config's folder)
	files map[string][]byte // pending new bytes per file (outside the config)
	order []string
	why   map[string]string
	// toEnv, when set, moves a literal (or unset) secret to ${toEnv} in
	// <state>/.env instead of writing a new literal.
	toEnv string
}

func (p *planner) addOld(v string) {
	if strings.TrimSpace(v) == "" || v == p.info.New {
		return
	}
	for _, o := range p.info.Old {
		if o == v {
			return
		}
	}
	p.info.Old = append(p.info.Old, v)
	p.s.Redact().AddKnown(v)
}

// current returns the bytes path has so far in the plan: its pending new
// bytes, else the bytes the plan read it with (Originals); ok=false for a
// file the plan has not read. The plan never reads a file again: what it
// read came through the snapshot's recorder, which the commit re-checks.
func (p *planner) current(path string) ([]byte, bool) {
	if d, ok := p.files[path]; ok {
		return d, true
	}
	d, ok := p.info.Originals[path]
	return d, ok
}

// dotenv returns <state>/.env as the plan has it so far: its pending bytes,
// else the bytes the snapshot read (Snapshot.Dotenv), pinned in Originals;
// exists=false when there is none. A symlinked .env is refused with
// onSymlink (hardshell never writes through a link, nor reads through one
// out of the state dir).
func (p *planner) dotenv(onSymlink string) (data []byte, exists bool, err error) {
	path := p.dotenvPath()
	if d, ok := p.current(path); ok {
		return d, true, nil
	}
	d, err := p.s.Dotenv(onSymlink)
	if err != nil {
		return nil, false, err
	}
	if d == nil && (p.s.FS == nil || !p.s.FS.EnvFile.Exists) {
		return nil, false, nil
	}
	p.info.Originals[path] = d
	return d, true, nil
}

// put records new bytes for a file (created 0600 when missing).
func (p *planner) put(path string, data []byte, why string) {
	if p.files == nil {
		p.files, p.why = map[string][]byte{}, map[string]string{}
	}
	if _, ok := p.files[path]; !ok {
		p.order = append(p.order, path)
	}
	p.files[path] = data
	if w := p.why[path]; w != "" && !strings.Contains(w, why) {
		why = w + "; " + why
	}
	p.why[path] = why
}

// flush turns the pending file bytes into FileWrites.
func (p *planner) flush() {
	for _, path := range p.order {
		data := p.files[path]
		if orig, ok := p.info.Originals[path]; ok && string(orig) == string(data) {
			continue
		}
		if !p.inside(path) {
			// e.g. a file the sweep reached through a linked folder: the
			// transaction would refuse it, so it is reported instead
			p.info.Skipped = append(p.info.Skipped, FileNote{Path: path, Why: "holds the old secret but is outside the state dir; hardshell changes nothing there — replace the old secret in it by hand"})
			continue
		}
		p.cs.Writes = append(p.cs.Writes, model.FileWrite{Path: path, Data: data, Mode: 0o600, Reason: p.why[path]})
		p.info.Updated = append(p.info.Updated, FileNote{Path: path, Why: p.why[path]})
	}
	p.order, p.files = nil, map[string][]byte{}
}

func (p *planner) dotenvPath() string { return filepath.Join(p.s.Target.StateDir, ".env") }

// inside reports whether path lies in one of the plan's roots: the rule
// remediate.Txn applies, checked here so a file outside becomes a manual
// step instead of a refused commit.
func (p *planner) inside(path string) bool {
	for _, r := range p.roots {
		if remediate.InsideDir(r, path) {
			return true
		}
	}
	return false
}

// OutsideRefError refuses the rotation of a file SecretRef whose file is
// outside the state dir: hardshell changes nothing there.
type OutsideRefError struct {
	File, Provider, RefID, Mode string
}

func (e *OutsideRefError) Error() string {
	how := fmt.Sprintf("umask 077; openssl rand -hex 24 > %s", remediate.ShellQuote(e.File))
	if e.Mode != "singleValue" {
		how = fmt.Sprintf("put a new random value (umask 077; openssl rand -hex 24 > new.token, then paste it with an editor and delete new.token) at %s in %s", e.RefID, remediate.ShellQuote(e.File))
	}
	return fmt.Sprintf("the secret is in %s (secrets.providers.%s), which is outside the state dir; hardshell changes nothing outside it, so nothing was written. Rotate it yourself: %s; then restart the gateway (openclaw gateway restart) and check with: hardshell rotate --verify",
		e.File, e.Provider, how)
}

// writeNew stores the new secret in the form the operator uses.
func (p *planner) writeNew(getenv func(string) (string, bool)) error {
	sec, info := p.info.Secret, p.info
	root := audit.Config(p.s)
	what := string(sec.Target) + " " + sec.Kind
	if p.toEnv != "" && (sec.Form == FormLiteral || sec.Form == FormNew) {
		p.cs.Edits = append(p.cs.Edits, model.Edit{Op: model.OpSet, Path: sec.Path, Value: "${" + p.toEnv + "}", Reason: "new " + what + ", kept in <state>/.env as ${" + p.toEnv + "}"})
		sec.Form, sec.EnvVar = FormEnvVar, p.toEnv
		info.Secret = sec
	}
	switch sec.Form {
	case FormLiteral, FormNew:
		p.cs.Edits = append(p.cs.Edits, model.Edit{Op: model.OpSet, Path: sec.Path, Value: info.New, Reason: "new random " + what + " (48 hex chars)"})
		info.NewLocation = fmt.Sprintf("%s in %s", sec.Path, p.s.Target.ConfigPath)
		if n := root.Lookup(sec.Path); n != nil && n.Pos.File != "" {
			info.NewLocation = fmt.Sprintf("%s in %s", sec.Path, n.Pos.File)
		}
	case FormEnvVar, FormRefEnv, FormEnvOnly:
		name := sec.EnvVar
		// A variable defined in the config's env block is edited there.
		for _, path := range []string{"env." + name, "env.vars." + name} {
			if n := root.Lookup(path); n.IsLiteralSecret() {
				p.cs.Edits = append(p.cs.Edits, model.Edit{Op: model.OpSet, Path: path, Value: info.New, Reason: "new random " + what + " for ${" + name + "}"})
				info.NewLocation = fmt.Sprintf("%s (%s in the config's env block)", name, path)
			}
		}
		envFile := p.dotenvPath()
		old, exists, err := p.dotenv("hardshell does not write through it — set " + name + " there by hand")
		if err != nil {
			return err
		}
		_, inDotenv := model.ParseDotenv(old)[name]
		if inDotenv || info.NewLocation == "" {
			data, err := remediate.UpsertDotenv(old, name, info.New)
			if err != nil {
				return fmt.Errorf("%s: %w", envFile, err)
			}
			p.put(envFile, data, "new random "+what+" in "+name)
			if !exists {
				p.info.Notes = append(p.info.Notes, fmt.Sprintf("created %s (mode 0600) to hold %s", envFile, name))
			}
			loc := fmt.Sprintf("%s in %s", name, envFile)
			if info.NewLocation != "" {
				loc = info.NewLocation + " and " + loc
			}
			info.NewLocation = loc
		}
		if _, ok := getenv(name); ok {
			info.Notes = append(info.Notes, fmt.Sprintf("%s is also set in this shell's environment, which wins over %s: update it where it is set (shell profile, direnv, a secrets manager) and open a new shell — hardshell cannot see or change that place.", name, filepath.Base(envFile)))
		}
	case FormRefFile:
		if !p.inside(sec.File) {
			return &OutsideRefError{File: sec.File, Provider: sec.Provider, RefID: sec.RefID, Mode: sec.FileMode}
		}
		old, ok := p.current(sec.File)
		if !ok {
			var err error
			if old, err = readRefFile(p.s, sec.File); err != nil {
				return fmt.Errorf("cannot read %s (secrets.providers.%s): %w", sec.File, sec.Provider, err)
			}
			p.info.Originals[sec.File] = old
		}
		var data []byte
		switch sec.FileMode {
		case "singleValue":
			tail := string(old)[len(strings.TrimRight(string(old), "\r\n")):]
			data = []byte(info.New + tail)
		default:
			quoted := `"` + sec.Current + `"`
			if strings.Count(string(old), quoted) != 1 {
				return fmt.Errorf("%s holds the secret at %s in a form hardshell cannot replace byte for byte; set it there by hand (e.g. `openssl rand -hex 24`)", sec.File, sec.RefID)
			}
			data = []byte(strings.Replace(string(old), quoted, `"`+info.New+`"`, 1))
		}
		p.put(sec.File, data, "new random "+what+" for SecretRef "+sec.Provider+":"+sec.RefID)
		info.NewLocation = fmt.Sprintf("%s (secrets.providers.%s, id %s)", sec.File, sec.Provider, sec.RefID)
		if fi, err := p.s.Sys().Stat(sec.File); err == nil && fi.Mode.Perm()&0o077 != 0 &&
			(within(p.s.Target.StateDir, sec.File) || within(p.home, sec.File)) {
			p.cs.Chmods = append(p.cs.Chmods, model.Chmod{Path: sec.File, Mode: 0o600, Reason: "the secret file is readable by others"})
		}
	}
	// The same literal elsewhere in the config (e.g. gateway.remote.token
	// equal to the gateway token on the gateway's own host) moves with it.
	edited := map[string]bool{sec.Path: true}
	for _, e := range p.cs.Edits {
		edited[e.Path] = true
	}
	for _, path := range literalsEqual(root, "", p.info.Old) {
		if edited[path] {
			continue
		}
		p.cs.Edits = append(p.cs.Edits, model.Edit{Op: model.OpSet, Path: path, Value: info.New, Reason: "held the old " + what + " too"})
		info.Notes = append(info.Notes, path+" held the same secret and was updated too")
	}
	return nil
}

// literalsEqual lists the config paths whose string value is one of vals.
func literalsEqual(n *model.Node, path string, vals []string) []string {
	if n == nil || len(vals) == 0 {
		return nil
	}
	var out []string
	switch n.Kind {
	case model.KindString:
		for _, v := range vals {
			if n.Str == v {
				return []string{path}
			}
		}
	case model.KindObject:
		for _, m := range n.Members {
			child := model.JoinPath([]model.PathSeg{{Key: m.Key}})
			if path != "" {
				child = model.Child(path, m.Key)
			}
			out = append(out, literalsEqual(m.Value, child, vals)...)
		}
	case model.KindArray:
		for i, e := range n.Elems {
			out = append(out, literalsEqual(e, model.Index(path, i), vals)...)
		}
	}
	return out
}

func within(dir, path string) bool {
	if dir == "" {
		return false
	}
	r, err := filepath.Rel(dir, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}
