// Package act makes the changes of `hardshell access`: approve, reject
// and revoke DM senders, reject and remove devices, in the store of the
// state dir's era (the 2026.9 state DB, one SQLite transaction recording
// the exact rows; the 2026.2 JSON stores, through remediate's
// transaction). It is apart from package access because remediate (the
// transaction) imports the audit, which reads the review.
package act

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	ToolVersion string
	Now         time.Time // zero = time.Now
}

// Apply makes the plan's change directly in the store of the review's era:
// in the state DB as one SQLite transaction recording the exact rows in a
// backup set, or in the JSON stores through remediate's transaction. It
// returns the backup set (nil when nothing changed).
func Apply(ctx context.Context, s *model.Snapshot, r *access.Review, p *access.Plan, o ApplyOptions) (*remediate.BackupSet, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	meta := remediate.BackupMeta{Command: p.Action.Command(), CheckIDs: []string{}, ToolVersion: o.ToolVersion}
	if r.Store == access.StoreSQLite {
		return remediate.CommitRows(ctx, s.Target.StateDir, meta, func(ctx context.Context, tx *sql.Tx) ([]remediate.RowChange, error) {
			return sqlPlan(ctx, tx, p, now)
		})
	}
	return applyJSON(s, p, meta, now)
}

var (
	keyRequests = []string{"channel_key", "account_id", "request_id"}
	keyAllow    = []string{"channel_key", "account_id", "entry"}
	keyDevPend  = []string{"request_id"}
	keyDevPair  = []string{"device_id"}
)

// sqlPlan computes the rows an action changes, inside the write
// transaction, following OpenClaw's own writers (pairing-store-sqlite,
// device-pairing): the request row goes, an allow entry is appended with
// the next sort_order and updated_at now.
func sqlPlan(ctx context.Context, tx *sql.Tx, p *access.Plan, now time.Time) ([]remediate.RowChange, error) {
	var out []remediate.RowChange
	ch := access.ChannelKey(p.Action.Channel)
	stale := func(what string) error {
		return fmt.Errorf("%s changed since it was read (the gateway wrote it); nothing was written, run the command again", what)
	}
	switch p.Action.Kind {
	case access.Approve, access.Reject:
		q := p.Req
		row, err := remediate.ReadRow(ctx, tx, "channel_pairing_requests", keyRequests, remediate.Row{"channel_key": ch, "account_id": q.Account, "request_id": q.ID})
		if err != nil {
			return nil, err
		}
		if row == nil || !strings.EqualFold(fmt.Sprint(row["code"]), q.Code) {
			return nil, stale("the pairing request " + q.Code)
		}
		out = append(out, remediate.RowChange{Table: "channel_pairing_requests", Key: keyRequests, Before: row})
		if p.Action.Kind == access.Reject {
			return out, nil
		}
		entry := access.NormEntry(p.Action.Channel, q.ID)
		k := remediate.Row{"channel_key": ch, "account_id": q.Account, "entry": entry}
		cur, err := remediate.ReadRow(ctx, tx, "channel_pairing_allow_entries", keyAllow, k)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			var next sql.NullInt64
			if err := tx.QueryRowContext(ctx, "SELECT max(sort_order) + 1 FROM channel_pairing_allow_entries WHERE channel_key = ? AND account_id = ?", ch, q.Account).Scan(&next); err != nil {
				return nil, err
			}
			k["sort_order"] = next.Int64
			k["updated_at"] = now.UnixMilli()
			out = append(out, remediate.RowChange{Table: "channel_pairing_allow_entries", Key: keyAllow, After: k})
		}
	case access.Revoke:
		entry := access.NormEntry(p.Action.Channel, p.Action.Sender)
		row, err := remediate.ReadRow(ctx, tx, "channel_pairing_allow_entries", keyAllow, remediate.Row{"channel_key": ch, "account_id": p.Acct, "entry": entry})
		if err != nil {
			return nil, err
		}
		if row == nil {
			return nil, stale("the approved sender " + entry)
		}
		out = append(out, remediate.RowChange{Table: "channel_pairing_allow_entries", Key: keyAllow, Before: row})
	case access.DeviceReject:
		row, err := remediate.ReadRow(ctx, tx, "device_pairing_pending", keyDevPend, remediate.Row{"request_id": p.DevReq.RequestID})
		if err != nil {
			return nil, err
		}
		if row == nil {
			return nil, stale("the device request " + p.DevReq.RequestID)
		}
		out = append(out, remediate.RowChange{Table: "device_pairing_pending", Key: keyDevPend, Before: row})
	case access.DeviceRemove:
		row, err := remediate.ReadRow(ctx, tx, "device_pairing_paired", keyDevPair, remediate.Row{"device_id": p.Dev.DeviceID})
		if err != nil {
			return nil, err
		}
		if row == nil {
			return nil, stale("the paired device " + access.ShortID(p.Dev.DeviceID))
		}
		out = append(out, remediate.RowChange{Table: "device_pairing_paired", Key: keyDevPair, Before: row})
		rows, err := tx.QueryContext(ctx, "SELECT request_id FROM device_pairing_pending WHERE device_id = ? ORDER BY request_id", p.Dev.DeviceID)
		if err != nil {
			return nil, err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			r, err := remediate.ReadRow(ctx, tx, "device_pairing_pending", keyDevPend, remediate.Row{"request_id": id})
			if err != nil {
				return nil, err
			}
			out = append(out, remediate.RowChange{Table: "device_pairing_pending", Key: keyDevPend, Before: r})
		}
	}
	return out, nil
}

