package audit

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestFSStateDirModes(t *testing.T) {
	cases := []struct {
		mode    os.FileMode
		present string
		sev     model.Severity
		absent  []string
	}{
		{0o777, "fs.state_dir.perms_world_writable", model.Critical, []string{"fs.state_dir.perms_readable", "fs.state_dir.perms_group_writable"}},
		{0o770, "fs.state_dir.perms_group_writable", model.Warn, []string{"fs.state_dir.perms_world_writable", "fs.state_dir.perms_readable"}},
		{0o755, "fs.state_dir.perms_readable", model.Warn, []string{"fs.state_dir.perms_world_writable", "fs.state_dir.perms_group_writable"}},
		{0o750, "fs.state_dir.perms_readable", model.Warn, nil},
		{0o700, "", 0, []string{"fs.state_dir.perms_readable", "fs.state_dir.perms_world_writable", "fs.state_dir.perms_group_writable"}},
	}
	for _, c := range cases {
		t.Run(c.mode.String(), func(t *testing.T) {
			r := checkRun(t, `{}`, auditkit.Options{StateMode: c.mode, ConfigMode: 0o600})
			if c.present != "" {
				f := requireHit(t, r, c.present, c.sev)
				require.Contains(t, f.Remediation, "chmod 700 ")
				require.True(t, filepath.IsAbs(f.File), "file is the state dir: %q", f.File)
				require.Contains(t, f.Detail, "mode=0o")
				require.Equal(t, model.FixSafe, f.Fix)
				require.Equal(t, model.TierPermissions, f.Priority)
			}
			for _, id := range c.absent {
				requireNoHit(t, r, id)
			}
		})
	}
}

func TestFSConfigModes(t *testing.T) {
	cases := []struct {
		mode    os.FileMode
		present string
		sev     model.Severity
		absent  []string
	}{
		{0o644, "fs.config.perms_world_readable", model.Critical, []string{"fs.config.perms_writable", "fs.config.perms_group_readable"}},
		{0o640, "fs.config.perms_group_readable", model.Warn, []string{"fs.config.perms_world_readable"}},
		{0o660, "fs.config.perms_writable", model.Critical, []string{"fs.config.perms_group_readable"}},
		{0o602, "fs.config.perms_writable", model.Critical, nil},
		{0o600, "", 0, []string{"fs.config.perms_writable", "fs.config.perms_world_readable", "fs.config.perms_group_readable"}},
	}
	for _, c := range cases {
		t.Run(c.mode.String(), func(t *testing.T) {
			r := checkRun(t, `{ gateway: { mode: "local" } }`, auditkit.Options{StateMode: 0o700, ConfigMode: c.mode})
			if c.present != "" {
				f := requireHit(t, r, c.present, c.sev)
				require.True(t, strings.HasSuffix(f.Remediation, "openclaw.json"), f.Remediation)
				require.True(t, strings.HasPrefix(f.Remediation, "chmod 600 "), f.Remediation)
			}
			for _, id := range c.absent {
				requireNoHit(t, r, id)
			}
		})
	}
}

// The catalogue's acceptance case: a symlinked config pointing at a 444
// target reports the symlink and none of the permission findings.
func TestFSConfigSymlink(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	require.NoError(t, os.MkdirAll(state, 0o700))
	target := filepath.Join(state, "real.json")
	require.NoError(t, os.WriteFile(target, []byte(`{}`), 0o444))
	require.NoError(t, os.Chmod(target, 0o444))
	cfgPath := filepath.Join(state, "openclaw.json")
	require.NoError(t, os.Symlink(target, cfgPath))
	s := auditkit.Load(t, state, cfgPath, map[string]string{}, "")
	r, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	requireHit(t, r, "fs.config.symlink", model.Warn)
	for _, id := range []string{"fs.config.perms_writable", "fs.config.perms_world_readable", "fs.config.perms_group_readable"} {
		requireNoHit(t, r, id)
	}
	// The link itself is inside the state dir and so is its target.
	requireNoHit(t, r, "fs.symlink_out_of_state")
}

