package audit

import (
	"context"
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
