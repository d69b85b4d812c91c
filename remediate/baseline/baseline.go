// Package baseline writes the security guide's secure baseline (section 5,
// "secure baseline (copy/paste)") plus the operator's choices — channels, who
// may DM, groups and mention patterns, per-agent access profiles, exposure —
// as a commented JSON5 openclaw.json in the shape the target OpenClaw era
// accepts, or as edits that bring an existing config to it (Merge).
package baseline

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// Profile is one of the guide's per-agent access examples.
type Profile string

const (
	// Personal is "full access, no sandbox" (the owner's own agent).
	Personal Profile = "personal"
	// ReadOnly is "sandbox + read-only tools" (family/work agents).
	ReadOnly Profile = "readonly"
	// Public is "sandbox, no filesystem/shell tools" (public agents).
	Public Profile = "public"
)

// ParseProfile accepts a profile name or one of its aliases.
func ParseProfile(s string) (Profile, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "personal", "full", "owner":
		return Personal, nil
	case "readonly", "read-only", "ro", "family", "work", "family-work", "family/work":
		return ReadOnly, nil
	case "public", "nofs", "no-fs", "messaging":
		return Public, nil
	}
	return "", fmt.Errorf("%q is not an access profile (personal, readonly or public)", s)
}

// Describe is one line for menus and summaries.
func (p Profile) Describe() string {
	switch p {
	case Personal:
		return "personal: full access, no sandbox (the owner's own agent)"
	case ReadOnly:
		return "family/work: sandboxed, read-only workspace, read tool only"
	case Public:
		return "public: sandboxed, no filesystem or shell tools, messaging and sessions only"
	}
	return string(p)
}

// Exposure is how clients reach the gateway.
type Exposure string

const (
	// Loopback keeps the gateway on 127.0.0.1 only.
	Loopback Exposure = "loopback"
	// TailnetServe keeps the gateway on loopback and publishes it to the
	// tailnet with Tailscale Serve (the guide prefers this to a LAN bind).
	TailnetServe Exposure = "tailnet-serve"
)

// ParseExposure accepts loopback, tailnet or tailnet-serve.
func ParseExposure(s string) (Exposure, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "loopback", "local":
		return Loopback, nil
	case "tailnet", "tailnet-serve", "serve", "tailscale":
		return TailnetServe, nil
	}
	return "", fmt.Errorf("%q is not an exposure (loopback or tailnet)", s)
}

// DMPolicy is who may DM the bot on one channel.
type DMPolicy struct {
	Policy    string   // "pairing" or "allowlist"
	AllowFrom []string // sender ids allowed without pairing (required for allowlist)
}

// Options are the operator's choices.
type Options struct {
	// Era picks the key shape: EraGuide writes agents.list[] (2026.2),
	// EraModern agents.entries{} (2026.7+).
	// EraUnknown is treated as EraModern.
	Era      model.Era
	Channels []string
	// DM per channel; a channel without an entry gets pairing.
	DM map[string]DMPolicy
	// Groups lets the bot answer in groups, only when mentioned. false
	// turns groups off (groupPolicy "disabled").
	Groups          bool
	MentionPatterns []string
	// Profiles per agent id. Empty = {"main": Personal}.
	Profiles map[string]Profile
	// DefaultAgent is the agent that gets unrouted messages; "" = "main"
	// when listed, else the first id in sorted order.
	DefaultAgent string
	Exposure     Exposure
	// Token is the gateway token; "" = a fresh one (48 hex, crypto/rand).
	Token string
	// TokenEnv writes "${OPENCLAW_GATEWAY_TOKEN}" instead of the token; the
	// caller stores Token in <state>/.env.
	TokenEnv bool
	// Comments writes a comment above each setting saying why.
	Comments bool
	// StateDir is where the agents' workspaces go (<StateDir>/workspace);
	// "" = ~/.openclaw, the home's default state dir.
	StateDir string
}

// TokenVar is the variable a TokenEnv baseline references.
const TokenVar = "OPENCLAW_GATEWAY_TOKEN"

// KnownChannels are the channels the questions offer (any channel key is
// accepted).
var KnownChannels = []string{"whatsapp", "telegram", "discord", "slack", "signal", "imessage", "googlechat", "msteams"}

// Normalize checks the options and fills defaults (a fresh token, pairing
// DMs, the main agent). It is idempotent.
func (o *Options) Normalize() error {
	if o.Era != model.EraGuide {
		// no single shape suits both eras (Discord/Slack DM keys), so an
		// unknown era gets the newest schema
		o.Era = model.EraModern
	}
	seen := map[string]bool{}
	var chs []string
	for _, c := range o.Channels {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || seen[c] {
			continue
		}
		if !slices.Contains(KnownChannels, c) {
			return fmt.Errorf("channel %q: the baseline knows %s", c, strings.Join(KnownChannels, ", "))
		}
		seen[c] = true
		chs = append(chs, c)
	}
	o.Channels = chs
	if o.DM == nil {
		o.DM = map[string]DMPolicy{}
	}
	for c := range o.DM {
		if !seen[c] {
			return fmt.Errorf("DM policy for %q, which is not one of the channels (%s)", c, strings.Join(chs, ", "))
		}
	}
	for _, c := range chs {
		d := o.DM[c]
		if d.Policy == "" {
			d.Policy = "pairing"
		}
		if d.Policy != "pairing" && d.Policy != "allowlist" {
			return fmt.Errorf("%s: DM policy %q is not pairing or allowlist", c, d.Policy)
		}
		var ids []string
		idSeen := map[string]bool{}
		for _, id := range d.AllowFrom {
			id = strings.TrimSpace(id)
			if id == "" || idSeen[id] {
				continue
			}
			if err := ValidSender(c, id); err != nil {
				return err
			}
			idSeen[id] = true
			ids = append(ids, id)
		}
		d.AllowFrom = ids
		if o.Groups && c == "telegram" && len(ids) == 0 {
			return fmt.Errorf("telegram: groups need the numeric ids of the senders who may trigger the bot there (--allow-from telegram:<id>); without them any group member could")
		}
		if d.Policy == "allowlist" && len(ids) == 0 {
			return fmt.Errorf("%s: an allowlist needs at least one sender id (--allow-from %s:<id>), or use pairing", c, c)
		}
		o.DM[c] = d
	}
	var pats []string
	for _, p := range o.MentionPatterns {
		if p = strings.TrimSpace(p); p != "" {
			if _, err := regexp.Compile(p); err != nil {
				return fmt.Errorf("mention pattern %q is not a valid regular expression: %v", p, err)
			}
			pats = append(pats, p)
		}
	}
	o.MentionPatterns = pats
	if len(o.Profiles) == 0 {
		o.Profiles = map[string]Profile{"main": Personal}
	}
	for id, p := range o.Profiles {
		if !agentIDRe().MatchString(id) {
			return fmt.Errorf("agent id %q: use lower-case letters, digits, - and _", id)
		}
		if _, err := ParseProfile(string(p)); err != nil {
			return fmt.Errorf("agent %s: %v", id, err)
		}
	}
	if o.DefaultAgent == "" {
		o.DefaultAgent = o.AgentIDs()[0]
	} else if _, ok := o.Profiles[o.DefaultAgent]; !ok {
		return fmt.Errorf("default agent %q is not one of the agents", o.DefaultAgent)
	}
	if o.Exposure == "" {
		o.Exposure = Loopback
	}
	if o.Exposure != Loopback && o.Exposure != TailnetServe {
		return fmt.Errorf("exposure %q is not loopback or tailnet-serve", o.Exposure)
	}
	if o.Token == "" {
		t, err := remediate.GenerateToken()
		if err != nil {
			return err
		}
		o.Token = t
	} else if len(o.Token) < 32 {
		return fmt.Errorf("the gateway token is too short (%d characters); leave it empty for a fresh 48-character one", len(o.Token))
	}
	return nil
}

