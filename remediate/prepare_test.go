package remediate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// Two variables for <state>/.env from two fixes become one write rendered
// onto the bytes the snapshot read; a .env changed on disk after the
// snapshot is not read again, and the commit refuses it as drift.
func TestPrepareRendersEnvOnceFromTheSnapshot(t *testing.T) {
	state := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(`{ gateway: { mode: "local" } }`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(state, ".env"), []byte("# mine\nOTHER=1\n"), 0o600))
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	cs := model.ChangeSet{Env: []model.EnvSet{
		{Key: "A_TOKEN", Value: "one", Reason: "first fix"},
		{Key: "B_TOKEN", Value: "two", Reason: "second fix"},
	}}
	envPath := filepath.Join(s.Target.StateDir, ".env")
	const edited = "# mine\nOTHER=2\n"
	require.NoError(t, os.WriteFile(envPath, []byte(edited), 0o600))

	p, err := Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err, "Load read .env once; Prepare does not read it again")
	require.Empty(t, p.Changes.Env)
	require.Len(t, p.Changes.Writes, 1)
	w := p.Changes.Writes[0]
	require.Equal(t, envPath, w.Path)
	require.Equal(t, "# mine\nOTHER=1\nA_TOKEN=one\nB_TOKEN=two\n", string(w.Data), "rendered onto the snapshot's bytes")
	require.Equal(t, "first fix; second fix", w.Reason)
	v, ok := p.Candidate.Env("B_TOKEN")
	require.True(t, ok)
	require.Equal(t, "two", v, "the candidate audit sees the new variables")

	_, err = p.Txn.Commit(BackupMeta{Command: "test"})
	require.Error(t, err, "the .env changed since the snapshot read it")
	data, err := os.ReadFile(envPath)
	require.NoError(t, err)
	require.Equal(t, edited, string(data), "nothing written")
}

// A symlinked .env is never written through.
func TestPrepareRefusesSymlinkedEnv(t *testing.T) {
	s := auditkit.Snapshot(t, `{ gateway: { mode: "local" } }`, auditkit.Options{Files: []auditkit.File{{Path: "real.env", Data: "X=1\n"}}})
	require.NoError(t, os.Symlink("real.env", filepath.Join(s.Target.StateDir, ".env")))
	s = auditkit.Snapshot(t, `{ gateway: { mode: "local" } }`, auditkit.Options{StateDir: s.Target.StateDir})
	_, err := Prepare(context.Background(), s, model.ChangeSet{Env: []model.EnvSet{{Key: "A", Value: "1"}}}, nil)
	require.ErrorContains(t, err, "is a symlink")
}

// PrepareWith judges the claimed ids against the report it is given (the
// audit the plan came from) instead of auditing the snapshot again.
func TestPrepareWithUsesTheGivenReport(t *testing.T) {
	s := auditkit.Snapshot(t, `{ gateway: { mode: "local", auth: { mode: "token", token: "abc" } } }`, auditkit.Options{})
	// an edit that claims a finding it does not fix
	cs := model.ChangeSet{Edits: []model.Edit{{Op: model.OpSet, Path: "discovery.mdns.mode", Value: "minimal", CheckID: audit.IDGatewayTokenTooShort}}}

	_, err := Prepare(context.Background(), s, cs, nil)
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, []string{audit.IDGatewayTokenTooShort}, ve.Still)

	// a before-report without the finding: nothing to verify, so no audit
	// of the snapshot says otherwise
	p, err := PrepareWith(context.Background(), PrepareInput{Snapshot: s, Before: &audit.Report{}, Changes: cs})
	require.NoError(t, err)
	require.Empty(t, p.Fixed)
}
