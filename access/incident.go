package access

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/statedb"
)

// AuditEvent is one row of the 2026.9 gateway's audit_events (metadata
// only: OpenClaw stores no message text there; sender identities are
// HMAC pseudonyms and are not read).
type AuditEvent struct {
	Time      time.Time `json:"time"`
	Sequence  int64     `json:"sequence"`
	Kind      string    `json:"kind"`
	Action    string    `json:"action"`
	Status    string    `json:"status"`
	Agent     string    `json:"agent,omitempty"`
	Tool      string    `json:"tool,omitempty"`
	Channel   string    `json:"channel,omitempty"`
	Direction string    `json:"direction,omitempty"`
	ErrorCode string    `json:"errorCode,omitempty"`
}

// IngressEvent is one inbound message of the 2026.9 durable queue
// (channel_ingress_events): who wrote in, when, and — while it is pending,
// claimed or failed — what they wrote (completed rows keep no payload).
type IngressEvent struct {
	Time    time.Time `json:"time"`
	Channel string    `json:"channel"`
	Account string    `json:"account"`
	Status  string    `json:"status"`
	Sender  string    `json:"sender,omitempty"` // the sender id, when the payload still says
	Lane    string    `json:"lane,omitempty"`
	// Text is the message text still in the payload; the caller redacts it.
	Text   string `json:"text,omitempty"`
	Failed string `json:"failed,omitempty"` // failed_reason
}

// Grant is an approval made inside an incident window.
type Grant struct {
	Time time.Time `json:"time"`
	What string    `json:"what"`
	// Undo is the hardshell command that takes it back.
	Undo string `json:"undo"`
}

// Incident is what the state DB says about a window.
type Incident struct {
	Audit   []AuditEvent   `json:"audit"`
	Ingress []IngressEvent `json:"ingress"`
	Grants  []Grant        `json:"grants"`
	Notes   []string       `json:"notes,omitempty"`
}

// ReadIncident reads the state DB's audit and ingress rows and the
// approvals made in [since, until], from a private snapshot. No DB (the
// 2026.2 era) is an empty result. command builds the hardshell command
// that undoes an approval, acting on the target the caller read (its
// --state-dir, --config and --host; cmdline.Target.Command); nil = a bare
// "hardshell ARGS".
func ReadIncident(ctx context.Context, fsy fsys.FS, stateDir string, since, until time.Time, command func(args ...string) string) (*Incident, error) {
	if command == nil {
		command = cmdline.Target{}.Command
	}
	inc := &Incident{Audit: []AuditEvent{}, Ingress: []IngressEvent{}, Grants: []Grant{}}
	path := statedb.DBPath(stateDir)
	if _, err := fsy.Lstat(path); err != nil {
		return inc, nil
	}
	cp, cleanup, err := statedb.Snapshot(fsy, path)
	if err != nil {
		return nil, &statedb.DBError{Path: path, Msg: "cannot be read: " + err.Error(), Err: err}
	}
	defer cleanup()
	db, _, err := statedb.OpenCopy(ctx, cp)
	if err != nil {
		return nil, &statedb.DBError{Path: path, Msg: err.Error(), Err: err}
	}
	defer db.Close()
	from, to := since.UnixMilli(), until.UnixMilli()
	for _, t := range []string{"audit_events", "channel_ingress_events", "device_pairing_paired", "channel_pairing_allow_entries"} {
		ok, err := statedb.CheckTable(ctx, db, t)
		if err != nil {
			return nil, &statedb.DBError{Path: path, Msg: err.Error(), Err: err}
		}
		if !ok {
			inc.Notes = append(inc.Notes, path+" has no table "+t)
			continue
		}
		switch t {
		case "audit_events":
			err = inc.readAudit(ctx, db, from, to)
		case "channel_ingress_events":
			err = inc.readIngress(ctx, db, from, to)
		case "device_pairing_paired":
			err = inc.readDeviceGrants(ctx, db, from, to, command)
		case "channel_pairing_allow_entries":
			err = inc.readSenderGrants(ctx, db, from, to, command)
		}
		if err != nil {
			return nil, &statedb.DBError{Path: path, Msg: t + ": " + err.Error(), Err: err}
		}
	}
	sort.SliceStable(inc.Grants, func(i, j int) bool { return inc.Grants[i].Time.Before(inc.Grants[j].Time) })
	return inc, nil
}

