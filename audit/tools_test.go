package audit

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestToolsElevatedAllowFrom(t *testing.T) {
	r := checkRun(t, `{ tools: { elevated: { allowFrom: { whatsapp: ["*"], telegram: ["123456789"] } } } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.elevated.allowFrom.whatsapp.wildcard", model.Critical)
	require.Equal(t, []string{"tools.elevated.allowFrom.whatsapp"}, f.Paths)
	requireNoHit(t, r, "tools.elevated.allowFrom.telegram.wildcard")

	ids := make([]string, 30)
	for i := range ids {
		ids[i] = `"` + strconv.Itoa(100000+i) + `"`
	}
	r = checkRun(t, `{ tools: { elevated: { enabled: true, allowFrom: { telegram: [`+strings.Join(ids, ",")+`] } } } }`, auditkit.Options{})
	requireHit(t, r, "tools.elevated.allowFrom.telegram.large", model.Warn)

	// Disabled elevated: nothing, even with "*".
	r = checkRun(t, `{ tools: { elevated: { enabled: false, allowFrom: { whatsapp: ["*"] } } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.elevated.allowFrom.whatsapp.wildcard")
}

func TestToolsExecHostSandbox(t *testing.T) {
	r := checkRun(t, `{ tools: { exec: { host: "sandbox" } }, agents: { defaults: { sandbox: { mode: "off" } } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.host_sandbox_no_sandbox_defaults", model.Warn)
	r = checkRun(t, `{ tools: { exec: { host: "sandbox" } }, agents: { defaults: { sandbox: { mode: "non-main" } } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.host_sandbox_no_sandbox_defaults")

	r = checkRun(t, `{ agents: { defaults: { sandbox: { mode: "all" } }, list: [
    { id: "main" },
    { id: "ops", sandbox: { mode: "off" }, tools: { exec: { host: "sandbox" } } },
  ] } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.exec.host_sandbox_no_sandbox_agents", model.Warn)
	require.Contains(t, f.Detail, "ops")
	// modern era
	r = checkRun(t, `{ agents: { entries: { ops: { tools: { exec: { host: "sandbox" } } } } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.host_sandbox_no_sandbox_agents", model.Warn)
}

func TestToolsSafeBins(t *testing.T) {
	r := checkRun(t, `{ tools: { exec: { safeBins: ["jq", "python3", "/usr/bin/node"], safeBinProfiles: { python3: { maxArgs: 2 } },
    safeBinTrustedDirs: ["/usr/bin", "/usr/local/bin", "bin", "/tmp/tools", "/home/me/.local/bin"] } } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.exec.safe_bins_interpreter_unprofiled", model.Warn)
	require.Contains(t, f.Detail, "/usr/bin/node")
	require.NotContains(t, f.Detail, "python3")
	f = requireHit(t, r, "tools.exec.safe_bin_trusted_dirs_risky", model.Warn)
	for _, d := range []string{"/usr/local/bin", "bin (relative", "/tmp/tools", "/home/me/.local/bin"} {
		require.Contains(t, f.Detail, d)
	}
	require.NotContains(t, f.Detail, "/usr/bin ")
	r = checkRun(t, `{ tools: { exec: { safeBins: ["jq", "grep"], safeBinTrustedDirs: ["/usr/bin", "/bin"] } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.safe_bins_interpreter_unprofiled")
	requireNoHit(t, r, "tools.exec.safe_bin_trusted_dirs_risky")
}

func TestToolsExecSecurityFull(t *testing.T) {
	r := checkRun(t, `{ tools: { exec: { security: "full", ask: "off" } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.security_full_configured", model.Warn)
	r = checkRun(t, `{ tools: { exec: { security: "full" } }, channels: { whatsapp: { groupPolicy: "open" } } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.security_full_configured", model.Critical)
	// Agent override wins over the global setting.
	r = checkRun(t, `{ tools: { exec: { security: "full" } }, agents: { list: [ { id: "main", tools: { exec: { security: "allowlist" } } } ] } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.security_full_configured")
}

func TestToolsFSDisabledExecEnabled(t *testing.T) {
	r := checkRun(t, `{ tools: { deny: ["write", "edit", "apply_patch"] } }`, auditkit.Options{})
	requireHit(t, r, "tools.exec.fs_tools_disabled_but_exec_enabled", model.Warn)
	// The guide's read-only profile: sandbox + ro workspace.
	r = checkRun(t, `{ tools: { deny: ["write", "edit", "apply_patch"] }, agents: { defaults: { sandbox: { mode: "all", workspaceAccess: "ro" } } } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.fs_tools_disabled_but_exec_enabled")
	r = checkRun(t, `{ tools: { deny: ["write", "edit", "apply_patch", "exec", "process"] } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.fs_tools_disabled_but_exec_enabled")
}

func TestToolsExecApprovals(t *testing.T) {
	approvals := `{
  "version": 1,
  "socket": { "path": "/tmp/sock", "token": "sk-approvals-secret-token-abcdef" },
  "defaults": { "security": "allowlist", "autoAllowSkills": true },
  "agents": { "main": { "allowlist": [ { "id": "1", "pattern": "/usr/bin/python3" }, { "id": "2", "pattern": "/usr/bin/jq" } ] } }
}`
	files := []auditkit.File{{Path: "exec-approvals.json", Data: approvals}}
	r := checkRun(t, `{}`, auditkit.Options{Files: files})
	f := requireHit(t, r, "tools.exec.auto_allow_skills_enabled", model.Warn)
	require.NotContains(t, f.Detail, "sk-approvals")
	f = requireHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval", model.Warn)
	require.Contains(t, f.Detail, "/usr/bin/python3")
	require.NotContains(t, f.Detail, "jq")

	r = checkRun(t, `{ tools: { exec: { strictInlineEval: true } } }`, auditkit.Options{Files: files})
	requireNoHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval")
	r = checkRun(t, `{ agents: { list: [ { id: "main", tools: { exec: { strictInlineEval: true } } } ] } }`, auditkit.Options{Files: files})
	requireNoHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval")

	// No file: nothing.
	r = checkRun(t, `{}`, auditkit.Options{})
	requireNoHit(t, r, "tools.exec.auto_allow_skills_enabled")
	requireNoHit(t, r, "tools.exec.allowlist_interpreter_without_strict_inline_eval")
}

func TestToolsProfileMinimalOverridden(t *testing.T) {
	r := checkRun(t, `{ tools: { profile: "minimal" }, agents: { list: [ { id: "main" }, { id: "dev", tools: { profile: "coding" } } ] } }`, auditkit.Options{})
	f := requireHit(t, r, "tools.profile_minimal_overridden", model.Warn)
	require.Contains(t, f.Detail, "dev")
	r = checkRun(t, `{ tools: { profile: "coding" }, agents: { list: [ { id: "dev", tools: { profile: "full" } } ] } }`, auditkit.Options{})
	requireNoHit(t, r, "tools.profile_minimal_overridden")
}
