package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// runHS runs the built binary with HOME at the state dir's parent (so
// logging.file "~/.openclaw/…" resolves inside the copy), no openclaw on
// PATH, and extra environment.
func runHS(t *testing.T, state string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(auditBinary(t), args...)
	cmd.Env = append([]string{"HOME=" + filepath.Dir(state), "PATH=/nonexistent", "NO_COLOR=1"}, env...)
	cmd.Stdin = strings.NewReader("y\n") // not a TTY: must never count as consent
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return o.String(), e.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return o.String(), e.String(), 0
}

type fileState struct {
	mode fs.FileMode
	data string
	link string
}

// snapshotTree records every path's mode, bytes and link target, except
// hardshell's own backups.
func snapshotTree(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		if rel == ".hardshell" {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		st := fileState{mode: fi.Mode()}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			st.link, _ = os.Readlink(p)
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			st.data = string(b)
		}
		out[rel] = st
		return nil
	}))
	return out
}

// fakeSecrets are the literal secrets of a fixture: string values under
// token/password/secret/key-like keys in its config files and every value in
// its .env (all fake, but they must never be printed).
func fakeSecrets(t *testing.T, state string) []string {
	t.Helper()
	var out []string
	keyRe := regexp.MustCompile(`(?i)(token|password|secret|apikey|api_key)`)
	var walk func(key string, n *model.Node)
	walk = func(key string, n *model.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case model.KindObject:
			for _, m := range n.Members {
				walk(m.Key, m.Value)
			}
		case model.KindArray:
			for _, e := range n.Elems {
				walk(key, e)
			}
		case model.KindString:
			if v := n.Text(); keyRe.MatchString(key) && len(v) >= 8 && !strings.Contains(v, "${") {
				out = append(out, v)
			}
		}
	}
	if doc, err := model.ParseFile(filepath.Join(state, "openclaw.json")); err == nil {
		walk("", doc.Root)
	}
	if env, err := os.ReadFile(filepath.Join(state, ".env")); err == nil {
		for _, v := range model.ParseDotenv(env) {
			if len(v) >= 8 {
				out = append(out, v)
			}
		}
	}
	return out
}

func stateFixtures(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(testutil.Testdata("states"))
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestFixEveryStateDir(t *testing.T) {
	for _, name := range stateFixtures(t) {
		t.Run(name, func(t *testing.T) {
			state := testutil.CopyState(t, name)
			orig := snapshotTree(t, state)
			secrets := fakeSecrets(t, state)

			// no TTY, no --yes: the review is printed, nothing is written
			out, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state)
			require.Equal(t, 0, code, errOut)
			require.Equal(t, orig, snapshotTree(t, state), "no TTY and no --yes must write nothing")
			if strings.Contains(out, "Nothing to fix automatically.") {
				return
			}
			require.Contains(t, out, "nothing written (use --yes)")

			// --dry-run writes nothing either
			dry, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state, "--dry-run")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, dry, "dry run: nothing written")
			require.Equal(t, orig, snapshotTree(t, state))

			out, errOut, code = runHS(t, state, nil, "fix", "--state-dir", state, "--yes")
			require.Equal(t, 0, code, errOut)
			require.Regexp(t, `before: \d+ critical · \d+ warn · \d+ info → after: \d+ critical · \d+ warn · \d+ info`, out)
			m := regexp.MustCompile(`hardshell restore (\S+)`).FindStringSubmatch(out)
			require.NotNil(t, m, out)
			for _, sec := range secrets {
				require.NotContains(t, out+dry+errOut, sec, "a secret was printed")
			}

			// a second run has nothing safe left
			again, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state, "--yes")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, again, "Nothing to fix automatically.")

			// restore puts every byte and mode back
			list, _, code := runHS(t, state, nil, "restore", "--state-dir", state, "--list")
			require.Equal(t, 0, code)
			require.Contains(t, list, m[1])
			show, _, code := runHS(t, state, nil, "restore", "--state-dir", state, m[1])
			require.Equal(t, 0, code)
			require.Contains(t, show, "nothing restored (use --yes)")
			res, errOut, code := runHS(t, state, nil, "restore", "--state-dir", state, m[1], "--yes")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, res, "hardshell restore ")
			require.Equal(t, orig, snapshotTree(t, state))
		})
	}
}

