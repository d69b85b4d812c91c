package audit

import (
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestSecretsGatewayPassword(t *testing.T) {
	r := checkRun(t, `{ gateway: { auth: { mode: "password", password: "hunter2-plaintext-pass" } } }`, auditkit.Options{})
	f := requireHit(t, r, "config.secrets.gateway_password_in_config", model.Warn)
	require.Equal(t, 1, f.Line)
	require.NotContains(t, f.Detail, "hunter2")
	// Its own id: not repeated in the plaintext list.
	requireNoHit(t, r, "config.secrets.plaintext")

	// A ${VAR}: OpenClaw audits after substitution and reports it (2026.2.1
	// on testdata/configs/funnel-password.json5); the detail says so.
	r = checkRun(t, `{ gateway: { auth: { mode: "password", password: "${OPENCLAW_GATEWAY_PASSWORD}" } } }`,
		auditkit.Options{Env: map[string]string{"OPENCLAW_GATEWAY_PASSWORD": "x"}})
	f = requireHit(t, r, "config.secrets.gateway_password_in_config", model.Warn)
	require.Contains(t, f.Detail, "resolved from ${OPENCLAW_GATEWAY_PASSWORD} at load (not stored in the file)")
	requireNoHit(t, r, "config.secrets.plaintext")

	for _, c := range []string{
		`{ gateway: { auth: { mode: "password", password: { source: "env", provider: "default", id: "GW_PASS" } } } }`,
		`{ gateway: { auth: { mode: "token", token: "a-long-random-token-value-1234567890" } } }`,
	} {
		r := checkRun(t, c, auditkit.Options{Env: map[string]string{"OPENCLAW_GATEWAY_PASSWORD": "x", "GW_PASS": "y"}})
		requireNoHit(t, r, "config.secrets.gateway_password_in_config")
		requireNoHit(t, r, "config.secrets.plaintext")
	}
}

func TestSecretsHooksToken(t *testing.T) {
	r := checkRun(t, `{ hooks: { enabled: true, token: "shared-hook-token-1234567890abcd" } }`, auditkit.Options{})
	requireHit(t, r, "config.secrets.hooks_token_in_config", model.Info)
	requireNoHit(t, r, "config.secrets.plaintext")

	// Hooks off: no own finding, so the literal is listed as plaintext.
	r = checkRun(t, `{ hooks: { token: "shared-hook-token-1234567890abcd" } }`, auditkit.Options{})
	requireNoHit(t, r, "config.secrets.hooks_token_in_config")
	f := requireHit(t, r, "config.secrets.plaintext", model.Warn)
	require.Equal(t, []string{"hooks.token"}, f.Paths)

	// A ${VAR}: both OpenClaw eras audit after substitution and report it
	// (info); hardshell matches, but says the value is not in the file,
	// and config.secrets.plaintext stays literal-only.
	r = checkRun(t, `{ hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}" } }`, auditkit.Options{Env: map[string]string{"OPENCLAW_HOOKS_TOKEN": "x"}})
	f = requireHit(t, r, "config.secrets.hooks_token_in_config", model.Info)
	require.Contains(t, f.Detail, "resolved from ${OPENCLAW_HOOKS_TOKEN} at load (not stored in the file)")
	require.NotContains(t, f.Detail, "plaintext")
	requireNoHit(t, r, "config.secrets.plaintext")

	// A literal names the file that stores it.
	r = checkRun(t, `{ hooks: { enabled: true, token: "shared-hook-token-1234567890abcd" } }`, auditkit.Options{})
	f = requireHit(t, r, "config.secrets.hooks_token_in_config", model.Info)
	require.Regexp(t, `^hooks\.token is stored in plaintext in /.*/openclaw\.json;`, f.Detail)
	require.NotContains(t, f.Detail, "shared-hook")

	// Hooks on but the token empty or a SecretRef object: not reported.
	for _, c := range []string{
		`{ hooks: { enabled: true, token: "  " } }`,
		`{ hooks: { enabled: true, token: { source: "env", provider: "default", id: "HOOKS_TOKEN" } } }`,
		`{ hooks: { enabled: false, token: "${OPENCLAW_HOOKS_TOKEN}" } }`,
	} {
		r = checkRun(t, c, auditkit.Options{Env: map[string]string{"OPENCLAW_HOOKS_TOKEN": "x", "HOOKS_TOKEN": "y"}})
		requireNoHit(t, r, "config.secrets.hooks_token_in_config")
	}
}

const secretsConfig = `{
  // realistic mix of literal secrets, references and non-secrets
  gateway: { auth: { token: "gw-token-should-stay-in-config-0123456789" }, remote: { url: "wss://gw.example.ts.net", token: "remote-token-abcdefghijklmnop" } },
  channels: {
    telegram: { botToken: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", dmPolicy: "pairing" },
    slack: { botToken: "${SLACK_BOT_TOKEN}", appToken: { source: "env", provider: "default", id: "SLACK_APP_TOKEN" }, signingSecret: "8f742231b10e8888abcd99yyyzzz85a5" },
    discord: { token: "${DISCORD_BOT_TOKEN}", accounts: { work: { token: "work-discord-token-aaaaaaaaaaaaaaa" } } },
  },
  models: { providers: { openrouter: { baseUrl: "https://openrouter.ai/api/v1", apiKey: "sk-or-v1-0123456789abcdef0123456789abcdef" } } },
  env: { OPENAI_API_KEY: "sk-proj-abcdefghijklmnopqrstuvwxyz012345", LOG_LEVEL: "debug", vars: { GROQ_API_KEY: "gsk_abcdefghijklmnopqrstuvwxyz0123" } },
  tools: { web: { search: { apiKey: "BSAabcdefghijk1234567890" }, fetch: { maxTokens: "4000" } } },
  mcp: { servers: { github: { command: "npx", env: { GITHUB_TOKEN: "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ" } } } },
  agents: { defaults: { model: { primary: "anthropic/claude-opus-4-5" } } },
  session: { mainKey: "main" },
}`

func TestSecretsPlaintext(t *testing.T) {
	r := checkRun(t, secretsConfig, auditkit.Options{Env: map[string]string{"SLACK_BOT_TOKEN": "x", "DISCORD_BOT_TOKEN": "y", "SLACK_APP_TOKEN": "z"}})
	f := requireHit(t, r, "config.secrets.plaintext", model.Warn)
	require.Equal(t, []string{
		"channels.discord.accounts.work.token",
		"channels.slack.signingSecret",
		"channels.telegram.botToken",
		"env.OPENAI_API_KEY",
		"env.vars.GROQ_API_KEY",
		"gateway.remote.token",
		"mcp.servers.github.env.GITHUB_TOKEN",
		"models.providers.openrouter.apiKey",
		"tools.web.search.apiKey",
	}, f.Paths)
	require.Equal(t, model.FixGuided, f.Fix)
	require.Greater(t, f.Line, 1, "located at the first path")
	// Values are masked, never printed whole.
	for _, secret := range []string{"AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "sk-or-v1-0123456789abcdef", "ghp_abcdefghijklmnopqrstuvwxyz", "remote-token-abcdefghijklmnop"} {
		require.NotContains(t, f.Detail, secret)
	}
	require.Contains(t, f.Detail, "(telegram token)")
	require.Contains(t, f.Detail, "chars)")
	require.NotContains(t, f.Detail, "gateway.auth.token")
	require.NotContains(t, f.Detail, "LOG_LEVEL")
	require.NotContains(t, f.Detail, "maxTokens")
}

func TestSecretsPlaintextTokenShapeUnderPlainKey(t *testing.T) {
	r := checkRun(t, `{ skills: { entries: { notes: { config: { endpoint: "xoxb-1234567890-abcdefghijkl" } } } } }`, auditkit.Options{})
	f := requireHit(t, r, "config.secrets.plaintext", model.Warn)
	require.Equal(t, []string{"skills.entries.notes.config.endpoint"}, f.Paths)
	require.Contains(t, f.Detail, "slack token")
}

func TestSecretsPlaintextCriticalWhenReadable(t *testing.T) {
	cfg := `{ channels: { telegram: { botToken: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1" } } }`
	requireHit(t, checkRun(t, cfg, auditkit.Options{ConfigMode: 0o644}), "config.secrets.plaintext", model.Critical)
	requireHit(t, checkRun(t, cfg, auditkit.Options{ConfigMode: 0o600}), "config.secrets.plaintext", model.Warn)

	// A secret in a readable include escalates too, and is located there.
	r := checkRun(t, `{ "$include": "./channels.json5" }`, auditkit.Options{ConfigMode: 0o600, Files: []auditkit.File{
		{Path: "channels.json5", Data: `{ channels: { discord: { token: "work-discord-token-aaaaaaaaaaaaaaa" } } }`, Mode: 0o640},
	}})
	f := requireHit(t, r, "config.secrets.plaintext", model.Critical)
	require.True(t, strings.HasSuffix(f.File, "channels.json5"), f.File)
	require.Contains(t, f.Detail, "channels.json5:1")
}

func TestSecretsNoneInCleanConfig(t *testing.T) {
	r := checkRun(t, `{
  gateway: { bind: "loopback", auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" } },
  channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}", tokenFile: "/run/secrets/tg" } },
  models: { providers: { local: { baseUrl: "http://127.0.0.1:11434", apiKey: "" } } },
}`, auditkit.Options{Env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": "x", "TELEGRAM_BOT_TOKEN": "y"}})
	requireNoHit(t, r, "config.secrets.plaintext")
}
