package audit

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDHooksInstallsVersionDrift             = "hooks.installs_version_drift"
	IDHooksInstallsMissingIntegrity         = "hooks.installs_missing_integrity"
	IDHooksInstallsUnpinnedNPMSpecs         = "hooks.installs_unpinned_npm_specs"
	IDPluginsAllowPhantomEntries            = "plugins.allow_phantom_entries"
	IDPluginsExtensionsNoAllowlist          = "plugins.extensions_no_allowlist"
	IDPluginsInstallsMissingIntegrity       = "plugins.installs_missing_integrity"
	IDPluginsInstallsUnpinnedNPMSpecs       = "plugins.installs_unpinned_npm_specs"
	IDPluginsInstallsVersionDrift           = "plugins.installs_version_drift"
	IDPluginsToolsReachablePermissivePolicy = "plugins.tools_reachable_permissive_policy"
)

// Tier 5: plugins and extensions. Plugins run in the gateway's process
// (the guide: treat them as trusted code), so the checks ask whether only
// chosen plugins can load, whether the allowlist names what is installed,
// whether plugin tools are reachable from a permissive tool policy, and
// whether npm installs are pinned and match what is on disk.
//
// Installed extensions come from the survey (s.FS.Extensions: the
// directories under <state>/extensions and their package.json version); a
// plugins.installs installPath outside the state dir cannot be compared
// (skipped rather than guessed). Hook-pack install records are read where
// each era keeps them (hooksInstallRecords) and their installed versions
// from <installPath or state/hooks/<id>>/package.json through the
// snapshot's file system (hooksInstalledVersion), as OpenClaw 2026.9's
// analyzeNpmInstalls does.

// pluginsInstalled lists the installed plugin ids (real directories under
// extensions/, as OpenClaw's readdir isDirectory()).
func pluginsInstalled(s *model.Snapshot) []model.Extension {
	var out []model.Extension
	for _, x := range fsState(s).Extensions {
		if x.Dir.IsDir && !x.Dir.IsSymlink {
			out = append(out, x)
		}
	}
	return out
}

func pluginsExtensionsDir(s *model.Snapshot) string {
	return filepath.Join(s.Target.StateDir, "extensions")
}

