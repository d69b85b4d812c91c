package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func mergeOpts() Options {
	return Options{
		Channels: []string{"whatsapp", "telegram"},
		DM:       map[string]DMPolicy{"telegram": {Policy: "allowlist", AllowFrom: []string{"123456789"}}},
		Groups:   true, MentionPatterns: []string{"@openclaw"},
		Profiles: map[string]Profile{"main": Personal, "family": ReadOnly, "public": Public},
	}
}

// commentLines are the // lines of a file, trimmed.
func commentLines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "//") {
			out = append(out, t)
		}
	}
	return out
}

func TestMergeCorpusKeepsCommentsAndReachesBaseline(t *testing.T) {
	files, err := filepath.Glob("../../testdata/configs/*.json*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	n := 0
	for _, f := range files {
		name := filepath.Base(f)
		doc, err := model.ParseFile(f)
		if err != nil {
			continue // the corpus has unreadable-on-purpose files elsewhere
		}
		n++
		t.Run(name, func(t *testing.T) {
			edits, err := Merge(doc, mergeOpts())
			require.NoError(t, err)
			out, err := doc.Apply(edits)
			require.NoError(t, err)
			nd, err := doc.WithFiles(out)
			require.NoError(t, err)
			for path, data := range out {
				orig, err := os.ReadFile(path)
				require.NoError(t, err)
				got := strings.Join(commentLines(data), "\n")
				for _, c := range commentLines(orig) {
					require.Contains(t, got, c, "comment lost in %s", path)
				}
			}
			again, err := Merge(nd, mergeOpts())
			require.NoError(t, err)
			require.Empty(t, again, "a second merge still changes things")

			// the baseline's own settings hold
			require.Equal(t, "loopback", nd.Get("gateway.bind").Text())
			require.True(t, nd.Get("tools.elevated.enabled").IsFalse())
			for _, sc := range nd.Scopes() {
				if sc.Account == "" && (sc.Channel == "whatsapp" || sc.Channel == "telegram") {
					require.Contains(t, []string{"pairing", "allowlist", "disabled"}, sc.DMPolicy().Value, sc.Channel)
					af, _ := sc.AllowFrom()
					require.NotContains(t, af, "*")
				}
			}
			for _, a := range nd.Agents() {
				if a.ID == "family" || a.ID == "public" {
					require.Equal(t, "all", a.Node.Lookup("sandbox.mode").Text(), a.ID)
					require.Contains(t, a.Node.Lookup("tools.deny").Strings(), "exec", a.ID)
				}
			}
		})
	}
	require.Greater(t, n, 20)
}

func TestMergeNeverLoosens(t *testing.T) {
	src := []byte(`// operator's notes stay
{
  gateway: { mode: "local", bind: "loopback", auth: { mode: "password", password: "${GW_PASS}" },
             trustedProxies: ["10.0.0.1"] },
  session: { dmScope: "per-account-channel-peer" }, // stricter than the baseline
  channels: {
    telegram: { dmPolicy: "disabled", groupPolicy: "disabled" },
  },
  discovery: { mdns: { mode: "off" } },
  agents: { list: [
    { id: "main", default: true },
    { id: "family", sandbox: { mode: "all", scope: "session", workspaceAccess: "none" },
      tools: { allow: ["read"], deny: ["exec", "cron"] } },
  ] },
  tools: { elevated: { enabled: false } },
}
`)
	p := filepath.Join(t.TempDir(), "openclaw.json")
	require.NoError(t, os.WriteFile(p, src, 0o600))
	doc, err := model.ParseFile(p)
	require.NoError(t, err)
	o := Options{Channels: []string{"telegram"}, Profiles: map[string]Profile{"main": Personal, "family": ReadOnly}}
	edits, err := Merge(doc, o)
	require.NoError(t, err)
	got := map[string]any{}
	for _, e := range edits {
		got[e.Path] = e.Value
	}
	for _, kept := range []string{"gateway.auth.mode", "gateway.auth.token", "session.dmScope", "channels.telegram.dmPolicy",
		"channels.telegram.groupPolicy", "discovery.mdns.mode", "agents.list[1].sandbox.scope", "agents.list[1].sandbox.workspaceAccess",
		"agents.list[1].sandbox.mode", "agents.list[1].tools.allow", "gateway.trustedProxies", "tools.elevated.enabled", "agents.list[0].sandbox.mode"} {
		require.NotContains(t, got, kept)
	}
	require.Equal(t, []any{"exec", "cron", "write", "edit", "apply_patch", "process", "browser"}, got["agents.list[1].tools.deny"])
	out, err := doc.Apply(edits)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(out[p]), "// operator's notes stay\n"))
	require.Contains(t, string(out[p]), "// stricter than the baseline")
}

func TestMergeEmptyConfigAuditsClean(t *testing.T) {
	for _, era := range []model.Era{model.EraGuide, model.EraModern} {
		p := filepath.Join(t.TempDir(), "openclaw.json")
		require.NoError(t, os.WriteFile(p, []byte("{\n  // mine\n}\n"), 0o600))
		doc, err := model.ParseFile(p)
		require.NoError(t, err)
		o := Options{Era: era, Channels: []string{"telegram"}, Profiles: map[string]Profile{"main": Personal, "kids": Public}}
		edits, err := Merge(doc, o)
		require.NoError(t, err)
		out, err := doc.Apply(edits)
		require.NoError(t, err)
		require.Contains(t, string(out[p]), "// mine")
		s := stateWith(t, out[p])
		require.Empty(t, auditProblems(t, s), "%s", out[p])
		require.Len(t, s.Doc.Agents(), 2)
		require.Equal(t, "main", s.Doc.Agents()[0].ID)
	}
}
