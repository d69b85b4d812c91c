package remediate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// ValidateTimeout bounds one run of the OpenClaw CLI (it loads its whole
// plugin tree, which takes seconds on a cold cache).
var ValidateTimeout = 2 * time.Minute

// FindOpenClaw returns the `openclaw` executable on PATH, or "".
func FindOpenClaw() string {
	p, err := exec.LookPath("openclaw")
	if err != nil {
		return ""
	}
	return p
}

// OpenClawValidator checks a candidate config with the real OpenClaw CLI:
// bin, run with args before the CLI's own (none for the `openclaw`
// executable; node and the CLI's entry script for an installed package).
// The config file and every $include it reads are copied, with the
// candidate bytes in place of the originals, into a private temp dir (0700,
// removed afterwards) that also serves as HOME and OPENCLAW_STATE_DIR, so the
// real state is never read or touched; the state dir's .env is copied too so
// ${VAR} references resolve as they would for the gateway.
//
// OpenClaw 2026.7+ has `openclaw config validate --json`; its issues are
// returned as "path: message". Older builds (2026.2.x) have no validate
// command: their config loader's verdict ("Config invalid … Problem:") from
// a harmless `openclaw sessions --json` is used instead (the first answer
// "unknown command" is remembered, so that is asked once per validator).
//
// Only issues the change adds are returned: when the candidate fails, the
// current config is validated too and the issues it already had (a key of
// another OpenClaw version, say) are dropped, so a fix is never refused for
// a problem it did not cause.
//
// Each CLI run starts Node and loads the CLI's whole bundle (seconds), so a
// validator remembers, for as long as it lives (one command), the verdict on
// each exact input it ran: the staged files' names and bytes and the
// environment given to the CLI. The same content is never run twice, and
// concurrent calls with the same content wait for one run.
func OpenClawValidator(bin string, args ...string) Validator {
	return newOpenClawCLI(bin, args...).validator
}

func newOpenClawCLI(bin string, args ...string) *openClawCLI {
	return &openClawCLI{bin: bin, args: args, memo: map[[sha256.Size]byte]*cliVerdict{}}
}

// validator is the Validator: the issues the candidate files add.
func (c *openClawCLI) validator(configPath string, files map[string][]byte) ([]string, error) {
	msgs, err := c.validate(configPath, files)
	if err != nil || len(msgs) == 0 || len(files) == 0 {
		return msgs, err
	}
	before, err := c.validate(configPath, nil)
	if err != nil {
		return msgs, nil
	}
	had := map[string]bool{}
	for _, m := range before {
		had[m] = true
	}
	var added []string
	for _, m := range msgs {
		if !had[m] {
			added = append(added, m)
		}
	}
	return added, nil
}

// openClawCLI runs one OpenClaw CLI and remembers its verdicts.
type openClawCLI struct {
	bin  string
	args []string
	// noValidate: this CLI answered `config validate` with "unknown
	// command" (2026.2.x), so its config loader is asked directly.
	noValidate atomic.Bool

	mu   sync.Mutex
	memo map[[sha256.Size]byte]*cliVerdict

	// runner runs the CLI elsewhere (a remote host) instead of bin; env
	// is then the base environment there.
	runner func(ctx context.Context, tmp, cfg string, env []string, args ...string) ([]byte, error)
	env    []string
}

func dirOf(p string) string { return filepath.Dir(p) }

// environ is the environment the CLI's own is derived from.
func (c *openClawCLI) environ() []string {
	if c.runner != nil {
		return c.env
	}
	return os.Environ()
}

// cliVerdict is one run's result; done is closed when it is known. Paths in
// msgs under the staged root read stagedRoot.
type cliVerdict struct {
	done chan struct{}
	msgs []string
	err  error
}

// stagedRoot stands for the staged copy of the config's root dir in a
// remembered verdict, so a verdict holds for the same content anywhere and
// messages name the real files, not a removed temp dir.
const stagedRoot = "<hardshell-staged-root>"

