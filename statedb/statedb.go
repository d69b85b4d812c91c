// Package statedb is hardshell's seam to OpenClaw 2026.9's state DB
// (<state>/state/openclaw.sqlite): the schema facts it relies on, the
// snapshot read and the write connection. Package access reads and changes
// the access tables through it; remediate restores recorded rows through it.
//
// The DB is read from a private snapshot: its main file and -wal are read
// through the fsys seam (so a remote FS can serve them), written into a
// 0700 temp dir and opened there. Opening the live file, even read-only,
// would create -wal/-shm in the state dir, could block behind the
// gateway's write lock, and ignoring the WAL (immutable=1) misses the
// gateway's latest writes. Writes open the live file (local only) with a
// busy timeout and BEGIN IMMEDIATE, as OpenClaw's own writers do.
package statedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"

	// modernc.org/sqlite is SQLite translated to Go: no cgo, so the binary
	// stays static. It is the C code, so WAL replay and locking behave as
	// OpenClaw's node:sqlite does.
	_ "modernc.org/sqlite"
)

// The 2026.9 state DB facts hardshell relies on (OpenClaw 2026.9.6).
const (
	// SchemaVersion is the newest PRAGMA user_version hardshell knows; a
	// newer DB is neither interpreted nor written (OpenClaw itself refuses
	// a DB newer than it knows: assertSupportedStateSchemaVersion).
	SchemaVersion = 18
	// BusyTimeout is how long a write waits for the gateway's write lock
	// (OpenClaw's own OPENCLAW_SQLITE_BUSY_TIMEOUT_MS).
	BusyTimeout = 5 * time.Second
)

// DBRel is where the state DB lives, relative to the state dir.
var DBRel = filepath.Join("state", "openclaw.sqlite")

// DBPath is the state DB of a state dir.
func DBPath(stateDir string) string { return filepath.Join(stateDir, DBRel) }

// DBError is a state DB hardshell could not read or will not interpret:
// corrupt, not a regular file, too large, or of a newer schema.
type DBError struct {
	Path string
	Msg  string
	Err  error
}

func (e *DBError) Error() string { return e.Path + ": " + e.Msg }
func (e *DBError) Unwrap() error { return e.Err }

// ErrNewerSchema marks a DB whose schema is newer than SchemaVersion.
var ErrNewerSchema = errors.New("newer state schema")

// DBFile is one of the DB's files as found on disk (for the permission
// check): the main file, -wal and -shm.
type DBFile struct {
	Path   string
	Exists bool
	Mode   fs.FileMode
	Err    error
}

// tables hardshell reads, with the columns it needs (a subset of
// 2026.9.6's; a newer release may add columns).
var TableColumns = map[string][]string{
	"channel_pairing_requests":      {"channel_key", "account_id", "request_id", "code", "created_at", "last_seen_at", "meta_json"},
	"channel_pairing_allow_entries": {"channel_key", "account_id", "entry", "sort_order", "updated_at"},
	"device_pairing_pending":        {"request_id", "device_id", "display_name", "platform", "client_id", "client_mode", "role", "roles_json", "scopes_json", "remote_ip", "is_repair", "ts", "refreshed_at_ms"},
	"device_pairing_paired":         {"device_id", "display_name", "operator_label", "platform", "client_id", "client_mode", "role", "roles_json", "scopes_json", "remote_ip", "tokens_json", "approved_via", "created_at_ms", "approved_at_ms", "last_seen_at_ms", "last_seen_reason"},
	"exec_approvals_config":         {"config_key", "raw_json", "updated_at_ms"},
	"audit_events":                  {"sequence", "occurred_at", "kind", "action", "status", "actor_type", "agent_id", "tool_name", "direction", "channel", "error_code"},
	"config_machine_state":          {"state_key", "value_json"},
	"channel_ingress_events":        {"channel_id", "account_id", "event_id", "status", "lane_key", "payload_json", "received_at", "failed_reason", "last_error"},
}

// readAttempts bounds the retries of a snapshot copy that raced a
// checkpoint (the files changed while they were read).
const readAttempts = 5

