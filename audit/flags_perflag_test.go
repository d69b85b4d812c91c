package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// OpenClaw 2026.9 reports each dangerous flag on its own; a suppression
// naming one flag hides that flag only. The 2026.2 era keeps one
// aggregated finding.
func TestDangerousFlagsOnePerFlagIn2026_9(t *testing.T) {
	const cfg = `{
  gateway: { mode: "local", controlUi: { dangerouslyDisableDeviceAuth: true, dangerouslyAllowHostHeaderOriginFallback: true } },
  tools: { exec: { applyPatch: { workspaceOnly: false } } },
  security: { audit: { suppressions: [
    { checkId: "config.insecure_or_dangerous_flags", detailIncludes: "applyPatch.workspaceOnly", reason: "patches outside the workspace are intended on this dev box" },
  ] } },
}`
	count := func(r *Report) (kept, suppressed []string) {
		for _, f := range r.Findings {
			if f.CheckID == "config.insecure_or_dangerous_flags" {
				kept = append(kept, f.Detail)
			}
		}
		for _, f := range r.SuppressedFindings {
			if f.CheckID == "config.insecure_or_dangerous_flags" {
				suppressed = append(suppressed, f.Detail)
			}
		}
		return
	}
	modern := checkRun(t, cfg, auditkit.Options{CLIVersion: "2026.9.6"})
	require.Equal(t, model.EraModern.String(), modern.Target.SchemaEra)
	kept, sup := count(modern)
	require.ElementsMatch(t, []string{
		"Detected enabled flag: gateway.controlUi.dangerouslyDisableDeviceAuth=true.",
		"Detected enabled flag: gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true.",
		"Detected enabled flag: security.audit.suppressions configured (1).",
	}, kept)
	require.Equal(t, []string{"Detected enabled flag: tools.exec.applyPatch.workspaceOnly=false."}, sup, "the suppression hides only the flag it names")

	guide := checkRun(t, cfg, auditkit.Options{CLIVersion: "2026.2.1"})
	kept, sup = count(guide)
	require.Empty(t, kept, "2026.2: one aggregated finding, which the suppression's detailIncludes matches")
	require.Len(t, sup, 1)
	require.Contains(t, sup[0], "Detected 4 enabled flag(s)")
}
