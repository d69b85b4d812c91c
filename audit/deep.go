package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/hardshell/hardshell/model"
)

// Deep-probe ids. gateway.probe_failed is OpenClaw's own.
const (
	IDProbeFailed          = "gateway.probe_failed"
	IDProbeUnauthenticated = "gateway.probe.unauthenticated_access"
)

// DefaultGatewayPort is OpenClaw's default gateway port.
const DefaultGatewayPort = 18789

// DefaultProbeTimeout bounds the whole deep probe.
const DefaultProbeTimeout = 3 * time.Second

func init() {
	Register("gateway",
		Check{
			ID:          IDProbeFailed,
			Title:       "Gateway probe failed (deep)",
			Tier:        model.TierExposure,
			Fix:         model.FixManual,
			Severity:    "warn",
			Trigger:     "--deep: the live probe of the local gateway could not complete, including when nothing listens on the gateway port",
			Remediation: "Check that the gateway runs (openclaw status --all) and listens on the configured port, then run hardshell audit --deep again",
			Why:         "The deep probe tells what an unauthenticated client can reach on this host; when it cannot run, that question is unanswered (a stopped gateway is also worth knowing).",
			Since:       "OpenClaw 2026.2",
		},
		Check{
			ID:          IDProbeUnauthenticated,
			Title:       "Gateway answers unauthenticated requests (deep)",
			Tier:        model.TierExposure,
			Fix:         model.FixManual,
			Severity:    "critical",
			Trigger:     "--deep: an unauthenticated request to /tools/invoke or /v1/chat/completions got a 2xx (or reached the handler: 400/422), or an unauthenticated WebSocket was accepted and not closed with an auth error",
			Remediation: "Set gateway.auth.mode to token with a strong token (hardshell rotate), keep gateway.bind on loopback, and restart the gateway",
			Why:         "Anyone who can reach the port can drive the agent — and its shell, file and browser tools — without credentials. This is observed live, not inferred from the config.",
			Breaks:      "Clients that connect without a token (scripts, the Control UI on another device) until they are given the token.",
			Since:       "hardshell",
		},
	)
}

// ProbeOptions tune the deep probe.
type ProbeOptions struct {
	Timeout time.Duration // whole probe; 0 = DefaultProbeTimeout; minimum 250 ms
	Port    int           // 0 = OPENCLAW_GATEWAY_PORT, gateway.port, 18789
	// Hosts overrides the host list (tests, and a remote target: its
	// loopback). Default: 127.0.0.1 plus the configured bind address when
	// it belongs to this host.
	Hosts []string
	// Dial opens the probe's connections (nil: a net.Dialer on this host).
	// A remote target's is its ssh session's stdio forward, so the probe
	// reaches the remote's own loopback port.
	Dial DialFunc
}

// DialFunc opens a TCP connection to addr (host:port).
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// dialer is dial, or a net.Dialer's when nil.
func dialer(dial DialFunc) DialFunc {
	if dial != nil {
		return dial
	}
	var d net.Dialer
	return d.DialContext
}

// probeClient is the probe's HTTP client: no proxy, no redirects, no
// kept-alive connections, connections opened by dial.
func probeClient(dial DialFunc) *http.Client {
	return &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true, DialContext: dialer(dial)},
	}
}

// DeepResult is the report's "deep" object (OpenClaw's shape plus
// hardshell's endpoints list).
type DeepResult struct {
	Gateway *GatewayProbe `json:"gateway,omitempty"`
}

// GatewayProbe mirrors OpenClaw's deep.gateway {attempted, url, ok, error,
// close}; Endpoints is hardshell's per-request record.
type GatewayProbe struct {
	Attempted bool       `json:"attempted"`
	URL       *string    `json:"url"`
	OK        bool       `json:"ok"`
	Error     *string    `json:"error"`
	Close     *CloseInfo `json:"close"`
	Endpoints []Endpoint `json:"endpoints"`
}

// CloseInfo is a WebSocket close frame.
type CloseInfo struct {
	Code   int    `json:"code"`
	Reason string `json:"reason"`
}

// Endpoint is one unauthenticated request the probe made.
type Endpoint struct {
	Kind         string     `json:"kind"` // "tcp", "http" or "ws"
	Method       string     `json:"method,omitempty"`
	URL          string     `json:"url"`
	Status       int        `json:"status,omitempty"`
	Reached      bool       `json:"reached"`      // got through without credentials
	AuthRequired bool       `json:"authRequired"` // refused for lack of credentials
	Close        *CloseInfo `json:"close,omitempty"`
	Error        string     `json:"error,omitempty"`
	Note         string     `json:"note,omitempty"`
}

// Probe runs the deep probe with the default port resolution and timeout.
func Probe(ctx context.Context, s *model.Snapshot, timeout time.Duration) DeepResult {
	return ProbeWith(ctx, s, ProbeOptions{Timeout: timeout})
}

