package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// A real state dir through model.Load: findings locate the file that
// defines the key, including a $include file.
func TestRunOnLoadedSnapshotLocatesIncludes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "openclaw.json"), []byte(`{
  // main config
  $include: "./channels.json5",
  gateway: { bind: "lan" },
}
`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "channels.json5"), []byte(`{
  channels: {
    telegram: {
      dmPolicy: 'open',
    },
  },
}
`), 0o600))
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: dir, Getenv: func(string) string { return "" }, HomeDir: t.TempDir()},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, s.DocErr)
	rep, err := Run(context.Background(), s, Options{Registry: fixtureRegistry(), Now: func() time.Time { return time.UnixMilli(5) }})
	require.NoError(t, err)
	byID := map[string]model.Finding{}
	for _, f := range rep.Findings {
		byID[f.CheckID] = f
	}
	tg := byID["channels.telegram.dm.open"]
	require.Equal(t, filepath.Join(dir, "channels.json5"), tg.File)
	require.Equal(t, 4, tg.Line)
	require.Equal(t, "channels.telegram.dm.open:"+filepath.Join(dir, "channels.json5")+":4", tg.CheckID+":"+tg.Location())
	bind := byID["gateway.bind_no_auth"]
	require.Equal(t, filepath.Join(dir, "openclaw.json"), bind.File)
	require.Equal(t, 4, bind.Line)
	require.Equal(t, int64(5), rep.Ts)
}
