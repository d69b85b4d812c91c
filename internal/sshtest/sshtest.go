// Package sshtest starts a real OpenSSH server (Debian's /usr/sbin/sshd) for
// tests of hardshell's remote mode, and the client configuration to reach it
// with the operator's own ssh.
//
// Each Server listens on 127.0.0.1 at a free port with a throwaway host key
// and user key, and runs in its own mount and pid namespace (unshare -m -p):
//
//   - Root, the remote's file tree, exists only inside that namespace. On the
//     host the same path does not exist at all, so a test that gives the code
//     under test a remote path cannot pass by a local read. The files live in
//     Store on the host, for inspection after Kill; never hand Store to the
//     code under test.
//   - Home (Root/home) is the remote user's home: $HOME of every remote
//     command and the start directory of the SFTP subsystem, so the remote's
//     "~/.openclaw" is Home/.openclaw.
//   - Root/bin comes first in the remote PATH: put an openclaw wrapper there
//     to give the remote an OpenClaw CLI of the test's choice.
//   - Kill drops the whole remote at once (sshd, every session and the
//     programs they run), as a machine falling off the network would.
//
// The client side is an ssh_config file with a Host alias (Dest) that pins
// the host key (StrictHostKeyChecking yes, BatchMode yes); SSHCommand is the
// HARDSHELL_SSH_COMMAND value "ssh -F FILE". Further aliases reach the same
// server with a mismatched host key, with no known host key, and a port
// nobody listens on, for the fault tests.
//
// Start skips the test, naming what is absent, when sshd, ssh, ssh-keygen or
// unshare are missing or the namespaces are not permitted (not root).
package sshtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The programs the harness runs. Debian's paths: sshd must be started by its
// absolute path (it re-executes itself for each connection).
const (
	SSHD       = "/usr/sbin/sshd"
	SFTPServer = "/usr/lib/openssh/sftp-server"
)

// Host aliases in the client ssh_config.
const (
	alias           = "hs-remote"
	badKeyAlias     = "hs-badkey"
	unknownKeyAlias = "hs-unknownkey"
	downAlias       = "hs-down"
)

// Server is one running sshd and the client configuration that reaches it.
type Server struct {
	// Dest is the SSH destination (a Host alias of ConfigFile).
	Dest string
	// ConfigFile is the client ssh_config; SSHCommand is "ssh -F ConfigFile",
	// the value of HARDSHELL_SSH_COMMAND.
	ConfigFile string
	SSHCommand string
	// BadKeyDest reaches this server but pins a different host key in its
	// known_hosts; UnknownKeyDest has no known host key at all; DownDest is a
	// loopback port that refuses connections. All three fail to connect.
	BadKeyDest     string
	UnknownKeyDest string
	DownDest       string

	Host           string // 127.0.0.1
	Port           int
	User           string // the remote login, the current user
	KeyFile        string // the client's private key
	KnownHostsFile string // pins the host key under the alias Dest

	// OwnNetwork: the remote has its own network namespace (WithOwnNetwork).
	OwnNetwork bool

	Root  string // the remote file tree: exists only inside the server's namespace
	Home  string // the remote user's $HOME and SFTP start directory (Root/home)
	Store string // host-side directory that holds Root's files (inspection only)

	LogFile string // sshd's log (LogLevel VERBOSE)

	dir      string
	cmd      *exec.Cmd
	done     chan struct{} // closed when the unshare process has been reaped
	waitErr  error
	initPid  int // the namespace's pid 1 (sshd), as the host sees it
	killOnce sync.Once
}

// Option configures Start.
type Option func(*config)

type config struct {
	env    [][2]string
	ownNet bool
}

// WithEnv sets an environment variable in every remote session (sshd's
// SetEnv). HOME and PATH are set by the harness; WithEnv overrides them.
func WithEnv(name, value string) Option {
	return func(c *config) { c.env = append(c.env, [2]string{name, value}) }
}

