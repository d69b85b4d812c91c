package model

import (
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/fsys"
)

// Where the secret values a run can see come from. Load registers what it
// reads anyway (the config with its ${VAR}s resolved, <state>/.env, the
// gateway's env variables); the files only some commands read — auth
// profiles, credentials, SecretRef files — are registered by
// AddStateFiles, called by the commands that print their neighbourhood
// (contain, rotate). Service files and rotated tokens are registered where
// rotate reads or makes them.

// gatewayEnvNames are the variables that hold the gateway's own secrets.
var gatewayEnvNames = []string{
	"OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD",
	"CLAWDBOT_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_PASSWORD",
	"OPENCLAW_HOOKS_TOKEN",
}

// Redact returns the snapshot's redactor, collecting the snapshot's
// secrets into a new one when it has none (a Snapshot not made by Load).
func (s *Snapshot) Redact() *Redactor {
	if s == nil {
		return nil
	}
	if s.Redactor == nil {
		s.Redactor = NewRedactor()
		s.Redactor.AddSnapshot(s)
	}
	return s.Redactor
}

// AddSnapshot registers the secrets of a loaded snapshot: every literal
// under a secret key and every token-shaped string in the config (with
// their include files), the value of every ${VAR} and env SecretRef under
// a secret key as the gateway's environment resolves it, the .env values
// under secret keys (or token-shaped), and the gateway's own secret
// variables.
func (r *Redactor) AddSnapshot(s *Snapshot) {
	if r == nil || s == nil {
		return
	}
	var names []string
	if s.Doc != nil {
		r.AddDocument(s.Doc, func(name string) {
			names = append(names, name)
		})
	}
	for k, v := range s.dotenv {
		if IsSecretKey(k) {
			r.Add(v)
		} else if _, ok := LooksLikeToken(v); ok {
			r.Add(v)
		}
	}
	if s.Env != nil {
		for _, name := range append(names, gatewayEnvNames...) {
			if v, ok := s.Env(name); ok {
				r.Add(v)
			}
		}
	}
}

// AddDocument registers the literal secrets of a parsed config and calls
// ref (when not nil) with every variable name a secret value refers to
// (${VAR} under a secret key, or an env SecretRef's id).
func (r *Redactor) AddDocument(d *Document, ref func(name string)) {
	if r == nil || d == nil {
		return
	}
	var walk func(key string, secret bool, n *Node)
	walk = func(key string, secret bool, n *Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case KindObject:
			if secret && n.IsSecretRef() {
				if n.Get("source").Text() == "env" && ref != nil {
					ref(n.Get("id").Text())
				}
				return
			}
			for _, m := range n.Members {
				walk(m.Key, IsSecretKey(m.Key), m.Value)
			}
		case KindArray:
			for _, e := range n.Elems {
				walk(key, secret, e)
			}
		case KindString:
			refs := n.EnvRefs()
			switch {
			case len(refs) > 0:
				if ref != nil {
					for _, name := range refs {
						if secret || IsSecretKey(name) {
							ref(name)
						}
					}
				}
			case secret:
				r.Add(n.Str)
			default:
				if _, ok := LooksLikeToken(n.Str); ok {
					r.Add(n.Str)
				}
			}
		case KindNumber:
			if secret {
				r.Add(n.Raw)
			}
		}
	}
	walk("", false, d.Root)
}

// AddEnviron registers the values of the secret-named variables of an
// environment (os.Environ's KEY=VALUE form): what the shell hands the
// gateway may echo back in its output.
func (r *Redactor) AddEnviron(env []string) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && IsSecretKey(k) {
			r.Add(v)
		}
	}
}

// maxSecretFile caps what is read of one credentials or SecretRef file.
const maxSecretFile = 4 << 20

// readSecretFile reads a file only to learn the secrets in it, through the
// safe reader (a regular file, never a FIFO or a device, at most
// maxSecretFile bytes). It is not an input of any plan, so it is not
// recorded for the drift check. Every read of a secret-bearing operator
// file by the redactor goes through here: through r, the target's file
// system (the remote's over --host; nil = this machine's).
func readSecretFile(r fsys.FS, path string) ([]byte, error) {
	if r == nil {
		r = fsys.Local{}
	}
	return r.ReadFile(path, fsys.ReadOptions{MaxSize: maxSecretFile})
}

