package audit

import (
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDSandboxBindMountNonAbsolute     = "sandbox.bind_mount_non_absolute"
	IDSandboxDangerousApparmorProfile = "sandbox.dangerous_apparmor_profile"
	IDSandboxDangerousBindMount       = "sandbox.dangerous_bind_mount"
	IDSandboxDangerousNetworkMode     = "sandbox.dangerous_network_mode"
	IDSandboxDangerousSeccompProfile  = "sandbox.dangerous_seccomp_profile"
	IDSandboxDockerConfigModeOff      = "sandbox.docker_config_mode_off"
	IDSandboxScopeShared              = "sandbox.scope_shared"
	IDSandboxWorkspaceRwReachable     = "sandbox.workspace_rw_reachable"
)

// Sandbox checks: the Docker settings that would weaken the sandbox, and the
// sandbox sharing that matters once other people can reach an agent.

const whySandboxDocker = "The tool sandbox (agents.defaults.sandbox, Docker) is the boundary that keeps a prompt-injected tool call away from the host. Host networking, unconfined seccomp/AppArmor profiles or bind mounts of system and credential paths hand that boundary back to the model."

func init() {
	Register("sandbox",
		Check{
			ID: IDSandboxDockerConfigModeOff, Title: "Sandbox Docker settings are configured but the sandbox is off",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "agents.defaults.sandbox.docker has settings, the default mode is off and no agent enables a sandbox; or an agent has its own docker settings with its mode resolving to off",
			Remediation: `Set sandbox.mode="all" (or "non-main") where the Docker settings are meant to apply.`,
			Why:         "Sandboxing is opt-in: Docker settings do nothing while the mode is off, and tools run on the gateway host. This usually means the operator believes tools are contained when they are not.",
			Breaks:      "Tools run in containers; host files outside the workspace are no longer reachable.",
			Since:       "OpenClaw 2026.2", Run: runSandboxDockerModeOff,
		},
		Check{
			ID: IDSandboxBindMountNonAbsolute, Title: "Sandbox bind mount source is not absolute",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "a sandbox.docker.binds entry's source path is not absolute",
			Remediation: "Use absolute host paths in sandbox.docker.binds.",
			Why:         whySandboxDocker + " A relative source resolves against the gateway's working directory, so what gets mounted depends on how the gateway was started.",
			Since:       "OpenClaw 2026.2", Run: sandboxBindsRun("non_absolute"),
		},
		Check{
			ID: IDSandboxDangerousBindMount, Title: "Sandbox bind mount exposes a sensitive host path",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "a sandbox.docker.binds source covers or is inside a blocked path (/, /etc, /proc, /sys, /dev, /run, /var/run, the Docker socket, home credential dirs such as ~/.ssh, ~/.aws, the OpenClaw state dir) or targets a system path in the container",
			Remediation: "Remove the bind or mount a narrow project directory instead (read-only where possible).",
			Why:         whySandboxDocker + " The Docker socket alone is root on the host; credential directories give away keys.",
			Breaks:      "Tools that used those host paths lose access.",
			Since:       "OpenClaw 2026.2", Run: sandboxBindsRun("dangerous"),
		},
		Check{
			ID: IDSandboxDangerousNetworkMode, Title: "Sandbox uses the host (or another container's) network",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `sandbox.docker.network is "host" or "container:<id>"`,
			Remediation: `Set sandbox.docker.network to "none" (default) or a dedicated bridge network.`,
			Why:         whySandboxDocker + " Host networking reaches every service bound to localhost, including the gateway itself.",
			Breaks:      "Tools lose direct access to host-local services.",
			Since:       "OpenClaw 2026.2", Run: sandboxDockerRun("network"),
		},
		Check{
			ID: IDSandboxDangerousSeccompProfile, Title: "Sandbox runs without seccomp",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `sandbox.docker.seccompProfile is "unconfined" (or securityOpt seccomp=unconfined)`,
			Remediation: "Remove seccompProfile (Docker's default profile) or use a custom restrictive profile.",
			Why:         whySandboxDocker,
			Since:       "OpenClaw 2026.2", Run: sandboxDockerRun("seccomp"),
		},
		Check{
			ID: IDSandboxDangerousApparmorProfile, Title: "Sandbox runs without AppArmor",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `sandbox.docker.apparmorProfile is "unconfined" (or securityOpt apparmor=unconfined)`,
			Remediation: "Remove apparmorProfile (Docker's default profile) or use a restrictive one.",
			Why:         whySandboxDocker,
			Since:       "OpenClaw 2026.2", Run: sandboxDockerRun("apparmor"),
		},
		Check{
			ID: IDSandboxScopeShared, Title: "Sandbox is shared across agents and sessions others can reach",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `an agent reachable by other people (multi-user/open inbound for the default agent, or a binding routing groups/guilds to it) runs with sandbox.scope="shared" (info when no one else can reach it yet)`,
			Remediation: `Set sandbox.scope to "agent" (default) or "session".`,
			Why:         "The guide: keep agents.defaults.sandbox.scope at the default \"agent\" to stop agents reaching each other, or use \"session\" for strict per-session isolation. scope \"shared\" puts every agent and session in one container and workspace, so one person's prompt injection can read or plant files for everyone else.",
			Breaks:      "Sessions no longer see files written by other agents' sandboxes.",
			Since:       "hardshell", Run: sandboxReachableRun("scope"),
		},
		Check{
			ID: IDSandboxWorkspaceRwReachable, Title: "Agent workspace is writable from a sandbox others can reach",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `an agent reachable by other people has sandbox.workspaceAccess="rw" (info when no one else can reach it yet)`,
			Remediation: `Set sandbox.workspaceAccess to "ro" or "none" (default) for agents reachable by others.`,
			Why:         "workspaceAccess \"rw\" mounts the agent's real workspace read-write at /workspace. The guide's read-only setup uses \"ro\" (or \"none\", the default, which uses a scratch workspace under ~/.openclaw/sandboxes): with \"rw\", anyone who can message the agent can change its files, memory and instructions.",
			Breaks:      "The agent can no longer edit its workspace from those chats.",
			Since:       "hardshell", Run: sandboxReachableRun("workspace"),
		},
	)
}

