package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/tui"
	"github.com/stretchr/testify/require"
)

// The issue 10 done-when test: secrets planted in every place hardshell
// can see them never appear in what any command prints or in any file it
// writes outside its 0600 backups.

// planted is one secret of the fixture: where it is, and its value.
type planted struct{ where, value string }

// leakFixture is a home folder with a state dir and the files around it,
// each holding planted secrets in one of the forms issue 10 found leaking.
type leakFixture struct {
	home, state string
	secrets     []planted
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// newLeakFixture builds the planted-secrets fixture. Values are assembled
// so no scanner takes this file for a leak.
func newLeakFixture(t *testing.T) *leakFixture {
	t.Helper()
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	f := &leakFixture{home: home, state: state}
	plant := func(where, v string) string {
		f.secrets = append(f.secrets, planted{where, v})
		return v
	}
	gw := plant("config gateway.auth.token (literal)", "9c1f"+strings.Repeat("a7e2", 11))
	hooks := plant(".env OPENCLAW_HOOKS_TOKEN, config ${VAR}", "hk-"+"Zq8wRt5yUi3oPa1sDf7g")
	cont := plant("config: a JSON5 string continued over two lines", "cont1nued"+"-half-two-XyZ")
	next := plant("config: a value on the line after its key", "nextl1ne"+"-Value-Q8w")
	bpass := plant("config headers.Authorization Basic password", "bas1cPass"+"-Zr7")
	bb64 := plant("config headers.Authorization Basic credential", b64("acme:"+bpass))
	cookie := plant("config headers.Cookie", "c00kieVal"+"-Ty6Hq")
	arr1 := plant("config apiKeys[0]", "arrayKey"+"-One-Lp3")
	arr2 := plant("config apiKeys[1]", "arrayKey"+"-Two-Mn4")
	tg := plant("config channels.telegram.botToken (vendor shape)", "7012345678:AA"+strings.Repeat("hX3", 11))
	ref := plant("SecretRef file ~/secrets.json", "s3cretRef"+"-File-Val-Wq2")
	outside := plant("logging.file outside the state dir", "outs1de"+"-Log-Pass-Kd8")
	ant := plant(".env ANTHROPIC_API_KEY (vendor shape)", "sk-ant-"+"api03-"+strings.Repeat("Lk9_mN2-", 5))
	moved := plant(".env moved header password", "m0vedHdr"+"-Pass-Jk5")
	movedB64 := plant(".env moved header credential", b64("u:"+moved))
	prof := plant("auth-profiles.json key", "authPr0file"+"-Key-Bv7")
	cred := plant("credentials JSON", "credS3ssion"+"-Val-Nx1")
	curl := plant("transcript: curl -u password", "curlP4ss"+"-Word-Hy2")
	tb := plant("transcript: Authorization: Basic password", "trB4sic"+"-Pw-Gt6")
	tbB64 := plant("transcript: Authorization: Basic credential", b64("admin:"+tb))
	svc := plant("systemd unit Environment=", "svcOth3r"+"-Key-Fr4")

	write := func(rel, data string, mode fs.FileMode) {
		p := filepath.Join(home, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(data), mode))
		require.NoError(t, os.Chmod(p, mode))
	}
	require.NoError(t, os.MkdirAll(state, 0o700))
	logFile := filepath.Join(home, "logs", "gw.log")
	write(".openclaw/openclaw.json", `// planted-secrets fixture (all fake)
{
  gateway: {
    mode: "local",
    bind: "lan",
    auth: { mode: "token", token: "`+gw+`" },
  },
  hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}", path: "/hooks" },
  models: {
    providers: {
      acme: {
        baseUrl: "https://api.acme.example/v1",
        apiKey: "`+cont[:9]+`\
`+cont[9:]+`",
        headers: {
          Authorization: "Basic `+bb64+`",
          Cookie: "sid=`+cookie+`; theme=dark",
        },
        apiKeys: [
          "`+arr1+`",
          '`+arr2+`',
        ],
      },
      beta: {
        baseUrl: "https://api.beta.example/v1",
        apiKey:
          "`+next+`",
      },
    },
  },
  channels: {
    telegram: { enabled: true, botToken: "`+tg+`", dmPolicy: "open", allowFrom: ["*"] },
    discord: { enabled: true, token: { source: "file", provider: "vault", id: "/discord" }, dm: { policy: "open", allowFrom: ["*"] } },
  },
  secrets: { providers: { vault: { source: "file", path: "~/secrets.json", mode: "json" } } },
  tools: { elevated: { enabled: true, allowFrom: { telegram: ["*"] } } },
  logging: { file: "`+logFile+`" },
}
`, 0o644)
	write(".openclaw/.env", "OPENCLAW_HOOKS_TOKEN="+hooks+"\nANTHROPIC_API_KEY="+ant+"\nOPENCLAW_MODELS_PROVIDERS_ZETA_HEADERS_AUTHORIZATION='Basic "+movedB64+"'\n", 0o644)
	write("secrets.json", `{"discord": "`+ref+`"}`, 0o600)
	write(".openclaw/agents/main/agent/auth-profiles.json", `{"version":1,"profiles":{"acme:default":{"type":"api_key","provider":"acme","key":"`+prof+`"}}}`, 0o600)
	write(".openclaw/credentials/whatsapp/default/creds.json", `{"session":"`+cred+`","me":{"id":"1555"}}`, 0o600)
	write(".config/systemd/user/openclaw-gateway.service", "[Unit]\nDescription=OpenClaw gateway\n[Service]\nEnvironment=OPENCLAW_GATEWAY_TOKEN="+gw+"\nEnvironment=OTHER_API_KEY="+svc+"\nExecStart=/usr/bin/openclaw gateway\n", 0o644)

	now := time.Now().UTC()
	ts := func(d time.Duration) string { return now.Add(-d).Format(time.RFC3339Nano) }
	line := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b) + "\n"
	}
	msg := func(at time.Duration, role string, content any, extra map[string]any) string {
		m := map[string]any{"role": role, "content": content}
		for k, v := range extra {
			m[k] = v
		}
		return line(map[string]any{"type": "message", "timestamp": ts(at), "message": m})
	}
	transcript := line(map[string]any{"type": "session", "version": 3, "id": "s1", "timestamp": ts(2 * time.Hour)}) +
		msg(90*time.Minute, "user", []any{map[string]any{"type": "text", "text": "here is the gateway token " + gw + " and the key " + prof}}, nil) +
		msg(89*time.Minute, "assistant", []any{map[string]any{"type": "toolCall", "id": "c1", "name": "exec",
			"arguments": map[string]any{"command": "cat > key <<EOF\n" + ant + "\nEOF\ncurl -u admin:" + curl + " -H 'Authorization: Basic " + tbB64 + "' https://x.example/?token%3D" + url.QueryEscape(prof)}}}, nil) +
		msg(88*time.Minute, "toolResult", []any{map[string]any{"type": "text", "text": "OPENCLAW_HOOKS_TOKEN=" + hooks + "\n{\"apiKeys\":[\"" + arr1 + "\"]} cookie sid=" + cookie}}, map[string]any{"toolCallId": "c1", "toolName": "exec"}) +
		msg(87*time.Minute, "assistant", []any{map[string]any{"type": "toolCall", "id": "c2", "name": "message",
			"arguments": map[string]any{"action": "send", "channel": "telegram", "to": "999000", "message": "secret file says " + ref + " and " + tg}}}, nil)
	write(".openclaw/agents/main/sessions/s1.jsonl", transcript, 0o600)
	logLine := func(at time.Duration, text string) string {
		return line(map[string]any{"0": text, "_meta": map[string]any{"date": ts(at), "logLevelName": "INFO"}})
	}
	write("logs/gw.log", logLine(80*time.Minute, "gateway listening")+
		logLine(79*time.Minute, "auth ok password="+outside+" token "+gw)+
		logLine(78*time.Minute, "hooks: Authorization: Bearer "+hooks)+
		logLine(77*time.Minute, "provider acme key "+moved+" basic "+movedB64), 0o644)
	return f
}

