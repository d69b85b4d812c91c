package remediate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// A config symlinked into the Nix store (nix-openclaw) is reported as
// managed, and Prepare refuses with the Nix option to set instead.
func TestPrepareRefusesNixManagedConfig(t *testing.T) {
	root := t.TempDir()
	store := filepath.Join(root, "nix", "store")
	gen := filepath.Join(store, "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8ic-openclaw.json")
	require.NoError(t, os.MkdirAll(store, 0o755))
	const cfg = "{\n  \"gateway\": { \"mode\": \"local\", \"bind\": \"lan\" }\n}\n"
	require.NoError(t, os.WriteFile(gen, []byte(cfg), 0o444))
	state := filepath.Join(root, "home", ".openclaw")
	require.NoError(t, os.MkdirAll(state, 0o700))
	require.NoError(t, os.Symlink(gen, filepath.Join(state, "openclaw.json")))

	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }},
		OpenClawVersion: func() string { return "" },
		Managed:         model.ManagedOptions{Proc: filepath.Join(root, "proc"), NixStore: store},
	})
	require.NoError(t, err)
	require.Len(t, s.Managed, 1)

	_, err = Prepare(context.Background(), s, model.ChangeSet{Edits: []model.Edit{{Op: model.OpSet, Path: "gateway.bind", Value: "loopback"}}}, nil)
	var me *model.ManagedError
	require.True(t, errors.As(err, &me), "%v", err)
	require.Equal(t, model.ManagedNix, me.Managed.Kind)
	require.Contains(t, err.Error(), `programs.openclaw.config.gateway.bind = "loopback";`)
	data, err := os.ReadFile(gen)
	require.NoError(t, err)
	require.Equal(t, cfg, string(data))
}

// The transaction itself refuses a generated file, whatever led to it (a
// flow that builds its own Txn): here a ConfigMap volume, whose ..data link
// stays inside the state dir and so passes the symlink rule.
func TestTxnRefusesConfigMapFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	ts := filepath.Join(state, "..2026_12_05_15_02_11.314")
	require.NoError(t, os.MkdirAll(ts, 0o755))
	const cfg = "{\"gateway\":{\"bind\":\"lan\"}}\n"
	require.NoError(t, os.WriteFile(filepath.Join(ts, "openclaw.json"), []byte(cfg), 0o644))
	require.NoError(t, os.Symlink(filepath.Base(ts), filepath.Join(state, "..data")))
	link := filepath.Join(state, "openclaw.json")
	require.NoError(t, os.Symlink("..data/openclaw.json", link))

	txn := NewTxn(state)
	txn.Track(link, []byte(cfg))
	txn.Write(link, []byte("{\"gateway\":{\"bind\":\"loopback\"}}\n"), 0o600, "test")
	_, err := txn.Commit(BackupMeta{Command: "test"})
	var me *model.ManagedError
	require.True(t, errors.As(err, &me), "%v", err)
	require.Equal(t, model.ManagedConfigMap, me.Managed.Kind)
	data, err := os.ReadFile(filepath.Join(ts, "openclaw.json"))
	require.NoError(t, err)
	require.Equal(t, cfg, string(data))
}
