package remote

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DialContext connects to addr (host:port as the remote resolves it: a
// "127.0.0.1:PORT" is the remote's own loopback) through the session's
// control connection: `ssh -W addr` as a client of the ControlMaster, its
// stdin and stdout wrapped as the net.Conn. No port is opened on this
// machine, so nothing local that happens to listen on the same port can
// answer instead of the remote.
//
// The mux client says "master session id" (at -v) once the master's
// channel to addr is open, and "Stdio forwarding request failed: Session
// open refused by peer" when the remote could not connect: DialContext
// returns after one or the other, so a refused port is an error wrapping
// syscall.ECONNREFUSED here too, like a local dial's.
func (s *Session) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("dial %s %s through ssh: only tcp", network, addr)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, err
	}
	d, _ := sshDest(s.Dest)
	// our ends: we write to inW (its stdin) and read from outR (its stdout);
	// os.Pipe files are pollable, so deadlines work on them
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, err
	}
	c := s.command(context.Background(), "-v", "-o", "ControlMaster=no", "-o", "ControlPath="+s.controlPath(),
		"-x", "-a", "-W", addr, d)
	c.Stdin, c.Stdout, c.Stderr = inR, outW, errW
	if err := c.Start(); err != nil {
		for _, f := range []*os.File{inR, inW, outR, outW, errR, errW} {
			f.Close()
		}
		return nil, dialErr(addr, s.Dest, err)
	}
	// the child holds its ends now
	inR.Close()
	outW.Close()
	errW.Close()

	pc := &pipeConn{r: outR, w: inW, cmd: c, dest: s.Dest, addr: addr, exited: make(chan struct{})}
	open := make(chan struct{})
	stderr := &tailBuffer{max: 4 << 10}
	go func() {
		sc := bufio.NewScanner(errR)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			if !signalled && strings.Contains(line, "master session id") {
				signalled = true
				close(open)
				continue
			}
			if !strings.HasPrefix(line, "debug") && !strings.HasPrefix(line, "OpenSSH_") {
				_, _ = stderr.Write([]byte(line + "\n"))
			}
		}
		_, _ = io.Copy(io.Discard, errR)
		errR.Close()
		pc.waitErr = c.Wait()
		close(pc.exited)
	}()
	select {
	case <-open:
		return pc, nil
	case <-pc.exited:
		pc.Close()
		what := strings.Join(lastMeaningful(stderr.lines(), 2), " ")
		var cause error = errors.New(what)
		if strings.Contains(what, "refused") {
			cause = &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}
		} else if what == "" {
			cause = fmt.Errorf("ssh -W ended: %v", pc.waitErr)
		}
		return nil, dialErr(addr, s.Dest, cause)
	case <-ctx.Done():
		pc.Close()
		return nil, dialErr(addr, s.Dest, ctx.Err())
	}
}

func dialErr(addr, dest string, err error) error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: sshAddr{addr, dest}, Err: err}
}

// sshAddr is an address as seen from the remote end of an ssh connection.
type sshAddr struct{ addr, dest string }

func (a sshAddr) Network() string { return "tcp" }
func (a sshAddr) String() string  { return a.addr + " on " + a.dest }

// pipeConn is a net.Conn over the stdin and stdout of an `ssh -W` process.
type pipeConn struct {
	r, w      *os.File
	cmd       *exec.Cmd
	dest      string
	addr      string
	exited    chan struct{}
	waitErr   error
	closeOnce sync.Once
}

func (p *pipeConn) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeConn) Write(b []byte) (int, error) { return p.w.Write(b) }

// Close ends the forward: stdin's EOF makes ssh close the channel; a mux
// client that lingers is ended after a moment.
func (p *pipeConn) Close() error {
	p.closeOnce.Do(func() {
		p.w.Close()
		p.r.Close()
		go func() {
			select {
			case <-p.exited:
			case <-time.After(2 * time.Second):
				_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
			}
		}()
	})
	return nil
}

func (p *pipeConn) LocalAddr() net.Addr  { return sshAddr{"ssh", p.dest} }
func (p *pipeConn) RemoteAddr() net.Addr { return sshAddr{p.addr, p.dest} }
func (p *pipeConn) SetDeadline(t time.Time) error {
	if err := p.r.SetReadDeadline(t); err != nil {
		return err
	}
	return p.w.SetWriteDeadline(t)
}
func (p *pipeConn) SetReadDeadline(t time.Time) error  { return p.r.SetReadDeadline(t) }
func (p *pipeConn) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }
