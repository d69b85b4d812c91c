package remote_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/sshtest"
	"github.com/hardshell/hardshell/remote"
)

func dial(t *testing.T, s *sshtest.Server, dest string) (*remote.Session, error) {
	t.Helper()
	r, err := remote.Dial(context.Background(), dest, remote.Options{SSHCommand: s.SSHCommand})
	if err == nil {
		t.Cleanup(func() { _ = r.Close() })
	}
	return r, err
}

func TestSessionFS(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithEnv("OPENCLAW_STATE_DIR", "/elsewhere/state"))
	r, err := dial(t, s, s.Dest)
	require.NoError(t, err)
	require.Equal(t, s.Home, r.Home)
	require.Equal(t, "/elsewhere/state", r.Getenv("OPENCLAW_STATE_DIR"))
	require.Empty(t, r.OpenClaw, "no CLI on the remote PATH")
	require.Equal(t, strings.TrimSpace(s.Run(t, "id -u")), strconv.Itoa(r.UID), "the remote login's uid, from its own id -u")
	require.Equal(t, r.UID, fsys.EUID(r.FS), "the FS writes as the remote login")

	sd := s.Home + "/.openclaw"
	s.WriteFile(t, sd+"/openclaw.json", []byte(`{a: 1}`), 0o644)
	s.Run(t, `cd ~/.openclaw && mkfifo fifo && ln -s openclaw.json link && ln openclaw.json hard`)
	var fsy fsys.FS = r.FS

	data, err := fsy.ReadFile(sd+"/openclaw.json", fsys.ReadOptions{NoFollow: true})
	require.NoError(t, err)
	require.Equal(t, `{a: 1}`, string(data))
	_, err = fsy.ReadFile(sd+"/link", fsys.ReadOptions{NoFollow: true})
	require.ErrorIs(t, err, fsys.ErrSymlink)
	_, err = fsy.ReadFile(sd+"/fifo", fsys.ReadOptions{})
	var nr *fsys.NotRegularError
	require.ErrorAs(t, err, &nr)
	_, err = fsy.ReadFile(sd+"/openclaw.json", fsys.ReadOptions{MaxSize: 3})
	var tl *fsys.TooLargeError
	require.ErrorAs(t, err, &tl)
	_, err = fsy.ReadFile(sd+"/absent", fsys.ReadOptions{})
	require.ErrorIs(t, err, fs.ErrNotExist)

	ents, err := fsy.ReadDir(sd, true)
	require.NoError(t, err)
	kinds := map[string]string{}
	for _, e := range ents {
		require.NotNil(t, e.Info)
		kinds[e.Name] = fsys.KindOf(e.Info.Mode)
	}
	require.Equal(t, map[string]string{"openclaw.json": "a regular file", "hard": "a regular file", "fifo": "a FIFO (named pipe)", "link": "a symbolic link"}, kinds)

	// chmod never through a link, never a hard-linked file
	require.ErrorIs(t, fsy.Chmod(sd+"/link", 0o600, fsys.ChmodOptions{}), fsys.ErrSymlink)
	require.ErrorIs(t, fsy.Chmod(sd+"/hard", 0o600, fsys.ChmodOptions{SingleLink: true}), fsys.ErrHardLinked)
	require.Equal(t, "644\n", s.Run(t, `stat -c %a ~/.openclaw/openclaw.json`))
	s.Run(t, `rm ~/.openclaw/hard`)
	require.NoError(t, fsy.Chmod(sd+"/openclaw.json", 0o600, fsys.ChmodOptions{SingleLink: true}))
	require.NoError(t, fsy.Chmod(sd, 0o700, fsys.ChmodOptions{}))
	require.Equal(t, "600 700\n", s.Run(t, `stat -c %a ~/.openclaw/openclaw.json ~/.openclaw | paste -sd' '`))

	// exclusive create, fsync, atomic replace, folder fsync
	f, err := fsy.CreateExcl(sd + "/.new")
	require.NoError(t, err)
	_, err = f.Write([]byte("new"))
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())
	_, err = fsy.CreateExcl(sd + "/.new")
	require.ErrorIs(t, err, fs.ErrExist)
	_, err = fsy.CreateExcl(sd + "/link")
	require.ErrorIs(t, err, fs.ErrExist, "an exclusive create refuses a symlink")
	require.NoError(t, fsy.Rename(sd+"/.new", sd+"/openclaw.json"))
	require.NoError(t, fsy.SyncDir(sd))
	require.Equal(t, "new", string(s.ReadFile(t, sd+"/openclaw.json")))
	require.Equal(t, "600\n", s.Run(t, `stat -c %a ~/.openclaw/openclaw.json`))
	require.NoError(t, fsy.Mkdir(sd+"/d", 0o700))
	require.ErrorIs(t, fsy.Mkdir(sd+"/d", 0o700), fs.ErrExist)
	require.Equal(t, "700\n", s.Run(t, `stat -c %a ~/.openclaw/d`))

	// The lock is the remote's own flock(2) on the lock file, held by a
	// process there over the session: exclusive, naming its holder.
	lockPath := sd + "/d/lock"
	l, err := fsy.TryLock(lockPath, "hardshell fix, pid 1")
	require.NoError(t, err)
	_, err = fsy.TryLock(lockPath, "hardshell fix, pid 2")
	var le *fsys.LockedError
	require.ErrorAs(t, err, &le)
	require.Contains(t, le.Holder, "hardshell fix, pid 1 from hardshell --host "+s.Dest)
	require.NoError(t, l.Unlock())
	require.Equal(t, "", string(s.ReadFile(t, lockPath)), "the holder note goes with the lock, as a local hardshell's does")
	l, err = fsy.TryLock(lockPath, "again")
	require.NoError(t, err)
	require.NoError(t, l.Unlock())

	// A hardshell run on the remote itself (flock on the same file) and
	// one over --host exclude each other.
	holder := s.Command(fmt.Sprintf("exec 9<>%s && flock -n 9 && printf 'hardshell fix, pid 42, since x\n' >&9 && echo held && exec cat >/dev/null", sshtest.Quote(lockPath)))
	out, err := holder.StdoutPipe()
	require.NoError(t, err)
	hin, err := holder.StdinPipe() // held open: the remote cat, and its flock, stay
	require.NoError(t, err)
	defer hin.Close()
	require.NoError(t, holder.Start())
	buf := make([]byte, 5)
	_, err = io.ReadFull(out, buf)
	require.NoError(t, err)
	_, err = fsy.TryLock(lockPath, "hardshell restore, pid 7")
	require.ErrorAs(t, err, &le, "a live lock is never stolen")
	require.Contains(t, le.Holder, "hardshell fix, pid 42")
	require.NoError(t, holder.Process.Kill()) // its machine crashed
	_ = holder.Wait()
	// sshd ended the session, the kernel released the flock with its
	// process: the note it left is no lock (nothing stale to clear by hand).
	require.Eventually(t, func() bool {
		l, err := fsy.TryLock(lockPath, "hardshell restore, pid 7")
		if err == nil {
			_ = l.Unlock()
		}
		return err == nil
	}, 10*time.Second, 100*time.Millisecond)

	// Without flock(1) on the remote (macOS) the lock is a file created
	// exclusively. A lock file left by a hardshell of this machine that
	// is gone (the connection dropped before it could remove it) is taken
	// over; one of a running process, or of another machine, is not, and
	// the message says how to clear it.
	r.FS.Flock = nil
	require.NoError(t, fsy.Remove(lockPath))
	l, err = fsy.TryLock(lockPath, "hardshell fix, pid 1")
	require.NoError(t, err)
	_, err = fsy.TryLock(lockPath, "hardshell fix, pid 2")
	require.ErrorAs(t, err, &le)
	require.NoError(t, l.Unlock())
	host, err := os.Hostname()
	require.NoError(t, err)
	dead := exec.Command("true")
	require.NoError(t, dead.Run())
	for _, tc := range []struct {
		note string
		free bool
	}{
		{fmt.Sprintf("hardshell fix, pid %d, since x from hardshell --host h on %s\n", dead.Process.Pid, host), true},
		{fmt.Sprintf("hardshell fix, pid %d, since x from hardshell --host h on %s\n", os.Getpid(), host), false},
		{fmt.Sprintf("hardshell fix, pid %d, since x from hardshell --host h on other-laptop\n", dead.Process.Pid), false},
		{"", false},
	} {
		s.WriteFile(t, lockPath, []byte(tc.note), 0o600)
		l, err := fsy.TryLock(lockPath, "hardshell restore, pid 7")
		if tc.free {
			require.NoError(t, err, tc.note)
			require.Contains(t, string(s.ReadFile(t, lockPath)), "hardshell restore, pid 7 from hardshell --host "+s.Dest+" on "+host)
			require.NoError(t, l.Unlock())
		} else {
			require.ErrorAs(t, err, &le, tc.note)
			require.Contains(t, le.Holder, "if that hardshell is no longer running, clear it with: ssh '"+s.Dest+"' rm -- '"+lockPath+"'")
			require.Contains(t, le.Holder, "(lock file since ")
		}
	}
}

