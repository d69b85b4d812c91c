package fix_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/realcli"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
)

// stateNames lists testdata/states/*.
func stateNames(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(testutil.Testdata("states"))
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	require.NotEmpty(t, out)
	return out
}

// loadState loads a copied state dir as the CLI would (its own openclaw.json).
func loadState(t *testing.T, state string) *model.Snapshot {
	t.Helper()
	return auditkit.Load(t, state, filepath.Join(state, "openclaw.json"), nil, "")
}

// safePlan is every safe fix for the snapshot's findings, merged.
func safePlan(t *testing.T, s *model.Snapshot) (model.ChangeSet, []model.Finding) {
	t.Helper()
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var cs model.ChangeSet
	seen := map[string]model.Edit{}
	for _, f := range rep.Findings {
		r, ok := fix.For(f.CheckID)
		if !ok || r.Kind != model.FixSafe {
			continue
		}
		part, err := r.Plan(s, f, nil)
		require.NoError(t, err, f.CheckID)
		for _, e := range part.Edits {
			if prev, ok := seen[e.Path]; ok {
				require.Equal(t, prev.Value, e.Value, "two safe fixes disagree on %s", e.Path)
			}
			seen[e.Path] = e
		}
		cs.Merge(part)
	}
	return cs, rep.Findings
}

// entry is one path's mode and bytes (nil for folders and symlinks).
type entry struct {
	mode fs.FileMode
	data []byte
	link string
}

// tree records every entry under dir except hardshell's own backups.
func tree(t *testing.T, dir string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		if rel == ".hardshell" {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		e := entry{mode: fi.Mode()}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			e.link, _ = os.Readlink(p)
		case fi.Mode().IsRegular():
			e.data, err = os.ReadFile(p)
			require.NoError(t, err)
		}
		out[rel] = e
		return nil
	}))
	return out
}

var commentLine = regexp.MustCompile(`(?m)^\s*//|/\*`)

func TestSafeFixEveryState(t *testing.T) {
	for _, name := range stateNames(t) {
		t.Run(name, func(t *testing.T) {
			state := testutil.CopyState(t, name)
			orig := tree(t, state)
			s := loadState(t, state)
			require.NoError(t, s.DocErr)
			cs, _ := safePlan(t, s)

			// never a symlink
			for _, c := range cs.Chmods {
				fi, err := os.Lstat(c.Path)
				require.NoError(t, err)
				require.Zero(t, fi.Mode()&fs.ModeSymlink, "chmod of a symlink: %s", c.Path)
				require.NotEmpty(t, c.CheckID, c.Path)
			}
			for _, e := range cs.Edits {
				require.NotEmpty(t, e.Path)
			}

			p, err := remediate.Prepare(context.Background(), s, cs, nil)
			require.NoError(t, err)
			set, err := p.Txn.Commit(remediate.BackupMeta{Command: "fix", ToolVersion: "test"})
			require.NoError(t, err)
			if cs.Empty() {
				require.Nil(t, set)
				return
			}

			// every chmod applied
			for _, c := range cs.Chmods {
				fi, err := os.Lstat(c.Path)
				require.NoError(t, err)
				require.Equal(t, c.Mode.Perm(), fi.Mode().Perm(), c.Path)
			}
			// comments kept in every config file
			for _, f := range s.Doc.Files {
				now, err := os.ReadFile(f.Path)
				require.NoError(t, err)
				require.Equal(t, len(commentLine.FindAll(f.Data, -1)), len(commentLine.FindAll(now, -1)), "comment lines in %s", f.Path)
			}
			// nothing a safe fix can still do
			s2 := loadState(t, state)
			rep, err := audit.Run(context.Background(), s2, audit.Options{})
			require.NoError(t, err)
			for _, f := range rep.Findings {
				r, ok := fix.For(f.CheckID)
				if !ok || r.Kind != model.FixSafe {
					continue
				}
				left, err := r.Plan(s2, f, nil)
				require.NoError(t, err)
				require.True(t, left.Empty(), "%s still has a safe fix after fixing: %+v", f.CheckID, left)
			}
			for _, id := range p.Fixed {
				for _, f := range rep.Findings {
					require.NotEqual(t, id, f.CheckID, "claimed fixed but still reported")
				}
			}

			// restore is byte- and mode-identical
			safety, err := remediate.Restore(remediate.RestoreRoots{StateDir: state}, set.ID, "test")
			require.NoError(t, err)
			require.NotNil(t, safety)
			require.Equal(t, orig, tree(t, state))
		})
	}
}

