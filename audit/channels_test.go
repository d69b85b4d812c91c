package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func channelsRun(t *testing.T, config string, files ...auditkit.File) *Report {
	t.Helper()
	return checkRun(t, config, auditkit.Options{Files: files})
}

func TestChannelsDMPolicies(t *testing.T) {
	// Upstream acceptance: open Telegram DMs with the "*" opt-in.
	r := channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", dmPolicy: "open", allowFrom: ["*"] } } }`)
	f := requireHit(t, r, "channels.telegram.dm.open", model.Critical)
	require.Equal(t, model.TierInbound, f.Priority)
	require.Equal(t, model.FixGuided, f.Fix)
	require.Contains(t, f.Title, "Telegram")
	require.NotContains(t, f.Detail, "123:abc")
	requireHit(t, r, "channels.telegram.dm.scope_main_multiuser", model.Warn)
	requireNoHit(t, r, "channels.telegram.dm.open_invalid")
	requireNoHit(t, r, "channels.telegram.allowFrom.wildcard")

	// Legacy dm.policy (Discord/Slack guide era) without the "*" opt-in.
	r = channelsRun(t, `{ channels: { discord: { token: "${DISCORD_BOT_TOKEN}", dm: { policy: "open", allowFrom: ["123456789012345678"] } } } }`)
	requireHit(t, r, "channels.discord.dm.open", model.Critical)
	f = requireHit(t, r, "channels.discord.dm.open_invalid", model.Warn)
	require.Contains(t, f.Detail, "channels.discord.dm.allowFrom")

	// Accounts: one finding per channel id, the account named in the detail.
	r = channelsRun(t, `{ channels: { whatsapp: { dmPolicy: "pairing", accounts: {
    personal: { dmPolicy: "allowlist", allowFrom: ["+15551234567"] },
    shop: { dmPolicy: "open", allowFrom: ["*"] },
    family: { dmPolicy: "open", allowFrom: ["*"] },
  } } } }`)
	f = requireHit(t, r, "channels.whatsapp.dm.open", model.Critical)
	require.Contains(t, f.Detail, "account shop")
	require.Contains(t, f.Detail, "account family")
	require.Len(t, f.Paths, 2)

	r = channelsRun(t, `{ channels: { signal: { dmPolicy: "disabled" } } }`)
	requireHit(t, r, "channels.signal.dm.disabled", model.Info)
	requireNoHit(t, r, "channels.signal.dm.open")

	// Defaults (pairing) and disabled channels: quiet.
	r = channelsRun(t, `{ channels: { telegram: { botToken: "123:abc" }, slack: { enabled: false, dmPolicy: "open", allowFrom: ["*"] } } }`)
	requireNoHit(t, r, "channels.telegram.dm.open")
	requireNoHit(t, r, "channels.slack.dm.open")
}

func TestChannelsAllowFromWildcardNotDuplicated(t *testing.T) {
	r := channelsRun(t, `{ channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["+15551234567", "*"] } } }`)
	requireHit(t, r, "channels.whatsapp.allowFrom.wildcard", model.Critical)
	requireNoHit(t, r, "channels.whatsapp.dm.open")
	// It is open inbound for the exposure matrix too.
	requireHit(t, r, "security.exposure.open_groups_with_runtime_or_fs", model.Critical)
}

func TestChannelsDMScopeMainMultiUser(t *testing.T) {
	store := func(name, data string) auditkit.File {
		return auditkit.File{Path: "credentials/" + name, Data: data}
	}
	cases := []struct {
		name, config string
		files        []auditkit.File
		hit          bool
	}{
		{"two senders across config and store", `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["111111"] } } }`,
			[]auditkit.File{store("telegram-allowFrom.json", `{"version":1,"allowFrom":["222222"]}`)}, true},
		{"same sender in config and store", `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["111111"] } } }`,
			[]auditkit.File{store("telegram-allowFrom.json", `{"version":1,"allowFrom":["111111"," telegram:111111 "]}`)}, false},
		{"two paired senders only in the store", `{ channels: { whatsapp: {} } }`,
			[]auditkit.File{store("whatsapp-allowFrom.json", `{"version":1,"allowFrom":["+15551234567","+15557654321"]}`)}, true},
		{"explicit main, multi-person allowlist", `{ session: { dmScope: "main" }, channels: { signal: { dmPolicy: "allowlist", allowFrom: ["+15551234567", "+15557654321"] } } }`, nil, true},
		{"isolated per-channel-peer", `{ session: { dmScope: "per-channel-peer" }, channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } } }`, nil, false},
		{"DMs disabled", `{ channels: { telegram: { dmPolicy: "disabled", allowFrom: ["1", "2"] } } }`, nil, false},
		{"account store belongs to its account", `{ channels: { telegram: { allowFrom: ["111111"], accounts: { work: { botToken: "9:x" } } } } }`,
			[]auditkit.File{store("telegram-work-allowFrom.json", `{"version":1,"allowFrom":["333333"]}`)}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := channelsRun(t, c.config, c.files...)
			found := false
			for _, f := range r.Findings {
				if MatchID("channels.<id>.dm.scope_main_multiuser", f.CheckID) {
					found = true
					require.Equal(t, model.Warn, f.Severity)
					require.Contains(t, f.Paths, "session.dmScope")
				}
			}
			require.Equal(t, c.hit, found)
		})
	}
}

