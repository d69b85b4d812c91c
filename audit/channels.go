package audit

import (
	"fmt"
	"github.com/hardshell/hardshell/access"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDChannelsAllowFromDangerousNameMatchingEnabled = "channels.<id>.allowFrom.dangerous_name_matching_enabled"
	IDChannelsAllowFromWildcard                     = "channels.<id>.allowFrom.wildcard"
	IDChannelsDMDisabled                            = "channels.<id>.dm.disabled"
	IDChannelsDMLocked                              = "channels.<id>.dm.locked"
	IDChannelsDMOpen                                = "channels.<id>.dm.open"
	IDChannelsDMOpenInvalid                         = "channels.<id>.dm.open_invalid"
	IDChannelsDMScopeMainMultiuser                  = "channels.<id>.dm.scope_main_multiuser"
	IDChannelsGroupsOpen                            = "channels.<id>.groups.open"
	IDChannelsGroupsRequireMentionOff               = "channels.<id>.groups.require_mention_off"
	IDChannelsDiscordAllowFromNameBasedEntries      = "channels.discord.allowFrom.name_based_entries"
	IDChannelsDiscordAllowlistedGroupsBroadMembers  = "channels.discord.allowlisted_groups.broad_members"
	IDChannelsDiscordCommandsNativeNoAllowlists     = "channels.discord.commands.native.no_allowlists"
	IDChannelsDiscordCommandsNativeUnrestricted     = "channels.discord.commands.native.unrestricted"
	IDChannelsDMSessionCollision                    = "channels.dm.session_collision.<bucket>.<n>"
	IDChannelsSlackCommandsSlashNoAllowlists        = "channels.slack.commands.slash.no_allowlists"
	IDChannelsSlackCommandsSlashUseAccessGroupsOff  = "channels.slack.commands.slash.useAccessGroups_off"
	IDChannelsTelegramAllowFromInvalidEntries       = "channels.telegram.allowFrom.invalid_entries"
	IDChannelsTelegramGroupsAllowFromMissing        = "channels.telegram.groups.allowFrom.missing"
	IDChannelsTelegramGroupsAllowFromWildcard       = "channels.telegram.groups.allowFrom.wildcard"
)

// Channel checks: who can trigger the bot on each messaging channel. Ids stay
// channels.<id>.… for every account (as the newest OpenClaw builds dedupe);
// the accounts involved are named in the detail.

const whyDMOpen = "dmPolicy=\"open\" accepts a DM from anyone (it needs \"*\" in the allowlist as an explicit opt-in). The guide calls open DM and group policies a last resort: with tools enabled, any stranger who finds the bot can try prompt injection against shell, file and network tools. Prefer the default pairing (unknown senders get a one-hour code you approve with `openclaw pairing approve`) or an allowlist."

const whyGroupOpen = "groupPolicy=\"open\" lets the bot answer in any group it is added to, and anyone in those rooms can trigger it. The guide treats open groups as a last resort, to be used only when you fully trust every member; prefer groupPolicy=\"allowlist\" with explicit groups and groupAllowFrom."