func TestFixLoosePermsAppliesEveryChmod(t *testing.T) {
	state := testutil.CopyState(t, "loose-perms")
	_, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state, "--yes")
	require.Equal(t, 0, code, errOut)
	for rel, want := range map[string]fs.FileMode{
		".": 0o700, "openclaw.json": 0o600, "openclaw.json.bak": 0o600, "credentials": 0o700,
		"credentials/whatsapp/default": 0o700, "credentials/whatsapp/default/creds.json": 0o600,
		"agents/work/sessions": 0o700, "agents/work/sessions/sessions.json": 0o600,
		"agents/main/sessions/35204e93-0c33-be0b-fe91-1e6b58965cb5.jsonl": 0o600,
		"agents/main/agent/auth-profiles.json":                            0o600, "logs/gateway.log": 0o600,
	} {
		require.Equal(t, want, testutil.Mode(t, filepath.Join(state, rel)), rel)
	}
	// symlinks stay links; the out-of-state targets are untouched
	fi, err := os.Lstat(filepath.Join(state, "workspace/shared"))
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&fs.ModeSymlink)
	tmp, err := os.Stat("/tmp")
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o777), tmp.Mode().Perm())
}

func TestFixRefusals(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	orig := snapshotTree(t, state)

	_, errOut, code := runHS(t, state, []string{"OPENCLAW_NIX_MODE=1"}, "fix", "--state-dir", state, "--yes")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "OPENCLAW_NIX_MODE=1")

	for _, args := range [][]string{
		{"--only", "no.such.check"},
		{"--answer", "broken"},
		{"--answer", "no.such.check.q=v"},
		{"--answer", "gateway.token_too_short.nosuchquestion=v"},
	} {
		_, errOut, code := runHS(t, state, nil, append([]string{"fix", "--state-dir", state, "--yes"}, args...)...)
		require.Equal(t, 2, code, "%v: %s", args, errOut)
		require.NotEmpty(t, errOut)
	}
	require.Equal(t, orig, snapshotTree(t, state), "refusals write nothing")

	// an unparseable config: exit 2 with file:line:col
	bad := testutil.CopyState(t, "fresh-onboard")
	cfg := filepath.Join(bad, "openclaw.json")
	require.NoError(t, os.WriteFile(cfg, []byte("{\n  gateway: { bind: \"lan\",\n"), 0o600))
	_, errOut, code = runHS(t, bad, nil, "fix", "--state-dir", bad, "--yes")
	require.Equal(t, 2, code)
	require.Regexp(t, regexp.QuoteMeta(cfg)+`:\d+:\d+`, errOut)
}