// Snapshot copies the DB and its -wal into a new 0700 temp dir (files
// 0600) through fsy and returns the copy's path. -shm is not copied:
// SQLite rebuilds the WAL index from -wal when it opens the copy. The two
// files are read between two stats of both; a change in between (a
// checkpoint or a write) retries.
func Snapshot(fsy fsys.FS, path string) (copyPath string, cleanup func(), err error) {
	wal := path + "-wal"
	stat := func() string {
		var b strings.Builder
		for _, p := range []string{path, wal} {
			fi, err := fsy.Lstat(p)
			if err != nil {
				b.WriteString("absent;")
				continue
			}
			fmt.Fprintf(&b, "%d/%d;", fi.Size, fi.ModTime.UnixNano())
		}
		return b.String()
	}
	opts := fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStateDB}
	for attempt := 0; attempt < readAttempts; attempt++ {
		before := stat()
		db, err := fsy.ReadFile(path, opts)
		if err != nil {
			return "", nil, err
		}
		w, werr := fsy.ReadFile(wal, opts)
		if werr != nil && !errors.Is(werr, fs.ErrNotExist) {
			return "", nil, werr
		}
		if stat() != before {
			time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
			continue
		}
		dir, err := os.MkdirTemp("", "hardshell-statedb-")
		if err != nil {
			return "", nil, err
		}
		cleanup := func() { _ = os.RemoveAll(dir) }
		cp := filepath.Join(dir, "openclaw.sqlite")
		if err := os.WriteFile(cp, db, 0o600); err != nil {
			cleanup()
			return "", nil, err
		}
		if werr == nil && len(w) > 0 {
			if err := os.WriteFile(cp+"-wal", w, 0o600); err != nil {
				cleanup()
				return "", nil, err
			}
		}
		return cp, cleanup, nil
	}
	return "", nil, fmt.Errorf("the database kept changing while it was read (%d attempts); try again", readAttempts)
}

// dsn is the connection string: a busy timeout on every connection, and
// foreign keys as OpenClaw sets them.
func DSN(path string, readOnly bool) string {
	q := "?_pragma=busy_timeout(" + strconv.Itoa(int(BusyTimeout/time.Millisecond)) + ")&_pragma=foreign_keys(1)&_txlock=immediate"
	if readOnly {
		q += "&mode=ro"
	}
	return "file:" + path + q
}

// OpenCopy opens a snapshot copy, checks its integrity and schema version.
func OpenCopy(ctx context.Context, path string) (*sql.DB, int, error) {
	db, err := sql.Open("sqlite", DSN(path, false))
	if err != nil {
		return nil, 0, err
	}
	db.SetMaxOpenConns(1)
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		db.Close()
		return nil, 0, err
	}
	if check != "ok" {
		db.Close()
		return nil, 0, fmt.Errorf("integrity check failed: %s", firstLine(check))
	}
	v, err := CheckSchema(ctx, db)
	if err != nil {
		db.Close()
		return nil, v, err
	}
	return db, v, nil
}

// CheckSchema reads PRAGMA user_version and OpenClaw's content version
// (config_machine_state 'state.schema.contentVersion', when present) and
// refuses either above SchemaVersion.
func CheckSchema(ctx context.Context, q Querier) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, err
	}
	if v > SchemaVersion {
		return v, fmt.Errorf("%w: user_version %d, hardshell knows up to %d (a newer OpenClaw wrote it; update hardshell)", ErrNewerSchema, v, SchemaVersion)
	}
	if ok, _ := HasTable(ctx, q, "config_machine_state"); ok {
		var raw string
		err := q.QueryRowContext(ctx, "SELECT value_json FROM config_machine_state WHERE state_key = 'state.schema.contentVersion'").Scan(&raw)
		if err == nil {
			if cv, perr := strconv.Atoi(strings.Trim(strings.TrimSpace(raw), `"`)); perr == nil && cv > SchemaVersion {
				return v, fmt.Errorf("%w: content version %d, hardshell knows up to %d", ErrNewerSchema, cv, SchemaVersion)
			}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return v, err
		}
	}
	return v, nil
}

type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func HasTable(ctx context.Context, q Querier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&n)
	return n > 0, err
}

// CheckTable reports whether table exists, and an error when it lacks a
// column hardshell reads (a shape it does not know).
func CheckTable(ctx context.Context, q Querier, table string) (bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return false, err
		}
		have[n] = true
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(have) == 0 {
		return false, nil
	}
	var missing []string
	for _, c := range TableColumns[table] {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return true, fmt.Errorf("table %s has no column %s: a schema hardshell does not know", table, strings.Join(missing, ", "))
	}
	return true, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// StatFiles describes the DB, -wal and -shm.
func StatFiles(fsy fsys.FS, path string) []DBFile {
	var out []DBFile
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		f := DBFile{Path: p}
		fi, err := fsy.Lstat(p)
		switch {
		case err == nil:
			f.Exists, f.Mode = true, fi.Mode
		case !errors.Is(err, fs.ErrNotExist):
			f.Err = err
		}
		out = append(out, f)
	}
	return out
}