func init() {
	Register("channels",
		Check{
			ID: IDChannelsDMOpen, Title: "DMs are open to anyone",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `resolved DM policy (dmPolicy, legacy dm.policy; default "pairing") is "open" on an enabled channel or account`,
			Remediation: `Set dmPolicy="pairing" (or "allowlist" with your own sender id) and remove "*" from allowFrom.`,
			Why:         whyDMOpen, Breaks: "New senders must pair (or be added to allowFrom) before the bot answers them.",
			Since: "OpenClaw 2026.2", Run: runChannelsDMOpen,
		},
		Check{
			ID: IDChannelsDMOpenInvalid, Title: `DM policy is "open" but allowFrom lacks "*"`,
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `dmPolicy "open" while allowFrom does not contain "*" (OpenClaw's schema rejects this on write)`,
			Remediation: `Decide: set dmPolicy="allowlist" to keep the listed senders only, or add "*" to allowFrom if DMs really must be public.`,
			Why:         whyDMOpen + " An open policy without the \"*\" opt-in is an inconsistent config that OpenClaw refuses to write.",
			Breaks:      "Switching to allowlist blocks senders not listed.",
			Since:       "OpenClaw 2026.2", Run: runChannelsDMOpenInvalid,
		},
		Check{
			ID: IDChannelsDMDisabled, Title: "DMs are disabled",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "info",
			Trigger:     `dmPolicy "disabled"`,
			Remediation: "Nothing to do unless you expect DMs.",
			Why:         "Inbound DMs are ignored entirely; this is the most restrictive DM setting.",
			Since:       "OpenClaw 2026.2", Run: runChannelsDMDisabled,
		},
		Check{
			ID: IDChannelsDMScopeMainMultiuser, Title: "Several people share the main DM session",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `session.dmScope is "main" (the default) and the channel's DM allowlist has "*" or more than one distinct sender (config allowFrom + pairing store)`,
			Remediation: `openclaw config set session.dmScope "per-channel-peer" (or "per-account-channel-peer" with several accounts on one channel).`,
			Why:         "By default every DM is routed into the main session so the assistant keeps context across devices and channels. When more than one person can DM the bot (open DMs or a multi-person allowlist), each of them shares that context: one user can read or steer what another said. The guide recommends session.dmScope=\"per-channel-peer\" (per-account-channel-peer with several accounts), and session.identityLinks to join one person's DMs across channels.",
			Breaks:      "DM conversations no longer share one context; the owner's DMs on different channels are separate unless joined with session.identityLinks.",
			Since:       "OpenClaw 2026.2", Run: runChannelsDMScopeMain,
		},
		Check{
			ID: IDChannelsGroupsOpen, Title: "Groups are open (groupPolicy=\"open\")",
			Tier: model.TierInbound, Fix: model.FixSafe, Severity: "warn; critical when runtime or filesystem tools are reachable outside a sandbox \"all\" (or elevated is on)",
			Trigger:     `resolved groupPolicy (channel, account, channels.defaults, or a per-group override) is "open"`,
			Remediation: `Set groupPolicy="allowlist" and list the groups (groups/guilds/channels) and trusted senders (groupAllowFrom).`,
			Why:         whyGroupOpen,
			Breaks:      "The bot stops answering in groups that are not on the allowlist.",
			Since:       "OpenClaw 2026.9", Run: runChannelsGroupsOpen,
		},
		Check{
			ID: IDChannelsGroupsRequireMentionOff, Title: "Bot answers every group message (requireMention: false)",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn; critical when the channel's groupPolicy is open",
			Trigger:     "a group entry (including \"*\"), guild or guild channel sets requireMention: false",
			Remediation: `Set requireMention: true (e.g. groups: { "*": { requireMention: true } }) and configure agents.list[].groupChat.mentionPatterns.`,
			Why:         "The guide's baseline requires a mention in every group: prefer mention gating and avoid \"always-on\" bots in shared rooms. Without it every message in the room, including pasted links and forwarded text, reaches the model and its tools.",
			Breaks:      "The bot stays silent in those groups unless mentioned; set mentionPatterns so people can still call it.",
			Since:       "hardshell", Run: runChannelsRequireMentionOff,
		},
		Check{
			ID: IDChannelsAllowFromWildcard, Title: `DM allowlist contains "*"`,
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `dmPolicy "pairing" or "allowlist" while allowFrom / dm.allowFrom contains "*" (anyone passes; dm.open covers policy "open")`,
			Remediation: `Remove "*" from allowFrom and list your own sender ids.`,
			Why:         whyDMOpen + " An allowlist that contains \"*\" lets everyone through just like an open policy.",
			Breaks:      "Senders not listed must pair first.",
			Since:       "hardshell", Run: runChannelsAllowFromWildcard,
		},
		Check{
			ID: IDChannelsAllowFromDangerousNameMatchingEnabled, Title: "Allowlists match display names (dangerouslyAllowNameMatching)",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "info",
			Trigger:     "dangerouslyAllowNameMatching: true on a channel or account",
			Remediation: "Replace names with stable ids and remove dangerouslyAllowNameMatching.",
			Why:         "Display names and usernames can be changed or imitated by anyone; an allowlist that matches them can be bypassed by renaming an account.",
			Breaks:      "Entries written as names stop matching until replaced with ids.",
			Since:       "OpenClaw 2026.2", Run: runChannelsNameMatching,
		},
		Check{
			ID: IDChannelsTelegramGroupsAllowFromWildcard, Title: `Telegram group sender allowlist contains "*"`,
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     `group access is possible (groupPolicy open, or allowlist with groups) and groupAllowFrom or a group/topic allowFrom contains "*"`,
			Remediation: `Replace "*" in groupAllowFrom with the numeric Telegram user ids allowed to trigger the bot in groups.`,
			Why:         whyGroupOpen + " A \"*\" sender allowlist lets every member of every allowed group drive the bot.",
			Breaks:      "Group members not listed can no longer trigger the bot.",
			Since:       "OpenClaw 2026.2", Run: runTelegramGroupWildcard,
		},
		Check{
			ID: IDChannelsTelegramGroupsAllowFromMissing, Title: "Telegram groups have no sender allowlist",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "group access is possible, no sender allowlist (pairing store, groupAllowFrom, per-group or per-topic allowFrom) and text commands are on",
			Remediation: "Set channels.telegram.groupAllowFrom to the numeric user ids allowed to command the bot in groups.",
			Why:         whyGroupOpen + " Without any sender allowlist every group member can run chat commands and trigger tools.",
			Breaks:      "Group members not listed can no longer trigger the bot.",
			Since:       "OpenClaw 2026.2", Run: runTelegramGroupMissing,
		},
		Check{
			ID: IDChannelsTelegramAllowFromInvalidEntries, Title: "Telegram allowlist has non-numeric entries",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "allowFrom / groupAllowFrom / group allowFrom entries that are not numeric user ids (e.g. @username)",
			Remediation: "Replace @usernames with numeric Telegram user ids (ask @userinfobot, or read them from `openclaw pairing list telegram`).",
			Why:         "Telegram usernames can be changed and re-registered by someone else; OpenClaw matches numeric ids, so @username entries either never match or can be taken over.",
			Breaks:      "Nothing, once the right ids are listed.",
			Since:       "OpenClaw 2026.2", Run: runTelegramInvalidEntries,
		},
		Check{
			ID: IDChannelsDiscordCommandsNativeUnrestricted, Title: "Discord slash commands bypass access groups",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "native commands on, commands.useAccessGroups=false, guilds configured, groupPolicy not disabled, no guild/channel users lists and no commands.allowFrom",
			Remediation: "Set commands.useAccessGroups=true (default) or add users lists to the guilds/channels.",
			Why:         "With access groups off and no users lists, every member of the configured guilds can run the bot's slash commands.",
			Breaks:      "Members not on the lists can no longer run slash commands.",
			Since:       "OpenClaw 2026.2", Run: chanOnly(IDChannelsDiscordCommandsNativeUnrestricted, runDiscordNativeCommands),
		},
		Check{
			ID: IDChannelsDiscordCommandsNativeNoAllowlists, Title: "Discord slash commands have no allowlists",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "native commands on with access groups, guilds configured, but no owner allowFrom (config or pairing store), no users lists and no commands.allowFrom",
			Remediation: "Add your Discord user id to channels.discord.allowFrom (or dm.allowFrom) and users lists to the guilds.",
			Why:         "Access groups need someone to be in them: without an owner allowlist or users lists, command authorization has nothing to check against.",
			Since:       "OpenClaw 2026.2", Run: chanOnly(IDChannelsDiscordCommandsNativeNoAllowlists, runDiscordNativeCommands),
		},
		Check{
			ID: IDChannelsDiscordAllowlistedGroupsBroadMembers, Title: "Discord allowlisted groups have broad member access",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     `groupPolicy "allowlist" with guild/channel entries that have no users or roles restriction (guild or channel level)`,
			Remediation: "Add users or roles restrictions at each listed guild/channel when only specific members should trigger the agent.",
			Why:         "groupPolicy=\"allowlist\" limits which guilds and channels the bot listens in, not who: every member of a listed target can still trigger the agent and its tools.",
			Breaks:      "Members not listed can no longer trigger the bot there.",
			Since:       "OpenClaw 2026.9", Run: runDiscordBroadMembers,
		},
		Check{
			ID: IDChannelsDiscordAllowFromNameBasedEntries, Title: "Discord allowlists use names instead of ids",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn; info when dangerouslyAllowNameMatching is set",
			Trigger:     "allowFrom / dm.allowFrom / groupAllowFrom / guild or channel users entries that are not snowflake ids, <@id>, user:id, discord:id or pk:",
			Remediation: "Replace names/tags with numeric Discord user ids (Developer Mode → Copy User ID).",
			Why:         "Discord names and tags are not unique over time and can be imitated; only snowflake ids identify a user.",
			Breaks:      "Name entries stop matching until replaced with ids.",
			Since:       "OpenClaw 2026.2", Run: runDiscordNameEntries,
		},
		Check{
			ID: IDChannelsSlackCommandsSlashUseAccessGroupsOff, Title: "Slack slash commands bypass access groups",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
			Trigger:     "Slack slash/native commands on and commands.useAccessGroups=false (no commands.allowFrom)",
			Remediation: "Set commands.useAccessGroups=true (default) or commands.allowFrom.slack.",
			Why:         "With access groups off, anyone in the workspace who can see the slash command can run it.",
			Breaks:      "Only allowlisted users can run slash commands.",
			Since:       "OpenClaw 2026.2", Run: chanOnly(IDChannelsSlackCommandsSlashUseAccessGroupsOff, runSlackSlash),
		},
		Check{
			ID: IDChannelsSlackCommandsSlashNoAllowlists, Title: "Slack slash commands have no allowlists",
			Tier: model.TierInbound, Fix: model.FixGuided, Severity: "warn",
			Trigger:     "slash commands on with access groups, but no owner allowFrom (config or pairing store) and no channels.slack.channels.<id>.users",
			Remediation: "Add your Slack user id to channels.slack.allowFrom (or dm.allowFrom) and users lists to the channels.",
			Why:         "Access groups need someone to be in them: without an owner allowlist or users lists, command authorization has nothing to check against.",
			Since:       "OpenClaw 2026.2", Run: chanOnly(IDChannelsSlackCommandsSlashNoAllowlists, runSlackSlash),
		},
	)
}