func TestFixOnlyAndGuidedAnswer(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	out, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state, "--yes", "--only", "fs.env_file.perms_readable")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "fs.env_file.perms_readable")
	require.NotContains(t, out, "discovery.mdns_full_mode —")
	require.Equal(t, fs.FileMode(0o600), testutil.Mode(t, filepath.Join(state, ".env")))
	require.Equal(t, fs.FileMode(0o640), testutil.Mode(t, filepath.Join(state, "openclaw.json")), "--only leaves other fixes alone")

	// the remaining guided findings come with a runnable command
	m := regexp.MustCompile(`hardshell fix --only (gateway\.token_too_short) --answer (\S+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	before, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	out, errOut, code = runHS(t, state, nil, "fix", "--state-dir", state, "--yes", "--only", m[1], "--answer", m[2])
	require.Equal(t, 0, code, errOut)
	after, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.NotEqual(t, string(before), string(after), out)
	require.NotContains(t, out, `pi-token-13c`)
}

// Drift between the review and the write: exit 1, nothing written.
func TestFixDriftRefused(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	cfg := filepath.Join(state, "openclaw.json")
	var edited []byte
	beforeCommit = func() {
		data, err := os.ReadFile(cfg)
		require.NoError(t, err)
		edited = append(data, []byte("// saved by the gateway meanwhile\n")...)
		require.NoError(t, os.WriteFile(cfg, edited, 0o640))
	}
	defer func() { beforeCommit = nil }()
	orig := snapshotTree(t, state)

	var out bytes.Buffer
	c := newFixCmd()
	c.SetOut(&out)
	c.SetErr(&out)
	old := global
	global.stateDir = state
	defer func() { global = old }()
	t.Setenv("HOME", filepath.Dir(state))
	t.Setenv("PATH", "/nonexistent")
	err := runFix(c, fixFlags{yes: true}, strings.NewReader(""), func() bool { return false })
	var ee *exitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, exitFindings, ee.code)
	var de *remediate.DriftError
	require.ErrorAs(t, err, &de)

	orig["openclaw.json"] = fileState{mode: orig["openclaw.json"].mode, data: string(edited)}
	require.Equal(t, orig, snapshotTree(t, state), "only the outside edit is on disk")
	sets, err := remediate.ListBackups(state)
	require.NoError(t, err)
	require.Empty(t, sets)
}

// On a TTY the answer decides.
func TestFixConfirmPrompt(t *testing.T) {
	for _, tc := range []struct {
		answer string
		writes bool
	}{{"n\n", false}, {"\n", false}, {"yes\n", true}} {
		state := testutil.CopyState(t, "open-dm-elevated")
		orig := snapshotTree(t, state)
		var out bytes.Buffer
		c := newFixCmd()
		c.SetOut(&out)
		old := global
		global.stateDir = state
		t.Setenv("HOME", filepath.Dir(state))
		t.Setenv("PATH", "/nonexistent")
		err := runFix(c, fixFlags{}, strings.NewReader(tc.answer), func() bool { return true })
		global = old
		require.NoError(t, err)
		require.Contains(t, out.String(), "Write these changes? [y/N]")
		if tc.writes {
			require.NotEqual(t, orig, snapshotTree(t, state))
			require.Contains(t, out.String(), "hardshell restore ")
		} else {
			require.Equal(t, orig, snapshotTree(t, state), "answer %q", tc.answer)
			require.Contains(t, out.String(), "nothing written")
		}
	}
}

// auditFindings runs `audit --json` on state and returns its findings.
func auditFindings(t *testing.T, state string) []model.Finding {
	t.Helper()
	out, errOut, code := runHS(t, state, nil, "audit", "--json", "--fail-on", "none", "--state-dir", state)
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Findings []model.Finding `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	return rep.Findings
}

// A finding `audit --json` reports safe is gone after `fix --yes`, on every
// state dir: the kind the front ends show is the one fix applies. Before
// issue 11 the no-era fixture reported gateway.auth_no_rate_limit and
// hooks.default_session_key_unset safe and fix left both.
func TestSafeMeansFixed(t *testing.T) {
	checked := 0
	for _, name := range stateFixtures(t) {
		t.Run(name, func(t *testing.T) {
			state := testutil.CopyState(t, name)
			var safe []string
			for _, f := range auditFindings(t, state) {
				if f.Fix == model.FixSafe {
					safe = append(safe, f.CheckID)
				}
			}
			if len(safe) == 0 {
				return
			}
			_, errOut, code := runHS(t, state, nil, "fix", "--yes", "--state-dir", state)
			require.Equal(t, 0, code, errOut)
			left := map[string]bool{}
			for _, f := range auditFindings(t, state) {
				left[f.CheckID] = true
			}
			for _, id := range safe {
				require.False(t, left[id], "%s was reported safe but fix --yes left it", id)
			}
			checked += len(safe)
			t.Logf("%s: %d safe findings, all gone after fix --yes", name, len(safe))
		})
	}
	t.Logf("%d findings reported safe, all fixed", checked)
	require.Greater(t, checked, 20)
}