// pluginsSkillSurfaces are the chat channels whose native skill commands
// OpenClaw's audit considers, with the config keys and env vars that make
// each "configured" and the auto default of commands.nativeSkills.
var pluginsSkillSurfaces = []struct {
	id          string
	keys        []string // secret keys on the channel or any account
	files       []string // file-based tokens that also count
	env         []string
	autoDefault bool
}{
	{"discord", []string{"token"}, nil, []string{"DISCORD_BOT_TOKEN"}, true},
	{"telegram", []string{"botToken"}, []string{"tokenFile"}, []string{"TELEGRAM_BOT_TOKEN"}, true},
	{"slack", []string{"botToken", "appToken"}, nil, []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"}, false},
}

// pluginsSkillCommandsExposed names the configured chat surfaces that
// expose native skill commands (channel setting over commands.nativeSkills
// over the channel's auto default).
func pluginsSkillCommandsExposed(s *model.Snapshot) []string {
	root := Config(s)
	var out []string
	for _, c := range pluginsSkillSurfaces {
		ch := root.Lookup("channels." + c.id)
		configured := false
		nodes := []*model.Node{ch}
		accts := ch.Get("accounts")
		for _, k := range accts.Keys() {
			nodes = append(nodes, accts.Get(k))
		}
		for _, n := range nodes {
			for _, k := range c.keys {
				configured = configured || n.Get(k).IsSet()
			}
			for _, k := range c.files {
				configured = configured || strings.TrimSpace(n.Get(k).Text()) != ""
			}
		}
		for _, e := range c.env {
			_, ok := envValue(s, e)
			configured = configured || ok
		}
		if !configured {
			continue
		}
		enabled := c.autoDefault
		setting := ch.Lookup("commands.nativeSkills")
		if setting == nil {
			setting = root.Lookup("commands.nativeSkills")
		}
		if b, ok := setting.BoolValue(); ok {
			enabled = b
		}
		if enabled {
			out = append(out, c.id)
		}
	}
	return out
}

func pluginsNoAllowlist(s *model.Snapshot) []Hit {
	exts := pluginsInstalled(s)
	if len(exts) == 0 || len(Config(s).Lookup("plugins.allow").Strings()) > 0 {
		return nil
	}
	surfaces := pluginsSkillCommandsExposed(s)
	sev := model.Warn
	detail := fmt.Sprintf("Found %d extension(s) under %s. Without plugins.allow, any discovered plugin id may load (depending on config and plugin behavior).", len(exts), pluginsExtensionsDir(s))
	ids := make([]string, len(exts))
	for i, x := range exts {
		ids[i] = x.ID
	}
	detail += "\nInstalled: " + strings.Join(ids, ", ")
	if len(surfaces) > 0 {
		sev = model.Critical
		detail += "\nNative skill commands are enabled on at least one configured chat surface (" + strings.Join(surfaces, ", ") + "); treat unpinned/unallowlisted extensions as high risk."
	}
	return []Hit{{Severity: sev, Detail: detail, Paths: []string{"plugins.allow", "plugins"}}}
}

// pluginsBundled are plugin ids that ship with OpenClaw and never appear
// under extensions/ (stock plugins and the bundled channel plugins): an
// allowlist entry naming one is not a phantom. Any channel id configured
// under channels.* and any id under plugins.entries/installs counts too.
var pluginsBundled = map[string]bool{
	"memory-core": true, "memory-lancedb": true, "browser": true, "voice-call": true, "lobster": true,
	"llm-task": true, "copilot-proxy": true, "diagnostics-otel": true, "open-prose": true, "device-pair": true,
	"phone-control": true, "talk-voice": true, "thread-ownership": true, "acpx": true,
	"google-gemini-cli-auth": true, "google-antigravity-auth": true, "qwen-portal-auth": true, "minimax-portal-auth": true,
	"discord": true, "telegram": true, "slack": true, "whatsapp": true, "signal": true, "imessage": true,
	"bluebubbles": true, "msteams": true, "googlechat": true, "matrix": true, "mattermost": true, "irc": true,
	"feishu": true, "line": true, "nostr": true, "twitch": true, "zalo": true, "zalouser": true,
	"nextcloud-talk": true, "tlon": true, "synology-chat": true, "webchat": true,
}

func pluginsPhantom(s *model.Snapshot) []Hit {
	exts := pluginsInstalled(s)
	root := Config(s)
	allow := root.Lookup("plugins.allow").Strings()
	if len(exts) == 0 || len(allow) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, x := range exts {
		known[strings.ToLower(x.ID)] = true
		if x.Name != "" {
			known[strings.ToLower(x.Name)] = true
		}
	}
	for _, p := range []string{"plugins.entries", "plugins.installs", "channels"} {
		for _, k := range root.Lookup(p).Keys() {
			known[strings.ToLower(k)] = true
		}
	}
	var phantom []string
	for _, e := range allow {
		l := strings.ToLower(strings.TrimSpace(e))
		if l == "" || l == "group:plugins" || known[l] || pluginsBundled[l] {
			continue
		}
		phantom = append(phantom, e)
	}
	if len(phantom) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: fmt.Sprintf("The following plugins.allow entries do not correspond to any installed plugin: %s.\nPhantom entries could be exploited by registering a new plugin with an allowlisted ID.", strings.Join(phantom, ", ")),
		Paths:  []string{"plugins.allow"}}}
}

