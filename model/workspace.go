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
	agents := s.Doc.Agents()
	out := make([]AgentWorkspace, 0, len(agents))
	seen := make(map[string]bool, len(agents))
	defaults := strings.TrimSpace(s.Doc.Get("agents.defaults.workspace").Text())
	u := s.userPaths() // once, not per agent
	for _, a := range agents {
		var dir string
		switch own := strings.TrimSpace(a.Node.Get("workspace").Text()); {
		case own != "":
			dir = u.expand(own)
		case a.Default && defaults != "":
			dir = u.expand(defaults)
		case a.Default:
			dir = filepath.Join(s.Target.StateDir, "workspace")
			if s.Env != nil {
				if v, ok := s.Env("OPENCLAW_WORKSPACE_DIR"); ok && strings.TrimSpace(v) != "" {
					dir = u.expand(strings.TrimSpace(v))
				}
			}
		case defaults != "":
			dir = filepath.Join(u.expand(defaults), a.ID)
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
func (s *Snapshot) ExpandUserPath(p string) string { return s.userPaths().expand(p) }

// userPaths is what ExpandUserPath works out from the target alone, so a
// caller expanding every agent's path does it once.
type userPaths struct {
	home, stateDir string
	homeState      string // <home>/.openclaw, "" when there is no home
	rebase         bool   // the target is not homeState: paths in it are rebased
}

func (s *Snapshot) userPaths() userPaths {
	u := userPaths{home: s.Target.Home, stateDir: s.Target.StateDir}
	if u.home != "" {
		u.homeState = filepath.Join(u.home, ".openclaw")
		u.rebase = filepath.Clean(u.stateDir) != u.homeState
	}
	return u
}

func (u userPaths) expand(p string) string {
	var abs string
	switch {
	case p == "~":
		abs = u.home
	case strings.HasPrefix(p, "~/"):
		abs = filepath.Join(u.home, p[2:])
	case filepath.IsAbs(p):
		abs = filepath.Clean(p)
	default:
		return filepath.Join(u.stateDir, p)
	}
	if u.home == "" || !u.rebase {
		return abs
	}
	if rel, ok := PathUnder(u.homeState, abs); ok {
		return filepath.Join(u.stateDir, rel)
	}
	return abs
}

// PathUnder is path relative to dir when path is dir or below it
// (lexically).
func PathUnder(dir, path string) (string, bool) {
	if filepath.IsAbs(dir) && filepath.IsAbs(path) && filepath.Clean(dir) == dir && filepath.Clean(path) == path {
		// clean absolute paths (nearly every call): a prefix test, which
		// is what filepath.Rel comes to for them, without its allocations
		switch {
		case path == dir:
			return ".", true
		case dir == string(filepath.Separator):
			return path[1:], true
		case strings.HasPrefix(path, dir) && path[len(dir)] == filepath.Separator:
			return path[len(dir)+1:], true
		}
		return "", false
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}
