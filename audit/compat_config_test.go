package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// OpenClaw 2026.9.6 reports configured audit suppressions twice, whether or
// not they hid anything (scripts/compat-sweep.sh on modern-plugins.json5):
// security.audit.suppressions.active (info) and a flag in
// config.insecure_or_dangerous_flags (warn).
func TestCompatSuppressionsConfigured(t *testing.T) {
	cases := []struct {
		name, config string
		active       string // substring of the active notice; "" = none
		flag         bool
	}{
		{name: "one suppression that matches nothing",
			config: `{ security: { audit: { suppressions: [{ checkId: "plugins.tools_reachable_permissive_policy", reason: "reviewed 2026-11-03" }] } } }`,
			active: "security.audit.suppressions has 1 configured suppression(s); 0 finding(s) moved to suppressedFindings.", flag: true},
		{name: "one that hides a finding, one incomplete",
			config: `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } },
  security: { audit: { suppressions: [{ checkId: "channels.telegram.dm.open", reason: "bot for the public" }, { reason: "no id" }] } } }`,
			active: "has 2 configured suppression(s); 1 finding(s) moved", flag: true},
		{name: "empty list", config: `{ security: { audit: { suppressions: [] } } }`},
		{name: "none", config: `{ gateway: { mode: "local" } }`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{})
			if tc.active == "" {
				requireNoHit(t, r, IDSuppressionsActive)
			} else {
				f := requireHit(t, r, IDSuppressionsActive, model.Info)
				require.Equal(t, "Security audit suppressions configured", f.Title)
				require.Contains(t, f.Detail, tc.active)
			}
			if !tc.flag {
				requireNoHit(t, r, "config.insecure_or_dangerous_flags")
				return
			}
			f := requireHit(t, r, "config.insecure_or_dangerous_flags", model.Warn)
			require.Contains(t, f.Detail, "security.audit.suppressions configured (")
			require.Contains(t, f.Paths, "security.audit.suppressions")
		})
	}
}
