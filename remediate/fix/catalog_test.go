package fix_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/realcli"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
)

const (
	modern = "2026.9.6"
	guide  = "2026.2.1"
	hex48  = "0123456789abcdef0123456789abcdef0123456789abcdef"
)

type extraCase struct {
	name    string
	config  string
	opts    auditkit.Options
	id      string
	kind    model.FixKind
	answers model.Answers
	want    []string // added lines
	removed []string // removed lines
	notWant []string // never in added lines
	// applied: the change is a whole-file write the candidate audit cannot
	// see; commit it and re-audit the state dir instead.
	applied bool
}

// diffLines splits a unified diff into added and removed lines.
func diffLines(d string) (added, removed string) {
	var a, r []string
	for _, l := range strings.Split(d, "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		case strings.HasPrefix(l, "+"):
			a = append(a, l)
		case strings.HasPrefix(l, "-"):
			r = append(r, l)
		}
	}
	return strings.Join(a, "\n"), strings.Join(r, "\n")
}

func hasFinding(t *testing.T, s *model.Snapshot, id string) bool {
	t.Helper()
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	for _, f := range rep.Findings {
		if f.CheckID == id {
			return true
		}
	}
	return false
}

func runExtra(t *testing.T, c extraCase) (*remediate.Prepared, model.ChangeSet) {
	t.Helper()
	s := auditkit.Snapshot(t, c.config, c.opts)
	require.NoError(t, s.DocErr)
	f := finding(t, s, c.id)
	r, ok := fix.For(f.CheckID)
	require.True(t, ok, "no remediation for %s", f.CheckID)
	require.Equal(t, c.kind, r.Kind)
	var qs []model.Question
	if r.Questions != nil {
		qs = r.Questions(s, f)
	}
	if c.kind == model.FixSafe {
		require.Empty(t, qs, "a safe fix asks nothing")
	}
	for _, q := range qs {
		require.NotEmpty(t, q.Title, q.ID)
		require.NotEmpty(t, q.Breaks, "question %s needs a one-line Breaks", q.ID)
		require.NotContains(t, q.Breaks, "\n")
		if q.Kind == model.Select || q.Kind == model.Confirm {
			require.NotEmpty(t, q.Default, "question %s needs a safe default", q.ID)
		}
	}
	require.NoError(t, fix.ValidateAnswers(qs, c.answers))
	a := fix.Defaults(qs, c.answers)
	require.NoError(t, fix.ValidateAnswers(qs, a), "defaults must validate")
	cs, err := r.Plan(s, f, a)
	require.NoError(t, err)
	require.False(t, cs.Empty(), "the plan changes nothing")
	for _, e := range cs.Edits {
		require.Equal(t, f.CheckID, e.CheckID, e.Path)
	}
	for _, w := range cs.Writes {
		require.Equal(t, f.CheckID, w.CheckID, w.Path)
	}
	for _, e := range cs.Env {
		require.Equal(t, f.CheckID, e.CheckID, e.Key)
	}
	p, err := remediate.Prepare(context.Background(), s, cs, realcli.Validator(t, s))
	require.NoError(t, err)
	d := p.Diff()
	added, removed := diffLines(d)
	for _, w := range c.want {
		require.Contains(t, added, w, "diff:\n%s", d)
	}
	for _, w := range c.removed {
		require.Contains(t, removed, w, "diff:\n%s", d)
	}
	for _, w := range c.notWant {
		require.NotContains(t, added, w, "diff:\n%s", d)
	}
	if c.applied {
		_, err := p.Txn.Commit(remediate.BackupMeta{Command: "fix", CheckIDs: []string{f.CheckID}})
		require.NoError(t, err)
		after := auditkit.Load(t, s.Target.StateDir, s.Target.ConfigPath, c.opts.Env, c.opts.CLIVersion)
		require.False(t, hasFinding(t, after, f.CheckID), "%s still reported after the write", f.CheckID)
	} else {
		require.Contains(t, p.Fixed, f.CheckID, "Prepare must verify the finding is gone")
	}
	return p, cs
}

func hooksOn(extra string) string {
	return `{ gateway: { mode: "local" }, agents: { entries: { main: {} } },
  hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}"` + extra + ` } }`
}

var hooksEnv = map[string]string{"OPENCLAW_HOOKS_TOKEN": strings.Repeat("cd", 24)}

