package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/sshtest"
	"github.com/hardshell/hardshell/internal/testutil"
)

// contain --yes --host contains the remote gateway: the config and .env
// there change (secrets rotated) with a backup there, the evidence comes
// from the remote (its transcripts, its gateway log, its auth profile's
// key for the redactor), the report is written there 0600 and named
// DEST:PATH, nothing is written on this machine, and restore --host undoes
// the containment. The remote state dir lives in the sshd's own mount
// namespace, so a local read cannot pass this test.
func TestRemoteContain(t *testing.T) {
	s := sshtest.Start(t)
	local := testutil.CopyState(t, "open-dm-elevated")
	// a provider key the redactor can learn only from the remote's
	// auth-profiles.json (no vendor shape, so no pattern masks it), echoed
	// by the agent in a transcript and in the gateway log of the window
	const planted = "horse-battery-staple-remote-only-7781"
	testutil.WriteFile(t, local+"/agents/main/agent/auth-profiles.json",
		[]byte(`{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"`+planted+`"}}}`), 0o600)
	transcript := "/agents/main/sessions/a418ace5-4584-776c-988d-8477da735245.jsonl"
	tdata, err := os.ReadFile(local + transcript)
	require.NoError(t, err)
	tdata = append(tdata, []byte(`{"type":"message","id":"p1","timestamp":"2026-11-10T10:06:00.000Z","message":{"role":"assistant","content":[{"type":"toolCall","id":"toolu_planted","name":"exec","arguments":{"command":"echo `+planted+` > /tmp/k"}}]}}`+"\n")...)
	testutil.WriteFile(t, local+transcript, tdata, 0o600)

	sd := s.Home + "/.openclaw"
	s.CopyIn(t, local, sd)
	logs := s.Home + "/gateway-logs"
	s.WriteFile(t, logs+"/openclaw-2026-11-10.log", []byte(`{"time":"2026-11-10T10:05:00Z","level":"info","tool":"exec","msg":"tool exec: cat key `+planted+`"}`+"\n"), 0o600)
	origCfg, origEnv := s.ReadFile(t, sd+"/openclaw.json"), s.ReadFile(t, sd+"/.env")
	oldToken := strings.TrimPrefix(strings.TrimSpace(string(origEnv)), "OPENCLAW_GATEWAY_TOKEN=")
	const botToken = "7000000001:AAFakeFakeFakeFakeFakeFakeFakeFake999"

	out, stderr, code := runRemoteCmd(t, s, "contain", "--yes", "--host", s.Dest, "--since", "2026-11-01T00:00:00Z", "--log-dir", logs)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)

	// the containment and the rotation are on the remote
	cfg, env := string(s.ReadFile(t, sd+"/openclaw.json")), string(s.ReadFile(t, sd+"/.env"))
	require.NotEqual(t, string(origCfg), cfg)
	require.NotContains(t, cfg, `dmPolicy: "open"`)
	require.Contains(t, cfg, `dmPolicy: "disabled"`)
	require.NotContains(t, env, oldToken, "the gateway token was rotated in the remote .env")
	newToken := strings.TrimPrefix(strings.TrimSpace(env), "OPENCLAW_GATEWAY_TOKEN=")
	require.Len(t, newToken, 48)
	require.Equal(t, "600\n600\n", s.Run(t, `stat -c %a ~/.openclaw/openclaw.json ~/.openclaw/.env`), "modes kept")
	require.Contains(t, s.Run(t, `cat ~/.openclaw/.hardshell/backups/*/manifest.json`), `"committed"`)

	// the report: on the remote, where a local run writes it, named DEST:PATH
	m := regexp.MustCompile(`report: ` + regexp.QuoteMeta(s.Dest) + `:(\S+)\n\s+` + regexp.QuoteMeta(s.Dest) + `:(\S+)`).FindStringSubmatch(out)
	require.Len(t, m, 3, out)
	require.True(t, strings.HasPrefix(m[1], sd+"/.hardshell/incidents/"), m[1])
	require.Equal(t, "600\n600\n700\n", s.Run(t, `stat -c %a `+sshtest.Quote(m[1])+` `+sshtest.Quote(m[2])+` `+sshtest.Quote(m[1][:strings.LastIndex(m[1], "/")])))
	md := string(s.ReadFile(t, m[1]))
	require.Contains(t, md, sd+transcript, "the remote's transcript was reviewed")
	require.Contains(t, md, logs+"/openclaw-2026-11-10.log", "the remote's gateway log was read")
	require.Contains(t, md, "echo ", "the planted call is in the report")
	require.Contains(t, md, "Gateway host: linux/")
	for _, p := range m[1:] {
		data := string(s.ReadFile(t, p))
		for _, sec := range []string{planted, oldToken, newToken, botToken} {
			require.NotContains(t, data, sec, "%s leaks a secret", p)
		}
	}
	for _, sec := range []string{planted, oldToken, newToken, botToken} {
		require.NotContains(t, out+stderr, sec, "the output never shows a secret")
	}
	require.Contains(t, out, "restart the gateway on "+s.Dest+": "+s.SSHCommand+" -t "+s.Dest+" 'openclaw gateway restart'")

	// nothing was written on this machine
	_, err = os.Stat(sd)
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = os.Stat(local + "/.hardshell")
	require.ErrorIs(t, err, os.ErrNotExist)

	id := regexp.MustCompile(`backup: (\S+)`).FindStringSubmatch(out)
	require.Len(t, id, 2, out)
	require.Contains(t, out, "undo with: hardshell restore "+id[1]+" --host "+s.Dest)
	require.Contains(t, md, "(undo: hardshell restore "+id[1]+" --host "+s.Dest+")\n", "the report's undo acts on the same remote")
	rout, rerr, rcode := runRemoteCmd(t, s, "restore", id[1], "--yes", "--host", s.Dest)
	require.Equal(t, 0, rcode, rout+rerr)
	require.Equal(t, string(origCfg), string(s.ReadFile(t, sd+"/openclaw.json")), "restore --host undoes the containment")
	require.Equal(t, string(origEnv), string(s.ReadFile(t, sd+"/.env")), "and the rotation")
}

