package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

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
