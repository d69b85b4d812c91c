package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/stretchr/testify/require"
)

// The real OpenClaw 2026.9.6 gateway, started offline: one on loopback with
// the shared script (the config says loopback and so does the socket), one
// started by hand with `--bind lan` while its config says loopback. Both
// start side by side (each takes 20–90 s to listen). Against them:
// audit's live exposure, the --deep probe, and rotate --verify after a real
// rotation.
func TestRealGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the real gateway takes a minute or two to start")
	}
	peer := testutil.Peer(t, "2026.9.6")
	testutil.GatewayScript(t)
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp: the live exposure check reads Linux's socket table")
	}

	const oldTok = "0ld-real-gateway-token-5c1f7a2b9e8d4c3f6a0b1e2d"
	loopPort, lanPort := testutil.FreePort(t), testutil.FreePort(t)
	require.NotEqual(t, loopPort, lanPort)
	loop := rotateHome(t, `{gateway: {mode: "local", bind: "loopback", port: `+strconv.Itoa(loopPort)+`, auth: {mode: "token", token: "`+oldTok+`"}}}`)
	lan := rotateHome(t, `{gateway: {mode: "local", bind: "loopback", port: `+strconv.Itoa(lanPort)+`, auth: {mode: "token", token: "`+oldTok+`"}}}`)

	// A rotation before the start: the gateway then reads the new token,
	// and the backup set holds the old one for --verify.
	out, errOut, code := runRotateBin(t, loop, loopPort, "", "rotate", "gateway", "--yes")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	require.Contains(t, out, "gateway not reachable on 127.0.0.1:"+strconv.Itoa(loopPort))

	lanStart := testutil.LaunchGateway(t, peer, lan.state, lanPort, "lan")
	testutil.StartGateway(t, peer, loop.state, loopPort)
	lanStart.Wait(t)

	audit := func(h rotHome, port int, args ...string) map[string]any {
		t.Helper()
		out, errOut, _ := runRotateBin(t, h, port, "", append([]string{"audit", "--json", "--fail-on", "none", "--deep-timeout", "30s"}, args...)...)
		var rep map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &rep), "stdout:\n%s\nstderr:\n%s", out, errOut)
		return rep
	}
	finding := func(rep map[string]any, id string) map[string]any {
		for _, f := range rep["findings"].([]any) {
			if m := f.(map[string]any); m["checkId"] == id {
				return m
			}
		}
		return nil
	}

	t.Run("a gateway started with --bind lan while the config says loopback is flagged", func(t *testing.T) {
		rep := audit(lan, lanPort)
		f := finding(rep, "gateway.listener_exposed")
		require.NotNil(t, f, "findings: %v", rep["findings"])
		require.Equal(t, "warn", f["severity"], "token auth is configured")
		d := f["detail"].(string)
		require.Contains(t, d, "0.0.0.0:"+strconv.Itoa(lanPort)+" listening on all interfaces")
		require.Contains(t, d, "openclaw gateway", "the owner is recognised as the gateway: %s", d)
		require.NotContains(t, d, oldTok)
	})

	t.Run("the loopback gateway is not flagged, and --deep finds its auth", func(t *testing.T) {
		rep := audit(loop, loopPort, "--deep")
		require.Nil(t, finding(rep, "gateway.listener_exposed"), "a 127.0.0.1 listener is not exposure")
		require.Nil(t, finding(rep, "gateway.probe_failed"))
		require.Nil(t, finding(rep, "gateway.probe.unauthenticated_access"))
		g := rep["deep"].(map[string]any)["gateway"].(map[string]any)
		require.Equal(t, true, g["ok"], "deep: %v", g)
		require.Equal(t, "ws://127.0.0.1:"+strconv.Itoa(loopPort), g["url"])
		var invoke map[string]any
		for _, e := range g["endpoints"].([]any) {
			if m := e.(map[string]any); strings.HasSuffix(m["url"].(string), "/tools/invoke") {
				invoke = m
			}
		}
		require.NotNil(t, invoke)
		require.Equal(t, true, invoke["authRequired"], "the real gateway refuses /tools/invoke without the token: %v", invoke)
		require.Equal(t, false, invoke["reached"])
	})

	t.Run("--deep on the --bind lan gateway", func(t *testing.T) {
		rep := audit(lan, lanPort, "--deep")
		require.Nil(t, finding(rep, "gateway.probe.unauthenticated_access"))
		g := rep["deep"].(map[string]any)["gateway"].(map[string]any)
		require.Equal(t, true, g["ok"], "deep: %v", g)
	})

	t.Run("rotate --verify: the new token is accepted, the old one refused", func(t *testing.T) {
		out, errOut, code := runRotateBin(t, loop, loopPort, "", "rotate", "gateway", "--verify", "--probe-timeout", "30s")
		require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		require.Regexp(t, `\[ok\] new gateway token: accepted`, out)
		require.Regexp(t, `\[ok\] old gateway token: refused`, out)
		require.Contains(t, out, "verified: the old token is refused and the new one accepted")
		require.NotContains(t, out, oldTok)
	})

	t.Run("rotate on a running gateway: OpenClaw reloads the token and --verify confirms it", func(t *testing.T) {
		// lan's gateway runs with oldTok; OpenClaw 2026.9 watches its
		// config and applies a new gateway.auth.token without a restart.
		out, errOut, code := runRotateBin(t, lan, lanPort, "", "rotate", "gateway", "--yes")
		require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		deadline := time.Now().Add(60 * time.Second)
		for {
			out, _, code = runRotateBin(t, lan, lanPort, "", "rotate", "gateway", "--verify", "--probe-timeout", "30s")
			if code == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(2 * time.Second)
		}
		require.Equal(t, 0, code, out)
		require.Regexp(t, `\[ok\] old gateway token: refused`, out)
		require.NotContains(t, out, oldTok)
	})
}
