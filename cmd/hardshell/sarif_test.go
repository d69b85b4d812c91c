package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A state dir checked into a repository through a symlink: --sarif-root is
// the repository, URIs are relative to it after resolving the link, and the
// category names the run.
func TestAuditSARIFRootAndCategory(t *testing.T) {
	repo := t.TempDir()
	real := filepath.Join(repo, "gateways", "gw1")
	require.NoError(t, os.MkdirAll(real, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(real, "openclaw.json"), []byte("{\n  gateway: {\n    bind: \"lan\",\n  },\n}\n"), 0o600))
	link := filepath.Join(t.TempDir(), ".openclaw")
	require.NoError(t, os.Symlink(real, link))

	out, errOut, code := runAuditCmd(t, "audit", "--state-dir", link, "--sarif", "--fail-on", "none", "--sarif-root", repo, "--sarif-category", "fleet/gw1")
	require.Equal(t, 0, code, errOut)
	var log struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.Equal(t, "fleet/gw1/", log.Runs[0].AutomationDetails.ID)
	require.NotEmpty(t, log.Runs[0].Results)
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		require.Equal(t, "gateways/gw1/openclaw.json", loc.ArtifactLocation.URI, r.RuleID)
		require.Positive(t, loc.Region.StartLine, r.RuleID)
	}
}