// sandboxDockerScope is one place a sandbox.docker block lives.
type sandboxDockerScope struct {
	name  string
	path  string // agents.defaults.sandbox.docker or agents.list[1].sandbox.docker
	node  *model.Node
	agent *model.Agent // nil for defaults
}

func sandboxDockerScopes(s *model.Snapshot) []sandboxDockerScope {
	out := []sandboxDockerScope{{name: "agents.defaults", path: "agents.defaults.sandbox.docker", node: Config(s).Lookup("agents.defaults.sandbox.docker")}}
	for _, a := range s.Doc.Agents() {
		if a.Node == nil {
			continue
		}
		if n := a.Lookup("sandbox.docker"); n != nil {
			a := a
			out = append(out, sandboxDockerScope{name: "agent " + a.ID, path: a.Path + ".sandbox.docker", node: n, agent: &a})
		}
	}
	return out
}

func runSandboxDockerModeOff(s *model.Snapshot) []Hit {
	var lines, paths []string
	agents := s.Doc.Agents()
	for _, d := range sandboxDockerScopes(s) {
		if d.node.Len() == 0 {
			continue
		}
		if d.agent == nil {
			mode := Config(s).Lookup("agents.defaults.sandbox.mode").Text()
			if mode != "" && mode != "off" {
				continue
			}
			anyOn := false
			for _, a := range agents {
				anyOn = anyOn || sandboxMode(s, a) != "off"
			}
			if anyOn {
				continue
			}
			lines = append(lines, "agents.defaults.sandbox.docker is set but agents.defaults.sandbox.mode is "+quoteOr(mode, `unset (default "off")`)+" and no agent enables a sandbox")
			paths = append(paths, d.path, "agents.defaults.sandbox.mode")
			continue
		}
		if sandboxMode(s, *d.agent) == "off" {
			lines = append(lines, d.name+" has sandbox.docker settings but its sandbox mode resolves to off")
			paths = append(paths, d.path)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: strings.Join(lines, "\n"), Paths: paths}}
}

