package tui

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestRotateFlowWritesAndReports(t *testing.T) {
	const old = "0123456789abcdef0123456789abcdef0123456789abcdef"
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	cfg := filepath.Join(state, "openclaw.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{gateway: {auth: {mode: "token", token: "`+old+`"}}}`), 0o600))
	unit := filepath.Join(home, ".config", "systemd", "user", "openclaw-gateway.service")
	require.NoError(t, os.MkdirAll(filepath.Dir(unit), 0o700))
	require.NoError(t, os.WriteFile(unit, []byte("[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN="+old+"\n"), 0o644))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close()) // nothing listens: the flow must say so

	env := map[string]string{"OPENCLAW_GATEWAY_PORT": strconv.Itoa(port)}
	o := Options{StateDir: state, ToolVersion: "test", Load: func() (*model.Snapshot, error) {
		return model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state, HomeDir: home,
			Getenv: func(k string) string { return env[k] }}, OpenClawVersion: func() string { return "" }})
	}}
	var m tea.Model = RotateFlow{Home: home}.Start(o)
	require.Contains(t, m.View(), "Which secret?")

	step := func(k tea.KeyMsg) { m = settle(m, k) }
	step(tea.KeyMsg{Type: tea.KeyEnter})
	v := m.View()
	require.Contains(t, v, "openclaw-gateway.service, line 2: Environment=OPENCLAW_GATEWAY_TOKEN=0123…(48", "the unit is a manual step, masked")
	require.NotContains(t, v, old)
	data, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.Contains(t, string(data), old, "nothing is written before y")

	step(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	v = m.View()
	require.Contains(t, v, "New gateway token written to")
	require.Contains(t, v, "Gateway not reachable on 127.0.0.1:"+strconv.Itoa(port))
	data, err = os.ReadFile(cfg)
	require.NoError(t, err)
	require.NotContains(t, string(data), old)
	u, err := os.ReadFile(unit)
	require.NoError(t, err)
	require.Equal(t, "[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN="+old+"\n", string(u), "nothing outside the state dir is changed")
	require.True(t, strings.HasPrefix(m.(Summarizer).Summary(), "Rotated the gateway token"))
	dotenv, err := os.ReadFile(filepath.Join(state, ".env"))
	require.NoError(t, err)
	newTok := model.ParseDotenv(dotenv)["OPENCLAW_GATEWAY_TOKEN"]
	require.Regexp(t, `^[0-9a-f]{48}$`, newTok)
	require.NotContains(t, v+m.(Summarizer).Summary(), newTok, "the new secret is never shown in full")
}

// On a remote gateway (Options.Remote) the rotation flow scans the
// remote's home for service files, checks the new secret on the remote's
// loopback through Remote.Dial (never a dial of this machine) and says
// where to restart.
func TestRotateFlowOnRemote(t *testing.T) {
	const old = "0123456789abcdef0123456789abcdef0123456789abcdef"
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(`{gateway: {port: 18999, auth: {mode: "token", token: "`+old+`"}}}`), 0o600))
	unit := filepath.Join(home, ".config", "systemd", "user", "openclaw-gateway.service")
	require.NoError(t, os.MkdirAll(filepath.Dir(unit), 0o700))
	require.NoError(t, os.WriteFile(unit, []byte("[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN="+old+"\n"), 0o644))

	var dialed []string
	remote := &Remote{Dest: "gw.example", Home: home,
		Getenv: func(string) (string, bool) { return "", false },
		Dial: func(_ context.Context, network, addr string) (net.Conn, error) {
			dialed = append(dialed, addr)
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}}
	o := Options{StateDir: state, ToolVersion: "test", Remote: remote, Load: func() (*model.Snapshot, error) {
		return model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state, HomeDir: home,
			Getenv: func(string) string { return "" }}, OpenClawVersion: func() string { return "" }})
	}}
	var m tea.Model = RotateFlow{}.Start(o)
	step := func(k tea.KeyMsg) { m = settle(m, k) }
	step(tea.KeyMsg{Type: tea.KeyEnter})
	require.Contains(t, m.View(), "openclaw-gateway.service, line 2", "the remote home's unit is found")
	step(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	v := m.View()
	require.Contains(t, v, "Restart the gateway (on gw.example)")
	require.NotEmpty(t, dialed, "the live check went through the remote's dialer")
	for _, a := range dialed {
		require.Equal(t, "127.0.0.1:18999", a)
	}
	require.Contains(t, v, "Gateway not reachable on 127.0.0.1:18999")
}
