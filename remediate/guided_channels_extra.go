package remediate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Guided fixes for channel allowlists that match names instead of ids,
// slash commands without access control, Discord targets open to every
// member, and group chats routed into the main session. Plus advice for the
// two findings that report a deliberate choice rather than a setting to
// change (DMs disabled, the multi-user heuristic).

func init() {
	Register(
		Remediation{
			CheckIDs: []string{"channels.<id>.allowFrom.dangerous_name_matching_enabled"},
			Kind:     model.FixGuided, Title: "Match allowlists by id only (dangerouslyAllowNameMatching off)",
			Questions: nameMatchQuestions, Plan: nameMatchPlan,
		},
		Remediation{
			CheckIDs: []string{"channels.discord.allowFrom.name_based_entries", "channels.telegram.allowFrom.invalid_entries"},
			Kind:     model.FixGuided, Title: "Replace name entries in allowlists with user ids",
			Questions: idEntriesQuestions, Plan: idEntriesPlan,
		},
		Remediation{
			CheckIDs: []string{"channels.discord.commands.native.unrestricted", "channels.slack.commands.slash.useAccessGroups_off"},
			Kind:     model.FixGuided, Title: "Check slash commands against access groups (commands.useAccessGroups)",
			Questions: accessGroupsQuestions, Plan: accessGroupsPlan,
		},
		Remediation{
			CheckIDs: []string{"channels.discord.commands.native.no_allowlists", "channels.slack.commands.slash.no_allowlists"},
			Kind:     model.FixGuided, Title: "Give slash commands an owner allowlist, or turn them off",
			Questions: slashOwnerQuestions, Plan: slashOwnerPlan,
		},
		Remediation{
			CheckIDs: []string{"channels.discord.allowlisted_groups.broad_members"},
			Kind:     model.FixGuided, Title: "Restrict allowlisted Discord guilds and channels to named users",
			Questions: broadMembersQuestions, Plan: broadMembersPlan,
		},
		Remediation{
			CheckIDs: []string{"security.trust_model.group_scope_main"},
			Kind:     model.FixGuided, Title: "Give group chats their own sessions",
			Questions: groupScopeQuestions, Plan: groupScopePlan,
		},
		advice([]string{"channels.<id>.dm.disabled"}, "DMs are disabled (nothing to fix)",
			"dmPolicy \"disabled\" ignores every DM: the most restrictive setting, so nothing needs fixing.",
			"If you expect DMs, set dmPolicy \"pairing\" (unknown senders get a code you approve with `openclaw pairing approve <channel> <code>`) or \"allowlist\" with your own sender id.",
		),
		advice([]string{"security.trust_model.multi_user_heuristic"}, "Isolate sessions and tools for several users",
			"If the people who can reach the bot may not trust each other, split trust boundaries: one gateway (and credentials) per person or group.",
			"For intentional shared access, give each DM sender their own session: `hardshell fix` on channels.<id>.dm.scope_main_multiuser, or set session.dmScope \"per-channel-peer\".",
			"Sandbox the agents others can reach and deny runtime/filesystem/web tools they do not need: `hardshell fix` on security.exposure.* and sandbox.* findings applies the guide's read-only or no-filesystem profiles; or set agents.defaults.sandbox.mode \"all\" and tools.fs.workspaceOnly true.",
			"This finding is a heuristic: once sessions and tools are isolated, suppress it with a reason.",
		),
	)
}

// --- name matching -----------------------------------------------------------

// ownPaths are the distinct config paths of a finding (not filesystem paths).
func ownPaths(f model.Finding) []string {
	var out []string
	for _, p := range f.Paths {
		if p != "" && !strings.HasPrefix(p, "/") && !containsS(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func nameMatchQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("matching", "Allowlist matching for "+findingChannel(f.CheckID), "ids",
		"Match stable ids only (remove dangerouslyAllowNameMatching)",
		"Allowlist entries written as names or @handles stop matching until replaced with ids.")}
}

func nameMatchPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "matching", "ids"); err != nil {
		return cs, err
	}
	for _, p := range ownPaths(f) {
		if strings.HasSuffix(p, "dangerouslyAllowNameMatching") && s.Doc.Get(p).IsTrue() {
			cs.Edits = append(cs.Edits, unset(f, p, "allowlists match ids only"))
		}
	}
	ch := findingChannel(f.CheckID)
	cs.After = append(cs.After, restartGateway,
		"Replace name entries in the "+ch+" allowlists with user ids (hardshell fix on channels."+ch+".allowFrom.* findings), or re-pair with `openclaw pairing approve "+ch+" <code>`.")
	return cs, nil
}

// --- id entries ---------------------------------------------------------------

var (
	discordIDEntry  = regexp.MustCompile(`^(?:[0-9]{5,}|<@!?[0-9]+>|(?i:user|discord|id):\s*[0-9]+|(?i:pk):.+|\*)$`)
	telegramIDEntry = regexp.MustCompile(`^-?[0-9]+$`)
)

