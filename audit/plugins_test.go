package audit

import (
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func pluginsOpts(files ...auditkit.File) auditkit.Options {
	return auditkit.Options{Dirs: []string{"extensions/some-plugin"}, Files: files}
}

func TestPluginsExtensionsNoAllowlist(t *testing.T) {
	// The catalogue's acceptance case.
	r := checkRun(t, `{}`, pluginsOpts())
	f := requireHit(t, r, "plugins.extensions_no_allowlist", model.Warn)
	require.Contains(t, f.Detail, "Found 1 extension(s)")
	require.Contains(t, f.Detail, "some-plugin")
	require.Equal(t, model.FixGuided, f.Fix)
	require.Equal(t, model.TierPlugins, f.Priority)

	// A configured Telegram bot exposes native skill commands by default: critical.
	r = checkRun(t, `{ channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" } } }`, auditkit.Options{
		Env: map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, Dirs: []string{"extensions/some-plugin"}})
	f = requireHit(t, r, "plugins.extensions_no_allowlist", model.Critical)
	require.Contains(t, f.Detail, "(telegram)")

	// …unless skill commands are off globally or on the channel.
	for _, c := range []string{
		`{ commands: { nativeSkills: false }, channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" } } }`,
		`{ commands: { nativeSkills: true }, channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}", commands: { nativeSkills: false } } } }`,
		// Slack's default is off.
		`{ channels: { slack: { botToken: "xoxb-1234567890-abcdefghijkl" } } }`,
	} {
		env := map[string]string{"TELEGRAM_BOT_TOKEN": "x"}
		if !strings.Contains(c, "telegram") {
			env = map[string]string{}
		}
		r = checkRun(t, c, auditkit.Options{Env: env, Dirs: []string{"extensions/some-plugin"}})
		requireHit(t, r, "plugins.extensions_no_allowlist", model.Warn)
	}
	// Discord configured through an account in the modern shape, or only via the env.
	r = checkRun(t, `{ channels: { discord: { accounts: { work: { token: "${DISCORD_WORK}" } } } } }`, auditkit.Options{Env: map[string]string{"DISCORD_WORK": "x"}, Dirs: []string{"extensions/a"}})
	requireHit(t, r, "plugins.extensions_no_allowlist", model.Critical)
	r = checkRun(t, `{}`, auditkit.Options{Env: map[string]string{"DISCORD_BOT_TOKEN": "x"}, Dirs: []string{"extensions/a"}})
	requireHit(t, r, "plugins.extensions_no_allowlist", model.Critical)

	// Allowlist set, or nothing installed: quiet.
	requireNoHit(t, checkRun(t, `{ plugins: { allow: ["some-plugin"] } }`, pluginsOpts()), "plugins.extensions_no_allowlist")
	requireNoHit(t, checkRun(t, `{}`, auditkit.Options{}), "plugins.extensions_no_allowlist")
}

func TestPluginsPhantomEntries(t *testing.T) {
	r := checkRun(t, `{ plugins: { allow: ["some-plugin", "ghost-plugin-xyz", "discord", "memory-core", "group:plugins"] } }`, pluginsOpts())
	f := requireHit(t, r, "plugins.allow_phantom_entries", model.Warn)
	require.Contains(t, f.Detail, "ghost-plugin-xyz")
	require.NotContains(t, f.Detail, "some-plugin")
	require.NotContains(t, f.Detail, "memory-core")
	require.Equal(t, 1, f.Line)

	// Configured plugin entries and channel ids are known.
	r = checkRun(t, `{ plugins: { allow: ["some-plugin", "my-local"], entries: { "my-local": { enabled: true } } }, channels: { "custom-chan": {} } }`, pluginsOpts())
	requireNoHit(t, r, "plugins.allow_phantom_entries")
	// No extensions installed: OpenClaw does not run the check.
	requireNoHit(t, checkRun(t, `{ plugins: { allow: ["ghost"] } }`, auditkit.Options{}), "plugins.allow_phantom_entries")
}

func TestPluginsToolsReachable(t *testing.T) {
	// Full profile (default), no allowlist: the default context is permissive.
	r := checkRun(t, `{}`, pluginsOpts())
	f := requireHit(t, r, "plugins.tools_reachable_permissive_policy", model.Warn)
	require.Contains(t, f.Detail, "Enabled extension plugins: some-plugin")
	require.Contains(t, f.Detail, "- default")

	// Restrictive profile everywhere: quiet.
	requireNoHit(t, checkRun(t, `{ tools: { profile: "coding" } }`, pluginsOpts()), "plugins.tools_reachable_permissive_policy")
	// An explicit allowlist that names no plugin: quiet.
	requireNoHit(t, checkRun(t, `{ tools: { allow: ["read", "exec"] } }`, pluginsOpts()), "plugins.tools_reachable_permissive_policy")
	// The plugin disabled or not allowlisted: nothing enabled, quiet.
	requireNoHit(t, checkRun(t, `{ plugins: { entries: { "some-plugin": { enabled: false } } } }`, pluginsOpts()), "plugins.tools_reachable_permissive_policy")
	requireNoHit(t, checkRun(t, `{ plugins: { enabled: false } }`, pluginsOpts()), "plugins.tools_reachable_permissive_policy")
	// Sandbox all with the default sandbox tool policy blocks plugin tools.
	requireNoHit(t, checkRun(t, `{ agents: { defaults: { sandbox: { mode: "all" } } } }`, pluginsOpts()), "plugins.tools_reachable_permissive_policy")

	// An agent that explicitly allows the plugin, in both eras.
	for _, c := range []struct{ config, label string }{
		{`{ tools: { profile: "coding" }, agents: { list: [ { id: "ops", tools: { profile: "full", allow: ["read", "some-plugin"] } } ] } }`, "agents.list.ops"},
		{`{ tools: { profile: "coding" }, agents: { entries: { ops: { tools: { profile: "full", alsoAllow: ["group:plugins"] } } } } }`, "agents.entries.ops"},
	} {
		r = checkRun(t, c.config, pluginsOpts())
		f = requireHit(t, r, "plugins.tools_reachable_permissive_policy", model.Warn)
		require.Contains(t, f.Detail, "- "+c.label)
		require.NotContains(t, f.Detail, "- default")
	}
}

const pluginsInstallsConfig = `{
  plugins: {
    allow: ["pinned", "loose", "drifted"],
    installs: {
      pinned: { source: "npm", spec: "@acme/pinned@1.2.3", resolvedSpec: "@acme/pinned@1.2.3", integrity: "sha512-abc", version: "1.2.3" },
      loose: { source: "npm", spec: "@acme/loose@^2.0.0", version: "2.1.0" },
      drifted: { source: "npm", spec: "drifted@3.0.0", integrity: "sha512-def", resolvedVersion: "3.0.0" },
      localdev: { source: "path", sourcePath: "/home/me/dev/plugin" },
    },
  },
  hooks: { internal: { installs: { mailer: { source: "npm", spec: "hook-mailer" }, ok: { source: "npm", spec: "hook-ok@0.1.0", integrity: "sha512-x" } } } },
}`

func TestPluginsInstallRecords(t *testing.T) {
	r := checkRun(t, pluginsInstallsConfig, auditkit.Options{Files: []auditkit.File{
		{Path: "extensions/pinned/package.json", Data: `{"name":"@acme/pinned","version":"1.2.3"}`},
		{Path: "extensions/loose/package.json", Data: `{"name":"@acme/loose","version":"2.1.0"}`},
		{Path: "extensions/drifted/package.json", Data: `{"name":"drifted","version":"3.0.1"}`},
	}})
	f := requireHit(t, r, "plugins.installs_unpinned_npm_specs", model.Warn)
	require.Equal(t, "Unpinned plugin install records:\n- loose (@acme/loose@^2.0.0)", f.Detail)
	require.Equal(t, []string{"plugins.installs.loose.spec"}, f.Paths)
	f = requireHit(t, r, "plugins.installs_missing_integrity", model.Warn)
	require.Equal(t, "Plugin install records missing integrity:\n- loose", f.Detail)
	f = requireHit(t, r, "plugins.installs_version_drift", model.Warn)
	require.Contains(t, f.Detail, "- drifted (recorded 3.0.0, installed 3.0.1)")
	require.NotContains(t, f.Detail, "loose")

	f = requireHit(t, r, "hooks.installs_unpinned_npm_specs", model.Warn)
	require.Equal(t, "Unpinned hook install records:\n- mailer (hook-mailer)", f.Detail)
	f = requireHit(t, r, "hooks.installs_missing_integrity", model.Warn)
	require.Equal(t, "Hook install records missing integrity:\n- mailer", f.Detail)

	// No npm records: quiet.
	r = checkRun(t, `{ plugins: { installs: { dev: { source: "path" } } } }`, auditkit.Options{})
	for _, id := range []string{"plugins.installs_unpinned_npm_specs", "plugins.installs_missing_integrity", "plugins.installs_version_drift", "hooks.installs_unpinned_npm_specs"} {
		requireNoHit(t, r, id)
	}
}

func TestPluginsPinned(t *testing.T) {
	for spec, want := range map[string]bool{
		"@scope/pkg@1.2.3": true, "pkg@1.2.3": true, "pkg@v1.2.3-beta.1+build.5": true,
		"pkg": false, "pkg@latest": false, "pkg@^1.2.3": false, "@scope/pkg": false, "pkg@": false, "": false,
	} {
		require.Equal(t, want, pluginsPinned(spec), spec)
	}
}