// validate runs the CLI once on the config with files overlaid, unless a
// run on the same input is remembered (failed runs are not).
func (c *openClawCLI) validate(configPath string, files map[string][]byte) ([]string, error) {
	tmp, root, cfg, err := stageConfig(configPath, files)
	if tmp != "" {
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		return nil, err
	}
	env := validateEnv(c.environ(), cfg)
	key, err := stagedKey(filepath.Join(tmp, "state"), cfg, env)
	if err != nil {
		return nil, err
	}
	restage := func(msgs []string) []string {
		out := make([]string, len(msgs))
		for i, m := range msgs {
			out[i] = strings.ReplaceAll(m, stagedRoot, root)
		}
		return out
	}
	for {
		c.mu.Lock()
		v, ok := c.memo[key]
		if !ok {
			v = &cliVerdict{done: make(chan struct{})}
			c.memo[key] = v
			c.mu.Unlock()
			v.msgs, v.err = c.run(tmp, root, cfg, env)
			if v.err != nil {
				c.mu.Lock()
				delete(c.memo, key)
				c.mu.Unlock()
			}
			close(v.done)
			return restage(v.msgs), v.err
		}
		c.mu.Unlock()
		<-v.done
		if v.err == nil {
			return restage(v.msgs), nil
		}
		// that run failed (a timeout, say): run it again
	}
}

// run asks the CLI for its verdict on the staged config.
func (c *openClawCLI) run(tmp, root, cfg string, env []string) ([]string, error) {
	state := []byte(filepath.Join(tmp, "state"))
	shown := func(out []byte) string {
		return firstLines(bytes.ReplaceAll(out, state, []byte(root)), 3)
	}
	if !c.noValidate.Load() {
		out, runErr := c.exec(tmp, cfg, env, "config", "validate", "--json")
		if msgs, ok := parseValidateJSON(bytes.ReplaceAll(out, state, []byte(stagedRoot))); ok {
			return msgs, nil
		}
		if !looksUnknownCommand(out) {
			if runErr != nil {
				return nil, fmt.Errorf("openclaw config validate: %v: %s", runErr, shown(out))
			}
			return nil, fmt.Errorf("openclaw config validate printed no verdict: %s", shown(out))
		}
		c.noValidate.Store(true)
	}
	out, runErr := c.exec(tmp, cfg, env, loaderVerdictArgs...)
	if msgs, ok := parseLoaderProblems(bytes.ReplaceAll(out, state, []byte(stagedRoot))); ok {
		return msgs, nil
	}
	if runErr != nil {
		return nil, fmt.Errorf("openclaw %s: %v: %s", strings.Join(loaderVerdictArgs, " "), runErr, shown(out))
	}
	return nil, nil
}

// loaderVerdictArgs is the command that makes a 2026.2.x CLI load the config
// and print its loader's verdict: a routed command, so the CLI checks the
// config before anything else and loads no plugin code (`config get` loads
// every plugin first and costs twice the time for the same verdict).
var loaderVerdictArgs = []string{"sessions", "--json"}

// stagedKey identifies one CLI input: the staged files' names and bytes,
// which of them is the config, and the environment given to the CLI.
func stagedKey(state, cfg string, env []string) ([sha256.Size]byte, error) {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	rel, err := filepath.Rel(state, cfg)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	field([]byte(rel))
	for _, kv := range env {
		field([]byte(kv))
	}
	err = filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(state, p)
		field([]byte(rel))
		field(data)
		return nil
	})
	var key [sha256.Size]byte
	copy(key[:], h.Sum(nil))
	return key, err
}