// chanOnly keeps the hits of run whose id is id: one evaluation feeds two
// declared checks that share their preconditions.
func chanOnly(id string, run func(*model.Snapshot) []Hit) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit {
		var out []Hit
		for _, h := range run(s) {
			if h.ID == id {
				out = append(out, h)
			}
		}
		return out
	}
}

// chanAgg merges hits per instantiated id (one finding per channel id, the
// accounts named in the detail), keeping the highest severity.
type chanAgg struct {
	order []string
	hits  map[string]*Hit
	seen  map[string]bool
}

func newChanAgg() *chanAgg { return &chanAgg{hits: map[string]*Hit{}, seen: map[string]bool{}} }

func (a *chanAgg) add(id string, sev model.Severity, title, line string, paths ...string) {
	h := a.hits[id]
	if h == nil {
		h = &Hit{ID: id, Severity: sev, Title: title}
		a.hits[id] = h
		a.order = append(a.order, id)
	}
	if sev > h.Severity {
		h.Severity = sev
	}
	if line != "" && !a.seen[id+"\x00"+line] {
		a.seen[id+"\x00"+line] = true
		if h.Detail != "" {
			h.Detail += "\n"
		}
		h.Detail += "- " + line
	}
	for _, p := range paths {
		if p != "" && !a.seen[id+"\x01"+p] {
			a.seen[id+"\x01"+p] = true
			h.Paths = append(h.Paths, p)
		}
	}
}

