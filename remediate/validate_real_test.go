package remediate_test

import (
	"os"
	"testing"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// realValidator checks the candidate with the real OpenClaw CLI of the
// snapshot's era (2026.9.6 for 2026.7+: `config validate --json`; else
// 2026.2.1: its config loader) and fails on every issue the candidate has,
// not only those the change adds. It returns nil (no validation) when
// HARDSHELL_REAL_VALIDATE is unset or the peer is absent, so the plain test
// run stays fast.
func realValidator(t *testing.T, s *model.Snapshot) remediate.Validator {
	if os.Getenv("HARDSHELL_REAL_VALIDATE") == "" {
		return nil
	}
	ver := "2026.2.1"
	if s.Era.Era == model.EraModern {
		ver = "2026.9.6"
	}
	cli, ok := findPeerCLI(ver)
	if !ok {
		_, missing, _ := testutil.FindPeer(ver)
		t.Logf("OpenClaw %s is not installed (%s is absent): not validating with the real CLI", ver, missing)
		return nil
	}
	return func(configPath string, files map[string][]byte) ([]string, error) {
		msgs, err := cli.Verdict(configPath, files)
		t.Logf("openclaw %s on candidate %s: %s", ver, configPath, verdict(msgs))
		return msgs, err
	}
}