func TestFSStateDirSymlinkJudgedByTarget(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "data")
	require.NoError(t, os.MkdirAll(real, 0o755))
	require.NoError(t, os.Chmod(real, 0o755))
	link := filepath.Join(base, ".openclaw")
	require.NoError(t, os.Symlink(real, link))
	cfgPath := filepath.Join(link, "openclaw.json")
	require.NoError(t, os.WriteFile(cfgPath, []byte(`{}`), 0o600))
	s := auditkit.Load(t, link, cfgPath, map[string]string{}, "")
	r, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	requireHit(t, r, "fs.state_dir.symlink", model.Warn)
	requireHit(t, r, "fs.state_dir.perms_readable", model.Warn)
}

func TestFSIncludeModes(t *testing.T) {
	for _, c := range []struct {
		mode os.FileMode
		id   string
		sev  model.Severity
	}{
		{0o644, "fs.config_include.perms_world_readable", model.Critical},
		{0o640, "fs.config_include.perms_group_readable", model.Warn},
		{0o620, "fs.config_include.perms_writable", model.Critical},
	} {
		t.Run(c.mode.String(), func(t *testing.T) {
			r := checkRun(t, `{ "$include": "./extra.json5" }`, auditkit.Options{
				StateMode: 0o700, ConfigMode: 0o600,
				Files: []auditkit.File{{Path: "extra.json5", Data: `{ logging: { redactSensitive: 'off' } }`, Mode: c.mode}},
			})
			f := requireHit(t, r, c.id, c.sev)
			require.True(t, strings.HasSuffix(f.File, "extra.json5"), f.File)
			requireNoHit(t, r, "fs.config.perms_world_readable")
		})
	}
	r := checkRun(t, `{ "$include": "./extra.json5" }`, auditkit.Options{StateMode: 0o700,
		Files: []auditkit.File{{Path: "extra.json5", Data: `{}`, Mode: 0o600}}})
	requireNoHit(t, r, "fs.config_include.perms_world_readable")
	requireNoHit(t, r, "fs.config_include.perms_group_readable")
	requireNoHit(t, r, "fs.config_include.perms_writable")
}

func TestFSCredentialsDirAndFiles(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	r := checkRun(t, `{}`, auditkit.Options{StateDir: state, StateMode: 0o700, Files: []auditkit.File{
		{Path: "credentials/whatsapp/default/creds.json", Data: `{"noiseKey":"x"}`, Mode: 0o644},
		{Path: "credentials/telegram-allowFrom.json", Data: `{"version":1,"allowFrom":["123"]}`, Mode: 0o640},
		{Path: "credentials/oauth.json", Data: `{}`, Mode: 0o600},
	}})
	f := requireHit(t, r, "fs.credentials.perms_readable", model.Critical)
	require.Len(t, f.Paths, 2)
	require.Contains(t, f.Detail, "creds.json")
	require.Contains(t, f.Detail, "telegram-allowFrom.json")
	require.NotContains(t, f.Detail, "oauth.json")
	require.True(t, strings.HasPrefix(f.Remediation, "chmod 600 "))

	// Group-only bits: warn.
	r = checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{
		{Path: "credentials/telegram-allowFrom.json", Data: `{"version":1,"allowFrom":["123"]}`, Mode: 0o640},
	}})
	requireHit(t, r, "fs.credentials.perms_readable", model.Warn)

	// The directory itself.
	dir := filepath.Join(state, "credentials")
	require.NoError(t, os.Chmod(dir, 0o755))
	s := auditkit.Load(t, state, filepath.Join(state, "openclaw.json"), map[string]string{}, "")
	r, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	requireHit(t, r, "fs.credentials_dir.perms_readable", model.Warn)
	require.NoError(t, os.Chmod(dir, 0o777))
	s = auditkit.Load(t, state, filepath.Join(state, "openclaw.json"), map[string]string{}, "")
	r, err = Run(context.Background(), s, Options{})
	require.NoError(t, err)
	requireHit(t, r, "fs.credentials_dir.perms_writable", model.Critical)
	requireNoHit(t, r, "fs.credentials_dir.perms_readable")
	require.NoError(t, os.Chmod(dir, 0o700))
}