// credentialKeys are the keys of credential files (auth-profiles.json,
// OAuth stores, channel credentials) whose values are secrets besides the
// secret-named ones.
var credentialKeys = map[string]bool{
	"key": true, "access": true, "refresh": true, "value": true, "session": true,
	"cookie": true, "sessionkey": true, "idtoken": true, "privkey": true,
}

// AddCredentialFile registers the secrets of a JSON credentials file:
// values under secret-named or credential keys, token shapes, and whatever
// the structure and pattern rules find in its text. The file is read
// through fsy (nil = this machine's).
func (r *Redactor) AddCredentialFile(fsy fsys.FS, path string) {
	data, err := readSecretFile(fsy, path)
	if err != nil || r == nil {
		return
	}
	r.Learn(string(data))
	v, err := ParseValue(path, data)
	if err != nil {
		return
	}
	var walk func(key string, n *Node)
	walk = func(key string, n *Node) {
		switch n.Kind {
		case KindObject:
			for _, m := range n.Members {
				walk(m.Key, m.Value)
			}
		case KindArray:
			for _, e := range n.Elems {
				walk(key, e)
			}
		case KindString:
			if IsSecretKey(key) || credentialKeys[strings.ToLower(key)] {
				r.Add(n.Str)
			} else if _, ok := LooksLikeToken(n.Str); ok {
				r.Add(n.Str)
			}
		}
	}
	walk("", v)
}

// AddSecretFile registers the contents of a SecretRef file provider:
// every string in a JSON file, or the whole (trimmed) file in singleValue
// mode. The file is read through fsy (nil = this machine's).
func (r *Redactor) AddSecretFile(fsy fsys.FS, path, mode string) {
	data, err := readSecretFile(fsy, path)
	if err != nil || r == nil {
		return
	}
	if mode == "singleValue" {
		r.Add(strings.TrimRight(string(data), "\r\n"))
		return
	}
	v, err := ParseValue(path, data)
	if err != nil {
		r.Learn(string(data))
		return
	}
	var walk func(n *Node)
	walk = func(n *Node) {
		switch n.Kind {
		case KindObject:
			for _, m := range n.Members {
				walk(m.Value)
			}
		case KindArray:
			for _, e := range n.Elems {
				walk(e)
			}
		case KindString:
			r.Add(n.Str)
		}
	}
	walk(v)
}

// SecretFileProviders lists the file SecretRef providers of a config:
// their resolved path and mode (json or singleValue).
func SecretFileProviders(s *Snapshot) [][2]string {
	if s == nil || s.Doc == nil {
		return nil
	}
	var out [][2]string
	provs := s.Doc.Get("secrets.providers")
	for _, name := range provs.Keys() {
		p := provs.Get(name)
		if p.Get("source").Text() != "file" {
			continue
		}
		path := p.Get("path").Text()
		if path == "" {
			continue
		}
		if strings.HasPrefix(path, "~/") && s.Target.Home != "" {
			path = filepath.Join(s.Target.Home, path[2:])
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(s.Target.StateDir, path)
		}
		mode := p.Get("mode").Text()
		if mode == "" {
			mode = "json"
		}
		out = append(out, [2]string{path, mode})
	}
	return out
}

// AddStateFiles registers the secrets of the state files that are not part
// of the audit's reads: each agent's auth-profiles.json, every JSON file
// under credentials/, and the files of file SecretRef providers, read
// through the file system the snapshot came from.
func (r *Redactor) AddStateFiles(s *Snapshot) {
	if r == nil || s == nil {
		return
	}
	base := s.Base()
	if s.FS != nil {
		for _, a := range s.FS.Agents {
			if a.AuthProfiles.Exists && !a.AuthProfiles.IsDir {
				r.AddCredentialFile(base, a.AuthProfiles.Path)
			}
		}
		for _, c := range s.FS.Credentials {
			if !c.IsDir && !c.IsSymlink && strings.HasSuffix(c.Path, ".json") {
				r.AddCredentialFile(base, c.Path)
			}
		}
	}
	for _, p := range SecretFileProviders(s) {
		r.AddSecretFile(base, p[0], p[1])
	}
}