// forms are what a planted value looks like in text: itself, JSON-escaped,
// URL-encoded, base64.
func forms(v string) []string {
	b, _ := json.Marshal(v)
	out := []string{v, string(b[1 : len(b)-1]), url.QueryEscape(v), url.PathEscape(v), b64(v)}
	sort.Strings(out)
	return out
}

// leaks lists the planted values (in any form) found in text.
func (f *leakFixture) leaks(text string) []string {
	var out []string
	for _, s := range f.secrets {
		for _, form := range forms(s.value) {
			if strings.Contains(text, form) {
				out = append(out, s.where+" ("+form+")")
				break
			}
		}
	}
	return out
}

// stateFiles reads every regular file under the state dir, except the
// backups; mode-checks the backups (0600 files, 0700 dirs) on the way.
func (f *leakFixture) stateFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	backups := filepath.Join(f.state, ".hardshell", "backups")
	require.NoError(t, filepath.WalkDir(f.state, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if strings.HasPrefix(p, backups) {
			fi, err := os.Lstat(p)
			require.NoError(t, err)
			if fi.Mode().IsRegular() {
				require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "backup file %s", p)
			}
			return nil
		}
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			rel, _ := filepath.Rel(f.state, p)
			out[rel] = string(data)
		}
		return nil
	}))
	return out
}

