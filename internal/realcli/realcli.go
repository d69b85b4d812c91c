// Package realcli gives tests the real OpenClaw CLIs installed as peers
// (see testutil.FindPeer): one remediate.OpenClawCLI per version for the
// whole test binary, so each distinct config is run once per version however
// many tests validate it.
package realcli

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

var clis sync.Map // version → remediate.OpenClawCLI

// Peer is the real OpenClaw CLI of that version (its bundled node and
// entry script), or skips the test naming what is absent.
func Peer(t *testing.T, version string) remediate.OpenClawCLI {
	t.Helper()
	c, ok := Find(version)
	if !ok {
		testutil.Peer(t, version) // skips, naming what is absent
	}
	return c
}

// Find is the CLI of that version, or false when it is not installed.
func Find(version string) (remediate.OpenClawCLI, bool) {
	if c, ok := clis.Load(version); ok {
		return c.(remediate.OpenClawCLI), true
	}
	p, _, ok := testutil.FindPeer(version)
	if !ok {
		return remediate.OpenClawCLI{}, false
	}
	bin, args := p.Command()
	c, _ := clis.LoadOrStore(version, remediate.NewOpenClawCLI(bin, args...))
	return c.(remediate.OpenClawCLI), true
}

// Verdict is a one-line summary of a CLI's messages.
func Verdict(msgs []string) string {
	if len(msgs) == 0 {
		return "valid"
	}
	return fmt.Sprintf("%d issue(s): %s", len(msgs), strings.Join(msgs, "; "))
}

// Validator checks the candidate with the real OpenClaw CLI of the
// snapshot's era (2026.9.6 for 2026.7+: `config validate --json`; else
// 2026.2.1: its config loader) and fails on every issue the candidate has,
// not only those the change adds. It returns nil (no validation) when
// HARDSHELL_REAL_VALIDATE is unset or the peer is absent, so the plain test
// run stays fast.
func Validator(t *testing.T, s *model.Snapshot) remediate.Validator {
	if os.Getenv("HARDSHELL_REAL_VALIDATE") == "" {
		return nil
	}
	ver := "2026.2.1"
	if s.Era.Era == model.EraModern {
		ver = "2026.9.6"
	}
	cli, ok := Find(ver)
	if !ok {
		_, missing, _ := testutil.FindPeer(ver)
		t.Logf("OpenClaw %s is not installed (%s is absent): not validating with the real CLI", ver, missing)
		return nil
	}
	return func(configPath string, files map[string][]byte) ([]string, error) {
		msgs, err := cli.Verdict(configPath, files)
		t.Logf("openclaw %s on candidate %s: %s", ver, configPath, Verdict(msgs))
		return msgs, err
	}
}