// The wizard over --host offers every flow, containment and token rotation
// included, and its containment runs on the remote: the evidence from the
// remote's transcripts, the change and its backup there, the report there
// and named DEST:PATH, nothing written here, no secret on the screen.
func TestRemoteWizardContains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	s := sshtest.Start(t)
	local := testutil.CopyState(t, "open-dm-elevated")
	const planted = "horse-battery-staple-remote-only-7781"
	testutil.WriteFile(t, local+"/agents/main/agent/auth-profiles.json",
		[]byte(`{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"`+planted+`"}}}`), 0o600)
	// a risky call an hour ago, inside the flow's default 24-hour window
	stamp := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	testutil.WriteFile(t, local+"/agents/main/sessions/recent.jsonl",
		[]byte(`{"type":"message","id":"p1","timestamp":"`+stamp+`","message":{"role":"assistant","content":[{"type":"toolCall","id":"toolu_planted","name":"exec","arguments":{"command":"echo `+planted+`"}}]}}`+"\n"), 0o600)
	sd := s.Home + "/.openclaw"
	s.CopyIn(t, local, sd)
	orig := s.ReadFile(t, sd+"/openclaw.json")

	tm := startPTYEnv(t, []string{"HARDSHELL_SSH_COMMAND=" + s.SSHCommand}, hardshellBin(t), "--host", s.Dest)
	tm.waitFor("Harden this gateway")
	for _, flow := range []string{"Incident containment", "Rotate tokens"} {
		require.Contains(t, tm.text(), flow, "offered over --host")
	}
	tm.send("j")
	tm.send("j")
	tm.send("\r")
	tm.waitFor("Risky DMs")
	tm.send("\r")
	tm.waitFor("contain now")
	tm.send("y")
	waitSlow(tm, "Contained.", 90*time.Second) // the write, re-audit and evidence all go over ssh
	tm.waitFor("1 risky tool call(s)")
	tm.waitFor("(on " + s.Dest + ")")
	tm.send("q")
	tm.wait()
	text := tm.text()
	require.NotContains(t, text, planted, "the key only the remote's auth profile holds is masked on screen")
	m := regexp.MustCompile(`Incident report: ` + regexp.QuoteMeta(s.Dest) + `:(\S+/report\.md)`).FindStringSubmatch(text)
	require.Len(t, m, 2, text)
	require.True(t, strings.HasPrefix(m[1], sd+"/.hardshell/incidents/"), m[1])
	require.Contains(t, text, s.SSHCommand+" -t "+s.Dest+" 'openclaw gateway restart'")

	require.Equal(t, "600\n", s.Run(t, `stat -c %a `+sshtest.Quote(m[1])))
	md := string(s.ReadFile(t, m[1]))
	require.Contains(t, md, sd+"/agents/main/sessions/recent.jsonl:1", "the remote's transcript is the evidence")
	require.NotContains(t, md, planted)
	cfg := string(s.ReadFile(t, sd+"/openclaw.json"))
	require.NotEqual(t, string(orig), cfg)
	require.Contains(t, cfg, `dmPolicy: "disabled"`)
	require.Contains(t, s.Run(t, `cat ~/.openclaw/.hardshell/backups/*/manifest.json`), `"committed"`)
	_, err := os.Stat(sd)
	require.ErrorIs(t, err, os.ErrNotExist, "nothing was written on this machine")
}

