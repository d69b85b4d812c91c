package contain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/stretchr/testify/require"
)

// load reads a state dir with an environment that holds nothing of the
// developer's own shell.
func load(t *testing.T, state string) *model.Snapshot {
	t.Helper()
	s, err := model.Load(model.LoadOptions{Locate: model.LocateOptions{
		StateDirFlag: state, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(state),
	}})
	require.NoError(t, err)
	return s
}

// urgent lists the warn/critical findings of tier 1 and 2.
func urgent(t *testing.T, s *model.Snapshot) []string {
	t.Helper()
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var out []string
	for _, f := range rep.Findings {
		if f.Priority <= model.TierExposure && f.Severity > model.Info {
			out = append(out, f.CheckID)
		}
	}
	return out
}

func editAt(cs model.ChangeSet, path string) (model.Edit, bool) {
	for _, e := range cs.Edits {
		if e.Path == path {
			return e, true
		}
	}
	return model.Edit{}, false
}

// prepareAndCommit runs the real engine on the plan and commits it.
func prepareAndCommit(t *testing.T, s *model.Snapshot, cs model.ChangeSet) *remediate.BackupSet {
	t.Helper()
	p, err := remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	set, err := p.Txn.Commit(remediate.BackupMeta{Command: "contain", ToolVersion: "test"})
	require.NoError(t, err)
	require.NotNil(t, set)
	return set
}

func TestPlanGuideEraOpenDMElevated(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	s := load(t, state)
	require.NotEmpty(t, urgent(t, s))

	cs, err := Plan(s, Options{})
	require.NoError(t, err)

	e, ok := editAt(cs, "channels.telegram.dmPolicy")
	require.True(t, ok)
	require.Equal(t, "disabled", e.Value)
	require.Equal(t, "channels.telegram.dm.open", e.CheckID, "the DM edit claims the finding so Prepare verifies it")
	e, ok = editAt(cs, "channels.telegram.allowFrom")
	require.True(t, ok)
	require.Equal(t, []any{}, e.Value)
	e, ok = editAt(cs, "channels.telegram.groupPolicy")
	require.True(t, ok)
	require.Equal(t, "allowlist", e.Value)
	e, ok = editAt(cs, model.Child("channels.telegram.groups", "*"))
	require.True(t, ok)
	require.Equal(t, model.OpUnset, e.Op)
	e, ok = editAt(cs, "tools.elevated.enabled")
	require.True(t, ok)
	require.Equal(t, false, e.Value)
	e, ok = editAt(cs, "tools.exec.security")
	require.True(t, ok)
	require.Equal(t, "deny", e.Value)
	e, ok = editAt(cs, "tools.deny")
	require.True(t, ok)
	require.Equal(t, model.List(HighRiskTools), e.Value)
	e, ok = editAt(cs, "session.dmScope")
	require.True(t, ok)
	require.Equal(t, "per-channel-peer", e.Value)
	_, ok = editAt(cs, "gateway.auth.token")
	require.False(t, ok, "a ${VAR} token keeps its form: the config is not touched")

	// the token is ${OPENCLAW_GATEWAY_TOKEN}, set in the state's .env: its new
	// value replaces the old one there, 0600
	origEnv, err := os.ReadFile(filepath.Join(state, ".env"))
	require.NoError(t, err)
	oldToken := model.ParseDotenv(origEnv)["OPENCLAW_GATEWAY_TOKEN"]
	require.NotEmpty(t, oldToken)
	var env *model.FileWrite
	var store *model.FileWrite
	for i, w := range cs.Writes {
		switch filepath.Base(w.Path) {
		case ".env":
			env = &cs.Writes[i]
		case "telegram-allowFrom.json":
			store = &cs.Writes[i]
		}
	}
	require.NotNil(t, env)
	require.Regexp(t, `(?m)^OPENCLAW_GATEWAY_TOKEN=[0-9a-f]{48}$`, string(env.Data))
	require.NotContains(t, string(env.Data), oldToken, "the token is rotated, not kept")
	require.NotNil(t, store, `the "*" in the pairing store is removed`)
	require.NotContains(t, string(store.Data), `"*"`)
	require.Contains(t, string(store.Data), "123456789")

	joined := strings.Join(cs.After, "\n")
	require.Contains(t, joined, "openclaw gateway restart")
	require.Contains(t, joined, filepath.Join(state, "agents", "main", "agent", "auth-profiles.json"))
	require.Contains(t, joined, "channels.telegram.botToken (plain text in the config)")

	set := prepareAndCommit(t, s, cs)
	after := load(t, state)
	require.Empty(t, urgent(t, after), "no tier-1/2 warn or critical finding after containment")
	require.Equal(t, os.FileMode(0o600), testutil.Mode(t, filepath.Join(state, ".env")))

	// restore undoes it byte for byte
	orig, err := os.ReadFile(filepath.Join(testutil.Testdata("states", "open-dm-elevated"), "openclaw.json"))
	require.NoError(t, err)
	_, err = remediate.Restore(remediate.RestoreRoots{StateDir: state}, set.ID, "test")
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Equal(t, string(orig), string(got))
	got, err = os.ReadFile(filepath.Join(state, ".env"))
	require.NoError(t, err)
	require.Equal(t, string(origEnv), string(got), "restore puts the old .env back")
}