// sandboxBind splits "src:dst[:opts]".
func sandboxBind(b string) (src, dst string) {
	parts := strings.Split(strings.TrimSpace(b), ":")
	src = parts[0]
	if len(parts) > 1 {
		dst = parts[1]
	}
	return src, dst
}

func sandboxUnder(p, root string) bool {
	if root == "/" {
		return true
	}
	return p == root || strings.HasPrefix(p, root+"/")
}

// sandboxDangerousSource explains why a bind source is dangerous, or "".
func sandboxDangerousSource(s *model.Snapshot, src string) string {
	home := s.Target.Home
	if strings.HasPrefix(src, "~") && home != "" {
		src = filepath.Join(home, strings.TrimPrefix(src, "~"))
	}
	if !strings.HasPrefix(src, "/") {
		return ""
	}
	src = filepath.Clean(src)
	blocked := []string{"/etc", "/proc", "/sys", "/dev", "/run", "/var/run", "/var/run/docker.sock", "/run/docker.sock", "/boot", "/root", "/var/lib/docker"}
	if home != "" {
		for _, d := range []string{".ssh", ".aws", ".gnupg", ".kube", ".docker", ".config/gcloud", ".azure", ".netrc", ".openclaw"} {
			blocked = append(blocked, filepath.Join(home, d))
		}
	}
	if st := s.Target.StateDir; st != "" {
		blocked = append(blocked, filepath.Clean(st))
	}
	for _, b := range blocked {
		switch {
		case sandboxUnder(src, b):
			return "inside " + b
		case sandboxUnder(b, src):
			return "covers " + b
		}
	}
	return ""
}

func sandboxDangerousTarget(dst string) string {
	if !strings.HasPrefix(dst, "/") {
		return ""
	}
	dst = filepath.Clean(dst)
	if dst == "/" {
		return "targets the container root"
	}
	for _, b := range []string{"/etc", "/proc", "/sys", "/dev", "/run", "/var/run", "/usr", "/bin", "/sbin", "/lib", "/boot"} {
		if sandboxUnder(dst, b) {
			return "targets " + b + " in the container"
		}
	}
	return ""
}

func sandboxBindsRun(which string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		var lines, paths []string
		for _, d := range sandboxDockerScopes(s) {
			binds := d.node.Get("binds")
			for i, e := range nodeElems(binds) {
				b := e.Text()
				if b == "" {
					continue
				}
				src, dst := sandboxBind(b)
				p := model.Index(d.path+".binds", i)
				switch which {
				case "non_absolute":
					if !strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "~") {
						lines = append(lines, d.name+": "+b+" (source "+quoteOr(src, "empty")+" is relative)")
						paths = append(paths, p)
					}
				case "dangerous":
					why := sandboxDangerousSource(s, src)
					if why == "" {
						why = sandboxDangerousTarget(dst)
					}
					if why != "" {
						lines = append(lines, d.name+": "+b+" ("+why+")")
						paths = append(paths, p)
					}
				}
			}
		}
		if len(lines) == 0 {
			return nil
		}
		sev := model.Warn
		if which == "dangerous" {
			sev = model.Critical
		}
		return []Hit{{Severity: sev, Detail: "- " + strings.Join(lines, "\n- "), Paths: paths}}
	}
}