func TestFSAgentFiles(t *testing.T) {
	// Both eras name the second agent; its files are judged too.
	for _, config := range []string{
		`{ agents: { list: [ { id: "main" }, { id: "work" } ] } }`,
		`{ agents: { entries: { main: {}, work: {} } } }`,
	} {
		r := checkRun(t, config, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{
			{Path: "agents/main/agent/auth-profiles.json", Data: `{}`, Mode: 0o644},
			{Path: "agents/work/agent/auth-profiles.json", Data: `{}`, Mode: 0o660},
			{Path: "agents/work/sessions/sessions.json", Data: `{}`, Mode: 0o640},
			{Path: "agents/main/sessions/a.jsonl", Data: "{}\n", Mode: 0o644},
			{Path: "agents/main/sessions/b.jsonl", Data: "{}\n", Mode: 0o600},
			{Path: "agents/work/sessions/c.jsonl.reset.1", Data: "{}\n", Mode: 0o604},
		}})
		f := requireHit(t, r, "fs.auth_profiles.perms_readable", model.Warn)
		require.Contains(t, f.File, filepath.Join("agents", "main"))
		f = requireHit(t, r, "fs.auth_profiles.perms_writable", model.Critical)
		require.Contains(t, f.File, filepath.Join("agents", "work"))
		requireHit(t, r, "fs.sessions_store.perms_readable", model.Warn)
		f = requireHit(t, r, "fs.transcripts.perms_readable", model.Warn)
		require.Contains(t, f.Detail, "agent main: 1 of 2")
		require.Contains(t, f.Detail, "agent work: 1 of 1")
		require.Len(t, f.Paths, 2)
	}
	r := checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{
		{Path: "agents/main/agent/auth-profiles.json", Data: `{}`},
		{Path: "agents/main/sessions/sessions.json", Data: `{}`},
		{Path: "agents/main/sessions/a.jsonl", Data: "{}\n"},
	}})
	for _, id := range []string{"fs.auth_profiles.perms_readable", "fs.auth_profiles.perms_writable", "fs.sessions_store.perms_readable", "fs.transcripts.perms_readable"} {
		requireNoHit(t, r, id)
	}
}

func TestFSTranscriptExamplesCapped(t *testing.T) {
	var files []auditkit.File
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		files = append(files, auditkit.File{Path: "agents/main/sessions/" + n + ".jsonl", Data: "{}\n", Mode: 0o644})
	}
	r := checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: files})
	f := requireHit(t, r, "fs.transcripts.perms_readable", model.Warn)
	require.Len(t, f.Paths, 5)
	require.Contains(t, f.Detail, "… 2 more")
	require.Contains(t, f.Detail, "7 of 7")
}

func TestFSLogFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	log := filepath.Join(state, "logs", "gateway.log")
	config := `{ logging: { file: "` + log + `" } }`
	r := checkRun(t, config, auditkit.Options{StateDir: state, StateMode: 0o700, Files: []auditkit.File{{Path: "logs/gateway.log", Data: "x", Mode: 0o644}}})
	f := requireHit(t, r, "fs.log_file.perms_readable", model.Warn)
	require.Equal(t, "chmod 600 "+log, f.Remediation)

	r = checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{{Path: "logs/gateway.log", Data: "x", Mode: 0o644}}})
	requireNoHit(t, r, "fs.log_file.perms_readable")
}

func TestFSSyncedDir(t *testing.T) {
	for _, sub := range []string{"Dropbox", "Library/Mobile Documents/com~apple~CloudDocs", "OneDrive - Corp", "Google Drive"} {
		state := filepath.Join(t.TempDir(), sub, ".openclaw")
		r := checkRun(t, `{}`, auditkit.Options{StateDir: state, StateMode: 0o700})
		f := requireHit(t, r, "fs.synced_dir", model.Warn)
		require.Contains(t, f.Detail, "stateDir="+state)
	}
	r := checkRun(t, `{}`, auditkit.Options{StateMode: 0o700})
	requireNoHit(t, r, "fs.synced_dir")
}

func TestFSBackupsAndEnv(t *testing.T) {
	r := checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{
		{Path: "openclaw.json.bak", Data: `{}`, Mode: 0o644},
		{Path: "openclaw.json.bak.1", Data: `{}`, Mode: 0o600},
		{Path: ".env", Data: "OPENCLAW_GATEWAY_TOKEN=abc\n", Mode: 0o644},
	}})
	f := requireHit(t, r, "fs.config_backup.perms_readable", model.Warn)
	require.Len(t, f.Paths, 1)
	require.True(t, strings.HasSuffix(f.Paths[0], "openclaw.json.bak"))
	requireHit(t, r, "fs.env_file.perms_readable", model.Critical)

	r = checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{{Path: ".env", Data: "X=1\n", Mode: 0o640}}})
	requireHit(t, r, "fs.env_file.perms_readable", model.Warn)
	requireNoHit(t, r, "fs.config_backup.perms_readable")

	r = checkRun(t, `{}`, auditkit.Options{StateMode: 0o700, Files: []auditkit.File{{Path: ".env", Data: "X=1\n"}}})
	requireNoHit(t, r, "fs.env_file.perms_readable")
}

