package testutil

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// GatewayWait is how long a real gateway may take to listen: 20–90 s on a
// 2-core machine, more under load.
const GatewayWait = 240 * time.Second

// GatewayScript is the shared script that starts the real gateway on
// loopback ($HARDSHELL_SHARED/tools/openclaw-gateway.sh, default
// ../shared next to the repository), or skips the test naming it.
func GatewayScript(t testing.TB) string {
	t.Helper()
	shared := os.Getenv("HARDSHELL_SHARED")
	if shared == "" {
		shared = filepath.Join(RepoRoot(), "..", "shared")
	}
	p := filepath.Join(shared, "tools", "openclaw-gateway.sh")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the shared gateway script is absent: %s (set HARDSHELL_SHARED to the shared checkout)", p)
	}
	return p
}

// FreePort returns a loopback TCP port that nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Gateway is a real OpenClaw gateway process group started by a test.
type Gateway struct {
	PID  int
	Port int
	Log  string
}

// StartGateway starts peer p's gateway for state on port with the shared
// script (`openclaw gateway run --bind loopback`, offline) and waits until it
// listens. The process group is stopped when the test ends.
func StartGateway(t testing.TB, p OpenClawPeer, state string, port int) Gateway {
	t.Helper()
	script := GatewayScript(t)
	cmd := exec.Command("bash", script, state, strconv.Itoa(port), strconv.Itoa(int(GatewayWait/time.Second)))
	cmd.Env = append(os.Environ(), "PEER="+p.Dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	log := filepath.Join(state, ".gateway-run.log")
	if err != nil {
		t.Fatalf("%s %s %d: %v\n%s\n%s", script, state, port, err, errb.String(), tail(log))
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("the gateway script printed %q, not a pid", out.String())
	}
	g := Gateway{PID: pid, Port: port, Log: log}
	t.Cleanup(g.Stop)
	return g
}

// LaunchGateway starts the gateway as the shared script does but with
// `--bind bind` on the command line (what an operator does by hand while the
// config says loopback) and returns at once; Wait waits until it listens.
// Launch one, start another with StartGateway, then Wait: they start side
// by side. The process group is stopped when the test ends.
func LaunchGateway(t testing.TB, p OpenClawPeer, state string, port int, bind string) *Launch {
	t.Helper()
	GatewayScript(t) // the same precondition as StartGateway
	log := filepath.Join(state, ".gateway-run.log")
	lf, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	cmd := exec.Command(p.Node, p.CLI, "gateway", "run", "--port", strconv.Itoa(port), "--bind", bind)
	cmd.Env = append(os.Environ(), "OPENCLAW_STATE_DIR="+state, "OPENCLAW_DISABLE_BONJOUR=1",
		"PATH="+filepath.Dir(p.Node)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s gateway run: %v", p.CLI, err)
	}
	l := &Launch{Gateway: Gateway{PID: cmd.Process.Pid, Port: port, Log: log}, exited: make(chan error, 1), start: time.Now()}
	go func() { l.exited <- cmd.Wait() }()
	t.Cleanup(l.Stop)
	return l
}

// Launch is a gateway process that may not listen yet.
type Launch struct {
	Gateway
	exited chan error
	start  time.Time
}

// Wait waits until 127.0.0.1:port answers (GatewayWait from the launch).
func (l *Launch) Wait(t testing.TB) Gateway {
	t.Helper()
	deadline := l.start.Add(GatewayWait)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(l.Port)), time.Second); err == nil {
			c.Close()
			return l.Gateway
		}
		select {
		case err := <-l.exited:
			t.Fatalf("the gateway exited (%v) before listening:\n%s", err, tail(l.Log))
		case <-time.After(time.Second):
		}
	}
	t.Fatalf("the gateway did not listen on 127.0.0.1:%d within %s:\n%s", l.Port, GatewayWait, tail(l.Log))
	return l.Gateway
}

// Stop ends the gateway's process group (TERM, then KILL after 10 s).
func (g Gateway) Stop() {
	if g.PID <= 0 {
		return
	}
	_ = syscall.Kill(-g.PID, syscall.SIGTERM)
	for i := 0; i < 100; i++ {
		if syscall.Kill(g.PID, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-g.PID, syscall.SIGKILL)
}

// tail is the end of a log file for a failure message.
func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
