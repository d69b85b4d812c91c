// Package fleettest makes the per-host reports the fleet tests read: real
// audits of the testdata state dirs, as `hardshell audit --json` writes
// them, so the fleet package and the fleet screen of the wizard test the
// same fixtures.
package fleettest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

// Report audits a copy of the testdata state dir fixture for real and
// returns its --json, stamped at now, and the state dir the copy lives in
// (the report names it).
func Report(t testing.TB, fixture string, now time.Time) (report []byte, stateDir string) {
	t.Helper()
	sd := testutil.CopyState(t, fixture)
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: sd, Getenv: func(string) string { return "" }, HomeDir: t.TempDir()},
		Now:             func() time.Time { return now },
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	rep, err := audit.Run(context.Background(), s, audit.Options{ToolVersion: "test"})
	require.NoError(t, err)
	rep.Ts = now.UnixMilli()
	var b bytes.Buffer
	require.NoError(t, audit.WriteJSON(&b, rep))
	return b.Bytes(), sd
}
