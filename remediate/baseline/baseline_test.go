package baseline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/stretchr/testify/require"
)

// stateWith writes config as <tmp>/state/openclaw.json (0600 in a 0700 dir)
// and loads it the way the CLI does.
func stateWith(t *testing.T, config []byte) *model.Snapshot { return stateWithEnv(t, config, nil) }

// stateWithEnv also writes <state>/.env when env is not nil.
func stateWithEnv(t *testing.T, config, env []byte) *model.Snapshot {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "openclaw.json"), config, 0o600))
	if env != nil {
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".env"), env, 0o600))
	}
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: dir, Getenv: func(string) string { return "" }},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, s.DocErr)
	return s
}

// auditProblems lists the critical and warn findings of a snapshot.
func auditProblems(t *testing.T, s *model.Snapshot) []string {
	t.Helper()
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var out []string
	for _, f := range rep.Findings {
		if f.Severity >= model.Warn {
			out = append(out, f.Severity.String()+" "+f.CheckID+": "+f.Detail)
		}
	}
	return out
}

// scenarios cover the questions' answers: one channel with pairing, the
// guide's three profiles with groups, allowlists and tailnet exposure.
func scenarios() map[string]Options {
	return map[string]Options{
		"pairing-loopback": {Channels: []string{"telegram"}, Comments: true},
		"three-profiles-groups-tailnet": {
			Channels: []string{"whatsapp", "telegram", "discord"},
			DM: map[string]DMPolicy{
				"whatsapp": {Policy: "allowlist", AllowFrom: []string{"+15555550123"}},
				"telegram": {Policy: "pairing", AllowFrom: []string{"123456789"}},
			},
			Groups: true, MentionPatterns: []string{"@openclaw", "@mybot"},
			Profiles: map[string]Profile{"main": Personal, "family": ReadOnly, "public": Public},
			Exposure: TailnetServe, Comments: true,
		},
		"every-channel-groups": {Channels: KnownChannels, Groups: true, Comments: true,
			DM: map[string]DMPolicy{
				"telegram": {Policy: "allowlist", AllowFrom: []string{"123456789"}},
				"discord":  {Policy: "allowlist", AllowFrom: []string{"123456789012345678"}},
				"slack":    {Policy: "pairing", AllowFrom: []string{"U012ABCDEF"}},
			}},
		"no-comments-env-token": {Channels: []string{"slack"}, TokenEnv: true,
			Profiles: map[string]Profile{"work": ReadOnly}},
	}
}

func TestRenderAuditsClean(t *testing.T) {
	for _, era := range []model.Era{model.EraGuide, model.EraModern} {
		for name, o := range scenarios() {
			t.Run(era.String()+"/"+name, func(t *testing.T) {
				o.Era = era
				out, err := Render(o)
				require.NoError(t, err)
				t.Logf("\n%s", out)
				_, err = model.ParseValue("baseline.json5", out)
				require.NoError(t, err)
				var env []byte
				if o.TokenEnv {
					env = []byte(TokenVar + "=0123456789abcdef0123456789abcdef0123456789abcdef\n")
				}
				s := stateWithEnv(t, out, env)
				problems := auditProblems(t, s)
				if o.Groups {
					// Groups make the gateway reachable by several people:
					// OpenClaw's trust-model heuristic says so, by design.
					require.Len(t, problems, 1, "%v", problems)
					require.True(t, strings.HasPrefix(problems[0], "warn security.trust_model.multi_user_heuristic"), problems[0])
					return
				}
				require.Empty(t, problems)
			})
		}
	}
}

// peerValidators holds one validator per OpenClaw version for the whole
// test binary: it remembers its verdicts, so a rendering that several
// scenarios share is run once.
var peerValidators sync.Map // version → remediate.Validator

// peerValidator validates with the real OpenClaw CLI of that version, or
// skips the test naming what is absent.
func peerValidator(t *testing.T, version string) remediate.Validator {
	t.Helper()
	if v, ok := peerValidators.Load(version); ok {
		return v.(remediate.Validator)
	}
	bin, args := testutil.Peer(t, version).Command()
	v, _ := peerValidators.LoadOrStore(version, remediate.OpenClawValidator(bin, args...))
	return v.(remediate.Validator)
}

func TestRenderValidatesWithRealOpenClaw(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI")
	}
	cases := map[string][]model.Era{
		"2026.2.1": {model.EraGuide},
		"2026.9.6": {model.EraModern, model.EraUnknown},
	}
	for version, eras := range cases {
		for _, era := range eras {
			for name, o := range scenarios() {
				t.Run(version+"/"+era.String()+"/"+name, func(t *testing.T) {
					t.Parallel()
					validate := peerValidator(t, version)
					o.Era = era
					out, err := Render(o)
					require.NoError(t, err)
					dir := t.TempDir()
					cfg := filepath.Join(dir, "openclaw.json")
					if o.TokenEnv {
						require.NoError(t, os.WriteFile(filepath.Join(dir, ".env"), []byte(TokenVar+"=0123456789abcdef0123456789abcdef0123456789abcdef\n"), 0o600))
					}
					msgs, err := validate(cfg, map[string][]byte{cfg: out})
					require.NoError(t, err)
					require.Empty(t, msgs, "%s", out)
				})
			}
		}
	}
}

