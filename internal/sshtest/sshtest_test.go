package sshtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/sshtest"
)

// sftpClient speaks SFTP over the operator's ssh, exactly as the remote mode
// does: `ssh -F FILE DEST -s sftp` with pkg/sftp on its stdin/stdout.
func sftpClient(t *testing.T, s *sshtest.Server) (*sftp.Client, *exec.Cmd) {
	t.Helper()
	fields := strings.Fields(s.SSHCommand)
	cmd := exec.Command(fields[0], append(fields[1:], s.Dest, "-s", "sftp")...)
	w, err := cmd.StdinPipe()
	require.NoError(t, err)
	r, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	c, err := sftp.NewClientPipe(r, w)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait() // stderr is complete only now
		t.Fatalf("sftp over %s %s -s sftp: %v\n%s", s.SSHCommand, s.Dest, err, stderr.Bytes())
	}
	t.Cleanup(func() { _ = c.Close(); _ = cmd.Wait() })
	return c, cmd
}

func TestRunsRemoteCommands(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t)
	require.Equal(t, s.Home+"\n", s.Run(t, `echo "$HOME"`))
	require.Equal(t, filepath.Join(s.Root, "bin")+"\n", s.Run(t, `echo "${PATH%%:*}"`))

	// The remote sees only its own processes: the namespace's pid 1 is sshd.
	require.Equal(t, "sshd\n", s.Run(t, `cat /proc/1/comm`))

	// Files come and go with the modes asked for; CopyIn keeps modes.
	s.WriteFile(t, s.Home+"/.openclaw/openclaw.json", []byte(`{ gateway: { mode: "local" } }`), 0o600)
	require.Equal(t, `{ gateway: { mode: "local" } }`, string(s.ReadFile(t, s.Home+"/.openclaw/openclaw.json")))
	require.Equal(t, "600 700\n", s.Run(t, `stat -c %a "$HOME/.openclaw/openclaw.json" "$HOME/.openclaw" | paste -sd' '`))

	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "creds"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "creds", "token"), []byte("t0k"), 0o644))
	require.NoError(t, os.Symlink("creds/token", filepath.Join(src, "link")))
	s.CopyIn(t, src, s.Home+"/seed")
	require.Equal(t, "755 644 t0k creds/token\n",
		s.Run(t, `cd "$HOME/seed" && echo $(stat -c %a creds creds/token) $(cat creds/token) $(readlink link)`))
}

// A path on the remote is not a path on the host: a local read of Root,
// Home or anything in them fails, while the files exist remotely (and in
// Store, the host-side backing the test may inspect).
func TestNamespaceHidesRemoteFiles(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t)
	s.WriteFile(t, s.Home+"/.openclaw/openclaw.json", []byte("{}"), 0o600)
	require.Equal(t, "{}", string(s.ReadFile(t, s.Home+"/.openclaw/openclaw.json")))

	for _, p := range []string{s.Root, s.Home, s.Home + "/.openclaw/openclaw.json"} {
		_, err := os.Lstat(p)
		require.ErrorIs(t, err, fs.ErrNotExist, "%s must not exist on the host", p)
	}
	data, err := os.ReadFile(filepath.Join(s.Store, "home", ".openclaw", "openclaw.json"))
	require.NoError(t, err)
	require.Equal(t, "{}", string(data))

	// And the other way round: a file the host puts at the remote path is
	// not what the remote sees there.
	require.NoError(t, os.MkdirAll(s.Root, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(s.Root, "host-only"), nil, 0o600))
	require.Equal(t, "absent\n", s.Run(t, `test -e `+sshtest.Quote(filepath.Join(s.Root, "host-only"))+` && echo present || echo absent`))
}

// The SFTP subsystem answers pkg/sftp through `ssh -F … DEST -s sftp`, starts
// in Home, and has the extensions a safe remote write needs.
func TestSFTPSubsystem(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t)
	c, _ := sftpClient(t, s)

	wd, err := c.Getwd()
	require.NoError(t, err)
	require.Equal(t, s.Home, wd)

	for _, ext := range []string{"posix-rename@openssh.com", "fsync@openssh.com", "statvfs@openssh.com", "hardlink@openssh.com"} {
		_, ok := c.HasExtension(ext)
		require.True(t, ok, "sftp-server lacks %s", ext)
	}

	// temp file + fsync + atomic rename over the old file, mode kept.
	dir := s.Home + "/.openclaw"
	require.NoError(t, c.MkdirAll(dir))
	require.NoError(t, c.Chmod(dir, 0o700))
	old, err := c.OpenFile(dir+"/openclaw.json", os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	require.NoError(t, err)
	_, err = old.Write([]byte("old"))
	require.NoError(t, err)
	require.NoError(t, old.Close())
	require.NoError(t, c.Chmod(dir+"/openclaw.json", 0o600))

	tmp, err := c.OpenFile(dir+"/.openclaw.json.tmp", os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	require.NoError(t, err)
	_, err = tmp.Write([]byte("new"))
	require.NoError(t, err)
	require.NoError(t, tmp.Chmod(0o600))
	require.NoError(t, tmp.Sync()) // fsync@openssh.com
	require.NoError(t, tmp.Close())
	require.NoError(t, c.PosixRename(dir+"/.openclaw.json.tmp", dir+"/openclaw.json"))

	// One directory listing carries every entry's attributes.
	entries, err := c.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "openclaw.json", entries[0].Name())
	require.Equal(t, os.FileMode(0o600), entries[0].Mode().Perm())
	require.EqualValues(t, 3, entries[0].Size())

	f, err := c.Open(dir + "/openclaw.json")
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Equal(t, "new", string(got))
	require.Equal(t, "new", s.Run(t, `cat "$HOME/.openclaw/openclaw.json"`))

	// Symlinks are reported as such (Lstat), not followed.
	require.NoError(t, c.Symlink("/etc/passwd", dir+"/link"))
	fi, err := c.Lstat(dir + "/link")
	require.NoError(t, err)
	require.Equal(t, os.ModeSymlink, fi.Mode().Type())
}

