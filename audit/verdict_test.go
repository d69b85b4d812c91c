package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func verdictsByID(r *Report) map[string]CheckVerdict {
	m := map[string]CheckVerdict{}
	for _, c := range r.Checks {
		m[c.CheckID] = c
	}
	return m
}

// Every declared check gets exactly one verdict with a reason, in every run.
func TestEveryCheckHasAVerdict(t *testing.T) {
	const config = `{
  gateway: { mode: "local", bind: "lan", auth: { mode: "token", token: "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8icAbCdEf" } },
  channels: { telegram: { botToken: "123456:AAH-fake-telegram-token-abcdefghijkl", dmPolicy: "open", allowFrom: ["*"] } },
  logging: { redactSensitive: "off" },
}`
	s := auditkit.Snapshot(t, config, auditkit.Options{Env: map[string]string{}})
	rep, err := Run(context.Background(), s, Options{Live: ReadLive(fsys.Local{}, procRoot(t, "mapped"))})
	require.NoError(t, err)
	require.Len(t, rep.Checks, len(Checks()), "one verdict per declared check")
	require.GreaterOrEqual(t, len(rep.Checks), 130)
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		require.False(t, seen[c.CheckID], "duplicate verdict for %s", c.CheckID)
		seen[c.CheckID] = true
		require.Contains(t, []Verdict{VerdictPass, VerdictFail, VerdictUnknown, VerdictNotApplicable}, c.Verdict, c.CheckID)
		require.NotEmpty(t, strings.TrimSpace(c.Reason), c.CheckID)
		require.NotContains(t, c.Reason, "\n", "%s: one-line reason", c.CheckID)
	}
	v := verdictsByID(rep)
	// a check with a warn/critical finding fails; the pattern check is the
	// one verdict for all its instances
	require.Equal(t, VerdictFail, v["channels.<id>.dm.open"].Verdict)
	require.Equal(t, VerdictFail, v["logging.redact_off"].Verdict)
	// the live listener was read: 127.0.0.1/::1 only
	require.Equal(t, VerdictNotApplicable, v[IDListenerExposed].Verdict, "bind lan already listens everywhere: %s", v[IDListenerExposed].Reason)
	// the probe needs --deep
	require.Equal(t, VerdictUnknown, v[IDProbeUnauthenticated].Verdict)
	require.Contains(t, v[IDProbeUnauthenticated].Reason, "--deep")
	// a trusted-proxy check with token auth does not apply
	require.Equal(t, VerdictNotApplicable, v["gateway.trusted_proxy_no_proxies"].Verdict)
	// counts match the list, tier by tier
	tot := rep.Verdicts.Totals
	require.Equal(t, len(rep.Checks), tot.Passed+tot.Failed+tot.Unknown+tot.NotApplicable)
	require.False(t, rep.Verdicts.Complete)
	require.LessOrEqual(t, rep.Verdicts.HardeningIndex, 49, "a critical is open")
	sum := 0
	for _, tt := range rep.Verdicts.Tiers {
		sum += tt.Passed + tt.Failed + tt.Unknown + tt.NotApplicable
	}
	require.Equal(t, len(rep.Checks), sum)
	require.NotContains(t, mustJSON(t, rep), "AAH-fake-telegram-token", "reasons go through the redactor")
}

func TestVerdictsWhenTheConfigCannotBeRead(t *testing.T) {
	s := auditkit.Snapshot(t, `{gateway: {bind: "lan",}`, auditkit.Options{Env: map[string]string{}})
	require.Error(t, s.DocErr)
	rep, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	v := verdictsByID(rep)
	require.Equal(t, VerdictFail, v[IDConfigUnreadable].Verdict)
	require.Equal(t, VerdictUnknown, v["gateway.bind_no_auth"].Verdict)
	require.Contains(t, v["gateway.bind_no_auth"].Reason, "could not be read")
	require.Equal(t, VerdictUnknown, v[IDListenerExposed].Verdict)
	// filesystem checks still ran
	require.Equal(t, VerdictPass, v["fs.state_dir.perms_readable"].Verdict)
	require.False(t, rep.Verdicts.Complete)
	require.Greater(t, rep.Verdicts.Totals.Unknown, 50)
	require.Less(t, rep.Verdicts.HardeningIndex, 60, "an audit that skipped most checks never looks green")
}