func approvals(body string) []auditkit.File {
	return []auditkit.File{{Path: "exec-approvals.json", Data: body}}
}

func TestExtraRemediations(t *testing.T) {
	cases := []extraCase{
		// --- safe: hooks and MCP apps ---
		{
			name: "hooks default session key", id: "hooks.default_session_key_unset", kind: model.FixSafe,
			config: hooksOn(""), opts: auditkit.Options{CLIVersion: modern, Env: hooksEnv},
			want: []string{`defaultSessionKey: "hook:ingress"`},
		},
		{
			name: "hooks default session key stays inside the allowed prefixes", id: "hooks.default_session_key_unset", kind: model.FixSafe,
			config: hooksOn(`, allowedSessionKeyPrefixes: ["ingest:"]`), opts: auditkit.Options{CLIVersion: modern, Env: hooksEnv},
			want: []string{`defaultSessionKey: "ingest:ingress"`},
		},
		{
			name: "hook callers can no longer pick the session", id: "hooks.request_session_key_enabled", kind: model.FixSafe,
			config: hooksOn(`, defaultSessionKey: "hook:ingress", allowRequestSessionKey: true`), opts: auditkit.Options{CLIVersion: modern, Env: hooksEnv},
			want: []string{`allowRequestSessionKey: false`},
		},
		{
			name: "session key prefixes missing", id: "hooks.request_session_key_prefixes_missing", kind: model.FixSafe,
			config: hooksOn(`, defaultSessionKey: "hook:ingress", allowRequestSessionKey: true`), opts: auditkit.Options{CLIVersion: modern, Env: hooksEnv},
			want: []string{`allowRequestSessionKey: false`},
		},
		{
			name: "MCP apps off", id: "mcp.apps.enabled", kind: model.FixSafe,
			config: `{ gateway: { mode: "local" }, mcp: { apps: { enabled: true } } }`, opts: auditkit.Options{CLIVersion: modern},
			want: []string{`enabled: false`},
		},
		// --- gateway ---
		{
			name: "HTTP APIs without auth get a generated token", id: "gateway.http.no_auth", kind: model.FixGuided,
			config: `{ gateway: { mode: "local", bind: "loopback", auth: { mode: "none" } } }`,
			want:   []string{`mode: "token"`, `token: "${OPENCLAW_GATEWAY_TOKEN}"`},
		},
		{
			name: "browser control without auth (modern)", id: "browser.control_no_auth", kind: model.FixGuided,
			config: `{ gateway: { mode: "local" }, browser: { enabled: true } }`, opts: auditkit.Options{CLIVersion: modern},
			want: []string{`"${OPENCLAW_GATEWAY_TOKEN}"`, `mode: "token"`},
		},
		{
			name: "/tools/invoke keeps control-plane tools denied", id: "gateway.tools_invoke_http.dangerous_allow", kind: model.FixGuided,
			config: `{ gateway: { mode: "local", auth: { token: "${OPENCLAW_GATEWAY_TOKEN}" }, tools: { allow: ["read", "sessions_spawn", "cron"] } } }`,
			opts:   auditkit.Options{CLIVersion: modern, Env: map[string]string{"OPENCLAW_GATEWAY_TOKEN": hex48}},
			want:   []string{`allow: ["read"]`},
		},
		{
			name: "dangerous node commands removed (modern key)", id: "gateway.nodes.allow_commands_dangerous", kind: model.FixGuided,
			config: `{ gateway: { mode: "local", nodes: { commands: { allow: ["canvas.present", "camera.snap", "sms.send"] } } } }`,
			opts:   auditkit.Options{CLIVersion: modern},
			want:   []string{`allow: ["canvas.present"]`},
		},
		{
			name: "dangerous node commands denied (guide key)", id: "gateway.nodes.allow_commands_dangerous", kind: model.FixGuided,
			config:  `{ gateway: { mode: "local", nodes: { allowCommands: ["camera.snap", "screen.record"] } } }`,
			opts:    auditkit.Options{CLIVersion: guide},
			answers: model.Answers{"how": "deny"},
			want:    []string{`denyCommands: ["camera.snap", "screen.record"]`},
		},
		{
			name: "ineffective deny entries corrected", id: "gateway.nodes.deny_commands_ineffective", kind: model.FixGuided,
			config: `{ gateway: { mode: "local", nodes: { denyCommands: ["system.*", "camera.snapp", "system.run"] } } }`,
			opts:   auditkit.Options{CLIVersion: guide},
			want:   []string{`denyCommands: ["camera.snap", "system.run"]`},
		},
		{
			name: "hooks may only target the mapped agent", id: "hooks.allowed_agent_ids_unrestricted", kind: model.FixGuided,
			config: `{ gateway: { mode: "local" }, agents: { ownership: "explicit", entries: { main: {}, hooks: {} } },
  hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}", defaultSessionKey: "hook:ingress", mappings: [{ match: { path: "gmail" }, action: "agent", agentId: "hooks" }] } }`,
			opts: auditkit.Options{CLIVersion: modern, Env: hooksEnv},
			want: []string{`allowedAgentIds: ["hooks"]`},
		},
		{
			name: "internal hosts masked in logs", id: "logging.redact_patterns_missing", kind: model.FixGuided,
			config: `{ gateway: { mode: "local" }, models: { providers: { ollama: { baseUrl: "http://nas.local:11434", models: [] } } } }`,
			want:   []string{`redactPatterns: ["nas\\.local"]`},
		},
		// --- sandbox ---
		{
			name: "dangerous bind mounts dropped", id: "sandbox.dangerous_bind_mount", kind: model.FixGuided,
			config: `{ agents: { defaults: { sandbox: { mode: "all", docker: { binds: ["/var/run/docker.sock:/var/run/docker.sock", "/srv/project:/work:ro"] } } } } }`,
			want:   []string{`binds: ["/srv/project:/work:ro"]`}, notWant: []string{"docker.sock"},
		},
		{
			name: "relative bind mount dropped (agent's own docker block, modern)", id: "sandbox.bind_mount_non_absolute", kind: model.FixGuided,
			config:  `{ agents: { entries: { main: { sandbox: { mode: "all", docker: { binds: ["data:/data"] } } } } } }`,
			opts:    auditkit.Options{CLIVersion: modern},
			removed: []string{`binds: ["data:/data"]`},
		},
		{
			name: "host network → none", id: "sandbox.dangerous_network_mode", kind: model.FixGuided,
			config: `{ agents: { defaults: { sandbox: { mode: "all", docker: { network: "host" } } } } }`,
			want:   []string{`network: "none"`},
		},
		{
			name: "unconfined seccomp removed", id: "sandbox.dangerous_seccomp_profile", kind: model.FixGuided,
			config:  `{ agents: { defaults: { sandbox: { mode: "all", docker: { network: "none", seccompProfile: "unconfined" } } } } }`,
			removed: []string{`seccompProfile: "unconfined"`},
		},
		{
			name: "unconfined AppArmor securityOpt removed", id: "sandbox.dangerous_apparmor_profile", kind: model.FixGuided,
			config: `{ agents: { defaults: { sandbox: { mode: "all", docker: { securityOpt: ["apparmor=unconfined", "no-new-privileges"] } } } } }`,
			want:   []string{`securityOpt: ["no-new-privileges"]`},
		},
		{
			name: "dormant docker settings get sandbox mode all", id: "sandbox.docker_config_mode_off", kind: model.FixGuided,
			config: `{ agents: { defaults: { sandbox: { docker: { network: "none" } } } } }`,
			want:   []string{`mode: "all"`},
		},
		// --- exec ---
		{
			name: "read-only agent denies exec too (guide era)", id: "tools.exec.fs_tools_disabled_but_exec_enabled", kind: model.FixGuided,
			config: `{ agents: { list: [{ id: "main", tools: { deny: ["write", "edit", "apply_patch"] } }] } }`,
			opts:   auditkit.Options{CLIVersion: guide},
			want:   []string{`deny: ["write", "edit", "apply_patch", "exec", "process"]`},
		},
		{
			name: "interpreters out of safeBins", id: "tools.exec.safe_bins_interpreter_unprofiled", kind: model.FixGuided,
			config: `{ tools: { exec: { safeBins: ["jq", "python3"] } } }`,
			want:   []string{`safeBins: ["jq"]`},
		},
		{
			name: "risky trusted dirs dropped (modern)", id: "tools.exec.safe_bin_trusted_dirs_risky", kind: model.FixGuided,
			config: `{ tools: { exec: { safeBins: ["jq"], safeBinTrustedDirs: ["/usr/bin", "/tmp/bin"] } } }`,
			opts:   auditkit.Options{CLIVersion: modern},
			want:   []string{`safeBinTrustedDirs: ["/usr/bin"]`},
		},
		{
			name: "agents inherit the minimal profile", id: "tools.profile_minimal_overridden", kind: model.FixGuided,
			config:  `{ tools: { profile: "minimal" }, agents: { list: [{ id: "main", tools: { profile: "coding" } }] } }`,
			opts:    auditkit.Options{CLIVersion: guide},
			removed: []string{`profile: "coding"`}, notWant: []string{"coding"},
		},
		{
			name: "strict inline eval (modern)", id: "tools.exec.allowlist_interpreter_without_strict_inline_eval", kind: model.FixGuided,
			config: `{ agents: { entries: { main: {} } } }`,
			opts:   auditkit.Options{CLIVersion: modern, Files: approvals(`{ "version": 1, "agents": { "main": { "allowlist": [{ "pattern": "/usr/bin/python3" }] } } }`)},
			want:   []string{`strictInlineEval: true`},
		},
		{
			name: "interpreters removed from the approvals allowlist (guide era)", id: "tools.exec.allowlist_interpreter_without_strict_inline_eval", kind: model.FixGuided,
			config: `{ agents: { list: [{ id: "main" }] } }`,
			opts: auditkit.Options{CLIVersion: guide, Files: approvals(`{
  // approved by the owner
  "version": 1,
  "agents": { "main": { "allowlist": [
    { "pattern": "/usr/bin/jq" },
    { "pattern": "/usr/bin/python3" },
    { "pattern": "/usr/bin/node" }
  ] } }
}`)},
			removed: []string{`/usr/bin/python3`, `/usr/bin/node`}, notWant: []string{"python3"},
			applied: true,
		},
		{
			name: "autoAllowSkills off in exec-approvals.json", id: "tools.exec.auto_allow_skills_enabled", kind: model.FixGuided,
			config: `{ agents: { list: [{ id: "main" }] } }`,
			opts: auditkit.Options{Files: approvals(`{
  "version": 1,
  // skills I installed myself
  "defaults": { "security": "allowlist", "autoAllowSkills": true },
  "agents": { "main": { "autoAllowSkills": true } }
}`)},
			want:    []string{`"autoAllowSkills": false }`, `"main": { "autoAllowSkills": false }`},
			applied: true,
		},
		// --- channels ---
		{
			name: "name matching off", id: "channels.discord.allowFrom.dangerous_name_matching_enabled", kind: model.FixGuided,
			config:  `{ channels: { discord: { token: "${DISCORD_TOKEN}", dmPolicy: "pairing", allowFrom: ["123456789012345678"], dangerouslyAllowNameMatching: true } } }`,
			opts:    auditkit.Options{CLIVersion: modern, Env: map[string]string{"DISCORD_TOKEN": "x"}},
			removed: []string{"dangerouslyAllowNameMatching"},
		},
		{
			name: "discord name entries replaced with ids", id: "channels.discord.allowFrom.name_based_entries", kind: model.FixGuided,
			config:  `{ channels: { discord: { token: "${DISCORD_TOKEN}", dmPolicy: "allowlist", allowFrom: ["123456789012345678", "alice#1234", "bob"] } } }`,
			opts:    auditkit.Options{CLIVersion: modern, Env: map[string]string{"DISCORD_TOKEN": "x"}},
			answers: model.Answers{"replace": "alice#1234=223456789012345678"},
			want:    []string{`allowFrom: ["123456789012345678", "223456789012345678"]`},
		},
		{
			name: "telegram @usernames dropped", id: "channels.telegram.allowFrom.invalid_entries", kind: model.FixGuided,
			config: `{ channels: { telegram: { allowFrom: ["12345", "@bob"] } } }`,
			want:   []string{`allowFrom: ["12345"]`},
		},
		{
			name: "discord slash commands back on access groups", id: "channels.discord.commands.native.unrestricted", kind: model.FixGuided,
			config:  `{ commands: { useAccessGroups: false }, channels: { discord: { token: "${DISCORD_TOKEN}", groupPolicy: "allowlist", guilds: { "123456789012345678": {} } } } }`,
			opts:    auditkit.Options{CLIVersion: guide, Env: map[string]string{"DISCORD_TOKEN": "x"}},
			removed: []string{"useAccessGroups: false"},
		},
		{
			name: "slack slash commands back on access groups", id: "channels.slack.commands.slash.useAccessGroups_off", kind: model.FixGuided,
			config:  `{ commands: { useAccessGroups: false }, channels: { slack: { slashCommand: { enabled: true } } } }`,
			opts:    auditkit.Options{CLIVersion: guide},
			removed: []string{"useAccessGroups: false"},
		},
		{
			name: "discord slash commands without owners turned off", id: "channels.discord.commands.native.no_allowlists", kind: model.FixGuided,
			config: `{ channels: { discord: { token: "${DISCORD_TOKEN}", groupPolicy: "allowlist", guilds: { "123456789012345678": {} } } } }`,
			opts:   auditkit.Options{CLIVersion: guide, Env: map[string]string{"DISCORD_TOKEN": "x"}},
			want:   []string{`commands: { native: false }`},
		},
		{
			name: "slack slash commands get an owner", id: "channels.slack.commands.slash.no_allowlists", kind: model.FixGuided,
			config:  `{ channels: { slack: { dmPolicy: "pairing", slashCommand: { enabled: true } } } }`,
			opts:    auditkit.Options{CLIVersion: modern},
			answers: model.Answers{"how": "owner", "owners": "U0123ABCD"},
			want:    []string{`allowFrom: ["U0123ABCD"]`},
		},
		{
			name: "allowlisted guild restricted to known users", id: "channels.discord.allowlisted_groups.broad_members", kind: model.FixGuided,
			config: `{ channels: { discord: { token: "${DISCORD_TOKEN}", dmPolicy: "allowlist", allowFrom: ["123456789012345678"], groupPolicy: "allowlist", guilds: { "223456789012345678": { requireMention: true } } } } }`,
			opts:   auditkit.Options{CLIVersion: modern, Env: map[string]string{"DISCORD_TOKEN": "x"}},
			want:   []string{`users: ["123456789012345678"]`},
		},
		{
			name: "group chats get their own sessions", id: "security.trust_model.group_scope_main", kind: model.FixGuided,
			config:  `{ session: { dmScope: "per-channel-peer", groupScope: "main" } }`,
			opts:    auditkit.Options{CLIVersion: modern},
			removed: []string{`groupScope: "main"`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runExtra(t, c) })
	}
}

