package baseline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// loadState loads the snapshot of state (a real dir under t.TempDir()).
func loadState(t *testing.T, state string) *model.Snapshot {
	t.Helper()
	s, err := model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: state, HomeDir: filepath.Dir(state),
		Getenv: func(string) string { return "" }}, OpenClawVersion: func() string { return "" }})
	require.NoError(t, err)
	return s
}

func tokenEnvRequest(merge bool) Request {
	return Request{Answers: model.Answers{QChannels: "whatsapp", QDM: "pairing"}, TokenEnv: true, Merge: merge}
}

// The token goes into the .env the snapshot read, not into whatever the
// file holds when the plan is made: a .env changed after the load is drift,
// refused at commit, and the file keeps what it holds.
func TestTokenEnvIsTheSnapshotsDotenv(t *testing.T) {
	for _, merge := range []bool{false, true} {
		name := map[bool]string{false: "write", true: "merge"}[merge]
		t.Run(name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), ".openclaw")
			require.NoError(t, os.Mkdir(state, 0o700))
			env := filepath.Join(state, ".env")
			require.NoError(t, os.WriteFile(env, []byte("OTHER=1\n"), 0o600))
			if merge {
				require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(`{ gateway: { mode: "local" } }`), 0o600))
			}
			s := loadState(t, state)
			require.NoError(t, os.WriteFile(env, []byte("OTHER=2\n"), 0o600)) // after the load

			pl, err := Prepare(context.Background(), s, tokenEnvRequest(merge))
			require.NoError(t, err)
			require.NotNil(t, pl.Prepared)
			if merge {
				var data []byte
				for _, w := range pl.Prepared.Changes.Writes {
					if w.Path == env {
						data = w.Data
					}
				}
				require.Contains(t, string(data), "OTHER=1\n", "rendered from the bytes the snapshot read")
				require.NotContains(t, string(data), "OTHER=2")
				require.Contains(t, string(data), TokenVar+"=")
			}
			_, err = pl.Prepared.Txn.Commit(remediate.BackupMeta{Command: "baseline"})
			var de *remediate.DriftError
			require.True(t, errors.As(err, &de), "%v", err)
			got, err := os.ReadFile(env)
			require.NoError(t, err)
			require.Equal(t, "OTHER=2\n", string(got))
		})
	}
}

// A symlinked .env is refused as before, now from what the snapshot
// recorded about it, and the link and its target are left as they are.
func TestTokenEnvRefusesALinkedDotenv(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	real := filepath.Join(state, "real.env")
	require.NoError(t, os.WriteFile(real, []byte("OTHER=1\n"), 0o600))
	require.NoError(t, os.Symlink("real.env", filepath.Join(state, ".env")))
	s := loadState(t, state)
	_, err := Prepare(context.Background(), s, tokenEnvRequest(false))
	require.ErrorContains(t, err, "is a symlink")
	got, err := os.ReadFile(real)
	require.NoError(t, err)
	require.Equal(t, "OTHER=1\n", string(got))
	_, err = os.Stat(filepath.Join(state, "openclaw.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
