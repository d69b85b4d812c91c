package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

const rotOld = "0123456789abcdef0123456789abcdef0123456789abcdef"

// fakeGateway is a real listener on 127.0.0.1 that checks credentials the
// way OpenClaw does, reading the CURRENT secret from disk on every request:
// after a rotation it accepts the new secret and refuses the old.
func fakeGateway(t *testing.T, current func() string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	check := func(r *http.Request) bool {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if tok == "" {
			tok = r.Header.Get("x-openclaw-token")
		}
		cur := current()
		return cur != "" && tok == cur
	}
	mux := http.NewServeMux()
	api := func(w http.ResponseWriter, r *http.Request) {
		if !check(r) {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		http.Error(w, `{"error":"invalid request: tool is required"}`, http.StatusBadRequest)
	}
	mux.HandleFunc("POST /tools/invoke", api)
	mux.HandleFunc("POST /hooks/wake", api)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>control ui</html>"))
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		_, data, err := c.Read(r.Context())
		if err != nil {
			return
		}
		var req struct {
			ID     string `json:"id"`
			Params struct {
				Auth struct{ Token, Password string } `json:"auth"`
			} `json:"params"`
		}
		_ = json.Unmarshal(data, &req)
		cur := current()
		if cur == "" || req.Params.Auth.Token != cur {
			_ = c.Close(websocket.StatusPolicyViolation, "unauthorized: gateway token mismatch")
			return
		}
		res, _ := json.Marshal(map[string]any{"type": "res", "id": req.ID, "ok": true, "payload": map[string]any{"type": "hello-ok"}})
		_ = c.Write(r.Context(), websocket.MessageText, res)
		_, _, _ = c.Read(r.Context())
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// configToken reads a string from the config file as the gateway would.
func configToken(t *testing.T, path, key string) func() string {
	return func() string {
		d, err := model.ParseFile(path)
		if err != nil {
			return ""
		}
		return d.Root.Lookup(key).Text()
	}
}

type rotHome struct {
	home, state, config, unit, plist string
}

func rotateHome(t *testing.T, config string) rotHome {
	t.Helper()
	h := rotHome{home: t.TempDir()}
	h.state = filepath.Join(h.home, ".openclaw")
	require.NoError(t, os.Mkdir(h.state, 0o700))
	h.config = filepath.Join(h.state, "openclaw.json")
	require.NoError(t, os.WriteFile(h.config, []byte(config), 0o600))
	return h
}

func (h rotHome) withServices(t *testing.T, tok string) rotHome {
	t.Helper()
	ud := filepath.Join(h.home, ".config", "systemd", "user")
	require.NoError(t, os.MkdirAll(ud, 0o755))
	h.unit = filepath.Join(ud, "openclaw-gateway.service")
	require.NoError(t, os.WriteFile(h.unit, []byte("[Unit]\nDescription=OpenClaw Gateway\n\n[Service]\nExecStart=/usr/bin/openclaw gateway run\n# baked in by `openclaw gateway install`\nEnvironment=\"OPENCLAW_GATEWAY_TOKEN="+tok+"\" \"OPENCLAW_GATEWAY_PORT=18789\"\nRestart=always\n"), 0o644))
	ld := filepath.Join(h.home, "Library", "LaunchAgents")
	require.NoError(t, os.MkdirAll(ld, 0o755))
	h.plist = filepath.Join(ld, "ai.openclaw.gateway.plist")
	require.NoError(t, os.WriteFile(h.plist, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>ai.openclaw.gateway</string>
  <key>EnvironmentVariables</key>
  <dict>
    <key>OPENCLAW_GATEWAY_TOKEN</key>
    <string>`+tok+`</string>
  </dict>
</dict>
</plist>
`), 0o644))
	return h
}

func runRotateBin(t *testing.T, h rotHome, port int, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(auditBinary(t), args...)
	cmd.Env = []string{"HOME=" + h.home, "PATH=/nonexistent", "NO_COLOR=1", "OPENCLAW_GATEWAY_PORT=" + strconv.Itoa(port)}
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return o.String(), e.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return o.String(), e.String(), 0
}

// outsideState records every file and folder under h.home outside the
// state dir: mode, and bytes for a regular file.
func outsideState(t *testing.T, h rotHome) map[string]string {
	t.Helper()
	got := map[string]string{}
	require.NoError(t, filepath.WalkDir(h.home, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if p == h.state {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			v += " " + string(data)
		}
		got[p] = v
		return nil
	}))
	return got
}

// holders lists the files under root whose bytes contain secret.
func holders(t *testing.T, root, secret string) map[string]fs.FileMode {
	t.Helper()
	out := map[string]fs.FileMode{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		if bytes.Contains(data, []byte(secret)) {
			fi, err := d.Info()
			require.NoError(t, err)
			rel, _ := filepath.Rel(root, p)
			out[filepath.ToSlash(rel)] = fi.Mode().Perm()
		}
		return nil
	}))
	return out
}

var hex48 = regexp.MustCompile(`^[0-9a-f]{48}$`)

func TestRotateGatewayEndToEnd(t *testing.T) {
	h := rotateHome(t, `{
  // the wizard's token
  gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: "`+rotOld+`" } },
}
`).withServices(t, rotOld)
	// OpenClaw's own backup ring, world-readable, and a log line with the token.
	require.NoError(t, os.WriteFile(filepath.Join(h.state, "openclaw.json.bak"), []byte(`{gateway:{auth:{token:"`+rotOld+`"}}}`), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(h.state, "logs"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(h.state, "logs", "gateway.log"), []byte("ws connect token="+rotOld+" ok\n"), 0o600))
	before := outsideState(t, h)
	port := fakeGateway(t, configToken(t, h.config, "gateway.auth.token"))
	out, errOut, code := runRotateBin(t, h, port, "", "rotate", "gateway", "--yes")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)

	newTok := configToken(t, h.config, "gateway.auth.token")()
	require.Regexp(t, hex48, newTok)
	require.NotEqual(t, rotOld, newTok)
	require.NotContains(t, out+errOut, rotOld, "the old secret is never printed")
	require.NotContains(t, out+errOut, newTok, "the new secret is never printed")
	require.Contains(t, out, "new token written to gateway.auth.token in "+h.config)

	// the live probe: a real listener that reads the config on each request
	require.Regexp(t, `\[ok\] new gateway token: accepted`, out)
	require.Regexp(t, `\[ok\] old gateway token: refused`, out)
	require.Contains(t, out, "verified: the old token is refused and the new one accepted")

	// nothing outside the state dir changed: the service definitions are
	// manual steps, reading the token from <state>/.env, which holds it
	require.Equal(t, before, outsideState(t, h), "bytes and modes outside the state dir")
	require.Contains(t, out, "Outside the state dir hardshell changes nothing; change these yourself:")
	require.Contains(t, out, h.unit+", line 7: Environment=\"OPENCLAW_GATEWAY_TOKEN=0123…(48 chars)\" \"OPENCLAW_GATEWAY_PORT=18789\"")
	require.Contains(t, out, "EnvironmentFile="+filepath.Join(h.state, ".env"))
	require.Contains(t, out, h.plist+", EnvironmentVariables → OPENCLAW_GATEWAY_TOKEN")
	require.Contains(t, out, "plutil -remove EnvironmentVariables.OPENCLAW_GATEWAY_TOKEN "+h.plist)
	env, err := os.ReadFile(filepath.Join(h.state, ".env"))
	require.NoError(t, err)
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN="+newTok+"\n", string(env))
	require.Contains(t, out, "systemctl --user daemon-reload && systemctl --user restart openclaw-gateway.service")
	require.Contains(t, out, "launchctl bootout gui/$(id -u)/ai.openclaw.gateway")

	// the old token is left only in 0600 backups
	left := holders(t, h.home, rotOld)
	require.NotEmpty(t, left)
	for p, mode := range left {
		if p == ".config/systemd/user/openclaw-gateway.service" || p == "Library/LaunchAgents/ai.openclaw.gateway.plist" {
			continue // outside: a manual step, checked above
		}
		ok := strings.HasPrefix(p, ".openclaw/.hardshell/backups/") || p == ".openclaw/openclaw.json.bak"
		require.True(t, ok, "old token left in %s", p)
		require.Equal(t, fs.FileMode(0o600), mode, "%s holds the old token with mode %04o", p, mode)
	}
	log, err := os.ReadFile(filepath.Join(h.state, "logs", "gateway.log"))
	require.NoError(t, err)
	require.NotContains(t, string(log), newTok, "a log gets the old secret removed, not the new one written")

	// --verify repeats the probe from the backup set
	out, errOut, code = runRotateBin(t, h, port, "", "rotate", "gateway", "--verify")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	require.Regexp(t, `\[ok\] old gateway token: refused`, out)
	require.NotContains(t, out, newTok)
}

func TestRotateVerifyFailsWhileGatewayKeepsOldToken(t *testing.T) {
	h := rotateHome(t, `{gateway: {auth: {mode: "token", token: "`+rotOld+`"}}}`)
	// a gateway that has not reloaded: it still accepts only the old token
	port := fakeGateway(t, func() string { return rotOld })
	out, _, code := runRotateBin(t, h, port, "", "rotate", "--yes")
	require.Equal(t, 0, code, out)
	require.Regexp(t, `\[FAIL\] new gateway token: refused`, out)
	require.Regexp(t, `\[FAIL\] old gateway token: accepted`, out)
	require.Contains(t, out, "not verified")

	out, _, code = runRotateBin(t, h, port, "", "rotate", "--verify")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "not verified")
}

func TestRotateGatewayNotRunning(t *testing.T) {
	h := rotateHome(t, `{gateway: {auth: {token: "`+rotOld+`"}}}`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	out, _, code := runRotateBin(t, h, port, "", "rotate", "gateway", "--yes")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "gateway not reachable on 127.0.0.1:"+strconv.Itoa(port)+"; restart it (see above), then run: hardshell rotate gateway --verify")
	require.Contains(t, out, "read it in full with: hardshell config get gateway.auth.token --reveal")

	// --verify alone with no gateway says how to start one, not only to
	// run the same command again
	out, _, code = runRotateBin(t, h, port, "", "rotate", "gateway", "--verify")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "no gateway is listening on 127.0.0.1:"+strconv.Itoa(port))
	require.Contains(t, out, "openclaw gateway start")
	require.Contains(t, out, "openclaw gateway run")
}

func TestRotateWithoutTTYOrYesWritesNothing(t *testing.T) {
	h := rotateHome(t, `{gateway: {auth: {token: "`+rotOld+`"}}}`).withServices(t, rotOld)
	before, err := os.ReadFile(h.config)
	require.NoError(t, err)
	out, _, code := runRotateBin(t, h, 1, "y\n", "rotate")
	require.Equal(t, 0, code, "not confirmed is not a failure")
	require.Contains(t, out, "nothing written (use --yes)")
	require.Contains(t, out, "Environment=\"OPENCLAW_GATEWAY_TOKEN=0123…(48 chars)\"", "the diff shows the unit, masked")
	after, err := os.ReadFile(h.config)
	require.NoError(t, err)
	require.Equal(t, before, after)
	_, err = os.Stat(filepath.Join(h.state, ".hardshell"))
	require.ErrorIs(t, err, fs.ErrNotExist)

	out, _, code = runRotateBin(t, h, 1, "", "rotate", "--dry-run")
	require.Equal(t, 0, code)
	require.Contains(t, out, "dry run: nothing written")
	after, err = os.ReadFile(h.config)
	require.NoError(t, err)
	require.Equal(t, before, after)
}

func TestRotateHooksEnvVarEndToEnd(t *testing.T) {
	cfg := "{\n  hooks: { enabled: true, token: \"${OPENCLAW_HOOKS_TOKEN}\", path: \"/hooks\" },\n}\n"
	h := rotateHome(t, cfg)
	envFile := filepath.Join(h.state, ".env")
	require.NoError(t, os.WriteFile(envFile, []byte("# secrets for the gateway\nOTHER=keep\nOPENCLAW_HOOKS_TOKEN="+rotOld+"\n"), 0o600))
	port := fakeGateway(t, func() string {
		data, _ := os.ReadFile(envFile)
		return model.ParseDotenv(data)["OPENCLAW_HOOKS_TOKEN"]
	})
	out, errOut, code := runRotateBin(t, h, port, "", "rotate", "hooks", "--yes")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	cfgAfter, err := os.ReadFile(h.config)
	require.NoError(t, err)
	require.Equal(t, cfg, string(cfgAfter), "the config keeps ${OPENCLAW_HOOKS_TOKEN}")
	env, err := os.ReadFile(envFile)
	require.NoError(t, err)
	newTok := model.ParseDotenv(env)["OPENCLAW_HOOKS_TOKEN"]
	require.Regexp(t, hex48, newTok)
	require.Equal(t, "# secrets for the gateway\nOTHER=keep\nOPENCLAW_HOOKS_TOKEN="+newTok+"\n", string(env))
	require.Contains(t, out, "new token written to OPENCLAW_HOOKS_TOKEN in "+envFile)
	require.Regexp(t, `\[ok\] new hooks token: accepted`, out)
	require.Regexp(t, `\[ok\] old hooks token: refused`, out)
	require.NotContains(t, out, newTok)
	require.NotContains(t, out, rotOld)
}

func TestRotateRemoteAndExecRef(t *testing.T) {
	h := rotateHome(t, `{gateway: {mode: "remote", remote: {url: "wss://gw.example.ts.net", token: "`+rotOld+`"}}}`)
	out, errOut, code := runRotateBin(t, h, 1, "", "rotate", "remote", "--yes")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	require.Regexp(t, hex48, configToken(t, h.config, "gateway.remote.token")())
	require.Contains(t, out, "wss://gw.example.ts.net: set its gateway.auth.token to the same new value")
	require.Contains(t, out, "live check skipped")

	cfg := `{gateway: {auth: {mode: "token", token: {source: "exec", provider: "vault", id: "openclaw/gateway"}}}, secrets: {providers: {vault: {source: "exec", command: "/usr/bin/vault-get"}}}}`
	h = rotateHome(t, cfg)
	out, errOut, code = runRotateBin(t, h, 1, "", "rotate", "--yes")
	require.Equal(t, 1, code, out)
	require.Contains(t, errOut, "rotate it in that provider")
	after, err := os.ReadFile(h.config)
	require.NoError(t, err)
	require.Equal(t, cfg, string(after))

	out, errOut, code = runRotateBin(t, h, 1, "", "rotate", "bogus")
	require.Equal(t, 2, code, out)
	require.Contains(t, errOut, `unknown rotation target "bogus"`)
}

// rotate hooks with no webhooks configured has nothing to rotate: it says
// so and adds no token.
func TestRotateHooksNotConfigured(t *testing.T) {
	cfg := "{ gateway: { auth: { token: \"" + rotOld + "\" } } }\n"
	h := rotateHome(t, cfg)
	out, errOut, code := runRotateBin(t, h, 1, "", "rotate", "hooks", "--yes")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "there is no hooks token to rotate, and none was added")
	after, err := os.ReadFile(h.config)
	require.NoError(t, err)
	require.Equal(t, cfg, string(after))
	require.NoDirExists(t, filepath.Join(h.state, ".hardshell", "backups"))
}