func (a *chanAgg) result() []Hit {
	sort.Strings(a.order)
	out := make([]Hit, 0, len(a.order))
	for _, id := range a.order {
		out = append(out, *a.hits[id])
	}
	return out
}

// chanLabel capitalises a channel id for titles: "telegram" → "Telegram".
func chanLabel(ch string) string {
	switch ch {
	case "whatsapp":
		return "WhatsApp"
	case "imessage":
		return "iMessage"
	case "msteams":
		return "Microsoft Teams"
	}
	if ch == "" {
		return ch
	}
	return strings.ToUpper(ch[:1]) + ch[1:]
}

func chanID(ch, rest string) string { return "channels." + ch + "." + rest }

func runChannelsDMOpen(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, o := range openInbound(s) {
		if o.Kind != "dm" || o.Policy != "open" {
			continue
		}
		a.add(chanID(o.Channel, "dm.open"), model.Critical, chanLabel(o.Channel)+" DMs are open to anyone",
			o.Name()+`: dmPolicy="open" (`+o.Path+`); anyone who can message the bot can trigger it`, o.Path)
	}
	return a.result()
}

func runChannelsDMOpenInvalid(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range inboundScopes(s) {
		dm := sc.DMPolicy()
		if dm.Value != "open" {
			continue
		}
		allow, p := sc.AllowFrom()
		if containsStr(allow, "*") {
			continue
		}
		a.add(chanID(sc.Channel, "dm.open_invalid"), model.Warn, chanLabel(sc.Channel)+` DM policy is "open" but allowFrom lacks "*"`,
			sc.Name()+`: dmPolicy="open" at `+dm.Path+`, allowFrom (`+p+`) has `+strconvQuoteList(allow), dm.Path, p)
	}
	return a.result()
}

func strconvQuoteList(l []string) string {
	if len(l) == 0 {
		return "no entries"
	}
	return `[` + strings.Join(firstN(l, 5), ", ") + `]`
}

func runChannelsDMDisabled(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range inboundScopes(s) {
		if dm := sc.DMPolicy(); dm.Value == "disabled" {
			a.add(chanID(sc.Channel, "dm.disabled"), model.Info, chanLabel(sc.Channel)+" DMs are disabled", sc.Name()+": dmPolicy=\"disabled\" ("+dm.Path+")", dm.Path)
		}
	}
	return a.result()
}

// sharedDM is a channel scope whose DMs from several people (or anyone)
// land in the one main session.
type sharedDM struct {
	scope   model.Scope
	senders []string
	wild    bool
	sources []string
}

// sharedMainSession is the trigger of dm.scope_main_multiuser and of 2026.9's
// dm.session_collision: session.dmScope is "main" (the default) and a scope
// whose DMs are not disabled admits "*" or two or more distinct senders
// (config allowFrom + pairing store).
func sharedMainSession(s *model.Snapshot) (model.Setting, []sharedDM) {
	scope := s.Doc.String("session.dmScope", "main")
	if scope.Value != "main" {
		return scope, nil
	}
	var out []sharedDM
	for _, sc := range inboundScopes(s) {
		if sc.DMPolicy().Value == "disabled" {
			continue
		}
		senders, wild, sources := inboundDMSenders(s, sc)
		if wild || len(senders) >= 2 {
			out = append(out, sharedDM{sc, senders, wild, sources})
		}
	}
	return scope, out
}

