package rotate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// followed lists the reads of the snapshot's recorder that went to one of
// paths or through it (a read of a link without NoFollow).
func followed(s *model.Snapshot, paths ...string) []string {
	var out []string
	for _, in := range s.Reads.Inputs() {
		for _, p := range paths {
			if in.Path == p && !in.Options.NoFollow {
				out = append(out, in.Path+" read through the link")
			}
		}
	}
	return out
}

// The rotation plans <state>/.env from the bytes the snapshot read, not
// from a read of its own: a .env changed after the load is drift, refused
// at commit, and the file keeps what it holds.
func TestPlanDotenvIsTheSnapshots(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: "${OPENCLAW_GATEWAY_TOKEN}"}}}`)
	env := f.write(t, ".openclaw/.env", "OTHER=1\nOPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", 0o600)
	s := f.load(t)
	require.NoError(t, os.WriteFile(env, []byte("OTHER=2\nOPENCLAW_GATEWAY_TOKEN="+oldTok+"\n"), 0o600)) // after the load
	cs, info, err := Plan(s, Gateway, Options{Home: f.home, Getenv: func(string) (string, bool) { return "", false },
		Generate: func() (string, error) { return newTok, nil }})
	require.NoError(t, err)
	var data string
	for _, w := range cs.Writes {
		if w.Path == env {
			data = string(w.Data)
		}
	}
	require.Equal(t, "OTHER=1\nOPENCLAW_GATEWAY_TOKEN="+newTok+"\n", data, "rendered onto the bytes the snapshot read")
	p, err := Prepare(context.Background(), s, cs, info, nil)
	require.NoError(t, err)
	_, err = p.Txn.Commit(remediate.BackupMeta{Command: "rotate gateway"})
	var de *remediate.DriftError
	require.True(t, errors.As(err, &de), "%v", err)
	require.Equal(t, "OTHER=2\nOPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", read(t, env))
}

// A .env and an EnvironmentFile= in the state dir that are symlinks to
// files outside it, loaded by the gateway's unit: the rotation notes them,
// never reads through them (no read of the snapshot's follows them) and
// writes nothing outside the state dir. A ${VAR} secret that would have to
// go into such a .env is refused.
func TestPlanLinkedEnvFilesAreNotFollowedOutOfTheStateDir(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: "`+oldTok+`"}}}`)
	outEnv := f.write(t, "outside.env", "OPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", 0o600)
	outGw := f.write(t, "outside-gw.env", "OPENCLAW_GATEWAY_TOKEN="+oldTok+"\n", 0o600)
	dotenv := filepath.Join(f.state, ".env")
	gwEnv := filepath.Join(f.state, "gw.env")
	require.NoError(t, os.Symlink(outEnv, dotenv))
	require.NoError(t, os.Symlink("../outside-gw.env", gwEnv))
	f.write(t, ".config/systemd/user/openclaw-gateway.service",
		"[Service]\nEnvironmentFile=-"+dotenv+"\nEnvironmentFile="+gwEnv+"\nExecStart=/usr/bin/openclaw gateway\n", 0o644)
	before := f.outside(t)

	s := f.load(t)
	cs, info, err := Plan(s, Gateway, Options{Home: f.home, Getenv: func(string) (string, bool) { return "", false },
		Generate: func() (string, error) { return newTok, nil }})
	require.NoError(t, err)
	require.Empty(t, followed(s, dotenv, gwEnv, outEnv, outGw), "a link was followed out of the state dir")
	skipped := map[string]string{}
	for _, n := range info.Skipped {
		skipped[n.Path] = n.Why
	}
	require.Contains(t, skipped[dotenv], "is a symlink")
	require.Contains(t, skipped[gwEnv], "is a symlink")
	for _, w := range cs.Writes {
		require.NotEqual(t, dotenv, w.Path)
		require.NotEqual(t, gwEnv, w.Path)
	}
	p, err := Prepare(context.Background(), s, cs, info, nil)
	require.NoError(t, err)
	_, err = p.Txn.Commit(remediate.BackupMeta{Command: "rotate gateway"})
	require.NoError(t, err)
	require.Contains(t, string(mustRead(t, f.config)), newTok)
	require.Equal(t, before, f.outside(t), "nothing outside the state dir changed")
	fi, err := os.Lstat(dotenv)
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&os.ModeSymlink, "the link is left a link")

	t.Run("a ${VAR} secret that would go into the linked .env", func(t *testing.T) {
		require.NoError(t, os.WriteFile(f.config, []byte(`{gateway: {auth: {token: "${OPENCLAW_GATEWAY_TOKEN}"}}}`), 0o600))
		s := f.load(t)
		_, _, err := Plan(s, Gateway, Options{Home: f.home, Getenv: func(string) (string, bool) { return "", false },
			Generate: func() (string, error) { return newTok, nil }})
		require.ErrorContains(t, err, dotenv+" is a symlink; hardshell does not write through it")
		require.Empty(t, followed(s, dotenv, outEnv), "the .env link was followed out of the state dir")
		require.Equal(t, before, f.outside(t))
	})
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// An EnvironmentFile= inside the state dir that exists but cannot be read
// (here a FIFO) is never passed over in silence: rotate refuses, naming it,
// before anything is written; containment's ServiceSteps hands it back to
// be checked by hand. Outside the state dir it is a note.
func TestPlanUnreadableEnvironmentFile(t *testing.T) {
	f := newFixture(t, `{gateway: {auth: {token: "`+oldTok+`"}}}`)
	fifo := filepath.Join(f.state, "gw.env")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	outFifo := filepath.Join(f.home, "out.env")
	require.NoError(t, syscall.Mkfifo(outFifo, 0o600))
	f.write(t, ".config/systemd/user/openclaw-gateway.service",
		"[Service]\nEnvironmentFile="+fifo+"\nEnvironmentFile=-"+outFifo+"\n", 0o644)
	cfg := read(t, f.config)

	_, _, err := f.plan(t, Gateway)
	var ue *UnreadableError
	require.True(t, errors.As(err, &ue), "%v", err)
	require.Len(t, ue.Files, 1)
	require.Equal(t, fifo, ue.Files[0].Path)
	require.Contains(t, err.Error(), fifo+" is a FIFO")
	require.Contains(t, err.Error(), "nothing was written")
	require.Equal(t, cfg, read(t, f.config))

	_, _, unread := ServiceSteps(f.load(t), f.home, []string{"OPENCLAW_GATEWAY_TOKEN"}, newTok)
	require.Len(t, unread, 1)
	require.Equal(t, fifo, unread[0].Path)

	// the one inside gone, the one outside is a note and the rotation goes on
	require.NoError(t, os.Remove(fifo))
	_, info, err := f.plan(t, Gateway)
	require.NoError(t, err)
	require.Len(t, info.Skipped, 1)
	require.Equal(t, outFifo, info.Skipped[0].Path)
	require.Contains(t, info.Skipped[0].Why, "FIFO")
}
