package access_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/statedb"
)

// load reads a copied fixture as the CLI would, at the fixture's T0.
func load(t *testing.T, state string, now time.Time) *model.Snapshot {
	t.Helper()
	snap, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(state)},
		Now:             func() time.Time { return now },
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, snap.DocErr)
	return snap
}

func senders(c access.Channel, source string) []string {
	var out []string
	for _, s := range c.Senders {
		if s.Source == source {
			out = append(out, s.ID)
		}
	}
	sort.Strings(out)
	return out
}

func pendingCodes(c access.Channel) map[string]bool {
	out := map[string]bool{}
	for _, p := range c.Pending {
		out[p.ID] = p.Expired
	}
	return out
}

// dirListing is every name below dir with its size, to prove a read left
// the state dir as it was.
func dirListing(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	require.NoError(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out[p] = fi.Size()
		return nil
	}))
	return out
}

func TestReviewModernPairing(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing")
	before := dirListing(t, state)
	r := access.Load(load(t, state, now), access.Options{})
	require.Empty(t, r.Problems)
	require.Equal(t, access.StoreSQLite, r.Store)
	require.Len(t, r.Channels, 1)
	c := r.Channels[0]
	require.Equal(t, "telegram", c.Channel)
	require.Equal(t, "default", c.Account)
	require.Equal(t, "pairing", c.DMPolicy)
	require.Equal(t, "allowlist", c.GroupPolicy)
	require.Equal(t, []string{"6102034051", "6203045062"}, senders(c, access.SourceStore))
	for _, s := range c.Senders {
		require.True(t, s.Counts, "store senders count under dmPolicy pairing")
	}
	// dana pending, carl past the 1 h TTL
	require.Equal(t, map[string]bool{"7405067084": false, "7304056073": true}, pendingCodes(c))
	for _, p := range c.Pending {
		require.Len(t, p.Code, 8)
		require.False(t, p.CreatedAt.IsZero())
	}
	// the read created no -wal/-shm and changed nothing
	require.Equal(t, before, dirListing(t, state))
}

func TestReviewReadsThroughTheWAL(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing-wal")
	_, err := os.Stat(statedb.DBPath(state) + "-wal")
	require.NoError(t, err, "the fixture keeps dana's approval in -wal")
	r := access.Load(load(t, state, now), access.Options{})
	require.Empty(t, r.Problems)
	require.Len(t, r.Channels, 1)
	require.Equal(t, []string{"6102034051", "6203045062", "7405067084"}, senders(r.Channels[0], access.SourceStore))
	require.Empty(t, r.Channels[0].Pending)
}

func TestReviewOpenStarAccounts(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-open-star")
	r := access.Load(load(t, state, now), access.Options{})
	require.Empty(t, r.Problems)
	got := map[string]access.Channel{}
	for _, c := range r.Channels {
		got[c.Account] = c
	}
	require.Len(t, got, 2)
	require.Equal(t, []string{"6102034051"}, senders(got["default"], access.SourceStore))
	sup := got["support"]
	require.Equal(t, "open", sup.DMPolicy)
	require.Equal(t, []string{"*"}, senders(sup, access.SourceConfig))
	require.Equal(t, []string{"6304056071", "6405067082"}, senders(sup, access.SourceStore))
	for _, s := range sup.Senders {
		if s.Source == access.SourceStore {
			require.False(t, s.Counts, "2026.9 ignores the store under dmPolicy open")
		}
	}
}

func TestReviewGuidePairingJSON(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "guide-pairing")
	r := access.Load(load(t, state, now), access.Options{})
	require.Empty(t, r.Problems)
	require.Equal(t, access.StoreJSON, r.Store)
	require.Len(t, r.Channels, 1)
	c := r.Channels[0]
	require.Equal(t, []string{"6102034051", "6203045062"}, senders(c, access.SourceStore))
	require.Equal(t, map[string]bool{"7405067084": false, "7304056073": true}, pendingCodes(c))
}

func TestReviewDevices(t *testing.T) {
	for _, name := range []string{"modern-devices", "guide-devices"} {
		t.Run(name, func(t *testing.T) {
			state, now := testutil.CopyAccessState(t, name)
			r := access.Load(load(t, state, now), access.Options{})
			require.Empty(t, r.Problems)
			byRole := map[string]access.Device{}
			for _, d := range r.Devices.Paired {
				byRole[d.Role] = d
			}
			node := byRole["node"]
			require.Equal(t, []string{"node"}, node.ActiveRoles)
			require.InDelta(t, 95, now.Sub(node.ApprovedAt).Hours()/24, 1)
			op := byRole["operator"]
			require.Contains(t, op.Scopes, "operator.admin")
			if name == "modern-devices" {
				require.Equal(t, "alice-laptop", op.Label)
				require.InDelta(t, 95, now.Sub(node.LastSeen).Hours()/24, 1)
				require.Len(t, r.Devices.Pending, 1)
				p := r.Devices.Pending[0]
				require.Contains(t, p.Scopes, "operator.admin")
				require.False(t, p.Expired, "requested a minute before T0")
			}
		})
	}
}