func runChannelsDMScopeMain(s *model.Snapshot) []Hit {
	scope, shared := sharedMainSession(s)
	how := `session.dmScope is unset (default "main")`
	if scope.Explicit {
		how = `session.dmScope="main"`
	}
	a := newChanAgg()
	for _, d := range shared {
		who := `allowFrom contains "*" (anyone)`
		if !d.wild {
			who = strconv.Itoa(len(d.senders)) + " distinct DM senders (" + strings.Join(firstN(d.sources, 3), ", ") + ")"
		}
		a.add(chanID(d.scope.Channel, "dm.scope_main_multiuser"), model.Warn, chanLabel(d.scope.Channel)+" DMs from several people share the main session",
			d.scope.Name()+": "+who+"; "+how, append([]string{scope.Path}, d.sources...)...)
	}
	return a.result()
}

// groupsReachHost reports whether some agent reachable by inbound messages
// can use runtime or filesystem tools outside a sandbox "all", or elevated
// is on: the condition that makes an open group critical.
func groupsReachHost(s *model.Snapshot) (bool, string) {
	if elevatedEnabled(s) && Config(s).Lookup("tools.elevated.allowFrom").Len() > 0 {
		return true, "elevated tools are enabled"
	}
	answers := newToolAnswers(s)
	for _, ag := range toolContexts(s) {
		if sandboxMode(s, ag) == "all" {
			continue
		}
		if t := answers.all(ag, "exec", "process", "write", "edit", "apply_patch", "read"); len(t) > 0 {
			return true, contextName(ag) + " allows " + strings.Join(t, ", ") + " outside a sandbox"
		}
	}
	return false, ""
}

func runChannelsGroupsOpen(s *model.Snapshot) []Hit {
	open := openInbound(s)
	reach, why := groupsReachHost(s)
	sev := model.Warn
	if reach {
		sev = model.Critical
	}
	a := newChanAgg()
	for _, o := range open {
		if o.Kind != "group" {
			continue
		}
		line := o.Name() + `: groupPolicy="open" (` + o.Path + ")"
		if reach {
			line += "; " + why
		}
		a.add(chanID(o.Channel, "groups.open"), sev, chanLabel(o.Channel)+` groups are open (groupPolicy="open")`, line, o.Path)
	}
	return a.result()
}

func runChannelsRequireMentionOff(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range inboundScopes(s) {
		gp := sc.GroupPolicy(s.Doc)
		if gp.Value == "disabled" {
			continue
		}
		sev := model.Warn
		if gp.Value == "open" {
			sev = model.Critical
		}
		var hits []string
		if n, p := sc.Get("requireMention"); n.IsFalse() {
			hits = append(hits, p)
		}
		if g, gpath := sc.Groups(); g != nil {
			g.WalkObjects(gpath, func(n *model.Node, p string) {
				if n.Get("requireMention").IsFalse() && !n.Get("enabled").IsFalse() && !n.Get("allow").IsFalse() {
					hits = append(hits, p+".requireMention")
				}
			})
		}
		for _, p := range hits {
			a.add(chanID(sc.Channel, "groups.require_mention_off"), sev, chanLabel(sc.Channel)+" bot answers every group message (requireMention: false)",
				sc.Name()+": "+p+` is false (groupPolicy "`+gp.Value+`")`, p)
		}
	}
	return a.result()
}

func runChannelsAllowFromWildcard(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, o := range openInbound(s) {
		if o.Kind != "dm" || o.Policy == "open" {
			continue
		}
		a.add(chanID(o.Channel, "allowFrom.wildcard"), model.Critical, chanLabel(o.Channel)+` DM allowlist contains "*"`,
			o.Name()+`: `+o.Path+` contains "*", so anyone can DM the bot despite the pairing/allowlist policy`, o.Path)
	}
	return a.result()
}

func runChannelsNameMatching(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range inboundScopes(s) {
		if n, p := sc.Get("dangerouslyAllowNameMatching"); n.IsTrue() {
			a.add(chanID(sc.Channel, "allowFrom.dangerous_name_matching_enabled"), model.Info, chanLabel(sc.Channel)+" allowlists match display names (dangerouslyAllowNameMatching)",
				sc.Name()+": "+p+"=true", p)
		}
	}
	return a.result()
}

// --- Telegram ---

func chanScopesOf(s *model.Snapshot, ch string) []model.Scope {
	var out []model.Scope
	for _, sc := range inboundScopes(s) {
		if sc.Channel == ch {
			out = append(out, sc)
		}
	}
	return out
}

// telegramGroupAccess: groupPolicy open, or allowlist with groups configured.
func telegramGroupAccess(s *model.Snapshot, sc model.Scope) (bool, model.Setting) {
	gp := sc.GroupPolicy(s.Doc)
	if gp.Value == "open" {
		return true, gp
	}
	if gp.Value == "allowlist" {
		if g, _ := sc.Groups(); g.Len() > 0 {
			return true, gp
		}
	}
	return false, gp
}

