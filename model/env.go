package model

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// envMaxDotenv caps how much of <state>/.env is read.
const envMaxDotenv = 1 << 20

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
	if getenv == nil {
		getenv = os.LookupEnv
	}
	var dot map[string]string
	if stateDir != "" {
		dot = ParseDotenv(envReadDotenv(stateDir))
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
	}
}

// envReadDotenv reads <stateDir>/.env, or returns nil.
func envReadDotenv(stateDir string) []byte {
	p := filepath.Join(stateDir, ".env")
	st, err := os.Lstat(p)
	if err != nil {
		return nil
	}
	if st.Mode()&os.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil
		}
		root := stateDir
		if r, err := filepath.EvalSymlinks(stateDir); err == nil {
			root = r
		}
		if !scanInside(root, real) {
			return nil
		}
		if st, err = os.Lstat(real); err != nil {
			return nil
		}
		p = real
	}
	if !st.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, envMaxDotenv))
	if err != nil {
		return nil
	}
	return data
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
