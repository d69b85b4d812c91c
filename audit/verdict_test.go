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
