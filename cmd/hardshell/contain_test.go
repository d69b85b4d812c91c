package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/stretchr/testify/require"
)

// auditJSON runs `audit --json` on the real binary.
func auditJSON(t *testing.T, state string) []map[string]any {
	t.Helper()
	out, _, _ := runAuditCmd(t, "audit", "--state-dir", state, "--json", "--fail-on", "none")
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	return rep.Findings
}

// urgentIDs lists tier-1/2 findings above info.
func urgentIDs(fs []map[string]any) []string {
	var out []string
	for _, f := range fs {
		if p, _ := f["priority"].(float64); p <= 2 && f["severity"] != "info" {
			out = append(out, f["checkId"].(string))
		}
	}
	return out
}

func TestContainEndToEnd(t *testing.T) {
	for _, name := range []string{"open-dm-elevated", "lan-exposed"} {
		t.Run(name, func(t *testing.T) {
			state := testutil.CopyState(t, name)
			orig, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
			require.NoError(t, err)
			require.NotEmpty(t, urgentIDs(auditJSON(t, state)))

			out, stderr, code := runAuditCmd(t, "contain", "--state-dir", state, "--yes", "--since", "2026-11-01T00:00:00Z", "--log-dir", t.TempDir())
			require.Equal(t, 0, code, out+stderr)
			require.Contains(t, out, "no tier-1 or tier-2 finding left")
			require.Empty(t, urgentIDs(auditJSON(t, state)), "audit --json after contain")

			m := regexp.MustCompile(`report: (\S+)\n\s+(\S+)`).FindStringSubmatch(out)
			require.Len(t, m, 3, out)
			secrets := fixtureSecrets(t, state, orig)
			for _, p := range m[1:] {
				require.Equal(t, os.FileMode(0o600), testutil.Mode(t, p))
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				for _, sec := range secrets {
					require.NotContains(t, string(data), sec, "%s leaks a secret", p)
				}
			}
			require.Equal(t, os.FileMode(0o700), testutil.Mode(t, filepath.Dir(m[1])))
			for _, sec := range secrets {
				require.NotContains(t, out, sec, "stdout never shows a secret, old or new")
			}

			id := regexp.MustCompile(`backup: (\S+)`).FindStringSubmatch(out)
			require.Len(t, id, 2)
			md, err := os.ReadFile(m[1])
			require.NoError(t, err)
			require.Contains(t, string(md), "(undo: hardshell restore "+id[1]+" --state-dir "+cmdline.Quote(state)+")\n", "the report's undo acts on the contained state dir")
			rout, rerr, rcode := runAuditCmd(t, "restore", "--state-dir", state, "--yes", id[1])
			require.Equal(t, 0, rcode, rout+rerr)
			got, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
			require.NoError(t, err)
			require.Equal(t, string(orig), string(got), "restore undoes the containment")
		})
	}
}

// fixtureSecrets are the secret values of the fixture config and .env
// and auth profiles, plus the new values containment wrote to .env.
func fixtureSecrets(t *testing.T, state string, orig []byte) []string {
	t.Helper()
	var out []string
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)(?:token|password|botToken)\s*:\s*"([^"$]{6,})"`),
	} {
		for _, m := range re.FindAllStringSubmatch(string(orig), -1) {
			out = append(out, m[1])
		}
	}
	for _, f := range []string{".env"} {
		data, err := os.ReadFile(filepath.Join(state, f))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if _, v, ok := strings.Cut(line, "="); ok && len(v) >= 6 {
				out = append(out, strings.Trim(v, `"`))
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(state, "agents", "main", "agent", "auth-profiles.json"))
	if err == nil {
		for _, m := range regexp.MustCompile(`"key":\s*"([^"]+)"`).FindAllStringSubmatch(string(data), -1) {
			out = append(out, m[1])
		}
	}
	require.NotEmpty(t, out)
	return out
}

func TestContainNoTTYWritesNothing(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	orig, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	out, _, code := runAuditCmd(t, "contain", "--state-dir", state, "--log-dir", t.TempDir())
	require.Equal(t, 0, code, "not confirmed is not a failure")
	require.Contains(t, out, "nothing written")
	require.Contains(t, out, "channels.telegram.dmPolicy")
	got, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Equal(t, orig, got)
	_, err = os.Stat(filepath.Join(state, ".hardshell"))
	require.True(t, os.IsNotExist(err), "nothing at all is written without confirmation")
}

func TestContainDryRunWritesOnlyTheReport(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	orig, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	rdir := filepath.Join(t.TempDir(), "incident")
	out, stderr, code := runAuditCmd(t, "contain", "--state-dir", state, "--dry-run", "--report-dir", rdir, "--log-dir", t.TempDir())
	require.Equal(t, 0, code, out+stderr)
	got, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	require.Equal(t, orig, got)
	md, err := os.ReadFile(filepath.Join(rdir, "report.md"))
	require.NoError(t, err)
	require.Contains(t, string(md), "Dry run")
	require.Contains(t, string(md), "Reachable beyond loopback: **yes**")
	require.NotContains(t, string(md), "pi-token-2026")
}

func TestContainBadInput(t *testing.T) {
	state := testutil.CopyState(t, "fresh-onboard")
	for _, args := range [][]string{
		{"--since", "yesterday"},
		{"--since", time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)},
		{"--dm", "open"},
		{"--groups", "everyone"},
	} {
		_, stderr, code := runAuditCmd(t, append([]string{"contain", "--state-dir", state, "--yes"}, args...)...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.NotEmpty(t, stderr)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	got, err := parseSince("3d", now)
	require.NoError(t, err)
	require.Equal(t, now.Add(-72*time.Hour), got)
	got, err = parseSince("90m", now)
	require.NoError(t, err)
	require.Equal(t, now.Add(-90*time.Minute), got)
	got, err = parseSince("2026-11-24T18:00:00Z", now)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC), got)
	_, err = parseSince("-5h", now)
	require.Error(t, err)
}

// The approvals of the window name their undo on the target the run read:
// with --state-dir the printed command carries it, so it acts on the same
// gateway when pasted (the same line over --host: TestRemoteContainReadsStateDB).
func TestContainStateDBUndoCarriesTheTarget(t *testing.T) {
	state, t0 := testutil.CopyAccessState(t, "modern-incident")
	rdir := filepath.Join(t.TempDir(), "incident")
	out, stderr, code := runAuditCmd(t, "contain", "--state-dir", state, "--dry-run", "--report-dir", rdir,
		"--log-dir", t.TempDir(), "--since", t0.Add(-4*time.Hour).Format(time.RFC3339))
	require.Equal(t, 0, code, out+stderr)
	undo := "hardshell access device remove 5ac43ee208f0 --state-dir " + cmdline.Quote(state)
	require.Contains(t, out, "    undo: "+undo+"\n")
	require.Contains(t, out, "    undo: hardshell access revoke telegram <sender> --account default --state-dir "+cmdline.Quote(state)+"\n")
	md, err := os.ReadFile(filepath.Join(rdir, "report.md"))
	require.NoError(t, err)
	require.Contains(t, string(md), "undo: `"+undo+"`")
}
