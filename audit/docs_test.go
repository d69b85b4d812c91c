package audit

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md from the registry")

const docsPath = "../docs/checks.md"

// TestDocsFresh fails when docs/checks.md no longer matches the registry.
func TestDocsFresh(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteDocs(&b))
	if *update {
		require.NoError(t, os.WriteFile(docsPath, b.Bytes(), 0o644))
	}
	got, err := os.ReadFile(docsPath)
	require.NoError(t, err)
	require.True(t, bytes.Equal(b.Bytes(), got),
		"docs/checks.md is stale: regenerate it with `go test ./audit -run TestDocsFresh -update` (or `go generate ./audit`) and commit it")
}

func TestWriteDocsTables(t *testing.T) {
	r := NewRegistry()
	r.Register("channels", Check{ID: "channels.<id>.dm.open", Title: "DM open", Tier: model.TierInbound, Fix: model.FixGuided,
		Severity: "critical", Trigger: "dmPolicy \"open\" | with tools", Remediation: "set dmPolicy to pairing", Since: "OpenClaw 2026.2"})
	r.Register("filesystem", Check{ID: "fs.x", Title: "X", Tier: model.TierPermissions, Fix: model.FixSafe, Severity: "warn", Trigger: "line1\nline2", Remediation: "chmod", Since: "hardshell", FSOnly: true})
	var b bytes.Buffer
	require.NoError(t, r.WriteDocs(&b))
	out := b.String()
	require.Contains(t, out, "2 checks.")
	require.Contains(t, out, "## [1] Open inbound with tools\n\n| Check id | Severity | Trigger | Fix | Remediation | Since |\n")
	require.Contains(t, out, "| `channels.<id>.dm.open` | critical | **DM open.** dmPolicy \"open\" \\| with tools | guided | set dmPolicy to pairing | OpenClaw 2026.2 |\n")
	require.Contains(t, out, "line1<br>line2 (filesystem only")
	require.Contains(t, out, "## [3] Remote browser control\n\nNo checks in this tier yet.\n")
	require.Less(t, strings.Index(out, "[1]"), strings.Index(out, "[4]"))
}