// applyJSON changes the 2026.2 JSON stores through remediate's
// transaction: every file it reads is an input re-checked under the lock,
// each file is written whole (temp + fsync + rename, mode kept), backed up.
func applyJSON(s *model.Snapshot, p *access.Plan, meta remediate.BackupMeta, now time.Time) (*remediate.BackupSet, error) {
	state := s.Target.StateDir
	t := remediate.NewTxn(state)
	if s.Reads != nil {
		t.TrackInputs(s.Reads)
	}
	read := func(path string) (map[string]any, []byte, error) {
		data, err := s.ReadFile(path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
		if err != nil {
			return nil, nil, err
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, nil, errors.New(access.JSONErr(path, data, err))
		}
		return v, data, nil
	}
	write := func(path string, v any, trailingNL bool, why string) error {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if trailingNL {
			data = append(data, '\n')
		}
		t.Write(path, data, 0o600, why)
		return nil
	}
	cred := filepath.Join(state, "credentials")
	switch p.Action.Kind {
	case access.Approve, access.Reject:
		path := filepath.Join(cred, access.ChannelKey(p.Action.Channel)+"-pairing.json")
		v, _, err := read(path)
		if err != nil {
			return nil, err
		}
		reqs, _ := v["requests"].([]any)
		var keep []any
		for _, e := range reqs {
			m, _ := e.(map[string]any)
			if m != nil && strings.EqualFold(fmt.Sprint(m["code"]), p.Req.Code) {
				continue
			}
			keep = append(keep, e)
		}
		if len(keep) == len(reqs) {
			return nil, fmt.Errorf("%s changed since it was read; nothing was written, run the command again", path)
		}
		if keep == nil {
			keep = []any{}
		}
		v["requests"] = keep
		if err := write(path, v, true, p.Summary); err != nil {
			return nil, err
		}
		if p.Action.Kind == access.Approve {
			name := access.ChannelKey(p.Action.Channel) + "-allowFrom.json"
			if p.Acct != "default" {
				name = access.ChannelKey(p.Action.Channel) + "-" + p.Acct + "-allowFrom.json"
			}
			ap := filepath.Join(cred, name)
			av, _, err := read(ap)
			if errors.Is(err, fs.ErrNotExist) {
				av, err = map[string]any{"version": 1, "allowFrom": []any{}}, nil
				t.TrackMissing(ap)
			}
			if err != nil {
				return nil, err
			}
			list, _ := av["allowFrom"].([]any)
			entry := access.NormEntry(p.Action.Channel, p.Req.ID)
			present := false
			for _, e := range list {
				if access.NormEntry(p.Action.Channel, fmt.Sprint(e)) == entry {
					present = true
				}
			}
			if !present {
				av["allowFrom"] = append(list, entry)
				if err := write(ap, av, true, p.Summary); err != nil {
					return nil, err
				}
			}
		}
	case access.Revoke:
		name := access.ChannelKey(p.Action.Channel) + "-allowFrom.json"
		for _, ps := range s.FS.PairingStores {
			if access.ChannelKey(ps.Channel) == access.ChannelKey(p.Action.Channel) && access.AccountKey(ps.Account) == p.Acct {
				name = filepath.Base(ps.File.Path)
			}
		}
		ap := filepath.Join(cred, name)
		av, _, err := read(ap)
		if err != nil {
			return nil, err
		}
		list, _ := av["allowFrom"].([]any)
		entry := access.NormEntry(p.Action.Channel, p.Action.Sender)
		var keep []any
		for _, e := range list {
			if access.NormEntry(p.Action.Channel, fmt.Sprint(e)) != entry {
				keep = append(keep, e)
			}
		}
		if keep == nil {
			keep = []any{}
		}
		av["allowFrom"] = keep
		if err := write(ap, av, true, p.Summary); err != nil {
			return nil, err
		}
	case access.DeviceReject, access.DeviceRemove:
		dir := access.DevicesDir(state)
		pend := filepath.Join(dir, "pending.json")
		pv, _, err := read(pend)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		changed := false
		for k, e := range pv {
			m, _ := e.(map[string]any)
			if (p.DevReq != nil && k == p.DevReq.RequestID) || (p.Dev != nil && m != nil && m["deviceId"] == p.Dev.DeviceID) {
				delete(pv, k)
				changed = true
			}
		}
		if changed {
			if err := write(pend, pv, false, p.Summary); err != nil {
				return nil, err
			}
		}
		if p.Dev != nil {
			paired := filepath.Join(dir, "paired.json")
			dv, _, err := read(paired)
			if err != nil {
				return nil, err
			}
			delete(dv, p.Dev.DeviceID)
			if err := write(paired, dv, false, p.Summary); err != nil {
				return nil, err
			}
		}
	}
	_ = now
	return t.Commit(meta)
}
