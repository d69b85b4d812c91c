package fix

import (
	"context"
	"os"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/stretchr/testify/require"
)

// OpenClaw's own --fix acceptance case (openclaw-audit.md §5, fix.test.ts):
// five open group policies, redaction off, a 0644 config and a WhatsApp
// pairing store. hardshell's safe fixes must reach the same result.
func TestSafeFixMatchesOpenClawFixAcceptance(t *testing.T) {
	s := auditkit.Snapshot(t, `{
  channels: {
    telegram: { groupPolicy: "open" }, whatsapp: { groupPolicy: "open" }, discord: { groupPolicy: "open" },
    signal: { groupPolicy: "open" }, imessage: { groupPolicy: "open" },
  },
  logging: { redactSensitive: "off" },
}`, auditkit.Options{
		ConfigMode: 0o644, StateMode: 0o755,
		Files: []auditkit.File{{Path: "credentials/whatsapp-allowFrom.json", Data: `{"version":1,"allowFrom":[" +15551234567 "]}`}},
	})
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var cs model.ChangeSet
	for _, f := range rep.Findings {
		r, ok := For(f.CheckID)
		if !ok || r.Kind != model.FixSafe {
			continue
		}
		c, err := r.Plan(s, f, nil)
		require.NoError(t, err, f.CheckID)
		cs.Merge(c)
	}
	p, err := remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	_, err = p.Txn.Commit(remediate.BackupMeta{Command: "fix", ToolVersion: "test"})
	require.NoError(t, err)

	after := auditkit.Load(t, s.Target.StateDir, s.Target.ConfigPath, nil, "")
	for _, ch := range []string{"telegram", "whatsapp", "discord", "signal", "imessage"} {
		require.Equal(t, "allowlist", after.Doc.Get("channels."+ch+".groupPolicy").Text(), ch)
	}
	require.Equal(t, []string{"+15551234567"}, after.Doc.Get("channels.whatsapp.groupAllowFrom").Strings())
	red := after.Doc.Redaction()
	require.Equal(t, "tools", red.Value)
	st, _ := os.Stat(s.Target.StateDir)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	st, _ = os.Stat(s.Target.ConfigPath)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}