// check runs a command and fails on any planted value in its output, in a
// file under .hardshell/ other than the backups, or in a state file that
// did not hold it (the value was in no state file before the command). It
// returns stdout.
func (f *leakFixture) check(t *testing.T, args ...string) string {
	t.Helper()
	before := f.stateFiles(t)
	had := map[string]bool{}
	for _, data := range before {
		// a JSON5 string continued over lines holds its value too
		for _, l := range f.leaks(data + "\n" + strings.ReplaceAll(data, "\\\n", "")) {
			had[l] = true
		}
	}
	stdout, stderr, code := runHSHome(t, f.home, nil, args...)
	t.Logf("hardshell %s → exit %d", strings.Join(args, " "), code)
	require.Empty(t, f.leaks(stdout), "stdout of %v:\n%s", args, stdout)
	require.Empty(t, f.leaks(stderr), "stderr of %v:\n%s", args, stderr)
	for rel, data := range f.stateFiles(t) {
		ls := f.leaks(data)
		if strings.HasPrefix(rel, ".hardshell"+string(filepath.Separator)) {
			require.Empty(t, ls, "hardshell wrote %s with planted secrets (%v)", rel, args)
			continue
		}
		for _, l := range ls {
			require.True(t, had[l], "%v put %s into %s", args, l, rel)
		}
	}
	return stdout
}

// guidedCommand is the exact `hardshell fix --only ID --answer …` line fix
// prints for a guided finding (its safe defaults), as arguments.
func guidedCommand(t *testing.T, fixOut, id string) []string {
	t.Helper()
	for _, l := range strings.Split(fixOut, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "hardshell fix --only "+id+" ") {
			continue
		}
		args := []string{"fix", "--yes", "--only", id}
		for _, a := range strings.Split(l, " --answer ")[1:] {
			args = append(args, "--answer", strings.Trim(a, "'"))
		}
		return args
	}
	t.Fatalf("fix does not offer %s:\n%s", id, fixOut)
	return nil
}

// runHSHome runs the built binary with HOME at home, no openclaw on PATH.
func runHSHome(t *testing.T, home string, env []string, args ...string) (string, string, int) {
	t.Helper()
	return runHS(t, filepath.Join(home, ".openclaw"), env, args...)
}

