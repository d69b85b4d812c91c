package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

type sarifOut struct {
	Runs []struct {
		AutomationDetails struct{ ID string } `json:"automationDetails"`
		Results           []struct {
			RuleID    string
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI, URIBaseID string }
					Region           struct{ StartLine int }
				}
			}
			PartialFingerprints map[string]string
		}
	}
}

// sarifOf audits a real state dir and renders SARIF the way the CLI does
// (directories told apart on disk), validated against the SARIF schema.
func sarifOf(t *testing.T, s *model.Snapshot, o SARIFOptions) (sarifOut, string) {
	t.Helper()
	rep, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	o.IsDir = func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }
	var b bytes.Buffer
	require.NoError(t, WriteSARIFWith(&b, rep, o))
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.NoError(t, compileSARIFSchema(t).Validate(inst))
	var out sarifOut
	require.NoError(t, json.Unmarshal(b.Bytes(), &out))
	return out, b.String()
}

type sarifLoc struct {
	uri  string
	line int
	fp   string
}

func sarifLocs(out sarifOut) map[string]sarifLoc {
	m := map[string]sarifLoc{}
	for _, r := range out.Runs[0].Results {
		l := r.Locations[0].PhysicalLocation
		m[r.RuleID] = sarifLoc{l.ArtifactLocation.URI, l.Region.StartLine, r.PartialFingerprints["primaryLocationLineHash"]}
	}
	return m
}

func TestSARIFLocatesEveryResult(t *testing.T) {
	const config = `{
  // hand-written
  gateway: {
    mode: "local",
    bind: "lan",
    controlUi: { allowedOrigins: ["*"] },
  },
  channels: { telegram: { botToken: "123456:AAH-fake-telegram-token-abcdefghijkl", dmPolicy: "open", allowFrom: ["*"] } },
}
`
	repo := t.TempDir()
	state := filepath.Join(repo, "hosts", "gw1", ".openclaw")
	s := auditkit.Snapshot(t, config, auditkit.Options{Env: map[string]string{}, StateDir: state, StateMode: 0o755})

	out, raw := sarifOf(t, s, SARIFOptions{Root: repo, Category: "hardshell/gw1"})
	require.Equal(t, "hardshell/gw1/", out.Runs[0].AutomationDetails.ID)
	locs := sarifLocs(out)
	for id, l := range locs {
		require.Equal(t, "hosts/gw1/.openclaw/openclaw.json", l.uri, "%s is located in the config, relative to --sarif-root", id)
		require.Positive(t, l.line, id)
	}
	// the state dir's mode is a finding about a directory: it points at
	// the config (line 1), not at a folder GitHub cannot show
	require.Contains(t, locs, "fs.state_dir.perms_readable")
	require.Equal(t, 1, locs["fs.state_dir.perms_readable"].line)
	// a key that is set is located on its own line
	require.Equal(t, 5, locs["gateway.control_ui.allowed_origins_wildcard"].line-1, "allowedOrigins is on line 6")
	// a missing key (no auth at all) points at its closest ancestor
	require.Equal(t, 5, locs["gateway.bind_no_auth"].line, "bind is on line 5")
	require.Equal(t, 3, locs["gateway.auth_no_rate_limit"].line, "gateway.auth.rateLimit is missing: its closest ancestor gateway: is on line 3")
	require.NotContains(t, raw, "AAH-fake-telegram-token", "SARIF goes through the redactor")

	// Default root = the state dir.
	out, _ = sarifOf(t, s, SARIFOptions{})
	for id, l := range sarifLocs(out) {
		require.Equal(t, "openclaw.json", l.uri, id)
	}
	require.Equal(t, "hardshell/"+strings.Trim(filepath.ToSlash(state), "/")+"/", out.Runs[0].AutomationDetails.ID)
}

// The fingerprint follows the finding, not the line: lines added above a
// key move the result, and GitHub still sees the same alert.
func TestSARIFFingerprintsSurviveLineMoves(t *testing.T) {
	const config = `{gateway: {bind: "lan", controlUi: {allowedOrigins: ["*"]}}}`
	moved := "// a comment\n// another\n\n" + strings.Replace(config, "{gateway:", "{\n  gateway:", 1)
	a := sarifLocs(func() sarifOut {
		o, _ := sarifOf(t, auditkit.Snapshot(t, config, auditkit.Options{Env: map[string]string{}}), SARIFOptions{})
		return o
	}())
	b := sarifLocs(func() sarifOut {
		o, _ := sarifOf(t, auditkit.Snapshot(t, moved, auditkit.Options{Env: map[string]string{}}), SARIFOptions{})
		return o
	}())
	require.NotEmpty(t, a)
	require.Equal(t, len(a), len(b))
	id := "gateway.control_ui.allowed_origins_wildcard"
	require.NotEqual(t, a[id].line, b[id].line, "the key moved")
	for rule, l := range a {
		require.Equal(t, l.fp, b[rule].fp, "%s keeps its fingerprint", rule)
	}
}

func TestSARIFWithoutConfigStillLocates(t *testing.T) {
	s := auditkit.Snapshot(t, "", auditkit.Options{Env: map[string]string{}})
	out, _ := sarifOf(t, s, SARIFOptions{})
	require.NotEmpty(t, out.Runs[0].Results)
	for id, l := range sarifLocs(out) {
		require.Equal(t, "openclaw.json", l.uri, id)
		require.Equal(t, 1, l.line, id)
	}
}