// telegramGroupAllowLists returns every group sender allowlist of a scope:
// groupAllowFrom, groups.<id>.allowFrom and groups.<id>.topics.<id>.allowFrom.
func telegramGroupAllowLists(sc model.Scope) map[string][]string {
	out := map[string][]string{}
	if n, p := sc.Get("groupAllowFrom"); n != nil {
		out[p] = n.Strings()
	}
	if g, gpath := sc.Groups(); g != nil {
		g.WalkObjects(gpath, func(n *model.Node, p string) {
			if af := n.Get("allowFrom"); af != nil {
				out[p+".allowFrom"] = af.Strings()
			}
		})
	}
	return out
}

func runTelegramGroupWildcard(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range chanScopesOf(s, "telegram") {
		ok, gp := telegramGroupAccess(s, sc)
		if !ok {
			continue
		}
		lists := telegramGroupAllowLists(sc)
		keys := make([]string, 0, len(lists))
		for p := range lists {
			keys = append(keys, p)
		}
		sort.Strings(keys)
		for _, p := range keys {
			if containsStr(lists[p], "*") {
				a.add(IDChannelsTelegramGroupsAllowFromWildcard, model.Critical, "", sc.Name()+`: `+p+` contains "*" (groupPolicy "`+gp.Value+`")`, p)
			}
		}
	}
	return a.result()
}

func runTelegramGroupMissing(s *model.Snapshot) []Hit {
	if Config(s).Lookup("commands.text").IsFalse() {
		return nil
	}
	a := newChanAgg()
	for _, sc := range chanScopesOf(s, "telegram") {
		ok, gp := telegramGroupAccess(s, sc)
		if !ok {
			continue
		}
		any := false
		for _, l := range telegramGroupAllowLists(sc) {
			any = any || len(l) > 0
		}
		if s.FS != nil {
			for _, ps := range s.FS.PairingStores {
				if ps.Channel == "telegram" && inboundStoreMatches(ps.Account, sc.Account) && len(ps.Entries) > 0 {
					any = true
				}
			}
		}
		if any {
			continue
		}
		a.add(IDChannelsTelegramGroupsAllowFromMissing, model.Critical, "",
			sc.Name()+`: groupPolicy "`+gp.Value+`" (`+gp.Path+`) with no groupAllowFrom, no per-group allowFrom and an empty pairing store; text commands are on`,
			gp.Path, sc.Path+".groupAllowFrom")
	}
	return a.result()
}

var telegramIDRe = regexp.MustCompile(`^-?[0-9]+$`)

func runTelegramInvalidEntries(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range chanScopesOf(s, "telegram") {
		lists := telegramGroupAllowLists(sc)
		for _, rel := range []string{"allowFrom", "dm.allowFrom"} {
			if n, p := sc.Get(rel); n != nil {
				lists[p] = n.Strings()
			}
		}
		keys := make([]string, 0, len(lists))
		for p := range lists {
			keys = append(keys, p)
		}
		sort.Strings(keys)
		for _, p := range keys {
			var bad []string
			for _, e := range lists[p] {
				v := strings.TrimSpace(e)
				low := strings.ToLower(v)
				for _, pre := range []string{"telegram:", "tg:"} {
					if strings.HasPrefix(low, pre) {
						v = strings.TrimSpace(v[len(pre):])
						break
					}
				}
				if v == "*" || telegramIDRe.MatchString(v) {
					continue
				}
				bad = append(bad, e)
			}
			if len(bad) > 0 {
				a.add(IDChannelsTelegramAllowFromInvalidEntries, model.Warn, "", sc.Name()+": "+p+" has non-numeric entries: "+strings.Join(firstN(bad, 5), ", "), p)
			}
		}
	}
	return a.result()
}

// --- Discord ---

// chanOwnerAllowFrom reports whether a scope has any owner allowlist: config
// allowFrom / dm.allowFrom or an approved pairing-store sender.
func chanOwnerAllowFrom(s *model.Snapshot, sc model.Scope) bool {
	senders, wild, _ := inboundDMSenders(s, sc)
	return len(senders) > 0 || wild
}

func chanCommandsAllowFrom(s *model.Snapshot, ch string) bool {
	ca := Config(s).Lookup("commands.allowFrom")
	return ca.Get(ch).Len() > 0 || ca.Get("*").Len() > 0
}