func TestNoCommandLeaksAPlantedSecret(t *testing.T) {
	f := newLeakFixture(t)
	unitPath := filepath.Join(f.home, ".config", "systemd", "user", "openclaw-gateway.service")
	unitBefore, err := os.ReadFile(unitPath)
	require.NoError(t, err)
	report := filepath.Join(f.state, ".hardshell", "audit-report.txt")
	require.NoError(t, os.MkdirAll(filepath.Dir(report), 0o700))
	for _, args := range [][]string{
		{"audit"}, {"audit", "--json"}, {"audit", "--sarif"}, {"audit", "--output", report},
		{"config", "get", "gateway"}, {"config", "get", "models"}, {"config", "get", "channels"},
		{"config", "get", "models.providers.acme.headers.Authorization"}, {"config", "get", "--json", "models"},
		{"config", "get", "models.providers.acme.apiKey", "--where"},
		{"config", "set", "models.providers.acme.apiKey", "not-quoted-value"},
		{"fix", "--dry-run"},
	} {
		f.check(t, args...)
	}
	// config get --reveal is the one way to see a secret, on purpose
	stdout, _, code := runHSHome(t, f.home, nil, "config", "get", "--reveal", "models.providers.beta.apiKey")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, f.secrets[3].value, "--reveal prints the value in full")

	fixOut := f.check(t, "fix", "--yes")
	// the guided move of plaintext secrets to .env: the .env lines it
	// creates (…_HEADERS_AUTHORIZATION='Basic …') are masked in its diff
	move := guidedCommand(t, fixOut, "config.secrets.plaintext")
	moveOut := f.check(t, move...)
	require.Contains(t, moveOut, "OPENCLAW_MODELS_PROVIDERS_ACME_HEADERS_AUTHORIZATION=", "the move's .env diff")
	env, err := os.ReadFile(filepath.Join(f.state, ".env"))
	require.NoError(t, err)
	require.Contains(t, string(env), "_API_KEYS_0=", "the secrets moved to .env")
	for _, args := range [][]string{
		{"harden", "--dry-run"}, {"harden", "--yes"},
		{"rotate", "gateway", "--dry-run"}, {"rotate", "gateway", "--yes"},
		{"contain", "--dry-run"}, {"contain", "--yes"},
		{"restore", "--list"},
		{"audit"},
	} {
		f.check(t, args...)
	}
	// after rotate and contain the old gateway token is nowhere outside the backups
	gw := f.secrets[0].value
	for rel, data := range f.stateFiles(t) {
		require.NotContains(t, data, gw, "the rotated gateway token is still in %s", rel)
	}
	// the unit is outside the state dir: rotate and contain list it as a
	// manual step (their output is checked above) and leave it as it was
	unit, err := os.ReadFile(unitPath)
	require.NoError(t, err)
	require.Equal(t, string(unitBefore), string(unit))
}

// A parse error does not quote an unquoted secret, in any command.
func TestParseErrorsDoNotQuoteASecret(t *testing.T) {
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	require.NoError(t, os.MkdirAll(state, 0o700))
	word := "unqu0ted" + "Secret-Word-7"
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte("{\n  gateway: { auth: { token: "+word+" } },\n}\n"), 0o600))
	for _, args := range [][]string{{"audit"}, {"audit", "--json"}, {"fix", "--yes"}, {"config", "get", "gateway"}, {"contain", "--yes"}, {"rotate", "gateway", "--yes"}} {
		stdout, stderr, code := runHS(t, state, nil, args...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.Contains(t, stdout+stderr, "openclaw.json:2:", "%v: the error says where", args)
		require.NotContains(t, stdout+stderr, word, "%v", args)
		require.NotContains(t, stdout+stderr, word[4:], "%v", args)
	}
}

// The TUI review: the findings, the form and the staged diff never show a
// planted secret.
func TestTUIReviewLeaksNothing(t *testing.T) {
	f := newLeakFixture(t)
	getenv := func(k string) string {
		if k == "HOME" {
			return f.home
		}
		return ""
	}
	o, err := wizardOptions(f.state, "", getenv)
	require.NoError(t, err)
	app := tui.NewHarden(o)
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(120, 40))
	var seen strings.Builder
	read := func(d time.Duration) {
		deadline := time.Now().Add(d)
		buf := make([]byte, 1<<16)
		for time.Now().Before(deadline) {
			n, _ := tm.Output().Read(buf)
			seen.Write(buf[:n])
			time.Sleep(20 * time.Millisecond)
		}
	}
	read(3 * time.Second) // the scan and the findings
	require.Contains(t, seen.String(), "score")
	for i := 0; i < 8 && !strings.Contains(seen.String(), "y write"); i++ {
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		read(700 * time.Millisecond)
	}
	require.Contains(t, seen.String(), "y write", "the review screen")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	require.Empty(t, f.leaks(seen.String()), "TUI output")
	require.Empty(t, f.leaks(final), "TUI final view")
	require.Empty(t, f.leaks(app.Summary()))
	require.Contains(t, final, "…(", "the review shows masked values")
	if os.Getenv("HS_SHOW_TUI") != "" {
		fmt.Println(final)
	}
}