func (inc *Incident) readAudit(ctx context.Context, db *sql.DB, from, to int64) error {
	rows, err := db.QueryContext(ctx, `SELECT sequence, occurred_at, kind, action, status, agent_id, tool_name, channel, direction, error_code
		FROM audit_events WHERE occurred_at BETWEEN ? AND ? ORDER BY occurred_at, sequence`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e AuditEvent
		var at int64
		var agent, tool, ch, dir, code sql.NullString
		if err := rows.Scan(&e.Sequence, &at, &e.Kind, &e.Action, &e.Status, &agent, &tool, &ch, &dir, &code); err != nil {
			return err
		}
		e.Time = time.UnixMilli(at).UTC()
		e.Agent, e.Tool, e.Channel, e.Direction, e.ErrorCode = agent.String, tool.String, ch.String, dir.String, code.String
		inc.Audit = append(inc.Audit, e)
	}
	return rows.Err()
}

// ingressPayload is the part of a queued update hardshell reads: the
// sender and the text (telegram's Update shape; other channels keep the
// lane key only).
type ingressPayload struct {
	Update struct {
		Message *struct {
			From struct {
				ID json.Number `json:"id"`
			} `json:"from"`
			Text    string `json:"text"`
			Caption string `json:"caption"`
		} `json:"message"`
	} `json:"update"`
}

func (inc *Incident) readIngress(ctx context.Context, db *sql.DB, from, to int64) error {
	rows, err := db.QueryContext(ctx, `SELECT channel_id, account_id, status, lane_key, payload_json, received_at, failed_reason
		FROM channel_ingress_events WHERE received_at BETWEEN ? AND ? ORDER BY received_at, event_id`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e IngressEvent
		var lane, failed sql.NullString
		var payload string
		var at int64
		if err := rows.Scan(&e.Channel, &e.Account, &e.Status, &lane, &payload, &at, &failed); err != nil {
			return err
		}
		e.Time, e.Lane, e.Failed = time.UnixMilli(at).UTC(), lane.String, failed.String
		var p ingressPayload
		if payload != "null" && json.Unmarshal([]byte(payload), &p) == nil && p.Update.Message != nil {
			e.Sender = p.Update.Message.From.ID.String()
			e.Text = p.Update.Message.Text
			if e.Text == "" {
				e.Text = p.Update.Message.Caption
			}
		}
		if e.Sender == "" {
			if _, id, ok := strings.Cut(e.Lane, ":"); ok {
				e.Sender = id // the DM chat id is the sender's
			}
		}
		inc.Ingress = append(inc.Ingress, e)
	}
	return rows.Err()
}

func (inc *Incident) readDeviceGrants(ctx context.Context, db *sql.DB, from, to int64, command func(...string) string) error {
	rows, err := db.QueryContext(ctx, `SELECT device_id, display_name, operator_label, client_id, role, scopes_json, approved_via, approved_at_ms, created_at_ms
		FROM device_pairing_paired WHERE approved_at_ms BETWEEN ? AND ? ORDER BY approved_at_ms`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var name, label, client, role, scopes, via sql.NullString
		var approved, created int64
		if err := rows.Scan(&id, &name, &label, &client, &role, &scopes, &via, &approved, &created); err != nil {
			return err
		}
		d := Device{DeviceID: id, DisplayName: name.String, Label: label.String, ClientID: client.String}
		what := fmt.Sprintf("%s %s (%s) paired, scopes %s, approved via %s", orDash(role.String), d.Title(), ShortID(id), orDash(strings.Join(strList(scopes), ",")), orDash(via.String))
		if created < approved {
			what += " (a re-approval; first paired " + time.UnixMilli(created).UTC().Format(time.RFC3339) + ")"
		}
		inc.Grants = append(inc.Grants, Grant{Time: time.UnixMilli(approved).UTC(), What: what, Undo: command("access", "device", "remove", ShortID(id))})
	}
	return rows.Err()
}

// readSenderGrants reports channels whose pairing state changed in the
// window: OpenClaw keeps no approval time per sender (every write of a
// channel rewrites all its rows' updated_at), so the honest statement is
// "these senders were approved at or before this time".
func (inc *Incident) readSenderGrants(ctx context.Context, db *sql.DB, from, to int64, command func(...string) string) error {
	rows, err := db.QueryContext(ctx, `SELECT channel_key, account_id, group_concat(entry, ', '), max(updated_at)
		FROM channel_pairing_allow_entries GROUP BY channel_key, account_id HAVING max(updated_at) BETWEEN ? AND ? ORDER BY 4`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ch, acct, entries string
		var at int64
		if err := rows.Scan(&ch, &acct, &entries, &at); err != nil {
			return err
		}
		n := strconv.Itoa(len(strings.Split(entries, ", ")))
		inc.Grants = append(inc.Grants, Grant{Time: time.UnixMilli(at).UTC(),
			What: ch + "/" + acct + " pairing store changed (" + n + " approved: " + entries + "); OpenClaw keeps no time per approval, so any of them may be new",
			Undo: command("access", "revoke", ch, "<sender>", "--account", acct)})
	}
	return rows.Err()
}
