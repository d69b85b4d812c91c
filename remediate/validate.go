package remediate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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

// OpenClawValidator checks a candidate config with the real OpenClaw CLI at
// bin. The config file and every $include it reads are copied, with the
// candidate bytes in place of the originals, into a private temp dir (0700,
// removed afterwards) that also serves as HOME and OPENCLAW_STATE_DIR, so the
// real state is never read or touched; the state dir's .env is copied too so
// ${VAR} references resolve as they would for the gateway.
//
// OpenClaw 2026.7+ has `openclaw config validate --json`; its issues are
// returned as "path: message". Older builds (2026.2.x) have no validate
// command: their config loader's verdict ("Config invalid … Problem:") from
// a harmless `openclaw config get meta` is used instead.
//
// Only issues the change adds are returned: when the candidate fails, the
// current config is validated too and the issues it already had (a key of
// another OpenClaw version, say) are dropped, so a fix is never refused for
// a problem it did not cause.
func OpenClawValidator(bin string) Validator {
	return func(configPath string, files map[string][]byte) ([]string, error) {
		msgs, err := validateOnce(bin, configPath, files)
		if err != nil || len(msgs) == 0 || len(files) == 0 {
			return msgs, err
		}
		before, err := validateOnce(bin, configPath, nil)
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
}

// validateOnce runs the CLI once on the config with files overlaid.
func validateOnce(bin, configPath string, files map[string][]byte) ([]string, error) {
	tmp, cfg, err := stageConfig(configPath, files)
	if tmp != "" {
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		return nil, err
	}
	out, runErr := runOpenClaw(bin, tmp, cfg, "config", "validate", "--json")
	if msgs, ok := parseValidateJSON(out); ok {
		return msgs, nil
	}
	if !looksUnknownCommand(out) {
		if runErr != nil {
			return nil, fmt.Errorf("openclaw config validate: %v: %s", runErr, firstLines(out, 3))
		}
		return nil, fmt.Errorf("openclaw config validate printed no verdict: %s", firstLines(out, 3))
	}
	out, runErr = runOpenClaw(bin, tmp, cfg, "config", "get", "meta")
	if msgs, ok := parseLoaderProblems(out); ok {
		return msgs, nil
	}
	if runErr != nil && !strings.Contains(string(out), "Config path not found") {
		return nil, fmt.Errorf("openclaw config get meta: %v: %s", runErr, firstLines(out, 3))
	}
	return nil, nil
}

// stageConfig copies the config and its includes (candidate bytes first)
// into a fresh private dir, keeping their layout relative to each other.
// It returns the dir and the staged config path.
func stageConfig(configPath string, files map[string][]byte) (tmp, cfg string, err error) {
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
	root := filepath.Dir(configPath)
	for _, p := range paths {
		for !within(root, p) && root != filepath.Dir(root) {
			root = filepath.Dir(root)
		}
	}
	tmp, err = os.MkdirTemp("", "hardshell-validate-")
	if err != nil {
		return "", "", err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return tmp, "", err
	}
	state := filepath.Join(tmp, "state")
	for _, p := range paths {
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return tmp, "", rerr
		}
		data, rerr := read(p)
		if rerr != nil {
			return tmp, "", rerr
		}
		dst := filepath.Join(state, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return tmp, "", err
		}
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			return tmp, "", err
		}
	}
	relCfg, _ := filepath.Rel(root, configPath)
	cfg = filepath.Join(state, relCfg)
	// the gateway's .env (beside the config in the usual layout)
	if env, rerr := sys.ReadFile(filepath.Join(filepath.Dir(configPath), ".env"), fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxDotenv}); rerr == nil {
		_ = os.WriteFile(filepath.Join(filepath.Dir(cfg), ".env"), env, 0o600)
	}
	return tmp, cfg, nil
}

// parseWith parses the config with the candidate bytes overlaid.
func parseWith(configPath string, files map[string][]byte) (*model.Document, error) {
	doc, err := model.ParseFile(configPath)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return doc, nil
	}
	return doc.WithFiles(files)
}

// runOpenClaw runs bin with the staged dir as HOME and state dir.
func runOpenClaw(bin, tmp, cfg string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ValidateTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = tmp
	cmd.WaitDelay = time.Second
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", k == "OPENCLAW_HOME", k == "NO_COLOR", k == "FORCE_COLOR",
			strings.HasPrefix(k, "OPENCLAW_STATE_DIR"), strings.HasPrefix(k, "OPENCLAW_CONFIG_PATH"),
			strings.HasPrefix(k, "CLAWDBOT_"), k == "OPENCLAW_OAUTH_DIR", k == "OPENCLAW_NIX_MODE":
			continue
		}
		env = append(env, kv)
	}
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
	cmd.Env = append(env,
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