// On a config hardshell cannot place in an era, the keys only 2026.7+
// accepts are advice, not safe fixes (the JSON used to say safe).
func TestNoEraConfigKeysAreAdvice(t *testing.T) {
	state := testutil.CopyState(t, "no-era-exposed")
	kinds := map[string]model.FixKind{}
	for _, f := range auditFindings(t, state) {
		kinds[f.CheckID] = f.Fix
	}
	for _, id := range []string{"gateway.auth_no_rate_limit", "hooks.default_session_key_unset", "hooks.allowed_agent_ids_unrestricted", "gateway.control_ui.allowed_origins_required"} {
		require.Equal(t, model.FixManual, kinds[id], id)
	}
}

// On a Nix-managed config (OPENCLAW_NIX_MODE=1) contain and baseline refuse
// to write, like fix, harden, rotate and config set: exit 1, every byte
// and mode as it was.
func TestNixManagedContainAndBaselineWriteNothing(t *testing.T) {
	nix := []string{"OPENCLAW_NIX_MODE=1"}
	for _, args := range [][]string{
		{"contain", "--yes", "--since", "2026-11-01T00:00:00Z"},
		{"baseline", "--merge", "--channels", "telegram", "--yes"},
	} {
		t.Run(args[0], func(t *testing.T) {
			state := testutil.CopyState(t, "lan-exposed")
			orig := snapshotTree(t, state)
			args := append(args, "--state-dir", state)
			if args[0] == "contain" {
				args = append(args, "--log-dir", t.TempDir(), "--report-dir", t.TempDir())
			}
			_, errOut, code := runHS(t, state, nix, args...)
			require.Equal(t, 1, code, errOut)
			require.Contains(t, errOut, "OPENCLAW_NIX_MODE=1")
			require.Equal(t, orig, snapshotTree(t, state))
		})
	}
}

