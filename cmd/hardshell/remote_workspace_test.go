package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/sshtest"
)

// The workspace skills walk and the hook-pack package.json reads go through
// the session's file system: over --host they report on the remote dirs
// exactly what a local audit of the same tree reports.
func TestRemoteSkillsEscapeAndHookDrift(t *testing.T) {
	s := sshtest.Start(t)
	local := filepath.Join(t.TempDir(), ".openclaw")
	write := func(rel, data string) {
		p := filepath.Join(local, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
	}
	write("openclaw.json", `{
  gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8icAbCdEf" } },
  hooks: { internal: { enabled: true, installs: { mailer: { source: "npm", spec: "hook-mailer@1.0.0", version: "1.0.0", integrity: "sha512-x" } } } },
}`)
	write("hooks/mailer/package.json", `{"name":"hook-mailer","version":"1.0.3"}`)
	write("shared-skills/gh/SKILL.md", "---\nname: gh\n---\n")
	write("workspace/skills/own/SKILL.md", "---\nname: own\n---\n")
	require.NoError(t, os.Symlink("../../shared-skills/gh", filepath.Join(local, "workspace", "skills", "gh")))
	require.NoError(t, os.Chmod(local, 0o700))

	remoteDir := s.Home + "/.openclaw-ws"
	s.CopyIn(t, local, remoteDir)
	lout, lerr, lcode := runRemoteCmd(t, s, "audit", "--json", "--state-dir", local)
	rout, rerr, rcode := runRemoteCmd(t, s, "audit", "--json", "--host", s.Dest, "--state-dir", remoteDir)
	require.Equal(t, lcode, rcode, "local stderr %s\nremote stderr %s", lerr, rerr)
	lrep, rrep := normalized(t, lout, local), normalized(t, rout, remoteDir)
	require.Equal(t, lrep, rrep)
	found := map[string]string{}
	for _, f := range rrep["findings"].([]any) {
		m := f.(map[string]any)
		found[m["checkId"].(string)] = m["detail"].(string)
	}
	require.Contains(t, found["skills.workspace.symlink_escape"], "link=<STATE>/workspace/skills/gh", rout)
	require.Contains(t, found["skills.workspace.symlink_escape"], "realpath=<STATE>/shared-skills/gh (a skill")
	require.Contains(t, found["hooks.installs_version_drift"], "- mailer (recorded 1.0.0, installed 1.0.3)")
}
