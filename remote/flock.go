package remote

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/fsys/sftpfs"
)

// flockScript holds flock(1) on the lock file for as long as its stdin
// stays open: the same lock a hardshell run on the remote itself takes
// (flock(2) on <state>/.hardshell/lock), so the two exclude each other, and
// a dropped connection or a crashed laptop releases it (sshd ends the
// session, the descriptor closes) — no stale lock is left behind. Exit 127:
// the remote has no flock(1) (macOS); 75: another process holds it (its
// note follows "busy"); 64: the path is a symlink.
const flockScript = `p=%s
umask 077
[ -L "$p" ] && exit 64
command -v flock >/dev/null 2>&1 || exit 127
exec 9<>"$p" || exit 66
if ! flock -n 9; then echo busy; head -c 512 "$p"; exit 75; fi
printf '%%s\n' %s >&9
echo locked
cat >/dev/null
: >"$p"
`

// flockHeld is a held remote flock: its ssh process, ended by closing its
// stdin.
type flockHeld struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	once  sync.Once
	done  chan struct{}
}

// Unlock closes the holder's stdin (it empties the note and exits, which
// releases the flock) and waits for it a moment.
func (h *flockHeld) Unlock() error {
	h.once.Do(func() {
		_ = h.stdin.Close()
		select {
		case <-h.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-h.cmd.Process.Pid, syscall.SIGTERM)
			<-h.done
		}
	})
	return nil
}

// flock takes the remote flock on path with holder as its note, over the
// control connection. It returns sftpfs.ErrNoFlock when the remote has no
// flock(1), and a *fsys.LockedError when another process holds the lock.
func (s *Session) flock(path, holder string) (fsys.Lock, error) {
	d, _ := sshDest(s.Dest)
	script := fmt.Sprintf(flockScript, Quote(path), Quote(holder))
	c := s.command(context.Background(), "-o", "ControlMaster=no", "-o", "ControlPath="+s.controlPath(),
		"-x", "-a", "-T", d, "exec /bin/sh -c "+Quote(script))
	stdin, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errb := &tailBuffer{max: 4 << 10}
	c.Stderr = errb
	if err := c.Start(); err != nil {
		return nil, err
	}
	h := &flockHeld{cmd: c, stdin: stdin, done: make(chan struct{})}
	r := bufio.NewReader(stdout)
	first, _ := r.ReadString('\n')
	if strings.TrimSpace(first) == "locked" {
		go func() { _, _ = io.Copy(io.Discard, r); _ = c.Wait(); close(h.done) }()
		return h, nil
	}
	rest, _ := io.ReadAll(io.LimitReader(r, 4096))
	_ = stdin.Close()
	werr := c.Wait()
	var ee *exec.ExitError
	code := -1
	if errors.As(werr, &ee) {
		code = ee.ExitCode()
	}
	switch {
	case strings.TrimSpace(first) == "busy":
		return nil, &fsys.LockedError{Path: path, Holder: strings.TrimSpace(string(rest))}
	case code == 127:
		return nil, sftpfs.ErrNoFlock
	case code == 64:
		return nil, &fs.PathError{Op: "open lock", Path: path, Err: fsys.ErrSymlink}
	}
	what := strings.Join(lastMeaningful(errb.lines(), 2), " ")
	if what == "" && werr != nil {
		what = werr.Error()
	}
	return nil, fmt.Errorf("cannot take the lock %s on %s: %s", path, s.Dest, what)
}
