package rotate

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/stretchr/testify/require"
)

// Ensure turns "no shared secret" into token auth with the new token in
// <state>/.env, where Plan without it refuses (TestResolveErrors).
func TestPlanEnsureGivesTokenAuth(t *testing.T) {
	for _, mode := range []string{`mode: "none"`, `mode: "trusted-proxy"`, ``} {
		f := newFixture(t, `{gateway: {auth: {`+mode+`}}}`)
		s := f.load(t)
		cs, info, err := Plan(s, Gateway, Options{Home: f.home, Ensure: true,
			Getenv: func(string) (string, bool) { return "", false }, Generate: func() (string, error) { return newTok, nil }})
		require.NoError(t, err, mode)
		require.Equal(t, "gateway.auth.token", info.Path)
		require.Equal(t, FormEnvVar, info.Form)
		p, err := Prepare(context.Background(), s, cs, info, nil)
		require.NoError(t, err)
		_, err = p.Txn.Commit(remediate.BackupMeta{Command: "rotate gateway", ToolVersion: "test"})
		require.NoError(t, err)
		cfg := read(t, f.config)
		after := f.load(t).Doc
		require.Equal(t, "token", after.Get("gateway.auth.mode").Text(), mode)
		require.Equal(t, "${OPENCLAW_GATEWAY_TOKEN}", after.Get("gateway.auth.token").Text())
		require.NotContains(t, cfg, newTok, "the new token is not written into the config")
		require.Equal(t, newTok, model.ParseDotenv([]byte(read(t, filepath.Join(f.state, ".env"))))["OPENCLAW_GATEWAY_TOKEN"])
	}
}

// A batch rotates several secrets with one write per file; each keeps its
// form, and the forms hardshell cannot write are refused one by one.
func TestBatchOneWritePerFile(t *testing.T) {
	f := newFixture(t, `{
  gateway: {auth: {mode: "token", token: "${GW_TOKEN}"}, remote: {token: "old-remote-token-1234"}},
  hooks: {token: {source: "exec", provider: "vault", id: "hooks"}},
}`)
	f.write(t, ".openclaw/.env", "GW_TOKEN=old-gateway-token-1234\nOTHER=kept\n", 0o600)
	s := f.load(t)
	vals := []string{"new-gateway-0001", "new-remote-0002"}
	b := NewBatch(s, Options{Getenv: func(string) (string, bool) { return "", false },
		Generate: func() (string, error) { v := vals[0]; vals = vals[1:]; return v, nil }})
	gw, err := b.Rotate(Request{Target: Gateway})
	require.NoError(t, err)
	require.Equal(t, FormEnvVar, gw.Form)
	_, err = b.Rotate(Request{Target: Remote})
	require.NoError(t, err)
	_, err = b.Rotate(Request{Target: Hooks})
	require.True(t, errors.Is(err, ErrExec), "an exec SecretRef is refused: %v", err)
	require.NoError(t, b.SetEnv("CLAWDBOT_GATEWAY_TOKEN", gw.New, "a service's variable"))
	v, ok := b.Env("GW_TOKEN")
	require.True(t, ok)
	require.Equal(t, "new-gateway-0001", v)

	cs, _ := b.ChangeSet()
	require.Len(t, cs.Writes, 1, "the .env is written once")
	env := model.ParseDotenv(cs.Writes[0].Data)
	require.Equal(t, map[string]string{"GW_TOKEN": "new-gateway-0001", "OTHER": "kept", "CLAWDBOT_GATEWAY_TOKEN": "new-gateway-0001"}, env)
	require.Len(t, cs.Edits, 1)
	require.Equal(t, "gateway.remote.token", cs.Edits[0].Path)
	require.Equal(t, "new-remote-0002", cs.Edits[0].Value)
}