// pluginsEnabledIDs are installed extensions OpenClaw would load:
// plugins.enabled not false, not denied, allowed when an allowlist exists,
// and not disabled per entry.
func pluginsEnabledIDs(s *model.Snapshot) []string {
	root := Config(s)
	if root.Lookup("plugins.enabled").IsFalse() {
		return nil
	}
	lower := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, e := range l {
			if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
				m[e] = true
			}
		}
		return m
	}
	allow := lower(root.Lookup("plugins.allow").Strings())
	deny := lower(root.Lookup("plugins.deny").Strings())
	entries := root.Lookup("plugins.entries")
	disabled := map[string]bool{}
	for _, k := range entries.Keys() {
		if entries.Get(k).Get("enabled").IsFalse() {
			disabled[strings.ToLower(strings.TrimSpace(k))] = true
		}
	}
	var out []string
	for _, x := range pluginsInstalled(s) {
		id := strings.ToLower(strings.TrimSpace(x.ID))
		if id == "" || deny[id] || (len(allow) > 0 && !allow[id]) || disabled[id] {
			continue
		}
		out = append(out, id)
	}
	return out
}

// pluginsProbe is a tool name no built-in policy lists: a policy allows it
// only when it allows everything (as OpenClaw's __openclaw_plugin_probe__).
const pluginsProbe = "__openclaw_plugin_probe__"

// pluginsAllowEntries lists allow + alsoAllow of a tools node and of each
// of its byProvider policies.
func pluginsAllowEntries(tools *model.Node) []string {
	var out []string
	add := func(n *model.Node) {
		out = append(out, n.Get("allow").Strings()...)
		out = append(out, n.Get("alsoAllow").Strings()...)
	}
	add(tools)
	bp := tools.Get("byProvider")
	for _, k := range bp.Keys() {
		add(bp.Get(k))
	}
	return out
}

// pluginsSandboxBlocksProbe: with sandbox mode "all", OpenClaw layers the
// sandbox tool policy, whose default allowlist names only built-in tools;
// only an explicit sandbox allow of "*" or group:plugins lets plugin tools
// through.
func pluginsSandboxBlocksProbe(s *model.Snapshot, a model.Agent) bool {
	if sandboxMode(s, a) != "all" {
		return false
	}
	allow := Config(s).Lookup("tools.sandbox.tools.allow").Strings()
	if a.Node != nil {
		if n := a.Lookup("tools.sandbox.tools.allow"); n != nil {
			allow = n.Strings()
		}
	}
	for _, e := range allow {
		if e = strings.TrimSpace(e); e == "*" || e == "group:plugins" {
			return false
		}
	}
	return true
}

func pluginsToolsReachable(s *model.Snapshot) []Hit {
	enabled := pluginsEnabledIDs(s)
	if len(enabled) == 0 {
		return nil
	}
	enabledSet := map[string]bool{}
	for _, id := range enabled {
		enabledSet[id] = true
	}
	root := Config(s)
	explicit := func(entries []string) bool {
		for _, e := range entries {
			e = strings.ToLower(strings.TrimSpace(e))
			if e == "group:plugins" || enabledSet[e] {
				return true
			}
		}
		return false
	}
	type ctx struct {
		label string
		agent model.Agent
		path  string
	}
	ctxs := []ctx{{label: "default", agent: model.Agent{ID: "main"}, path: "tools"}}
	if s.Doc != nil {
		for _, a := range s.Doc.Agents() {
			if a.Node == nil {
				continue
			}
			label := a.Path // agents.entries.<id>
			if strings.HasPrefix(a.Path, "agents.list[") {
				label = "agents.list." + a.ID
			}
			ctxs = append(ctxs, ctx{label: label, agent: a, path: a.Path + ".tools"})
		}
	}
	var labels, paths []string
	for _, c := range ctxs {
		profile, _ := toolProfile(s, c.agent)
		_, restrictive := toolProfiles[profile]
		broad := toolAllowed(s, c.agent, pluginsProbe) && !pluginsSandboxBlocksProbe(s, c.agent)
		var own *model.Node
		if c.agent.Node != nil {
			own = c.agent.Lookup("tools")
		}
		named := !restrictive && (explicit(pluginsAllowEntries(root.Get("tools"))) || explicit(pluginsAllowEntries(own)))
		if broad || named {
			labels = append(labels, c.label)
			paths = append(paths, c.path)
		}
	}
	if len(labels) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: fmt.Sprintf("Enabled extension plugins: %s.\nPermissive tool policy contexts:\n- %s", strings.Join(enabled, ", "), strings.Join(labels, "\n- ")),
		Paths:  append(paths, "tools.profile")}}
}

