package rotate

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/stretchr/testify/require"
)

const (
	oldTok = "0123456789abcdef0123456789abcdef0123456789abcdef"
	newTok = "feedfacefeedfacefeedfacefeedfacefeedfacefeedface"
)

// eras are the agent blocks of the two config eras; the rotation must not
// care which one it meets.
var eras = map[string]string{
	"guide":  `agents: { list: [ { id: "main", default: true } ] },`,
	"modern": `agents: { entries: { main: { default: true } } },`,
}

type fixture struct {
	home, state, config string
	env                 map[string]string
}

func newFixture(t *testing.T, config string) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir(), env: map[string]string{}}
	f.state = filepath.Join(f.home, ".openclaw")
	require.NoError(t, os.Mkdir(f.state, 0o700))
	f.config = filepath.Join(f.state, "openclaw.json")
	require.NoError(t, os.WriteFile(f.config, []byte(config), 0o600))
	return f
}

func (f *fixture) write(t *testing.T, rel, data string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(f.home, rel)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(data), mode))
	return p
}

func (f *fixture) load(t *testing.T) *model.Snapshot {
	t.Helper()
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: f.state, HomeDir: f.home, Getenv: func(k string) string { return f.env[k] }},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, s.DocErr)
	return s
}

func (f *fixture) plan(t *testing.T, target Target) (model.ChangeSet, Info, error) {
	t.Helper()
	s := f.load(t)
	return Plan(s, target, Options{
		Home:     f.home,
		Getenv:   func(k string) (string, bool) { v, ok := f.env[k]; return v, ok },
		Generate: func() (string, error) { return newTok, nil },
	})
}