func TestChannelsGroupsOpenSeverity(t *testing.T) {
	// Unset profile = full tools, no sandbox: critical.
	r := channelsRun(t, `{ channels: { whatsapp: { groupPolicy: "open" } } }`)
	requireHit(t, r, "channels.whatsapp.groups.open", model.Critical)
	// Messaging-only tools: warn.
	r = channelsRun(t, `{ channels: { whatsapp: { groupPolicy: "open" } }, tools: { profile: "messaging", elevated: { enabled: false } } }`)
	requireHit(t, r, "channels.whatsapp.groups.open", model.Warn)
	// Sandbox all: warn.
	r = channelsRun(t, `{ channels: { telegram: { groupPolicy: "open" } }, tools: { profile: "coding" }, agents: { defaults: { sandbox: { mode: "all" } } } }`)
	requireHit(t, r, "channels.telegram.groups.open", model.Warn)
	// channels.defaults.groupPolicy applies to channels without their own.
	r = channelsRun(t, `{ channels: { defaults: { groupPolicy: "open" }, signal: {}, imessage: { groupPolicy: "allowlist" } } }`)
	requireHit(t, r, "channels.signal.groups.open", model.Critical)
	requireNoHit(t, r, "channels.imessage.groups.open")
	// Allowlist: absent.
	r = channelsRun(t, `{ channels: { whatsapp: { groupPolicy: "allowlist", groups: { "120363000000000000@g.us": { requireMention: true } } } } }`)
	requireNoHit(t, r, "channels.whatsapp.groups.open")
}

func TestChannelsRequireMentionOff(t *testing.T) {
	r := channelsRun(t, `{ channels: { whatsapp: { groups: { "*": { requireMention: false } } } } }`)
	f := requireHit(t, r, "channels.whatsapp.groups.require_mention_off", model.Warn)
	require.Contains(t, f.Paths, "channels.whatsapp.groups.*.requireMention")
	require.NotEmpty(t, f.File)

	r = channelsRun(t, `{ channels: { discord: { groupPolicy: "open", guilds: { "1234567890": { channels: { general: { allow: true, requireMention: false } } } } } } }`)
	requireHit(t, r, "channels.discord.groups.require_mention_off", model.Critical)

	r = channelsRun(t, `{ channels: { whatsapp: { groupPolicy: "disabled", groups: { "*": { requireMention: false } } } } }`)
	requireNoHit(t, r, "channels.whatsapp.groups.require_mention_off")
	r = channelsRun(t, `{ channels: { whatsapp: { dmPolicy: "pairing", groups: { "*": { requireMention: true } } } } }`)
	requireNoHit(t, r, "channels.whatsapp.groups.require_mention_off")
}

