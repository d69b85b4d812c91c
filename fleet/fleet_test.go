package fleet

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fleet/fleettest"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

// auditReport audits a fixture state dir for real and returns its --json.
func auditReport(t *testing.T, fixture string, now time.Time) []byte {
	t.Helper()
	rep, _ := fleettest.Report(t, fixture, now)
	return rep
}

func fleetDir(t *testing.T, now time.Time) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	write("alpha.json", auditReport(t, "guide-dangerous", now))
	write("beta.json", auditReport(t, "loose-perms", now))
	write("gamma.json", auditReport(t, "fresh-onboard", now))
	write("old.json", auditReport(t, "loose-perms", now.Add(-72*time.Hour)))
	write("broken.json", []byte("{\n  \"ts\": 1,\n  \"summary\": oops\n}\n"))
	write("notes.txt", []byte("not a report"))
	write(ExpectedHostsFile, []byte("alpha\nbeta\ngamma\nold\nbroken\ndelta\n# comment\n"))
	return dir
}

func TestLoadRanksAndFlags(t *testing.T) {
	now := time.Now()
	f, err := Load(fleetDir(t, now), Options{Now: now})
	require.NoError(t, err)
	var order []string
	for _, h := range f.Hosts {
		order = append(order, h.Host+":"+h.Status)
	}
	require.Equal(t, []string{"delta"}, f.Missing)
	require.Equal(t, []string{"old"}, f.Stale)
	require.Equal(t, []string{"broken"}, f.Unreadable)
	require.Equal(t, "broken:unreadable", order[len(order)-2])
	require.Equal(t, "delta:missing", order[len(order)-1])
	for i := 1; i < len(f.Hosts); i++ {
		a, b := f.Hosts[i-1], f.Hosts[i]
		if a.Report() != nil && b.Report() != nil {
			require.GreaterOrEqual(t, a.Summary.Critical, b.Summary.Critical, "worst first: %v", order)
		}
	}
	var broken *Host
	for _, h := range f.Hosts {
		if h.Host == "broken" {
			broken = h
		}
		if h.Report() != nil {
			// the tiers add up to the report's own summary
			require.Equal(t, h.Report().Summary, h.Summary, h.Host)
			n := 0
			for _, tc := range h.Tiers {
				n += tc.Critical + tc.Warn + tc.Info
			}
			require.Equal(t, len(h.Report().Findings), n)
		}
	}
	require.Contains(t, broken.Problem, "broken.json:3:14: not valid JSON")

	// beta and old are the same fixture: everything beta has is shared
	require.NotEmpty(t, f.Shared)
	for _, s := range f.Shared {
		require.GreaterOrEqual(t, len(s.Hosts), 2)
	}
	require.Contains(t, f.Shared[0].Hosts, "beta")
	require.Contains(t, f.Shared[0].Hosts, "old")
}

func TestOutputs(t *testing.T) {
	now := time.Now()
	f, err := Load(fleetDir(t, now), Options{Now: now})
	require.NoError(t, err)

	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, f))
	var got struct {
		Hosts []struct {
			Host    string         `json:"host"`
			Summary map[string]int `json:"summary"`
			Status  string         `json:"status"`
		} `json:"hosts"`
		Missing []string `json:"missing"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &got))
	require.Len(t, got.Hosts, 6)
	require.Equal(t, []string{"delta"}, got.Missing)
	require.Contains(t, got.Hosts[0].Summary, "critical")

	var txt bytes.Buffer
	require.NoError(t, WriteText(&txt, f))
	for _, want := range []string{"Fleet: 6 hosts, 4 reports", "Findings most hosts share:", "delta: missing", "old: stale", "broken: unreadable"} {
		require.Contains(t, txt.String(), want)
	}

	var sarif bytes.Buffer
	require.NoError(t, WriteSARIF(&sarif, f))
	sch := compileSchema(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sarif.Bytes()))
	require.NoError(t, err)
	require.NoError(t, sch.Validate(inst))
	var log struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []any               `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(sarif.Bytes(), &log))
	var ids []string
	for _, r := range log.Runs {
		ids = append(ids, r.AutomationDetails.ID)
	}
	require.ElementsMatch(t, []string{"hardshell/alpha/", "hardshell/beta/", "hardshell/gamma/", "hardshell/old/"}, ids)
	require.True(t, strings.HasPrefix(ids[0], "hardshell/"))
}

func TestLoadBadDir(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent"), Options{})
	var ie *model.InputError
	require.ErrorAs(t, err, &ie)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(testutil.RepoRoot(), "audit", "testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", doc))
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)
	return sch
}
