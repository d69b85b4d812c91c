package model

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Realistic-looking but fake credentials, assembled so no scanner flags this
// file as a leak.
var (
	fakeAnthropic  = "sk-ant-" + "api03-" + strings.Repeat("Ab3_xY9-", 11) + "AA"
	fakeOpenAI     = "sk-proj-" + strings.Repeat("Qw7eRt9Y", 8)
	fakeOpenRouter = "sk-or-v1-" + strings.Repeat("0a1b2c3d", 8)
	fakeSlackBot   = "xoxb-" + "1234567890123-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
	fakeSlackApp   = "xapp-1-" + "A0123456789-1234567890123-" + strings.Repeat("ab12", 8)
	fakeTelegram   = "123456789:" + "AAH" + strings.Repeat("x7Y", 10) + "_-"
	fakeDiscord    = "MTA" + strings.Repeat("xYz", 7) + "A" + "." + "Gh7_kL" + "." + strings.Repeat("Pq9-", 7) + "Rs"
	fakeGitHub     = "ghp_" + strings.Repeat("a1B2c3", 6)
	fakeGitHubPAT  = "github_pat_" + strings.Repeat("11ABCDEFG_", 5)
	fakeGoogle     = "AIza" + strings.Repeat("Sy9_x-", 5) + "Abcde"
	fakeHF         = "hf_" + strings.Repeat("AbCdEfGh", 4)
	fakeGroq       = "gsk_" + strings.Repeat("Zx8Cv7Bn", 6)
	fakeJWT        = "eyJhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "." + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	fakeGateway    = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
)

func TestIsSecretKey(t *testing.T) {
	secret := []string{
		"token", "password", "secret", "apiKey", "api_key", "API_KEY", "botToken",
		"appToken", "signingSecret", "accessToken", "refreshToken", "clientSecret",
		"privateKey", "webhookSecret", "OPENAI_API_KEY", "OPENCLAW_GATEWAY_TOKEN",
		"OPENCLAW_GATEWAY_PASSWORD", "TELEGRAM_BOT_TOKEN", "AWS_SECRET_ACCESS_KEY",
		"gateway.auth.token", "hooks.token", "APIKey", "passphrase", "userToken",
		"x-api-key", "SLACK_SIGNING_SECRET", "encryptionKey",
		"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "apiKeys", "basicAuth",
		"OPENCLAW_MODELS_PROVIDERS_ACME_HEADERS_AUTHORIZATION", "OPENCLAW_MODELS_PROVIDERS_ACME_API_KEYS_0", "token2",
	}
	for _, k := range secret {
		require.Truef(t, IsSecretKey(k), "%q should be a secret key", k)
	}
	notSecret := []string{
		"keyRef", "tokenFile", "tokenRef", "passwordFile", "publicKey", "secretRef",
		"sessionKey", "mainKey", "maxTokens", "contextTokens", "key", "id", "mode",
		"bind", "port", "dmPolicy", "allowFrom", "OPENCLAW_STATE_DIR", "tokenEnv",
		"passwordEnv", "secretsFile", "tokenPath", "", "monkey", "hotkey",
		"sortKeys", "maxTokens2", "auth", "headers", "0", "v2",
	}
	for _, k := range notSecret {
		require.Falsef(t, IsSecretKey(k), "%q should not be a secret key", k)
	}
}

func TestLooksLikeToken(t *testing.T) {
	cases := map[string]string{
		fakeAnthropic:  "anthropic",
		fakeOpenAI:     "openai",
		fakeOpenRouter: "openrouter",
		fakeSlackBot:   "slack",
		fakeSlackApp:   "slack-app",
		fakeTelegram:   "telegram",
		fakeDiscord:    "discord",
		fakeGitHub:     "github",
		fakeGitHubPAT:  "github",
		fakeGoogle:     "google",
		fakeHF:         "huggingface",
		fakeGroq:       "groq",
		fakeJWT:        "jwt",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----": "private-key",
		"https://admin:hunter2hunter2@proxy.example.com:8080":                                              "url-basic-auth",
		"  " + fakeOpenAI + "\n": "openai",
	}
	for in, want := range cases {
		kind, ok := LooksLikeToken(in)
		require.Truef(t, ok, "%s should look like a token", Mask(in))
		require.Equalf(t, want, kind, "kind of %s", Mask(in))
	}
	for _, in := range []string{
		"", "${OPENAI_API_KEY}", "${TELEGRAM_BOT_TOKEN}", "loopback", "hello world",
		"sk-short", "https://example.com/path", "OPENAI_API_KEY", "12345678:short",
		"prefix " + fakeOpenAI, // a token inside a sentence is not a token value
		"/home/me/.openclaw/credentials/telegram.token",
		"https://${PROXY_USER}:${PROXY_PASS}@proxy.example.com",
	} {
		_, ok := LooksLikeToken(in)
		require.Falsef(t, ok, "%q should not look like a token", in)
	}
}

