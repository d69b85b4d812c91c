package remediate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/internal/demo"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// Each file of a review carries the reasons of the edits that change it:
// with one edit in the included channels.json5 and one in openclaw.json,
// neither file is listed with the other's reason.
func TestFileReasonsAreTheirOwn(t *testing.T) {
	sd, err := demo.Materialize(t.TempDir())
	require.NoError(t, err)
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: sd, Getenv: func(string) string { return "" }},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	cs := model.ChangeSet{Edits: []model.Edit{
		{Op: model.OpSet, Path: "channels.telegram.dmPolicy", Value: "pairing", Reason: "telegram: pairing"},
		{Op: model.OpSet, Path: "discovery.mdns.mode", Value: "minimal", Reason: "mdns: minimal"},
		{Op: model.OpSet, Path: "channels.telegram.groupPolicy", Value: "allowlist", Reason: "telegram: groups allowlist"},
	}}
	p, err := Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	got := map[string]string{}
	for _, pc := range p.Txn.Plan() {
		got[filepath.Base(pc.Path)] = pc.Reason
	}
	require.Equal(t, map[string]string{
		"channels.json5": "telegram: pairing; telegram: groups allowlist",
		"openclaw.json":  "mdns: minimal",
	}, got)
}
