package main

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/sshtest"
)

// serveLocal answers every connection on l with an HTTP 418 that names
// this machine: if a remote probe ever reaches it, the status shows.
func serveLocal(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		_, _ = c.Write([]byte("HTTP/1.0 418 this-machine-not-the-remote\r\nContent-Length: 0\r\n\r\n"))
		c.Close()
	}
}

// remoteReport runs `audit --json --host` and returns the report.
func remoteReport(t *testing.T, s *sshtest.Server, args ...string) map[string]any {
	t.Helper()
	out, stderr, _ := runRemoteCmd(t, s, append([]string{"audit", "--json", "--fail-on", "none", "--host", s.Dest}, args...)...)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "stdout:\n%s\nstderr:\n%s", out, stderr)
	return rep
}

func reportFinding(rep map[string]any, id string) map[string]any {
	for _, f := range rep["findings"].([]any) {
		if m := f.(map[string]any); m["checkId"] == id {
			return m
		}
	}
	return nil
}

// --deep and live exposure over --host read the remote, never this
// machine: the remote has its own network namespace, and this machine
// listens on 0.0.0.0 at the very port the remote config names.
func TestRemoteDeepAndLiveExposure(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithOwnNetwork())
	// this machine: a wide listener on the remote gateway's port
	local, err := net.Listen("tcp4", "0.0.0.0:0")
	require.NoError(t, err)
	defer local.Close()
	go serveLocal(local)
	loopPort := local.Addr().(*net.TCPAddr).Port
	// a second port for the remote's wide listener
	l2, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	widePort := l2.Addr().(*net.TCPAddr).Port
	l2.Close()

	config := func(port int) []byte {
		return []byte(`{gateway: {mode: "local", bind: "loopback", port: ` + strconv.Itoa(port) + `, auth: {mode: "token", token: "remote-gw-token-4b1d9e7c2a5f8e3d6c0b"}}}`)
	}
	s.WriteFile(t, s.Home+"/.openclaw/openclaw.json", config(loopPort), 0o600)
	s.Run(t, `chmod 700 ~/.openclaw`)
	s.WriteFile(t, s.Home+"/wide/openclaw.json", config(widePort), 0o600)
	s.Run(t, `chmod 700 ~/wide`)
	s.ListenHTTP(t, "127.0.0.1", loopPort)
	s.ListenHTTP(t, "0.0.0.0", widePort)

	t.Run("a remote 127.0.0.1 listener is not exposure, and this machine's 0.0.0.0 one does not leak in", func(t *testing.T) {
		rep := remoteReport(t, s, "--deep", "--deep-timeout", "20s")
		require.Nil(t, reportFinding(rep, "gateway.listener_exposed"), "findings: %v", rep["findings"])
		g := rep["deep"].(map[string]any)["gateway"].(map[string]any)
		require.Equal(t, "ws://127.0.0.1:"+strconv.Itoa(loopPort), g["url"])
		var get map[string]any
		for _, e := range g["endpoints"].([]any) {
			m := e.(map[string]any)
			require.NotEqual(t, float64(418), m["status"], "the probe reached this machine: %v", m)
			if m["kind"] == "http" && m["method"] == "GET" {
				get = m
			}
		}
		require.NotNil(t, get, "endpoints: %v", g["endpoints"])
		require.Equal(t, float64(200), get["status"], "the remote's own server answered through the ssh forward: %v", get)
		// the remote's server is not a gateway: its POST answers 501
		for _, e := range g["endpoints"].([]any) {
			if m := e.(map[string]any); m["method"] == "POST" {
				require.Equal(t, float64(501), m["status"], "Python's http.server has no POST: %v", m)
			}
		}
	})

	t.Run("a remote 0.0.0.0 listener on the gateway port is flagged", func(t *testing.T) {
		rep := remoteReport(t, s, "--state-dir", s.Home+"/wide")
		f := reportFinding(rep, "gateway.listener_exposed")
		require.NotNil(t, f, "findings: %v", rep["findings"])
		require.Contains(t, f["detail"], fmt.Sprintf("0.0.0.0:%d listening on all interfaces", widePort))
		require.Contains(t, f["detail"], "python3", "the owner is found in the remote's /proc")
	})

	t.Run("nothing listening on the remote: the probe says so, even though this machine listens there", func(t *testing.T) {
		local2, err := net.Listen("tcp4", "127.0.0.1:0")
		require.NoError(t, err)
		defer local2.Close()
		go serveLocal(local2)
		port := local2.Addr().(*net.TCPAddr).Port
		s.WriteFile(t, s.Home+"/idle/openclaw.json", config(port), 0o600)
		rep := remoteReport(t, s, "--deep", "--deep-timeout", "20s", "--state-dir", s.Home+"/idle")
		f := reportFinding(rep, "gateway.probe_failed")
		require.NotNil(t, f, "findings: %v", rep["findings"])
		require.Contains(t, f["detail"], "nothing listening on 127.0.0.1:"+strconv.Itoa(port))
		require.False(t, strings.Contains(fmt.Sprint(rep["deep"]), "418"))
	})
}