// A ${VAR} gateway token whose variable lives outside the state dir (the
// service unit, the shell): containment creates <state>/.env for the new
// value, and restore removes the file it created.
func TestPlanCreatesEnvAndRestoreRemovesIt(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	require.NoError(t, os.Remove(filepath.Join(state, ".env")))
	s := load(t, state)
	cs, err := Plan(s, Options{})
	require.NoError(t, err)
	var env *model.FileWrite
	for i, w := range cs.Writes {
		if filepath.Base(w.Path) == ".env" {
			env = &cs.Writes[i]
		}
	}
	require.NotNil(t, env, "the new token needs a home")
	require.Regexp(t, `(?m)^OPENCLAW_GATEWAY_TOKEN=[0-9a-f]{48}$`, string(env.Data))

	set := prepareAndCommit(t, s, cs)
	require.Equal(t, os.FileMode(0o600), testutil.Mode(t, filepath.Join(state, ".env")))
	_, err = remediate.Restore(remediate.RestoreRoots{StateDir: state}, set.ID, "test")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(state, ".env"))
	require.True(t, os.IsNotExist(err), "the created .env is removed by restore")
}

func TestPlanLANExposedLiteralToken(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	s := load(t, state)
	cs, err := Plan(s, Options{})
	require.NoError(t, err)

	e, ok := editAt(cs, "gateway.bind")
	require.True(t, ok)
	require.Equal(t, "loopback", e.Value)
	e, ok = editAt(cs, "gateway.auth.token")
	require.True(t, ok, "a literal token stays a literal, with a new value")
	require.Regexp(t, `^[0-9a-f]{48}$`, e.Value)
	require.NotEqual(t, "pi-token-2026", e.Value)
	e, ok = editAt(cs, "discovery.mdns.mode")
	require.True(t, ok)
	require.Equal(t, "off", e.Value)
	e, ok = editAt(cs, "gateway.controlUi.dangerouslyDisableDeviceAuth")
	require.True(t, ok)
	require.Equal(t, false, e.Value)
	e, ok = editAt(cs, "channels.telegram.dmPolicy")
	require.True(t, ok, "two approved senders: DMs are frozen too")
	require.Equal(t, "disabled", e.Value)

	prepareAndCommit(t, s, cs)
	require.Empty(t, urgent(t, load(t, state)))
}

func TestPlanPairingOptionKeepsApprovedSenders(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	s := load(t, state)
	cs, err := Plan(s, Options{DM: DMPairing})
	require.NoError(t, err)
	_, ok := editAt(cs, "channels.telegram.dmPolicy")
	require.False(t, ok, "pairing with approved senders is already what --dm pairing asks for")
}

