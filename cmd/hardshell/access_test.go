package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/statedb"
)

type accessJSON struct {
	Channels []struct {
		Channel, Account, DMPolicy, GroupPolicy string
		Senders                                 []struct{ ID, Source string }
		Pending                                 []struct {
			Code, ID              string
			CreatedAt, LastSeenAt time.Time
		}
	}
	Devices struct {
		Paired, Pending []json.RawMessage
	}
	ExecApprovals []json.RawMessage
}

func accessList(t *testing.T, state string) accessJSON {
	t.Helper()
	out, stderr, code := runHS(t, state, nil, "--state-dir", state, "access", "--json")
	require.Equal(t, 0, code, stderr)
	var v accessJSON
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	return v
}

func storeIDs(v accessJSON) []string {
	var out []string
	for _, c := range v.Channels {
		for _, s := range c.Senders {
			if s.Source == "store" {
				out = append(out, s.ID)
			}
		}
	}
	sort.Strings(out)
	return out
}

var backupRe = regexp.MustCompile(`backup: (\S+)\s+undo with: hardshell restore (\S+)`)

// shiftRequestsToNow moves the fixture's DM pairing requests so that the
// newest is as old as at T0 relative to the wall clock (OpenClaw expires
// them in real time): access-facts §9.
func shiftRequestsToNow(t *testing.T, state string, t0 time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+statedb.DBPath(state))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE channel_pairing_requests
		SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ((julianday(?) - julianday(created_at)) * 86400) || ' seconds'),
		    last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ((julianday(?) - julianday(last_seen_at)) * 86400) || ' seconds')`,
		t0.Format(time.RFC3339Nano), t0.Format(time.RFC3339Nano))
	require.NoError(t, err)
	_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	require.NoError(t, err)
}

// Issue 13's done-when through the binary, on the 2026.9 fixture with two
// senders approved in SQLite and dmScope "main".
func TestAccessDoneWhen(t *testing.T) {
	state, t0 := testutil.CopyAccessState(t, "modern-pairing")
	shiftRequestsToNow(t, state, t0)

	out, stderr, code := runHS(t, state, nil, "--state-dir", state, "audit", "--json", "--fail-on", "none")
	require.Equal(t, 0, code, stderr)
	require.NotContains(t, out, "channels.telegram.dm.locked")
	require.Contains(t, out, "channels.telegram.dm.scope_main_multiuser")

	v := accessList(t, state)
	require.Equal(t, []string{"6102034051", "6203045062"}, storeIDs(v))
	var danaCode string
	for _, p := range v.Channels[0].Pending {
		if p.ID == "7405067084" {
			danaCode = p.Code
		}
	}
	require.Len(t, danaCode, 8)

	out, stderr, code = runHS(t, state, nil, "--state-dir", state, "access", "revoke", "telegram", "6203045062", "--yes")
	require.Equal(t, 0, code, stderr)
	m := backupRe.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	require.Equal(t, []string{"6102034051"}, storeIDs(accessList(t, state)))

	out, stderr, code = runHS(t, state, nil, "--state-dir", state, "restore", m[1], "--yes")
	require.Equal(t, 0, code, stderr+out)
	require.Equal(t, []string{"6102034051", "6203045062"}, storeIDs(accessList(t, state)))

	out, stderr, code = runHS(t, state, nil, "--state-dir", state, "access", "approve", "telegram", danaCode, "--yes")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, backupRe, out)
	v = accessList(t, state)
	require.Equal(t, []string{"6102034051", "6203045062", "7405067084"}, storeIDs(v))
	for _, p := range v.Channels[0].Pending {
		require.NotEqual(t, "7405067084", p.ID)
	}
}

func TestAccessListsJSONStores(t *testing.T) {
	state, _ := testutil.CopyAccessState(t, "guide-pairing")
	v := accessList(t, state)
	require.Equal(t, []string{"6102034051", "6203045062"}, storeIDs(v))
	require.Len(t, v.Channels[0].Pending, 2)
	require.Equal(t, "pairing", v.Channels[0].DMPolicy)
}

func TestAccessBadInput(t *testing.T) {
	state, _ := testutil.CopyAccessState(t, "modern-pairing")
	before := snapshotTree(t, state)
	for _, args := range [][]string{
		{"access", "approve", "telegram", "NOPE2345", "--yes"},
		{"access", "revoke", "telegram", "999", "--yes"},
		{"access", "device", "remove", "0123456789ab", "--yes"},
	} {
		_, stderr, code := runHS(t, state, nil, append([]string{"--state-dir", state}, args...)...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
	}
	// not a terminal and no --yes: nothing changes
	out, _, code := runHS(t, state, nil, "--state-dir", state, "access", "revoke", "telegram", "6203045062")
	require.Equal(t, 0, code)
	require.Contains(t, out, "nothing changed (use --yes)")
	require.Equal(t, before, snapshotTree(t, state))

	// a corrupt DB: exit 2 naming it, nothing written
	testutil.WriteFile(t, statedb.DBPath(state), bytes.Repeat([]byte("not sqlite "), 100), 0o600)
	_, stderr, code := runHS(t, state, nil, "--state-dir", state, "access")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, statedb.DBPath(state))
}

// The real OpenClaw 2026.9.6 reads what hardshell wrote directly into
// SQLite: after hardshell approves dana, `openclaw pairing list` lists no
// pending request, and its own rewrite of the channel keeps the three
// approved senders (it read them back).
func TestAccessApproveSeenByRealOpenClaw(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI (about a minute)")
	}
	peer := testutil.Peer(t, "2026.9.6")
	state, t0 := testutil.CopyAccessState(t, "modern-pairing")
	shiftRequestsToNow(t, state, t0)
	v := accessList(t, state)
	var danaCode string
	for _, p := range v.Channels[0].Pending {
		if p.ID == "7405067084" {
			danaCode = p.Code
		}
	}
	_, stderr, code := runHS(t, state, nil, "--state-dir", state, "access", "approve", "telegram", danaCode, "--yes")
	require.Equal(t, 0, code, stderr)
	_, stderr, code = runHS(t, state, nil, "--state-dir", state, "access", "revoke", "telegram", "6203045062", "--yes")
	require.Equal(t, 0, code, stderr)

	bin, args := peer.Command()
	cmd := exec.Command(bin, append(args, "pairing", "list", "telegram", "--json")...)
	cmd.Env = []string{"HOME=" + filepath.Dir(state), "OPENCLAW_STATE_DIR=" + state, "PATH=/usr/bin:/bin", "NO_COLOR=1"}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	require.NoError(t, cmd.Run(), e.String())
	var got struct {
		Channel  string
		Requests []struct{ ID, Code string }
	}
	require.NoError(t, json.Unmarshal(o.Bytes(), &got), o.String())
	t.Logf("openclaw 2026.9.6 pairing list telegram --json: %s", o.String())
	require.Equal(t, "telegram", got.Channel)
	require.Empty(t, got.Requests, "dana approved by hardshell, carl expired (pruned by the CLI)")
	// the CLI rewrote the channel's rows from what it read: hardshell's
	// approval and revocation survive it
	require.Equal(t, []string{"6102034051", "7405067084"}, storeIDs(accessList(t, state)))
}

// With the real OpenClaw 2026.9.6 on PATH, `access approve` runs
// `openclaw pairing approve` and records the rows it changed, so
// `restore ID` puts dana's request back and removes her approval.
func TestAccessApproveViaRealOpenClaw(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI (about a minute)")
	}
	peer := testutil.Peer(t, "2026.9.6")
	bin, args := peer.Command()
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "openclaw"), []byte("#!/bin/sh\nexec "+bin+" "+args[0]+" \"$@\"\n"), 0o755)
	path := []string{"PATH=" + dir + ":/usr/bin:/bin"}

	state, t0 := testutil.CopyAccessState(t, "modern-pairing")
	shiftRequestsToNow(t, state, t0)
	var danaCode string
	for _, p := range accessList(t, state).Channels[0].Pending {
		if p.ID == "7405067084" {
			danaCode = p.Code
		}
	}
	out, stderr, code := runHS(t, state, path, "--state-dir", state, "access", "approve", "telegram", danaCode, "--yes")
	require.Equal(t, 0, code, stderr+out)
	t.Logf("hardshell access approve (via openclaw):\n%s", out)
	require.Contains(t, out, "Running: openclaw pairing approve telegram "+danaCode)
	m := backupRe.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	v := accessList(t, state)
	require.Equal(t, []string{"6102034051", "6203045062", "7405067084"}, storeIDs(v))

	out, stderr, code = runHS(t, state, nil, "--state-dir", state, "restore", m[1], "--yes")
	require.Equal(t, 0, code, stderr+out)
	v = accessList(t, state)
	require.Equal(t, []string{"6102034051", "6203045062"}, storeIDs(v))
	var back bool
	for _, p := range v.Channels[0].Pending {
		back = back || (p.ID == "7405067084" && p.Code == danaCode)
	}
	require.True(t, back, "dana's request is pending again with its code")
}
