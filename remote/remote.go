// Package remote is hardshell's connection to another machine: the
// operator's own OpenSSH client (their ~/.ssh/config, agent, ProxyJump,
// known_hosts, Tailscale SSH all apply), started once as
// `ssh DEST -s sftp`, with github.com/pkg/sftp speaking SFTP over its
// stdin and stdout. Nothing is installed on the remote.
//
// That first ssh process is also a ControlMaster on a private socket, so
// what must run on the remote (its environment, `openclaw --version`, the
// hard-link count a safe chmod needs) rides the same authenticated
// connection: one password or key prompt, one TCP connection.
//
// HARDSHELL_SSH_COMMAND replaces `ssh` and its options, like
// GIT_SSH_COMMAND: it is run by /bin/sh with the arguments appended.
package remote

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hardshell/hardshell/fsys/sftpfs"
	"github.com/pkg/sftp"
)

// CommandEnv names the variable that replaces `ssh` and its options.
const CommandEnv = "HARDSHELL_SSH_COMMAND"

// Session is one connection to a remote machine.
type Session struct {
	Dest string
	// FS is the remote file system (SFTP).
	FS *sftpfs.FS
	// Env is the environment of a command run on the remote (what `ssh DEST
	// cmd` sees: sshd's, the login's), where OpenClaw's variables are
	// looked up as OpenClaw would.
	Env map[string]string
	// Home is the remote user's home ($HOME, else the SFTP start folder).
	Home string
	// UID is the remote login's user id: who owns what hardshell creates
	// there, and whether it may chown (root).
	UID int
	// OpenClaw is the remote `openclaw` found on PATH ("" when absent) and
	// OpenClawVersion the first line of its --version.
	OpenClaw        string
	OpenClawVersion string

	sshCommand string
	dir        string // private folder of the control socket
	master     *exec.Cmd
	stdin      io.WriteCloser
	stderr     *tailBuffer
	client     *sftp.Client
	closeOnce  sync.Once
}

// Options configure Dial.
type Options struct {
	// SSHCommand replaces `ssh` and its options (HARDSHELL_SSH_COMMAND);
	// "" = `ssh`.
	SSHCommand string
}

// SSHCommand is the HARDSHELL_SSH_COMMAND the session was opened with
// ("" = ssh): printed commands for the host start with it.
func (s *Session) SSHCommand() string { return s.sshCommand }

// ConnectError is a remote that could not be reached or refused us; What is
// ssh's own explanation (its last lines on stderr).
type ConnectError struct {
	Dest string
	What string
	Hint string
}