// GatewayPort resolves the port the gateway listens on: OPENCLAW_GATEWAY_PORT,
// then gateway.port, then 18789.
func GatewayPort(s *model.Snapshot) int {
	getenv := func(n string) (string, bool) { v, ok := os.LookupEnv(n); return v, ok }
	if s != nil && s.Env != nil {
		getenv = s.Env
	}
	if v, ok := getenv("OPENCLAW_GATEWAY_PORT"); ok {
		if p, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && p > 0 && p < 65536 {
			return p
		}
	}
	if n, ok := Config(s).Lookup("gateway.port").Number(); ok && n > 0 && n < 65536 && n == float64(int(n)) {
		return int(n)
	}
	return DefaultGatewayPort
}

// probeHosts is 127.0.0.1 plus the configured bind address when it is one of
// this host's own addresses. The probe never leaves this host.
func probeHosts(s *model.Snapshot) []string {
	hosts := []string{"127.0.0.1"}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return hosts
	}
	var local []net.IP
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			local = append(local, ipn.IP)
		}
	}
	isLocal := func(ip net.IP) bool {
		for _, l := range local {
			if l.Equal(ip) {
				return true
			}
		}
		return false
	}
	root := Config(s)
	bind := strings.TrimSpace(root.Lookup("gateway.bind").Text())
	var cand net.IP
	switch bind {
	case "", "loopback", "auto":
	case "custom":
		cand = net.ParseIP(strings.TrimSpace(root.Lookup("gateway.customBindHost").Text()))
	case "tailnet":
		_, cgnat, _ := net.ParseCIDR("100.64.0.0/10")
		for _, l := range local {
			if cgnat.Contains(l) {
				cand = l
				break
			}
		}
	case "lan":
		for _, l := range local {
			if l.To4() != nil && !l.IsLoopback() && !l.IsLinkLocalUnicast() {
				cand = l
				break
			}
		}
	default: // legacy: a host literal in gateway.bind
		cand = net.ParseIP(bind)
	}
	if cand != nil && !cand.IsLoopback() && !cand.IsUnspecified() && isLocal(cand) {
		hosts = append(hosts, cand.String())
	}
	return hosts
}

// ProbeWith probes the gateway on this host without credentials: is the
// port open, do GET /, POST /tools/invoke and POST /v1/chat/completions
// answer, and is an unauthenticated WebSocket accepted.
func ProbeWith(ctx context.Context, s *model.Snapshot, o ProbeOptions) DeepResult {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	if timeout < 250*time.Millisecond {
		timeout = 250 * time.Millisecond
	}
	port := o.Port
	if port <= 0 {
		port = GatewayPort(s)
	}
	hosts := o.Hosts
	if len(hosts) == 0 {
		hosts = probeHosts(s)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	g := &GatewayProbe{Attempted: true, Endpoints: []Endpoint{}}
	primary := "ws://" + net.JoinHostPort(hosts[0], strconv.Itoa(port))
	g.URL = &primary
	var errs []string
	for hi, host := range hosts {
		// Split what is left of the budget between the remaining hosts.
		hctx, hcancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok {
			hctx, hcancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/time.Duration(len(hosts)-hi)))
		}
		eps, wsClose, err := probeHost(hctx, host, port, o.Dial)
		hcancel()
		g.Endpoints = append(g.Endpoints, eps...)
		if hi == 0 {
			g.Close = wsClose
			g.OK = err == nil
		}
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		e := strings.Join(errs, "; ")
		g.Error = &e
	}
	return DeepResult{Gateway: g}
}

// probeHost returns the endpoint records for one host, the WS close frame,
// and an error when the probe of that host could not complete.
func probeHost(ctx context.Context, host string, port int, dial DialFunc) ([]Endpoint, *CloseInfo, error) {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	conn, err := dialer(dial)(ctx, "tcp", addr)
	if err != nil {
		ep := Endpoint{Kind: "tcp", URL: "tcp://" + addr, Error: err.Error()}
		var why string
		if errors.Is(err, syscall.ECONNREFUSED) {
			why = "nothing listening on " + addr + " (connection refused): is the gateway running, on this port?"
		} else {
			why = "could not connect to " + addr + ": " + err.Error()
		}
		ep.Note = why
		return []Endpoint{ep}, nil, errors.New(why)
	}
	conn.Close()
	eps := []Endpoint{{Kind: "tcp", URL: "tcp://" + addr, Note: "port open"}}

	client := probeClient(dial)
	base := "http://" + addr
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/"},
		{http.MethodPost, "/tools/invoke"},
		{http.MethodPost, "/v1/chat/completions"},
	} {
		eps = append(eps, probeHTTP(ctx, client, r.method, base+r.path, r.path != "/"))
	}

	ws, wsClose, wsErr := probeWS(ctx, client, "ws://"+addr+"/")
	eps = append(eps, ws)
	if wsErr != nil {
		return eps, wsClose, wsErr
	}
	return eps, wsClose, nil
}