func TestReviewExecApprovals(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-exec")
	r := access.Load(load(t, state, now), access.Options{})
	require.Empty(t, r.Problems)
	always := 0
	for _, e := range r.ExecApprovals {
		if e.Source == "allow-always" {
			always++
		}
	}
	require.Equal(t, 3, always)
	require.Contains(t, r.ExecPolicies, access.ExecAgentPolicy{Agent: "ops", Security: "full", Ask: "off"})
}

// Bad input: each DB below is refused with a clear reason, nothing in the
// state dir changes, and the read returns well within the busy timeout.
func TestStateDBBadInput(t *testing.T) {
	cases := map[string]struct {
		mutate func(t *testing.T, db string)
		want   string
	}{
		"corrupt": {func(t *testing.T, db string) {
			data, err := os.ReadFile(db)
			require.NoError(t, err)
			for i := 100; i < len(data); i += 7 {
				data[i] ^= 0x5a
			}
			require.NoError(t, os.WriteFile(db, data, 0o600))
		}, "not a readable SQLite database"},
		"not sqlite": {func(t *testing.T, db string) {
			require.NoError(t, os.WriteFile(db, []byte("hello, this is not a database at all................................................................................................"), 0o600))
		}, "not a readable SQLite database"},
		"fifo": {func(t *testing.T, db string) {
			require.NoError(t, os.Remove(db))
			require.NoError(t, syscall.Mkfifo(db, 0o600))
		}, "FIFO"},
		"newer schema": {func(t *testing.T, db string) {
			execOn(t, db, "PRAGMA user_version = 19")
		}, "newer state schema: user_version 19"},
		"newer content version": {func(t *testing.T, db string) {
			execOn(t, db, `INSERT INTO config_machine_state VALUES ('state.schema.contentVersion', '21', 0)`)
		}, "content version 21"},
		"unknown shape": {func(t *testing.T, db string) {
			execOn(t, db, "DROP TABLE channel_pairing_allow_entries", "CREATE TABLE channel_pairing_allow_entries (channel_key TEXT, other TEXT) STRICT")
		}, "has no column account_id"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			state, now := testutil.CopyAccessState(t, "modern-pairing")
			tc.mutate(t, statedb.DBPath(state))
			before := dirListing(t, state)
			db := access.ReadStateDB(context.Background(), fsys.Local{}, state, now)
			require.True(t, db.Exists)
			require.Error(t, db.Err)
			require.Contains(t, db.Err.Error(), tc.want)
			require.Contains(t, db.Err.Error(), statedb.DBPath(state))
			require.Empty(t, db.AllowEntries)
			require.Equal(t, before, dirListing(t, state))
		})
	}
}

func TestStateDBMissingTableIsNoRows(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing")
	execOn(t, statedb.DBPath(state), "DROP TABLE device_pairing_pending")
	db := access.ReadStateDB(context.Background(), fsys.Local{}, state, now)
	require.NoError(t, db.Err)
	require.Equal(t, []string{"device_pairing_pending"}, db.MissingTables)
	require.Len(t, db.AllowEntries, 2)
}

// A gateway holding the write lock (BEGIN EXCLUSIVE on the live DB) does
// not block the read: hardshell reads a snapshot copy.
func TestStateDBReadWhileLocked(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "modern-pairing")
	conn, err := sql.Open("sqlite", "file:"+statedb.DBPath(state))
	require.NoError(t, err)
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	ctx := context.Background()
	c, err := conn.Conn(ctx)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.ExecContext(ctx, "BEGIN EXCLUSIVE")
	require.NoError(t, err)
	_, err = c.ExecContext(ctx, "DELETE FROM channel_pairing_requests")
	require.NoError(t, err)
	db := access.ReadStateDB(ctx, fsys.Local{}, state, now)
	require.NoError(t, db.Err)
	require.Len(t, db.Requests, 2, "the uncommitted delete is not seen")
	_, err = c.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
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
	_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	require.NoError(t, err)
}

func TestReviewGuideExecJSON(t *testing.T) {
	state, now := testutil.CopyAccessState(t, "guide-exec")
	r := access.Load(load(t, state, now), access.Options{})
	require.Empty(t, r.Problems)
	require.Equal(t, access.StoreJSON, r.Store)
	var patterns []string
	for _, e := range r.ExecApprovals {
		require.Empty(t, e.Source, "2026.2.1 marks no source")
		patterns = append(patterns, e.Pattern)
	}
	require.Contains(t, patterns, "/usr/bin/git")
	require.Contains(t, patterns, "/usr/bin/curl")
	require.Contains(t, r.ExecPolicies, access.ExecAgentPolicy{Agent: "ops", Security: "full", Ask: "off"})
}
