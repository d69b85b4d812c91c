package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	auditBinOnce sync.Once
	auditBinPath string
	auditBinErr  error
)

// auditBinary builds hardshell once for the command tests: exit codes and
// stdout/stderr are tested on the real process.
func auditBinary(t *testing.T) string {
	t.Helper()
	auditBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hardshell-audit-test")
		if err != nil {
			auditBinErr = err
			return
		}
		auditBinPath = filepath.Join(dir, "hardshell")
		out, err := exec.Command("go", "build", "-o", auditBinPath, ".").CombinedOutput()
		if err != nil {
			auditBinErr = errors.New(string(out))
		}
	})
	require.NoError(t, auditBinErr)
	return auditBinPath
}

// auditState writes a 0700 state dir with a 0600 config.
func auditState(t *testing.T, config string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "openclaw.json"), []byte(config), 0o600))
	return dir
}

func runAuditCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(auditBinary(t), args...)
	home := t.TempDir()
	cmd.Env = []string{"HOME=" + home, "PATH=/nonexistent", "NO_COLOR=1"}
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

func TestAuditCommandUsageErrors(t *testing.T) {
	dir := auditState(t, `{}`)
	for _, args := range [][]string{
		{"audit", "--state-dir", dir, "--fail-on", "loud"},
		{"audit", "--state-dir", dir, "--json", "--sarif"},
		{"audit", "--state-dir", dir, "--baseline", filepath.Join(dir, "absent.json")},
		{"audit", "--state-dir", dir, "extra-arg"},
	} {
		_, stderr, code := runAuditCmd(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.NotEmpty(t, stderr)
	}
}

func TestAuditCommandUnparseableConfig(t *testing.T) {
	dir := auditState(t, "{\n  gateway: {\n    bind: \"lan\",,\n  }\n}\n")
	stdout, stderr, code := runAuditCmd(t, "audit", "--state-dir", dir, "--json", "--fail-on", "none")
	require.Equal(t, 2, code, stderr)
	var rep struct {
		Findings []struct {
			CheckID  string `json:"checkId"`
			Severity string `json:"severity"`
			Detail   string `json:"detail"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	require.NotEmpty(t, rep.Findings)
	require.Equal(t, "config.unreadable", rep.Findings[0].CheckID)
	require.Equal(t, "critical", rep.Findings[0].Severity)
	require.Contains(t, rep.Findings[0].Detail, filepath.Join(dir, "openclaw.json")+":3:")
	require.Contains(t, stderr, "config unreadable")
}

func TestAuditCommandFailOnAndBaseline(t *testing.T) {
	// A missing config gives an info finding (config.missing) and nothing
	// critical from the framework itself.
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	out, stderr, code := runAuditCmd(t, "audit", "--state-dir", dir, "--fail-on", "info", "--json")
	require.Equal(t, 1, code, stderr)
	require.Contains(t, out, `"checkId": "config.missing"`)

	base := filepath.Join(t.TempDir(), "base.json")
	require.NoError(t, os.WriteFile(base, []byte(out), 0o600))
	out2, stderr, code := runAuditCmd(t, "audit", "--state-dir", dir, "--fail-on", "info", "--baseline", base, "--json")
	require.Equal(t, 0, code, "every finding is in the baseline: %s", stderr)
	require.Contains(t, out2, `"baseline": true`)

	_, _, code = runAuditCmd(t, "audit", "--state-dir", dir, "--fail-on", "none")
	require.Equal(t, 0, code)
}

func TestAuditCommandOutputsAndMasking(t *testing.T) {
	const token = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	dir := auditState(t, `{ gateway: { bind: "lan", auth: { token: "`+token+`" } } }`)
	reportFile := filepath.Join(t.TempDir(), "report.sarif")
	_, stderr, code := runAuditCmd(t, "audit", "--state-dir", dir, "--sarif", "--fail-on", "none", "--output", reportFile)
	require.Equal(t, 0, code, stderr)
	st, err := os.Stat(reportFile)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	data, err := os.ReadFile(reportFile)
	require.NoError(t, err)
	require.Contains(t, string(data), `"version": "2.1.0"`)
	require.NotContains(t, string(data), token)

	text, _, _ := runAuditCmd(t, "audit", "--state-dir", dir, "--fail-on", "none")
	require.True(t, strings.HasPrefix(text, "hardshell audit — "+dir+"\n"), text)
	require.Contains(t, text, "Summary: ")
	require.NotContains(t, text, token)
	require.NotContains(t, text, "\x1b[")
}