// pluginsPinnedRe is OpenClaw's isPinnedRegistrySpec version test.
var pluginsPinnedRe = regexp.MustCompile(`^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)

func pluginsPinned(spec string) bool {
	v := strings.TrimSpace(spec)
	at := strings.LastIndex(v, "@")
	if at <= 0 || at >= len(v)-1 {
		return false
	}
	return pluginsPinnedRe.MatchString(strings.TrimSpace(v[at+1:]))
}

// pluginsInstallRecord is one npm install record. Path is its config path,
// or the state DB's file for a record kept there.
type pluginsInstallRecord struct {
	ID, Path string
	Node     *model.Node
	InDB     bool
}

// pluginsNpmInstalls lists the npm install records under base:
// plugins.installs in the config, or the hook-pack records
// (hooksInstallRecords).
func pluginsNpmInstalls(s *model.Snapshot, base string) []pluginsInstallRecord {
	var all []pluginsInstallRecord
	if base == hooksInstallsKey {
		all = hooksInstallRecords(s)
	} else {
		n := Config(s).Lookup(base)
		for _, id := range model.SortedKeys(n) {
			all = append(all, pluginsInstallRecord{ID: id, Path: model.Child(base, id), Node: n.Get(id)})
		}
	}
	var out []pluginsInstallRecord
	for _, r := range all {
		if r.Node.Get("source").Text() == "npm" {
			out = append(out, r)
		}
	}
	return out
}

// hooksInstallsKey is where hook-pack install records live: the config
// path in 2026.2 (recordHookInstall) and the config_machine_state key in
// 2026.9 (readHookInstalls).
const hooksInstallsKey = access.MachineStateHookInstalls

// hooksInstallRecords are the hook-pack install records of both eras: the
// config's hooks.internal.installs (2026.2, or a 2026.9 config not yet
// migrated by doctor) and the state DB's (2026.9). A record in both is the
// DB's, as 2026.9's migration merges them ({...config, ...db}).
func hooksInstallRecords(s *model.Snapshot) []pluginsInstallRecord {
	return s.Memo(hooksInstallsMemo{}, func() any {
		byID := map[string]pluginsInstallRecord{}
		n := Config(s).Lookup(hooksInstallsKey)
		for _, id := range model.SortedKeys(n) {
			byID[id] = pluginsInstallRecord{ID: id, Path: model.Child(hooksInstallsKey, id), Node: n.Get(id)}
		}
		if s.Target.StateDir != "" {
			if db := access.FromSnapshot(s).DB; db != nil && db.Err == nil && db.HookInstalls != "" {
				if v, err := model.ParseValue(db.Path+" ("+hooksInstallsKey+")", []byte(db.HookInstalls)); err == nil {
					for _, id := range model.SortedKeys(v) {
						byID[id] = pluginsInstallRecord{ID: id, Path: db.Path, Node: v.Get(id), InDB: true}
					}
				}
			}
		}
		out := make([]pluginsInstallRecord, 0, len(byID))
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			out = append(out, byID[id])
		}
		return out
	}).([]pluginsInstallRecord)
}

type hooksInstallsMemo struct{}

// fieldPath locates a field of the record: its config path, or the state
// DB's file for a record kept there.
func (r pluginsInstallRecord) fieldPath(field string) string {
	if r.InDB {
		return r.Path
	}
	return r.Path + "." + field
}

// hooksInstalledVersion is the version in <dir>/package.json, as
// readInstalledPackageVersion reads it ("" when absent or unreadable).
// The file is evidence, not an input a commit re-checks: it is read
// through the snapshot's file system without its recorder.
func hooksInstalledVersion(s *model.Snapshot, dir string) string {
	data, err := TargetFS(s).ReadFile(filepath.Join(dir, "package.json"), fsys.ReadOptions{MaxSize: fsys.MaxStore})
	if err != nil {
		return ""
	}
	var pkg struct {
		Version any `json:"version"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return ""
	}
	v, _ := pkg.Version.(string)
	return v
}