// The patterns are compiled on first use, not at every start of the
// binary: {0,63} alone expands to some 700 allocations and 0.2 ms of init
// for commands (audit) that never check an agent id.
var agentIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`) })

// AgentIDs lists the agents, "main" (or the default agent) first, then sorted.
func (o *Options) AgentIDs() []string {
	ids := make([]string, 0, len(o.Profiles))
	for id := range o.Profiles {
		ids = append(ids, id)
	}
	first := o.DefaultAgent
	if first == "" {
		first = "main"
	}
	sort.Slice(ids, func(i, j int) bool {
		if (ids[i] == first) != (ids[j] == first) {
			return ids[i] == first
		}
		return ids[i] < ids[j]
	})
	return ids
}

var (
	e164Re  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`) })
	digitRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{3,25}$`) })
	// telegramIDRe: Telegram user ids are positive integers of any length
	// up to 52 bits (early accounts have short ones, e.g. 42).
	telegramIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[1-9][0-9]{0,15}$`) })
)

// ValidSender checks a DM allowlist entry for a channel ("*" is refused:
// that is an open DM policy, not a baseline).
func ValidSender(channel, id string) error {
	if id == "*" || strings.Contains(id, "*") {
		return fmt.Errorf("%s: %q would let anyone DM the bot; list real sender ids", channel, id)
	}
	if strings.ContainsAny(id, " \t\n\",") {
		return fmt.Errorf("%s: %q is not a sender id", channel, id)
	}
	switch channel {
	case "whatsapp", "signal":
		if !e164Re().MatchString(id) && !(channel == "signal" && strings.HasPrefix(id, "uuid:")) {
			return fmt.Errorf("%s: %q is not a phone number in E.164 form (e.g. +15555550123)", channel, id)
		}
	case "telegram":
		t := strings.TrimPrefix(strings.TrimPrefix(id, "telegram:"), "tg:")
		if !telegramIDRe().MatchString(t) && !strings.HasPrefix(t, "@") {
			return fmt.Errorf("telegram: %q is not a numeric user id (e.g. 123456789)", id)
		}
	case "discord":
		if !digitRe().MatchString(strings.TrimPrefix(id, "user:")) {
			return fmt.Errorf("discord: %q is not a numeric user id", id)
		}
	}
	return nil
}

// The guide's per-agent access examples, verbatim (security guide,
// "per-agent access profiles"); remediate's access-profile fix uses the
// same lists.
var (
	readOnlyAllow = []string{"read"}
	readOnlyDeny  = []string{"write", "edit", "apply_patch", "exec", "process", "browser"}
	publicAllow   = []string{"sessions_list", "sessions_history", "sessions_send", "sessions_spawn", "session_status", "whatsapp", "telegram", "slack", "discord"}
	publicDeny    = []string{"read", "write", "edit", "apply_patch", "exec", "process", "browser", "canvas", "nodes", "cron", "gateway", "image"}
)

// Workspace is the conventional workspace of an agent: the default agent
// keeps <state>/workspace, others <state>/workspace-<id> (as the
// onboarding wizard and the guide's examples place them), where <state> is
// StateDir, written ~/.openclaw when that is the home's default.
func (o *Options) Workspace(id string) string {
	root := o.StateDir
	if root == "" {
		root = "~/.openclaw"
	}
	if id == o.DefaultAgent {
		return root + "/workspace"
	}
	return root + "/workspace-" + id
}

// accepts reports whether the era's schema takes a key (testdata/compat
// key probes and the real validators: 2026.2.1 rejects
// gateway.auth.rateLimit; 2026.9.6 rejects logging.redactSensitive and
// wants agents.ownership for several agents).
func accepts(era model.Era, key string) bool {
	switch key {
	case "gateway.auth.rateLimit", "agents.ownership", "agents.entries":
		return era == model.EraModern
	case "logging.redactSensitive", "agents.list.default":
		return era != model.EraModern
	}
	return true
}

