package model

import (
	"path/filepath"
	"strings"
)

// AgentWorkspace is one agent's workspace dir as OpenClaw resolves it.
type AgentWorkspace struct {
	AgentID string
	Dir     string
}

// AgentWorkspaces lists each agent's workspace dir as OpenClaw's
// resolveAgentWorkspaceDir does for the target state dir (2026.2 and
// 2026.9 alike): the agent's own workspace; for the default agent
// agents.defaults.workspace, else OPENCLAW_WORKSPACE_DIR, else
// <state>/workspace; for another agent agents.defaults.workspace/<id>, else
// <state>/workspace-<id>. A dir shared by several agents is listed once,
// under the first. Paths go through ExpandUserPath.
func (s *Snapshot) AgentWorkspaces() []AgentWorkspace {
	var out []AgentWorkspace
	seen := map[string]bool{}
	defaults := strings.TrimSpace(s.Doc.Get("agents.defaults.workspace").Text())
	for _, a := range s.Doc.Agents() {
		var dir string
		switch own := strings.TrimSpace(a.Node.Get("workspace").Text()); {
		case own != "":
			dir = s.ExpandUserPath(own)
		case a.Default && defaults != "":
			dir = s.ExpandUserPath(defaults)
		case a.Default:
			dir = filepath.Join(s.Target.StateDir, "workspace")
			if s.Env != nil {
				if v, ok := s.Env("OPENCLAW_WORKSPACE_DIR"); ok && strings.TrimSpace(v) != "" {
					dir = s.ExpandUserPath(strings.TrimSpace(v))
				}
			}
		case defaults != "":
			dir = filepath.Join(s.ExpandUserPath(defaults), a.ID)
		default:
			dir = filepath.Join(s.Target.StateDir, "workspace-"+a.ID)
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		out = append(out, AgentWorkspace{AgentID: a.ID, Dir: dir})
	}
	return out
}

// ExpandUserPath resolves ~ and relative paths of the config the way
// OpenClaw does (relative to the home dir for ~, else to the state dir). A
// path inside the home's default state dir (~/.openclaw/…) names a place in
// "this state dir": when the target is another state dir (a copy,
// --state-dir), it is rebased there, so a copy's config never leads to the
// real home's files.
func (s *Snapshot) ExpandUserPath(p string) string {
	var abs string
	switch {
	case p == "~":
		abs = s.Target.Home
	case strings.HasPrefix(p, "~/"):
		abs = filepath.Join(s.Target.Home, p[2:])
	case filepath.IsAbs(p):
		abs = filepath.Clean(p)
	default:
		return filepath.Join(s.Target.StateDir, p)
	}
	if s.Target.Home == "" {
		return abs
	}
	home := filepath.Join(s.Target.Home, ".openclaw")
	if rel, ok := PathUnder(home, abs); ok && filepath.Clean(s.Target.StateDir) != home {
		return filepath.Join(s.Target.StateDir, rel)
	}
	return abs
}

// PathUnder is path relative to dir when path is dir or below it
// (lexically).
func PathUnder(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}
