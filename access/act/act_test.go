package act_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/access/act"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/statedb"
)

func load(t *testing.T, state string, now time.Time) (*model.Snapshot, *access.Review) {
	t.Helper()
	snap, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(state)},
		Now:             func() time.Time { return now },
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, snap.DocErr)
	r := access.Load(snap, access.Options{})
	require.Empty(t, r.Problems)
	return snap, r
}

func storeSenders(r *access.Review, account string) []string {
	var out []string
	for _, c := range r.Channels {
		if c.Account != account {
			continue
		}
		for _, s := range c.Senders {
			if s.Source == access.SourceStore {
				out = append(out, s.ID)
			}
		}
	}
	sort.Strings(out)
	return out
}

func pendingIDs(r *access.Review) []string {
	var out []string
	for _, c := range r.Channels {
		for _, p := range c.Pending {
			out = append(out, p.ID)
		}
	}
	sort.Strings(out)
	return out
}

func do(t *testing.T, state string, now time.Time, a access.Action) *remediate.BackupSet {
	t.Helper()
	s, r := load(t, state, now)
	p, err := r.Resolve(a)
	require.NoError(t, err)
	set, err := act.Apply(context.Background(), s, r, p, act.ApplyOptions{ToolVersion: "test", Now: now})
	require.NoError(t, err)
	require.NotNil(t, set)
	require.Equal(t, remediate.StateCommitted, set.State)
	return set
}

const (
	alice = "6102034051"
	bob   = "6203045062"
	carl  = "7304056073"
	dana  = "7405067084"
)

func danaCode(t *testing.T, r *access.Review) string {
	for _, c := range r.Channels {
		for _, p := range c.Pending {
			if p.ID == dana {
				return p.Code
			}
		}
	}
	t.Fatal("dana has no pending request")
	return ""
}