func TestPermFixesLoosePerms(t *testing.T) {
	state := testutil.CopyState(t, "loose-perms")
	s := loadState(t, state)
	cs, _ := safePlan(t, s)
	got := map[string]fs.FileMode{}
	for _, c := range cs.Chmods {
		rel, _ := filepath.Rel(state, c.Path)
		got[rel] = c.Mode
	}
	want := map[string]fs.FileMode{
		".": 0o700, "openclaw.json": 0o600, "openclaw.json.bak": 0o600,
		"credentials": 0o700, "credentials/whatsapp": 0o700, "credentials/whatsapp/default": 0o700,
		"credentials/oauth.json": 0o600, "credentials/whatsapp/default/creds.json": 0o600,
		"credentials/whatsapp-allowFrom.json": 0o600, "credentials/telegram-allowFrom.json": 0o600,
		"agents/main": 0o700, "agents/main/agent": 0o700, "agents/main/agent/auth-profiles.json": 0o600,
		"agents/work": 0o700, "agents/work/agent": 0o700, "agents/work/agent/auth-profiles.json": 0o600,
		"agents/main/sessions": 0o700, "agents/main/sessions/sessions.json": 0o600,
		"agents/work/sessions": 0o700, "agents/work/sessions/sessions.json": 0o600,
		"agents/work/sessions/40191aa8-9ed3-3ac3-7ee2-186347691a8c.jsonl": 0o600,
	}
	for rel, m := range want {
		require.Equal(t, m, got[rel], "chmod of %s", rel)
	}
	// the symlinks of the fixture are never emitted
	for _, l := range []string{"credentials/telegram-default-allowFrom.json", "logs/latest.log", "workspace/shared"} {
		_, ok := got[l]
		require.False(t, ok, "symlink %s emitted", l)
	}
}

func TestConfigFixShapesPerEra(t *testing.T) {
	guide := `{
  meta: { lastTouchedVersion: "2026.2.26" },
  // the owner's comment
  gateway: { bind: "lan", auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" },
    controlUi: { allowInsecureAuth: true, dangerouslyDisableDeviceAuth: true, dangerouslyAllowHostHeaderOriginFallback: true },
    allowRealIpFallback: true },
  logging: { redactSensitive: "off" },
  discovery: { mdns: { mode: "full" } },
  hooks: { enabled: true, path: "/", token: "${HOOKS_TOKEN}",
    gmail: { allowUnsafeExternalContent: true } },
  tools: { exec: { applyPatch: { workspaceOnly: false } } },
  channels: { discord: { dangerouslyAllowNameMatching: true } },
}`
	env := map[string]string{"OPENCLAW_GATEWAY_TOKEN": "0123456789abcdef0123456789abcdef0123456789abcdef", "HOOKS_TOKEN": "fedcba9876543210fedcba9876543210fedcba98"}
	s := auditkit.Snapshot(t, guide, auditkit.Options{Env: env})
	require.Equal(t, model.EraGuide, s.Era.Era)
	cs, _ := safePlan(t, s)
	byPath := map[string]model.Edit{}
	for _, e := range cs.Edits {
		byPath[e.Path] = e
	}
	require.Equal(t, false, byPath["gateway.controlUi.allowInsecureAuth"].Value)
	require.Equal(t, model.OpSet, byPath["gateway.controlUi.allowInsecureAuth"].Op)
	require.Equal(t, false, byPath["gateway.controlUi.dangerouslyDisableDeviceAuth"].Value)
	require.Equal(t, false, byPath["gateway.allowRealIpFallback"].Value)
	require.Equal(t, "tools", byPath["logging.redactSensitive"].Value)
	require.Equal(t, "minimal", byPath["discovery.mdns.mode"].Value)
	require.Equal(t, "/hooks", byPath["hooks.path"].Value)
	require.Equal(t, false, byPath["hooks.gmail.allowUnsafeExternalContent"].Value)
	require.Equal(t, true, byPath["tools.exec.applyPatch.workspaceOnly"].Value)
	_, named := byPath["channels.discord.dangerouslyAllowNameMatching"]
	require.False(t, named, "name matching may be what lets the owner in: never switched off by the safe fix")
	_, rl := byPath["gateway.auth.rateLimit"]
	require.False(t, rl, "2026.2.1 rejects gateway.auth.rateLimit")

	p, err := remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	out := p.Files[s.Target.ConfigPath]
	require.Contains(t, string(out), "// the owner's comment")
	require.Contains(t, string(out), `redactSensitive: "tools"`)
	require.Contains(t, p.Fixed, "gateway.control_ui.insecure_auth")
	require.Contains(t, p.Fixed, "hooks.path_root")
	require.NotContains(t, p.Fixed, "config.insecure_or_dangerous_flags", "name matching stays on, so the flag finding stays")

	modern := `{
  meta: { lastTouchedVersion: "2026.9.6" },
  agents: { entries: { main: {} } },
  gateway: { bind: "lan", auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" },
    controlUi: { allowInsecureAuth: true } },
}`
	s = auditkit.Snapshot(t, modern, auditkit.Options{Env: env})
	require.Equal(t, model.EraModern, s.Era.Era)
	cs, _ = safePlan(t, s)
	byPath = map[string]model.Edit{}
	for _, e := range cs.Edits {
		byPath[e.Path] = e
	}
	require.Equal(t, model.OpUnset, byPath["gateway.controlUi.allowInsecureAuth"].Op)
	require.Equal(t, audit.RateLimitDefault, byPath["gateway.auth.rateLimit"].Value)
	p, err = remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	out = p.Files[s.Target.ConfigPath]
	require.NotContains(t, string(out), "allowInsecureAuth")
	require.Contains(t, string(out), "exemptLoopback: true")
	require.Contains(t, p.Fixed, "gateway.auth_no_rate_limit")

	// evidence both ways: an unknown era gets the shape every era accepts
	unknown := `{ meta: { lastTouchedVersion: "2026.9.6" }, agents: { entries: { main: {} } },
  gateway: { controlUi: { allowInsecureAuth: true } }, logging: { redactSensitive: "off" } }`
	s = auditkit.Snapshot(t, unknown, auditkit.Options{Env: env})
	require.Equal(t, model.EraUnknown, s.Era.Era)
	cs, _ = safePlan(t, s)
	byPath = map[string]model.Edit{}
	for _, e := range cs.Edits {
		byPath[e.Path] = e
	}
	require.Equal(t, model.OpUnset, byPath["gateway.controlUi.allowInsecureAuth"].Op)
	require.Equal(t, model.OpUnset, byPath["logging.redactSensitive"].Op)
}

