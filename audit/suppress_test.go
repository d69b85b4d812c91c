package audit

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
)

// The entry SuppressEdit writes is one Suppressions reads back and that
// hides exactly the finding it was made for; ids that must stay visible
// are refused.
func TestSuppressEditRoundTrip(t *testing.T) {
	s := auditkit.Snapshot(t, `{
  meta: { lastTouchedVersion: "2026.9.6" },
  gateway: { bind: "lan", auth: { mode: "token", token: "7c41e0f9a25b4d6e8f1037a9c2d54b6e81f0" } },
  discovery: { mdns: { mode: "full" } },
}`, auditkit.Options{})
	require.Equal(t, model.EraModern, s.Era.Era)
	rep, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	var target model.Finding
	for _, f := range rep.Findings {
		if f.CheckID == "discovery.mdns_full_mode" {
			target = f
		}
	}
	require.NotEmpty(t, target.CheckID)

	e, err := SuppressEdit(s, target, rep.Findings, "reviewed: mDNS is firewalled")
	require.NoError(t, err)
	files, err := s.Doc.Apply([]model.Edit{e})
	require.NoError(t, err)
	nd, err := s.Doc.WithFiles(files)
	require.NoError(t, err)
	cand := *s
	cand.Doc = nd
	sups := Suppressions(Config(&cand))
	require.Len(t, sups, 1)
	require.Equal(t, "reviewed: mDNS is firewalled", sups[0].Reason)
	require.True(t, sups[0].Matches(target))
	after, err := Run(context.Background(), &cand, Options{})
	require.NoError(t, err)
	require.Contains(t, ids(after.SuppressedFindings), target.CheckID)
	require.NotContains(t, ids(after.Findings), target.CheckID)

	_, err = SuppressEdit(s, model.Finding{CheckID: IDCheckFailed}, rep.Findings, "x")
	require.ErrorContains(t, err, "cannot be suppressed")
}