func TestFSSymlinkOutOfState(t *testing.T) {
	base := t.TempDir()
	state := filepath.Join(base, ".openclaw")
	outside := filepath.Join(base, "shared-creds")
	require.NoError(t, os.MkdirAll(outside, 0o700))
	require.NoError(t, os.MkdirAll(filepath.Join(state, "agents", "main", "sessions"), 0o700))
	require.NoError(t, os.Symlink(outside, filepath.Join(state, "credentials")))
	// A link that stays inside is fine.
	require.NoError(t, os.WriteFile(filepath.Join(state, "agents", "main", "sessions", "s.json"), []byte(`{}`), 0o600))
	require.NoError(t, os.Symlink("s.json", filepath.Join(state, "agents", "main", "sessions", "sessions.json")))
	r := checkRun(t, `{}`, auditkit.Options{StateDir: state, StateMode: 0o700})
	f := requireHit(t, r, "fs.symlink_out_of_state", model.Warn)
	require.Equal(t, []string{filepath.Join(state, "credentials")}, f.Paths)
	require.Contains(t, f.Detail, "-> "+outside)
	require.NotContains(t, f.Detail, "sessions.json")
}

func TestFSOwnerMismatch(t *testing.T) {
	me := os.Getuid()
	s := auditkit.Snapshot(t, `{}`, auditkit.Options{Env: map[string]string{}, StateMode: 0o700})
	require.Empty(t, fsOwnerHits(s), "files we created are ours")
	// Pretend the survey found another owner (chown needs root).
	s.FS.StateDir.UID = uint32(me + 4242)
	hits := fsOwnerHits(s)
	require.Len(t, hits, 1)
	require.Contains(t, hits[0].Detail, "owned by uid")
	s.FS.StateDir.UID = 0
	require.Empty(t, fsOwnerHits(s), "root-owned is not flagged")
}

func TestFSUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads everything")
	}
	state := filepath.Join(t.TempDir(), ".openclaw")
	locked := filepath.Join(state, "agents", "main", "sessions")
	r := checkRun(t, `{}`, auditkit.Options{StateDir: state, StateMode: 0o700, Files: []auditkit.File{{Path: "agents/main/sessions/a.jsonl", Data: "{}\n"}}})
	requireNoHit(t, r, "fs.unreadable")
	require.NoError(t, os.Chmod(locked, 0o000))
	t.Cleanup(func() { os.Chmod(locked, 0o700) })
	s := auditkit.Load(t, state, filepath.Join(state, "openclaw.json"), map[string]string{}, "")
	r, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	f := requireHit(t, r, "fs.unreadable", model.Warn)
	require.Contains(t, f.Detail, locked)
}

// Filesystem checks still run when the config cannot be parsed.
func TestFSRunsWithUnreadableConfig(t *testing.T) {
	r := checkRun(t, `{ gateway: `, auditkit.Options{StateMode: 0o755, ConfigMode: 0o644})
	requireHit(t, r, IDConfigUnreadable, model.Critical)
	requireHit(t, r, "fs.state_dir.perms_readable", model.Warn)
	requireHit(t, r, "fs.config.perms_world_readable", model.Critical)
}

// fsDetail and fsChmod spell modes as fmt's %03o and %o did.
func TestFsDetailAndChmodSpelling(t *testing.T) {
	for _, m := range []fs.FileMode{0, 0o1, 0o7, 0o10, 0o44, 0o600, 0o644, 0o777, 0o4755 | fs.ModeDir} {
		fi := model.FileInfo{Path: "/s/a b", Mode: m}
		require.Equal(t, fmt.Sprintf("%s mode=0o%03o", fi.Path, m.Perm()), fsDetail(fi))
		require.Equal(t, fmt.Sprintf("chmod %o %s", m, cmdline.Join("/s/a b", "/s/c")), fsChmod(m, "/s/a b", "/s/c"))
	}
}