func TestPlanModernEra(t *testing.T) {
	state := testutil.CopyState(t, "modern-era")
	s := load(t, state)
	require.Equal(t, model.EraModern, s.Era.Era)
	cs, err := Plan(s, Options{})
	require.NoError(t, err)
	e, ok := editAt(cs, "gateway.bind")
	require.True(t, ok)
	require.Equal(t, "loopback", e.Value)
	for _, ed := range cs.Edits {
		require.False(t, strings.HasPrefix(ed.Path, "agents.list"), "modern era: no agents.list paths (%s)", ed.Path)
	}
	// the gateway token is an env SecretRef: it is rotated the way
	// `hardshell rotate` rotates it, its new value in <state>/.env (it was
	// left to the operator before, so the leaked token stayed valid), and
	// the SecretRef itself is not touched
	_, ok = editAt(cs, "gateway.auth.token")
	require.False(t, ok, "the SecretRef stays as it is")
	origEnv, err := os.ReadFile(filepath.Join(state, ".env"))
	require.NoError(t, err)
	oldToken := model.ParseDotenv(origEnv)["OPENCLAW_GATEWAY_TOKEN"]
	require.NotEmpty(t, oldToken)
	var env *model.FileWrite
	for i, w := range cs.Writes {
		if filepath.Base(w.Path) == ".env" {
			env = &cs.Writes[i]
		}
	}
	require.NotNil(t, env)
	newToken := model.ParseDotenv(env.Data)["OPENCLAW_GATEWAY_TOKEN"]
	require.Regexp(t, `^[0-9a-f]{48}$`, newToken)
	require.NotEqual(t, oldToken, newToken)
	require.Equal(t, model.ParseDotenv(origEnv)["TELEGRAM_BOT_TOKEN"], model.ParseDotenv(env.Data)["TELEGRAM_BOT_TOKEN"], "other variables are kept")
	require.Contains(t, Rotated(s, Options{}), "gateway.auth.token (${OPENCLAW_GATEWAY_TOKEN} in .env)")
	prepareAndCommit(t, s, cs)
	left := urgent(t, load(t, state))
	t.Logf("modern-era tier-1/2 after containment: %v", left)
}

func TestPlanOptionsValidate(t *testing.T) {
	var ie *model.InputError
	_, err := Plan(nil, Options{DM: "open"})
	require.ErrorAs(t, err, &ie)
	_, err = Plan(nil, Options{Groups: "everyone"})
	require.ErrorAs(t, err, &ie)
	_, err = Plan(nil, Options{})
	require.Error(t, err)
}

func TestPlanGroupsDisabledFreezesAllowlistedGroups(t *testing.T) {
	state := testutil.CopyState(t, "modern-era")
	s := load(t, state)
	cs, err := Plan(s, Options{Groups: GroupsDisabled})
	require.NoError(t, err)
	var disabled []string
	for _, e := range cs.Edits {
		if strings.HasSuffix(e.Path, ".groupPolicy") && e.Value == GroupsDisabled {
			disabled = append(disabled, e.Path)
		}
	}
	require.NotEmpty(t, disabled)
	prepareAndCommit(t, s, cs)
	left := urgent(t, load(t, state))
	require.NotContains(t, left, "security.trust_model.multi_user_heuristic")
	require.NotContains(t, left, "channels.discord.allowlisted_groups.broad_members")
}

