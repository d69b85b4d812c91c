package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

func loadAccess(t *testing.T, name string) (*model.Snapshot, time.Time) {
	t.Helper()
	state, now := testutil.CopyAccessState(t, name)
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(state)},
		Now:             func() time.Time { return now },
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, s.DocErr)
	return s, now
}

func findingsByID(t *testing.T, s *model.Snapshot) map[string]model.Finding {
	t.Helper()
	rep, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	out := map[string]model.Finding{}
	for _, f := range rep.Findings {
		out[f.CheckID] = f
	}
	return out
}

// Issue 13's done-when: a 2026.9 state dir with two senders approved in
// SQLite and dmScope "main" is not "locked" and shares the main session.
func TestStoreApprovedSendersInSQLiteCount(t *testing.T) {
	s, _ := loadAccess(t, "modern-pairing")
	got := findingsByID(t, s)
	require.NotContains(t, got, "channels.telegram.dm.locked")
	f, ok := got["channels.telegram.dm.scope_main_multiuser"]
	require.True(t, ok, "dm.scope_main_multiuser expected")
	require.Equal(t, model.Warn, f.Severity)
	require.Contains(t, f.Detail, "2 distinct DM senders")
	require.Contains(t, f.Detail, "channel_pairing_allow_entries")
}

// The same config with an empty state DB is locked: the two senders are
// what made the difference.
func TestEmptyStateDBStaysLocked(t *testing.T) {
	s, _ := loadAccess(t, "modern-pairing")
	execSQL(t, filepath.Join(s.Target.StateDir, "state", "openclaw.sqlite"), "DELETE FROM channel_pairing_allow_entries")
	got := findingsByID(t, s)
	require.Contains(t, got, "channels.telegram.dm.locked")
	require.NotContains(t, got, "channels.telegram.dm.scope_main_multiuser")
}

// The access checks on the real fixtures at their T0: each fixture's
// scenario raises its check, and the fixtures without it stay quiet.
func TestAccessChecksOnFixtures(t *testing.T) {
	ids := []string{
		"fs.state_db.perms_readable", "fs.state_db.unreadable", "gateway.devices.pending_admin", "gateway.devices.paired_stale",
		"tools.exec.allow_always_entries", "channels.telegram.pairing.stale_requests", "channels.telegram.dm.store_senders_behind_wildcard",
	}
	cases := map[string]struct {
		want   map[string]model.Severity
		detail map[string]string
	}{
		"modern-empty":   {},
		"modern-pairing": {want: map[string]model.Severity{"channels.telegram.pairing.stale_requests": model.Info}, detail: map[string]string{"channels.telegram.pairing.stale_requests": "of 7304056073 asked 1h ago"}},
		"modern-devices": {
			want:   map[string]model.Severity{"gateway.devices.pending_admin": model.Warn, "gateway.devices.paired_stale": model.Warn},
			detail: map[string]string{"gateway.devices.pending_admin": "operator.admin", "gateway.devices.paired_stale": "garage-pi"},
		},
		"modern-exec": {
			want:   map[string]model.Severity{"tools.exec.allow_always_entries": model.Warn},
			detail: map[string]string{"tools.exec.allow_always_entries": "3 \"allow always\" exec approvals"},
		},
		"modern-open-star": {
			want:   map[string]model.Severity{"channels.telegram.dm.store_senders_behind_wildcard": model.Warn},
			detail: map[string]string{"channels.telegram.dm.store_senders_behind_wildcard": "telegram (account support)"},
		},
		"guide-devices": {
			want:   map[string]model.Severity{"gateway.devices.pending_admin": model.Warn, "gateway.devices.paired_stale": model.Warn},
			detail: map[string]string{"gateway.devices.paired_stale": "garage-pi"},
		},
		"guide-open-star": {
			want: map[string]model.Severity{"channels.telegram.dm.store_senders_behind_wildcard": model.Warn},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, _ := loadAccess(t, name)
			got := findingsByID(t, s)
			for _, id := range ids {
				sev, want := tc.want[id]
				f, have := got[id]
				require.Equal(t, want, have, "%s: %s", name, id)
				if want {
					require.Equal(t, sev, f.Severity, id)
					require.Contains(t, f.Detail, tc.detail[id], id)
				}
			}
		})
	}
}

func TestStateDBPermsAndUnreadable(t *testing.T) {
	s, _ := loadAccess(t, "modern-pairing")
	db := filepath.Join(s.Target.StateDir, "state", "openclaw.sqlite")
	require.NoError(t, os.Chmod(db, 0o644))
	s2, _ := reloadAccess(t, s)
	f := findingsByID(t, s2)["fs.state_db.perms_readable"]
	require.Contains(t, f.Detail, db+" is 0644")

	require.NoError(t, os.WriteFile(db, []byte("garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage"), 0o600))
	s3, _ := reloadAccess(t, s)
	got := findingsByID(t, s3)
	require.Contains(t, got["fs.state_db.unreadable"].Detail, "not a readable SQLite database")
	// the sender reasoning claims nothing it cannot know: no "locked"
	// from a store it could not read
	require.NotContains(t, got, "channels.telegram.dm.locked")
}

func reloadAccess(t *testing.T, s *model.Snapshot) (*model.Snapshot, time.Time) {
	t.Helper()
	s2, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: s.Target.StateDir, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(s.Target.StateDir)},
		Now:             func() time.Time { return s.Now },
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	return s2, s.Now
}
