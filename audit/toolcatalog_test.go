package audit

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// The 2026.9 catalogue is the installed release's own: every core tool's
// profiles, read from its dist/tool-catalog-*.mjs.
func TestToolCatalogMatchesRelease(t *testing.T) {
	p := testutil.Peer(t, "2026.9.6")
	files, err := filepath.Glob(filepath.Join(filepath.Dir(p.CLI), "dist", "tool-catalog-*.mjs"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "OpenClaw 2026.9.6 ships dist/tool-catalog-*.mjs")
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	obj := regexp.MustCompile(`(?s)\{\s*id:\s*"([a-z_]+)"(.*?)\}`)
	prof := regexp.MustCompile(`profiles:\s*\[([^\]]*)\]`)
	word := regexp.MustCompile(`"(\w+)"`)
	release := map[string][]string{}
	for _, m := range obj.FindAllStringSubmatch(string(data), -1) {
		pm := prof.FindStringSubmatch(m[2])
		if pm == nil {
			continue
		}
		ps := []string{}
		for _, w := range word.FindAllStringSubmatch(pm[1], -1) {
			ps = append(ps, w[1])
		}
		release[m[1]] = ps
	}
	ours := map[string][]string{}
	for _, c := range openclaw2026_9Catalog {
		ps := append([]string{}, c.Profiles...)
		ours[c.Tool] = ps
	}
	require.Equal(t, release, ours)
	require.Contains(t, openclaw2026_9Profiles["coding"], "gateway", "2026.9's coding profile includes the gateway tool")
}

func TestToolProfilesFollowTheEra(t *testing.T) {
	const cfg = `{
  channels: { telegram: { botToken: "123456:AAH-fake-telegram-token-abcdefghijkl", dmPolicy: "open", allowFrom: ["*"] } },
  tools: { profile: "coding", elevated: { enabled: false } },
}`
	// 2026.9: coding carries the gateway tool, a control-plane tool
	modern := checkRun(t, cfg, auditkit.Options{CLIVersion: "2026.9.6"})
	f := requireHit(t, modern, "security.exposure.open_groups_with_control_plane_tools", model.Critical)
	require.Contains(t, f.Detail, "gateway")
	// 2026.2: the guide's coding profile has no control-plane tools
	guide := checkRun(t, cfg, auditkit.Options{CLIVersion: "2026.2.1"})
	requireNoHit(t, guide, "security.exposure.open_groups_with_control_plane_tools")
}