func sandboxDockerRun(which string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		var lines, paths []string
		for _, d := range sandboxDockerScopes(s) {
			switch which {
			case "network":
				n := strings.ToLower(strings.TrimSpace(d.node.Get("network").Text()))
				if n == "host" || strings.HasPrefix(n, "container:") {
					lines = append(lines, d.name+`: network="`+n+`"`)
					paths = append(paths, d.path+".network")
				}
			case "seccomp", "apparmor":
				if strings.EqualFold(strings.TrimSpace(d.node.Get(which+"Profile").Text()), "unconfined") {
					lines = append(lines, d.name+": "+which+`Profile="unconfined"`)
					paths = append(paths, d.path+"."+which+"Profile")
				}
				for i, o := range d.node.Get("securityOpt").Strings() {
					v := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(o), ":", "="))
					if v == which+"=unconfined" {
						lines = append(lines, d.name+`: securityOpt "`+o+`"`)
						paths = append(paths, model.Index(d.path+".securityOpt", i))
					}
				}
			}
		}
		if len(lines) == 0 {
			return nil
		}
		return []Hit{{Severity: model.Critical, Detail: "- " + strings.Join(lines, "\n- "), Paths: paths}}
	}
}

// sandboxReachable says whether other people can reach agent a, and how:
// the default agent when any multi-user or open-inbound signal exists; any
// agent a binding routes a group/channel peer, a guild/team, or a channel
// with multi-user signals to.
func sandboxReachable(s *model.Snapshot, a model.Agent, signals []multiUserSignal, open []openScope) string {
	multiChannels := map[string]bool{}
	for _, o := range open {
		multiChannels[o.Channel] = true
	}
	for _, m := range signals {
		multiChannels[strings.SplitN(m.Scope, " ", 2)[0]] = true
	}
	if a.Default && len(multiChannels) > 0 {
		return "default agent; other people can reach the bot (see security.trust_model.multi_user_heuristic)"
	}
	b := Config(s).Get("bindings")
	for i, e := range nodeElems(b) {
		if e.Get("agentId").Text() != a.ID {
			continue
		}
		m := e.Get("match")
		kind := m.Lookup("peer.kind").Text()
		p := model.Index("bindings", i)
		switch {
		case kind == "group" || kind == "channel":
			return p + " routes a " + kind + " to it"
		case m.Get("guildId").IsSet() || m.Get("teamId").IsSet():
			return p + " routes a guild/team to it"
		case m.Get("peer") == nil && multiChannels[m.Get("channel").Text()]:
			return p + " routes channel " + m.Get("channel").Text() + ", which several people can reach"
		}
	}
	return ""
}

func sandboxReachableRun(which string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		signals, open := multiUser(s), openInbound(s)
		var lines, paths, quiet, quietPaths []string
		key, def, flagged := "scope", "agent", "shared"
		if which != "scope" {
			key, def, flagged = "workspaceAccess", "none", "rw"
		}
		for _, a := range toolContexts(s) {
			if sandboxMode(s, a) == "off" {
				continue // unsandboxed exposure is security.exposure.open_groups_with_runtime_or_fs
			}
			// the value first: the path strings only for a flagged agent
			if sandboxValue(s, a, key, def) != flagged {
				continue
			}
			v, p := sandboxSetting(s, a, key, def)
			how := sandboxReachable(s, a, signals, open)
			if how == "" {
				// not reachable by others yet: still worth knowing (info),
				// it becomes the warning the day a channel opens up
				quiet = append(quiet, contextName(a)+": sandbox."+key+`="`+v+`" (`+p+"); no one else can reach this agent yet")
				quietPaths = append(quietPaths, p)
				continue
			}
			lines = append(lines, contextName(a)+": sandbox."+key+`="`+v+`" (`+p+"); "+how)
			paths = append(paths, p)
		}
		if len(lines) == 0 {
			if len(quiet) == 0 {
				return nil
			}
			return []Hit{{Severity: model.Info, Detail: "- " + strings.Join(quiet, "\n- "), Paths: quietPaths}}
		}
		return []Hit{{Severity: model.Warn, Detail: "- " + strings.Join(append(lines, quiet...), "\n- "), Paths: append(paths, quietPaths...)}}
	}
}
