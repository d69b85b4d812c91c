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
	// SSH replaces `ssh` and its options in the commands OnHost prints
	// (HARDSHELL_SSH_COMMAND, which the run reached Host with: its shell
	// words, pasted as they are); "" = ssh.
	SSH string
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

// Join quotes each word for a POSIX shell and joins them with spaces. A
// placeholder the operator replaces before running the line ("<sender>")
// stays as written: quoted it would run as a literal argument.
func Join(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
		if isPlaceholder(w) {
			q[i] = w
		}
	}
	return strings.Join(q, " ")
}

// isPlaceholder: w is "<name>", name lower-case letters and dashes.
func isPlaceholder(w string) bool {
	name, ok := strings.CutPrefix(w, "<")
	name, ok2 := strings.CutSuffix(name, ">")
	return ok && ok2 && name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyz-") == ""
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

// OnHost is cmd as the operator runs it on the target's machine: cmd
// itself for a target on this machine, "ssh -t DEST 'CMD'" over --host
// (with the run's HARDSHELL_SSH_COMMAND in place of ssh, so the line
// reaches the host the way the run did).
func (t Target) OnHost(cmd string) string {
	if t.Host == "" {
		return cmd
	}
	if t.SSH != "" {
		return t.SSH + " " + Join("-t", t.Host, cmd)
	}
	return Join("ssh", "-t", t.Host, cmd)
}

// Step is a step a change asks of the operator afterwards
// (model.ChangeSet.After) as it runs on the target's machine: a step that
// is an OpenClaw command ("openclaw gateway restart", perhaps followed by
// "# a note") and every `openclaw …` or `tailscale …` a sentence quotes
// (the gateway's CLI and its tailnet) run there, so over --host they go
// through OnHost. Other quoted text (a key, `openssl rand -hex 24`) is left
// to the sentence. A target on this machine keeps the step as it is.
func (t Target) Step(step string) string {
	if t.Host == "" {
		return step
	}
	if strings.HasPrefix(step, "openclaw ") {
		cmd, note, hasNote := strings.Cut(step, "#")
		if !hasNote {
			return t.OnHost(step)
		}
		trimmed := strings.TrimRight(cmd, " ")
		return t.OnHost(trimmed) + cmd[len(trimmed):] + "#" + note
	}
	var b strings.Builder
	rest := step
	for {
		open := strings.IndexByte(rest, '`')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open+1:], '`')
		if end < 0 {
			break
		}
		quoted := rest[open+1 : open+1+end]
		b.WriteString(rest[:open+1])
		if strings.HasPrefix(quoted, "openclaw ") || strings.HasPrefix(quoted, "tailscale ") {
			quoted = t.OnHost(quoted)
		}
		b.WriteString(quoted + "`")
		rest = rest[open+1+end+1:]
	}
	return b.String() + rest
}
