// Package nodesql is a database/sql driver whose one connection is a node
// process running node:sqlite on a state DB, reached through pipes: over
// --host, a node on the remote started over the ssh connection. It exists
// so that a remote state DB is written by SQLite on the machine that holds
// it (SFTP has no byte-range locks, so SQLite must never write the file
// over it), while the statements stay hardshell's own: the same Go code
// (remediate.CommitRows and the access plans) runs its SQL through this
// driver instead of modernc.org/sqlite. The node side (server.js) holds no
// SQL; it runs what it is sent, one JSON line per request.
//
// The node used is the one OpenClaw runs on (OpenClaw 2026.9 keeps its
// state in node:sqlite, so that node has it), found by Script.
package nodesql

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed server.js
var serverJS string

// Proc is a started server process: its stdin and stdout, and Wait, which
// waits for it to end after stdin is closed (its error says why it failed).
type Proc struct {
	Stdin  io.WriteCloser
	Stdout io.Reader
	Wait   func() error
}

// Starter starts the server (a /bin/sh running Script somewhere).
type Starter func() (*Proc, error)

// Open returns a DB whose connections each start a server through start
// and open the SQLite file path there with busy timeout busy. Callers
// write through one connection (SetMaxOpenConns(1) is set).
func Open(start Starter, path string, busy time.Duration) *sql.DB {
	db := sql.OpenDB(&connector{start: start, path: path, busy: busy})
	db.SetMaxOpenConns(1)
	return db
}

// Script is the /bin/sh script that runs the server with the node the
// OpenClaw CLI openclaw runs on: asked of the CLI's own launcher (a preload
// that prints process.execPath and exits before OpenClaw's code runs, so a
// wrapper script or a node of its own is followed), else the node on PATH;
// the first that has node:sqlite is used. Without one it exits 97 with a
// message on stderr.
func Script(openclaw string) string {
	return `oc=` + shQuote(openclaw) + `
cands=
if [ -n "$oc" ] && [ -x "$oc" ]; then
  cands=$(NODE_OPTIONS='--import=data:text/javascript,console.log(process.execPath);process.exit(0)' "$oc" --version </dev/null 2>/dev/null | sed -n 1p)
fi
pathnode=$(command -v node 2>/dev/null || true)
for n in "$cands" "$pathnode"; do
  if [ -n "$n" ] && [ -x "$n" ] && "$n" -e 'require("node:sqlite")' </dev/null >/dev/null 2>&1; then
    exec "$n" -e ` + shQuote(serverJS) + `
  fi
done
echo "no node with node:sqlite here (the one OpenClaw runs on: ${cands:-not found}; on PATH: ${pathnode:-none})" >&2
exit 97
`
}

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

type connector struct {
	start Starter
	path  string
	busy  time.Duration
}

func (c *connector) Driver() driver.Driver { return drv{} }

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	p, err := c.start()
	if err != nil {
		return nil, err
	}
	cn := &conn{p: p, r: bufio.NewReader(p.Stdout)}
	if _, err := cn.call(request{Op: "open", Path: c.path, BusyMs: c.busy.Milliseconds()}); err != nil {
		_ = cn.Close()
		return nil, err
	}
	return cn, nil
}

type drv struct{}

func (drv) Open(string) (driver.Conn, error) {
	return nil, errors.New("nodesql: open through nodesql.Open")
}

type request struct {
	Op     string  `json:"op"`
	Path   string  `json:"path,omitempty"`
	BusyMs int64   `json:"busyMs,omitempty"`
	SQL    string  `json:"sql,omitempty"`
	Args   []value `json:"args,omitempty"`
}

type reply struct {
	OK      bool       `json:"ok"`
	Err     string     `json:"err"`
	Code    *int       `json:"code"`
	ErrStr  string     `json:"errstr"`
	Changes string     `json:"changes"`
	LastID  string     `json:"lastId"`
	Cols    []string   `json:"cols"`
	Rows    [][]*value `json:"rows"`
}

// value is one SQLite value on the wire, tagged by type so integers stay
// exact (int64 beyond 2^53) and text and blobs stay apart.
type value struct {
	I *string `json:"i,omitempty"`
	F *string `json:"f,omitempty"`
	S *string `json:"s,omitempty"`
	B *string `json:"b,omitempty"`
}

func encode(v driver.Value) (value, error) {
	str := func(s string) *string { return &s }
	switch x := v.(type) {
	case nil:
		return value{}, nil
	case int64:
		return value{I: str(strconv.FormatInt(x, 10))}, nil
	case float64:
		return value{F: str(strconv.FormatFloat(x, 'g', -1, 64))}, nil
	case bool:
		if x {
			return value{I: str("1")}, nil
		}
		return value{I: str("0")}, nil
	case string:
		return value{S: str(x)}, nil
	case []byte:
		return value{B: str(base64.StdEncoding.EncodeToString(x))}, nil
	case time.Time:
		return value{S: str(x.Format(time.RFC3339Nano))}, nil
	}
	return value{}, fmt.Errorf("nodesql: cannot send a %T", v)
}

func (v *value) decode() (driver.Value, error) {
	switch {
	case v == nil:
		return nil, nil
	case v.I != nil:
		return strconv.ParseInt(*v.I, 10, 64)
	case v.F != nil:
		return strconv.ParseFloat(*v.F, 64)
	case v.S != nil:
		return *v.S, nil
	case v.B != nil:
		return base64.StdEncoding.DecodeString(*v.B)
	}
	return nil, nil
}

// MarshalJSON writes a NULL as null.
func (v value) MarshalJSON() ([]byte, error) {
	if v.I == nil && v.F == nil && v.S == nil && v.B == nil {
		return []byte("null"), nil
	}
	type plain value
	return json.Marshal(plain(v))
}

