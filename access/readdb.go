package access

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/statedb"
)

// StateDB is what hardshell read from a 2026.9 state DB.
type StateDB struct {
	Path        string
	Exists      bool
	Files       []statedb.DBFile // main, -wal, -shm as found (modes for the permission check)
	UserVersion int
	// Err is why the DB could not be read or interpreted (*DBError); the
	// lists below are empty then.
	Err error
	// MissingTables are tables hardshell reads that the DB does not have
	// (read as no rows).
	MissingTables []string

	Requests     []PairingRequest
	AllowEntries []AllowEntry
	DevPending   []DeviceRequest
	DevPaired    []Device
	Exec         *ExecApprovals
	// HookInstalls is config_machine_state 'hooks.internal.installs' as
	// stored (JSON), where 2026.9 records hook-pack installs; "" when absent.
	HookInstalls string
}

// ReadStateDB reads the state DB of stateDir through fsy from a private
// snapshot. It never writes the state dir and never waits on the
// gateway's locks. A missing DB is Exists=false and no error.
func ReadStateDB(ctx context.Context, fsy fsys.FS, stateDir string, now time.Time) *StateDB {
	path := statedb.DBPath(stateDir)
	s := &StateDB{Path: path, Files: statedb.StatFiles(fsy, path)}
	main := s.Files[0]
	if !main.Exists && main.Err == nil {
		return s
	}
	s.Exists = true
	fail := func(msg string, err error) *StateDB {
		s.Err = &statedb.DBError{Path: path, Msg: msg, Err: err}
		return s
	}
	cp, cleanup, err := statedb.Snapshot(fsy, path)
	if err != nil {
		var nr *fsys.NotRegularError
		var tl *fsys.TooLargeError
		switch {
		case errors.As(err, &nr):
			return fail(nr.Reason(), err)
		case errors.As(err, &tl):
			return fail(tl.Reason(), err)
		case errors.Is(err, fsys.ErrSymlink):
			return fail("is a symbolic link; hardshell does not read the state DB through a link", err)
		case errors.Is(err, fs.ErrPermission):
			return fail("cannot be read (permission denied; run as the user OpenClaw runs as)", err)
		}
		return fail("cannot be read: "+err.Error(), err)
	}
	defer cleanup()
	db, v, err := statedb.OpenCopy(ctx, cp)
	s.UserVersion = v
	if err != nil {
		if errors.Is(err, statedb.ErrNewerSchema) {
			return fail(err.Error(), err)
		}
		return fail("is not a readable SQLite database ("+sqliteMsg(err)+")", err)
	}
	defer db.Close()
	if err := s.readAll(ctx, db, now); err != nil {
		s.Requests, s.AllowEntries, s.DevPending, s.DevPaired, s.Exec = nil, nil, nil, nil, nil
		return fail(sqliteMsg(err), err)
	}
	return s
}

// sqliteMsg shortens a driver error for a message.
func sqliteMsg(err error) string {
	m := err.Error()
	if i := strings.Index(m, "("); i > 0 && strings.HasPrefix(m, "file is not a database") {
		return "file is not a database"
	}
	return m
}

func (s *StateDB) readAll(ctx context.Context, db statedb.Querier, now time.Time) error {
	for _, t := range []string{"channel_pairing_requests", "channel_pairing_allow_entries", "device_pairing_pending", "device_pairing_paired", "exec_approvals_config"} {
		ok, err := statedb.CheckTable(ctx, db, t)
		if err != nil {
			return err
		}
		if !ok {
			s.MissingTables = append(s.MissingTables, t)
			continue
		}
		var rerr error
		switch t {
		case "channel_pairing_requests":
			s.Requests, rerr = readRequests(ctx, db, now)
		case "channel_pairing_allow_entries":
			s.AllowEntries, rerr = readAllowEntries(ctx, db)
		case "device_pairing_pending":
			s.DevPending, rerr = readDevPending(ctx, db, now)
		case "device_pairing_paired":
			s.DevPaired, rerr = readDevPaired(ctx, db)
		case "exec_approvals_config":
			s.Exec, rerr = readExecRow(ctx, db)
		}
		if rerr != nil {
			return fmt.Errorf("%s: %w", t, rerr)
		}
	}
	// config_machine_state holds more than hardshell reads: only the hook
	// install records are taken, and a DB without the table has none.
	if ok, err := statedb.CheckTable(ctx, db, "config_machine_state"); err != nil {
		return err
	} else if ok {
		var raw string
		err := db.QueryRowContext(ctx, "SELECT value_json FROM config_machine_state WHERE state_key = ?", MachineStateHookInstalls).Scan(&raw)
		switch {
		case err == nil:
			s.HookInstalls = raw
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("config_machine_state: %w", err)
		}
	}
	return nil
}

