package audit

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// AuthVerdict is what a gateway on this host did with one credential.
type AuthVerdict string

const (
	AuthAccepted    AuthVerdict = "accepted"    // got past authentication
	AuthRefused     AuthVerdict = "refused"     // 401/403, an auth close or an auth error
	AuthUnreachable AuthVerdict = "unreachable" // nothing listens on the port
	AuthUnknown     AuthVerdict = "unknown"     // answered, but not in a way that tells
)

// AuthProbeOptions say where and how to present a credential.
type AuthProbeOptions struct {
	Host    string        // "" = 127.0.0.1
	Port    int           // required
	Timeout time.Duration // whole probe; 0 = DefaultProbeTimeout
	// Kind is "token" (gateway shared token), "password" (gateway
	// password) or "hooks" (the hooks token, checked on HooksPath).
	Kind      string
	HooksPath string // "" = /hooks
	// Dial opens the connections (nil: this host; a remote target's ssh
	// session otherwise, see ProbeOptions.Dial).
	Dial DialFunc
}

// AuthProbeResult is the verdict plus the per-request record. It never
// holds the credential.
type AuthProbeResult struct {
	Verdict   AuthVerdict
	Endpoints []Endpoint
	Detail    string
}

// ProbeAuth presents secret to the gateway on this host and reports whether
// it was accepted: POST /tools/invoke (or <hooks.path>/wake for a hooks
// token) with Authorization: Bearer, and for the gateway secret also an
// OpenClaw WebSocket connect with params.auth. An HTTP 401/403 is a refusal;
// any other answer from an API endpoint (an empty body fails validation
// with 400) means the credential got through. The WebSocket verdict breaks
// a tie when HTTP does not tell.
func ProbeAuth(ctx context.Context, secret string, o AuthProbeOptions) AuthProbeResult {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	host := o.Host
	if host == "" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(host, strconv.Itoa(o.Port))

	conn, err := dialer(o.Dial)(ctx, "tcp", addr)
	if err != nil {
		why := "could not connect to " + addr + ": " + err.Error()
		if errors.Is(err, syscall.ECONNREFUSED) {
			why = "nothing listening on " + addr
		}
		return AuthProbeResult{Verdict: AuthUnreachable, Detail: why,
			Endpoints: []Endpoint{{Kind: "tcp", URL: "tcp://" + addr, Error: err.Error(), Note: why}}}
	}
	conn.Close()

	client := probeClient(o.Dial)
	path := "/tools/invoke"
	if o.Kind == "hooks" {
		hp := strings.TrimRight(o.HooksPath, "/")
		if hp == "" {
			hp = "/hooks"
		}
		if !strings.HasPrefix(hp, "/") {
			hp = "/" + hp
		}
		path = hp + "/wake"
	}
	hv, hep := authHTTP(ctx, client, "http://"+addr+path, secret)
	res := AuthProbeResult{Verdict: hv, Endpoints: []Endpoint{hep}, Detail: hep.Note}
	if o.Kind == "hooks" {
		return res
	}
	wv, wep := authWS(ctx, client, "ws://"+addr+"/", o.Kind, secret)
	res.Endpoints = append(res.Endpoints, wep)
	switch {
	case hv == AuthAccepted || wv == AuthAccepted:
		res.Verdict = AuthAccepted
		if hv != AuthAccepted {
			res.Detail = wep.Note
		}
	case hv == AuthRefused:
	case wv == AuthRefused:
		res.Verdict, res.Detail = AuthRefused, wep.Note
	default:
		res.Verdict = AuthUnknown
		res.Detail = strings.TrimSpace(hep.Note + "; " + wep.Note)
	}
	return res
}

func authHTTP(ctx context.Context, client *http.Client, url, secret string) (AuthVerdict, Endpoint) {
	ep := Endpoint{Kind: "http", Method: http.MethodPost, URL: url}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader("{}"))
	if err != nil {
		ep.Error = err.Error()
		return AuthUnknown, ep
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := client.Do(req)
	if err != nil {
		ep.Error = err.Error()
		ep.Note = "no HTTP answer"
		return AuthUnknown, ep
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	ep.Status = resp.StatusCode
	html := strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/html")
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		ep.AuthRequired = true
		ep.Note = "HTTP " + strconv.Itoa(resp.StatusCode) + ": credential refused"
		return AuthRefused, ep
	case html || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed:
		ep.Note = "HTTP " + strconv.Itoa(resp.StatusCode) + ": the endpoint does not tell"
		return AuthUnknown, ep
	case resp.StatusCode >= 500:
		ep.Note = "HTTP " + strconv.Itoa(resp.StatusCode) + ": server error"
		return AuthUnknown, ep
	}
	ep.Reached = true
	ep.Note = "HTTP " + strconv.Itoa(resp.StatusCode) + ": credential accepted (the request reached the handler)"
	return AuthAccepted, ep
}

func authWS(ctx context.Context, client *http.Client, url, kind, secret string) (AuthVerdict, Endpoint) {
	ep := Endpoint{Kind: "ws", Method: http.MethodGet, URL: url}
	field := "token"
	if kind == "password" {
		field = "password"
	}
	h := wsConnect(ctx, client, url, "hardshell-rotate", "hardshell rotate", map[string]any{field: secret}, true)
	if h.dialErr != nil {
		if h.resp != nil {
			ep.Status = h.resp.StatusCode
			if h.resp.StatusCode == http.StatusUnauthorized || h.resp.StatusCode == http.StatusForbidden {
				ep.AuthRequired = true
				ep.Note = "upgrade refused"
				return AuthRefused, ep
			}
		}
		ep.Error = h.dialErr.Error()
		ep.Note = "no WebSocket"
		return AuthUnknown, ep
	}
	ep.Status = http.StatusSwitchingProtocols
	switch {
	case !h.answered:
		return wsAuthEnd(ep, h.endErr)
	case h.ok:
		ep.Reached = true
		ep.Note = "WebSocket connect accepted"
		return AuthAccepted, ep
	case authish(h.errJSON):
		ep.AuthRequired = true
		ep.Note = "WebSocket connect refused: " + truncate(h.errJSON, 200)
		return AuthRefused, ep
	}
	ep.Note = "WebSocket connect failed without an auth error: " + truncate(h.errJSON, 200)
	return AuthUnknown, ep
}

func wsAuthEnd(ep Endpoint, err error) (AuthVerdict, Endpoint) {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		ep.Close = &CloseInfo{Code: int(ce.Code), Reason: ce.Reason}
		if ce.Code == websocket.StatusPolicyViolation || authish(ce.Reason) {
			ep.AuthRequired = true
			ep.Note = "WebSocket closed: " + strconv.Itoa(int(ce.Code)) + " " + ce.Reason
			return AuthRefused, ep
		}
		ep.Note = "WebSocket closed with " + strconv.Itoa(int(ce.Code)) + ", not an auth error"
		return AuthUnknown, ep
	}
	ep.Error = err.Error()
	ep.Note = "WebSocket gave no verdict"
	return AuthUnknown, ep
}