// Guide-era configs get the edit that era accepts: keys 2026.2.1 does not
// know are removed rather than set.
func TestExtraGuideEraShapes(t *testing.T) {
	_, cs := runExtra(t, extraCase{
		id: "hooks.request_session_key_enabled", kind: model.FixSafe,
		config: `{ hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}", allowRequestSessionKey: true } }`,
		opts:   auditkit.Options{CLIVersion: guide, Env: hooksEnv},
	})
	require.Equal(t, model.OpUnset, cs.Edits[0].Op)

	// hooks.defaultSessionKey does not exist before 2026.7: nothing is
	// written, the operator is told why.
	s := auditkit.Snapshot(t, `{ hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}" } }`, auditkit.Options{CLIVersion: guide, Env: hooksEnv})
	f := finding(t, s, "hooks.default_session_key_unset")
	r, _ := fix.For(f.CheckID)
	cs, err := r.Plan(s, f, nil)
	require.NoError(t, err)
	require.True(t, cs.Empty())
	require.Contains(t, strings.Join(cs.After, " "), "2026.7")
}

func TestExtraInvalidAnswersRejected(t *testing.T) {
	type bad struct {
		config  string
		opts    auditkit.Options
		id      string
		answers model.Answers
		inPlan  bool // rejected by Plan rather than ValidateAnswers
		msg     string
	}
	discordEnv := map[string]string{"DISCORD_TOKEN": "x"}
	cases := []bad{
		{config: `{ gateway: { mode: "local", nodes: { allowCommands: ["camera.snap"] } } }`, opts: auditkit.Options{CLIVersion: guide},
			id: "gateway.nodes.allow_commands_dangerous", answers: model.Answers{"how": "keep"}},
		{config: `{ agents: { defaults: { sandbox: { mode: "all", docker: { network: "host" } } } } }`,
			id: "sandbox.dangerous_network_mode", answers: model.Answers{"network": "host"}},
		{config: `{ agents: { defaults: { sandbox: { mode: "all", docker: { binds: ["/etc:/etc", "/var/run/docker.sock:/s"] } } } } }`,
			id: "sandbox.dangerous_bind_mount", answers: model.Answers{"drop": "agents.defaults.sandbox.docker.binds[0]"}, inPlan: true, msg: "leaves the finding"},
		{config: `{ channels: { discord: { token: "${DISCORD_TOKEN}", dmPolicy: "allowlist", allowFrom: ["alice"] } } }`, opts: auditkit.Options{CLIVersion: modern, Env: discordEnv},
			id: "channels.discord.allowFrom.name_based_entries", answers: model.Answers{"replace": "alice=bob"}},
		{config: `{ channels: { discord: { token: "${DISCORD_TOKEN}", dmPolicy: "allowlist", allowFrom: ["alice"] } } }`, opts: auditkit.Options{CLIVersion: modern, Env: discordEnv},
			id: "channels.discord.allowFrom.name_based_entries", answers: model.Answers{}, inPlan: true, msg: "left empty"},
		{config: `{ models: { providers: { ollama: { baseUrl: "http://nas.local:11434", models: [] } } } }`,
			id: "logging.redact_patterns_missing", answers: model.Answers{"patterns": "nas(local"}},
		{config: `{ channels: { slack: { slashCommand: { enabled: true } } } }`,
			id: "channels.slack.commands.slash.no_allowlists", answers: model.Answers{"how": "owner", "owners": "*"}},
		{config: `{ channels: { slack: { slashCommand: { enabled: true } } } }`,
			id: "channels.slack.commands.slash.no_allowlists", answers: model.Answers{"how": "owner"}, inPlan: true, msg: "at least one user id"},
		{config: `{ agents: { entries: { main: {} } }, hooks: { enabled: true, token: "${OPENCLAW_HOOKS_TOKEN}" } }`, opts: auditkit.Options{CLIVersion: modern, Env: hooksEnv},
			id: "hooks.allowed_agent_ids_unrestricted", answers: model.Answers{"agents": "ghost"}},
		{config: `{ tools: { exec: { safeBins: ["python3", "node"] } } }`,
			id: "tools.exec.safe_bins_interpreter_unprofiled", answers: model.Answers{"remove": "tools.exec|python3"}, inPlan: true, msg: "leaves the finding"},
		{config: `{ agents: { list: [{ id: "main" }] } }`,
			opts: auditkit.Options{CLIVersion: guide, Files: approvals(`{ "agents": { "main": { "allowlist": [{ "pattern": "/usr/bin/python3" }] } } }`)},
			id:   "tools.exec.allowlist_interpreter_without_strict_inline_eval", answers: model.Answers{"how": "strict"}, inPlan: true, msg: "older than 2026.4"},
		{config: `{ gateway: { mode: "local", auth: { mode: "none" } } }`,
			id: "gateway.http.no_auth", answers: model.Answers{"auth": "none"}},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			s := auditkit.Snapshot(t, c.config, c.opts)
			f := finding(t, s, c.id)
			r, ok := fix.For(f.CheckID)
			require.True(t, ok)
			qs := r.Questions(s, f)
			if !c.inPlan {
				require.Error(t, fix.ValidateAnswers(qs, c.answers))
				return
			}
			require.NoError(t, fix.ValidateAnswers(qs, c.answers))
			_, err := r.Plan(s, f, fix.Defaults(qs, c.answers))
			require.ErrorContains(t, err, c.msg)
		})
	}
}

// The two findings marked manual get advice, not edits.
func TestExtraAdvice(t *testing.T) {
	for _, id := range []string{"channels.telegram.dm.disabled", "security.trust_model.multi_user_heuristic"} {
		r, ok := fix.For(id)
		require.True(t, ok, id)
		require.Equal(t, model.FixManual, r.Kind)
		cs, err := r.Plan(nil, model.Finding{CheckID: id}, nil)
		require.NoError(t, err)
		require.True(t, cs.Empty())
		require.NotEmpty(t, cs.After)
	}
}