// commit plans, prepares and commits, like the CLI does.
func (f *fixture) commit(t *testing.T, target Target) Info {
	t.Helper()
	s := f.load(t)
	cs, info, err := Plan(s, target, Options{Home: f.home, Getenv: func(k string) (string, bool) { v, ok := f.env[k]; return v, ok },
		Generate: func() (string, error) { return newTok, nil }})
	require.NoError(t, err)
	p, err := Prepare(context.Background(), s, cs, info, nil)
	require.NoError(t, err)
	_, err = p.Txn.Commit(remediate.BackupMeta{Command: "rotate " + string(target), ToolVersion: "test"})
	require.NoError(t, err)
	return info
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

func TestNewSecretIs48Hex(t *testing.T) {
	a, err := NewSecret()
	require.NoError(t, err)
	b, err := NewSecret()
	require.NoError(t, err)
	require.Regexp(t, `^[0-9a-f]{48}$`, a)
	require.NotEqual(t, a, b)
}

func TestPlanLiteralBothEras(t *testing.T) {
	for era, agents := range eras {
		t.Run(era, func(t *testing.T) {
			cfg := "{\n  " + agents + "\n  gateway: {\n    mode: \"local\",\n    auth: { mode: \"token\", token: \"" + oldTok + "\" }, // wizard\n    remote: { token: \"" + oldTok + "\" },\n  },\n}\n"
			f := newFixture(t, cfg)
			info := f.commit(t, Gateway)
			require.Equal(t, FormLiteral, info.Form)
			require.Equal(t, []string{oldTok}, info.Old)
			require.Equal(t, strings.ReplaceAll(cfg, oldTok, newTok), read(t, f.config), "byte-minimal: only the token changes, comments kept")
			require.Contains(t, strings.Join(info.Notes, "\n"), "gateway.remote.token held the same secret")
		})
	}
}

func TestPlanEnvVarWritesDotenv(t *testing.T) {
	for era, agents := range eras {
		t.Run(era, func(t *testing.T) {
			cfg := "{ " + agents + " gateway: { auth: { token: \"${MY_GW_TOKEN}\" } } }"
			f := newFixture(t, cfg)
			env := f.write(t, ".openclaw/.env", "# keep me\nexport MY_GW_TOKEN="+oldTok+"\nOTHER=1\n", 0o600)
			f.env["MY_GW_TOKEN"] = oldTok // also set in the shell
			info := f.commit(t, Gateway)
			require.Equal(t, FormEnvVar, info.Form)
			require.Equal(t, "MY_GW_TOKEN", info.EnvVar)
			require.Equal(t, cfg, read(t, f.config), "the config keeps ${MY_GW_TOKEN}")
			require.Equal(t, "# keep me\nexport MY_GW_TOKEN="+newTok+"\nOTHER=1\n", read(t, env))
			require.Contains(t, strings.Join(info.Notes, "\n"), "MY_GW_TOKEN is also set in this shell's environment")
		})
	}
}

func TestPlanEnvVarCreatesDotenv0600(t *testing.T) {
	f := newFixture(t, `{hooks: {enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}"}}`)
	info := f.commit(t, Hooks)
	require.Equal(t, FormEnvVar, info.Form)
	require.Empty(t, info.Old)
	env := filepath.Join(f.state, ".env")
	require.Equal(t, "OPENCLAW_HOOKS_TOKEN="+newTok+"\n", read(t, env))
	fi, err := os.Stat(env)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestPlanSecretRefEnvAndConfigEnvBlock(t *testing.T) {
	cfg := `{env: {vars: {GW_TOK: "` + oldTok + `"}}, gateway: {auth: {token: {source: "env", provider: "default", id: "GW_TOK"}}}}`
	f := newFixture(t, cfg)
	cs, info, err := f.plan(t, Gateway)
	require.NoError(t, err)
	require.Equal(t, FormRefEnv, info.Form)
	require.Equal(t, "GW_TOK", info.EnvVar)
	require.Equal(t, []string{oldTok}, info.Old)
	require.Len(t, cs.Edits, 1)
	require.Equal(t, "env.vars.GW_TOK", cs.Edits[0].Path, "a variable kept in the config's env block is edited there")
	require.Empty(t, cs.Writes, "no .env is created when the env block holds the variable")
}

func TestPlanSecretRefFile(t *testing.T) {
	f := newFixture(t, `{secrets: {providers: {filemain: {source: "file", path: "~/.openclaw/secrets.json", mode: "json"}, one: {source: "file", path: "gw.token", mode: "singleValue"}}},
 gateway: {auth: {token: {source: "file", provider: "filemain", id: "/gateway/token"}}},
 hooks: {token: {source: "file", provider: "one", id: "value"}}}`)
	sj := f.write(t, ".openclaw/secrets.json", "{\n  \"gateway\": { \"token\": \""+oldTok+"\" },\n  \"other\": \"x\"\n}\n", 0o644)
	one := f.write(t, ".openclaw/gw.token", "abcdefabcdefabcdefabcdef\n", 0o600)
	info := f.commit(t, Gateway)
	require.Equal(t, FormRefFile, info.Form)
	require.Equal(t, "{\n  \"gateway\": { \"token\": \""+newTok+"\" },\n  \"other\": \"x\"\n}\n", read(t, sj))
	fi, err := os.Stat(sj)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a secret file in the state dir is tightened to 0600")

	info = f.commit(t, Hooks)
	require.Equal(t, FormRefFile, info.Form)
	require.Equal(t, newTok+"\n", read(t, one))
}

func TestPlanSecretRefExecRefuses(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: {source: "exec", provider: "vault", id: "gw"}}}}`)
	cs, info, err := f.plan(t, Gateway)
	require.ErrorIs(t, err, ErrExec)
	require.Contains(t, err.Error(), "rotate it in that provider")
	require.True(t, cs.Empty())
	require.Equal(t, FormRefExec, info.Form)
}

// outside records every file and folder under the fixture's home but
// outside the state dir: its bytes and mode.
func (f *fixture) outside(t *testing.T) map[string]string {
	t.Helper()
	got := map[string]string{}
	require.NoError(t, filepath.WalkDir(f.home, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if p == f.state {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			v += " " + read(t, p)
		}
		got[p] = v
		return nil
	}))
	return got
}

// manualText is every manual step as the operator reads it.
func manualText(info Info) string {
	var b strings.Builder
	for _, m := range info.Manual {
		b.WriteString(m.Path + " | " + m.Where + " | " + m.Holds + " | " + m.Do + "\n")
	}
	return b.String()
}

func TestRotateLeavesServiceFilesToTheOperator(t *testing.T) {
	f := newFixture(t, `{gateway: {mode: "local"}}`)
	env := f.write(t, ".openclaw/.env", "OPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", 0o600)
	unitData := "[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN=" + oldTok + " OPENCLAW_GATEWAY_PORT=18789\nEnvironmentFile=-" + filepath.Join(f.home, "gw.env") + "\n"
	unit := f.write(t, ".config/systemd/user/openclaw-gateway.service", unitData, 0o644)
	envFile := f.write(t, "gw.env", "# from install\nOPENCLAW_GATEWAY_TOKEN=stale-token-from-2025-install\n", 0o600)
	before := f.outside(t)
	info := f.commit(t, Gateway)
	require.Equal(t, before, f.outside(t), "nothing outside the state dir changed: bytes and modes")
	require.Equal(t, FormEnvOnly, info.Form)
	require.ElementsMatch(t, []string{oldTok, "stale-token-from-2025-install"}, info.Old)
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN="+newTok+"\n", read(t, env), "the state dir's .env holds the new token")
	require.Equal(t, `{gateway: {mode: "local"}}`, read(t, f.config))

	text := manualText(info)
	for _, secret := range []string{oldTok, newTok, "stale-token-from-2025-install"} {
		require.NotContains(t, text, secret, "manual steps mask the old secret and never carry the new one")
	}
	require.Len(t, info.Manual, 2, text)
	byPath := map[string]Manual{}
	for _, m := range info.Manual {
		byPath[m.Path] = m
	}
	u := byPath[unit]
	require.Equal(t, "line 2", u.Where)
	require.Equal(t, "Environment=OPENCLAW_GATEWAY_TOKEN="+model.Mask(oldTok)+" OPENCLAW_GATEWAY_PORT=18789", u.Holds)
	require.Contains(t, u.Do, "EnvironmentFile="+filepath.Join(f.state, ".env"))
	require.Contains(t, u.Do, "systemctl --user daemon-reload && systemctl --user restart openclaw-gateway.service")
	e := byPath[envFile]
	require.Equal(t, "line 2", e.Where)
	require.Equal(t, "OPENCLAW_GATEWAY_TOKEN="+model.Mask("stale-token-from-2025-install"), e.Holds)
	require.Contains(t, e.Do, "delete this line")
}

func TestPlanPasswordModeAndStaleServiceValue(t *testing.T) {
	// #19410: the unit baked a value that no longer matches the config.
	f := newFixture(t, `{gateway: {auth: {mode: "password", password: "correct horse battery staple"}}}`)
	plist := f.write(t, "Library/LaunchAgents/ai.openclaw.gateway.plist", `<plist><dict>
