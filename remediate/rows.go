package remediate

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/statedb"
)

// Row changes: hardshell's writes to OpenClaw 2026.9's state DB. The
// gateway writes that DB all the time, so a backup of the whole file would
// undo its work on restore; instead the backup set records the exact rows
// a change touched (by primary key, before and after), and a restore puts
// back only those rows.

// Row is one row: column → value (string, int64, float64 or nil).
type Row map[string]any

// RowChange is one row a change touched, by primary key. Before nil = the
// change inserted it; After nil = the change deleted it.
type RowChange struct {
	Table  string   `json:"table"`
	Key    []string `json:"key"` // primary key columns
	Before Row      `json:"before,omitempty"`
	After  Row      `json:"after,omitempty"`
}

// keyOf is the primary key of the change's row.
func (c RowChange) keyOf() Row {
	r := c.After
	if r == nil {
		r = c.Before
	}
	k := Row{}
	for _, col := range c.Key {
		k[col] = r[col]
	}
	return k
}

// String is "channel_pairing_allow_entries delete (telegram, default, 6102034051)".
func (c RowChange) String() string {
	op := "update"
	switch {
	case c.Before == nil:
		op = "insert"
	case c.After == nil:
		op = "delete"
	}
	k := c.keyOf()
	var parts []string
	for _, col := range c.Key {
		parts = append(parts, fmt.Sprint(k[col]))
	}
	return c.Table + " " + op + " (" + strings.Join(parts, ", ") + ")"
}

// UnmarshalJSON keeps integers integers (SQLite STRICT tables refuse a
// REAL in an INTEGER column).
func (r *Row) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*r = nil
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	m := map[string]any{}
	if err := d.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = i
			} else if f, err := n.Float64(); err == nil {
				m[k] = f
			}
		}
	}
	*r = m
	return nil
}

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func checkIdents(c RowChange) error {
	if !identRe.MatchString(c.Table) || len(c.Key) == 0 {
		return fmt.Errorf("bad row change for table %q", c.Table)
	}
	for _, r := range []Row{c.Before, c.After} {
		for col := range r {
			if !identRe.MatchString(col) {
				return fmt.Errorf("bad column %q in table %s", col, c.Table)
			}
		}
	}
	for _, col := range c.Key {
		if !identRe.MatchString(col) {
			return fmt.Errorf("bad key column %q in table %s", col, c.Table)
		}
	}
	return nil
}

func sortedCols(r Row) []string {
	cols := make([]string, 0, len(r))
	for c := range r {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	return cols
}

func whereKey(key []string, k Row) (string, []any) {
	var conds []string
	var args []any
	for _, col := range key {
		conds = append(conds, col+" = ?")
		args = append(args, k[col])
	}
	return strings.Join(conds, " AND "), args
}

// ReadRow reads the row of table with the given key (nil when absent), all
// columns.
func ReadRow(ctx context.Context, q statedb.Querier, table string, key []string, k Row) (Row, error) {
	if err := checkIdents(RowChange{Table: table, Key: key}); err != nil {
		return nil, err
	}
	where, args := whereKey(key, k)
	rows, err := q.QueryContext(ctx, "SELECT * FROM "+table+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, rows.Err()
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	r := Row{}
	for i, c := range cols {
		switch v := vals[i].(type) {
		case []byte:
			r[c] = string(v)
		default:
			r[c] = v
		}
	}
	return r, rows.Err()
}

// applyRow makes the row of c's key equal to target (nil = deleted).
func applyRow(ctx context.Context, tx *sql.Tx, c RowChange, target Row) error {
	k := c.keyOf()
	where, args := whereKey(c.Key, k)
	if target == nil {
		_, err := tx.ExecContext(ctx, "DELETE FROM "+c.Table+" WHERE "+where, args...)
		return err
	}
	cols := sortedCols(target)
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	vals := make([]any, len(cols))
	for i, col := range cols {
		vals[i] = target[col]
	}
	_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO "+c.Table+" ("+strings.Join(cols, ", ")+") VALUES ("+ph+")", vals...)
	return err
}

func sameRow(a, b Row) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if fmt.Sprint(v) != fmt.Sprint(b[k]) {
			return false
		}
	}
	return true
}

// RowPlan computes the row changes of a write inside its transaction
// (reading the rows it changes there, under the write lock).
type RowPlan func(ctx context.Context, tx *sql.Tx) ([]RowChange, error)

