package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/stretchr/testify/require"
)

func TestToolPolicyLayering(t *testing.T) {
	s := auditkit.Snapshot(t, `{
  tools: { profile: "coding", deny: ["group:web"], alsoAllow: ["browser"] },
  agents: {
    defaults: { sandbox: { mode: "non-main" } },
    list: [
      { id: "main", default: true },
      { id: "family", tools: { profile: "messaging", deny: ["exec"] }, sandbox: { mode: "all" } },
      { id: "ops", tools: { allow: ["read", "bash", "gateway"], deny: ["process"] } },
      { id: "full", tools: { profile: "full" } },
    ],
  },
}`, auditkit.Options{Env: map[string]string{}})
	agents := s.Doc.Agents()
	require.Len(t, agents, 4)
	main, family, ops, full := agents[0], agents[1], agents[2], agents[3]

	// coding = fs + runtime + sessions + memory + image; alsoAllow adds browser.
	require.True(t, toolAllowed(s, main, "exec"))
	require.True(t, toolAllowed(s, main, "apply_patch"))
	require.True(t, toolAllowed(s, main, "browser"))
	require.False(t, toolAllowed(s, main, "gateway"))
	require.False(t, toolAllowed(s, main, "web_fetch"), "global deny group:web")

	// messaging has no runtime or fs.
	require.False(t, toolAllowed(s, family, "exec"))
	require.False(t, toolAllowed(s, family, "write"))
	require.True(t, toolAllowed(s, family, "message"))

	// agent allow narrows the coding profile; bash is an alias of exec;
	// gateway is still outside the coding profile; deny wins.
	require.True(t, toolAllowed(s, ops, "exec"))
	require.True(t, toolAllowed(s, ops, "read"))
	require.False(t, toolAllowed(s, ops, "write"))
	require.False(t, toolAllowed(s, ops, "gateway"))
	require.False(t, toolAllowed(s, ops, "process"))

	// full profile: everything but the global deny.
	require.True(t, toolAllowed(s, full, "gateway"))
	require.True(t, toolAllowed(s, full, "cron"))
	require.False(t, toolAllowed(s, full, "web_search"))

	require.Equal(t, "non-main", sandboxMode(s, main))
	require.Equal(t, "all", sandboxMode(s, family))
	require.True(t, elevatedEnabled(s))
}

func TestToolPolicyWildcardsAndDefaults(t *testing.T) {
	s := auditkit.Snapshot(t, `{ tools: { deny: ["sessions_*", "group:automation"], elevated: { enabled: false } } }`, auditkit.Options{Env: map[string]string{}})
	a := toolContexts(s)
	require.Len(t, a, 1)
	require.Nil(t, a[0].Node, "implicit main agent")
	require.True(t, toolAllowed(s, a[0], "exec"), "unset profile = full")
	require.False(t, toolAllowed(s, a[0], "sessions_spawn"))
	require.False(t, toolAllowed(s, a[0], "cron"))
	require.True(t, toolAllowed(s, a[0], "session_status"))
	require.Equal(t, "off", sandboxMode(s, a[0]))
	require.False(t, elevatedEnabled(s))
	sec, p := execSecurity(s, a[0])
	require.Equal(t, "deny", sec)
	require.Equal(t, "tools.exec.security", p)
}

func TestInboundOpenScopesDeepWalk(t *testing.T) {
	s := auditkit.Snapshot(t, `{
  channels: {
    defaults: { groupPolicy: "allowlist" },
    telegram: { botToken: "123:abc", dmPolicy: "open", allowFrom: ["*"] },
    whatsapp: { dmPolicy: "pairing", allowFrom: ["*"] },
    discord: {
      dm: { policy: "pairing" },
      guilds: { "1234567890": { groupPolicy: "open", channels: { general: { allow: true } } } },
      accounts: { work: { groupPolicy: "open" }, off: { enabled: false, dmPolicy: "open" } },
    },
    slack: { enabled: false, dmPolicy: "open" },
  },
}`, auditkit.Options{Env: map[string]string{}})
	got := map[string]string{}
	for _, o := range openInbound(s) {
		got[o.Path] = o.Name() + "/" + o.Policy
	}
	require.Equal(t, map[string]string{
		"channels.telegram.dmPolicy":                     "telegram DMs/open",
		"channels.whatsapp.allowFrom":                    "whatsapp DMs/allowlist+*",
		"channels.discord.guilds.1234567890.groupPolicy": "discord groups/open",
		"channels.discord.accounts.work.groupPolicy":     "discord (account work) groups/open",
	}, got)
	require.NotEmpty(t, multiUser(s))
}

func TestInboundDMSendersMergesStore(t *testing.T) {
	s := auditkit.Snapshot(t, `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["111", "telegram:111"] } } }`,
		auditkit.Options{Env: map[string]string{}, Files: []auditkit.File{
			{Path: "credentials/telegram-allowFrom.json", Data: `{"version":1,"allowFrom":["111","222"]}`},
		}})
	sc := inboundScopes(s)
	require.Len(t, sc, 1)
	senders, wild, src := inboundDMSenders(s, sc[0])
	require.Equal(t, []string{"111", "222"}, senders)
	require.False(t, wild)
	require.Len(t, src, 2)
}

// toolAnswers gives toolAllowed's answer for every agent: its own layers
// when it has a tools block, the global layers' (cached) answer otherwise,
// in both eras' profile catalogues.
func TestToolAnswersMatchToolAllowed(t *testing.T) {
	for _, cfg := range []string{
		`{ tools: { profile: "coding", deny: ["group:web"], alsoAllow: ["browser"] }, agents: { list: [
  { id: "main", default: true }, { id: "bare" }, { id: "sand", sandbox: { mode: "all" } },
  { id: "family", tools: { profile: "messaging", deny: ["exec"] } },
  { id: "ops", tools: { allow: ["read", "bash", "gateway"], deny: ["process"] } },
  { id: "empty", tools: {} }, { id: "nul", tools: null } ] } }`,
		`{ meta: { lastTouchedVersion: "2026.9.6" }, tools: { profile: "minimal", allow: ["sessions_*", "group:fs"] }, agents: { list: [
  { id: "main" }, { id: "coder", tools: { profile: "coding", alsoAllow: ["exec"] } }, { id: "bare" } ] } }`,
		`{ agents: { list: [ { id: "main" }, { id: "x", tools: { deny: ["*"] } } ] } }`,
		`{}`,
	} {
		s := auditkit.Snapshot(t, cfg, auditkit.Options{})
		answers := newToolAnswers(s)
		tools := []string{"exec", "bash", "process", "read", "write", "edit", "apply_patch", "browser", "web_fetch", "gateway",
			"cron", "sessions_list", "sessions_send", "session_status", " Exec ", "unknown_tool"}
		for round := 0; round < 2; round++ { // the second round answers from the cache
			for _, a := range toolContexts(s) {
				for _, tool := range tools {
					require.Equal(t, toolAllowed(s, a, tool), answers.allowed(a, tool), "config %s, agent %s, tool %q", cfg, a.ID, tool)
				}
				require.Equal(t, toolsAllowed(s, a, tools...), answers.all(a, tools...), "agent %s", a.ID)
				for _, few := range [][]string{{"write", "edit", "apply_patch"}, {"exec", "process"}, {"unknown_tool"}} {
					require.Equal(t, len(toolsAllowed(s, a, few...)) > 0, answers.any(a, few...), "agent %s, tools %v", a.ID, few)
				}
			}
		}
	}
}