// waitSlow is tm.waitFor with a longer deadline, for a step that does
// many round trips over ssh on a loaded machine.
func waitSlow(tm *ptyTerm, text string, d time.Duration) {
	tm.t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if s := tm.text(); strings.Contains(s[min(tm.mark, len(s)):], text) {
			break
		}
	}
	tm.waitFor(text)
}

// The 2026.9 state DB is evidence too: over --host its snapshot is read
// from the remote (the main file and its WAL over SFTP), and a dry run
// writes only the report, on the remote.
func TestRemoteContainReadsStateDB(t *testing.T) {
	s := sshtest.Start(t)
	const planted = "sk-proj-FAKEincidentFAKEincidentFAKE0123456789abcd"
	local, t0 := testutil.CopyAccessState(t, "modern-incident")
	sd := s.Home + "/.openclaw"
	s.CopyIn(t, local, sd)
	listing := func() string {
		return s.Run(t, `cd ~/.openclaw && find . -mindepth 1 -path ./.hardshell -prune -o -print0 | sort -z | xargs -0 stat -c '%n %a %s %Y'`)
	}
	before := listing()

	out, stderr, code := runRemoteCmd(t, s, "contain", "--dry-run", "--host", s.Dest, "--since", t0.Add(-4*time.Hour).Format(time.RFC3339), "--log-dir", s.Home+"/no-logs")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	require.Contains(t, out, "dry run: the config was not changed")
	require.Regexp(t, `state DB: 1[0-9] audit event\(s\), [0-9]+ inbound message\(s\) in the window`, out)
	require.NotContains(t, out+stderr, planted)
	m := regexp.MustCompile(`report: ` + regexp.QuoteMeta(s.Dest) + `:(\S+)`).FindStringSubmatch(out)
	require.Len(t, m, 2, out)
	md := string(s.ReadFile(t, m[1]))
	require.Contains(t, md, "The gateway's own records (state DB)")
	require.NotContains(t, md, planted)
	// an approval's undo acts on the same remote, as printed and in the report
	undo := "hardshell access device remove 5ac43ee208f0 --host " + s.Dest
	require.Contains(t, out, "    undo: "+undo+"\n")
	require.Contains(t, out, "    undo: hardshell access revoke telegram <sender> --account default --host "+s.Dest+"\n")
	require.Contains(t, md, "undo: `"+undo+"`")
	require.Equal(t, before, listing(), "a dry run changes nothing but the report folder")
	require.Equal(t, ".hardshell\n", s.Run(t, `ls -A ~/.openclaw | grep hardshell`))
	_, err := os.Stat(sd)
	require.ErrorIs(t, err, os.ErrNotExist)
}
