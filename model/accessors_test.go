package model

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func parseDoc(t *testing.T, src string) *Document {
	t.Helper()
	d, err := ParseFile(writeTree(t, map[string]string{"openclaw.json": src}))
	require.NoError(t, err)
	return d
}

func TestAgentsBothEras(t *testing.T) {
	guide := parseDoc(t, `{ agents: { defaults: { sandbox: { mode: 'non-main' } }, list: [ { id: 'main' }, { id: 'family', default: true, sandbox: { mode: 'all' } } ] } }`)
	a := guide.Agents()
	require.Len(t, a, 2)
	require.Equal(t, "agents.list[1]", a[1].Path)
	require.True(t, a[1].Default)
	require.False(t, a[0].Default)
	n, p := guide.AgentValue(a[0], "sandbox.mode")
	require.Equal(t, "non-main", n.Text())
	require.Equal(t, "agents.defaults.sandbox.mode", p)
	n, p = guide.AgentValue(a[1], "sandbox.mode")
	require.Equal(t, "all", n.Text())
	require.Equal(t, "agents.list[1].sandbox.mode", p)

	modern := parseDoc(t, `{ agents: { entries: { main: {}, public: { tools: { deny: ['exec'] } } } } }`)
	a = modern.Agents()
	require.Equal(t, []string{"main", "public"}, []string{a[0].ID, a[1].ID})
	require.Equal(t, "agents.entries.public", a[1].Path)
	require.True(t, a[0].Default)

	require.Equal(t, "main", parseDoc(t, `{}`).Agents()[0].ID)
}

func TestScopesInheritAndLegacyDM(t *testing.T) {
	d := parseDoc(t, `{
  channels: {
    defaults: { groupPolicy: 'open' },
    discord: { dm: { policy: 'open', allowFrom: ['*'] } },
    telegram: { dmPolicy: 'allowlist', allowFrom: [123, '456'], accounts: { work: { botToken: 'x' }, public: { dmPolicy: 'open' } } },
  },
}`)
	sc := d.Scopes()
	require.Len(t, sc, 4)
	byName := map[string]Scope{}
	for _, s := range sc {
		byName[s.Name()] = s
	}
	require.Equal(t, Setting{Value: "open", Path: "channels.discord.dm.policy", Explicit: true}, byName["discord"].DMPolicy())
	af, p := byName["discord"].AllowFrom()
	require.Equal(t, []string{"*"}, af)
	require.Equal(t, "channels.discord.dm.allowFrom", p)
	require.Equal(t, "allowlist", byName["telegram (account work)"].DMPolicy().Value)
	require.Equal(t, "channels.telegram.dmPolicy", byName["telegram (account work)"].DMPolicy().Path)
	require.Equal(t, "open", byName["telegram (account public)"].DMPolicy().Value)
	af, _ = byName["telegram (account work)"].AllowFrom()
	require.Equal(t, []string{"123", "456"}, af)
	require.Equal(t, "channels.defaults.groupPolicy", byName["telegram"].GroupPolicy(d).Path)
}

func TestDetectEra(t *testing.T) {
	require.Equal(t, EraGuide, DetectEra(parseDoc(t, `{ agents: { list: [] }, logging: { redactSensitive: 'tools' } }`), "").Era)
	require.Equal(t, EraModern, DetectEra(parseDoc(t, `{ meta: { lastTouchedVersion: '2026.9.6' }, agents: { entries: {} } }`), "").Era)
	require.Equal(t, EraGuide, DetectEra(parseDoc(t, `{ meta: { lastTouchedVersion: '2026.2.19' } }`), "").Era)
	info := DetectEra(parseDoc(t, `{ agents: { list: [] } }`), "OpenClaw 2026.9.6")
	require.Equal(t, EraModern, info.Era, "the installed CLI decides what a write must satisfy")
	require.Contains(t, info.Evidence, "agents.list[] is set")
	require.Equal(t, EraUnknown, DetectEra(parseDoc(t, `{}`), "").Era)
}

// An agent from Agents() answers Lookup from the blocks it recorded exactly
// as its node does, for present and absent blocks and odd paths alike.
func TestAgentLookupMatchesNode(t *testing.T) {
	d := parseDoc(t, `{ agents: { defaults: { sandbox: { mode: "all" } }, list: [
  { id: "bare" },
  { id: "full", sandbox: { mode: "off", docker: { network: "host" } }, tools: { profile: "coding", exec: { security: "full" } }, model: "m", imageModel: { primary: "i" } },
  { id: "odd", "sandbox.mode": "dotted key", tools: null, sandbox: "not an object" },
] } }`)
	paths := []string{"", ".", "sandbox", "sandbox.mode", "sandbox.docker.network", "tools", "tools.profile", "tools.exec.security",
		"model", "imageModel.primary", "id", `["sandbox.mode"]`, "sandbox[0]", "toolsx", "sandbox..mode", "tools."}
	agents := d.Agents()
	require.Len(t, agents, 3)
	for _, a := range agents {
		for _, p := range paths {
			require.Same(t, a.Node.Lookup(p), a.Lookup(p), "agent %s, path %q", a.ID, p)
		}
	}
	require.Equal(t, "all", d.AgentNode(agents[0], "sandbox.mode").Text())
	require.Equal(t, "off", d.AgentNode(agents[1], "sandbox.mode").Text())
	n, p := d.AgentValue(agents[1], "tools.profile")
	require.Equal(t, "coding", n.Text())
	require.Equal(t, "agents.list[1].tools.profile", p)
}
