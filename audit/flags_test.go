package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestFlagsAggregated(t *testing.T) {
	r := checkRun(t, `{
  gateway: { controlUi: { allowInsecureAuth: true, dangerouslyDisableDeviceAuth: true, dangerouslyAllowHostHeaderOriginFallback: false } },
  hooks: { gmail: { allowUnsafeExternalContent: true }, mappings: [ { id: "a" }, { id: "b", allowUnsafeExternalContent: true } ] },
  tools: { exec: { applyPatch: { workspaceOnly: false } } },
  browser: { ssrfPolicy: { dangerouslyAllowPrivateNetwork: true } },
  channels: { discord: { accounts: { work: { dangerouslyAllowNameMatching: true } } } },
  agents: { list: [ { id: "main", sandbox: { docker: { dangerouslyAllowExternalBindSources: true } } } ] },
  plugins: { entries: { x: { config: { dangerouslySkipVerify: true } } } },
}`, auditkit.Options{})
	f := requireHit(t, r, "config.insecure_or_dangerous_flags", model.Warn)
	want := []string{
		"gateway.controlUi.allowInsecureAuth",
		"gateway.controlUi.dangerouslyDisableDeviceAuth",
		"hooks.gmail.allowUnsafeExternalContent",
		"hooks.mappings[1].allowUnsafeExternalContent",
		"tools.exec.applyPatch.workspaceOnly",
		"browser.ssrfPolicy.dangerouslyAllowPrivateNetwork",
		"channels.discord.accounts.work.dangerouslyAllowNameMatching",
		"agents.list[0].sandbox.docker.dangerouslyAllowExternalBindSources",
		"plugins.entries.x.config.dangerouslySkipVerify",
	}
	require.Equal(t, want, f.Paths)
	require.Contains(t, f.Detail, "Detected 9 enabled flag(s): gateway.controlUi.allowInsecureAuth=true")
	require.Contains(t, f.Detail, "tools.exec.applyPatch.workspaceOnly=false")
	require.NotContains(t, f.Detail, "HostHeaderOriginFallback")
	require.Equal(t, model.FixSafe, f.Fix)
	require.Positive(t, f.Line)
	n := 0
	for _, x := range r.Findings {
		if x.CheckID == "config.insecure_or_dangerous_flags" {
			n++
		}
	}
	require.Equal(t, 1, n, "one aggregated finding")
}

func TestFlagsAbsentAndEntriesEra(t *testing.T) {
	gatewayRunCases(t, []gatewayCase{
		{name: "acceptance: insecure auth toggle", config: `{gateway:{controlUi:{allowInsecureAuth:true}}}`,
			present: map[string]model.Severity{"config.insecure_or_dangerous_flags": model.Warn}},
		{name: "clean", config: `{gateway:{controlUi:{allowInsecureAuth:false}},tools:{exec:{applyPatch:{workspaceOnly:true}}},browser:{ssrfPolicy:{dangerouslyAllowPrivateNetwork:false}}}`,
			absent: []string{"config.insecure_or_dangerous_flags"}},
		{name: "private network default is not a flag", config: `{browser:{enabled:true}}`, absent: []string{"config.insecure_or_dangerous_flags"}},
		{name: "entries era agent", config: `{agents:{entries:{ops:{tools:{exec:{applyPatch:{workspaceOnly:false}}}}}}}`,
			present: map[string]model.Severity{"config.insecure_or_dangerous_flags": model.Warn}},
		{name: "allowUnsafeExternalContent outside hooks is not this flag", config: `{tools:{web:{allowUnsafeExternalContent:true}}}`,
			absent: []string{"config.insecure_or_dangerous_flags"}},
	})
}

// The walks keep a segment stack and spell only a reported value's path:
// the paths are the ones the path-per-node walks gave, odd keys quoted and
// array elements indexed.
func TestWalksSpellReportedPaths(t *testing.T) {
	s := auditkit.Snapshot(t, `{
  gateway: { controlUi: { allowInsecureAuth: true } },
  hooks: { mappings: [ { allowUnsafeExternalContent: false }, { allowUnsafeExternalContent: true } ] },
  channels: { "odd.key": { accounts: { "a b": { dangerouslyAllowNameMatching: true } } } },
  models: { providers: { p: { headers: [ "x", "${HARDSHELL_TEST_UNSET_A}" ] } } },
  "we ird": { list: [ { v: "${HARDSHELL_TEST_UNSET_A}" } ] },
  plugins: { entries: { 'x"]y': { dangerouslyAllowAll: true } } },
}`, auditkit.Options{})
	var got []string
	for _, f := range collectDangerousFlags(s) {
		got = append(got, f.Path)
	}
	require.Equal(t, []string{"gateway.controlUi.allowInsecureAuth", "hooks.mappings[1].allowUnsafeExternalContent",
		`channels["odd.key"].accounts["a b"].dangerouslyAllowNameMatching`,
		// a key JoinPath cannot quote keeps the path before it (spelled
		// step by step through Child, this was "dangerouslyAllowAll")
		`plugins.entries["x"]y"].dangerouslyAllowAll`}, got)
	hits := runEnvVarMissing(s)
	require.Len(t, hits, 1)
	require.Equal(t, []string{"models.providers.p.headers[1]", `["we ird"].list[0].v`}, hits[0].Paths)
}