// stageConfig copies the config and its includes (candidate bytes first)
// into a fresh private dir, keeping their layout relative to each other.
// It returns the dir, the real dir that tmp/state stands for, and the staged
// config path.
func stageConfig(configPath string, files map[string][]byte) (tmp, root, cfg string, err error) {
	configPath = absClean(configPath)
	read := func(p string) ([]byte, error) {
		if b, ok := files[p]; ok {
			return b, nil
		}
		if b, ok := files[absClean(p)]; ok {
			return b, nil
		}
		return sys.ReadFile(p, fsys.ReadOptions{MaxSize: fsys.MaxConfig})
	}
	paths := []string{configPath}
	if doc, perr := parseWith(configPath, files); perr == nil {
		paths = paths[:0]
		for _, f := range doc.Files {
			paths = append(paths, absClean(f.Path))
		}
	}
	root = filepath.Dir(configPath)
	for _, p := range paths {
		for !within(root, p) && root != filepath.Dir(root) {
			root = filepath.Dir(root)
		}
	}
	tmp, err = os.MkdirTemp("", "hardshell-validate-")
	if err != nil {
		return "", "", "", err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return tmp, "", "", err
	}
	state := filepath.Join(tmp, "state")
	for _, p := range paths {
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return tmp, "", "", rerr
		}
		data, rerr := read(p)
		if rerr != nil {
			return tmp, "", "", rerr
		}
		dst := filepath.Join(state, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return tmp, "", "", err
		}
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			return tmp, "", "", err
		}
	}
	relCfg, _ := filepath.Rel(root, configPath)
	cfg = filepath.Join(state, relCfg)
	// the gateway's .env (beside the config in the usual layout)
	if env, rerr := sys.ReadFile(filepath.Join(filepath.Dir(configPath), ".env"), fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxDotenv}); rerr == nil {
		_ = os.WriteFile(filepath.Join(filepath.Dir(cfg), ".env"), env, 0o600)
	}
	return tmp, root, cfg, nil
}

// parseWith parses the config with the candidate bytes overlaid.
func parseWith(configPath string, files map[string][]byte) (*model.Document, error) {
	doc, err := model.ParseFileFS(sys, configPath)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return doc, nil
	}
	return doc.WithFiles(files)
}

// validateEnv is the environment the CLI runs with, but for the variables
// that point it at the staged dir (exec adds those): this process's, less
// what would point OpenClaw at the real state, plus a placeholder for each
// ${VAR} the staged config uses that neither this shell nor the staged .env
// sets.
func validateEnv(base []string, cfg string) []string {
	env := []string{}
	nodeOptions := ""
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", k == "OPENCLAW_HOME", k == "NO_COLOR", k == "FORCE_COLOR",
			strings.HasPrefix(k, "OPENCLAW_STATE_DIR"), strings.HasPrefix(k, "OPENCLAW_CONFIG_PATH"),
			strings.HasPrefix(k, "CLAWDBOT_"), k == "OPENCLAW_OAUTH_DIR", k == "OPENCLAW_NIX_MODE",
			k == "OPENCLAW_NODE_OPTIONS_READY":
			continue
		case k == "NODE_OPTIONS":
			nodeOptions = v
			continue
		}
		env = append(env, kv)
	}
	// The CLI's launcher starts Node a second time to add this flag unless
	// NODE_OPTIONS has it; giving it here, as the launcher would, saves that
	// second start (a second or more of every run) and changes nothing else.
	if !strings.Contains(nodeOptions, experimentalWarningFlag) && !strings.Contains(nodeOptions, "--no-warnings") {
		nodeOptions = strings.TrimSpace(nodeOptions + " " + experimentalWarningFlag)
	}
	env = append(env, "NODE_OPTIONS="+nodeOptions, "OPENCLAW_NODE_OPTIONS_READY=1")
	// ${VAR}s this shell lacks get a placeholder: the gateway's service
	// environment may well have them, and validation is about the schema,
	// not this shell (a missing variable is the audit's config.env_var_missing).
	have := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		have[k] = true
	}
	if data, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), ".env")); err == nil {
		for k := range model.ParseDotenv(data) {
			have[k] = true
		}
	}
	for _, name := range stagedEnvRefs(filepath.Dir(cfg)) {
		if !have[name] {
			have[name] = true
			env = append(env, name+"=hardshell-validate-placeholder-value-0000000000")
		}
	}
	return env
}

const experimentalWarningFlag = "--disable-warning=ExperimentalWarning"