func TestMaskText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"json5 bare key", `      token: "` + fakeGateway + `",`, `      token: "` + Mask(fakeGateway) + `",`},
		{"json quoted key", `  "password": "correct horse battery",`, `  "password": "` + Mask("correct horse battery") + `",`},
		{"single quotes", `    'botToken': '` + fakeTelegram + `',`, `    'botToken': '` + Mask(fakeTelegram) + `',`},
		{"diff added line", `+      apiKey: "` + fakeAnthropic + `",`, `+      apiKey: "` + Mask(fakeAnthropic) + `",`},
		{"diff removed line", `-    "token": "hook",`, `-    "token": "` + Mask("hook") + `",`},
		{"env file", `OPENAI_API_KEY=` + fakeOpenAI, `OPENAI_API_KEY=` + Mask(fakeOpenAI)},
		{"env export quoted", `export OPENCLAW_GATEWAY_TOKEN="` + fakeGateway + `"`, `export OPENCLAW_GATEWAY_TOKEN="` + Mask(fakeGateway) + `"`},
		{"systemd Environment", `Environment=OPENCLAW_GATEWAY_PASSWORD=s3cret-pass-word`, `Environment=OPENCLAW_GATEWAY_PASSWORD=` + Mask("s3cret-pass-word")},
		{"systemd quoted", `Environment="TELEGRAM_BOT_TOKEN=` + fakeTelegram + `"`, `Environment="TELEGRAM_BOT_TOKEN=` + Mask(fakeTelegram) + `"`},
		{"yaml-ish", `slack: { botToken: ` + fakeSlackBot + ` }`, `slack: { botToken: ` + Mask(fakeSlackBot) + ` }`},
		{"token in prose", `gateway said: invalid key ` + fakeOpenRouter + ` (401)`, `gateway said: invalid key ` + Mask(fakeOpenRouter) + ` (401)`},
		{"token under non-secret key", `  "note": "` + fakeGitHub + `",`, `  "note": "` + Mask(fakeGitHub) + `",`},
		{"discord in log", `login with ` + fakeDiscord + ` failed`, `login with ` + Mask(fakeDiscord) + ` failed`},
		{"url basic auth", `proxy: "http://bob:hunter2hunter2@10.0.0.1:3128",`, `proxy: "http://bob:` + Mask("hunter2hunter2") + `@10.0.0.1:3128",`},
		{"cli flag", `ExecStart=/usr/bin/openclaw gateway --token ` + fakeGateway + ` --port 18789`, `ExecStart=/usr/bin/openclaw gateway --token ` + Mask(fakeGateway) + ` --port 18789`},
		{"bearer", `Authorization: Bearer ` + fakeGateway, `Authorization: Bearer ` + Mask(fakeGateway)},
		{"jwt", `"session": "` + fakeJWT + `"`, `"session": "` + Mask(fakeJWT) + `"`},
		{"private key header", `-----BEGIN RSA PRIVATE KEY-----`, Mask(`-----BEGIN RSA PRIVATE KEY-----`)},
		{"pem body line", "+" + strings.Repeat("MIIEvQIBADANBgkqhkiG9w0B", 3), "+" + Mask(strings.Repeat("MIIEvQIBADANBgkqhkiG9w0B", 3))},
		{"crlf kept", "token: \"" + fakeGateway + "\"\r\n", "token: \"" + Mask(fakeGateway) + "\"\r\n"},
		{"multi line", "a: 1\ntoken: \"" + fakeGateway + "\"\n", "a: 1\ntoken: \"" + Mask(fakeGateway) + "\"\n"},

		// must NOT be masked
		{"env ref", `      token: "${OPENCLAW_GATEWAY_TOKEN}",`, `      token: "${OPENCLAW_GATEWAY_TOKEN}",`},
		{"env ref in bearer", `Authorization: "Bearer ${HOOK_TOKEN}"`, `Authorization: "Bearer ${HOOK_TOKEN}"`},
		{"secretref", `apiKey: { source: "env", provider: "default", id: "OPENAI_API_KEY" },`, `apiKey: { source: "env", provider: "default", id: "OPENAI_API_KEY" },`},
		{"token file path", `tokenFile: "/run/secrets/telegram",`, `tokenFile: "/run/secrets/telegram",`},
		{"keyRef", `"keyRef": "vault:openai",`, `"keyRef": "vault:openai",`},
		{"mode", `mode: "token",`, `mode: "token",`},
		{"bool", `allowInsecureAuth: false, requirePassword: true,`, `allowInsecureAuth: false, requirePassword: true,`},
		{"maxTokens", `maxTokens: 8192,`, `maxTokens: 8192,`},
		{"diff header", `--- a/openclaw.json`, `--- a/openclaw.json`},
		{"hunk header", `@@ -1,5 +1,5 @@`, `@@ -1,5 +1,5 @@`},
		{"prose", `Set gateway.auth.mode to "token" and restart.`, `Set gateway.auth.mode to "token" and restart.`},
		{"port flag", `openclaw gateway --port 18789 --bind loopback`, `openclaw gateway --port 18789 --bind loopback`},
		{"time", `at 12:30:45 the gateway restarted`, `at 12:30:45 the gateway restarted`},
		{"url no auth", `baseUrl: "https://api.example.com:443/v1",`, `baseUrl: "https://api.example.com:443/v1",`},
		{"empty value", `token: "",`, `token: "",`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := MaskText(c.in)
			require.Equal(t, c.want, got)
			require.Equal(t, got, MaskText(got), "masking must be idempotent")
		})
	}
}

