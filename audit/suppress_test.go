package audit

import (
	"context"
	"os"
	"path/filepath"
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

	cs, err := SuppressEdit(s, target, rep.Findings, "reviewed: mDNS is firewalled")
	require.NoError(t, err)
	require.Empty(t, cs.Writes, "2026.9 keeps suppressions in the config")
	require.Len(t, cs.Edits, 1)
	require.Equal(t, SuppressionsPath, cs.Edits[0].Path)
	files, err := s.Doc.Apply(cs.Edits)
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
	_, err = SuppressEdit(s, target, rep.Findings, "  ")
	require.ErrorContains(t, err, "needs a reason", "2026.9's schema refuses an empty reason")
}

// On a 2026.2-era config (whose OpenClaw rejects the security key, so the
// gateway would not start) and on one hardshell cannot place in an era,
// the entry goes to SuppressionsFile and the config is left alone; the
// audit reads the file back and hides exactly that finding, and a second
// suppression keeps the first.
func TestSuppressEditOldAndUnknownEra(t *testing.T) {
	for _, c := range []struct {
		name, meta string
		era        model.Era
	}{
		{"2026.2", `meta: { lastTouchedVersion: "2026.2.1" },`, model.EraGuide},
		{"unknown", ``, model.EraUnknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := `{
  ` + c.meta + `
  gateway: { bind: "lan", auth: { mode: "token", token: "7c41e0f9a25b4d6e8f1037a9c2d54b6e81f0" } },
  discovery: { mdns: { mode: "full" } },
}`
			s := auditkit.Snapshot(t, cfg, auditkit.Options{})
			require.Equal(t, c.era, s.Era.Era)
			rep, err := Run(context.Background(), s, Options{})
			require.NoError(t, err)
			find := func(id string) model.Finding {
				for _, f := range rep.Findings {
					if f.CheckID == id {
						return f
					}
				}
				t.Fatalf("no %s in %v", id, ids(rep.Findings))
				return model.Finding{}
			}
			write := func(cs model.ChangeSet) {
				require.Empty(t, cs.Edits, "the config is not touched")
				require.Len(t, cs.Writes, 1)
				w := cs.Writes[0]
				require.Equal(t, filepath.Join(s.Target.StateDir, ".hardshell", "suppressions.json"), w.Path)
				require.Equal(t, os.FileMode(0o600), w.Mode)
				require.NoError(t, os.MkdirAll(filepath.Dir(w.Path), 0o700))
				require.NoError(t, os.WriteFile(w.Path, w.Data, w.Mode))
			}
			mdns := find("discovery.mdns_full_mode")
			cs, err := SuppressEdit(s, mdns, rep.Findings, "reviewed: mDNS is firewalled")
			require.NoError(t, err)
			write(cs)

			s = auditkit.Snapshot(t, cfg, auditkit.Options{StateDir: s.Target.StateDir})
			after, err := Run(context.Background(), s, Options{})
			require.NoError(t, err)
			require.Equal(t, []string{mdns.CheckID}, ids(after.SuppressedFindings))
			require.NotContains(t, ids(after.Findings), mdns.CheckID)
			require.Contains(t, ids(after.Findings), IDSuppressionsActive)
			sups, err := SuppressionsOf(s)
			require.NoError(t, err)
			require.Len(t, sups, 1)
			require.True(t, sups[0].InFile)
			require.Equal(t, "reviewed: mDNS is firewalled", sups[0].Reason)

			// a second one is added beside the first
			var redact model.Finding
			for _, f := range after.Findings {
				if f.CheckID == IDGatewayAuthNoRateLimit {
					redact = f
				}
			}
			require.NotEmpty(t, redact.CheckID)
			cs, err = SuppressEdit(s, redact, after.Findings, "a firewall limits who can try")
			require.NoError(t, err)
			write(cs)
			s = auditkit.Snapshot(t, cfg, auditkit.Options{StateDir: s.Target.StateDir})
			after, err = Run(context.Background(), s, Options{})
			require.NoError(t, err)
			require.ElementsMatch(t, []string{mdns.CheckID, redact.CheckID}, ids(after.SuppressedFindings))
		})
	}
}

// A suppressions file that is not JSON is bad input, named with its line
// and column, not an audit that silently stops hiding findings.
func TestSuppressionsFileBadInput(t *testing.T) {
	s := auditkit.Snapshot(t, `{ gateway: { mode: "local" } }`, auditkit.Options{Files: []auditkit.File{{Path: ".hardshell/suppressions.json", Data: "{\n  \"suppressions\": [ oops ]\n}\n"}}})
	_, err := Run(context.Background(), s, Options{})
	var ie *model.InputError
	require.ErrorAs(t, err, &ie)
	require.Contains(t, err.Error(), "suppressions.json:2:")
}