<key>Label</key><string>ai.openclaw.gateway</string>
<key>EnvironmentVariables</key>
<dict>
	<key>OPENCLAW_GATEWAY_PASSWORD</key>
	<string>older &amp; stale</string>
</dict></dict></plist>
`, 0o644)
	before := f.outside(t)
	info := f.commit(t, Gateway)
	require.Equal(t, before, f.outside(t), "the plist is not changed")
	require.Equal(t, "password", info.Kind)
	require.Equal(t, "gateway.auth.password", info.Path)
	require.ElementsMatch(t, []string{"correct horse battery staple", "older & stale"}, info.Old)
	require.Contains(t, read(t, f.config), newTok)
	require.Equal(t, "OPENCLAW_GATEWAY_PASSWORD="+newTok+"\n", read(t, filepath.Join(f.state, ".env")))
	require.Len(t, info.Manual, 1)
	m := info.Manual[0]
	require.Equal(t, plist, m.Path)
	require.Equal(t, "EnvironmentVariables → OPENCLAW_GATEWAY_PASSWORD", m.Where)
	require.NotContains(t, m.Holds, "stale")
	require.Contains(t, m.Do, "plutil -remove EnvironmentVariables.OPENCLAW_GATEWAY_PASSWORD "+plist)
	require.Contains(t, m.Do, "launchctl bootout gui/$(id -u)/ai.openclaw.gateway; launchctl bootstrap gui/$(id -u) "+plist)
}

func TestPlanSecretRefFileOutsideRefuses(t *testing.T) {
	f := newFixture(t, `{secrets: {providers: {one: {source: "file", path: "~/secrets/gw.token", mode: "singleValue"}}},
  gateway: {auth: {token: {source: "file", provider: "one", id: "value"}}}}`)
	secret := f.write(t, "secrets/gw.token", oldTok+"\n", 0o600)
	before := f.outside(t)
	cfg := read(t, f.config)
	_, _, err := f.plan(t, Gateway)
	var oe *OutsideRefError
	require.True(t, errors.As(err, &oe), "%v", err)
	require.Contains(t, err.Error(), "umask 077; openssl rand -hex 24 > "+secret)
	require.NotContains(t, err.Error(), oldTok)
	require.Equal(t, before, f.outside(t))
	require.Equal(t, cfg, read(t, f.config))
}

func TestPlanSymlinkedUnitIsSkippedNotWritten(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: "`+oldTok+`"}}}`)
	real := f.write(t, "nix-store/openclaw-gateway.service", "[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", 0o444)
	link := filepath.Join(f.home, ".config/systemd/user/openclaw-gateway.service")
	require.NoError(t, os.MkdirAll(filepath.Dir(link), 0o700))
	require.NoError(t, os.Symlink(real, link))
	info := f.commit(t, Gateway)
	require.Len(t, info.Skipped, 1)
	require.Equal(t, link, info.Skipped[0].Path)
	require.Contains(t, info.Skipped[0].Why, "is a symlink")
	require.Contains(t, read(t, real), oldTok, "the link's target is not written")
}