// WithOwnNetwork gives the remote its own network namespace (unshare -n,
// only a loopback interface): a socket the test opens on the host is not in
// the remote's /proc/net/tcp, and the remote's 127.0.0.1:PORT is not the
// host's. The client reaches sshd with a ProxyCommand that runs
// `sshd -i` inside the remote's namespaces (nsenter), one per connection;
// everything else (Dest, Kill, Run) is unchanged.
func WithOwnNetwork() Option {
	return func(c *config) { c.ownNet = true }
}

var (
	probeOnce sync.Once
	probeErr  error
)

// Available reports why a Server cannot be started here, or nil.
func Available() error {
	probeOnce.Do(func() { probeErr = probe() })
	return probeErr
}

func probe() error {
	var missing []string
	if _, err := os.Stat(SSHD); err != nil {
		missing = append(missing, SSHD+" (Debian's openssh-server)")
	}
	for _, prog := range []string{"ssh", "ssh-keygen", "unshare"} {
		if _, err := exec.LookPath(prog); err != nil {
			missing = append(missing, prog)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("not installed: %s (scripts/deps.sh installs them)", strings.Join(missing, ", "))
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root: sshd runs in its own mount and pid namespace (unshare -m -p) and logs in as the current user (uid %d)", os.Geteuid())
	}
	out, err := exec.Command("unshare", "-m", "-p", "--fork", "--kill-child", "--mount-proc", "true").CombinedOutput()
	if err != nil {
		return fmt.Errorf("unshare -m -p is not permitted here: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// Start launches sshd and returns the running Server; it is killed when the
// test ends. The test is skipped when Available reports a reason.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	if err := Available(); err != nil {
		t.Skipf("sshtest: %v", err)
	}
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("sshtest: current user: %v", err)
	}
	dir := t.TempDir()
	for _, c := range dir {
		if c == ' ' || c == '"' || c == '\'' || c == '\\' {
			t.Fatalf("sshtest: temp dir %q has a character ssh_config and HARDSHELL_SSH_COMMAND would need quoted", dir)
		}
	}
	s := &Server{
		Dest:           alias,
		BadKeyDest:     badKeyAlias,
		UnknownKeyDest: unknownKeyAlias,
		DownDest:       downAlias,
		Host:           "127.0.0.1",
		User:           u.Username,
		KeyFile:        filepath.Join(dir, "client", "id_ed25519"),
		KnownHostsFile: filepath.Join(dir, "client", "known_hosts"),
		ConfigFile:     filepath.Join(dir, "client", "ssh_config"),
		Root:           filepath.Join(dir, "ns", "remote"),
		Store:          filepath.Join(dir, "store"),
		LogFile:        filepath.Join(dir, "sshd.log"),
		dir:            dir,
	}
	s.Home = filepath.Join(s.Root, "home")
	s.SSHCommand = "ssh -F " + s.ConfigFile
	for _, d := range []string{"server", "client", "ns", filepath.Join("store", "home"), filepath.Join("store", "bin")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	hostKey := filepath.Join(dir, "server", "ssh_host_ed25519_key")
	otherHostKey := filepath.Join(dir, "client", "other_host_key")
	for _, k := range []string{hostKey, otherHostKey, s.KeyFile} {
		keygen(t, k)
	}
	pub := func(path string) string {
		data, err := os.ReadFile(path + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(data))
		return f[0] + " " + f[1]
	}
	authorized := filepath.Join(dir, "server", "authorized_keys")
	writeFile(t, authorized, pub(s.KeyFile)+"\n")
	writeFile(t, s.KnownHostsFile, alias+" "+pub(hostKey)+"\n")
	badKnownHosts := filepath.Join(dir, "client", "known_hosts.bad")
	writeFile(t, badKnownHosts, alias+" "+pub(otherHostKey)+"\n")
	emptyKnownHosts := filepath.Join(dir, "client", "known_hosts.empty")
	writeFile(t, emptyKnownHosts, "")

	downPort := deadPort(t)
	sshdConfig := filepath.Join(dir, "server", "sshd_config")
	for attempt := 1; ; attempt++ {
		s.Port = freePort(t)
		writeFile(t, sshdConfig, s.sshdConfig(hostKey, authorized, cfg.env))
		writeFile(t, s.ConfigFile, s.sshConfig(badKnownHosts, emptyKnownHosts, downPort))
		err := s.launch(sshdConfig, cfg.ownNet)
		if err == nil && cfg.ownNet {
			err = s.proxyThroughNamespace(sshdConfig, badKnownHosts, emptyKnownHosts, downPort)
		}
		if err == nil {
			break
		}
		if errors.Is(err, errPortTaken) && attempt < 5 {
			continue // another test took the free port between our probe and sshd's bind
		}
		t.Fatalf("sshtest: %v", err)
	}
	t.Cleanup(s.Kill)
	return s
}

// sshdConfig is the server's whole configuration: no system file is read.
func (s *Server) sshdConfig(hostKey, authorized string, env [][2]string) string {
	sftp := "internal-sftp"
	if _, err := os.Stat(SFTPServer); err == nil {
		sftp = SFTPServer // what Debian's own sshd_config names
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ListenAddress %s:%d\n", s.Host, s.Port)
	fmt.Fprintf(&b, "HostKey %s\n", hostKey)
	b.WriteString("PidFile none\n")
	fmt.Fprintf(&b, "AuthorizedKeysFile %s\n", authorized)
	fmt.Fprintf(&b, "AllowUsers %s\n", s.User)
	// root (as in this sandbox and CI) may log in, with a key only.
	b.WriteString("PermitRootLogin prohibit-password\n")
	// StrictModes would refuse the key: the temp dir's parents include the
	// world-writable /tmp.
	b.WriteString("StrictModes no\n")
	b.WriteString("UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n")
	b.WriteString("AllowTcpForwarding yes\nX11Forwarding no\nPrintMotd no\nPrintLastLog no\n")
	// sftp-server starts in Home (pw_dir would be the host user's home).
	fmt.Fprintf(&b, "Subsystem sftp %s -d %s\n", sftp, s.Home)
	// One SetEnv line: sshd keeps only the first one. A later WithEnv of the
	// same name replaces the earlier value.
	vars := [][2]string{{"HOME", s.Home}, {"PATH", filepath.Join(s.Root, "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}}
	index := map[string]int{"HOME": 0, "PATH": 1}
	for _, kv := range env {
		if i, ok := index[kv[0]]; ok {
			vars[i] = kv
			continue
		}
		index[kv[0]] = len(vars)
		vars = append(vars, kv)
	}
	b.WriteString("SetEnv")
	for _, kv := range vars {
		fmt.Fprintf(&b, " %s=%s", kv[0], kv[1])
	}
	b.WriteString("\n")
	b.WriteString("LogLevel VERBOSE\n")
	return b.String()
}

func (s *Server) sshConfig(badKnownHosts, emptyKnownHosts string, downPort int) string {
	return s.sshConfigProxy(badKnownHosts, emptyKnownHosts, downPort, "")
}

// sshConfigProxy is sshConfig with proxy as the ProxyCommand of every alias
// but the down one ("" = none).
func (s *Server) sshConfigProxy(badKnownHosts, emptyKnownHosts string, downPort int, proxy string) string {
	var b strings.Builder
	host := func(name string, port int, knownHosts string) {
		fmt.Fprintf(&b, "Host %s\n", name)
		fmt.Fprintf(&b, "  HostName %s\n  Port %d\n  User %s\n", s.Host, port, s.User)
		if proxy != "" && name != downAlias {
			fmt.Fprintf(&b, "  ProxyCommand %s\n", proxy)
		}
		fmt.Fprintf(&b, "  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n", s.KeyFile)
		fmt.Fprintf(&b, "  HostKeyAlias %s\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n", alias, knownHosts)
		b.WriteString("  StrictHostKeyChecking yes\n  UpdateHostKeys no\n  BatchMode yes\n  ConnectTimeout 10\n  LogLevel ERROR\n\n")
	}
	host(alias, s.Port, s.KnownHostsFile)
	host(badKeyAlias, s.Port, badKnownHosts)
	host(unknownKeyAlias, s.Port, emptyKnownHosts)
	host(downAlias, downPort, s.KnownHostsFile)
	return b.String()
}

var errPortTaken = errors.New("port taken")

// proxyThroughNamespace rewrites the client config so that each connection
// runs `sshd -i` inside the remote's mount, network and pid namespaces:
// the remote's own loopback is not reachable from the host.
func (s *Server) proxyThroughNamespace(sshdConfig, badKnownHosts, emptyKnownHosts string, downPort int) error {
	if s.initPid <= 0 {
		s.Kill()
		return errors.New("WithOwnNetwork: cannot find the namespace's first process")
	}
	if _, err := exec.LookPath("nsenter"); err != nil {
		s.Kill()
		return fmt.Errorf("WithOwnNetwork needs nsenter: %w", err)
	}
	s.OwnNetwork = true
	proxy := fmt.Sprintf("nsenter --target %d --mount --net --pid -- %s -i -f %s -E %s", s.initPid, SSHD, sshdConfig, s.LogFile)
	return os.WriteFile(s.ConfigFile, []byte(s.sshConfigProxy(badKnownHosts, emptyKnownHosts, downPort, proxy)), 0o600)
}

// launch starts sshd in a new mount and pid namespace and waits until it
// listens. Inside the namespace: a private /run holds sshd's privilege
// separation directory (the host's /run is not touched), a tmpfs over
// dir/ns hides whatever the host has there, and Store is bound at Root.
func (s *Server) launch(sshdConfig string, ownNet bool) error {
	_ = os.Remove(s.LogFile)
	ns := filepath.Join(s.dir, "ns")
	lines := []string{"set -e"}
	args := []string{"-m", "-p"}
	if ownNet {
		lines = append(lines, "ip link set lo up")
		args = append(args, "-n")
	}
	script := strings.Join(append(lines,
		"mount -t tmpfs -o mode=0755 tmpfs /run",
		"mkdir -m 0755 /run/sshd",
		"mount -t tmpfs -o mode=0755 tmpfs "+ns,
		"mkdir "+s.Root,
		"mount --bind "+s.Store+" "+s.Root,
		"exec "+SSHD+" -D -f "+sshdConfig+" -E "+s.LogFile,
	), "\n")
	var stderr bytes.Buffer
	cmd := exec.Command("unshare", append(args, "--fork", "--kill-child", "--mount-proc", "sh", "-c", script)...)
	cmd.Stderr = &stderr
	// If the test binary dies, unshare dies, and --kill-child takes the
	// namespace with it: no sshd outlives its test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start unshare: %w", err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func() { s.waitErr = cmd.Wait(); close(s.done) }()

	ready := fmt.Sprintf("Server listening on %s port %d.", s.Host, s.Port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		log, _ := os.ReadFile(s.LogFile)
		if bytes.Contains(log, []byte(ready)) {
			break
		}
		select {
		case <-s.done:
			log, _ = os.ReadFile(s.LogFile)
			if bytes.Contains(log, []byte("Address already in use")) {
				return errPortTaken
			}
			return fmt.Errorf("sshd exited (%v)\nstderr: %s\nlog %s:\n%s", s.waitErr, stderr.Bytes(), s.LogFile, log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Kill()
			return fmt.Errorf("sshd did not listen within 20s\nlog %s:\n%s", s.LogFile, log)
		}
	}
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
	if f := strings.Fields(string(children)); err == nil && len(f) == 1 {
		s.initPid, _ = strconv.Atoi(f[0])
	}
	return nil
}

// Kill drops the remote at once: SIGKILL to the namespace's first process
// makes the kernel kill every process in it (sshd, each session, each
// command and sftp-server), and Kill returns once they are all gone.
// Clients see the connection end mid-stream. Store keeps the files as they
// were at that moment. Kill is idempotent and also runs at the test's end.
func (s *Server) Kill() {
	s.killOnce.Do(func() {
		if s.cmd == nil {
			return
		}
		if s.initPid > 0 {
			_ = syscall.Kill(s.initPid, syscall.SIGKILL)
		}
		// --kill-child: unshare's death kills its child too, when the pid
		// above was not known.
		_ = s.cmd.Process.Kill()
		<-s.done
	})
}

// Command returns an ssh command that runs args on the remote (joined by
// spaces into one remote shell command line, as ssh does).
func (s *Server) Command(args ...string) *exec.Cmd {
	return exec.Command("ssh", append([]string{"-F", s.ConfigFile, s.Dest}, args...)...)
}

// Run runs a shell script on the remote and returns its standard output; the
// test fails if it does not exit 0.
func (s *Server) Run(t testing.TB, script string) string {
	t.Helper()
	cmd := s.Command(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sshtest: remote %q: %v\n%s", script, err, stderr.Bytes())
	}
	return stdout.String()
}

// WriteFile writes data to a remote file with the given mode, creating its
// parent directories (0700).
func (s *Server) WriteFile(t testing.TB, path string, data []byte, mode os.FileMode) {
	t.Helper()
	q := Quote(path)
	cmd := s.Command(fmt.Sprintf("umask 077 && mkdir -p -- \"$(dirname -- %s)\" && cat > %s && chmod %o %s", q, q, mode.Perm(), q))
	cmd.Stdin = bytes.NewReader(data)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sshtest: write remote %s: %v\n%s", path, err, out)
	}
}

// ReadFile returns a remote file's contents.
func (s *Server) ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	return []byte(s.Run(t, "cat -- "+Quote(path)))
}

// CopyIn copies the local directory tree src to dst on the remote (tar over
// ssh), keeping modes, owners and symlinks: the way to seed a remote state
// dir with one made by the usual local fixtures.
func (s *Server) CopyIn(t testing.TB, src, dst string) {
	t.Helper()
	pack := exec.Command("tar", "-C", src, "-cf", "-", ".")
	unpack := s.Command(fmt.Sprintf("mkdir -p -- %s && tar -C %s -xpf -", Quote(dst), Quote(dst)))
	var packErr, unpackErr bytes.Buffer
	pack.Stderr, unpack.Stderr = &packErr, &unpackErr
	pipe, err := pack.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	unpack.Stdin = pipe
	if err := pack.Start(); err != nil {
		t.Fatalf("sshtest: tar: %v", err)
	}
	if err := unpack.Run(); err != nil {
		_ = pack.Wait()
		t.Fatalf("sshtest: copy %s to remote %s: %v\n%s", src, dst, err, unpackErr.Bytes())
	}
	if err := pack.Wait(); err != nil {
		t.Fatalf("sshtest: tar %s: %v\n%s", src, err, packErr.Bytes())
	}
}

// Quote quotes s for a POSIX shell.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func keygen(t testing.TB, path string) {
	t.Helper()
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hardshell-sshtest", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("sshtest: ssh-keygen: %v\n%s", err, out)
	}
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// deadPort returns a loopback port that refuses connections for the rest of
// the test: a socket is bound to it but never listens, so no other test's
// server can take it.
func deadPort(t testing.TB) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("sshtest: socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("sshtest: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("sshtest: getsockname: %v", err)
	}
	return sa.(*syscall.SockaddrInet4).Port
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sshtest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ListenHTTP starts a real HTTP server (Python's http.server, serving an
// empty folder) on the remote at addr:port and returns once the remote's
// socket table shows it listening; it runs until Kill. With WithOwnNetwork
// it is reachable only from inside the remote (through ssh). The test is
// skipped when the remote has no python3.
func (s *Server) ListenHTTP(t testing.TB, addr string, port int) {
	t.Helper()
	if strings.TrimSpace(s.Run(t, `command -v python3 || true`)) == "" {
		t.Skip("sshtest: the remote has no python3 for a listener")
	}
	dir := fmt.Sprintf("%s/http-%d", s.Root, port)
	s.Run(t, fmt.Sprintf("mkdir -p %s && cd %s && { nohup python3 -m http.server --bind %s %d >/dev/null 2>&1 </dev/null & }", Quote(dir), Quote(dir), Quote(addr), port))
	want := fmt.Sprintf(":%04X ", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, line := range strings.Split(s.Run(t, `cat /proc/net/tcp /proc/net/tcp6 2>/dev/null`), "\n") {
			f := strings.Fields(line)
			if len(f) > 3 && strings.HasSuffix(f[1]+" ", want) && f[3] == "0A" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshtest: the remote listener on %s:%d did not start", addr, port)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