func runDiscordNativeCommands(s *model.Snapshot) []Hit {
	if chanCommandsAllowFrom(s, "discord") {
		return nil
	}
	root := Config(s)
	useAccessGroups := !root.Lookup("commands.useAccessGroups").IsFalse()
	a := newChanAgg()
	for _, sc := range chanScopesOf(s, "discord") {
		native, np := sc.Get("commands.native")
		if native == nil {
			native, np = root.Lookup("commands.native"), "commands.native"
		}
		if native.IsFalse() {
			continue // "auto" (default) is on for Discord
		}
		if sc.GroupPolicy(s.Doc).Value == "disabled" {
			continue
		}
		guilds, gpath := sc.Get("guilds")
		if guilds.Len() == 0 {
			continue
		}
		hasUsers := false
		guilds.WalkObjects(gpath, func(n *model.Node, _ string) {
			if n.Get("users").Len() > 0 || n.Get("roles").Len() > 0 {
				hasUsers = true
			}
		})
		if hasUsers {
			continue
		}
		if !useAccessGroups {
			a.add(IDChannelsDiscordCommandsNativeUnrestricted, model.Critical, "",
				sc.Name()+": commands.useAccessGroups=false, guilds configured ("+gpath+") without users lists", "commands.useAccessGroups", gpath, np)
			continue
		}
		if !chanOwnerAllowFrom(s, sc) {
			a.add(IDChannelsDiscordCommandsNativeNoAllowlists, model.Warn, "",
				sc.Name()+": slash commands on, guilds configured ("+gpath+"), no owner allowFrom, no pairing-store entries and no users lists", gpath, sc.Path+".allowFrom")
		}
	}
	return a.result()
}

var discordIDRe = regexp.MustCompile(`^(?:[0-9]{5,}|<@!?[0-9]+>|(?i:user|discord|id):\s*[0-9]+|(?i:pk):.+|\*)$`)

func runDiscordNameEntries(s *model.Snapshot) []Hit {
	a := newChanAgg()
	for _, sc := range chanScopesOf(s, "discord") {
		lists := map[string][]string{}
		for _, rel := range []string{"allowFrom", "dm.allowFrom", "groupAllowFrom"} {
			if n, p := sc.Get(rel); n != nil {
				lists[p] = n.Strings()
			}
		}
		if g, gpath := sc.Get("guilds"); g != nil {
			g.WalkObjects(gpath, func(n *model.Node, p string) {
				if u := n.Get("users"); u != nil {
					lists[p+".users"] = u.Strings()
				}
			})
		}
		nameMatch, _ := sc.Get("dangerouslyAllowNameMatching")
		sev := model.Warn
		if nameMatch.IsTrue() {
			sev = model.Info
		}
		keys := make([]string, 0, len(lists))
		for p := range lists {
			keys = append(keys, p)
		}
		sort.Strings(keys)
		for _, p := range keys {
			var bad []string
			for _, e := range lists[p] {
				if !discordIDRe.MatchString(strings.TrimSpace(e)) {
					bad = append(bad, e)
				}
			}
			if len(bad) > 0 {
				a.add(IDChannelsDiscordAllowFromNameBasedEntries, sev, "", sc.Name()+": "+p+" has name-based entries: "+strings.Join(firstN(bad, 5), ", "), p)
			}
		}
	}
	return a.result()
}

// --- Slack ---

func runSlackSlash(s *model.Snapshot) []Hit {
	if chanCommandsAllowFrom(s, "slack") {
		return nil
	}
	root := Config(s)
	a := newChanAgg()
	for _, sc := range chanScopesOf(s, "slack") {
		slash, sp := sc.Get("slashCommand.enabled")
		native, np := sc.Get("commands.native")
		if native == nil {
			native, np = root.Lookup("commands.native"), "commands.native"
		}
		on := ""
		switch {
		case slash.IsTrue():
			on = sp
		case native.IsTrue(): // "auto" is off for Slack
			on = np
		}
		if on == "" {
			continue
		}
		if root.Lookup("commands.useAccessGroups").IsFalse() {
			a.add(IDChannelsSlackCommandsSlashUseAccessGroupsOff, model.Critical, "",
				sc.Name()+": slash commands on ("+on+") with commands.useAccessGroups=false", "commands.useAccessGroups", on)
			continue
		}
		hasUsers := false
		if ch, cpath := sc.Get("channels"); ch != nil {
			ch.WalkObjects(cpath, func(n *model.Node, _ string) {
				if n.Get("users").Len() > 0 {
					hasUsers = true
				}
			})
		}
		if !hasUsers && !chanOwnerAllowFrom(s, sc) {
			a.add(IDChannelsSlackCommandsSlashNoAllowlists, model.Warn, "",
				sc.Name()+": slash commands on ("+on+"), no owner allowFrom, no pairing-store entries and no channel users lists", on, sc.Path+".allowFrom")
		}
	}
	return a.result()
}

