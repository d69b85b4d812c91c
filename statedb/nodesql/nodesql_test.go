package nodesql_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/statedb"
	"github.com/hardshell/hardshell/statedb/nodesql"
)

// wrapper is an `openclaw` like the ones the harnesses install: a shell
// script that execs the CLI with its own bundled node, which is not on
// PATH (the PATH's node, if any, may be too old for node:sqlite).
func wrapper(t *testing.T) string {
	t.Helper()
	peer := testutil.Peer(t, "2026.9.6")
	bin := filepath.Join(t.TempDir(), "openclaw")
	testutil.WriteFile(t, bin, []byte("#!/bin/sh\nexec '"+peer.Node+"' '"+peer.CLI+"' \"$@\"\n"), 0o755)
	return bin
}

// syncBuffer is the server's stderr, written by exec's copier while a test
// may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// localStarter runs Script on this machine (the remote one runs the same
// script over ssh); procs collects the started processes.
func localStarter(openclaw string, procs *[]*exec.Cmd, stderr *syncBuffer) nodesql.Starter {
	return func() (*nodesql.Proc, error) {
		c := exec.Command("/bin/sh", "-c", nodesql.Script(openclaw))
		c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + os.TempDir()}
		c.Stderr = stderr
		in, err := c.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := c.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := c.Start(); err != nil {
			return nil, err
		}
		*procs = append(*procs, c)
		return &nodesql.Proc{Stdin: in, Stdout: out, Wait: c.Wait}, nil
	}
}

func countAllow(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", statedb.DSN(path, false))
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM channel_pairing_allow_entries").Scan(&n))
	return n
}

// The statements hardshell's writer runs, through OpenClaw's own node on a
// real 2026.9.6 DB: values keep their types (integers exact beyond 2^53,
// text, blobs, NULL), a committed change is seen by modernc.org/sqlite, and
// the schema check reads the same version.
func TestRoundTripOnRealDB(t *testing.T) {
	oc := wrapper(t)
	state, _ := testutil.CopyAccessState(t, "modern-pairing")
	path := statedb.DBPath(state)
	var procs []*exec.Cmd
	var stderr syncBuffer
	db := nodesql.Open(localStarter(oc, &procs, &stderr), path, statedb.BusyTimeout)
	defer db.Close()
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err, stderr.String())
	v, err := statedb.CheckSchema(ctx, tx)
	require.NoError(t, err)
	require.Equal(t, statedb.SchemaVersion, v)
	var big int64
	var f float64
	var s string
	var b []byte
	var null sql.NullString
	require.NoError(t, tx.QueryRow("SELECT ?, ?, ?, ?, ?", int64(1)<<60+3, 2.5, "ä'\n\"", []byte{0, 1, 255}, nil).Scan(&big, &f, &s, &b, &null))
	require.Equal(t, int64(1)<<60+3, big)
	require.Equal(t, 2.5, f)
	require.Equal(t, "ä'\n\"", s)
	require.Equal(t, []byte{0, 1, 255}, b)
	require.False(t, null.Valid)

	before := countAllow(t, path)
	res, err := tx.Exec("INSERT INTO channel_pairing_allow_entries (channel_key, account_id, entry, sort_order, updated_at) VALUES (?, ?, ?, ?, ?)", "telegram", "default", "999", int64(9), time.Now().UnixMilli())
	require.NoError(t, err)
	n, _ := res.RowsAffected()
	require.Equal(t, int64(1), n)
	require.NoError(t, tx.Commit())
	require.Equal(t, before+1, countAllow(t, path))

	_, err = db.Exec("SELECT * FROM no_such_table")
	require.ErrorContains(t, err, "no such table")
	require.NoError(t, db.Close())
	for _, p := range procs {
		require.True(t, p.ProcessState.Exited(), "the node process ended with its stdin")
	}
}

// The server's node is the one OpenClaw runs on, not the PATH's; without
// any node that has node:sqlite the start fails with a message.
func TestScriptPicksOpenClawsNode(t *testing.T) {
	oc := wrapper(t)
	out, err := exec.Command("/bin/sh", "-c", strings.Replace(nodesql.Script(oc), `exec "$n" -e`, `echo "$n"; exit 0; exec "$n" -e`, 1)).Output()
	require.NoError(t, err)
	require.Equal(t, testutil.Peer(t, "2026.9.6").Node+"\n", string(out))

	var procs []*exec.Cmd
	var stderr syncBuffer
	db := nodesql.Open(func() (*nodesql.Proc, error) {
		c := exec.Command("/bin/sh", "-c", nodesql.Script("/nonexistent/openclaw"))
		c.Env = []string{"PATH=/nonexistent"}
		c.Stderr = &stderr
		in, _ := c.StdinPipe()
		o, _ := c.StdoutPipe()
		if err := c.Start(); err != nil {
			return nil, err
		}
		procs = append(procs, c)
		return &nodesql.Proc{Stdin: in, Stdout: o, Wait: c.Wait}, nil
	}, "/nonexistent.sqlite", time.Second)
	defer db.Close()
	err = db.Ping()
	require.Error(t, err)
	require.Contains(t, stderr.String(), "no node with node:sqlite")
}

// A write lock held by another writer: BEGIN IMMEDIATE waits the busy
// timeout, then fails as SQLITE_BUSY (what remediate reports as a locked
// DB). A server that dies inside a transaction leaves the DB as it was.
func TestBusyAndDroppedTransaction(t *testing.T) {
	oc := wrapper(t)
	state, _ := testutil.CopyAccessState(t, "modern-pairing")
	path := statedb.DBPath(state)
	holder, err := sql.Open("sqlite", statedb.DSN(path, false))
	require.NoError(t, err)
	defer holder.Close()
	htx, err := holder.Begin()
	require.NoError(t, err)

	var procs []*exec.Cmd
	var stderr syncBuffer
	db := nodesql.Open(localStarter(oc, &procs, &stderr), path, 300*time.Millisecond)
	defer db.Close()
	_, err = db.Begin()
	require.ErrorContains(t, err, "SQLITE_BUSY")
	require.NoError(t, htx.Rollback())

	before := countAllow(t, path)
	tx, err := db.Begin()
	require.NoError(t, err, stderr.String())
	_, err = tx.Exec("DELETE FROM channel_pairing_allow_entries")
	require.NoError(t, err)
	require.NoError(t, procs[len(procs)-1].Process.Kill())
	err = tx.Commit()
	var lost *nodesql.LostError
	require.ErrorAs(t, err, &lost, "the process is gone")
	require.True(t, lost.OutcomeUnknown(), "a writer cannot tell whether a COMMIT in flight took effect")
	require.Equal(t, before, countAllow(t, path), "the uncommitted delete never reached the DB")
}