func TestSafeFixDriftRefused(t *testing.T) {
	state := testutil.CopyState(t, "lan-exposed")
	s := loadState(t, state)
	cs, _ := safePlan(t, s)
	p, err := remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	before := tree(t, state)
	cfg := filepath.Join(state, "openclaw.json")
	data, err := os.ReadFile(cfg)
	require.NoError(t, err)
	edited := append(bytes.Clone(data), []byte("\n// saved by the gateway\n")...)
	require.NoError(t, os.WriteFile(cfg, edited, 0o640))
	_, err = p.Txn.Commit(remediate.BackupMeta{Command: "fix"})
	var de *remediate.DriftError
	require.ErrorAs(t, err, &de)
	after := tree(t, state)
	before["openclaw.json"] = entry{mode: before["openclaw.json"].mode, data: edited}
	require.Equal(t, before, after, "nothing but the outside edit changed")
	sets, err := remediate.ListBackups(state)
	require.NoError(t, err)
	require.Empty(t, sets)
}

// Every safe remediation names ids the audit declares.
func TestSafeRemediationIDsAreDeclared(t *testing.T) {
	var ids []string
	for _, r := range fix.All() {
		if r.Kind != model.FixSafe {
			continue
		}
		for _, id := range r.CheckIDs {
			_, ok := audit.Lookup(id)
			require.True(t, ok, "safe remediation for undeclared check %s", id)
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	require.Contains(t, ids, "fs.state_dir.perms_world_writable")
	require.Contains(t, ids, "logging.redact_off")
}

// The safe fixes never add a validation issue: for every state dir and both
// OpenClaw versions, each issue the fixed config has, the original had too.
func TestSafeFixesValidateWithRealOpenClaw(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI (seconds a run)")
	}
	for _, v := range testutil.PeerVersions {
		for _, name := range stateNames(t) {
			t.Run(v+"/"+name, func(t *testing.T) {
				t.Parallel()
				val := realcli.Peer(t, v).Validator()
				state := testutil.CopyState(t, name)
				s := loadState(t, state)
				require.NoError(t, s.DocErr)
				cs, _ := safePlan(t, s)
				p, err := remediate.Prepare(context.Background(), s, cs, nil)
				require.NoError(t, err)
				before, err := val(s.Target.ConfigPath, nil)
				require.NoError(t, err)
				if len(p.Files) == 0 {
					t.Logf("OpenClaw %s, %s: no config edit; original: %s", v, name, realcli.Verdict(before))
					return
				}
				after, err := val(s.Target.ConfigPath, p.Files)
				require.NoError(t, err)
				t.Logf("OpenClaw %s, %s: original %s; fixed %s", v, name, realcli.Verdict(before), realcli.Verdict(after))
				// A config this version already rejects belongs to the other
				// era; there the result is only reported. Otherwise the fix
				// must not add a single issue.
				if len(before) > 0 && !eraMatches(s, v) {
					return
				}
				was := map[string]bool{}
				for _, m := range before {
					was[m] = true
				}
				for _, m := range after {
					require.True(t, was[m], "the fix introduced a validation issue under OpenClaw %s: %s", v, m)
				}
			})
		}
	}
}

// eraMatches: the fixture's era is the one this CLI version speaks.
func eraMatches(s *model.Snapshot, version string) bool {
	switch s.Era.Era {
	case model.EraModern:
		return strings.HasPrefix(version, "2026.9")
	case model.EraGuide:
		return strings.HasPrefix(version, "2026.2")
	}
	return false
}
