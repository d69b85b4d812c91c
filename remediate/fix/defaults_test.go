package fix_test

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/realcli"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
)

// finding runs the audit and returns the finding with id.
func finding(t *testing.T, s *model.Snapshot, id string) model.Finding {
	t.Helper()
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var ids []string
	for _, f := range rep.Findings {
		if f.CheckID == id {
			return f
		}
		ids = append(ids, f.CheckID)
	}
	t.Fatalf("no finding %s; have %v", id, ids)
	return model.Finding{}
}

type guidedCase struct {
	name    string
	config  string
	opts    auditkit.Options
	id      string
	answers model.Answers
	want    []string // lines (trimmed) that must be added in the diff
	notWant []string
	fixed   bool // Prepare must report the id fixed
}

func runGuided(t *testing.T, c guidedCase) (*remediate.Prepared, model.ChangeSet) {
	t.Helper()
	s := auditkit.Snapshot(t, c.config, c.opts)
	require.NoError(t, s.DocErr)
	f := finding(t, s, c.id)
	r, ok := fix.For(f.CheckID)
	require.True(t, ok, "no remediation for %s", f.CheckID)
	qs := r.Questions(s, f)
	for _, q := range qs {
		require.NotEmpty(t, q.Title, q.ID)
		if q.Kind == model.Select || q.Kind == model.Confirm {
			require.NotEmpty(t, q.Default, "question %s needs a safe default", q.ID)
		}
	}
	require.NoError(t, fix.ValidateAnswers(qs, c.answers))
	a := fix.Defaults(qs, c.answers)
	require.NoError(t, fix.ValidateAnswers(qs, a), "defaults must validate")
	cs, err := r.Plan(s, f, a)
	require.NoError(t, err)
	for _, e := range cs.Edits {
		require.Equal(t, f.CheckID, e.CheckID, e.Path)
	}
	p, err := remediate.Prepare(context.Background(), s, cs, realcli.Validator(t, s))
	require.NoError(t, err)
	if c.fixed {
		require.Contains(t, p.Fixed, f.CheckID)
	}
	d := p.Diff()
	var added []string
	for _, l := range strings.Split(d, "\n") {
		if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
			added = append(added, l)
		}
	}
	for _, w := range c.want {
		require.Contains(t, strings.Join(added, "\n"), w, "diff:\n%s", d)
	}
	for _, w := range c.notWant {
		require.NotContains(t, strings.Join(added, "\n"), w, "diff:\n%s", d)
	}
	return p, cs
}