func (e *ConnectError) Error() string {
	msg := "cannot connect to " + e.Dest + " over ssh"
	if e.What != "" {
		msg += ": " + e.What
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg + "; nothing was read or written"
}

var hostPort = regexp.MustCompile(`^([^@/:\[\]\s]+@)?([^@/:\[\]\s]+|\[[0-9a-fA-F:.]+\]):([0-9]{1,5})$`)

// sshDest turns DEST ([user@]host[:port] or a Host alias) into what ssh
// takes: host:port becomes ssh://[user@]host:port.
func sshDest(dest string) (string, error) {
	if dest == "" || strings.HasPrefix(dest, "-") || strings.ContainsAny(dest, " \t\r\n") {
		return "", fmt.Errorf("--host %q is not an SSH destination ([user@]host[:port] or a Host alias of your ssh config)", dest)
	}
	if hostPort.MatchString(dest) {
		return "ssh://" + dest, nil
	}
	return dest, nil
}

// command builds an ssh invocation: `ssh ARGS…`, or the operator's
// HARDSHELL_SSH_COMMAND run by /bin/sh with ARGS appended.
func (s *Session) command(ctx context.Context, args ...string) *exec.Cmd {
	var c *exec.Cmd
	if strings.TrimSpace(s.sshCommand) == "" {
		c = exec.CommandContext(ctx, "ssh", args...)
	} else {
		c = exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", "exec " + s.sshCommand + ` "$@"`, "hardshell-ssh"}, args...)...)
	}
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a ^C on the terminal is ours to handle
	c.WaitDelay = 2 * time.Second
	return c
}

func (s *Session) controlPath() string { return path.Join(s.dir, "cm") }

// Dial connects to dest and starts the SFTP session. The error is a
// *ConnectError for a host that cannot be reached, refuses the key, or
// whose host key does not match.
func Dial(ctx context.Context, dest string, o Options) (*Session, error) {
	d, err := sshDest(dest)
	if err != nil {
		return nil, err
	}
	s := &Session{Dest: dest, sshCommand: o.SSHCommand, stderr: &tailBuffer{max: 8 << 10}}
	// the control socket's folder: short (a unix socket path has ~104
	// bytes) and private
	if s.dir, err = os.MkdirTemp("", "hs-ssh-"); err != nil {
		return nil, err
	}
	s.master = s.command(context.Background(),
		"-o", "ControlMaster=yes", "-o", "ControlPath="+s.controlPath(), "-o", "ControlPersist=no",
		"-x", "-a", // no X11, no agent forwarding: hardshell needs neither
		d, "-s", "sftp")
	s.master.Stderr = s.stderr
	stdout, err := s.master.StdoutPipe()
	if err != nil {
		s.cleanup()
		return nil, err
	}
	if s.stdin, err = s.master.StdinPipe(); err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.master.Start(); err != nil {
		s.cleanup()
		return nil, &ConnectError{Dest: dest, What: err.Error(), Hint: "is OpenSSH's ssh installed? " + CommandEnv + " replaces it"}
	}
	type res struct {
		c   *sftp.Client
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := sftp.NewClientPipe(stdout, s.stdin, sftp.UseConcurrentReads(true))
		ch <- res{c, err}
	}()
	var r res
	received := true
	select {
	case r = <-ch:
	case <-ctx.Done():
		r.err, received = ctx.Err(), false
	}
	if r.err != nil {
		_ = s.stdin.Close()
		if !received {
			_ = syscall.Kill(-s.master.Process.Pid, syscall.SIGTERM)
		}
		s.stop()
		if !received {
			<-ch
		}
		s.cleanup()
		return nil, s.connectError(r.err)
	}
	s.client = r.c
	s.FS = sftpfs.New(r.c)
	s.FS.Where = "hardshell --host " + dest
	s.FS.LinkCount = s.linkCount
	s.FS.Flock = s.flock
	s.FS.Dest = dest
	if host, err := os.Hostname(); err == nil {
		s.FS.Machine = host
		s.FS.Alive = func(pid int) bool {
			err := syscall.Kill(pid, 0)
			return err == nil || errors.Is(err, syscall.EPERM)
		}
	}
	if err := s.probe(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connectError explains a failed start from ssh's own words.
func (s *Session) connectError(err error) error {
	lines := s.stderr.lines()
	what := strings.Join(lastMeaningful(lines, 3), " ")
	ce := &ConnectError{Dest: s.Dest, What: what}
	joined := strings.Join(lines, "\n")
	switch {
	case strings.Contains(joined, "REMOTE HOST IDENTIFICATION HAS CHANGED"):
		ce.What = "the host key does not match the one in known_hosts (REMOTE HOST IDENTIFICATION HAS CHANGED)"
		ce.Hint = "if the host was reinstalled, check its new key and update known_hosts; otherwise someone may be in the middle"
	case strings.Contains(joined, "Host key verification failed"):
		ce.Hint = "the host key is not in known_hosts: connect once with ssh to check and accept it"
	case strings.Contains(joined, "Permission denied"):
		ce.Hint = "ssh could not log in: check the user, key or agent"
	case strings.Contains(joined, "subsystem request failed"):
		ce.Hint = "the remote sshd offers no sftp subsystem"
	}
	if ce.What == "" {
		ce.What = err.Error()
	}
	return ce
}

// lastMeaningful keeps the last n stderr lines that say something (not
// the banner art of the host-key warning).
func lastMeaningful(lines []string, n int) []string {
	var out []string
	for i := len(lines) - 1; i >= 0 && len(out) < n; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.Trim(l, "@") == "" {
			continue
		}
		out = append([]string{l}, out...)
	}
	return out
}

// Run runs script with /bin/sh on the remote, over the control connection,
// and returns its standard output. stdin may be nil.
func (s *Session) Run(ctx context.Context, script string, stdin []byte) ([]byte, error) {
	d, _ := sshDest(s.Dest)
	c := s.command(ctx, "-o", "ControlMaster=no", "-o", "ControlPath="+s.controlPath(),
		"-x", "-a", "-T", d, "exec /bin/sh -c "+Quote(script))
	var out bytes.Buffer
	errb := &tailBuffer{max: 4 << 10}
	c.Stdout, c.Stderr = &out, errb
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	if err := c.Run(); err != nil {
		what := strings.Join(lastMeaningful(errb.lines(), 3), " ")
		if what == "" {
			what = err.Error()
		}
		return out.Bytes(), &RunError{Dest: s.Dest, Err: err, Stderr: what}
	}
	return out.Bytes(), nil
}

// Start runs script with /bin/sh on the remote, over the control
// connection, with its stdin and stdout as pipes, for an exchange longer
// than one request (the state DB's SQLite process). wait waits for it after
// stdin is closed; its error carries the remote's last lines on stderr.
// Closing stdin (or the connection dropping) ends the remote side's input.
func (s *Session) Start(script string) (stdin io.WriteCloser, stdout io.Reader, wait func() error, err error) {
	d, _ := sshDest(s.Dest)
	c := s.command(context.Background(), "-o", "ControlMaster=no", "-o", "ControlPath="+s.controlPath(),
		"-x", "-a", "-T", d, "exec /bin/sh -c "+Quote(script))
	errb := &tailBuffer{max: 4 << 10}
	c.Stderr = errb
	if stdin, err = c.StdinPipe(); err != nil {
		return nil, nil, nil, err
	}
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := c.Start(); err != nil {
		return nil, nil, nil, err
	}
	wait = func() error {
		if err := c.Wait(); err != nil {
			what := strings.Join(lastMeaningful(errb.lines(), 3), " ")
			if what == "" {
				what = err.Error()
			}
			return &RunError{Dest: s.Dest, Err: err, Stderr: what}
		}
		return nil
	}
	return stdin, out, wait, nil
}

// RunError is a remote command that failed.
type RunError struct {
	Dest   string
	Err    error
	Stderr string
}

func (e *RunError) Error() string { return "on " + e.Dest + ": " + e.Stderr }
func (e *RunError) Unwrap() error { return e.Err }

// Quote quotes s for a POSIX shell.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// probeScript prints the remote environment (each variable as
// "<byte length> NAME=VALUE\n", so values may hold newlines), a marker,
// the login's user id, and the `openclaw` on PATH with the first line of
// its --version.
const probeScript = `LC_ALL=C awk 'BEGIN{for(k in ENVIRON){e=k "=" ENVIRON[k]; printf "%d %s\n", length(e), e}}'
echo '--hardshell--'
id -u
if oc=$(command -v openclaw 2>/dev/null); then
  printf '%s\n' "$oc"
  "$oc" --version </dev/null 2>/dev/null | sed -n '/[^[:space:]]/{p;q;}'
fi
`

// probe reads the remote environment, its home and its OpenClaw CLI.
func (s *Session) probe(ctx context.Context) error {
	out, err := s.Run(ctx, probeScript, nil)
	if err != nil {
		return fmt.Errorf("connected to %s, but cannot run a command there: %w", s.Dest, err)
	}
	env, rest, err := parseEnv(out)
	if err != nil {
		return fmt.Errorf("on %s: cannot read the remote environment: %w", s.Dest, err)
	}
	s.Env = env
	sc := bufio.NewScanner(bytes.NewReader(rest))
	uid := -1
	if sc.Scan() {
		if n, err := strconv.Atoi(strings.TrimSpace(sc.Text())); err == nil && n >= 0 {
			uid = n
		}
	}
	if uid < 0 {
		return fmt.Errorf("on %s: cannot tell the remote user's id (id -u)", s.Dest)
	}
	s.UID = uid
	s.FS.UID = uid
	if sc.Scan() {
		s.OpenClaw = strings.TrimSpace(sc.Text())
	}
	if sc.Scan() {
		v := strings.TrimSpace(sc.Text())
		if len(v) > 200 {
			v = v[:200]
		}
		s.OpenClawVersion = v
	}
	s.Home = env["HOME"]
	if s.Home == "" || !path.IsAbs(s.Home) {
		if wd, err := s.client.Getwd(); err == nil {
			s.Home = wd
		}
	}
	if s.Home == "" {
		return fmt.Errorf("on %s: cannot tell the remote user's home folder; pass --state-dir", s.Dest)
	}
	return nil
}

// parseEnv reads the length-prefixed variables up to the marker line.
func parseEnv(out []byte) (map[string]string, []byte, error) {
	env := map[string]string{}
	for {
		if rest, ok := bytes.CutPrefix(out, []byte("--hardshell--\n")); ok {
			return env, rest, nil
		}
		sp := bytes.IndexByte(out, ' ')
		if sp <= 0 {
			return nil, nil, errors.New("unexpected output")
		}
		n, err := strconv.Atoi(string(out[:sp]))
		if err != nil || n < 0 || sp+1+n+1 > len(out) || out[sp+1+n] != '\n' {
			return nil, nil, errors.New("unexpected output")
		}
		kv := string(out[sp+1 : sp+1+n])
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
		out = out[sp+1+n+1:]
	}
}

// Getenv looks a variable up in the remote environment.
func (s *Session) Getenv(k string) string { return s.Env[k] }

// linkCount tells whether the regular file at p has more than one name
// (`find -prune -links +1` is POSIX and never follows p).
func (s *Session) linkCount(p string) (uint64, error) {
	out, err := s.Run(context.Background(), "find "+Quote(p)+" -prune -type f -links +1 -print", nil)
	if err != nil {
		return 0, err
	}
	if len(bytes.TrimSpace(out)) > 0 {
		return 2, nil
	}
	return 1, nil
}

// Alive reports whether the connection still works (one round trip).
func (s *Session) Alive() bool {
	_, err := s.client.Getwd()
	return err == nil
}

// Close ends the SFTP session and the ssh process.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		if s.client != nil {
			_ = s.client.Close()
		}
		if s.stdin != nil {
			_ = s.stdin.Close()
		}
		s.stop()
		s.cleanup()
	})
	return nil
}

// stop waits for the ssh process a little after its stdin closed, then
// ends it (its process group: an HARDSHELL_SSH_COMMAND wrapper too).
func (s *Session) stop() {
	if s.master == nil || s.master.Process == nil {
		return
	}
	done := make(chan struct{})
	go func() { _ = s.master.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-s.master.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-s.master.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
}

func (s *Session) cleanup() {
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Split(strings.TrimSpace(strings.ReplaceAll(string(t.b), "\r", "")), "\n")
}