// Kill drops the remote mid-stream: the client's session ends with an
// error, the remote's files stay as they were, and the port refuses.
func TestKillDropsEverything(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t)
	c, sshCmd := sftpClient(t, s)
	f, err := c.OpenFile(s.Home+"/partial", os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	require.NoError(t, err)
	_, err = f.Write([]byte("first half"))
	require.NoError(t, err)

	long := s.Command("echo started && exec sleep 300")
	out, err := long.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, long.Start())
	line := make([]byte, len("started\n"))
	_, err = io.ReadFull(out, line)
	require.NoError(t, err)
	require.Equal(t, "started\n", string(line))

	s.Kill()

	_, err = f.Write([]byte("second half"))
	require.Error(t, err)
	waited := make(chan error, 1)
	go func() { waited <- long.Wait() }()
	select {
	case err := <-waited:
		require.Error(t, err, "the remote command cannot succeed once the remote is gone")
	case <-time.After(10 * time.Second):
		t.Fatal("ssh client still running 10s after the remote was killed")
	}
	_ = sshCmd.Wait()

	data, err := os.ReadFile(filepath.Join(s.Store, "home", "partial"))
	require.NoError(t, err)
	require.Equal(t, "first half", string(data))

	refused, err := s.Command("true").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(refused), "Connection refused")
}

// The fault destinations fail with the messages an operator would see.
func TestFaultDestinations(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t)
	for _, tc := range []struct{ dest, want string }{
		{s.BadKeyDest, "REMOTE HOST IDENTIFICATION HAS CHANGED"},
		{s.UnknownKeyDest, "Host key verification failed"},
		{s.DownDest, "Connection refused"},
	} {
		t.Run(tc.dest, func(t *testing.T) {
			fields := strings.Fields(s.SSHCommand)
			out, err := exec.Command(fields[0], append(fields[1:], tc.dest, "true")...).CombinedOutput()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "ssh to %s: %v", tc.dest, err)
			require.Equal(t, 255, exit.ExitCode())
			require.Contains(t, string(out), tc.want)
		})
	}
	// a host-key failure never reaches authentication
	log, err := os.ReadFile(s.LogFile)
	require.NoError(t, err)
	require.NotContains(t, string(log), "Accepted publickey")
}

func TestWithEnv(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t, sshtest.WithEnv("OPENCLAW_STATE_DIR", "/srv/state"))
	require.Equal(t, "/srv/state\n", s.Run(t, `echo "$OPENCLAW_STATE_DIR"`))
}

// What the remote mode must not rely on: SFTP's SETSTAT (pkg/sftp's
// Client.Chmod) follows a symlink and changes its target, like chmod(2);
// only OpenSSH's lsetstat@openssh.com extension (which pkg/sftp v1.13 does
// not send) or a handle's FSETSTAT act on the entry itself. And an
// exclusive create refuses an existing symlink, so a temp file cannot be
// redirected.
func TestSFTPSetstatFollowsSymlinks(t *testing.T) {
	t.Parallel()
	s := sshtest.Start(t)
	c, _ := sftpClient(t, s)
	s.WriteFile(t, s.Home+"/target", []byte("x"), 0o644)
	require.NoError(t, c.Symlink(s.Home+"/target", s.Home+"/link"))
	_, ok := c.HasExtension("lsetstat@openssh.com")
	require.True(t, ok, "sftp-server lacks lsetstat@openssh.com")

	require.NoError(t, c.Chmod(s.Home+"/link", 0o600))
	require.Equal(t, "600\n", s.Run(t, `stat -c %a "$HOME/target"`), "SETSTAT followed the link")

	_, err := c.OpenFile(s.Home+"/link", os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	require.Error(t, err)
	require.Equal(t, "x", string(s.ReadFile(t, s.Home+"/target")))
}

// WithOwnNetwork: the remote's loopback and socket table are its own; a
// listener of the host is invisible there and the remote's is reachable
// only through ssh.
func TestOwnNetwork(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithOwnNetwork())
	require.True(t, s.OwnNetwork)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	hex := fmt.Sprintf(":%04X ", port)
	require.NotContains(t, s.Run(t, `cat /proc/net/tcp`), hex, "the host's listener is not in the remote's table")

	s.ListenHTTP(t, "127.0.0.1", port) // the same port number, on the remote's own loopback
	require.Contains(t, s.Run(t, `cat /proc/net/tcp`), hex)
	c := s.Command("-W", fmt.Sprintf("127.0.0.1:%d", port))
	c.Stdin = strings.NewReader("GET / HTTP/1.0\r\n\r\n")
	out, err := c.Output()
	require.NoError(t, err)
	require.Contains(t, string(out), "SimpleHTTP", "the remote's own server answered through ssh")

	s.Kill()
	require.Error(t, s.Command("true").Run(), "Kill drops the remote")
}