func TestGuidedDefaults(t *testing.T) {
	cases := []guidedCase{
		{
			name: "dm open → pairing (guide era, legacy dm.policy kept)", id: "channels.discord.dm.open", fixed: true,
			config: `{
  // discord with the legacy nested form
  channels: { discord: { token: "${DISCORD_TOKEN}", dm: { policy: "open", allowFrom: ["*"] } } },
  agents: { list: [{ id: "main" }] },
}`,
			opts: auditkit.Options{Env: map[string]string{"DISCORD_TOKEN": "x"}, CLIVersion: "2026.2.1"},
			want: []string{`dm: { policy: "pairing" }`}, notWant: []string{`"*"`, "dmPolicy"},
		},
		{
			name: "dm open → allowlist seeded from the pairing store (modern era)", id: "channels.telegram.dm.open", fixed: true,
			config:  `{ agents: { entries: { main: {} } }, channels: { telegram: { dmPolicy: "open", allowFrom: ["*", "111"] } } }`,
			opts:    auditkit.Options{CLIVersion: "2026.9.6", Files: []auditkit.File{{Path: "credentials/telegram-allowFrom.json", Data: `{"version":1,"allowFrom":["222"]}`}}},
			answers: model.Answers{"policy": "allowlist"},
			want:    []string{`dmPolicy: "allowlist"`, `allowFrom: ["111", "222"]`},
		},
		{
			name: "groups open + requireMention off → allowlist, mentions, patterns on each agent (guide era)", id: "channels.whatsapp.groups.require_mention_off", fixed: true,
			config: `{ agents: { list: [{ id: "main" }, { id: "family", groupChat: { mentionPatterns: ["@fam"] } }] },
  channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["+15550001"], groupPolicy: "open", groups: { "*": { requireMention: false } } } } }`,
			opts: auditkit.Options{CLIVersion: "2026.2.1"},
			want: []string{`groupPolicy: "allowlist"`, `requireMention: true`, `groupAllowFrom: ["+15550001"]`,
				`{ id: "main", groupChat: { mentionPatterns: ["@openclaw"] } }, { id: "family", groupChat: { mentionPatterns: ["@fam"] } }`},
		},
		{
			name: "dmScope per-account-channel-peer with several accounts", id: "channels.telegram.dm.scope_main_multiuser", fixed: true,
			config: `{ channels: { telegram: { allowFrom: ["1", "2"], accounts: { a: {}, b: {} } } } }`,
			want:   []string{`"per-account-channel-peer"`},
		},
		{
			name: "elevated disabled", id: "tools.elevated.allowFrom.telegram.wildcard", fixed: true,
			config: `{ tools: { elevated: { enabled: true, allowFrom: { telegram: ["*"] } } } }`,
			want:   []string{"enabled: false"},
		},
		{
			name: "bind → loopback", id: "gateway.bind_no_auth", fixed: true,
			config: `{ gateway: { mode: "local", bind: "lan" } }`,
			want:   []string{`bind: "loopback"`},
		},
		{
			name: "funnel → serve", id: "gateway.tailscale_funnel", fixed: true,
			config: `{ gateway: { mode: "local", auth: { mode: "password", password: "${OPENCLAW_GATEWAY_PASSWORD}" }, tailscale: { mode: "funnel" } } }`,
			opts:   auditkit.Options{Env: map[string]string{"OPENCLAW_GATEWAY_PASSWORD": "a-long-random-password-here"}},
			want:   []string{`mode: "serve"`},
		},
		{
			name: "trusted proxies narrowed to single hosts", id: "gateway.trusted_proxies_broad", fixed: true,
			config: `{ gateway: { mode: "local", trustedProxies: ["127.0.0.1", "10.0.0.0/8"] } }`,
			want:   []string{`trustedProxies: ["127.0.0.1"]`},
		},
		{
			name: "control UI origins without wildcard", id: "gateway.control_ui.allowed_origins_wildcard", fixed: true,
			config: `{ gateway: { mode: "local", controlUi: { allowedOrigins: ["*", "https://gw.example.ts.net"] } } }`,
			want:   []string{`allowedOrigins: ["https://gw.example.ts.net"]`},
		},
		{
			name: "node browser proxy off", id: "gateway.nodes.browser_proxy_enabled", fixed: true,
			config: `{ gateway: { mode: "local", bind: "lan", auth: { token: "${OPENCLAW_GATEWAY_TOKEN}" }, nodes: { browser: { mode: "auto" } } } }`,
			opts:   auditkit.Options{Env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": strings.Repeat("ab", 24)}},
			want:   []string{`mode: "off"`},
		},
		{
			name: "plugins allowlist from installed extensions", id: "plugins.extensions_no_allowlist", fixed: true,
			config: `{ plugins: { enabled: true } }`,
			opts:   auditkit.Options{Files: []auditkit.File{{Path: "extensions/voice-call/package.json", Data: `{"name":"@openclaw/voice-call","version":"1.0.0"}`}}},
			want:   []string{`allow: ["voice-call"]`},
		},
		{
			name: "open groups with fs tools → read-only profile per agent (modern)", id: "security.exposure.open_groups_with_runtime_or_fs", fixed: true,
			config: `{ agents: { entries: { main: { tools: { profile: "coding" } } } }, channels: { telegram: { groupPolicy: "open", groupAllowFrom: ["1"] } } }`,
			opts:   auditkit.Options{CLIVersion: "2026.9.6"},
			want:   []string{`workspaceAccess: "ro"`, `allow: ["read"]`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runGuided(t, c) })
	}
}

func TestSecretsMovedToDotenv(t *testing.T) {
	const pw = "correct-horse-battery-staple-9"
	p, cs := runGuided(t, guidedCase{
		id: "config.secrets.gateway_password_in_config", fixed: true,
		config: `{ gateway: { mode: "local", auth: { mode: "password", password: "` + pw + `" } } }`,
		opts:   auditkit.Options{Files: []auditkit.File{{Path: ".env", Data: "# mine\nOTHER=1\n"}}},
	})
	// OpenClaw's advice: remove the key, the gateway reads the env fallback
	// (a ${VAR} would still be reported: OpenClaw audits after substitution).
	require.Contains(t, p.Diff(), `+{ gateway: { mode: "local", auth: { mode: "password" } } }`)
	require.NotContains(t, p.Diff(), pw, "the secret must be masked in the diff")
	require.Empty(t, cs.Writes, "the plan reads no .env: Prepare renders its variables")
	require.Len(t, cs.Env, 1)
	require.Len(t, p.Changes.Writes, 1)
	w := p.Changes.Writes[0]
	require.Equal(t, ".env", filepath.Base(w.Path))
	require.Equal(t, os.FileMode(0o600), w.Mode)
	require.Equal(t, "# mine\nOTHER=1\nOPENCLAW_GATEWAY_PASSWORD="+pw+"\n", string(w.Data))
}

func TestTokenRotationKeepsEnvForm(t *testing.T) {
	s := auditkit.Snapshot(t, `{ gateway: { mode: "local", auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" } } }`,
		auditkit.Options{Env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": "short"}, Files: []auditkit.File{{Path: ".env", Data: "OPENCLAW_GATEWAY_TOKEN=short\n"}}})
	f := finding(t, s, "gateway.token_too_short")
	r, _ := fix.For(f.CheckID)
	qs := r.Questions(s, f)
	cs, err := r.Plan(s, f, fix.Defaults(qs, nil))
	require.NoError(t, err)
	require.Empty(t, cs.Edits, "a ${VAR} token is rotated in .env, not in the config")
	require.Len(t, cs.Env, 1)
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN", cs.Env[0].Key)
	p, err := remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	require.Len(t, p.Changes.Writes, 1)
	line := strings.TrimSpace(string(p.Changes.Writes[0].Data))
	tok, ok := strings.CutPrefix(line, "OPENCLAW_GATEWAY_TOKEN=")
	require.True(t, ok, line)
	require.Len(t, tok, 48)
	_, err = hex.DecodeString(tok)
	require.NoError(t, err)
	require.Equal(t, strings.ToLower(tok), tok)
	require.NotContains(t, p.Diff(), tok, "the new token is masked in the diff")
}

func TestGeneratedTokensDiffer(t *testing.T) {
	a, err := remediate.GenerateToken()
	require.NoError(t, err)
	b, err := remediate.GenerateToken()
	require.NoError(t, err)
	require.Len(t, a, 48)
	require.NotEqual(t, a, b)
}

func TestInvalidAnswersRejected(t *testing.T) {
	s := auditkit.Snapshot(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } } }`, auditkit.Options{})
	f := finding(t, s, "channels.telegram.dm.open")
	r, _ := fix.For(f.CheckID)
	qs := r.Questions(s, f)
	require.Error(t, fix.ValidateAnswers(qs, model.Answers{"policy": "everyone"}))
	require.Error(t, fix.ValidateAnswers(qs, model.Answers{"policy": "allowlist", "senders": "*"}))
	require.NoError(t, fix.ValidateAnswers(qs, model.Answers{"policy": "pairing", "senders": "*"}), "senders do not apply to pairing")
	require.Error(t, fix.ValidateAnswers(qs, model.Answers{"policy": "open", "confirm_open": "maybe"}))
	// allowlist with nobody, and open without the confirmation, are refused by Plan.
	_, err := r.Plan(s, f, fix.Defaults(qs, model.Answers{"policy": "allowlist", "senders": ""}))
	require.ErrorContains(t, err, "at least one sender")
	_, err = r.Plan(s, f, fix.Defaults(qs, model.Answers{"policy": "open"}))
	require.ErrorContains(t, err, "explicit yes")

	require.Error(t, fix.ValidOriginList("https://x.example/path"))
	require.Error(t, fix.ValidOriginList("*"))
	require.NoError(t, fix.ValidOriginList("https://a.example, http://127.0.0.1:18789"))
	require.Error(t, fix.ValidCDPURL("http://10.0.0.5:9222"))
	require.NoError(t, fix.ValidCDPURL("http://127.0.0.1:9222"))
	require.NoError(t, fix.ValidCDPURL("wss://cdp.example.ts.net"))
}

func TestEnvVarName(t *testing.T) {
	require.Equal(t, "OPENCLAW_CHANNELS_TELEGRAM_ACCOUNTS_WORK_BOT_TOKEN", fix.EnvVarName("channels.telegram.accounts.work.botToken"))
	require.Equal(t, "OPENCLAW_GATEWAY_PASSWORD", fix.EnvVarName("gateway.auth.password"))
	require.Equal(t, "OPENCLAW_MODELS_PROVIDERS_OPENAI_API_KEY", fix.EnvVarName("models.providers.openai.apiKey"))
}

func TestAdviceIsManual(t *testing.T) {
	r, ok := fix.For("models.small_params")
	require.True(t, ok)
	require.Equal(t, model.FixManual, r.Kind)
	cs, err := r.Plan(nil, model.Finding{CheckID: "models.small_params"}, nil)
	require.NoError(t, err)
	require.True(t, cs.Empty())
	require.NotEmpty(t, cs.After)
}