// Done-when: revoke removes one sender with a backup, restore brings it
// back — by row, leaving what else changed since alone.
func TestRevokeAndRestoreSQLite(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing")
	set := do(t, state, now, access.Action{Kind: access.Revoke, Channel: "telegram", Sender: bob})
	require.Equal(t, filepath.ToSlash(statedb.DBRel), set.DB)
	require.Len(t, set.Rows, 1)
	require.Equal(t, "channel_pairing_allow_entries delete (telegram, default, "+bob+")", set.Rows[0].String())
	_, r := load(t, state, now)
	require.Equal(t, []string{alice}, storeSenders(r, "default"))

	// something else changes meanwhile (the gateway approves dana)
	_, r = load(t, state, now)
	do(t, state, now, access.Action{Kind: access.Approve, Channel: "telegram", Code: danaCode(t, r)})

	safety, err := remediate.Restore(remediate.RestoreRoots{StateDir: state}, set.ID, "test")
	require.NoError(t, err)
	require.NotNil(t, safety)
	_, r = load(t, state, now)
	require.Equal(t, []string{alice, bob, dana}, storeSenders(r, "default"), "bob is back, dana's approval kept")
	loaded, err := remediate.LoadBackup(state, set.ID)
	require.NoError(t, err)
	require.Len(t, loaded.Rows, 1)
	// the backup set is private
	fi, err := os.Stat(filepath.Join(remediate.BackupsDir(state), set.ID, "manifest.json"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestApproveRejectAndRestoreSQLite(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing")
	_, r := load(t, state, now)
	code := danaCode(t, r)
	set := do(t, state, now, access.Action{Kind: access.Approve, Channel: "telegram", Code: code})
	require.Len(t, set.Rows, 2)
	after := set.Rows[1].After
	require.Equal(t, int64(2), after["sort_order"])
	require.Equal(t, now.UnixMilli(), after["updated_at"])
	_, r = load(t, state, now)
	require.Equal(t, []string{alice, bob, dana}, storeSenders(r, "default"))
	require.Equal(t, []string{carl}, pendingIDs(r))

	_, err := remediate.Restore(remediate.RestoreRoots{StateDir: state}, set.ID, "test")
	require.NoError(t, err)
	_, r = load(t, state, now)
	require.Equal(t, []string{alice, bob}, storeSenders(r, "default"))
	require.Equal(t, []string{carl, dana}, pendingIDs(r))
	require.Equal(t, code, danaCode(t, r), "the request comes back with its code")

	do(t, state, now, access.Action{Kind: access.Reject, Channel: "telegram", Code: code})
	_, r = load(t, state, now)
	require.Equal(t, []string{carl}, pendingIDs(r))
	require.Equal(t, []string{alice, bob}, storeSenders(r, "default"))
}

func TestResolveRefusesWhatIsNotThere(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing")
	_, r := load(t, state, now)
	var ie *access.InputError
	for _, a := range []access.Action{
		{Kind: access.Approve, Channel: "telegram", Code: "NOPE1234"},
		{Kind: access.Revoke, Channel: "telegram", Sender: carl},
		{Kind: access.DeviceRemove, Device: "deadbeefdeadbeef"},
	} {
		_, err := r.Resolve(a)
		require.ErrorAs(t, err, &ie, a.Kind)
	}
	// carl's request is past the 1 h TTL: OpenClaw would not approve it
	var code string
	for _, p := range r.Channels[0].Pending {
		if p.ID == carl {
			code = p.Code
		}
	}
	_, err := r.Resolve(access.Action{Kind: access.Approve, Channel: "telegram", Code: code})
	require.ErrorAs(t, err, &ie)
	require.Contains(t, err.Error(), "expired")
}

func TestDeviceRemoveAndRestoreSQLite(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-devices")
	_, r := load(t, state, now)
	var node access.Device
	for _, d := range r.Devices.Paired {
		if d.Role == "node" {
			node = d
		}
	}
	set := do(t, state, now, access.Action{Kind: access.DeviceRemove, Device: node.DeviceID[:10]})
	require.Len(t, set.Rows, 1)
	_, r = load(t, state, now)
	require.Len(t, r.Devices.Paired, 1)
	_, err := remediate.Restore(remediate.RestoreRoots{StateDir: state}, set.ID, "test")
	require.NoError(t, err)
	_, r = load(t, state, now)
	require.Len(t, r.Devices.Paired, 2)

	req := r.Devices.Pending[0].RequestID
	do(t, state, now, access.Action{Kind: access.DeviceReject, Device: req})
	_, r = load(t, state, now)
	require.Empty(t, r.Devices.Pending)
}

func TestJSONStoresApproveRevokeRestore(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "guide-pairing")
	_, r := load(t, state, now)
	code := danaCode(t, r)
	set := do(t, state, now, access.Action{Kind: access.Approve, Channel: "telegram", Code: code})
	require.Len(t, set.Entries, 2)
	_, r = load(t, state, now)
	require.Equal(t, []string{alice, bob, dana}, storeSenders(r, "default"))
	require.Equal(t, []string{carl}, pendingIDs(r))
	for _, f := range []string{"telegram-pairing.json", "telegram-allowFrom.json"} {
		require.Equal(t, os.FileMode(0o600), testutil.Mode(t, filepath.Join(state, "credentials", f)))
	}

	rv := do(t, state, now, access.Action{Kind: access.Revoke, Channel: "telegram", Sender: "telegram:" + alice})
	_, r = load(t, state, now)
	require.Equal(t, []string{bob, dana}, storeSenders(r, "default"))
	_, err := remediate.Restore(remediate.RestoreRoots{StateDir: state}, rv.ID, "test")
	require.NoError(t, err)
	_, r = load(t, state, now)
	require.Equal(t, []string{alice, bob, dana}, storeSenders(r, "default"))
}

func TestJSONDevicesRemove(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "guide-devices")
	_, r := load(t, state, now)
	require.Len(t, r.Devices.Paired, 3)
	var node access.Device
	for _, d := range r.Devices.Paired {
		if d.Role == "node" {
			node = d
		}
	}
	do(t, state, now, access.Action{Kind: access.DeviceRemove, Device: node.DeviceID})
	_, r = load(t, state, now)
	require.Len(t, r.Devices.Paired, 2)
}

// A newer schema or a DB locked by a writer is refused: nothing changes,
// no backup set is left.
func TestWriteRefusals(t *testing.T) {
	t.Run("newer schema", func(t *testing.T) {
		state, now := testutil.CopyAccessState(t, "modern-pairing")
		s, r := load(t, state, now)
		p, err := r.Resolve(access.Action{Kind: access.Revoke, Channel: "telegram", Sender: bob})
		require.NoError(t, err)
		execOn(t, statedb.DBPath(state), "PRAGMA user_version = 19")
		_, err = act.Apply(context.Background(), s, r, p, act.ApplyOptions{Now: now})
		require.ErrorIs(t, err, statedb.ErrNewerSchema)
		sets, _ := remediate.ListBackups(state)
		require.Empty(t, sets)
	})
	t.Run("locked", func(t *testing.T) {
		state, now := testutil.CopyAccessState(t, "modern-pairing")
		s, r := load(t, state, now)
		p, err := r.Resolve(access.Action{Kind: access.Revoke, Channel: "telegram", Sender: bob})
		require.NoError(t, err)
		db, err := sql.Open("sqlite", "file:"+statedb.DBPath(state))
		require.NoError(t, err)
		defer db.Close()
		conn, err := db.Conn(context.Background())
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.ExecContext(context.Background(), "BEGIN IMMEDIATE")
		require.NoError(t, err)
		_, err = act.Apply(context.Background(), s, r, p, act.ApplyOptions{Now: now})
		var le *remediate.LockedDBError
		require.True(t, errors.As(err, &le), "%v", err)
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		sets, _ := remediate.ListBackups(state)
		require.Empty(t, sets)
		_, r = load(t, state, now)
		require.Equal(t, []string{alice, bob}, storeSenders(r, "default"))
	})
}

func execOn(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	for _, s := range stmts {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
}