// hooksInstallDir is where a hook pack was installed: the record's
// installPath (~ expanded), else <state>/hooks/<id> (2026.9's
// analyzeNpmInstalls and 2026.2's resolveHookInstallDir).
func hooksInstallDir(s *model.Snapshot, r pluginsInstallRecord) string {
	if p := strings.TrimSpace(r.Node.Get("installPath").Text()); p != "" {
		if strings.HasPrefix(p, "~") || filepath.IsAbs(p) {
			return s.ExpandUserPath(p)
		}
		return ""
	}
	return filepath.Join(s.Target.StateDir, "hooks", r.ID)
}

// hooksVersionDrift is hooks.installs_version_drift: an npm hook install
// whose recorded version (resolvedVersion, else version) differs from the
// installed package.json version. A record without a version, or a pack
// whose package.json is absent or has no version, is not judged (as
// OpenClaw does).
func hooksVersionDrift(s *model.Snapshot) []Hit {
	var lines, paths []string
	for _, r := range pluginsNpmInstalls(s, hooksInstallsKey) {
		recorded := r.Node.Get("resolvedVersion").Text()
		if recorded == "" {
			recorded = r.Node.Get("version").Text()
		}
		if recorded == "" {
			continue
		}
		dir := hooksInstallDir(s, r)
		if dir == "" {
			continue
		}
		installed := hooksInstalledVersion(s, dir)
		if installed == "" || installed == recorded {
			continue
		}
		lines = append(lines, fmt.Sprintf("- %s (recorded %s, installed %s)", r.ID, recorded, installed))
		if !slices.Contains(paths, r.Path) {
			paths = append(paths, r.Path)
		}
		paths = append(paths, filepath.Join(dir, "package.json"))
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: "Detected hook install metadata drift:\n" + strings.Join(lines, "\n"), Paths: paths}}
}

// pluginsUnpinned and pluginsMissingIntegrity build the install-record
// checks for plugins.installs or hooks.internal.installs.
func pluginsUnpinned(base, noun string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		var lines, paths []string
		for _, r := range pluginsNpmInstalls(s, base) {
			spec, ok := r.Node.Get("spec").String()
			if !ok || pluginsPinned(spec) {
				continue
			}
			lines = append(lines, fmt.Sprintf("- %s (%s)", r.ID, spec))
			paths = append(paths, r.fieldPath("spec"))
		}
		if len(lines) == 0 {
			return nil
		}
		return []Hit{{Severity: model.Warn, Detail: fmt.Sprintf("Unpinned %s install records:\n%s", noun, strings.Join(lines, "\n")), Paths: paths}}
	}
}

func pluginsMissingIntegrity(base, noun string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		// 2026.2-era install records have no integrity field (OpenClaw
		// 2026.2 rejects it), so its absence says nothing there.
		if s.Era.Era == model.EraGuide {
			return nil
		}
		var lines, paths []string
		for _, r := range pluginsNpmInstalls(s, base) {
			if strings.TrimSpace(r.Node.Get("integrity").Text()) != "" {
				continue
			}
			lines = append(lines, "- "+r.ID)
			paths = append(paths, r.Path)
		}
		if len(lines) == 0 {
			return nil
		}
		return []Hit{{Severity: model.Warn, Detail: fmt.Sprintf("%s install records missing integrity:\n%s", noun, strings.Join(lines, "\n")), Paths: paths}}
	}
}