func TestChannelsTelegramGroups(t *testing.T) {
	r := channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", groupPolicy: "allowlist", groups: { "-1001234567890": { requireMention: true } }, groupAllowFrom: ["*"] } } }`)
	requireHit(t, r, "channels.telegram.groups.allowFrom.wildcard", model.Critical)
	requireNoHit(t, r, "channels.telegram.groups.allowFrom.missing")

	r = channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", groupPolicy: "open" } } }`)
	requireHit(t, r, "channels.telegram.groups.allowFrom.missing", model.Critical)
	// Text commands off: nothing to command.
	r = channelsRun(t, `{ commands: { text: false }, channels: { telegram: { botToken: "123:abc", groupPolicy: "open" } } }`)
	requireNoHit(t, r, "channels.telegram.groups.allowFrom.missing")
	// A paired owner in the store counts as a sender allowlist.
	r = channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", groupPolicy: "open" } } }`,
		auditkit.File{Path: "credentials/telegram-allowFrom.json", Data: `{"version":1,"allowFrom":["111111"]}`})
	requireNoHit(t, r, "channels.telegram.groups.allowFrom.missing")
	// No group access at all (allowlist, no groups): quiet.
	r = channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", groupAllowFrom: ["*"] } } }`)
	requireNoHit(t, r, "channels.telegram.groups.allowFrom.wildcard")
	requireNoHit(t, r, "channels.telegram.groups.allowFrom.missing")

	r = channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["123456789", "tg:987654321", "@alice"] } } }`)
	f := requireHit(t, r, "channels.telegram.allowFrom.invalid_entries", model.Warn)
	require.Contains(t, f.Detail, "@alice")
	require.NotContains(t, f.Detail, "987654321")
	r = channelsRun(t, `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["123456789", "telegram:987654321"] } } }`)
	requireNoHit(t, r, "channels.telegram.allowFrom.invalid_entries")
}

func TestChannelsDiscordCommandsAndNames(t *testing.T) {
	guilds := `guilds: { "1234567890": { channels: { "7777777777": { allow: true } } } }`
	r := channelsRun(t, `{ commands: { useAccessGroups: false }, channels: { discord: { token: "${DISCORD_BOT_TOKEN}", `+guilds+` } } }`)
	requireHit(t, r, "channels.discord.commands.native.unrestricted", model.Critical)
	requireNoHit(t, r, "channels.discord.commands.native.no_allowlists")

	r = channelsRun(t, `{ channels: { discord: { token: "${DISCORD_BOT_TOKEN}", `+guilds+` } } }`)
	requireHit(t, r, "channels.discord.commands.native.no_allowlists", model.Warn)
	requireNoHit(t, r, "channels.discord.commands.native.unrestricted")

	// Owner allowlist, users lists, native off or commands.allowFrom: quiet.
	for _, cfg := range []string{
		`{ channels: { discord: { dm: { allowFrom: ["123456789012345678"] }, ` + guilds + ` } } }`,
		`{ commands: { useAccessGroups: false }, channels: { discord: { guilds: { "1234567890": { users: ["123456789012345678"] } } } } }`,
		`{ commands: { native: false, useAccessGroups: false }, channels: { discord: { ` + guilds + ` } } }`,
		`{ commands: { useAccessGroups: false, allowFrom: { discord: ["123456789012345678"] } }, channels: { discord: { ` + guilds + ` } } }`,
	} {
		r = channelsRun(t, cfg)
		requireNoHit(t, r, "channels.discord.commands.native.unrestricted")
		requireNoHit(t, r, "channels.discord.commands.native.no_allowlists")
	}

	r = channelsRun(t, `{ channels: { discord: { dm: { allowFrom: ["123456789012345678", "<@234567890123456789>", "Alice#1234", "team.owner"] } } } }`)
	f := requireHit(t, r, "channels.discord.allowFrom.name_based_entries", model.Warn)
	require.Contains(t, f.Detail, "Alice#1234")
	require.NotContains(t, f.Detail, "234567890123456789")
	r = channelsRun(t, `{ channels: { discord: { dangerouslyAllowNameMatching: true, guilds: { "1": { users: ["alice"] } } } } }`)
	requireHit(t, r, "channels.discord.allowFrom.name_based_entries", model.Info)
	requireHit(t, r, "channels.discord.allowFrom.dangerous_name_matching_enabled", model.Info)
	r = channelsRun(t, `{ channels: { discord: { allowFrom: ["user:123456789012345678", "discord:123456789012345678"] } } }`)
	requireNoHit(t, r, "channels.discord.allowFrom.name_based_entries")
}

func TestChannelsSlackSlash(t *testing.T) {
	r := channelsRun(t, `{ commands: { useAccessGroups: false }, channels: { slack: { botToken: "${SLACK_BOT_TOKEN}", slashCommand: { enabled: true } } } }`)
	requireHit(t, r, "channels.slack.commands.slash.useAccessGroups_off", model.Critical)
	r = channelsRun(t, `{ channels: { slack: { botToken: "${SLACK_BOT_TOKEN}", slashCommand: { enabled: true } } } }`)
	requireHit(t, r, "channels.slack.commands.slash.no_allowlists", model.Warn)
	r = channelsRun(t, `{ channels: { slack: { slashCommand: { enabled: true }, channels: { C0123456: { users: ["U0123456"] } } } } }`)
	requireNoHit(t, r, "channels.slack.commands.slash.no_allowlists")
	// "auto" native commands are off on Slack.
	r = channelsRun(t, `{ commands: { useAccessGroups: false }, channels: { slack: { botToken: "${SLACK_BOT_TOKEN}" } } }`)
	requireNoHit(t, r, "channels.slack.commands.slash.useAccessGroups_off")
}

func TestChannelsDiscordBroadMembers(t *testing.T) {
	// The modern-era fixture: a guild channel without users/roles.
	r := channelsRun(t, `{ channels: { discord: { dmPolicy: "allowlist", allowFrom: ["123456789012345678"], groupPolicy: "allowlist",
    guilds: { "987654321098765432": { requireMention: true, channels: { general: { enabled: true }, staff: { users: ["123456789012345678"] } } } } } } }`)
	f := requireHit(t, r, "channels.discord.allowlisted_groups.broad_members", model.Warn)
	require.Equal(t, "These allowlisted Discord targets have no effective users or roles restriction:\n- channels.discord.guilds.987654321098765432.channels.general\ngroupPolicy=\"allowlist\" limits guilds/channels, but all members of a listed target can still trigger the agent.", f.Detail)
	r = channelsRun(t, `{ channels: { discord: { guilds: { "987654321098765432": { roles: ["555"] } } } } }`)
	requireNoHit(t, r, "channels.discord.allowlisted_groups.broad_members")
}

func TestDMSessionCollisionModernOnly(t *testing.T) {
	store := []auditkit.File{{Path: "credentials/discord-allowFrom.json", Data: `{"version":1,"allowFrom":["111111111111111111","222222222222222222"]}`}}
	modern := `{ meta: { lastTouchedVersion: "2026.9.6" }, channels: { discord: { token: "x", dmPolicy: "pairing" } } }`
	r := checkRun(t, modern, auditkit.Options{Files: store})
	f := requireHit(t, r, "channels.dm.session_collision.discord-default.1", model.Warn)
	require.Contains(t, f.Detail, `2 distinct admitted DM principals from discord-default resolve to the same session bucket owned by agent "main"`)
	requireHit(t, r, "channels.discord.dm.scope_main_multiuser", model.Warn)

	guide := `{ meta: { lastTouchedVersion: "2026.2.19" }, channels: { discord: { token: "x", dm: { policy: "pairing" } } } }`
	r = checkRun(t, guide, auditkit.Options{Files: store})
	requireNoHit(t, r, "channels.dm.session_collision.discord-default.1")
	requireHit(t, r, "channels.discord.dm.scope_main_multiuser", model.Warn)

	open := `{ meta: { lastTouchedVersion: "2026.9.6" }, channels: { discord: { token: "x", dmPolicy: "open", allowFrom: ["*"] } } }`
	f = requireHit(t, checkRun(t, open, auditkit.Options{}), "channels.dm.session_collision.discord-default.1", model.Warn)
	require.Contains(t, f.Detail, `any DM sender (allowFrom "*") from discord-default`)

	isolated := `{ meta: { lastTouchedVersion: "2026.9.6" }, session: { dmScope: "per-channel-peer" }, channels: { discord: { token: "x" } } }`
	requireNoHit(t, checkRun(t, isolated, auditkit.Options{Files: store}), "channels.dm.session_collision.discord-default.1")
}

func TestDMLocked(t *testing.T) {
	r := checkRun(t, `{ channels: { whatsapp: { dmPolicy: "pairing" } } }`, auditkit.Options{})
	f := requireHit(t, r, "channels.whatsapp.dm.locked", model.Info)
	require.Equal(t, `channels.whatsapp.dmPolicy="pairing" has no admitted senders; unknown senders are blocked or receive a pairing code.`, f.Detail)
	require.Equal(t, "WhatsApp DMs are locked", f.Title)

	r = checkRun(t, `{ channels: { whatsapp: { dmPolicy: "pairing" } } }`, auditkit.Options{Files: []auditkit.File{{Path: "credentials/whatsapp-allowFrom.json", Data: `{"version":1,"allowFrom":["+15550001111"]}`}}})
	requireNoHit(t, r, "channels.whatsapp.dm.locked")
	requireNoHit(t, checkRun(t, `{ channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["+1555"] } } }`, auditkit.Options{}), "channels.whatsapp.dm.locked")
}