// LockedDBError is the gateway (or another writer) holding the state DB's
// write lock for longer than the busy timeout.
type LockedDBError struct{ Path string }

func (e *LockedDBError) Error() string {
	return fmt.Sprintf("%s is locked by another writer (the gateway?) for more than %s; nothing was changed, try again", e.Path, statedb.BusyTimeout)
}

func isBusy(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "SQLITE_BUSY") || strings.Contains(m, "database is locked")
}

// openDB opens the state DB for a write: with modernc.org/sqlite on this
// machine, or (a remote target) with the opener UseDB set.
var openDB = func(path string) (*sql.DB, error) {
	if _, local := sys.(fsys.Local); !local {
		return nil, fmt.Errorf("%s is not on this machine and no SQLite there was set up to write it; nothing was written", path)
	}
	return sql.Open("sqlite", statedb.DSN(path, false))
}

// UseDB makes open the way every state DB write of this process opens the
// DB (a remote target: SQLite run on that machine, which alone can lock
// the file), and returns the function that puts the previous one back.
func UseDB(open func(path string) (*sql.DB, error)) (restore func()) {
	prev := openDB
	openDB = open
	return func() { openDB = prev }
}

// CommitRows applies a row change to the state DB of stateDir: under the
// state dir's lock, in one SQLite transaction (BEGIN IMMEDIATE with a busy
// timeout), plan computes the rows; the backup set recording them is
// written ("prepared") before they are applied; the transaction commits and
// the set is marked committed. A plan with no change writes nothing (nil
// set). A state dir behind UseFS is written through the opener UseDB set
// (SQLite on that machine), never over the file system seam.
func CommitRows(ctx context.Context, stateDir string, meta BackupMeta, plan RowPlan) (*BackupSet, error) {
	fsy := sys
	path := statedb.DBPath(stateDir)
	fi, err := fsy.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist: nothing to change", path)
	case err != nil:
		return nil, err
	case fi.IsSymlink():
		return nil, fmt.Errorf("%s is a symbolic link; hardshell does not write the state DB through a link", path)
	case !fi.IsRegular():
		return nil, fmt.Errorf("%s is %s, not a regular file; nothing was written", path, fsys.KindOf(fi.Mode))
	}
	lock, err := lockOn(fsy, stateDir, true)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()

	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil) // _txlock=immediate: BEGIN IMMEDIATE
	if err != nil {
		if isBusy(err) {
			return nil, &LockedDBError{Path: path}
		}
		return nil, fmt.Errorf("%s: %w; nothing was written", path, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := statedb.CheckSchema(ctx, tx); err != nil {
		return nil, fmt.Errorf("%s: %w; nothing was written", path, err)
	}
	changes, err := plan(ctx, tx)
	if err != nil {
		if isBusy(err) {
			return nil, &LockedDBError{Path: path}
		}
		return nil, err
	}
	if len(changes) == 0 {
		return nil, nil
	}
	for _, c := range changes {
		if err := checkIdents(c); err != nil {
			return nil, err
		}
	}

	id, dir, err := newSetDir(fsy, stateDir, time.Now())
	if err != nil {
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	rel := filepath.ToSlash(statedb.DBRel)
	set := &BackupSet{ID: id, State: StatePrepared, CreatedAt: time.Now().UTC().Truncate(time.Second), ToolVersion: meta.ToolVersion,
		Command: meta.Command, CheckIDs: append([]string{}, meta.CheckIDs...), Entries: []BackupEntry{}, DB: rel, Rows: changes, Dir: dir}
	if set.CheckIDs == nil {
		set.CheckIDs = []string{}
	}
	if err := writeManifest(fsy, set); err != nil {
		removeSet(fsy, dir)
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	if err := syncDir(fsy, filepath.Dir(dir)); err != nil {
		removeSet(fsy, dir)
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	for _, c := range changes {
		if err := applyRow(ctx, tx, c, c.After); err != nil {
			removeSet(fsy, dir)
			if isBusy(err) {
				return nil, &LockedDBError{Path: path}
			}
			return nil, fmt.Errorf("%s: %s: %w; nothing was written", path, c, err)
		}
	}
	if err := tx.Commit(); err != nil {
		var lost interface{ OutcomeUnknown() bool }
		if errors.As(err, &lost) && lost.OutcomeUnknown() {
			// the DB's SQLite (on the remote) went during the commit: the
			// DB holds the old rows or the new; the set stays "prepared",
			// so restore puts back only rows that hold the new values
			return nil, &CommitUnknownError{Path: path, Err: err, BackupID: id}
		}
		removeSet(fsy, dir)
		if isBusy(err) {
			return nil, &LockedDBError{Path: path}
		}
		return nil, fmt.Errorf("%s: commit: %w; nothing was written", path, err)
	}
	set.State = StateCommitted
	if err := writeManifest(fsy, set); err != nil {
		return set, fmt.Errorf("the change is written, but backup %s could not be marked committed (%v); hardshell restore --list will show it as interrupted", id, err)
	}
	return set, nil
}

// restoreRows puts back the rows of set, by primary key, leaving every
// other row (and what the gateway wrote since) alone: a row the change
// inserted is deleted; a row it deleted is inserted again unless a row
// with that key exists now; a row it updated gets its old values only if it
// still holds the new ones. For an interrupted set a row that still holds
// its old values is left alone. The restore is itself a row change with a
// backup set (returned).
func restoreRows(ctx context.Context, stateDir string, set *BackupSet, toolVersion string) (*BackupSet, error) {
	if set.DB != filepath.ToSlash(statedb.DBRel) && set.DB != statedb.DBRel {
		return nil, fmt.Errorf("backup %s changed %s, which hardshell does not restore rows of", set.ID, set.DB)
	}
	return CommitRows(ctx, stateDir, BackupMeta{Command: "restore " + set.ID, CheckIDs: set.CheckIDs, ToolVersion: toolVersion},
		func(ctx context.Context, tx *sql.Tx) ([]RowChange, error) {
			var out []RowChange
			for i := len(set.Rows) - 1; i >= 0; i-- {
				c := set.Rows[i]
				if err := checkIdents(c); err != nil {
					return nil, fmt.Errorf("backup %s: %w", set.ID, err)
				}
				cur, err := ReadRow(ctx, tx, c.Table, c.Key, c.keyOf())
				if err != nil {
					return nil, err
				}
				var target Row
				switch {
				case set.Interrupted() && sameRow(cur, c.Before):
					continue // never applied
				case c.Before == nil: // inserted: delete it, whatever it holds now
					if cur == nil {
						continue
					}
				case c.After == nil: // deleted: re-insert unless the key is taken again
					if cur != nil {
						continue
					}
					target = c.Before
				default: // updated: only if untouched since
					if !sameRow(cur, c.After) {
						continue
					}
					target = c.Before
				}
				out = append(out, RowChange{Table: c.Table, Key: c.Key, Before: cur, After: target})
			}
			return out, nil
		})
}

// ReadRows runs a query and returns every row with all its columns.
func ReadRows(ctx context.Context, q statedb.Querier, query string, args ...any) ([]Row, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := Row{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				r[c] = string(b)
			} else {
				r[c] = vals[i]
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordRows stores a backup set for rows another program (the openclaw
// CLI) already changed, as read before and after its run, so that
// `hardshell restore ID` can put them back by key like any row change. The
// set is committed at once: the change is on disk.
func RecordRows(stateDir string, meta BackupMeta, changes []RowChange) (*BackupSet, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	for _, c := range changes {
		if err := checkIdents(c); err != nil {
			return nil, err
		}
	}
	fsy := sys
	lock, err := lockOn(fsy, stateDir, true)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	id, dir, err := newSetDir(fsy, stateDir, time.Now())
	if err != nil {
		return nil, err
	}
	set := &BackupSet{ID: id, State: StateCommitted, CreatedAt: time.Now().UTC().Truncate(time.Second), ToolVersion: meta.ToolVersion,
		Command: meta.Command, CheckIDs: append([]string{}, meta.CheckIDs...), Entries: []BackupEntry{}, DB: filepath.ToSlash(statedb.DBRel), Rows: changes, Dir: dir}
	if set.CheckIDs == nil {
		set.CheckIDs = []string{}
	}
	if err := writeManifest(fsy, set); err != nil {
		removeSet(fsy, dir)
		return nil, err
	}
	return set, syncDir(fsy, filepath.Dir(dir))
}