func TestRenderShape(t *testing.T) {
	o := scenarios()["three-profiles-groups-tailnet"]
	o.Era = model.EraGuide
	require.NoError(t, o.Normalize())
	out, err := Render(o)
	require.NoError(t, err)
	s := string(out)
	require.Contains(t, s, "\n  gateway: {\n")
	require.Contains(t, s, `token: "`+o.Token+`"`)
	require.Len(t, o.Token, 48)
	require.Contains(t, s, `"*": {`)
	require.Contains(t, s, "    // ")
	d, err := model.ParseValue("b", out)
	require.NoError(t, err)
	require.Equal(t, "serve", d.Lookup("gateway.tailscale.mode").Text())
	require.Equal(t, "family", d.Lookup("agents.list").At(1).Get("id").Text())
	require.Equal(t, "ro", d.Lookup("agents.list").At(1).Lookup("sandbox.workspaceAccess").Text())
	require.Equal(t, publicDeny, d.Lookup("agents.list").At(2).Lookup("tools.deny").Strings())
	require.Equal(t, []string{"+15555550123"}, d.Lookup("channels.whatsapp.allowFrom").Strings())
	require.True(t, d.Lookup("channels.telegram.groups").Get("*").Get("requireMention").IsTrue())

	o.Era = model.EraModern
	out, err = Render(o)
	require.NoError(t, err)
	d, err = model.ParseValue("b", out)
	require.NoError(t, err)
	require.Nil(t, d.Lookup("agents.list"))
	require.Equal(t, "all", d.Lookup("agents.entries.public.sandbox.mode").Text())
	require.Nil(t, d.Lookup("logging"))
	require.NotNil(t, d.Lookup("gateway.auth.rateLimit"))

	o.Comments = false
	out, err = Render(o)
	require.NoError(t, err)
	require.NotContains(t, string(out), "//")
}

func TestNormalizeRejectsBadInput(t *testing.T) {
	for name, o := range map[string]Options{
		"wildcard":          {Channels: []string{"telegram"}, DM: map[string]DMPolicy{"telegram": {Policy: "pairing", AllowFrom: []string{"*"}}}},
		"empty allowlist":   {Channels: []string{"telegram"}, DM: map[string]DMPolicy{"telegram": {Policy: "allowlist"}}},
		"open":              {Channels: []string{"telegram"}, DM: map[string]DMPolicy{"telegram": {Policy: "open"}}},
		"bad phone":         {Channels: []string{"whatsapp"}, DM: map[string]DMPolicy{"whatsapp": {Policy: "allowlist", AllowFrom: []string{"5551234"}}}},
		"dm for no channel": {Channels: []string{"telegram"}, DM: map[string]DMPolicy{"slack": {Policy: "pairing"}}},
		"bad agent":         {Profiles: map[string]Profile{"Main Agent": Personal}},
		"bad profile":       {Profiles: map[string]Profile{"main": "root"}},
		"short token":       {Token: "abc"},
		"bad regex":         {MentionPatterns: []string{"(@bot"}},
		"bad channel":       {Channels: []string{"Tele gram"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Render(o)
			require.Error(t, err)
			require.False(t, strings.Contains(err.Error(), "panic"))
		})
	}
}

// The mention patterns apply only with groups on: defaulted to @openclaw
// then, dropped (and reported) otherwise.
func TestOptionsFromAsksMentionOnlyWithGroups(t *testing.T) {
	o, ignored, err := OptionsFrom(model.Answers{QChannels: "whatsapp", QGroups: "yes"})
	require.NoError(t, err)
	require.Equal(t, []string{DefaultMention}, o.MentionPatterns)
	require.Empty(t, ignored)

	o, ignored, err = OptionsFrom(model.Answers{QChannels: "whatsapp", QMention: "@bot"})
	require.NoError(t, err)
	require.Empty(t, o.MentionPatterns)
	require.Len(t, ignored, 1)
	require.Equal(t, QMention, ignored[0].ID)

	o, _, err = OptionsFrom(model.Answers{QChannels: "telegram", QAllowFrom: "telegram:42", QProfiles: "kids=public,work=readonly"})
	require.NoError(t, err)
	require.Equal(t, []string{"42"}, o.DM["telegram"].AllowFrom)
	require.Equal(t, "kids", o.DefaultAgent, "without main, the first agent in sorted order")
	_, _, err = OptionsFrom(model.Answers{QChannels: "telegram", QAllowFrom: "slack:U1"})
	require.ErrorContains(t, err, "not one of the channels")
	_, _, err = OptionsFrom(model.Answers{QDM: "open"})
	require.ErrorContains(t, err, "pairing or allowlist")
}
