package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/testutil"
)

// bigConfig writes a realistic ~1 MB JSON5 config: many agents with
// comments, channels with accounts and allowlists, and an include tree.
func bigConfig(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("// generated for benchmarks\n{\n  meta: { lastTouchedVersion: '2026.2.19' },\n  gateway: { mode: 'local', bind: 'loopback', auth: { mode: 'token', token: '${OPENCLAW_GATEWAY_TOKEN}' } },\n  channels: { $include: './channels.json5' },\n  agents: {\n    defaults: { sandbox: { mode: 'non-main', scope: 'agent' } },\n    list: [\n")
	for i := 0; sb.Len() < 900_000; i++ {
		fmt.Fprintf(&sb, "      // agent %d: a client workspace\n      {\n        id: 'agent-%d',\n        workspace: '~/.openclaw/workspace-%d',\n        sandbox: { mode: 'all', scope: 'agent', workspaceAccess: 'ro' },\n        tools: { allow: ['read', 'sessions_list'], deny: ['exec', 'write', 'edit', 'apply_patch', 'process', 'browser'] },\n        groupChat: { mentionPatterns: ['@agent%d', '@bot'] },\n      },\n", i, i, i, i)
	}
	sb.WriteString("    ],\n  },\n}\n")
	var ch strings.Builder
	ch.WriteString("{\n  telegram: {\n    dmPolicy: 'allowlist',\n    allowFrom: [\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&ch, "      '%d', // friend %d\n", 100000000+i, i)
	}
	ch.WriteString("    ],\n  },\n}\n")
	root := filepath.Join(dir, "openclaw.json")
	if err := os.WriteFile(root, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "channels.json5"), []byte(ch.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return root
}

func BenchmarkParseResolve1MB(b *testing.B) {
	root := bigConfig(b)
	st, _ := os.Stat(root)
	inc, _ := os.Stat(filepath.Join(filepath.Dir(root), "channels.json5"))
	b.SetBytes(st.Size() + inc.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFile(root); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEditRender1MB(b *testing.B) {
	root := bigConfig(b)
	d, err := ParseFile(root)
	if err != nil {
		b.Fatal(err)
	}
	edits := []Edit{
		{Op: OpSet, Path: "gateway.bind", Value: "lan"},
		{Op: OpSet, Path: "agents.list[500].sandbox.workspaceAccess", Value: "none"},
		{Op: OpSet, Path: "channels.telegram.groupPolicy", Value: "allowlist"},
		{Op: OpAppend, Path: "channels.telegram.allowFrom", Value: "999"},
	}
	b.ReportAllocs()
	for b.Loop() {
		out, err := d.Apply(edits)
		if err != nil || len(out) != 2 {
			b.Fatalf("%v %d", err, len(out))
		}
	}
}

// BenchmarkParseMinified1MB parses a ~1 MB config written on one line
// (minified JSON): column positions must stay linear in the line length.
func BenchmarkParseMinified1MB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"agents":{"list":[`)
	for i := 0; sb.Len() < 1<<20; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"a%d","workspace":"~/w%d","tools":{"allow":["read","x%d"]}}`, i, i, i)
	}
	sb.WriteString(`]}}`)
	p := filepath.Join(b.TempDir(), "openclaw.json")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFile(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse50kAgents is the serial start of an audit of the 50,000-agent
// state (issue 10): the config (3.8 MB, every agent listed) read through the
// snapshot's recorder and the safe reader, parsed, resolved, and its agents
// listed.
func BenchmarkParse50kAgents(b *testing.B) {
	p := filepath.Join(b.TempDir(), "openclaw.json")
	cfg := testutil.StateConfig(50_000, 1)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(cfg)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := ParseFileFS(fsys.NewRecorder(fsys.Local{}), p)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(d.Agents()); n != 50_000 {
			b.Fatalf("%d agents", n)
		}
	}
}