func runDiscordBroadMembers(s *model.Snapshot) []Hit {
	a := newChanAgg()
	restricted := func(n *model.Node) bool { return n.Get("users").Len() > 0 || n.Get("roles").Len() > 0 }
	for _, sc := range chanScopesOf(s, "discord") {
		if sc.GroupPolicy(s.Doc).Value != "allowlist" {
			continue
		}
		guilds, gpath := sc.Get("guilds")
		for _, gid := range guilds.Keys() {
			g := guilds.Get(gid)
			if g == nil || g.Kind != model.KindObject || g.Get("enabled").IsFalse() || restricted(g) {
				continue
			}
			gp := model.Child(gpath, gid)
			chans := g.Get("channels")
			if chans.Len() == 0 {
				a.add(IDChannelsDiscordAllowlistedGroupsBroadMembers, model.Warn, "", gp, gp)
				continue
			}
			for _, cid := range chans.Keys() {
				c := chans.Get(cid)
				if c.Get("enabled").IsFalse() || c.Get("allow").IsFalse() || restricted(c) {
					continue
				}
				cp := model.Child(model.Child(gp, "channels"), cid)
				a.add(IDChannelsDiscordAllowlistedGroupsBroadMembers, model.Warn, "", cp, cp)
			}
		}
	}
	hits := a.result()
	for i := range hits {
		hits[i].Detail = "These allowlisted Discord targets have no effective users or roles restriction:\n" + hits[i].Detail +
			"\ngroupPolicy=\"allowlist\" limits guilds/channels, but all members of a listed target can still trigger the agent."
	}
	return hits
}

// Channel findings that OpenClaw 2026.9 reports under ids of its own: the
// compat sweep (docs/compat.md) showed hardshell missing them. The shared
// DM session risk is also channels.<id>.dm.scope_main_multiuser (the
// guide-era id the issue asks for); on 2026.7+ configs the 2026.9 id is
// reported too, so suppressions and dashboards keyed on either keep working.
func init() {
	Register("channels",
		Check{
			ID: IDChannelsDMSessionCollision, Title: "DM principals share a session",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "warn",
			Trigger:     `2026.7+ config, session.dmScope main (default) and "*" or two or more distinct admitted DM senders of one channel account (config allowFrom + pairing store) land in the default agent's main session`,
			Remediation: "Set the effective DM route to an account-safe isolated scope; update the matching binding or session.dmScope as applicable.",
			Why:         "With session.dmScope \"main\" every DM goes to one shared session, so what one person tells the bot (and what its tools return) is context for the next person who DMs it. The guide: when more than one person can DM the bot, isolate DM sessions per sender.",
			Breaks:      "Nothing breaks; each sender gets a session of their own (the same fix as channels.<id>.dm.scope_main_multiuser clears both).",
			Since:       "OpenClaw 2026.9",
			Run:         runDMSessionCollision,
		},
		Check{
			ID: IDChannelsDMLocked, Title: "DMs are locked",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "info",
			Trigger:     `dmPolicy "pairing" (the default) and no admitted senders in config allowFrom or the pairing store`,
			Remediation: "Approve via: openclaw pairing list <channel> / openclaw pairing approve <channel> <code>",
			Why:         "Not a risk: with pairing and nobody approved yet, unknown senders only receive a one-hour pairing code and the bot ignores their messages until you approve them.",
			Breaks:      "nothing",
			Since:       "OpenClaw 2026.9",
			Run:         runDMLocked,
		},
	)
}

func runDMSessionCollision(s *model.Snapshot) []Hit {
	if s.Era.Era != model.EraModern {
		return nil
	}
	_, shared := sharedMainSession(s)
	owner := "main"
	for _, a := range s.Doc.Agents() {
		if a.Default {
			owner = a.ID
		}
	}
	var hits []Hit
	for _, d := range shared {
		acct := d.scope.Account
		if acct == "" {
			acct = "default"
		}
		bucket := strings.ToLower(d.scope.Channel) + "-" + acct
		who := fmt.Sprintf("%d distinct admitted DM principals", len(d.senders))
		if d.wild {
			who = `any DM sender (allowFrom "*")`
		}
		hits = append(hits, Hit{
			ID:       "channels.dm.session_collision." + bucket + ".1",
			Severity: model.Warn,
			Detail: fmt.Sprintf("Collision topology 1: %s from %s resolve to the same session bucket owned by agent %q. This can leak context across users.",
				who, bucket, owner),
			Paths: append([]string{"session.dmScope"}, d.sources...),
		})
	}
	return hits
}

func runDMLocked(s *model.Snapshot) []Hit {
	if r := access.FromSnapshot(s); r.DB != nil && r.DB.Err != nil {
		return nil // the store of approved senders is unknown (fs.state_db.unreadable says why)
	}
	var hits []Hit
	for _, sc := range inboundScopes(s) {
		if sc.Account != "" {
			continue
		}
		dm := sc.DMPolicy()
		if dm.Value != "pairing" {
			continue
		}
		senders, wild, _ := inboundDMSenders(s, sc)
		if wild || len(senders) > 0 {
			continue
		}
		hits = append(hits, Hit{
			ID:          "channels." + sc.Channel + ".dm.locked",
			Severity:    model.Info,
			Title:       chanLabel(sc.Channel) + " DMs are locked",
			Detail:      fmt.Sprintf("%s=%q has no admitted senders; unknown senders are blocked or receive a pairing code.", dm.Path, dm.Value),
			Remediation: "Approve via: openclaw pairing list " + sc.Channel + " / openclaw pairing approve " + sc.Channel + " <code>",
			Paths:       []string{dm.Path},
		})
	}
	return hits
}