func pluginsVersionDrift(s *model.Snapshot) []Hit {
	byPath := map[string]model.Extension{}
	for _, x := range fsState(s).Extensions {
		byPath[filepath.Clean(x.Dir.Path)] = x
	}
	var lines, paths []string
	for _, r := range pluginsNpmInstalls(s, "plugins.installs") {
		recorded := r.Node.Get("resolvedVersion").Text()
		if recorded == "" {
			recorded = r.Node.Get("version").Text()
		}
		if recorded == "" {
			continue
		}
		dir := filepath.Join(pluginsExtensionsDir(s), r.ID)
		if p := strings.TrimSpace(r.Node.Get("installPath").Text()); p != "" {
			dir = filepath.Clean(p)
		}
		x, ok := byPath[dir]
		if !ok || x.Version == "" || x.Version == recorded {
			continue
		}
		lines = append(lines, fmt.Sprintf("- %s (recorded %s, installed %s)", r.ID, recorded, x.Version))
		paths = append(paths, r.Path)
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: "Detected plugin install metadata drift:\n" + strings.Join(lines, "\n"), Paths: paths}}
}

func init() {
	const tier = model.TierPlugins
	const whyPlugins = "The guide (plugins/extensions): plugins run in the same process as the gateway — treat them as trusted code. Install only from trusted sources, prefer an explicit plugins.allow allowlist, review plugin config before enabling, and restart the gateway after changing plugins."
	const whyNpm = "The guide: installing from npm (openclaw plugins install <npm-spec>) is equivalent to running untrusted code — OpenClaw runs npm pack and npm install --omit=dev in the extension dir, and npm lifecycle scripts execute during install. Prefer exact pinned versions (@scope/pkg@1.2.3) and review the unpacked code on disk before enabling."
	Register("plugins",
		Check{
			ID: IDPluginsExtensionsNoAllowlist, Title: "Extensions exist but plugins.allow is not set",
			Tier: tier, Fix: model.FixGuided, Severity: "warn; critical if a configured chat channel exposes native skill commands",
			Trigger:     "<state>/extensions/ has plugin dirs and plugins.allow is empty or unset",
			Remediation: "Set plugins.allow to an explicit list of plugin ids you trust.",
			Why:         whyPlugins + " Without the allowlist, any plugin dropped into extensions/ loads, and with native skill commands on a chat channel strangers can invoke what it registers.",
			Breaks:      "plugins left out of the allowlist stop loading after the gateway restarts",
			Since:       "OpenClaw 2026.2",
			Run:         pluginsNoAllowlist,
		},
		Check{
			ID: IDPluginsAllowPhantomEntries, Title: "plugins.allow contains entries with no matching installed plugin",
			Tier: tier, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "extensions are installed and a plugins.allow entry names no installed, configured or bundled plugin",
			Remediation: "Remove unused entries from plugins.allow, or verify the expected plugins are installed.",
			Why:         whyPlugins + " An allowlisted id with nothing behind it is a pre-approved slot: whoever can get a plugin with that id installed gets it loaded.",
			Breaks:      "nothing, unless you meant to install the plugin later",
			Since:       "OpenClaw 2026.4",
			Run:         pluginsPhantom,
		},
		Check{
			ID: IDPluginsToolsReachablePermissivePolicy, Title: "Extension plugin tools may be reachable under permissive tool policy",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     "enabled extension plugins and some context (defaults or an agent) has no restrictive tools.profile and an allow-everything policy, or explicitly allows a plugin id / group:plugins",
			Remediation: "Use restrictive profiles (`minimal`/`coding`) or explicit tool allowlists that exclude plugin tools for agents handling untrusted input.",
			Why:         whyPlugins + " Tools registered by plugins join the agent's tool list; under a full profile with no allowlist, a prompt-injected message can call them.",
			Breaks:      "agents lose plugin tools they used",
			Since:       "OpenClaw 2026.3",
			Run:         pluginsToolsReachable,
		},
		Check{
			ID: IDPluginsInstallsUnpinnedNPMSpecs, Title: "Plugin installs include unpinned npm specs",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     `a plugins.installs.<id> record with source "npm" whose spec is not name@x.y.z`,
			Remediation: "Pin install specs to exact versions (for example, `@scope/pkg@1.2.3`) for higher supply-chain stability.",
			Why:         whyNpm, Breaks: "updates need an explicit version bump", Since: "OpenClaw 2026.3",
			Run: pluginsUnpinned("plugins.installs", "plugin"),
		},
		Check{
			ID: IDPluginsInstallsMissingIntegrity, Title: "Plugin installs are missing integrity metadata",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     `a plugins.installs.<id> npm record without an integrity hash (2026.7+ configs: 2026.2 install records have no integrity field)`,
			Remediation: "Reinstall or update plugins to refresh install metadata with resolved integrity hashes.",
			Why:         whyNpm + " Without the integrity hash a changed tarball cannot be detected.", Breaks: "nothing", Since: "OpenClaw 2026.3",
			Run: pluginsMissingIntegrity("plugins.installs", "Plugin"),
		},
		Check{
			ID: IDPluginsInstallsVersionDrift, Title: "Plugin install records drift from installed package versions",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     "the recorded version (resolvedVersion, else version) differs from extensions/<id>/package.json",
			Remediation: "Run `openclaw plugins update --all` (or reinstall affected plugins) to refresh install metadata.",
			Why:         whyNpm + " Code on disk that differs from the recorded install was changed outside the installer.", Breaks: "nothing", Since: "OpenClaw 2026.3",
			Run: pluginsVersionDrift,
		},
	)
	Register("hooks",
		Check{
			ID: IDHooksInstallsUnpinnedNPMSpecs, Title: "Hook installs include unpinned npm specs",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     `a hooks.internal.installs.<id> record with source "npm" whose spec is not name@x.y.z`,
			Remediation: "Pin hook install specs to exact versions (for example, `@scope/pkg@1.2.3`) for higher supply-chain stability.",
			Why:         whyNpm, Breaks: "updates need an explicit version bump", Since: "OpenClaw 2026.3",
			Run: pluginsUnpinned(hooksInstallsKey, "hook"),
		},
		Check{
			ID: IDHooksInstallsMissingIntegrity, Title: "Hook installs are missing integrity metadata",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     `a hooks.internal.installs.<id> npm record without an integrity hash (2026.7+ configs)`,
			Remediation: "Reinstall or update hooks to refresh install metadata with resolved integrity hashes.",
			Why:         whyNpm + " Without the integrity hash a changed tarball cannot be detected.", Breaks: "nothing", Since: "OpenClaw 2026.3",
			Run: pluginsMissingIntegrity(hooksInstallsKey, "Hook"),
		},
		Check{
			ID: IDHooksInstallsVersionDrift, Title: "Hook install records drift from installed package versions",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     "an npm hook-pack install record (config hooks.internal.installs, or the 2026.9 state DB's) whose recorded version (resolvedVersion, else version) differs from the version in <installPath, else <state>/hooks/<id>>/package.json",
			Remediation: "Run `openclaw hooks update --all` (or reinstall affected hooks) to refresh install metadata.",
			Why:         whyNpm + " Hook packs run inside the gateway on its events; code on disk that differs from the recorded install was changed outside the installer.", Breaks: "nothing", Since: "OpenClaw 2026.3",
			Run: hooksVersionDrift,
		},
	)
}
