package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/fsys"
)

// LocateOptions are the inputs of Locate: hardshell's own flags and the
// environment OpenClaw would read.
type LocateOptions struct {
	StateDirFlag string // --state-dir; "" = not given
	ConfigFlag   string // --config; "" = not given
	// Getenv reads the process environment; nil = os.Getenv.
	Getenv func(string) string
	// HomeDir is the OS home dir; "" = os.UserHomeDir. OPENCLAW_HOME still
	// overrides it, as in OpenClaw.
	HomeDir string
	// FS is where candidates are looked for; nil = the local disk (a remote
	// target passes its SFTP file system, its HomeDir and its Getenv).
	FS fsys.FS
}

// Directory and file names OpenClaw has used, in its own search order
// (src/config/paths.ts: NEW_STATE_DIRNAME, LEGACY_STATE_DIRNAMES,
// CONFIG_FILENAME, LEGACY_CONFIG_FILENAMES).
var (
	locStateDirNames   = []string{".openclaw", ".clawdbot", ".moltbot", ".moldbot"}
	locConfigNames     = []string{"openclaw.json", "clawdbot.json", "moltbot.json", "moldbot.json"}
	errLocateNoHomeDir = errors.New("cannot determine the home directory: set HOME or OPENCLAW_HOME, or pass --state-dir and --config")
)

// Locate finds the state dir and config the way OpenClaw does
// (src/config/paths.ts), with hardshell's flags in front:
//
// State dir: --state-dir, then OPENCLAW_STATE_DIR (legacy CLAWDBOT_STATE_DIR),
// then ~/.openclaw if it exists, then the first existing of ~/.clawdbot,
// ~/.moltbot, ~/.moldbot (OpenClaw's order), else ~/.openclaw. "~" is
// OPENCLAW_HOME when set, else the OS home.
//
// Config: --config, then OPENCLAW_CONFIG_PATH (legacy CLAWDBOT_CONFIG_PATH),
// then the first existing of {openclaw,clawdbot,moltbot,moldbot}.json in the
// state dir, then in ~/.openclaw, then in each legacy dir; else
// <state>/openclaw.json.
//
// One hardshell choice beyond OpenClaw: when --config is given, no state dir
// was named (flag or env) and none of the home candidates exists, the state
// dir is the config's own directory ("the state dir beside the config you
// pointed at") instead of a ~/.openclaw that does not exist. OpenClaw itself
// would create ~/.openclaw; auditing an absent dir would tell the user nothing.
//
// Existence follows symlinks (like fs.existsSync); the returned paths are
// absolute and cleaned but not symlink-resolved.
func Locate(opts LocateOptions) (Target, error) {
	l := &locator{opts: opts}
	if l.opts.Getenv == nil {
		l.opts.Getenv = os.Getenv
	}
	var t Target

	// State dir.
	if s, rule := l.firstVar(opts.StateDirFlag, "--state-dir flag", "OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR"); s != "" {
		p, err := l.userPath(s)
		if err != nil {
			return Target{}, err
		}
		t.StateDir, t.StateRule = p, rule
	}

	// Config path given outright.
	if s, rule := l.firstVar(opts.ConfigFlag, "--config flag", "OPENCLAW_CONFIG_PATH", "CLAWDBOT_CONFIG_PATH"); s != "" {
		p, err := l.userPath(s)
		if err != nil {
			return Target{}, err
		}
		t.ConfigPath, t.ConfigRule = p, rule
	}

	if t.StateDir == "" {
		home, err := l.home()
		if err != nil {
			return Target{}, err
		}
		t.StateDir = filepath.Join(home, locStateDirNames[0])
		switch {
		case l.exists(t.StateDir):
			t.StateRule = "~/.openclaw (exists)"
		default:
			found := false
			for _, name := range locStateDirNames[1:] {
				p := filepath.Join(home, name)
				if l.exists(p) {
					t.StateDir, t.StateRule, found = p, "legacy ~/"+name+" (exists; ~/.openclaw absent)", true
					break
				}
			}
			if !found {
				if opts.ConfigFlag != "" && t.ConfigPath != "" {
					t.StateDir = filepath.Dir(t.ConfigPath)
					t.StateRule = "directory of the --config file (no state dir named and none of ~/.openclaw, ~/.clawdbot, ~/.moltbot, ~/.moldbot exists)"
				} else {
					t.StateRule = "default ~/.openclaw (nothing found)"
				}
			}
		}
		t.StateRule += l.homeNote()
	}

	if t.ConfigPath == "" {
		l.findConfig(&t)
	}
	if l.homeKnown {
		t.Home = l.homeDir
	} else if h, err := l.home(); err == nil {
		t.Home = h
	}
	return t, nil
}

