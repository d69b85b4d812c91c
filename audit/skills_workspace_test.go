package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// skillsTree builds real files and links for a case: dirs, files and
// symlinks (link -> target, text as given, relative or absolute).
type skillsTree struct {
	dirs  []string
	files []string
	links [][2]string
}

func (tr skillsTree) build(t *testing.T, repl *strings.Replacer) {
	t.Helper()
	for _, d := range tr.dirs {
		require.NoError(t, os.MkdirAll(repl.Replace(d), 0o700))
	}
	for _, f := range tr.files {
		p := repl.Replace(f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte("---\nname: x\ndescription: test skill\n---\nDo the thing.\n"), 0o600))
	}
	for _, l := range tr.links {
		p := repl.Replace(l[0])
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.Symlink(repl.Replace(l[1]), p))
	}
}

// skills.workspace.symlink_escape: every symlink under an agent
// workspace's skills/ that resolves outside the workspace (OpenClaw 2026.9:
// skills/**/SKILL.md whose realpath escapes the workspace root). STATE is
// the state dir, OUT a dir outside every workspace, WS the default agent's
// workspace (<state>/workspace).
func TestSkillsWorkspaceSymlinkEscape(t *testing.T) {
	const oneAgent = `{ agents: { list: [{ id: "main", default: true }] } }`
	cases := []struct {
		name    string
		config  string
		tree    skillsTree
		escapes []string // links reported (as shown under the workspace)
		notes   []string // text the detail must contain
		verdict Verdict
	}{
		{name: "a skill dir linked in from a shared checkout", config: oneAgent,
			tree:    skillsTree{files: []string{"OUT/shared/gh-issues/SKILL.md", "WS/skills/local/SKILL.md"}, links: [][2]string{{"WS/skills/gh-issues", "OUT/shared/gh-issues"}}},
			escapes: []string{"WS/skills/gh-issues"}, notes: []string{"realpath=OUT/shared/gh-issues (a skill: its SKILL.md is loaded from there)"}, verdict: VerdictFail},
		{name: "a SKILL.md linked to a file outside", config: oneAgent,
			tree:    skillsTree{files: []string{"OUT/SKILL.md"}, links: [][2]string{{"WS/skills/notes/SKILL.md", "OUT/SKILL.md"}}},
			escapes: []string{"WS/skills/notes/SKILL.md"}, verdict: VerdictFail},
		{name: "a helper script of a skill linked outside (hardshell judges every link)", config: oneAgent,
			tree:    skillsTree{files: []string{"WS/skills/deploy/SKILL.md", "OUT/bin/deploy.sh"}, links: [][2]string{{"WS/skills/deploy/scripts/deploy.sh", "OUT/bin/deploy.sh"}}},
			escapes: []string{"WS/skills/deploy/scripts/deploy.sh"}, verdict: VerdictFail},
		{name: "a relative link climbing out", config: oneAgent,
			tree:    skillsTree{files: []string{"STATE/skills/managed/SKILL.md"}, links: [][2]string{{"WS/skills/managed", "../../skills/managed"}}},
			escapes: []string{"WS/skills/managed"}, notes: []string{"realpath=STATE/skills/managed"}, verdict: VerdictFail},
		{name: "a dangling link out: the first write creates the target", config: oneAgent,
			tree:    skillsTree{dirs: []string{"WS/skills"}, links: [][2]string{{"WS/skills/ghost", "OUT/not-yet"}}},
			escapes: []string{"WS/skills/ghost"}, notes: []string{"(dangling: a write through it creates the target)"}, verdict: VerdictFail},
		{name: "skills/ itself linked out", config: oneAgent,
			tree:    skillsTree{files: []string{"OUT/skills/a/SKILL.md"}, dirs: []string{"WS"}, links: [][2]string{{"WS/skills", "OUT/skills"}}},
			escapes: []string{"WS/skills"}, verdict: VerdictFail},
		{name: "a link inside the workspace is followed and what it leads to is judged", config: oneAgent,
			tree: skillsTree{files: []string{"WS/library/a/SKILL.md", "OUT/b/SKILL.md"},
				links: [][2]string{{"WS/skills/library", "../library"}, {"WS/library/b", "OUT/b"}}},
			escapes: []string{"WS/skills/library/b"}, verdict: VerdictFail},
		{name: "links that stay inside, and a loop, are fine", config: oneAgent,
			tree: skillsTree{files: []string{"WS/skills/a/SKILL.md", "WS/docs/readme.md"},
				links: [][2]string{{"WS/skills/b", "a"}, {"WS/skills/a/docs", "../../docs"}, {"WS/skills/loop", "."}}},
			verdict: VerdictPass},
		{name: "node_modules and dot dirs are not entered (OpenClaw loads no skill there)", config: oneAgent,
			tree: skillsTree{files: []string{"WS/skills/tool/SKILL.md", "OUT/pkg/index.js"},
				links: [][2]string{{"WS/skills/tool/node_modules/pkg", "OUT/pkg"}, {"WS/skills/tool/.git/objects", "OUT/pkg"}}},
			verdict: VerdictPass},
		{name: "a second agent's workspace and an explicit one outside the state dir",
			config: `{ agents: { list: [{ id: "main", default: true }, { id: "work" }, { id: "ops", workspace: "OUT/ops-ws" }] } }`,
			tree: skillsTree{files: []string{"OUT/x/SKILL.md"},
				links: [][2]string{{"STATE/workspace-work/skills/x", "OUT/x"}, {"OUT/ops-ws/skills/x", "OUT/x"}}},
			escapes: []string{"OUT/ops-ws/skills/x", "STATE/workspace-work/skills/x"}, verdict: VerdictFail},
		{name: "agents.defaults.workspace for the default agent (2026.9 entries)",
			config:  `{ agents: { defaults: { workspace: "OUT/team" }, entries: { main: { default: true } } } }`,
			tree:    skillsTree{files: []string{"OUT/y/SKILL.md"}, links: [][2]string{{"OUT/team/skills/y", "OUT/y"}, {"WS/skills/y", "OUT/y"}}},
			escapes: []string{"OUT/team/skills/y"}, verdict: VerdictFail},
		{name: "a workspace that is itself a link is judged by its real dir", config: oneAgent,
			tree: skillsTree{files: []string{"OUT/real-ws/skills/a/SKILL.md"},
				links: [][2]string{{"WS", "OUT/real-ws"}, {"OUT/real-ws/skills/b", "a"}}},
			verdict: VerdictPass},
		{name: "no skills dir", config: oneAgent, tree: skillsTree{dirs: []string{"WS"}}, verdict: VerdictNotApplicable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			state, out := filepath.Join(root, ".openclaw"), filepath.Join(root, "elsewhere")
			repl := strings.NewReplacer("WS", filepath.Join(state, "workspace"), "STATE", state, "OUT", out)
			require.NoError(t, os.MkdirAll(state, 0o700))
			tc.tree.build(t, repl)
			r := checkRun(t, repl.Replace(tc.config), auditkit.Options{StateDir: state})
			v := verdictsByID(r)["skills.workspace.symlink_escape"]
			require.Equal(t, tc.verdict, v.Verdict, v.Reason)
			if len(tc.escapes) == 0 {
				requireNoHit(t, r, "skills.workspace.symlink_escape")
				return
			}
			f := requireHit(t, r, "skills.workspace.symlink_escape", model.Warn)
			var want []string
			for _, e := range tc.escapes {
				want = append(want, repl.Replace(e))
			}
			require.ElementsMatch(t, want, f.Paths)
			for _, e := range want {
				require.Contains(t, f.Detail, "link="+e)
			}
			for _, n := range tc.notes {
				require.Contains(t, f.Detail, repl.Replace(n))
			}
			require.Equal(t, model.FixManual, f.Fix)
			require.Contains(t, f.Remediation, "rm -- ")
		})
	}
}

// The walk is bounded: a tree larger than the bound is reported as
// truncated, and the escape check is then unknown rather than passed.
func TestSkillsWorkspaceScanTruncated(t *testing.T) {
	defer func(d, e int) { skillsMaxDirs, skillsMaxEntries = d, e }(skillsMaxDirs, skillsMaxEntries)
	skillsMaxDirs = 5
	state := filepath.Join(t.TempDir(), ".openclaw")
	for i := range 8 {
		require.NoError(t, os.MkdirAll(filepath.Join(state, "workspace", "skills", fmt.Sprintf("s%d", i)), 0o700))
	}
	r := checkRun(t, `{}`, auditkit.Options{StateDir: state})
	f := requireHit(t, r, "skills.workspace.scan_truncated", model.Warn)
	require.Contains(t, f.Detail, filepath.Join(state, "workspace"))
	v := verdictsByID(r)["skills.workspace.symlink_escape"]
	require.Equal(t, VerdictUnknown, v.Verdict)
	require.Contains(t, v.Reason, "stopped at its bound")
}