// Render writes the baseline. opts is normalized on a copy; call Normalize
// first to learn the generated token.
func Render(opts Options) ([]byte, error) {
	o := opts
	o.DM = cloneDM(opts.DM)
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	root := o.tree()
	var b bytes.Buffer
	if o.Comments {
		wrapComment(&b, "", header(&o), 100)
	}
	writeValue(&b, root, "", 0)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func cloneDM(m map[string]DMPolicy) map[string]DMPolicy {
	out := make(map[string]DMPolicy, len(m))
	for k, v := range m {
		v.AllowFrom = append([]string(nil), v.AllowFrom...)
		out[k] = v
	}
	return out
}

func header(o *Options) string {
	era := "both the 2026.2 and the 2026.7+ schema"
	switch o.Era {
	case model.EraGuide:
		era = "OpenClaw 2026.2 (agents.list)"
	case model.EraModern:
		era = "OpenClaw 2026.7+ (agents.entries)"
	}
	return "OpenClaw secure baseline, written by hardshell for " + era + ".\n" +
		"It follows the security guide: a private gateway with a strong token, DMs by pairing or allowlist, " +
		"groups only when mentioned, per-agent sandbox and tool profiles, no elevated host exec, minimal mDNS.\n" +
		"Keep this file 0600 in a 0700 state dir; check it with `openclaw config validate` and `hardshell audit`."
}

// tree builds the document.
func (o *Options) tree() obj {
	c := func(s string) string {
		if o.Comments {
			return s
		}
		return ""
	}
	tok := any(o.Token)
	if o.TokenEnv {
		tok = "${" + TokenVar + "}"
	}
	auth := obj{
		{key: "mode", val: "token", comment: c("Every WebSocket and HTTP client must present the token; without a secret the gateway refuses connections (fail closed).")},
		{key: "token", val: tok, comment: c(tokenComment(o))},
	}
	if o.Exposure == TailnetServe {
		auth = append(auth, field{key: "allowTailscale", val: true,
			comment: c("Tailscale Serve's identity headers log tailnet users into the Control UI; HTTP APIs still need the token. Turn this off if you put your own proxy in front.")})
	}
	if accepts(o.Era, "gateway.auth.rateLimit") {
		auth = append(auth, field{key: "rateLimit", val: objOf(audit.RateLimitDefault),
			comment: c("Lock out a client after 10 failed logins in a minute, so the token cannot be brute-forced.")})
	}
	gw := obj{
		{key: "mode", val: "local", comment: c("This machine runs the gateway (it refuses to start without mode local).")},
		{key: "bind", val: "loopback", comment: c(bindComment(o))},
		{key: "port", val: 18789, comment: c("The default port; WebSocket and HTTP share it.")},
		{key: "auth", val: auth, comment: c("Token auth, as the guide's baseline: generate a long random token and never share it.")},
	}
	gw = append(gw,
		field{key: "trustedProxies", val: []any{"127.0.0.1", "::1"},
			comment: c("Only a proxy on this machine (Tailscale Serve, or your own on loopback) may pass the real client address, so a proxied remote client is never mistaken for a local one.")},
		field{key: "nodes", val: obj{{key: "browser", val: obj{{key: "mode", val: "off"}}}},
			comment: c("No browser-control routing through paired nodes until you need it: whoever reaches the gateway could drive those browsers.")})
	if o.Exposure == TailnetServe {
		gw = append(gw, field{key: "tailscale", val: obj{{key: "mode", val: "serve"}},
			comment: c("Publish the loopback gateway to your tailnet only with Tailscale Serve (never Funnel: that is the public internet).")})
	}

	root := obj{
		{key: "gateway", val: gw, comment: c("Keep the gateway private: loopback only, token required.")},
		{key: "session", val: obj{{key: "dmScope", val: "per-channel-peer",
			comment: c("Each sender gets their own DM conversation per channel, so one person's chat never leaks into another's context.")}},
			comment: c("Session isolation.")},
	}
	if len(o.Channels) > 0 {
		var chs obj
		for _, ch := range o.Channels {
			chs = append(chs, field{key: ch, val: o.channel(ch, c), comment: c(channelComment(ch, o.DM[ch]))})
		}
		root = append(root, field{key: "channels", val: chs, comment: c("Who may talk to the bot. Strangers are never answered: DMs need pairing or an allowlist, and groups need a mention.")})
	}
	root = append(root, field{key: "agents", val: o.agents(c), comment: c("Agents and their access profiles (the guide's per-agent examples): full access only for the owner's personal agent, a sandbox and restricted tools for anyone else.")})
	tools := obj{{key: "elevated", val: obj{{key: "enabled", val: false}},
		comment: c("Elevated mode runs commands on the gateway host, outside any sandbox. Keep it off; enable it later only for the owner's sender id.")}}
	if len(o.Profiles) > 1 {
		tools = append(tools, field{key: "agentToAgent", val: obj{{key: "enabled", val: false}},
			comment: c("Agents cannot list, read or message each other's sessions (OpenClaw 2026.9 allows it by default), so a public or family agent never sees the owner's transcripts.")})
	}
	root = append(root, field{key: "tools", val: tools, comment: c("Global tool policy.")})
	root = append(root, field{key: "discovery", val: obj{{key: "mdns", val: obj{{key: "mode", val: "minimal"}},
		comment: c("Minimal mDNS: announce only what clients need to find the gateway, not the CLI path or SSH port (use \"off\" if no device discovers it).")}},
		comment: c("Local network discovery.")})
	if accepts(o.Era, "logging.redactSensitive") {
		root = append(root, field{key: "logging", val: obj{{key: "redactSensitive", val: "tools",
			comment: c("Mask secrets in tool summaries in the logs (the default; written so nobody turns it off by accident).")}},
			comment: c("Logs.")})
	}
	return root
}

func tokenComment(o *Options) string {
	if o.TokenEnv {
		return "The token is read from " + TokenVar + " (set in <state>/.env, 0600), so this file holds no secret."
	}
	return "A fresh 48-character random token (crypto/rand). It is a secret: keep this file 0600 and rotate the token if it leaks."
}

func bindComment(o *Options) string {
	if o.Exposure == TailnetServe {
		return "Listen on 127.0.0.1 only; Tailscale Serve forwards tailnet clients to it, so the port is never open on the LAN."
	}
	return "Listen on 127.0.0.1 only: nothing on the LAN or internet can reach the gateway. For remote access use Tailscale Serve or an SSH tunnel, not a LAN bind."
}

func channelComment(ch string, d DMPolicy) string {
	if d.Policy == "allowlist" {
		return ch + ": only the listed senders may DM the bot."
	}
	return ch + ": unknown senders get a pairing code you approve with `openclaw pairing approve " + ch + " <code>`."
}

// Channel shapes differ by era and channel (checked with both real CLIs):
// 2026.2 takes Discord, Slack and Google Chat DM settings only as
// dm.{policy,allowFrom}, 2026.7+ only as dmPolicy/allowFrom; Discord and
// Slack and Teams gate groups per guild/channel/team (no groups map); 2026.2 Signal has no
// groups map; groupAllowFrom is checked for WhatsApp and Telegram.
func legacyDM(era model.Era, ch string) bool {
	return era == model.EraGuide && (ch == "discord" || ch == "slack" || ch == "googlechat")
}

func hasGroupsMap(era model.Era, ch string) bool {
	switch ch {
	case "discord", "slack", "msteams":
		return false
	case "signal":
		return era == model.EraModern
	}
	return true
}

func hasGroupAllowFrom(ch string) bool { return ch == "whatsapp" || ch == "telegram" }

func (o *Options) channel(ch string, c func(string) string) obj {
	d := o.DM[ch]
	var out obj
	if legacyDM(o.Era, ch) {
		dm := obj{{key: "policy", val: d.Policy, comment: c(dmComment(d))}}
		if len(d.AllowFrom) > 0 {
			dm = append(dm, field{key: "allowFrom", val: model.List(d.AllowFrom), comment: c("Senders allowed to DM without pairing.")})
		}
		out = append(out, field{key: "dm", val: dm, comment: c("Direct messages (this OpenClaw version keeps them under dm).")})
	} else {
		out = append(out, field{key: "dmPolicy", val: d.Policy, comment: c(dmComment(d))})
		if len(d.AllowFrom) > 0 {
			out = append(out, field{key: "allowFrom", val: model.List(d.AllowFrom), comment: c("Senders allowed to DM without pairing.")})
		}
	}
	if !o.Groups {
		return append(out, field{key: "groupPolicy", val: "disabled", comment: c("The bot ignores group chats. Run `hardshell baseline --groups` to allow them with mentions required.")})
	}
	if len(d.AllowFrom) > 0 && hasGroupAllowFrom(ch) {
		out = append(out, field{key: "groupAllowFrom", val: model.List(d.AllowFrom),
			comment: c("Inside groups only these senders can trigger the bot; other members are ignored.")})
	}
	if !hasGroupsMap(o.Era, ch) {
		where := map[string]string{"discord": "guilds.<guildId>", "slack": "channels.<channelId>", "msteams": "teams.<teamId>", "signal": "groups.<groupId> (OpenClaw 2026.7+)"}[ch]
		return append(out, field{key: "groupPolicy", val: "allowlist",
			comment: c("Groups are allowlisted and none is listed yet, so the bot stays out of them. Add each one under " + where + " with requireMention: true.")})
	}
	return append(out,
		field{key: "groupPolicy", val: "allowlist", comment: c("Groups are allowlisted: only the groups listed below (\"*\" = any group the bot is added to).")},
		field{key: "groups", val: obj{{key: "*", val: obj{{key: "requireMention", val: true}}}},
			comment: c("In every group the bot answers only when mentioned, never to all chatter.")})
}

func dmComment(d DMPolicy) string {
	if d.Policy == "allowlist" {
		return "Only the senders in allowFrom may DM; everyone else is ignored."
	}
	return "Unknown senders must be approved with a pairing code before the bot answers them."
}

// profileFields are an agent's sandbox and tools for its profile.
func profileFields(p Profile, c func(string) string) []field {
	sb := func(access string) obj {
		return obj{{key: "mode", val: "all"}, {key: "scope", val: "agent"}, {key: "workspaceAccess", val: access}}
	}
	switch p {
	case ReadOnly:
		return []field{
			{key: "sandbox", val: sb("ro"), comment: c("Every session runs in its own Docker sandbox with the workspace mounted read-only.")},
			{key: "tools", val: obj{{key: "allow", val: model.List(readOnlyAllow)}, {key: "deny", val: model.List(readOnlyDeny)}},
				comment: c("Read-only tools: it can read files, never write, edit, run commands or drive the browser.")},
		}
	case Public:
		return []field{
			{key: "sandbox", val: sb("none"), comment: c("Sandboxed with no access to the workspace at all.")},
			{key: "tools", val: obj{{key: "allow", val: model.List(publicAllow)}, {key: "deny", val: model.List(publicDeny)}},
				comment: c("No filesystem or shell tools: only sessions and messaging.")},
		}
	}
	return []field{{key: "sandbox", val: obj{{key: "mode", val: "off"}},
		comment: c("Full access on the host, no sandbox: only for the owner's own agent, reached only by the owner.")}}
}

func (o *Options) agent(id string, c func(string) string) obj {
	var a obj
	if o.Era != model.EraModern {
		a = append(a, field{key: "id", val: id, comment: c("Agent " + id + ": " + o.Profiles[id].Describe() + ".")})
		if id == o.DefaultAgent && len(o.Profiles) > 1 {
			a = append(a, field{key: "default", val: true, comment: c("Messages no binding routes elsewhere go to this agent.")})
		}
	}
	a = append(a, field{key: "workspace", val: o.Workspace(id)})
	if o.Groups && len(o.MentionPatterns) > 0 {
		a = append(a, field{key: "groupChat", val: obj{{key: "mentionPatterns", val: model.List(o.MentionPatterns)}},
			comment: c("What counts as a mention in groups, besides the platform's own @-mention.")})
	}
	a = append(a, profileFields(o.Profiles[id], c)...)
	return a
}

func (o *Options) agents(c func(string) string) obj {
	ids := o.AgentIDs()
	if o.Era == model.EraModern {
		var entries obj
		for _, id := range ids {
			entries = append(entries, field{key: id, val: o.agent(id, c), comment: c("Agent " + id + ": " + o.Profiles[id].Describe() + ".")})
		}
		out := obj{}
		if len(ids) > 1 {
			out = append(out,
				field{key: "ownership", val: "explicit", comment: c("Several agents: routing goes by explicit bindings, not a default marker.")},
				field{key: "defaults", val: obj{{key: "heartbeat", val: obj{{key: "agentId", val: o.DefaultAgent}}}},
					comment: c("Heartbeats run as the owner's agent.")})
		}
		return append(out, field{key: "entries", val: entries})
	}
	var list []any
	for _, id := range ids {
		list = append(list, o.agent(id, c))
	}
	return obj{{key: "list", val: list}}
}
