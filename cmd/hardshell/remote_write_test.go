package main

import (
	"bytes"
	"errors"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/internal/sshtest"
)

// runRemoteEnv is runRemoteCmd with extra variables in this machine's
// environment.
func runRemoteEnv(t *testing.T, s *sshtest.Server, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(auditBinary(t), args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "NO_COLOR=1", "HARDSHELL_SSH_COMMAND=" + s.SSHCommand}, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// rotate --host: the new token is written on the remote with a remote
// backup; the remote's service unit and a transcript holding the old token
// are found and updated (their folders are listed over SFTP, not on this
// machine); modes are kept; the live check goes to the remote's loopback
// (nothing listens there) and not to this machine's listener on the same
// port; restore --host puts the config back.
func TestRemoteRotate(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithOwnNetwork())
	local, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer local.Close()
	go serveLocal(local)
	port := local.Addr().(*net.TCPAddr).Port

	const old = "0ld-remote-gateway-token-8e2f4a6c1b3d5e7f9a0b"
	sd := s.Home + "/.openclaw"
	cfg := `{gateway: {mode: "local", bind: "loopback", port: ` + strconv.Itoa(port) + `, auth: {mode: "token", token: "` + old + `"}}}`
	s.WriteFile(t, sd+"/openclaw.json", []byte(cfg), 0o600)
	s.Run(t, `chmod 700 ~/.openclaw`)
	unit := s.Home + "/.config/systemd/user/openclaw-gateway.service"
	s.WriteFile(t, unit, []byte("[Service]\nExecStart=/usr/bin/openclaw gateway run\nEnvironment=\"OPENCLAW_GATEWAY_TOKEN="+old+"\"\n"), 0o644)
	transcript := sd + "/agents/main/sessions/s1.jsonl"
	s.WriteFile(t, transcript, []byte(`{"role":"user","content":"my token is `+old+`"}`+"\n"), 0o600)

	out, stderr, code := runRemoteCmd(t, s, "rotate", "gateway", "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	require.NotContains(t, out+stderr, old)
	require.Contains(t, out, "what applies on "+s.Dest)
	require.Contains(t, out, "gateway not reachable on 127.0.0.1:"+strconv.Itoa(port), "the remote's loopback was probed, not this machine's listener")

	newCfg := string(s.ReadFile(t, sd+"/openclaw.json"))
	require.NotContains(t, newCfg, old)
	require.Contains(t, out, unit+", line 3", "the remote's service unit was found (listed over SFTP) and named as a step for the operator")
	require.Contains(t, string(s.ReadFile(t, unit)), old, "outside the state dir nothing is changed")
	require.NotContains(t, string(s.ReadFile(t, transcript)), old, "the remote's transcript was swept")
	require.Equal(t, "600\n600\n600\n", s.Run(t, `stat -c %a `+sshtest.Quote(sd+"/openclaw.json")+` `+sshtest.Quote(transcript)+` `+sshtest.Quote(sd+"/.env")))
	require.Contains(t, s.Run(t, `cat ~/.openclaw/.hardshell/backups/*/manifest.json`), `"committed"`)
	require.Equal(t, "", s.Run(t, `cat ~/.openclaw/.hardshell/lock && flock -n ~/.openclaw/.hardshell/lock true`), "the lock is released")

	id := strings.Fields(out[strings.Index(out, "backup ")+len("backup "):])[0]
	require.Contains(t, out, "undo: hardshell restore "+id+" --host "+s.Dest, "follow-up commands act on the same remote")
	out, stderr, code = runRemoteCmd(t, s, "restore", id, "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	require.Equal(t, cfg, string(s.ReadFile(t, sd+"/openclaw.json")))
}

// config get/set --host read and write the remote config (remote backup,
// mode kept); OPENCLAW_NIX_MODE is the remote's: set there it refuses, set
// only on this machine it does not.
func TestRemoteConfig(t *testing.T) {
	s := sshtest.Start(t)
	sd := s.Home + "/.openclaw"
	cfg := "// the operator's note\n{gateway: {mode: \"local\", bind: \"loopback\", port: 18789}}\n"
	s.WriteFile(t, sd+"/openclaw.json", []byte(cfg), 0o640)
	s.Run(t, `chmod 700 ~/.openclaw`)

	out, stderr, code := runRemoteCmd(t, s, "config", "get", "gateway.port", "--host", s.Dest)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "18789", strings.TrimSpace(out))

	out, stderr, code = runRemoteEnv(t, s, []string{"OPENCLAW_NIX_MODE=1"}, "config", "set", "gateway.port", "18800", "--host", s.Dest)
	require.Equal(t, 0, code, "this machine's OPENCLAW_NIX_MODE says nothing about the remote:\n%s\n%s", out, stderr)
	got := string(s.ReadFile(t, sd+"/openclaw.json"))
	require.Contains(t, got, "18800")
	require.Contains(t, got, "// the operator's note", "comments kept")
	require.Equal(t, "640\n", s.Run(t, `stat -c %a ~/.openclaw/openclaw.json`), "mode kept")
	require.Contains(t, out, "backup ")
	require.Contains(t, s.Run(t, `cat ~/.openclaw/.hardshell/backups/*/manifest.json`), `"committed"`)
}

// OPENCLAW_NIX_MODE=1 in the remote's environment: config set and rotate
// refuse over --host, and nothing is written there.
func TestRemoteNixMode(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithEnv("OPENCLAW_NIX_MODE", "1"))
	sd := s.Home + "/.openclaw"
	cfg := `{gateway: {mode: "local", bind: "loopback", auth: {mode: "token", token: "nix-managed-token-1f2e3d4c5b6a79881726"}}}`
	s.WriteFile(t, sd+"/openclaw.json", []byte(cfg), 0o600)
	before := s.Run(t, `find ~ | sort`)
	for _, args := range [][]string{
		{"config", "set", "gateway.port", "18800"},
		{"rotate", "gateway", "--yes"},
		{"fix", "--yes"},
	} {
		out, stderr, code := runRemoteCmd(t, s, append(args, "--host", s.Dest)...)
		require.Equal(t, 1, code, "%v\n%s\n%s", args, out, stderr)
		require.Contains(t, stderr, "OPENCLAW_NIX_MODE=1", args)
	}
	require.Equal(t, cfg, string(s.ReadFile(t, sd+"/openclaw.json")))
	require.Equal(t, before, s.Run(t, `find ~ | sort`), "nothing was written on the remote")
}

