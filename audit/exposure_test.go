package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func exposureRun(t *testing.T, config string) *Report {
	t.Helper()
	return checkRun(t, config, auditkit.Options{})
}

func TestExposureOpenGroupsWithElevated(t *testing.T) {
	// Guide-era config: open WhatsApp groups and elevated on for one number.
	r := exposureRun(t, `{
  // family group bot
  channels: { whatsapp: { groupPolicy: "open", groups: { "*": { requireMention: true } } } },
  tools: { elevated: { enabled: true, allowFrom: { whatsapp: ["+15551234567"] } } },
}`)
	f := requireHit(t, r, "security.exposure.open_groups_with_elevated", model.Critical)
	require.Contains(t, f.Detail, "channels.whatsapp.groupPolicy")
	require.Equal(t, model.TierInbound, f.Priority)
	require.Equal(t, model.FixGuided, f.Fix)
	requireHit(t, r, "security.trust_model.multi_user_heuristic", model.Warn)

	// Open DMs count as open inbound too (newer upstream).
	r = exposureRun(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } } }`)
	requireHit(t, r, "security.exposure.open_groups_with_elevated", model.Critical)

	// Elevated off, or inbound locked down: absent.
	r = exposureRun(t, `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { elevated: { enabled: false } } }`)
	requireNoHit(t, r, "security.exposure.open_groups_with_elevated")
	r = exposureRun(t, `{ channels: { whatsapp: { dmPolicy: "pairing", groupPolicy: "allowlist" } } }`)
	requireNoHit(t, r, "security.exposure.open_groups_with_elevated")
	// A disabled channel is not inbound.
	r = exposureRun(t, `{ channels: { whatsapp: { enabled: false, groupPolicy: "open" } } }`)
	requireNoHit(t, r, "security.exposure.open_groups_with_elevated")
	requireNoHit(t, r, "security.trust_model.multi_user_heuristic")
}

func TestExposureOpenGroupsWithRuntimeOrFS(t *testing.T) {
	cases := []struct {
		name, config string
		sev          model.Severity
		absent       bool
	}{
		{"full profile unsandboxed", `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { elevated: { enabled: false } } }`, model.Critical, false},
		{"sandbox all", `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { elevated: { enabled: false }, profile: "coding" }, agents: { defaults: { sandbox: { mode: "all" } } } }`, 0, true},
		{"runtime denied, fs left", `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { deny: ["group:runtime"] } }`, model.Warn, false},
		{"runtime denied, fs workspaceOnly", `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { deny: ["group:runtime"], fs: { workspaceOnly: true } } }`, 0, true},
		{"messaging profile", `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { profile: "messaging" } }`, 0, true},
		{"defaults groupPolicy open", `{ channels: { defaults: { groupPolicy: "open" }, telegram: { botToken: "123:abc" } } }`, model.Critical, false},
		{"per-guild override", `{ channels: { discord: { guilds: { "123": { groupPolicy: "open" } } } }, tools: { profile: "coding" } }`, model.Critical, false},
		// modern era: one agent sandboxed, another not.
		{"agents.entries one unsandboxed", `{
  channels: { slack: { groupPolicy: "open" } },
  agents: { defaults: { sandbox: { mode: "all" } }, entries: { main: {}, ops: { sandbox: { mode: "off" }, tools: { profile: "coding" } } } },
}`, model.Critical, false},
		{"agents.list all sandboxed", `{
  channels: { slack: { groupPolicy: "open" } },
  agents: { list: [ { id: "main", sandbox: { mode: "all" } }, { id: "family", tools: { profile: "messaging" } } ] },
}`, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := exposureRun(t, c.config)
			if c.absent {
				requireNoHit(t, r, "security.exposure.open_groups_with_runtime_or_fs")
				return
			}
			requireHit(t, r, "security.exposure.open_groups_with_runtime_or_fs", c.sev)
		})
	}
}

func TestExposureControlPlaneAndExec(t *testing.T) {
	r := exposureRun(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } } }`)
	requireHit(t, r, "security.exposure.open_groups_with_control_plane_tools", model.Critical)
	requireNoHit(t, r, "security.exposure.open_channels_with_exec") // exec security unset = deny

	r = exposureRun(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } }, tools: { deny: ["group:automation"], exec: { security: "allowlist" } } }`)
	requireNoHit(t, r, "security.exposure.open_groups_with_control_plane_tools")
	requireHit(t, r, "security.exposure.open_channels_with_exec", model.Warn)

	r = exposureRun(t, `{
  channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } },
  agents: { defaults: { sandbox: { mode: "all" } }, list: [ { id: "main", tools: { exec: { security: "full" } } } ] },
}`)
	requireNoHit(t, r, "security.exposure.open_groups_with_control_plane_tools") // sandbox default deny
	requireHit(t, r, "security.exposure.open_channels_with_exec", model.Critical)

	r = exposureRun(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } }, agents: { defaults: { sandbox: { mode: "all" } } }, tools: { sandbox: { tools: { allow: ["gateway"] } } } }`)
	requireHit(t, r, "security.exposure.open_groups_with_control_plane_tools", model.Critical)

	r = exposureRun(t, `{ channels: { telegram: { dmPolicy: "pairing" } }, tools: { exec: { security: "full" } } }`)
	requireNoHit(t, r, "security.exposure.open_channels_with_exec")
	requireNoHit(t, r, "security.exposure.open_groups_with_control_plane_tools")
}

func TestExposureTrustModel(t *testing.T) {
	r := exposureRun(t, `{ channels: { discord: { groupPolicy: "allowlist", guilds: { "1234567890": { channels: { "7777777777": { allow: true } } } } } }, tools: { elevated: { enabled: false } } }`)
	f := requireHit(t, r, "security.trust_model.multi_user_heuristic", model.Warn)
	require.Contains(t, f.Detail, "1234567890")
	// Upstream's wording, so operators recognise it.
	require.Contains(t, f.Detail, "Heuristic signals indicate this gateway may be reachable by multiple users:\n- channels.discord.groupPolicy=\"allowlist\" with configured group targets")
	require.Contains(t, f.Detail, "agents.defaults (sandbox=off; runtime=[exec, process]")

	// Two approved DM senders (config + pairing store) are several people.
	r = checkRun(t, `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["111111"] } } }`, auditkit.Options{
		Files: []auditkit.File{{Path: "credentials/telegram-allowFrom.json", Data: `{"version":1,"allowFrom":["222222"]}`}},
	})
	requireHit(t, r, "security.trust_model.multi_user_heuristic", model.Warn)

	// Single owner, pairing: quiet.
	r = exposureRun(t, `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["111111"] } }, session: { dmScope: "per-channel-peer" } }`)
	requireNoHit(t, r, "security.trust_model.multi_user_heuristic")
	requireNoHit(t, r, "security.trust_model.group_scope_main")

	r = exposureRun(t, `{ session: { groupScope: "main" } }`)
	requireHit(t, r, "security.trust_model.group_scope_main", model.Warn)
	r = exposureRun(t, `{ bindings: [ { agentId: "main", match: { channel: "discord" }, session: { groupScope: "main" } } ] }`)
	f = requireHit(t, r, "security.trust_model.group_scope_main", model.Warn)
	require.Contains(t, f.Detail, "bindings[0].session.groupScope")
}
