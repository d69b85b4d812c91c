package model

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/fsys"
)

// NewEnv returns a lookup for the environment the gateway would see, in the
// gateway's order:
//
//  1. the process environment (getenv; nil = os.LookupEnv). A variable that
//     is set, even to "", is not overridden by .env (dotenv, override=false);
//  2. <stateDir>/.env, read as dotenv reads it (ParseDotenv);
//  3. the config's env block: env.vars.KEY, then env.KEY (direct keys win
//     over vars, as in OpenClaw's collectConfigEnvVars). It only fills a
//     variable that is still unset or blank.
//
// The .env file is read once, here. It is read only when it is a regular
// file or a link resolving inside the state dir (links out of the state dir
// are never followed). Values are returned as written: nothing is expanded.
func NewEnv(getenv func(string) (string, bool), stateDir string, doc *Document) func(string) (string, bool) {
	env, _ := NewEnvFS(getenv, fsys.Local{}, stateDir, doc)
	return env
}

// NewEnvFS is NewEnv reading .env through r. The error is a .env that
// exists but could not be read (a FIFO, a device, too large, permission
// denied); the lookup then works without it.
func NewEnvFS(getenv func(string) (string, bool), r fsys.FS, stateDir string, doc *Document) (func(string) (string, bool), error) {
	env, _, err := newEnvFS(getenv, r, stateDir, doc)
	return env, err
}

// newEnvFS is NewEnvFS that also returns the .env values it read (the
// redactor registers them).
func newEnvFS(getenv func(string) (string, bool), r fsys.FS, stateDir string, doc *Document) (func(string) (string, bool), map[string]string, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	var dot map[string]string
	var err error
	if stateDir != "" {
		var data []byte
		data, err = envReadDotenv(r, stateDir)
		dot = ParseDotenv(data)
	}
	cfg := envFromConfig(doc)
	return func(name string) (string, bool) {
		v, ok := getenv(name)
		if !ok {
			v, ok = dot[name]
		}
		if !ok || strings.TrimSpace(v) == "" {
			if c, found := cfg[name]; found {
				return c, true
			}
		}
		return v, ok
	}, dot, err
}

// envReadDotenv reads <stateDir>/.env through the safe reader: nil, nil
// when it is absent or a link leading out of the state dir.
func envReadDotenv(r fsys.FS, stateDir string) ([]byte, error) {
	p := filepath.Join(stateDir, ".env")
	st, err := r.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	if st.IsSymlink() {
		real, err := r.EvalSymlinks(p)
		if err != nil {
			return nil, nil
		}
		root := stateDir
		if rr, err := r.EvalSymlinks(stateDir); err == nil {
			root = rr
		}
		if !scanInside(root, real) {
			return nil, nil
		}
		p = real
	}
	data, err := r.ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxDotenv})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// envFromConfig collects env.vars.* then env.* string values (non-blank).
func envFromConfig(doc *Document) map[string]string {
	if doc == nil {
		return nil
	}
	env := doc.Root.Get("env")
	if env == nil || env.Kind != KindObject {
		return nil
	}
	out := map[string]string{}
	vars := env.Get("vars")
	for _, k := range vars.Keys() {
		if v, ok := vars.Get(k).String(); ok && v != "" {
			out[k] = v
		}
	}
	for _, k := range env.Keys() {
		if k == "vars" || k == "shellEnv" {
			continue
		}
		if v, ok := env.Get(k).String(); ok && strings.TrimSpace(v) != "" {
			out[k] = v
		}
	}
	return out
}