func TestPlanSweepsStateDir(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: "`+oldTok+`"}}}`)
	bak := f.write(t, ".openclaw/openclaw.json.bak.1", `{gateway:{auth:{token:"`+oldTok+`"}}}`, 0o644)
	tr := f.write(t, ".openclaw/agents/main/sessions/s1.jsonl", `{"msg":"token `+oldTok+`"}`+"\n", 0o600)
	dev := f.write(t, ".openclaw/identity/device-auth.json", `{"gatewayToken":"`+oldTok+`"}`, 0o600)
	info := f.commit(t, Gateway)
	fi, err := os.Stat(bak)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.Contains(t, read(t, bak), oldTok, "OpenClaw's backups are history: tightened, not rewritten")
	require.Len(t, info.Chmodded, 1)
	require.Equal(t, `{"msg":"token `+redacted+`"}`+"\n", read(t, tr))
	require.Equal(t, `{"gatewayToken":"`+newTok+`"}`, read(t, dev))
}

func TestCommitRefusesWhenAServiceFileChanged(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: "`+oldTok+`"}}}`)
	unit := f.write(t, ".config/systemd/user/openclaw-gateway.service", "[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", 0o644)
	s := f.load(t)
	cs, info, err := Plan(s, Gateway, Options{Home: f.home, Generate: func() (string, error) { return newTok, nil }})
	require.NoError(t, err)
	p, err := Prepare(context.Background(), s, cs, info, nil)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(unit, []byte("[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN=edited-meanwhile\n"), 0o644))
	_, err = p.Txn.Commit(remediate.BackupMeta{Command: "rotate gateway"})
	var de *remediate.DriftError
	require.True(t, errors.As(err, &de), "%v", err)
	require.Contains(t, read(t, f.config), oldTok, "nothing written")
	require.NotContains(t, p.Diff(), newTok)
	require.NotContains(t, p.Diff(), oldTok)
}

func TestResolveErrors(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {mode: "none"}}}`)
	_, _, err := f.plan(t, Gateway)
	require.ErrorContains(t, err, `gateway.auth.mode is "none"`)

	f = newFixture(t, "{\n  gateway: {auth: {token: \"tok-${SUFFIX}\"}},\n}")
	_, _, err = f.plan(t, Gateway)
	var ie *model.InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 2, ie.Line)
	require.Contains(t, err.Error(), "mixes text with ${SUFFIX}")

	_, err = ParseTarget("nodes")
	require.ErrorAs(t, err, &ie)
}

func TestSystemdEnvForms(t *testing.T) {
	in := "Environment=A=1 OPENCLAW_GATEWAY_TOKEN=old1 B=2\nEnvironment=\"OPENCLAW_GATEWAY_TOKEN=old 2\"\nEnvironment=XOPENCLAW_GATEWAY_TOKEN=keep\n# Environment=OPENCLAW_GATEWAY_TOKEN=comment\nExecStart=/bin/x OPENCLAW_GATEWAY_TOKEN=arg\n"
	out, vals := replaceSystemdEnv([]byte(in), []string{"OPENCLAW_GATEWAY_TOKEN"}, "NEW")
	require.Equal(t, []string{"old1", "old 2"}, vals)
	require.Equal(t, "Environment=A=1 OPENCLAW_GATEWAY_TOKEN=NEW B=2\nEnvironment=\"OPENCLAW_GATEWAY_TOKEN=NEW\"\nEnvironment=XOPENCLAW_GATEWAY_TOKEN=keep\n# Environment=OPENCLAW_GATEWAY_TOKEN=comment\nExecStart=/bin/x OPENCLAW_GATEWAY_TOKEN=arg\n", string(out))
}

func TestVerifyAgainstRealListener(t *testing.T) {
	cur := oldTok
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+cur {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	port, err := strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	require.NoError(t, err)
	info := Info{Secret: Secret{Target: Gateway, Kind: "token"}, Port: port, New: newTok, Old: []string{oldTok}}
	v := Verify(context.Background(), info, VerifyOptions{})
	require.True(t, v.Reachable())
	require.False(t, v.OK(), "the server still takes the old token")
	cur = newTok
	v = Verify(context.Background(), info, VerifyOptions{})
	require.True(t, v.OK(), "%+v", v.Checks)
	require.Equal(t, audit.AuthAccepted, v.Checks[0].Result.Verdict)
	require.Equal(t, audit.AuthRefused, v.Checks[1].Result.Verdict)
}
