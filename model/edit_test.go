package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// writeTree writes files under a temp dir and returns the root path.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	return filepath.Join(dir, "openclaw.json")
}

func applyOne(t *testing.T, src string, e Edit) string {
	t.Helper()
	root := writeTree(t, map[string]string{"openclaw.json": src})
	d, err := ParseFile(root)
	require.NoError(t, err)
	out, err := d.Apply([]Edit{e})
	require.NoError(t, err)
	if b, ok := out[root]; ok {
		return string(b)
	}
	return src
}

func TestEditCases(t *testing.T) {
	cases := []struct {
		name string
		src  string
		edit Edit
		want string
	}{
		{"replace scalar keeps quote style",
			"{\n  // where\n  gateway: { bind: 'lan' }, // LAN!\n}\n",
			Edit{Op: OpSet, Path: "gateway.bind", Value: "loopback"},
			"{\n  // where\n  gateway: { bind: 'loopback' }, // LAN!\n}\n"},
		{"insert into multi-line object with trailing commas",
			"{\n  gateway: {\n    mode: \"local\",\n    bind: \"lan\", // here\n  },\n}\n",
			Edit{Op: OpSet, Path: "gateway.port", Value: 18789},
			"{\n  gateway: {\n    mode: \"local\",\n    bind: \"lan\", // here\n    port: 18789,\n  },\n}\n"},
		{"insert into strict JSON keeps quoted keys and no trailing comma",
			"{\n    \"gateway\": {\n        \"bind\": \"lan\"\n    }\n}\n",
			Edit{Op: OpSet, Path: "gateway.auth.mode", Value: "token"},
			"{\n    \"gateway\": {\n        \"bind\": \"lan\",\n        \"auth\": {\n            \"mode\": \"token\"\n        }\n    }\n}\n"},
		{"CRLF and tabs",
			"{\r\n\tlogging: {\r\n\t\tredactSensitive: \"off\",\r\n\t},\r\n}\r\n",
			Edit{Op: OpSet, Path: "logging.redactPatterns", Value: []any{"sk-[A-Za-z0-9]+"}},
			"{\r\n\tlogging: {\r\n\t\tredactSensitive: \"off\",\r\n\t\tredactPatterns: [\"sk-[A-Za-z0-9]+\"],\r\n\t},\r\n}\r\n"},
		{"inline object insert",
			"{ gateway: { bind: \"lan\" } }",
			Edit{Op: OpSet, Path: "gateway.mode", Value: "local"},
			"{ gateway: { bind: \"lan\", mode: \"local\" } }"},
		{"empty object",
			"{\n  discovery: {},\n}\n",
			Edit{Op: OpSet, Path: "discovery.mdns.mode", Value: "minimal"},
			"{\n  discovery: { mdns: { mode: \"minimal\" } },\n}\n"},
		{"remove middle member keeps comments",
			"{\n  a: 1,\n  // about b\n  b: 2, // b note\n  c: 3,\n}\n",
			Edit{Op: OpUnset, Path: "b"},
			"{\n  a: 1,\n  // about b\n  // b note\n  c: 3,\n}\n"},
		{"remove last member without trailing comma leaves no dangling comma",
			"{\n  \"a\": 1,\n  \"b\": 2\n}\n",
			Edit{Op: OpUnset, Path: "b"},
			"{\n  \"a\": 1\n}\n"},
		{"remove inline",
			"{ a: 1, b: 2, c: 3 }",
			Edit{Op: OpUnset, Path: "b"},
			"{ a: 1, c: 3 }"},
		{"remove inline last",
			"{ a: 1, b: 2 }",
			Edit{Op: OpUnset, Path: "b"},
			"{ a: 1 }"},
		{"remove array element",
			"{ allowFrom: [\"+1\", \"*\", \"+2\"] }",
			Edit{Op: OpUnset, Path: "allowFrom[1]"},
			"{ allowFrom: [\"+1\", \"+2\"] }"},
		{"append multi-line array",
			"{\n  allow: [\n    'read',\n  ],\n}\n",
			Edit{Op: OpAppend, Path: "allow", Value: "sessions_list"},
			"{\n  allow: [\n    'read',\n    'sessions_list',\n  ],\n}\n"},
		{"append creates array",
			"{\n  plugins: {\n    enabled: true\n  }\n}\n",
			Edit{Op: OpAppend, Path: "plugins.allow", Value: "voice-call"},
			"{\n  plugins: {\n    enabled: true,\n    allow: [\"voice-call\"]\n  }\n}\n"},
		{"set same value writes nothing",
			"{ gateway: { bind: \"loopback\" } }",
			Edit{Op: OpSet, Path: "gateway.bind", Value: "loopback"},
			"{ gateway: { bind: \"loopback\" } }"},
		{"BOM kept",
			"\xEF\xBB\xBF{\n  a: 1\n}\n",
			Edit{Op: OpSet, Path: "a", Value: 2},
			"\xEF\xBB\xBF{\n  a: 2\n}\n"},
		{"raw env ref",
			"{\n  gateway: { auth: { mode: 'password', password: 'hunter2' } },\n}\n",
			Edit{Op: OpSet, Path: "gateway.auth.password", Value: "${OPENCLAW_GATEWAY_PASSWORD}"},
			"{\n  gateway: { auth: { mode: 'password', password: '${OPENCLAW_GATEWAY_PASSWORD}' } },\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, applyOne(t, c.src, c.edit))
		})
	}
}

