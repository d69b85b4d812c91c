package audit

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// openGateway mimics a gateway with auth off: the API answers and the
// WebSocket accepts an unauthenticated connect.
func openGateway() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			ctx := r.Context()
			_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"event","event":"connect.challenge","payload":{"nonce":"n"}}`))
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
			_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"res","id":"hardshell-probe","ok":true,"payload":{"type":"hello-ok"}}`))
			_, _, _ = c.Read(ctx)
			return
		}
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>control ui</html>"))
		case "/tools/invoke":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"messages required"}`))
		}
	})
}

// lockedGateway refuses everything without credentials and closes the
// WebSocket with 1008 "unauthorized".
func lockedGateway() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			_, _, _ = c.Read(r.Context())
			_ = c.Close(websocket.StatusPolicyViolation, "unauthorized")
			return
		}
		if r.URL.Path == "/" {
			_, _ = w.Write([]byte("<html>control ui</html>"))
			return
		}
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	})
}

func portOf(t *testing.T, srv *httptest.Server) int {
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	p, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	return p
}

func TestProbeOpenGatewayIsCritical(t *testing.T) {
	srv := httptest.NewServer(openGateway())
	defer srv.Close()
	// Port from the snapshot's config, the way a user's config names it.
	s := snap(t.TempDir(), map[string]any{"gateway": map[string]any{"port": portOf(t, srv)}})
	rep, err := Run(context.Background(), s, Options{Registry: NewRegistry(), Deep: true, Probe: ProbeOptions{Timeout: 2 * time.Second}})
	require.NoError(t, err)
	require.NotNil(t, rep.Deep)
	g := rep.Deep.Gateway
	require.True(t, g.Attempted)
	require.True(t, g.OK)
	require.Nil(t, g.Error)
	require.Equal(t, "ws://127.0.0.1:"+strconv.Itoa(portOf(t, srv)), *g.URL)

	byURL := map[string]Endpoint{}
	for _, e := range g.Endpoints {
		byURL[e.Kind+" "+e.Method+" "+e.URL] = e
	}
	base := "http://127.0.0.1:" + strconv.Itoa(portOf(t, srv))
	require.True(t, byURL["http POST "+base+"/tools/invoke"].Reached)
	require.Equal(t, 200, byURL["http POST "+base+"/tools/invoke"].Status)
	require.True(t, byURL["http POST "+base+"/v1/chat/completions"].Reached, "400 on an empty body = handler reached")
	require.False(t, byURL["http GET "+base+"/"].Reached, "the Control UI page is public by design")
	ws := byURL["ws GET ws://127.0.0.1:"+strconv.Itoa(portOf(t, srv))+"/"]
	require.True(t, ws.Reached, "%+v", ws)

	require.Equal(t, []string{IDProbeUnauthenticated}, ids(rep.Findings))
	f := rep.Findings[0]
	require.Equal(t, model.Critical, f.Severity)
	require.Equal(t, model.TierExposure, f.Priority)
	require.Contains(t, f.Detail, "/tools/invoke → 200")
	require.Contains(t, f.Detail, "accepted a connect request without credentials")

	b, err := json.Marshal(rep)
	require.NoError(t, err)
	require.Contains(t, string(b), `"deep":{"gateway":{"attempted":true,"url":"ws://127.0.0.1:`)
}

func TestProbeLockedGatewayIsQuiet(t *testing.T) {
	srv := httptest.NewServer(lockedGateway())
	defer srv.Close()
	d := ProbeWith(context.Background(), snap(t.TempDir(), map[string]any{}), ProbeOptions{Port: portOf(t, srv), Timeout: 2 * time.Second})
	g := d.Gateway
	require.True(t, g.OK)
	require.NotNil(t, g.Close)
	require.Equal(t, CloseInfo{Code: 1008, Reason: "unauthorized"}, *g.Close)
	for _, e := range g.Endpoints {
		require.False(t, e.Reached, "%+v", e)
		if e.Kind == "http" && e.Method == http.MethodPost {
			require.True(t, e.AuthRequired)
			require.Equal(t, 401, e.Status)
		}
	}
	require.Empty(t, d.Findings())
}

func TestProbeNothingListening(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	s := snap(t.TempDir(), map[string]any{})
	s.Env = func(n string) (string, bool) {
		if n == "OPENCLAW_GATEWAY_PORT" {
			return strconv.Itoa(port), true
		}
		return "", false
	}
	start := time.Now()
	d := Probe(context.Background(), s, time.Second)
	require.Less(t, time.Since(start), 2*time.Second)
	require.False(t, d.Gateway.OK)
	require.NotNil(t, d.Gateway.Error)
	require.Contains(t, *d.Gateway.Error, "nothing listening on 127.0.0.1:"+strconv.Itoa(port))
	hits := d.Findings()
	require.Len(t, hits, 1)
	require.Equal(t, IDProbeFailed, hits[0].ID)
	require.Equal(t, model.Warn, hits[0].Severity)
}

func TestProbeTimeoutBoundsAStalledServer(t *testing.T) {
	// Accepts TCP and never answers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	d := ProbeWith(context.Background(), nil, ProbeOptions{Port: l.Addr().(*net.TCPAddr).Port, Timeout: 500 * time.Millisecond})
	require.Less(t, time.Since(start), 1500*time.Millisecond)
	for _, e := range d.Gateway.Endpoints {
		require.False(t, e.Reached && e.Kind == "http", "%+v", e)
	}
}

func TestGatewayPortResolution(t *testing.T) {
	s := snap("/s", map[string]any{"gateway": map[string]any{"port": 19001}})
	require.Equal(t, 19001, GatewayPort(s))
	s.Env = func(n string) (string, bool) { return "19002", n == "OPENCLAW_GATEWAY_PORT" }
	require.Equal(t, 19002, GatewayPort(s), "env wins, as in OpenClaw")
	require.Equal(t, DefaultGatewayPort, GatewayPort(snap("/s", map[string]any{})))
	require.Equal(t, []string{"127.0.0.1"}, probeHosts(snap("/s", map[string]any{"gateway": map[string]any{"bind": "custom", "customBindHost": "203.0.113.9"}})), "a foreign address is never probed")
}