// --answer gives only the questions that apply (issue 12): the printed
// command for the DM fix carries the policy alone, runs as printed, and an
// answer to a question that does not apply is ignored with a note; one that
// applies and is missing is named with its condition.
func TestFixAnswersOnlyWhatApplies(t *testing.T) {
	const id = "channels.telegram.dm.open"
	state := testutil.CopyState(t, "open-dm-elevated")
	out, errOut, code := runHS(t, state, nil, "fix", "--state-dir", state, "--yes")
	require.Equal(t, 0, code, errOut)
	m := regexp.MustCompile(`hardshell fix --only ` + regexp.QuoteMeta(id) + `((?: --answer \S+)+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	require.Equal(t, " --answer "+id+".policy=pairing", m[1], "pairing asks nothing more")
	elevated := regexp.MustCompile(`hardshell fix --only tools\.elevated\.allowFrom\.telegram\.wildcard((?: --answer \S+)+)`).FindStringSubmatch(out)
	require.NotNil(t, elevated, out)
	require.NotContains(t, elevated[1], ".senders=", "mode disable asks for no senders")

	args := append([]string{"fix", "--state-dir", state, "--yes", "--only", id}, strings.Fields(m[1])...)
	out, errOut, code = runHS(t, state, nil, args...)
	require.Equal(t, 0, code, "the printed command runs as printed: %s%s", out, errOut)
	cfg, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(cfg), `dmPolicy: "pairing"`)

	// the old hint's confirm_open=no with pairing: ignored, said so, applied
	state = testutil.CopyState(t, "open-dm-elevated")
	out, errOut, code = runHS(t, state, nil, "fix", "--state-dir", state, "--yes", "--only", id,
		"--answer", id+".policy=pairing", "--answer", id+".confirm_open=no", "--answer", id+".senders=*")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `note: --answer `+id+`.confirm_open ignored: asked only when policy is "open", and policy is "pairing"`)
	require.Contains(t, out, `note: --answer `+id+`.senders ignored: asked only when policy is "allowlist", and policy is "pairing"`)
	cfg, err = os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(cfg), `dmPolicy: "pairing"`)

	// allowlist asks for its senders: missing is exit 2 with the condition and the flag to add
	state = testutil.CopyState(t, "open-dm-elevated")
	orig := snapshotTree(t, state)
	_, errOut, code = runHS(t, state, nil, "fix", "--state-dir", state, "--yes", "--only", id, "--answer", id+".policy=allowlist")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `asks senders when policy is "allowlist"; add --answer `+id+`.senders=`)
	require.Equal(t, orig, snapshotTree(t, state), "nothing written")

	out, errOut, code = runHS(t, state, nil, "fix", "--state-dir", state, "--yes", "--only", id,
		"--answer", id+".policy=allowlist", "--answer", id+".senders=42")
	require.Equal(t, 0, code, errOut)
	require.NotContains(t, out, "ignored")
	cfg, err = os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(cfg), `dmPolicy: "allowlist"`)
	require.Contains(t, string(cfg), `allowFrom: ["42"]`)
}

// Two guided fixes that each store a variable in <state>/.env: both land in
// one write (each used to be a whole-file write built from the same read,
// and the last one won: the password left the config but never reached
// .env, so the gateway lost its auth).
func TestFixTwoEnvVariablesBothLand(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	require.NoError(t, os.Mkdir(state, 0o700))
	const pw, bot = "correct-horse-battery-staple-9", "123456789:AAE-fake-telegram-token-value-xyz"
	cfg := `{
  gateway: { mode: "local", bind: "loopback", auth: { mode: "password", password: "` + pw + `" } },
  channels: { telegram: { botToken: "` + bot + `", dmPolicy: "pairing" } },
}
`
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(cfg), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(state, ".env"), []byte("# mine\nOTHER=1\n"), 0o600))

	out, errOut, code := runHS(t, state, nil, "fix", "--yes", "--no-validate", "--state-dir", state,
		"--only", "config.secrets.plaintext,config.secrets.gateway_password_in_config",
		"--answer", "config.secrets.plaintext.paths=channels.telegram.botToken",
		"--answer", "config.secrets.gateway_password_in_config.paths=gateway.auth.password")
	require.Equal(t, 0, code, out+errOut)
	env, err := os.ReadFile(filepath.Join(state, ".env"))
	require.NoError(t, err)
	require.Equal(t, "# mine\nOTHER=1\nOPENCLAW_GATEWAY_PASSWORD="+pw+"\nOPENCLAW_CHANNELS_TELEGRAM_BOT_TOKEN="+bot+"\n", string(env))
	require.Equal(t, fs.FileMode(0o600), testutil.Mode(t, filepath.Join(state, ".env")))
	for _, f := range auditFindings(t, state) {
		require.NotEqual(t, model.Critical, f.Severity, "%s: %s", f.CheckID, f.Detail)
		require.NotContains(t, []string{"config.secrets.plaintext", "config.secrets.gateway_password_in_config"}, f.CheckID)
	}
	sets, err := remediate.ListBackups(state)
	require.NoError(t, err)
	require.Len(t, sets, 1, "one transaction")
}

// The steps after a fix are printed as they run; on a local target they are
// the fixes' own lines (over --host through ssh: TestRemoteFixAndRestore).
func TestFixAfterStepsLocal(t *testing.T) {
	state := testutil.CopyState(t, "guide-dangerous")
	out, stderr, code := runAuditCmd(t, "fix", "--dry-run", "--state-dir", state)
	require.Equal(t, 0, code, out+stderr)
	require.Contains(t, out, "\nCommands to run afterwards:\n"+
		"  Groups now answer only senders on groupAllowFrom (or the pairing store): add group members with `openclaw pairing approve discord <code>` or list them in groupAllowFrom.\n"+
		"  Groups now answer only senders on groupAllowFrom (or the pairing store): add group members with `openclaw pairing approve telegram <code>` or list them in groupAllowFrom.\n"+
		"  openclaw gateway restart\n")
}