// MachineStateHookInstalls is the config_machine_state key under which
// OpenClaw 2026.9 keeps hook-pack install records (readHookInstalls); 2026.2
// kept them in the config at the same path.
const MachineStateHookInstalls = "hooks.internal.installs"

func ms(v sql.NullInt64) time.Time {
	if !v.Valid || v.Int64 == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func isoTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func strList(raw sql.NullString) []string {
	out := []string{}
	if raw.Valid && raw.String != "" {
		_ = json.Unmarshal([]byte(raw.String), &out)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func readRequests(ctx context.Context, db statedb.Querier, now time.Time) ([]PairingRequest, error) {
	rows, err := db.QueryContext(ctx, `SELECT channel_key, account_id, request_id, code, created_at, last_seen_at, meta_json
		FROM channel_pairing_requests ORDER BY channel_key, account_id, created_at, request_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PairingRequest
	for rows.Next() {
		var r PairingRequest
		var created, seen string
		var meta sql.NullString
		if err := rows.Scan(&r.Channel, &r.Account, &r.ID, &r.Code, &created, &seen, &meta); err != nil {
			return nil, err
		}
		r.CreatedAt, r.LastSeenAt = isoTime(created), isoTime(seen)
		if meta.Valid && meta.String != "" {
			m := map[string]any{}
			if json.Unmarshal([]byte(meta.String), &m) == nil {
				r.Meta = stringMap(m)
			}
		}
		r.Expired = expiredDM(r.CreatedAt, now)
		out = append(out, r)
	}
	return out, rows.Err()
}

func expiredDM(created, now time.Time) bool {
	return created.IsZero() || now.Sub(created) > DMPendingTTL
}

func stringMap(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok && s != "" {
			out[k] = s
		}
	}
	return out
}

func readAllowEntries(ctx context.Context, db statedb.Querier) ([]AllowEntry, error) {
	rows, err := db.QueryContext(ctx, `SELECT channel_key, account_id, entry, sort_order, updated_at
		FROM channel_pairing_allow_entries ORDER BY channel_key, account_id, sort_order, entry`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AllowEntry
	for rows.Next() {
		var e AllowEntry
		var upd sql.NullInt64
		if err := rows.Scan(&e.Channel, &e.Account, &e.Entry, &e.SortOrder, &upd); err != nil {
			return nil, err
		}
		e.UpdatedAt = ms(upd)
		out = append(out, e)
	}
	return out, rows.Err()
}

func readDevPending(ctx context.Context, db statedb.Querier, now time.Time) ([]DeviceRequest, error) {
	rows, err := db.QueryContext(ctx, `SELECT request_id, device_id, display_name, platform, client_id, client_mode, role, roles_json, scopes_json, remote_ip, is_repair, ts, refreshed_at_ms
		FROM device_pairing_pending ORDER BY ts, request_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeviceRequest
	for rows.Next() {
		var d DeviceRequest
		var name, plat, cid, cmode, role, roles, scopes, ip sql.NullString
		var repair, ts, refreshed sql.NullInt64
		if err := rows.Scan(&d.RequestID, &d.DeviceID, &name, &plat, &cid, &cmode, &role, &roles, &scopes, &ip, &repair, &ts, &refreshed); err != nil {
			return nil, err
		}
		d.DisplayName, d.Platform, d.ClientID, d.ClientMode, d.Role, d.RemoteIP = name.String, plat.String, cid.String, cmode.String, role.String, ip.String
		d.Roles, d.Scopes = strList(roles), strList(scopes)
		d.IsRepair = repair.Int64 != 0
		d.RequestedAt = ms(ts)
		last := d.RequestedAt
		if r := ms(refreshed); !r.IsZero() {
			last = r
		}
		d.Expired = now.Sub(last) > DevicePendingTTL
		out = append(out, d)
	}
	return out, rows.Err()
}

// tokenState is the part of a paired device's tokens_json hardshell keeps:
// never the token itself.
type tokenState struct {
	RevokedAtMs  int64 `json:"revokedAtMs"`
	LastUsedAtMs int64 `json:"lastUsedAtMs"`
}

func activeRoles(raw string) (roles []string, lastUsed time.Time) {
	toks := map[string]tokenState{}
	_ = json.Unmarshal([]byte(raw), &toks)
	roles = []string{}
	for role, t := range toks {
		if t.RevokedAtMs == 0 {
			roles = append(roles, role)
		}
		if u := time.UnixMilli(t.LastUsedAtMs).UTC(); t.LastUsedAtMs > 0 && u.After(lastUsed) {
			lastUsed = u
		}
	}
	sort.Strings(roles)
	return roles, lastUsed
}

func readDevPaired(ctx context.Context, db statedb.Querier) ([]Device, error) {
	rows, err := db.QueryContext(ctx, `SELECT device_id, display_name, operator_label, platform, client_id, client_mode, role, roles_json, scopes_json, remote_ip, tokens_json, approved_via, created_at_ms, approved_at_ms, last_seen_at_ms, last_seen_reason
		FROM device_pairing_paired ORDER BY approved_at_ms, device_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		var name, label, plat, cid, cmode, role, roles, scopes, ip, toks, via, reason sql.NullString
		var created, approved, seen sql.NullInt64
		if err := rows.Scan(&d.DeviceID, &name, &label, &plat, &cid, &cmode, &role, &roles, &scopes, &ip, &toks, &via, &created, &approved, &seen, &reason); err != nil {
			return nil, err
		}
		d.DisplayName, d.Label, d.Platform, d.ClientID, d.ClientMode, d.Role = name.String, label.String, plat.String, cid.String, cmode.String, role.String
		d.Roles, d.Scopes = strList(roles), strList(scopes)
		d.RemoteIP, d.ApprovedVia, d.LastSeenReason = ip.String, via.String, reason.String
		d.ActiveRoles, _ = activeRoles(toks.String)
		d.CreatedAt, d.ApprovedAt, d.LastSeen = ms(created), ms(approved), ms(seen)
		out = append(out, d)
	}
	return out, rows.Err()
}

func readExecRow(ctx context.Context, db statedb.Querier) (*ExecApprovals, error) {
	var raw string
	var upd sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT raw_json, updated_at_ms FROM exec_approvals_config WHERE config_key = 'current'`).Scan(&raw, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ex, err := parseExecDoc([]byte(raw), "state/openclaw.sqlite exec_approvals_config")
	if err != nil {
		return nil, err
	}
	ex.UpdatedAt = ms(upd)
	return ex, nil
}

// execDoc is the exec approvals document (2026.2 exec-approvals.json and
// 2026.9 exec_approvals_config.raw_json). socket.token is never read.
type execDoc struct {
	Defaults *execPolicy           `json:"defaults"`
	Agents   map[string]execPolicy `json:"agents"`
}

type execPolicy struct {
	Security  string `json:"security"`
	Ask       string `json:"ask"`
	Allowlist []struct {
		Pattern          string `json:"pattern"`
		Source           string `json:"source"`
		CommandText      string `json:"commandText"`
		LastUsedAt       int64  `json:"lastUsedAt"`
		LastUsedCommand  string `json:"lastUsedCommand"`
		LastResolvedPath string `json:"lastResolvedPath"`
	} `json:"allowlist"`
	MCPTools []struct {
		Server     string `json:"server"`
		Tool       string `json:"tool"`
		Source     string `json:"source"`
		AddedAt    int64  `json:"addedAt"`
		LastUsedAt int64  `json:"lastUsedAt"`
	} `json:"mcpTools"`
}

func msInt(v int64) time.Time {
	if v <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func parseExecDoc(raw []byte, where string) (*ExecApprovals, error) {
	var d execDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("exec approvals document: %w", err)
	}
	ex := &ExecApprovals{Where: where, Policies: []ExecAgentPolicy{}, Entries: []ExecApproval{}}
	if d.Defaults != nil {
		ex.Policies = append(ex.Policies, ExecAgentPolicy{Agent: "defaults", Security: d.Defaults.Security, Ask: d.Defaults.Ask})
	}
	ids := make([]string, 0, len(d.Agents))
	for id := range d.Agents {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a := d.Agents[id]
		if a.Security != "" || a.Ask != "" {
			ex.Policies = append(ex.Policies, ExecAgentPolicy{Agent: id, Security: a.Security, Ask: a.Ask})
		}
		for _, e := range a.Allowlist {
			cmd := e.CommandText
			if cmd == "" {
				cmd = e.LastUsedCommand
			}
			ex.Entries = append(ex.Entries, ExecApproval{Agent: id, Pattern: e.Pattern, Source: e.Source, Command: cmd, LastUsedAt: msInt(e.LastUsedAt), ResolvedBin: e.LastResolvedPath})
		}
		for _, m := range a.MCPTools {
			ex.Entries = append(ex.Entries, ExecApproval{Agent: id, Pattern: "mcp:" + m.Server + "/" + m.Tool, Source: m.Source, AddedAt: msInt(m.AddedAt), LastUsedAt: msInt(m.LastUsedAt)})
		}
	}
	return ex, nil
}
