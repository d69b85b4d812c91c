package audit

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// wsHandshake is how one connect to the gateway's WebSocket went: the
// upgrade, then the connect request and the response to it.
type wsHandshake struct {
	// dialErr is set when the upgrade failed; resp is the server's answer
	// to it (nil when none came, e.g. nothing listens).
	dialErr error
	resp    *http.Response
	// answered: a response to the connect request came; ok: it accepted
	// the connect; errJSON: its error, as JSON, when it did not.
	answered, ok bool
	errJSON      string
	// endErr is what ended the wait before any response (a close frame,
	// the deadline, a broken connection).
	endErr error
}

// wsConnect does the gateway's WebSocket handshake the way its own
// clients do, shared by the deep audit probe (no credential) and the
// rotation's live check (auth = {"token"|"password": secret}): dial url,
// send a protocol-3 connect request as an operator with read scope, under
// reqID and the client name displayName, then read frames until the
// response to it. A fifth of the context's remaining time is kept back for
// the close handshake. With closeOnAccept an accepted connection is closed
// normally (the rotation check); otherwise it is just dropped.
func wsConnect(ctx context.Context, client *http.Client, url, reqID, displayName string, auth map[string]any, closeOnAccept bool) wsHandshake {
	c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		return wsHandshake{dialErr: err, resp: resp}
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)

	params := map[string]any{
		"minProtocol": 3, "maxProtocol": 3,
		"client": map[string]any{"id": "cli", "displayName": displayName, "version": "hardshell", "platform": "probe", "mode": "probe"},
		"role":   "operator", "scopes": []string{"operator.read"},
	}
	if auth != nil {
		params["auth"] = auth
	}
	msg, _ := json.Marshal(map[string]any{"type": "req", "id": reqID, "method": "connect", "params": params})

	// Leave a margin of the budget for the close handshake.
	rctx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		rctx, cancel = context.WithDeadline(ctx, dl.Add(-time.Until(dl)/5))
		defer cancel()
	}
	if err := c.Write(rctx, websocket.MessageText, msg); err != nil {
		return wsHandshake{endErr: err}
	}
	for {
		_, data, err := c.Read(rctx)
		if err != nil {
			return wsHandshake{endErr: err}
		}
		var frame struct {
			Type  string `json:"type"`
			ID    string `json:"id"`
			OK    *bool  `json:"ok"`
			Error any    `json:"error"`
		}
		if json.Unmarshal(data, &frame) != nil || frame.Type != "res" || frame.OK == nil {
			continue
		}
		if *frame.OK {
			if closeOnAccept {
				_ = c.Close(websocket.StatusNormalClosure, "")
			}
			return wsHandshake{answered: true, ok: true}
		}
		e, _ := json.Marshal(frame.Error)
		return wsHandshake{answered: true, errJSON: string(e)}
	}
}
