package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// auditSevere runs the real `hardshell audit --json` and returns the
// critical and warn check ids.
func auditSevere(t *testing.T, stateDir string) []string {
	t.Helper()
	out, errOut, _ := runAuditCmd(t, "audit", "--json", "--state-dir", stateDir)
	var rep struct {
		Findings []struct {
			CheckID  string `json:"checkId"`
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), errOut)
	var bad []string
	for _, f := range rep.Findings {
		if f.Severity == "critical" || f.Severity == "warn" {
			bad = append(bad, f.Severity+" "+f.CheckID)
		}
	}
	return bad
}

var baselineHex48 = regexp.MustCompile(`[0-9a-f]{48}`)

func TestBaselineCommandWritesAuditCleanConfig(t *testing.T) {
	for _, era := range []string{"2026.2", "2026.9"} {
		t.Run(era, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			require.NoError(t, os.Mkdir(dir, 0o700))
			cfg := filepath.Join(dir, "openclaw.json")
			out, errOut, code := runAuditCmd(t, "baseline", "--channels", "telegram", "--dm", "pairing", "--exposure", "loopback",
				"--era", era, "-o", cfg, "--yes")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, out, "wrote "+cfg)
			require.NotRegexp(t, baselineHex48, out, "the token is printed unmasked")
			fi, err := os.Stat(cfg)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			data, err := os.ReadFile(cfg)
			require.NoError(t, err)
			require.Regexp(t, `token: "[0-9a-f]{48}"`, string(data))
			require.Empty(t, auditSevere(t, dir))

			// a second run refuses to overwrite
			_, errOut, code = runAuditCmd(t, "baseline", "--channels", "telegram", "-o", cfg, "--yes")
			require.Equal(t, 2, code)
			require.Contains(t, errOut, "--merge")
		})
	}
}

func TestBaselineCommandTokenEnvAndProfiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	out, errOut, code := runAuditCmd(t, "baseline", "--state-dir", dir, "--channels", "whatsapp,telegram", "--dm", "allowlist",
		"--allow-from", "whatsapp:+15555550123,telegram:123456789", "--profile", "main=personal,family=readonly,public=public",
		"--exposure", "tailnet", "--token-env", "--yes")
	require.Equal(t, 0, code, errOut)
	require.NotRegexp(t, baselineHex48, out)
	data, err := os.ReadFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(data), `token: "${OPENCLAW_GATEWAY_TOKEN}"`)
	require.Contains(t, string(data), `mode: "serve"`)
	env, err := os.ReadFile(filepath.Join(dir, ".env"))
	require.NoError(t, err)
	require.Regexp(t, `^OPENCLAW_GATEWAY_TOKEN=[0-9a-f]{48}\n$`, string(env))
	require.Empty(t, auditSevere(t, dir))
}

func TestBaselineCommandMergeIntoDangerousConfig(t *testing.T) {
	src, err := os.ReadFile("../../testdata/configs/dangerously-open.json5")
	require.NoError(t, err)
	dir := auditState(t, string(src))
	before := auditSevere(t, dir)
	out, errOut, code := runAuditCmd(t, "baseline", "--state-dir", dir, "--merge",
		"--profile", "main=readonly", "--yes")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "merged the baseline")
	require.Contains(t, out, "hardshell restore")
	require.NotRegexp(t, baselineHex48, out)
	after := auditSevere(t, dir)
	require.Less(t, len(after), len(before), "before %v\nafter %v", before, after)
	for _, id := range after {
		require.False(t, strings.Contains(id, "dm") && strings.Contains(id, "open"), id)
		require.NotContains(t, id, "gateway.bind_no_auth")
	}
	// dry run on the merged config: nothing left to change
	out, _, code = runAuditCmd(t, "baseline", "--state-dir", dir, "--merge", "--profile", "main=readonly", "--dry-run")
	require.Equal(t, 0, code)
	require.Contains(t, out, "already meets the baseline")
}

func TestBaselineCommandBadInput(t *testing.T) {
	dir := auditState(t, `{}`)
	for _, args := range [][]string{
		{"--dm", "open", "--channels", "telegram"},
		{"--channels", "telegram", "--dm", "allowlist"},
		{"--channels", "telegram", "--allow-from", "slack:U1"},
		{"--profile", "main=root"},
		{"--exposure", "lan"},
		{"--era", "1999"},
		{"--merge", "-o", "x.json"},
	} {
		_, errOut, code := runAuditCmd(t, append([]string{"baseline", "--state-dir", dir, "--yes", "-o", filepath.Join(t.TempDir(), "o.json")}, args...)...)
		require.Equal(t, 2, code, "%v: %s", args, errOut)
		require.NotEmpty(t, errOut)
	}
}