func TestDialFaults(t *testing.T) {
	s := sshtest.Start(t)
	for _, tc := range []struct{ dest, want string }{
		{s.BadKeyDest, "host key does not match"},
		{s.UnknownKeyDest, "Host key verification failed"},
		{s.DownDest, "Connection refused"},
	} {
		_, err := dial(t, s, tc.dest)
		var ce *remote.ConnectError
		require.True(t, errors.As(err, &ce), "%s: %v", tc.dest, err)
		require.Contains(t, err.Error(), tc.want)
		require.Contains(t, err.Error(), "nothing was read or written")
	}
	_, err := dial(t, s, "-oProxyCommand=x")
	require.ErrorContains(t, err, "not an SSH destination")
}

// DialContext reaches the remote's own loopback through the session (its
// ControlMaster): the same port number on this machine, served by another
// server, is never what answers; a closed remote port is ECONNREFUSED.
func TestDialContextReachesRemoteLoopback(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithOwnNetwork())
	local, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer local.Close()
	port := local.Addr().(*net.TCPAddr).Port
	go func() {
		for {
			c, err := local.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.0 418 local\r\n\r\n"))
			c.Close()
		}
	}()
	s.ListenHTTP(t, "127.0.0.1", port)

	r, err := dial(t, s, s.Dest)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DialContext: r.DialContext, DisableKeepAlives: true}}
	for i := 0; i < 3; i++ { // each request its own forward over the one connection
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, "the remote's server answered, not this machine's")
		require.Contains(t, resp.Header.Get("Server"), "SimpleHTTP")
	}

	_, err = r.DialContext(ctx, "tcp", "127.0.0.1:1")
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	require.Contains(t, err.Error(), "127.0.0.1:1 on "+s.Dest)
	_, err = r.DialContext(ctx, "udp", "127.0.0.1:53")
	require.Error(t, err)
}