func probeHTTP(ctx context.Context, client *http.Client, method, url string, api bool) Endpoint {
	ep := Endpoint{Kind: "http", Method: method, URL: url}
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		ep.Error = err.Error()
		return ep
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		ep.Error = err.Error()
		return ep
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	ep.Status = resp.StatusCode
	html := strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/html")
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		ep.AuthRequired = true
		ep.Note = "refused without credentials"
	case !api:
		ep.Note = "answers without credentials (normal for the Control UI page; the UI authenticates over WebSocket)"
	case html:
		ep.Note = "answered with an HTML page, not the API"
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		ep.Reached = true
		ep.Note = "answered an unauthenticated request with success"
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity:
		// An empty body is invalid: a 400/422 means the request got past
		// authentication to the handler's own validation.
		ep.Reached = true
		ep.Note = "rejected the empty body, not the missing credentials: the handler was reached"
	default:
		ep.Note = "not reachable without credentials (status " + strconv.Itoa(resp.StatusCode) + ")"
	}
	return ep
}

// authish reports whether a close reason or error means "credentials required".
func authish(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{"auth", "token", "password", "credential", "forbidden", "pairing", "not paired", "signature"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// probeWS opens an unauthenticated WebSocket, sends an OpenClaw connect
// request without credentials, and watches what the gateway does: an auth
// close (1008 or a reason about auth) or an auth error response is the
// healthy answer; an accepted connect, or a connection left open without a
// verdict, means an unauthenticated client got in.
func probeWS(ctx context.Context, client *http.Client, url string) (Endpoint, *CloseInfo, error) {
	ep := Endpoint{Kind: "ws", Method: http.MethodGet, URL: url}
	h := wsConnect(ctx, client, url, "hardshell-probe", "hardshell audit --deep", nil, false)
	switch {
	case h.dialErr != nil && h.resp != nil:
		ep.Status = h.resp.StatusCode
		if h.resp.StatusCode == http.StatusUnauthorized || h.resp.StatusCode == http.StatusForbidden {
			ep.AuthRequired = true
			ep.Note = "upgrade refused without credentials"
			return ep, nil, nil
		}
		ep.Note = "upgrade refused (status " + strconv.Itoa(h.resp.StatusCode) + ")"
		return ep, nil, nil
	case h.dialErr != nil:
		ep.Error = h.dialErr.Error()
		return ep, nil, fmt.Errorf("websocket %s: %v", url, h.dialErr)
	}
	ep.Status = http.StatusSwitchingProtocols
	switch {
	case !h.answered:
		return wsVerdict(ep, h.endErr)
	case h.ok:
		ep.Reached = true
		ep.Note = "accepted a connect request without credentials"
	case authish(h.errJSON):
		ep.AuthRequired = true
		ep.Note = "connect refused without credentials: " + truncate(h.errJSON, 200)
	default:
		ep.Note = "connect answered with an error that does not mention auth: " + truncate(h.errJSON, 200)
	}
	return ep, nil, nil
}

// wsVerdict classifies how the WebSocket ended.
func wsVerdict(ep Endpoint, err error) (Endpoint, *CloseInfo, error) {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		ci := &CloseInfo{Code: int(ce.Code), Reason: ce.Reason}
		ep.Close = ci
		switch {
		case ce.Code == websocket.StatusPolicyViolation || authish(ce.Reason) || (ce.Code >= 4000 && ce.Code < 5000 && authish(ce.Reason)):
			ep.AuthRequired = true
			ep.Note = fmt.Sprintf("closed without credentials (%d %s)", ce.Code, ce.Reason)
		default:
			ep.Note = fmt.Sprintf("closed with %d %q, not an auth error", ce.Code, ce.Reason)
		}
		return ep, ci, nil
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		ep.Reached = true
		ep.Note = "accepted an unauthenticated WebSocket and kept it open without asking for credentials"
		return ep, nil, nil
	}
	ep.Error = err.Error()
	return ep, nil, fmt.Errorf("websocket %s: %v", ep.URL, err)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Findings turns the probe result into hits: gateway.probe_failed when the
// probe could not complete, gateway.probe.unauthenticated_access when an
// unauthenticated request got through.
func (d DeepResult) Findings() []Hit {
	g := d.Gateway
	if g == nil || !g.Attempted {
		return nil
	}
	var hits []Hit
	var reached []string
	for _, e := range g.Endpoints {
		if e.Reached {
			line := fmt.Sprintf("%s %s", strings.TrimSpace(e.Method+" "+e.URL), e.Note)
			if e.Status != 0 && e.Kind == "http" {
				line = fmt.Sprintf("%s %s → %d: %s", e.Method, e.URL, e.Status, e.Note)
			}
			reached = append(reached, line)
		}
	}
	if len(reached) > 0 {
		hits = append(hits, Hit{
			ID:       IDProbeUnauthenticated,
			Severity: model.Critical,
			Detail:   "An unauthenticated client on this host got through:\n- " + strings.Join(reached, "\n- "),
			Paths:    []string{"gateway.auth", "gateway.bind"},
		})
	}
	if !g.OK || g.Error != nil {
		msg := "the probe did not complete"
		if g.Error != nil {
			msg = *g.Error
		}
		hits = append(hits, Hit{
			ID:       IDProbeFailed,
			Severity: model.Warn,
			Detail:   "Gateway probe failed: " + msg,
			Paths:    []string{"gateway.port"},
		})
	}
	return hits
}
