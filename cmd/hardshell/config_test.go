package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const commentedConfig = `// my gateway, hand-edited
{
  meta: { lastTouchedVersion: '2026.2.19' },
  gateway: {
    mode: 'local',
    bind: 'lan', // opened for the tablet
    auth: { mode: 'token', token: 'fa1c0ffee0ddba11fa1c0ffee0ddba11fa1c0ffee0ddba11' },
  },
  channels: { $include: './channels.json5' },
  agents: { list: [ { id: 'main' }, { id: 'family', sandbox: { scope: 'shared' } } ] },
}
`

func configState(t *testing.T) string {
	t.Helper()
	dir := auditState(t, commentedConfig)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "channels.json5"), []byte("{\n  discord: {\n    dm: { policy: 'open', allowFrom: ['*'] }, // legacy shape\n  },\n}\n"), 0o600))
	return dir
}

func TestConfigSetChangesOneLineAndBacksUp(t *testing.T) {
	dir := configState(t)
	cfg := filepath.Join(dir, "openclaw.json")
	before, _ := os.ReadFile(cfg)
	out, errOut, code := runAuditCmd(t, "--state-dir", dir, "config", "set", "gateway.bind", `"loopback"`)
	require.Equal(t, 0, code, errOut)
	after, _ := os.ReadFile(cfg)
	bl, al := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	require.Equal(t, len(bl), len(al))
	diff := 0
	for i := range bl {
		if bl[i] != al[i] {
			diff++
			require.Equal(t, "    bind: 'loopback', // opened for the tablet", al[i])
		}
	}
	require.Equal(t, 1, diff)
	require.Contains(t, out, "-    bind: 'lan', // opened for the tablet")
	require.NotContains(t, out, "fa1c0ffee0ddba11fa1c0ffee0ddba11", "the diff context must not show the token")

	sets, err := filepath.Glob(filepath.Join(dir, ".hardshell", "backups", "*", "files", "*"))
	require.NoError(t, err)
	require.Len(t, sets, 1)
	st, err := os.Stat(sets[0])
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	orig, _ := os.ReadFile(sets[0])
	require.Equal(t, before, orig)

	out, _, code = runAuditCmd(t, "--state-dir", dir, "config", "set", "gateway.bind", `"loopback"`)
	require.Equal(t, 0, code)
	require.Contains(t, out, "already has that value; nothing written")
	sets, _ = filepath.Glob(filepath.Join(dir, ".hardshell", "backups", "*"))
	require.Len(t, sets, 1, "a no-op set writes no backup")
}

func TestConfigEditsIncludedFileAndBothEras(t *testing.T) {
	dir := configState(t)
	// The modern key shape is mapped onto the legacy one this config uses.
	out, errOut, code := runAuditCmd(t, "--state-dir", dir, "config", "get", "channels.discord.dmPolicy")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "open\n", out)
	require.Contains(t, errOut, "channels.discord.dm.policy")

	out, _, code = runAuditCmd(t, "--state-dir", dir, "config", "get", "agents.entries.family.sandbox.scope")
	require.Equal(t, 0, code)
	require.Equal(t, "shared\n", out)

	_, errOut, code = runAuditCmd(t, "--state-dir", dir, "config", "set", "channels.discord.dmPolicy", `'pairing'`)
	require.Equal(t, 0, code, errOut)
	inc, _ := os.ReadFile(filepath.Join(dir, "channels.json5"))
	require.Equal(t, "{\n  discord: {\n    dm: { policy: 'pairing', allowFrom: ['*'] }, // legacy shape\n  },\n}\n", string(inc))
	root, _ := os.ReadFile(filepath.Join(dir, "openclaw.json"))
	require.Equal(t, commentedConfig, string(root), "the root file is untouched")
}

func TestConfigGetMasksSecrets(t *testing.T) {
	dir := configState(t)
	out, _, code := runAuditCmd(t, "--state-dir", dir, "config", "get", "gateway.auth", "--json")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "fa1c0ffee0ddba11fa1c0ffee0ddba11")
	require.Contains(t, out, "fa1c…(48 chars)")
	out, _, code = runAuditCmd(t, "--state-dir", dir, "config", "get", "gateway.auth.token", "--reveal")
	require.Equal(t, 0, code)
	require.Equal(t, "fa1c0ffee0ddba11fa1c0ffee0ddba11fa1c0ffee0ddba11\n", out)
}

func TestConfigBadInputExits2(t *testing.T) {
	dir := configState(t)
	cfg := filepath.Join(dir, "openclaw.json")
	before, _ := os.ReadFile(cfg)
	_, errOut, code := runAuditCmd(t, "--state-dir", dir, "config", "set", "gateway.bind.host", `"x"`)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "openclaw.json:6:11: gateway.bind is string, not an object")
	_, errOut, code = runAuditCmd(t, "--state-dir", dir, "config", "set", "gateway.bind", `loopback`)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "strings need quotes")
	after, _ := os.ReadFile(cfg)
	require.Equal(t, before, after)

	require.NoError(t, os.WriteFile(cfg, []byte("{\n  gateway: { bind: 'lan' \n  channels: {}\n}\n"), 0o600))
	_, errOut, code = runAuditCmd(t, "--state-dir", dir, "config", "get", "gateway.bind")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "openclaw.json:3:3: expected , or }")
}

func TestConfigUnset(t *testing.T) {
	dir := configState(t)
	out, errOut, code := runAuditCmd(t, "--state-dir", dir, "config", "unset", "agents.list[1].sandbox")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "-  agents: { list: [ { id: 'main' }, { id: 'family', sandbox: { scope: 'shared' } } ] },")
	root, _ := os.ReadFile(filepath.Join(dir, "openclaw.json"))
	require.Contains(t, string(root), "agents: { list: [ { id: 'main' }, { id: 'family' } ] },")
	out, _, code = runAuditCmd(t, "--state-dir", dir, "config", "unset", "agents.list[1].sandbox")
	require.Equal(t, 0, code)
	require.Contains(t, out, "not set; nothing to change")
}