// baseline shows the file before it asks; its workspaces follow the target
// state dir; a Telegram id of any length is accepted.
func TestBaselineShowsTheFileAndFollowsTheStateDir(t *testing.T) {
	state := filepath.Join(t.TempDir(), "gw")
	require.NoError(t, os.Mkdir(state, 0o700))
	home := t.TempDir()
	args := []string{"baseline", "--state-dir", state, "--channels", "telegram", "--dm", "allowlist", "--allow-from", "telegram:42"}
	out, e, code := runIn(t, state, home, args...)
	require.Equal(t, 0, code, e)
	require.Contains(t, out, `dmPolicy: "allowlist"`, "the file is shown before anything is asked")
	require.Contains(t, out, `"42"`)
	require.Contains(t, out, "nothing written (use --yes)")
	require.NoFileExists(t, filepath.Join(state, "openclaw.json"))
	require.NotRegexp(t, baselineHex48, out)

	out, e, code = runIn(t, state, home, append(args, "-y")...)
	require.Equal(t, 0, code, e)
	data, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Contains(t, string(data), `"`+filepath.Join(state, "workspace")+`"`, "the workspace lives under the target state dir")
	require.NotContains(t, string(data), "~/.openclaw")
	require.Contains(t, out, "next: OPENCLAW_STATE_DIR="+state+" openclaw config validate; hardshell audit --state-dir "+state)
}

// --merge keeps groups already limited to an allowlist, and drops the line
// comments that described the values it replaced, keeping every other.
func TestBaselineMergeKeepsAllowlistedGroupsAndDropsStaleComments(t *testing.T) {
	dir := auditState(t, `{
  gateway: {
    bind: "lan",                                   // 0.0.0.0:18789
    auth: { mode: "token", token: "letmein2026" }, // easy to type on the phone (11 characters)
    controlUi: { allowInsecureAuth: true },        // plain http from the iPad
  },
  channels: {
    whatsapp: {
      dmPolicy: "pairing",
      groupPolicy: "allowlist", // the family group only
      groups: { "120363000000000000@g.us": { requireMention: true } },
    },
  },
}
`)
	out, e, code := runAuditCmd(t, "baseline", "--merge", "-y", "--state-dir", dir)
	require.Equal(t, 0, code, e+out)
	data, err := os.ReadFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	got := string(data)
	require.Contains(t, got, `groupPolicy: "allowlist", // the family group only`, "allowlisted groups stay on")
	require.NotContains(t, got, "easy to type on the phone", "the old token's comment went with it")
	require.NotContains(t, got, "0.0.0.0:18789", "the old address's comment went with it")
	require.Contains(t, got, "// plain http from the iPad", "comments on values left alone stay")
	require.Regexp(t, `bind: "loopback",\n`, got)
	require.Regexp(t, `token: "[0-9a-f]{48}" },\n`, got)
}

// The interactive baseline asks for mention patterns only when groups are
// on, and shows the file before the last question.
func TestBaselineFormSkipsMentionsWhenGroupsOff(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary in a pty")
	}
	state := filepath.Join(t.TempDir(), "gw")
	require.NoError(t, os.Mkdir(state, 0o700))
	tm := startPTY(t, auditBinary(t), "baseline", "--state-dir", state)
	tm.waitFor("Which channels does the bot use?")
	tm.send("\r") // no channel
	tm.waitFor("Who may DM the bot?")
	tm.send("\r") // pairing
	tm.waitFor("Sender ids allowed without pairing")
	tm.send("\r")
	tm.waitFor("answer in group chats")
	tm.send("\r") // No (the default)
	tm.waitFor("Agents and access profiles")
	require.NotContains(t, tm.text(), "Mention patterns", "groups are off: no mention question")
	tm.send("\r")
	tm.waitFor("How do clients reach the gateway?")
	tm.send("\r")
	tm.waitFor("elevated: {") // the file, shown before the question
	tm.waitFor("Write the baseline to")
	tm.send("n\r")
	tm.waitFor("nothing written")
	tm.wait()
	require.NoFileExists(t, filepath.Join(state, "openclaw.json"))
}

// --mention with groups off is noted as ignored (the question applies only
// with --groups), and the file has no mention patterns.
func TestBaselineMentionIgnoredWithoutGroups(t *testing.T) {
	state := filepath.Join(t.TempDir(), "gw")
	require.NoError(t, os.Mkdir(state, 0o700))
	out, e, code := runIn(t, state, t.TempDir(), "baseline", "--state-dir", state, "--channels", "whatsapp", "--mention", "@bot", "--dry-run")
	require.Equal(t, 0, code, e)
	require.Contains(t, out, `note: --mention ignored: it applies only with --groups`)
	require.NotContains(t, out, "mentionPatterns")
}