func TestMaskTextNeverLeaksFullSecret(t *testing.T) {
	for _, s := range []string{fakeAnthropic, fakeOpenAI, fakeOpenRouter, fakeSlackBot, fakeSlackApp,
		fakeTelegram, fakeDiscord, fakeGitHub, fakeGitHubPAT, fakeGoogle, fakeHF, fakeGroq, fakeJWT} {
		for _, line := range []string{
			s,
			"value " + s + " end",
			`"x": "` + s + `"`,
			"+  token: '" + s + "',",
			"KEY=" + s,
		} {
			out := MaskText(line)
			require.NotContainsf(t, out, s, "leaked in %q", Mask(line))
			require.NotContains(t, out, s[len(s)-8:], "the tail must not survive either")
		}
	}
}

func FuzzMaskText(f *testing.F) {
	f.Add(`token: "` + fakeGateway + `"`)
	f.Add("OPENAI_API_KEY=" + fakeOpenAI)
	f.Add(`Environment="TELEGRAM_BOT_TOKEN=` + fakeTelegram + `"`)
	f.Add("http://a:b@c")
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskText(s)
		if MaskText(out) != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, MaskText(out))
		}
	})
}

// The one-word fast path of IsSecretKey answers as the word split does.
func TestIsSecretKeyOneWord(t *testing.T) {
	keys := []string{"id", "workspace", "key", "keys", "tokens", "auth", "pwd", "pass", "token", "secret", "a", "z"}
	for _, m := range []map[string]bool{secretLastWords, notSecretKeyPrefixes, secretPluralPrefixes} {
		for k := range m {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if !lowerWord(k) {
			continue
		}
		if got, want := IsSecretKey(k), secretKeyWords(k); got != want {
			t.Errorf("IsSecretKey(%q) = %v, the word split says %v", k, got, want)
		}
	}
	for _, k := range []string{"", "apiKey", "api_key", "key2", "Token", "x-y"} {
		if lowerWord(k) {
			t.Errorf("lowerWord(%q) = true", k)
		}
	}
}
