package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestSandboxDockerDangerous(t *testing.T) {
	r := checkRun(t, `{ agents: { defaults: { sandbox: { mode: "all", docker: {
    binds: ["/etc/passwd:/mnt/passwd:ro", "/run:/run", "/srv/projects:/work:rw", "data:/data"],
    network: "host", seccompProfile: "unconfined", apparmorProfile: "Unconfined",
  } } } } }`, auditkit.Options{})
	f := requireHit(t, r, "sandbox.dangerous_bind_mount", model.Critical)
	require.Contains(t, f.Detail, "/etc/passwd")
	require.Contains(t, f.Detail, "/run:/run")
	require.NotContains(t, f.Detail, "/srv/projects")
	require.Equal(t, "agents.defaults.sandbox.docker.binds[0]", f.Paths[0])
	require.NotZero(t, f.Line)
	f = requireHit(t, r, "sandbox.bind_mount_non_absolute", model.Warn)
	require.Contains(t, f.Detail, "data:/data")
	requireHit(t, r, "sandbox.dangerous_network_mode", model.Critical)
	requireHit(t, r, "sandbox.dangerous_seccomp_profile", model.Critical)
	requireHit(t, r, "sandbox.dangerous_apparmor_profile", model.Critical)
	requireNoHit(t, r, "sandbox.docker_config_mode_off")
}

func TestSandboxDockerPerAgentAndLegacy(t *testing.T) {
	// Per agent (guide era) with the older securityOpt form and a container network.
	r := checkRun(t, `{ agents: { list: [
    { id: "main" },
    { id: "ops", sandbox: { mode: "all", docker: { network: "container:vpn", securityOpt: ["seccomp=unconfined", "apparmor:unconfined"], binds: ["/var/run/docker.sock:/var/run/docker.sock"] } } },
  ] } }`, auditkit.Options{})
	f := requireHit(t, r, "sandbox.dangerous_network_mode", model.Critical)
	require.Contains(t, f.Paths, "agents.list[1].sandbox.docker.network")
	requireHit(t, r, "sandbox.dangerous_seccomp_profile", model.Critical)
	requireHit(t, r, "sandbox.dangerous_apparmor_profile", model.Critical)
	requireHit(t, r, "sandbox.dangerous_bind_mount", model.Critical)

	// A bind of the home directory covers ~/.ssh.
	home := t.TempDir()
	s := auditkit.Snapshot(t, `{ agents: { entries: { main: { sandbox: { mode: "all", docker: { binds: ["~:/home/agent"] } } } } } }`, auditkit.Options{Env: map[string]string{}})
	s.Target.Home = home
	hits := sandboxBindsRun("dangerous")(s)
	require.Len(t, hits, 1)
	require.Contains(t, hits[0].Detail, "covers "+home+"/.ssh")

	// Safe docker config: quiet.
	r = checkRun(t, `{ agents: { defaults: { sandbox: { mode: "all", docker: { network: "none", binds: ["/srv/data:/data:ro"] } } } } }`, auditkit.Options{})
	for _, id := range []string{"sandbox.dangerous_bind_mount", "sandbox.dangerous_network_mode", "sandbox.dangerous_seccomp_profile", "sandbox.dangerous_apparmor_profile", "sandbox.bind_mount_non_absolute"} {
		requireNoHit(t, r, id)
	}
}

func TestSandboxDockerConfigModeOff(t *testing.T) {
	r := checkRun(t, `{ agents: { defaults: { sandbox: { docker: { image: "openclaw-sandbox:bookworm-slim" } } } } }`, auditkit.Options{})
	requireHit(t, r, "sandbox.docker_config_mode_off", model.Warn)
	// One agent enables the sandbox: the defaults docker block is used.
	r = checkRun(t, `{ agents: { defaults: { sandbox: { docker: { image: "x" } } }, list: [ { id: "main", sandbox: { mode: "all" } } ] } }`, auditkit.Options{})
	requireNoHit(t, r, "sandbox.docker_config_mode_off")
	// An agent with its own docker block but mode off.
	r = checkRun(t, `{ agents: { entries: { ops: { sandbox: { mode: "off", docker: { network: "bridge" } } } } } }`, auditkit.Options{})
	f := requireHit(t, r, "sandbox.docker_config_mode_off", model.Warn)
	require.Contains(t, f.Detail, "agent ops")
}

func TestSandboxReachableScopeAndWorkspace(t *testing.T) {
	shared := `agents: { defaults: { sandbox: { mode: "all", scope: "shared", workspaceAccess: "rw" } } }`
	r := checkRun(t, `{ channels: { whatsapp: { groupPolicy: "allowlist", groups: { "120363000000000000@g.us": { requireMention: true } } } }, `+shared+` }`, auditkit.Options{})
	requireHit(t, r, "sandbox.scope_shared", model.Warn)
	requireHit(t, r, "sandbox.workspace_rw_reachable", model.Warn)

	// Only the owner can reach it: surfaced as info (issue 14), so the
	// shared/rw default is known before a channel opens up.
	r = checkRun(t, `{ channels: { telegram: { botToken: "123:abc", allowFrom: ["111111"] } }, `+shared+` }`, auditkit.Options{})
	f := requireHit(t, r, "sandbox.scope_shared", model.Info)
	require.Contains(t, f.Detail, "no one else can reach this agent yet")
	requireHit(t, r, "sandbox.workspace_rw_reachable", model.Info)

	// A binding routes a Discord guild to a non-default agent with rw access.
	r = checkRun(t, `{
  channels: { discord: { dm: { policy: "pairing" } } },
  agents: { list: [ { id: "main", default: true }, { id: "community", sandbox: { mode: "all", workspaceAccess: "rw" } } ] },
  bindings: [ { agentId: "community", match: { channel: "discord", guildId: "1234567890" } } ],
}`, auditkit.Options{})
	f = requireHit(t, r, "sandbox.workspace_rw_reachable", model.Warn)
	require.Contains(t, f.Detail, "bindings[0]")
	requireNoHit(t, r, "sandbox.scope_shared")

	// Sandbox off is left to the exposure matrix.
	r = checkRun(t, `{ channels: { whatsapp: { groupPolicy: "open" } }, agents: { defaults: { sandbox: { scope: "shared", workspaceAccess: "rw" } } } }`, auditkit.Options{})
	requireNoHit(t, r, "sandbox.scope_shared")
	requireNoHit(t, r, "sandbox.workspace_rw_reachable")
}
