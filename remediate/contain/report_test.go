package contain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestReportIsRedacted(t *testing.T) {
	state := incidentState(t)
	s := load(t, state)
	before, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	cs, err := Plan(s, Options{})
	require.NoError(t, err)

	// the new secrets (in .env writes and literal edits) must not leak either
	var fresh []string
	for _, w := range cs.Writes {
		for _, v := range model.ParseDotenv(w.Data) {
			fresh = append(fresh, v)
		}
	}
	for _, e := range cs.Edits {
		if v, ok := e.Value.(string); ok && len(v) == 48 {
			fresh = append(fresh, v)
		}
	}
	require.NotEmpty(t, fresh)
	red := NewRedactor(s, fresh...)
	now := winEnd
	rep := &Report{ID: ReportID(now), GeneratedAt: now, Window: [2]time.Time{winStart, winEnd}, Host: HostInfo(),
		OpenClaw: s.Era.Version, StateDir: state, ConfigPath: s.Target.ConfigPath, Exposure: ExposureOf(s),
		Evidence: Scan(s, winStart, winEnd, ScanOptions{Redact: red.String}), Changes: ChangesOf(cs),
		Rotated: Rotated(s, Options{}), ManualRotation: Credentials(s), NextSteps: cs.After,
		AuditBefore: CountAudit(before), AuditAfter: CountAudit(before)}
	dir := DefaultDir(state, rep.ID)
	md, js, err := rep.Write(dir, red)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), testutil.Mode(t, dir))
	for _, p := range []string{md, js} {
		require.Equal(t, os.FileMode(0o600), testutil.Mode(t, p))
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, sec := range append(incidentSecrets, fresh...) {
			require.NotContains(t, string(data), sec, "%s leaks a secret", filepath.Base(p))
		}
	}
	text, err := os.ReadFile(md)
	require.NoError(t, err)
	for _, want := range []string{
		"Reachable beyond loopback: **yes**", `customBindHost="0.0.0.0"`, "Tailscale: funnel",
		"OpenClaw version: 2026.3.13", "**apply_patch**", "new recipient (in no allowlist)",
		"ignore previous instructions", "## Gateway log tail", "gateway.auth.password",
		"discord token", "set gateway.bind",
	} {
		require.Contains(t, string(text), want)
	}
	require.True(t, strings.Contains(string(text), "hunt…(20 chars)") || strings.Contains(string(text), "…(20 chars)"))
}

func TestRedactorMasksKnownValuesAnywhere(t *testing.T) {
	state := incidentState(t)
	s := load(t, state)
	red := NewRedactor(s, "freshly-generated-secret-value")
	got := red.String("pw hunter2-gateway-pass and freshly-generated-secret-value in prose")
	require.NotContains(t, got, "hunter2-gateway-pass")
	require.NotContains(t, got, "freshly-generated-secret-value")
	require.Contains(t, got, model.Mask("hunter2-gateway-pass"))
}