func TestEditRoutesToIncludedFile(t *testing.T) {
	root := writeTree(t, map[string]string{
		"openclaw.json":  "{\n  // channels live elsewhere\n  channels: { $include: './channels.json5', whatsapp: { groupPolicy: 'allowlist' } },\n}\n",
		"channels.json5": "{\n  telegram: {\n    dmPolicy: 'open', // temporary\n    allowFrom: ['*'],\n  },\n}\n",
	})
	inc := filepath.Join(filepath.Dir(root), "channels.json5")
	d, err := ParseFile(root)
	require.NoError(t, err)
	require.Equal(t, "open", d.Get("channels.telegram.dmPolicy").Str)
	require.Equal(t, inc, d.Get("channels.telegram.dmPolicy").Pos.File)
	require.Equal(t, 3, d.Get("channels.telegram.dmPolicy").Pos.Line)

	out, err := d.Apply([]Edit{
		{Op: OpSet, Path: "channels.telegram.dmPolicy", Value: "pairing"},
		{Op: OpSet, Path: "channels.telegram.groupPolicy", Value: "allowlist"},
		{Op: OpSet, Path: "channels.signal.dmPolicy", Value: "pairing"},
	})
	require.NoError(t, err)
	require.Equal(t, "{\n  telegram: {\n    dmPolicy: 'pairing', // temporary\n    allowFrom: ['*'],\n    groupPolicy: 'allowlist',\n  },\n}\n", string(out[inc]))
	require.Equal(t, "{\n  // channels live elsewhere\n  channels: { $include: './channels.json5', whatsapp: { groupPolicy: 'allowlist' }, signal: { dmPolicy: 'pairing' } },\n}\n", string(out[root]))
}

func TestParseErrorsHavePositions(t *testing.T) {
	cases := map[string]string{
		"{\n  a: 1\n  b: 2\n}":  "x.json5:3:3: expected , or } but found 'b'",
		"{\n  a: 'x\n}":         "x.json5:2:8: line break inside a string",
		"{ a: 01 }":             "x.json5:1:6: numbers may not start with 0",
		"{ a: 1, a: 2 }":        `x.json5:1:9: duplicate key "a"`,
		"{ a: [1, 2 }":          "x.json5:1:12: expected , or ] but found '}'",
		"{ /* open":             "x.json5:1:3: unterminated /* comment",
		"{ a: 1 } x":            "x.json5:1:10: unexpected 'x' after the end",
		"{ a: \"\\1\" }":        `x.json5:1:7: bad escape \1`,
		"{\n  \"k\": \xff }":    "x.json5:2:8: invalid UTF-8 byte 0xFF",
		"{ \"bin\": \"\x00\" }": "x.json5:1:11: binary file",
		"":                      "x.json5:1:1: empty config",
	}
	for src, want := range cases {
		_, err := ParseValue("x.json5", []byte(src))
		require.Error(t, err, src)
		require.Contains(t, err.Error(), want, src)
		var ie *InputError
		require.ErrorAs(t, err, &ie)
	}
}

func TestReplaceKeepsAlignedCommentColumn(t *testing.T) {
	src := "{\n  dmPolicy: \"open\",              // note\n  allowFrom: [\"*\"],   /* why */\n  bind: 'lan', // one space\n}\n"
	got := applyOne(t, src, Edit{Op: OpSet, Path: "dmPolicy", Value: "pairing"})
	require.Equal(t, "{\n  dmPolicy: \"pairing\",           // note\n  allowFrom: [\"*\"],   /* why */\n  bind: 'lan', // one space\n}\n", got)
	got = applyOne(t, src, Edit{Op: OpSet, Path: "bind", Value: "loopback"})
	require.Contains(t, got, "  bind: 'loopback', // one space\n", "a single space is not alignment: left alone")
	got = applyOne(t, src, Edit{Op: OpSet, Path: "allowFrom", Value: []any{"+15550001111", "+15550002222"}})
	require.Contains(t, got, "  allowFrom: [\"+15550001111\", \"+15550002222\"], /* why */\n", "padding shrinks to one space at least")
}

// A document read from disk keeps only its merged view: the syntax trees
// edits need are parsed again on the first edit, for the file it changes
// only, and the edit is the same as on a freshly parsed tree.
func TestReadDocumentDropsSyntax(t *testing.T) {
	root := writeTree(t, map[string]string{
		"openclaw.json": "{\n  $include: \"./tools.json5\",\n  gateway: { bind: \"lan\" }, // LAN\n}\n",
		"tools.json5":   "{\n  tools: { profile: 'full', deny: ['exec', 'browser'] },\n}\n",
	})
	inc := filepath.Join(filepath.Dir(root), "tools.json5")
	d, err := ParseFile(root)
	require.NoError(t, err)
	require.Len(t, d.Files, 2)
	for _, f := range d.Files {
		require.Nil(t, f.tree, f.Path)
	}
	out, err := d.Apply([]Edit{
		{Op: OpSet, Path: "tools.profile", Value: "minimal"},
		{Op: OpUnset, Path: "tools.deny[1]"},
	})
	require.NoError(t, err)
	require.Equal(t, map[string][]byte{inc: []byte("{\n  tools: { profile: 'minimal', deny: ['exec'] },\n}\n")}, out)
	require.Nil(t, d.Files[0].tree, "the root file was not edited")
	require.NotNil(t, d.Files[1].tree)
	require.Equal(t, "full", d.Get("tools.profile").Text(), "the document itself is unchanged")
}