func TestVerdictOfAPanickingCheckIsUnknown(t *testing.T) {
	reg := NewRegistry()
	reg.Register("gateway",
		Check{ID: "gateway.ok", Title: "ok", Tier: model.TierExposure, Run: hitsFor()},
		Check{ID: "gateway.info_only", Title: "info", Tier: model.TierExposure, Run: hitsFor(Hit{Severity: model.Info, Detail: "fyi"})},
		Check{ID: "gateway.boom", Title: "boom", Tier: model.TierExposure, Run: func(*model.Snapshot) []Hit { panic("kaput") }},
		Check{ID: IDCheckFailed, Title: "failed", Tier: model.TierModels},
	)
	rep, err := Run(context.Background(), snap(t.TempDir(), map[string]any{}), Options{Registry: reg})
	require.NoError(t, err)
	v := verdictsByID(rep)
	require.Equal(t, VerdictPass, v["gateway.ok"].Verdict)
	require.Equal(t, VerdictPass, v["gateway.info_only"].Verdict, "an informational finding is not a failure")
	require.Contains(t, v["gateway.info_only"].Reason, "informational")
	require.Equal(t, VerdictUnknown, v["gateway.boom"].Verdict)
	require.Equal(t, VerdictFail, v[IDCheckFailed].Verdict)
	require.False(t, rep.Verdicts.Complete)
}

func TestShowPassedText(t *testing.T) {
	s := auditkit.Snapshot(t, `{gateway: {mode: "local", bind: "loopback", auth: {mode: "token", token: "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8icAbCdEf"}}}`, auditkit.Options{Env: map[string]string{}})
	rep, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	var plain, all bytes.Buffer
	require.NoError(t, WriteText(&plain, rep, TextOptions{}))
	require.NoError(t, WriteText(&all, rep, TextOptions{ShowPassed: true}))
	require.Contains(t, plain.String(), "Checks: ")
	require.Contains(t, plain.String(), "hardening index ")
	require.Contains(t, plain.String(), "(incomplete: ")
	require.Contains(t, plain.String(), "[2] Public network exposure")
	require.NotContains(t, plain.String(), "[PASS]")
	out := all.String()
	for _, c := range rep.Checks {
		require.Contains(t, out, c.CheckID+" — "+c.Reason)
	}
	require.Contains(t, out, "[PASS] gateway.bind_no_auth")
	require.Contains(t, out, "[UNKNOWN] "+IDProbeFailed)
	require.Contains(t, out, HardeningIndexDoc)

	// --json carries every verdict, with or without --show-passed
	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, rep))
	var doc struct {
		Checks   []map[string]any
		Verdicts VerdictSummary
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	require.Len(t, doc.Checks, len(rep.Checks))
	for _, c := range doc.Checks {
		require.NotEmpty(t, c["checkId"])
		require.NotEmpty(t, c["verdict"])
		require.NotEmpty(t, c["reason"])
	}
	require.Equal(t, rep.Verdicts.HardeningIndex, doc.Verdicts.HardeningIndex)
}

func mustJSON(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, r))
	return b.String()
}

