package audit

import (
	"context"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// checkRun audits config (JSON5) in a fresh real state dir with the default
// registry, i.e. every area's real checks.
func checkRun(t *testing.T, config string, o auditkit.Options) *Report {
	t.Helper()
	if o.Env == nil {
		o.Env = map[string]string{}
	}
	s := auditkit.Snapshot(t, config, o)
	r, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	return r
}

// requireHit asserts a finding with id at severity sev and returns it.
func requireHit(t *testing.T, r *Report, id string, sev model.Severity) model.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.CheckID == id {
			require.Equal(t, sev, f.Severity, "severity of %s", id)
			return f
		}
	}
	ids := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		ids = append(ids, f.CheckID)
	}
	t.Fatalf("no finding %s; got %v", id, ids)
	return model.Finding{}
}

// requireNoHit asserts no finding with id.
func requireNoHit(t *testing.T, r *Report, id string) {
	t.Helper()
	for _, f := range r.Findings {
		require.NotEqual(t, id, f.CheckID, "unexpected finding %s: %s", id, f.Detail)
	}
}