// validIDEntry reports an entry the channel matches by id (the audit's rules).
func validIDEntry(ch, e string) bool {
	v := strings.TrimSpace(e)
	if ch == "discord" {
		return discordIDEntry.MatchString(v)
	}
	low := strings.ToLower(v)
	for _, pre := range []string{"telegram:", "tg:"} {
		if strings.HasPrefix(low, pre) {
			v = strings.TrimSpace(v[len(pre):])
			break
		}
	}
	return v == "*" || telegramIDEntry.MatchString(v)
}

// parseReplacements reads "name=id; name=id".
func parseReplacements(ch, v string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, id, ok := strings.Cut(part, "=")
		name, id = strings.TrimSpace(name), strings.TrimSpace(id)
		if !ok || name == "" || id == "" {
			return nil, fmt.Errorf("%q: want name=id", part)
		}
		if id == "*" || !validIDEntry(ch, id) {
			return nil, fmt.Errorf("%q is not a %s user id", id, ch)
		}
		out[name] = id
	}
	return out, nil
}

func idEntriesQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	ch := findingChannel(f.CheckID)
	var names []string
	for _, p := range ownPaths(f) {
		for _, e := range s.Doc.Get(p).Strings() {
			if !validIDEntry(ch, e) && !containsS(names, e) {
				names = append(names, e)
			}
		}
	}
	help := "Discord: Developer Mode → right-click the user → Copy User ID."
	if ch == "telegram" {
		help = "Telegram: numeric user ids, from `openclaw pairing list telegram` or @userinfobot."
	}
	return []model.Question{{
		ID: "replace", Kind: model.Text, Title: "Ids for the name entries " + strings.Join(names, ", ") + " (name=id; name=id)",
		Help:    help + " Entries without an id are removed; a list that would be left empty needs at least one id.",
		Default: "", Validate: func(v string) error { _, err := parseReplacements(ch, v); return err },
		Breaks: "Removed name entries no longer reach the bot until their ids are added.",
	}}
}

// widensWhenEmpty reports whether removing the list at p would let more
// people in (users lists, group sender lists) or lock out an allowlist DM
// policy.
func emptyListRefused(s *model.Snapshot, p string) bool {
	if !strings.HasSuffix(p, "allowFrom") || strings.HasSuffix(p, "groupAllowFrom") || strings.Contains(p, ".groups.") || strings.Contains(p, ".guilds.") {
		return true
	}
	base := strings.TrimSuffix(strings.TrimSuffix(p, ".allowFrom"), ".dm")
	pol := s.Doc.Get(base + ".dmPolicy").Text()
	if pol == "" {
		pol = s.Doc.Get(base + ".dm.policy").Text()
	}
	return pol == "allowlist"
}

func idEntriesPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	repl, err := parseReplacements(ch, a["replace"])
	if err != nil {
		return cs, fmt.Errorf("replace: %v", err)
	}
	for _, p := range ownPaths(f) {
		n := s.Doc.Get(p)
		if n == nil {
			continue
		}
		var out []string
		changed := false
		for _, e := range n.Strings() {
			if !validIDEntry(ch, e) {
				changed = true
				id, ok := repl[strings.TrimSpace(e)]
				if !ok {
					continue
				}
				e = id
			}
			if !containsS(out, e) {
				out = append(out, e)
			}
		}
		switch {
		case !changed:
		case len(out) > 0:
			cs.Edits = append(cs.Edits, set(f, p, toAny(out), "ids instead of names"))
		case emptyListRefused(s, p):
			return cs, fmt.Errorf("replace: %s would be left empty, which would lock its senders out or widen who may trigger the bot; give the ids (name=id)", p)
		default:
			cs.Edits = append(cs.Edits, unset(f, p, "no name entries (pairing still admits approved senders)"))
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- access groups --------------------------------------------------------------

func accessGroupsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("access", "Slash command authorization", "groups",
		"Check commands against access groups (remove commands.useAccessGroups false; true is the default)",
		"Only allowlisted users (allowFrom, pairing store, guild/channel users lists) can run slash commands.")}
}

func accessGroupsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "access", "groups"); err != nil {
		return cs, err
	}
	// Unset restores the default (true). OpenClaw 2026.9.6 no longer knows
	// the key at all (testdata/compat: "Unrecognized key"), so removing it
	// is the one edit both eras accept.
	cs.Edits = append(cs.Edits, unset(f, "commands.useAccessGroups", "slash commands are checked against access groups (the default)"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- owner allowlist for slash commands ---------------------------------------------

func slashChannel(f model.Finding) string {
	if strings.HasPrefix(f.CheckID, "channels.slack.") {
		return "slack"
	}
	return "discord"
}

func validSlashOwner(ch string) func(string) error {
	return func(v string) error {
		v = strings.TrimSpace(v)
		if v == "" || v == "*" {
			return fmt.Errorf("give a user id, not %q", v)
		}
		if ch == "discord" && !discordIDEntry.MatchString(v) {
			return fmt.Errorf("%q is not a Discord user id", v)
		}
		if ch == "slack" && !regexp.MustCompile(`^[UW][A-Z0-9]{6,}$`).MatchString(v) {
			return fmt.Errorf("%q is not a Slack user id (U… or W…)", v)
		}
		return nil
	}
}

func slashOwnerQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	ch := slashChannel(f)
	return []model.Question{
		{
			ID: "how", Kind: model.Select, Title: ch + " slash commands have nobody to authorize",
			Options: []model.Option{
				{Value: "off", Label: "Turn " + ch + " slash commands off"},
				{Value: "owner", Label: "Keep them, for the owner ids below (allowFrom)"},
			},
			Default: "off",
			Breaks:  "Slash commands stop working on " + ch + " (off), or only the listed owners can run them.",
		},
		{
			ID: "owners", Kind: model.MultiSelect, Title: "Your " + ch + " user ids (used with owner)",
			Default: "", Validate: validSlashOwner(ch),
			Breaks: "Only these users can run slash commands and DM the bot without pairing.",
		},
	}
}

// slashScopes are the channel/account scopes the finding names.
func slashScopes(s *model.Snapshot, f model.Finding) []model.Scope {
	var out []model.Scope
	for _, sc := range channelScopes(s, slashChannel(f)) {
		if containsS(f.Paths, sc.Path+".allowFrom") {
			out = append(out, sc)
		}
	}
	return out
}

func slashOwnerPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := slashChannel(f)
	owners := a.List("owners")
	for _, o := range owners {
		if err := validSlashOwner(ch)(o); err != nil {
			return cs, fmt.Errorf("owners: %v", err)
		}
	}
	switch a["how"] {
	case "off":
		for _, sc := range slashScopes(s, f) {
			if ch == "slack" {
				if n, p := sc.Get("slashCommand.enabled"); n.IsTrue() && strings.HasPrefix(p, sc.Path+".") {
					cs.Edits = append(cs.Edits, set(f, p, false, sc.Name()+": slash commands off"))
				}
				if n, _ := sc.Get("commands.native"); n.IsTrue() || (n == nil && s.Doc.Get("commands.native").IsTrue()) {
					cs.Edits = append(cs.Edits, set(f, sc.Path+".commands.native", false, sc.Name()+": native commands off"))
				}
				continue
			}
			cs.Edits = append(cs.Edits, set(f, sc.Path+".commands.native", false, sc.Name()+": slash commands off"))
		}
	case "owner":
		if len(owners) == 0 {
			return cs, fmt.Errorf("owners: give at least one user id, or choose off")
		}
		for _, sc := range slashScopes(s, f) {
			cur, p := sc.AllowFrom()
			if !strings.HasPrefix(p, sc.Path+".") {
				p = sc.Path + ".allowFrom"
				if s.Era.Era != model.EraModern && sc.Node.Get("dm") != nil {
					p = sc.Path + ".dm.allowFrom"
				}
				cur = nil
			}
			out := append([]string(nil), cur...)
			for _, o := range owners {
				if !containsS(out, o) {
					out = append(out, o)
				}
			}
			cs.Edits = append(cs.Edits, set(f, p, toAny(out), sc.Name()+": owner allowlist for commands"))
		}
	default:
		return cs, fmt.Errorf("how: %q is not off or owner", a["how"])
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- Discord broad members ---------------------------------------------------------

func broadMembersQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var known []string
	for _, e := range knownSenders(s, "discord") {
		if validSlashOwner("discord")(e) == nil {
			known = append(known, e)
		}
	}
	return []model.Question{{
		ID: "users", Kind: model.MultiSelect, Title: "Who may trigger the bot in " + strings.Join(ownPaths(f), ", ") + "?",
		Help:    "Written as a users list on each listed guild/channel. Seeded from the Discord allowFrom and pairing store.",
		Options: optionsOf(known), Default: strings.Join(known, ","), Validate: validSlashOwner("discord"),
		Breaks: "Other members of those guilds/channels can no longer trigger the bot there.",
	}}
}

func broadMembersPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	users := a.List("users")
	if len(users) == 0 {
		return cs, fmt.Errorf("users: give at least one Discord user id")
	}
	for _, u := range users {
		if err := validSlashOwner("discord")(u); err != nil {
			return cs, fmt.Errorf("users: %v", err)
		}
	}
	for _, p := range ownPaths(f) {
		if s.Doc.Get(p) == nil {
			continue
		}
		cs.Edits = append(cs.Edits, set(f, p+".users", toAny(users), "only named users trigger the bot here"))
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// --- session.groupScope ------------------------------------------------------------

func groupScopeQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{onlyOption("scope", "Group chat sessions", "own",
		"Each group gets its own session (remove groupScope \"main\")",
		"Groups stop sharing context with your main session.")}
}

func groupScopePlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "scope", "own"); err != nil {
		return cs, err
	}
	for _, p := range ownPaths(f) {
		if strings.HasSuffix(p, "groupScope") && s.Doc.Get(p).Text() == "main" {
			cs.Edits = append(cs.Edits, unset(f, p, "groups get their own sessions"))
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}