// exec runs the CLI with the staged dir as HOME and state dir.
func (c *openClawCLI) exec(tmp, cfg string, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ValidateTimeout)
	defer cancel()
	if c.runner != nil {
		out, err := c.runner(ctx, tmp, cfg, env, args...)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return out, fmt.Errorf("timed out after %s", ValidateTimeout)
		}
		return out, err
	}
	cmd := exec.CommandContext(ctx, c.bin, append(slices.Clip(c.args), args...)...)
	cmd.Dir = tmp
	cmd.WaitDelay = time.Second
	cmd.Env = append(slices.Clip(env),
		"HOME="+tmp,
		"OPENCLAW_STATE_DIR="+filepath.Dir(cfg),
		"OPENCLAW_CONFIG_PATH="+cfg,
		"OPENCLAW_DISABLE_BONJOUR=1",
		"NO_COLOR=1",
	)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return out.Bytes(), fmt.Errorf("timed out after %s", ValidateTimeout)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, err
	}
	return out.Bytes(), err
}

// parseValidateJSON reads `config validate --json`: the JSON object in the
// output (other lines may precede it) with "valid" and "issues".
func parseValidateJSON(out []byte) ([]string, bool) {
	i := bytes.IndexByte(out, '{')
	for i >= 0 {
		var r struct {
			Valid  *bool `json:"valid"`
			Issues []struct {
				Path    string `json:"path"`
				Message string `json:"message"`
			} `json:"issues"`
			Errors []struct {
				Path    string `json:"path"`
				Message string `json:"message"`
			} `json:"errors"`
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		dec := json.NewDecoder(bytes.NewReader(out[i:]))
		if err := dec.Decode(&r); err == nil && r.Valid != nil {
			if *r.Valid {
				return nil, true
			}
			var msgs []string
			for _, is := range append(r.Issues, r.Errors...) {
				m := is.Message
				if is.Path != "" {
					m = is.Path + ": " + m
				}
				msgs = append(msgs, "openclaw config validate: "+m)
			}
			if len(msgs) == 0 && r.Error != nil {
				msgs = append(msgs, "openclaw config validate: "+r.Error.Message)
			}
			if len(msgs) == 0 {
				msgs = append(msgs, "openclaw config validate: the config is invalid")
			}
			return msgs, true
		}
		j := bytes.IndexByte(out[i+1:], '{')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil, false
}

var unknownCmd = regexp.MustCompile(`(?i)unknown (option|command)|too many arguments`)

func looksUnknownCommand(out []byte) bool { return unknownCmd.Match(out) }

// parseLoaderProblems reads the config loader's verdict of older builds:
//
//	Config invalid
//	File: ~/.openclaw/openclaw.json
//	Problem:
//	  - gateway.auth: Unrecognized key: "rateLimit"
func parseLoaderProblems(out []byte) ([]string, bool) {
	text := string(out)
	if !strings.Contains(text, "Config invalid") && !strings.Contains(text, "Invalid config at") {
		return nil, false
	}
	var msgs []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.TrimSpace(line) == "Problem:":
			in = true
		case in && strings.HasPrefix(line, "  - "):
			msgs = append(msgs, "openclaw config: "+strings.TrimPrefix(line, "  - "))
		case in:
			in = false
		}
	}
	if len(msgs) == 0 {
		msgs = []string{"openclaw config: the config is invalid: " + firstLines(out, 2)}
	}
	return msgs, true
}

func firstLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return model.MaskText(strings.Join(lines, " / "))
}

var envRefRe = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)\}`)

// stagedEnvRefs lists the ${VAR} names used in the staged config files.
func stagedEnvRefs(dir string) []string {
	seen := map[string]bool{}
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ".env" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, m := range envRefRe.FindAllSubmatch(data, -1) {
			// "$${VAR}" is an escaped literal, not a reference
			if i := bytes.Index(data, m[0]); i > 0 && data[i-1] == '$' {
				continue
			}
			if n := string(m[1]); !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		return nil
	})
	return out
}