// A check whose subject is absent says not_applicable with a reason instead
// of passing; once the subject is there, the same check passes (or fails).
func TestNotApplicableWhenTheSubjectIsAbsent(t *testing.T) {
	const token = `gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8icAbCdEf" } }`
	cases := []struct {
		name   string
		config string
		files  []auditkit.File
		want   map[string]Verdict
		reason map[string]string // a substring of the reason
	}{
		{name: "nothing configured", config: `{` + token + `}`,
			want: map[string]Verdict{
				"hooks.token_missing": VerdictNotApplicable, "hooks.installs_version_drift": VerdictNotApplicable,
				"channels.discord.commands.native.unrestricted": VerdictNotApplicable, "channels.<id>.dm.open": VerdictNotApplicable,
				"security.exposure.open_groups_with_elevated": VerdictNotApplicable, "session.dm_scope.per_channel_peer_multi_account": VerdictNotApplicable,
				"skills.workspace.symlink_escape": VerdictNotApplicable, "plugins.installs_version_drift": VerdictNotApplicable,
				"plugins.extensions_no_allowlist": VerdictNotApplicable, "sandbox.dangerous_network_mode": VerdictNotApplicable,
				"fs.config_include.perms_writable": VerdictNotApplicable, "fs.env_file.perms_readable": VerdictNotApplicable,
				"fs.credentials_dir.perms_readable": VerdictNotApplicable, "tools.elevated.allowFrom.<provider>.wildcard": VerdictNotApplicable,
				"security.trust_model.cross_agent_session_access_default": VerdictNotApplicable,
				// judged on any config
				"gateway.bind_no_auth": VerdictPass, "logging.redact_off": VerdictPass, "fs.config.perms_writable": VerdictPass,
			},
			reason: map[string]string{"hooks.token_missing": "hooks are not configured", "skills.workspace.symlink_escape": "no agent workspace has a skills/ dir",
				"channels.discord.commands.native.unrestricted": "no channel is configured", "fs.config_include.perms_writable": "no $include"}},
		{name: "hooks present but off, a telegram channel only",
			config: `{` + token + `, hooks: { enabled: false, token: "a-long-hooks-token-0123456789abcdef" },
  channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}", dmPolicy: "pairing" } } }`,
			want: map[string]Verdict{
				"hooks.token_too_short": VerdictNotApplicable, "channels.discord.commands.native.unrestricted": VerdictNotApplicable,
				"channels.telegram.groups.allowFrom.wildcard": VerdictPass, "channels.<id>.dm.open": VerdictPass,
				"security.exposure.open_groups_with_elevated": VerdictPass,
			},
			reason: map[string]string{"hooks.token_too_short": "hooks.enabled is not true", "channels.discord.commands.native.unrestricted": "no discord channel is configured"}},
		{name: "the subjects present",
			config: `{` + token + `, hooks: { enabled: true, token: "a-long-hooks-token-0123456789abcdef", defaultSessionKey: "hook:ingress", allowedAgentIds: ["main"],
    internal: { installs: { mailer: { source: "npm", spec: "hook-mailer@1.0.0", integrity: "sha512-x", version: "1.0.0" } } } },
  agents: { list: [{ id: "main", default: true }, { id: "work" }], defaults: { sandbox: { docker: { network: "none" } } } },
  tools: { elevated: { allowFrom: { telegram: ["123"] } }, sessions: { visibility: "tree" } },
  plugins: { allow: ["voice"], installs: { voice: { source: "npm", spec: "voice@2.0.0", integrity: "sha512-y", version: "2.0.0" } } },
  "$include": "./extra.json5" }`,
			files: []auditkit.File{{Path: "extra.json5", Data: `{ logging: { redactSensitive: "tools" } }`}, {Path: ".env", Data: "A=b\n"},
				{Path: "hooks/mailer/package.json", Data: `{"version":"1.0.0"}`}, {Path: "extensions/voice/package.json", Data: `{"name":"voice","version":"2.0.0"}`},
				{Path: "workspace/skills/notes/SKILL.md", Data: "---\nname: notes\n---\n"}, {Path: "credentials/oauth.json", Data: "{}"}},
			want: map[string]Verdict{
				"hooks.token_too_short": VerdictPass, "hooks.installs_version_drift": VerdictPass, "hooks.installs_unpinned_npm_specs": VerdictPass,
				"skills.workspace.symlink_escape": VerdictPass, "plugins.installs_version_drift": VerdictPass, "plugins.extensions_no_allowlist": VerdictPass,
				"sandbox.dangerous_network_mode": VerdictPass, "fs.config_include.perms_writable": VerdictPass, "fs.env_file.perms_readable": VerdictPass,
				"fs.credentials_dir.perms_readable": VerdictPass, "tools.elevated.allowFrom.<provider>.wildcard": VerdictPass,
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{Files: tc.files, Env: map[string]string{"TELEGRAM_BOT_TOKEN": "123456:AAH-fake-telegram-token-abcdefghijkl"}})
			v := verdictsByID(r)
			require.Len(t, r.Checks, len(Checks()), "--json checks stay complete")
			for id, want := range tc.want {
				require.Contains(t, v, id)
				require.Equal(t, want, v[id].Verdict, "%s: %s", id, v[id].Reason)
			}
			for id, sub := range tc.reason {
				require.Contains(t, v[id].Reason, sub, id)
			}
		})
	}
}
