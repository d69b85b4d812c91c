// Package cmdline builds the hardshell commands hardshell prints for the
// operator to run next ("undo with: hardshell restore ID", fix hints, the
// demo's advice). It is the one place such a line is made, so every printed
// command acts on the target the run used (its --state-dir and --config)
// and survives being pasted into a POSIX shell as printed.
package cmdline

import "strings"

// Target is the state dir and config a run acted on, as the flags that
// name them again. Empty fields are left out (a follow-up then locates the
// target the same way the run did: environment, ~/.openclaw).
type Target struct {
	StateDir string // absolute, or ""
	Config   string // absolute, or ""
	Host     string // --host DEST, or "" (a target on this machine)
}

// Command is "hardshell ARGS" followed by the target's --state-dir and
// --config, every word quoted for the shell.
func (t Target) Command(args ...string) string {
	words := append([]string{"hardshell"}, args...)
	if t.StateDir != "" {
		words = append(words, "--state-dir", t.StateDir)
	}
	if t.Config != "" {
		words = append(words, "--config", t.Config)
	}
	if t.Host != "" {
		words = append(words, "--host", t.Host)
	}
	return Join(words...)
}

// Join quotes each word for a POSIX shell and joins them with spaces.
func Join(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

// Quote returns s as one shell word: unchanged when it holds only
// characters no shell treats specially, else in single quotes (a single
// quote inside closes the quotes, adds an escaped quote and reopens them).
func Quote(s string) string {
	if s != "" && strings.Trim(s, safe) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// safe are the characters that need no quoting in any position of a word
// (a leading ~ or a # would, so neither is here; = and : are harmless).
const safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%"

// OpenClaw is "openclaw ARGS" run against the same target: the state dir
// and config go in OpenClaw's own environment variables (OpenClaw has no
// flags for them), every word quoted for the shell.
func (t Target) OpenClaw(args ...string) string {
	var words []string
	if t.StateDir != "" {
		words = append(words, "OPENCLAW_STATE_DIR="+Quote(t.StateDir))
	}
	if t.Config != "" {
		words = append(words, "OPENCLAW_CONFIG_PATH="+Quote(t.Config))
	}
	return strings.Join(append(words, Join(append([]string{"openclaw"}, args...)...)), " ")
}
