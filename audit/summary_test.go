package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestSummaryAttackSurface(t *testing.T) {
	r := checkRun(t, `{}`, auditkit.Options{})
	f := requireHit(t, r, "summary.attack_surface", model.Info)
	require.Equal(t, model.TierInbound, f.Priority)
	require.Contains(t, f.Detail, "groups: open=0, allowlist=0")
	require.Contains(t, f.Detail, "tools.elevated: enabled")
	require.Contains(t, f.Detail, "hooks.webhooks: disabled")
	require.Contains(t, f.Detail, "browser control: enabled")
	require.Contains(t, f.Detail, "trust model: personal assistant")

	r = checkRun(t, `{
  channels: {
    whatsapp: { groupPolicy: "open", dmPolicy: "open", allowFrom: ["*"] },
    telegram: { groupPolicy: "allowlist", dm: { policy: "pairing" } },
    discord: { accounts: { work: { groupPolicy: "open" } } },
  },
  tools: { elevated: { enabled: false } },
  hooks: { enabled: true, token: "${HOOKS_TOKEN}", internal: { enabled: true } },
  browser: { enabled: false },
}`, auditkit.Options{Env: map[string]string{"HOOKS_TOKEN": "x"}})
	f = requireHit(t, r, "summary.attack_surface", model.Info)
	require.Contains(t, f.Detail, "groups: open=1 (whatsapp), allowlist=2")
	require.Contains(t, f.Detail, "dms: open=1 (whatsapp), other=2")
	require.Contains(t, f.Detail, "tools.elevated: disabled")
	require.Contains(t, f.Detail, "hooks.webhooks: enabled")
	require.Contains(t, f.Detail, "hooks.internal: enabled")
	require.Contains(t, f.Detail, "browser control: disabled")

	// Missing config: still reported.
	r = checkRun(t, ``, auditkit.Options{})
	requireHit(t, r, "summary.attack_surface", model.Info)
}

func TestScore(t *testing.T) {
	require.Equal(t, 100, Summary{}.Score())
	require.Equal(t, 59, Summary{Critical: 1}.Score())
	require.Equal(t, 0, Summary{Critical: 17, Warn: 17, Info: 1}.Score())
	require.Equal(t, 88, Summary{Warn: 4}.Score())
	require.Equal(t, 97, Summary{Info: 3}.Score())
}
