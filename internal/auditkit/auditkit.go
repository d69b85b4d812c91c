// Package auditkit builds real snapshots for tests: a config written to a
// temp state dir with real files and modes, parsed and surveyed exactly as
// the CLI does, with an explicit environment.
package auditkit

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hardshell/hardshell/model"
)

// File is an extra file in the state dir (Path relative to it).
type File struct {
	Path string
	Data string
	Mode fs.FileMode // 0 = 0600
}

// Options shape a test snapshot.
type Options struct {
	Env        map[string]string // the only environment the checks see
	Files      []File
	Dirs       []string // extra dirs (relative), 0700
	StateMode  fs.FileMode
	ConfigMode fs.FileMode
	StateDir   string // use this dir instead of a fresh temp one
	CLIVersion string // pretend `openclaw --version`
}

// Snapshot writes config (JSON5 text; "" = no config file) to a fresh
// state dir and loads it. Parse errors land in DocErr, as in the CLI.
func Snapshot(t testing.TB, config string, o Options) *model.Snapshot {
	t.Helper()
	state := o.StateDir
	if state == "" {
		state = filepath.Join(t.TempDir(), ".openclaw")
	}
	must(t, os.MkdirAll(state, 0o700))
	for _, d := range o.Dirs {
		must(t, os.MkdirAll(filepath.Join(state, d), 0o700))
	}
	for _, f := range o.Files {
		p := filepath.Join(state, f.Path)
		must(t, os.MkdirAll(filepath.Dir(p), 0o700))
		mode := f.Mode
		if mode == 0 {
			mode = 0o600
		}
		must(t, os.WriteFile(p, []byte(f.Data), mode))
		must(t, os.Chmod(p, mode))
	}
	cfg := filepath.Join(state, "openclaw.json")
	if config != "" {
		mode := o.ConfigMode
		if mode == 0 {
			mode = 0o600
		}
		must(t, os.WriteFile(cfg, []byte(config), mode))
		must(t, os.Chmod(cfg, mode))
	}
	if o.StateMode != 0 {
		must(t, os.Chmod(state, o.StateMode))
	}
	return Load(t, state, cfg, o.Env, o.CLIVersion)
}

// Load builds the snapshot of an existing state dir and config.
func Load(t testing.TB, state, cfg string, env map[string]string, cliVersion string) *model.Snapshot {
	t.Helper()
	s := &model.Snapshot{
		Target: model.Target{StateDir: state, StateRule: "test", ConfigPath: cfg, ConfigRule: "test"},
		Now:    time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
	}
	if _, err := os.Lstat(cfg); os.IsNotExist(err) {
		s.ConfigMissing = true
	} else if d, err := model.ParseFile(cfg); err != nil {
		s.DocErr = err
	} else {
		s.Doc = d
	}
	s.FS = model.ScanFS(s.Target, s.Doc)
	s.Env = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	s.Era = model.DetectEra(s.Doc, cliVersion)
	return s
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