type locator struct {
	opts      LocateOptions
	homeDir   string
	homeRule  string // "OPENCLAW_HOME" or ""
	homeErr   error
	homeKnown bool
}

// firstVar returns the flag when set, else the first non-blank env var, with
// the rule that names it.
func (l *locator) firstVar(flag, flagRule, primary, legacy string) (string, string) {
	if s := strings.TrimSpace(flag); s != "" {
		return s, flagRule
	}
	if s := strings.TrimSpace(l.opts.Getenv(primary)); s != "" {
		return s, primary
	}
	if s := strings.TrimSpace(l.opts.Getenv(legacy)); s != "" {
		return s, legacy + " (legacy variable)"
	}
	return "", ""
}

// osHome is the OS home: LocateOptions.HomeDir, else os.UserHomeDir.
func (l *locator) osHome() (string, error) {
	if h := strings.TrimSpace(l.opts.HomeDir); h != "" {
		return filepath.Abs(h)
	}
	h, err := os.UserHomeDir()
	if err != nil || h == "" {
		return "", &InputError{Msg: errLocateNoHomeDir.Error(), Err: err}
	}
	return filepath.Abs(h)
}

// home is the effective home: OPENCLAW_HOME ("~" expanded against the OS
// home), else the OS home.
func (l *locator) home() (string, error) {
	if l.homeKnown {
		return l.homeDir, l.homeErr
	}
	l.homeKnown = true
	if s := strings.TrimSpace(l.opts.Getenv("OPENCLAW_HOME")); s != "" {
		l.homeRule = "OPENCLAW_HOME"
		if s == "~" || strings.HasPrefix(s, "~/") {
			h, err := l.osHome()
			if err != nil {
				l.homeErr = err
				return "", err
			}
			s = filepath.Join(h, s[1:])
		}
		l.homeDir, l.homeErr = filepath.Abs(s)
		return l.homeDir, l.homeErr
	}
	l.homeDir, l.homeErr = l.osHome()
	return l.homeDir, l.homeErr
}

func (l *locator) homeNote() string {
	if l.homeRule == "" {
		return ""
	}
	return "; ~ = $OPENCLAW_HOME " + l.homeDir
}

// userPath expands a leading "~" and makes the path absolute and clean.
func (l *locator) userPath(s string) (string, error) {
	if s == "~" || strings.HasPrefix(s, "~/") {
		h, err := l.home()
		if err != nil {
			return "", err
		}
		s = filepath.Join(h, s[1:])
	}
	p, err := filepath.Abs(s)
	if err != nil {
		return "", &InputError{File: s, Msg: "cannot make the path absolute: " + err.Error(), Err: err}
	}
	return p, nil
}

// findConfig picks the first existing config candidate, as OpenClaw's
// resolveConfigPathCandidate does.
func (l *locator) findConfig(t *Target) {
	type cand struct{ dir, label string }
	cands := []cand{{t.StateDir, "the state dir"}}
	if home, err := l.home(); err == nil {
		for i, name := range locStateDirNames {
			label := "~/" + name
			if i > 0 {
				label = "legacy ~/" + name
			}
			cands = append(cands, cand{filepath.Join(home, name), label})
		}
	}
	seen := map[string]bool{}
	for i, c := range cands {
		if seen[c.dir] {
			continue
		}
		seen[c.dir] = true
		for _, name := range locConfigNames {
			p := filepath.Join(c.dir, name)
			if !l.exists(p) {
				continue
			}
			t.ConfigPath = p
			switch {
			case i == 0:
				t.ConfigRule = "first existing config name in the state dir (" + name + ")"
			default:
				t.ConfigRule = "first existing config: " + c.label + "/" + name + " (none in the state dir)" + l.homeNote()
			}
			return
		}
	}
	t.ConfigPath = filepath.Join(t.StateDir, locConfigNames[0])
	t.ConfigRule = "default <state>/openclaw.json (no config found)"
}

// exists is fs.existsSync: follows symlinks, any error means "no".
func (l *locator) exists(p string) bool {
	var err error
	if l.opts.FS != nil {
		_, err = l.opts.FS.Stat(p)
	} else {
		_, err = os.Stat(p)
	}
	return err == nil
}
