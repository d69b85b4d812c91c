package remediate

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// tokenRand is the entropy source of GenerateToken (crypto/rand; tests may
// swap in a failing reader to exercise the error path).
var tokenRand io.Reader = rand.Reader

// GenerateToken returns a new gateway/hooks token the way
// `openclaw doctor --generate-gateway-token` and the onboarding wizard make
// one: 24 random bytes from crypto/rand as 48 lowercase hex characters.
func GenerateToken() (string, error) {
	b := make([]byte, 24)
	if _, err := io.ReadFull(tokenRand, b); err != nil {
		return "", fmt.Errorf("cannot generate a random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// EnvVarName suggests the variable for a secret at a config path:
// gateway.auth.password → OPENCLAW_GATEWAY_AUTH_PASSWORD,
// channels.telegram.accounts.work.botToken → OPENCLAW_CHANNELS_TELEGRAM_ACCOUNTS_WORK_BOT_TOKEN.
// The two well-known gateway secrets keep OpenClaw's own fallback names.
func EnvVarName(path string) string {
	switch path {
	case "gateway.auth.token":
		return "OPENCLAW_GATEWAY_TOKEN"
	case "gateway.auth.password":
		return "OPENCLAW_GATEWAY_PASSWORD"
	case "hooks.token":
		return "OPENCLAW_HOOKS_TOKEN"
	}
	var b strings.Builder
	b.WriteString("OPENCLAW_")
	prevUnderscore := true
	prevLower := false
	for _, r := range path {
		switch {
		case r >= 'A' && r <= 'Z':
			if prevLower && !prevUnderscore {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			prevUnderscore, prevLower = false, false
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			prevUnderscore, prevLower = false, true
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			prevUnderscore, prevLower = false, false
		default:
			if !prevUnderscore {
				b.WriteByte('_')
			}
			prevUnderscore, prevLower = true, false
		}
	}
	return strings.TrimRight(b.String(), "_")
}

var envKeyRe = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// ValidEnvName checks a variable name usable in ${VAR} (OpenClaw substitutes
// only upper-case names).
func ValidEnvName(s string) error {
	if !envKeyRe.MatchString(s) {
		return fmt.Errorf("%q is not a valid variable name (use A-Z, 0-9 and _, not starting with a digit)", s)
	}
	return nil
}

// envPath is <state>/.env.
func envPath(s *model.Snapshot) string { return filepath.Join(s.Target.StateDir, ".env") }

// readDotenv reads the current <state>/.env (nil when absent), refusing a
// symlinked one.
func readDotenv(s *model.Snapshot) ([]byte, error) {
	return ReadUnlinked(envPath(s), "move the secret by hand")
}

// envWrite is the FileWrite that stores key=value in <state>/.env (created
// 0600 when missing; an existing file keeps its mode).
func envWrite(s *model.Snapshot, checkID, key, value, reason string) (model.FileWrite, error) {
	old, err := readDotenv(s)
	if err != nil {
		return model.FileWrite{}, err
	}
	data, err := UpsertDotenv(old, key, value)
	if err != nil {
		return model.FileWrite{}, fmt.Errorf("%s: %w", envPath(s), err)
	}
	return model.FileWrite{Path: envPath(s), Data: data, Mode: 0o600, CheckID: checkID, Reason: reason}, nil
}

// newEnvToken generates a new random token and the write that stores it as
// name in <state>/.env.
func newEnvToken(s *model.Snapshot, checkID, name, reason string) (model.FileWrite, error) {
	tok, err := GenerateToken()
	if err != nil {
		return model.FileWrite{}, err
	}
	return envWrite(s, checkID, name, tok, reason)
}

// mergeEnvWrites folds several writes of <state>/.env into one (each was
// computed from the same original file).
func mergeEnvWrites(s *model.Snapshot, checkID string, kv [][2]string, reason string) (model.FileWrite, error) {
	old, err := readDotenv(s)
	if err != nil {
		return model.FileWrite{}, err
	}
	for _, p := range kv {
		if old, err = UpsertDotenv(old, p[0], p[1]); err != nil {
			return model.FileWrite{}, fmt.Errorf("%s: %w", envPath(s), err)
		}
	}
	return model.FileWrite{Path: envPath(s), Data: old, Mode: 0o600, CheckID: checkID, Reason: reason}, nil
}

// ValidOrigin checks a browser origin: http(s)://host[:port], nothing else.
func ValidOrigin(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an origin (want scheme://host[:port], e.g. https://gateway.example.ts.net)", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin: drop the path, query and credentials", s)
	}
	if strings.Contains(u.Host, "*") {
		return fmt.Errorf("%q: wildcards are not allowed", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q: bad port", s)
		}
	}
	return nil
}

// ValidOriginList checks a comma-separated list of origins (at least one).
func ValidOriginList(s string) error {
	n := 0
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		if err := ValidOrigin(o); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("list at least one origin")
	}
	return nil
}

// isLoopbackHost reports localhost or a loopback IP.
func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ValidCDPURL accepts a CDP endpoint that is encrypted (https/wss) or stays
// on loopback (http/ws to 127.0.0.1, ::1 or localhost).
func ValidCDPURL(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL (want https://host:port or http://127.0.0.1:port)", s)
	}
	switch u.Scheme {
	case "https", "wss":
		return nil
	case "http", "ws":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q: plain %s is only safe on loopback; use https/wss or 127.0.0.1", s, u.Scheme)
	}
	return fmt.Errorf("%q: scheme must be https, wss, or http/ws on loopback", s)
}

// splitList splits a comma-separated answer, trimming and dropping empties
// and duplicates.
func splitList(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// toAny converts a string list to an edit value.
func toAny(l []string) []any {
	out := make([]any, 0, len(l))
	for _, s := range l {
		out = append(out, s)
	}
	return out
}

// set and unset build edits for a finding.
func set(f model.Finding, path string, v any, reason string) model.Edit {
	return model.Edit{Op: model.OpSet, Path: path, Value: v, CheckID: f.CheckID, Reason: reason}
}

func unset(f model.Finding, path, reason string) model.Edit {
	return model.Edit{Op: model.OpUnset, Path: path, CheckID: f.CheckID, Reason: reason}
}

// secretForm is how a secret is stored in the config.
type secretForm int

const (
	formMissing secretForm = iota
	formLiteral
	formEnv
	formSecretRef
)

func secretFormOf(n *model.Node) (secretForm, string) {
	switch {
	case n == nil:
		return formMissing, ""
	case n.IsSecretRef():
		return formSecretRef, ""
	case n.IsEnvRef():
		return formEnv, n.EnvRefs()[0]
	case n.IsLiteralSecret():
		return formLiteral, ""
	}
	return formMissing, ""
}

// rotateSecret plans a new random value for the secret at path, keeping the
// form the operator uses: a ${VAR} gets the value in <state>/.env (the
// config is untouched), a SecretRef is left alone with advice, a literal or
// missing value is written in the config.
func rotateSecret(s *model.Snapshot, f model.Finding, path, what string) (model.ChangeSet, error) {
	var cs model.ChangeSet
	n := s.Doc.Get(path)
	form, name := secretFormOf(n)
	switch form {
	case formSecretRef:
		src := n.Get("source").Text()
		cs.After = append(cs.After, fmt.Sprintf("%s is a SecretRef (source %q, id %q): rotate it in that secret provider with a new random value (e.g. `openssl rand -hex 24`); hardshell does not touch it.", path, src, n.Get("id").Text()))
		return cs, nil
	case formEnv:
		tok, err := GenerateToken()
		if err != nil {
			return cs, err
		}
		w, err := envWrite(s, f.CheckID, name, tok, "new "+what+" for ${"+name+"}")
		if err != nil {
			return cs, err
		}
		cs.Writes = append(cs.Writes, w)
		cs.After = append(cs.After, fmt.Sprintf("The new %s is in %s as %s (the config keeps ${%s}). If the gateway's service sets %s itself (systemd Environment=, launchd plist), update it there instead: the process environment wins over .env.", what, envPath(s), name, name, name))
		return cs, nil
	}
	tok, err := GenerateToken()
	if err != nil {
		return cs, err
	}
	cs.Edits = append(cs.Edits, set(f, path, tok, "new random "+what+" (48 hex chars)"))
	cs.After = append(cs.After, fmt.Sprintf("The new %s is in the config at %s; read it with `openclaw config get %s`.", what, path, path))
	return cs, nil
}