// contain rotates the gateway token but changes nothing outside the state
// dir: a systemd unit that bakes the old token becomes a manual step (the
// line, masked, and EnvironmentFile=<state>/.env, where the new token goes).
func TestContainLeavesServiceFilesToTheOperator(t *testing.T) {
	const old = "0123456789abcdef0123456789abcdef0123456789abcdef"
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(`{gateway: {mode: "local", bind: "lan", auth: {mode: "token", token: "`+old+`"}}}`), 0o600))
	unit := filepath.Join(home, ".config", "systemd", "user", "openclaw-gateway.service")
	require.NoError(t, os.MkdirAll(filepath.Dir(unit), 0o755))
	unitData := "[Service]\nExecStart=/usr/bin/openclaw gateway run\nEnvironment=OPENCLAW_GATEWAY_TOKEN=" + old + "\n"
	require.NoError(t, os.WriteFile(unit, []byte(unitData), 0o644))

	s := load(t, state)
	cs, err := Plan(s, Options{})
	require.NoError(t, err)
	prepareAndCommit(t, s, cs)

	data, err := os.ReadFile(unit)
	require.NoError(t, err)
	require.Equal(t, unitData, string(data), "the unit is not changed")
	fi, err := os.Stat(unit)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	env, err := os.ReadFile(filepath.Join(state, ".env"))
	require.NoError(t, err)
	newTok := model.ParseDotenv(env)["OPENCLAW_GATEWAY_TOKEN"]
	require.Len(t, newTok, 48, "the new token is in <state>/.env, where the unit is sent")
	require.NotEqual(t, old, newTok)
	after := strings.Join(cs.After, "\n")
	require.Contains(t, after, unit+", line 3: Environment=OPENCLAW_GATEWAY_TOKEN="+model.Mask(old))
	require.Contains(t, after, "EnvironmentFile="+filepath.Join(state, ".env"))
	require.NotContains(t, after, old)
	require.NotContains(t, after, newTok)
}

// Containment rotates with the rotation planner, so every form of a secret
// is treated as `hardshell rotate` treats it: a file SecretRef in the state
// dir gets its new value in its file, an exec SecretRef is left to the
// operator with advice, a literal password moves to <state>/.env, and a
// gateway without a shared secret gets token auth.
func TestContainRotatesEverySecretForm(t *testing.T) {
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	const oldHooks = "old-hooks-token-0123456789"
	require.NoError(t, os.WriteFile(filepath.Join(state, "secrets.json"), []byte(`{"hooks": "`+oldHooks+`"}`+"\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(`{
  gateway: {mode: "local", auth: {mode: "trusted-proxy", password: "old-password-literal"},
    remote: {token: {source: "exec", provider: "vault", id: "remote"}}},
  hooks: {enabled: true, token: {source: "file", provider: "local", id: "/hooks"}},
  secrets: {providers: {local: {source: "file", path: "secrets.json"}}},
}`), 0o600))
	s := load(t, state)
	cs, err := Plan(s, Options{})
	require.NoError(t, err)

	e, ok := editAt(cs, "gateway.auth.mode")
	require.True(t, ok)
	require.Equal(t, "token", e.Value)
	e, ok = editAt(cs, "gateway.auth.token")
	require.True(t, ok)
	require.Equal(t, "${OPENCLAW_GATEWAY_TOKEN}", e.Value)
	e, ok = editAt(cs, "gateway.auth.password")
	require.True(t, ok)
	require.Equal(t, "${OPENCLAW_GATEWAY_PASSWORD}", e.Value, "the stale password leaves the config")
	_, ok = editAt(cs, "gateway.remote.token")
	require.False(t, ok, "an exec SecretRef is not touched")
	after := strings.Join(cs.After, "\n")
	require.Contains(t, after, `gateway.remote.token is a SecretRef (source "exec", id "remote")`)
	require.Contains(t, after, "Trusted-proxy auth is replaced by token auth")
	require.Contains(t, Rotated(s, Options{}), "gateway.remote.token (SecretRef: rotate by hand)")

	prepareAndCommit(t, s, cs)
	env := model.ParseDotenv(readFile(t, filepath.Join(state, ".env")))
	require.Regexp(t, `^[0-9a-f]{48}$`, env["OPENCLAW_GATEWAY_TOKEN"])
	require.Regexp(t, `^[0-9a-f]{48}$`, env["OPENCLAW_GATEWAY_PASSWORD"])
	require.Equal(t, os.FileMode(0o600), testutil.Mode(t, filepath.Join(state, ".env")))
	sec := string(readFile(t, filepath.Join(state, "secrets.json")))
	require.NotContains(t, sec, oldHooks, "the file SecretRef gets its new value in its file")
	require.Regexp(t, `^\{"hooks": "[0-9a-f]{48}"\}\n$`, sec)
	require.NotContains(t, string(readFile(t, filepath.Join(state, "openclaw.json"))), "old-password-literal")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