// Error is an error SQLite reported on the server's side. Its text carries
// SQLite's result name (SQLITE_BUSY, …) as modernc.org/sqlite's does, so
// callers tell a locked DB the same way for both drivers.
type Error struct {
	Msg  string
	Code int
}

var codeNames = map[int]string{5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 8: "SQLITE_READONLY", 11: "SQLITE_CORRUPT", 19: "SQLITE_CONSTRAINT", 26: "SQLITE_NOTADB"}

func (e *Error) Error() string {
	name := codeNames[e.Code&0xff]
	if name == "" {
		if e.Code == 0 {
			return e.Msg
		}
		name = "SQLITE_ERROR " + strconv.Itoa(e.Code)
	}
	return e.Msg + " (" + name + ")"
}

// LostError is the server process (or the connection to it) gone before
// it answered. A transaction it had open is rolled back, but a COMMIT in
// flight may or may not have taken effect: OutcomeUnknown says so to a
// writer that must not claim "nothing was written".
type LostError struct{ Err error }

func (e *LostError) Error() string        { return "the SQLite process ended: " + e.Err.Error() }
func (e *LostError) Unwrap() error        { return e.Err }
func (e *LostError) OutcomeUnknown() bool { return true }

type conn struct {
	mu     sync.Mutex
	p      *Proc
	r      *bufio.Reader
	broken error
	closed bool
}

// call sends one request and reads its answer. A broken pipe or an end
// of the answers (the process or the connection went) breaks the
// connection for good: a transaction on it is gone, and the server rolls
// it back when its stdin ends.
func (c *conn) call(q request) (*reply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return nil, c.broken
	}
	data, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	if _, err := c.p.Stdin.Write(append(data, '\n')); err != nil {
		return nil, c.fail(err)
	}
	line, err := c.r.ReadBytes('\n')
	if err != nil {
		return nil, c.fail(err)
	}
	var a reply
	if err := json.Unmarshal(line, &a); err != nil {
		return nil, c.fail(fmt.Errorf("unreadable answer %q: %w", truncate(string(line), 200), err))
	}
	if !a.OK {
		e := &Error{Msg: a.Err}
		if a.Code != nil {
			e.Code = *a.Code
		}
		return nil, e
	}
	return &a, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// fail breaks the connection with err, adding why the process ended.
func (c *conn) fail(err error) error {
	_ = c.p.Stdin.Close()
	if werr := c.p.Wait(); werr != nil {
		err = fmt.Errorf("%w (%v)", werr, err)
	}
	c.broken = &LostError{Err: err}
	c.closed = true
	return c.broken
}

func (c *conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	_ = c.p.Stdin.Close()
	return c.p.Wait()
}

// IsValid: a broken connection is not reused.
func (c *conn) IsValid() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken == nil
}

func (c *conn) Prepare(query string) (driver.Stmt, error) { return &stmt{c: c, q: query}, nil }

func (c *conn) Begin() (driver.Tx, error) { return c.BeginTx(context.Background(), driver.TxOptions{}) }

// BeginTx starts the transaction as BEGIN IMMEDIATE (the write lock at
// once, as OpenClaw's writers and hardshell's local writer take it).
func (c *conn) BeginTx(_ context.Context, _ driver.TxOptions) (driver.Tx, error) {
	if _, err := c.call(request{Op: "begin"}); err != nil {
		return nil, err
	}
	return tx{c}, nil
}

type tx struct{ c *conn }

func (t tx) Commit() error {
	_, err := t.c.call(request{Op: "commit"})
	return err
}

func (t tx) Rollback() error {
	_, err := t.c.call(request{Op: "rollback"})
	return err
}

func args(named []driver.NamedValue) ([]value, error) {
	out := make([]value, len(named))
	for i, n := range named {
		if n.Name != "" {
			return nil, errors.New("nodesql: named parameters are not supported")
		}
		v, err := encode(n.Value)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (c *conn) ExecContext(_ context.Context, query string, named []driver.NamedValue) (driver.Result, error) {
	a, err := args(named)
	if err != nil {
		return nil, err
	}
	r, err := c.call(request{Op: "exec", SQL: query, Args: a})
	if err != nil {
		return nil, err
	}
	n, _ := strconv.ParseInt(r.Changes, 10, 64)
	id, _ := strconv.ParseInt(r.LastID, 10, 64)
	return result{n, id}, nil
}

func (c *conn) QueryContext(_ context.Context, query string, named []driver.NamedValue) (driver.Rows, error) {
	a, err := args(named)
	if err != nil {
		return nil, err
	}
	r, err := c.call(request{Op: "query", SQL: query, Args: a})
	if err != nil {
		return nil, err
	}
	return &rows{cols: r.Cols, data: r.Rows}, nil
}

type result struct{ n, id int64 }

func (r result) LastInsertId() (int64, error) { return r.id, nil }
func (r result) RowsAffected() (int64, error) { return r.n, nil }

type stmt struct {
	c *conn
	q string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }
func (s *stmt) Exec(a []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.q, named(a))
}
func (s *stmt) Query(a []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.q, named(a))
}

func named(a []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(a))
	for i, v := range a {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

type rows struct {
	cols []string
	data [][]*value
	i    int
}

func (r *rows) Columns() []string { return r.cols }
func (r *rows) Close() error      { return nil }
func (r *rows) Next(dest []driver.Value) error {
	if r.i >= len(r.data) {
		return io.EOF
	}
	row := r.data[r.i]
	r.i++
	if len(row) != len(dest) {
		return fmt.Errorf("nodesql: a row of %d values for %d columns", len(row), len(dest))
	}
	for j, v := range row {
		d, err := v.decode()
		if err != nil {
			return err
		}
		dest[j] = d
	}
	return nil
}