// rules and baseline over --host write the remote's files through the
// remote transaction; a relative -o is refused (it would name a local
// path); contain refuses with what to run instead.
func TestRemoteRulesAndBaseline(t *testing.T) {
	s := sshtest.Start(t)
	sd := s.Home + "/.openclaw"
	s.WriteFile(t, sd+"/openclaw.json", []byte(`{gateway: {mode: "local", bind: "loopback"}}`), 0o600)
	s.Run(t, `chmod 700 ~/.openclaw`)
	s.WriteFile(t, sd+"/workspace/AGENTS.md", []byte("Use absolute file paths in tool calls.\n"), 0o644)

	out, stderr, code := runRemoteCmd(t, s, "rules", "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	agents := string(s.ReadFile(t, sd+"/workspace/AGENTS.md"))
	require.True(t, strings.HasPrefix(agents, "Use absolute file paths in tool calls.\n\n## Security rules\n"), agents)
	require.Equal(t, "644\n", s.Run(t, `stat -c %a ~/.openclaw/workspace/AGENTS.md`), "mode kept")
	out, _, code = runRemoteCmd(t, s, "rules", "--host", s.Dest)
	require.Equal(t, 0, code)
	require.Regexp(t, `agent main: all [0-9]+ rules present`, out, "the remote workspace is read again: complete now")

	_, stderr, code = runRemoteCmd(t, s, "baseline", "--yes", "-o", "relative.json", "--host", s.Dest)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "absolute remote path")

	before := string(s.ReadFile(t, sd+"/openclaw.json"))
	out, stderr, code = runRemoteCmd(t, s, "baseline", "--yes", "--host", s.Dest)
	require.Equal(t, 2, code, "an existing config is not replaced without --force/--merge:\n%s\n%s", out, stderr)
	require.Contains(t, stderr, sd+"/openclaw.json exists")
	out, stderr, code = runRemoteCmd(t, s, "baseline", "--yes", "--force", "--host", s.Dest)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	after := string(s.ReadFile(t, sd+"/openclaw.json"))
	require.NotEqual(t, before, after)
	require.Equal(t, "600\n", s.Run(t, `stat -c %a ~/.openclaw/openclaw.json`))
	require.Contains(t, out, "--host "+s.Dest, "the undo command acts on the same remote")
	ssh := s.SSHCommand + " -t " + cmdline.Quote(s.Dest) + " "
	require.Contains(t, out, "next: "+ssh+"'openclaw config validate'; hardshell audit --host "+s.Dest+"; "+ssh+"'openclaw gateway restart'\n",
		"OpenClaw's commands run on the gateway's machine")
	require.Contains(t, s.Run(t, `find ~/.openclaw/.hardshell/backups -path '*/files/*' -type f -exec cat {} +`), before, "the replaced config is in the remote backup set")
}
