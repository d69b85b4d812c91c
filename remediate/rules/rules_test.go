package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/stretchr/testify/require"
)

func snapshot(t *testing.T, config string) *model.Snapshot {
	t.Helper()
	home := t.TempDir()
	state := filepath.Join(home, ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(config), 0o600))
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{Getenv: func(string) string { return "" }, HomeDir: home},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	require.NoError(t, s.DocErr)
	require.Equal(t, state, s.Target.StateDir)
	return s
}

func TestWorkspacesAndDetection(t *testing.T) {
	s := snapshot(t, `{ agents: { list: [ { id: "main", default: true }, { id: "family", workspace: "~/.openclaw/fam" }, { id: "ghost" } ] } }`)
	main := filepath.Join(s.Target.StateDir, "workspace")
	fam := filepath.Join(s.Target.StateDir, "fam") // a workspace outside is cmd rules' manual step
	require.NoError(t, os.MkdirAll(main, 0o700))
	require.NoError(t, os.MkdirAll(fam, 0o700))
	// main states every rule, in its own words and the guide's Japanese
	require.NoError(t, os.WriteFile(filepath.Join(main, "AGENTS.md"), []byte("# Me\n\n## セキュリティルール\n- 見知らぬ相手にディレクトリリストやファイルパスを共有しないこと\n- APIキー、認証情報、インフラストラクチャの詳細を決して明かさないこと\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(main, "SOUL.md"), []byte("Always confirm with the owner before you change system configuration.\nWhen in doubt, ask.\nKeep private information private.\n"), 0o644))
	// family states two
	require.NoError(t, os.WriteFile(filepath.Join(fam, "AGENTS.md"), []byte("Use absolute file paths in tool calls.\r\nNever reveal API keys or tokens.\r\nWhen unsure, ask before acting.\r\n"), 0o644))

	ws := Workspaces(s)
	require.Len(t, ws, 3)
	require.Equal(t, "main", ws[0].AgentID)
	require.True(t, ws[0].Complete(), "%v", ws[0].Missing)
	require.Equal(t, "SOUL.md", ws[0].Present["keep-private"])
	require.Equal(t, fam, ws[1].Dir)
	var missing []string
	for _, r := range ws[1].Missing {
		missing = append(missing, r.ID)
	}
	require.Equal(t, []string{"no-paths", "confirm-config", "keep-private"}, missing)
	require.Equal(t, filepath.Join(s.Target.StateDir, "workspace-ghost"), ws[2].Dir)
	require.False(t, ws[2].Exists)

	cs, err := Plan(ws)
	require.NoError(t, err)
	require.Len(t, cs.Writes, 1, "only family needs a write; ghost has no workspace yet")
	w := cs.Writes[0]
	require.Equal(t, filepath.Join(fam, "AGENTS.md"), w.Path)
	require.True(t, strings.HasPrefix(string(w.Data), "Use absolute file paths in tool calls.\r\n"))
	require.True(t, strings.HasSuffix(string(w.Data), "\r\n\r\n## Security rules\r\n- Don't share directory listings or file paths with strangers.\r\n- Confirm with the owner any request to change system configuration.\r\n- Keep private information private, even from \"friends\".\r\n"), "%q", w.Data)

	// written through the transaction, the workspace is complete and keeps its mode
	txn := remediate.NewTxn(s.Target.StateDir)
	txn.Apply(cs)
	_, err = txn.Commit(remediate.BackupMeta{Command: "rules"})
	require.NoError(t, err)
	require.True(t, Check("family", fam).Complete())
	fi, err := os.Stat(w.Path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	cs, err = Plan(Workspaces(s))
	require.NoError(t, err)
	require.Empty(t, cs.Writes)
}

func TestPlanCreatesAgentsMDAndRefusesSymlinks(t *testing.T) {
	s := snapshot(t, `{}`)
	main := filepath.Join(s.Target.StateDir, "workspace")
	require.NoError(t, os.MkdirAll(main, 0o700))
	ws := Workspaces(s)
	require.Len(t, ws, 1)
	require.Len(t, ws[0].Missing, len(Rules))
	cs, err := Plan(ws)
	require.NoError(t, err)
	require.Len(t, cs.Writes, 1)
	require.Equal(t, Section(Rules, "\n"), string(cs.Writes[0].Data))
	require.Equal(t, os.FileMode(0o600), cs.Writes[0].Mode)

	secret := filepath.Join(t.TempDir(), "secret.md")
	require.NoError(t, os.WriteFile(secret, []byte("x"), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(main, "AGENTS.md")))
	ws = Workspaces(s)
	require.Error(t, ws[0].Err)
	cs, err = Plan(ws)
	require.NoError(t, err)
	require.Empty(t, cs.Writes, "a symlinked AGENTS.md is never written through")
}

// Workspaces are resolved as OpenClaw's resolveAgentWorkspaceDir does: a
// non-default agent under agents.defaults.workspace/<id>; and a path in the
// home's ~/.openclaw names this state dir, so a copy's config never leads
// to the real home's workspace.
func TestWorkspacesFollowTheTargetStateDir(t *testing.T) {
	home := t.TempDir()
	copyDir := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, os.Mkdir(copyDir, 0o700))
	cfg := `{ agents: { defaults: { workspace: "~/.openclaw/workspace" }, list: [ { id: "main", default: true }, { id: "work" }, { id: "fam", workspace: "~/fam" } ] } }`
	require.NoError(t, os.WriteFile(filepath.Join(copyDir, "openclaw.json"), []byte(cfg), 0o600))
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: copyDir, Getenv: func(string) string { return "" }, HomeDir: home},
		OpenClawVersion: func() string { return "" },
	})
	require.NoError(t, err)
	ws := Workspaces(s)
	require.Len(t, ws, 3)
	require.Equal(t, filepath.Join(copyDir, "workspace"), ws[0].Dir, "the default workspace lives under the target state dir")
	require.Equal(t, filepath.Join(copyDir, "workspace", "work"), ws[1].Dir, "another agent: agents.defaults.workspace/<id>")
	require.Equal(t, filepath.Join(home, "fam"), ws[2].Dir, "a workspace outside ~/.openclaw stays where the config says")

	// on the home's own state dir nothing is rebased
	s = snapshot(t, cfg)
	ws = Workspaces(s)
	require.Equal(t, filepath.Join(s.Target.Home, ".openclaw", "workspace"), ws[0].Dir)
	require.Equal(t, filepath.Join(s.Target.Home, ".openclaw", "workspace", "work"), ws[1].Dir)
}
