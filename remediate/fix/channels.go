package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/channels.go: DM policy, group policy and
// mention gating, DM session isolation, open groups (OpenClaw's own --fix:
// groupPolicy "open" → "allowlist" seeded from the pairing store), allowlists
// that match names instead of ids, slash commands without access control,
// Discord targets open to every member, and advice for DMs turned off.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDChannelsAllowFromDangerousNameMatchingEnabled},
			Title:     "Match allowlists by id only (dangerouslyAllowNameMatching off)",
			Questions: nameMatchQuestions, Plan: nameMatchPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDChannelsDiscordAllowFromNameBasedEntries, audit.IDChannelsTelegramAllowFromInvalidEntries},
			Title:     "Replace name entries in allowlists with user ids",
			Questions: idEntriesQuestions, Plan: idEntriesPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDChannelsDiscordCommandsNativeUnrestricted, audit.IDChannelsSlackCommandsSlashUseAccessGroupsOff},
			Title:     "Check slash commands against access groups (commands.useAccessGroups)",
			Questions: accessGroupsQuestions, Plan: accessGroupsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDChannelsDiscordCommandsNativeNoAllowlists, audit.IDChannelsSlackCommandsSlashNoAllowlists},
			Title:     "Give slash commands an owner allowlist, or turn them off",
			Questions: slashOwnerQuestions, Plan: slashOwnerPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDChannelsDiscordAllowlistedGroupsBroadMembers},
			Title:     "Restrict allowlisted Discord guilds and channels to named users",
			Questions: broadMembersQuestions, Plan: broadMembersPlan,
		},
		advice([]string{audit.IDChannelsDMDisabled}, "DMs are disabled (nothing to fix)",
			"dmPolicy \"disabled\" ignores every DM: the most restrictive setting, so nothing needs fixing.",
			"If you expect DMs, set dmPolicy \"pairing\" (unknown senders get a code you approve with `openclaw pairing approve <channel> <code>`) or \"allowlist\" with your own sender id.",
		),
		Remediation{
			CheckIDs:  []string{audit.IDChannelsDMOpen, audit.IDChannelsDMOpenInvalid, audit.IDChannelsAllowFromWildcard},
			Title:     "Require pairing (or an allowlist) for DMs",
			Questions: dmQuestions, Plan: dmPlan,
		},
		Remediation{
			CheckIDs: []string{audit.IDChannelsGroupsRequireMentionOff,
				audit.IDChannelsTelegramGroupsAllowFromWildcard, audit.IDChannelsTelegramGroupsAllowFromMissing},
			Title:     "Allowlist groups and require a mention",
			Questions: groupQuestions, Plan: groupPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDChannelsDMScopeMainMultiuser},
			Title:     "Give each DM sender their own session",
			Questions: scopeQuestions, Plan: scopePlan,
		},
		Remediation{
			CheckIDs: []string{audit.IDChannelsGroupsOpen},
			Title:    "Allowlist groups (seeded from the pairing store)",
			Plan:     openGroupsPlan,
		},
	)
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

var (
	// compiled on first use, not at every start of the binary
	discordIDEntry = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[0-9]{5,}|<@!?[0-9]+>|(?i:user|discord|id):\s*[0-9]+|(?i:pk):.+|\*)$`)
	})
	telegramIDEntry = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?[0-9]+$`) })
)

// validIDEntry reports an entry the channel matches by id (the audit's rules).
func validIDEntry(ch, e string) bool {
	v := strings.TrimSpace(e)
	if ch == "discord" {
		return discordIDEntry().MatchString(v)
	}
	low := strings.ToLower(v)
	for _, pre := range []string{"telegram:", "tg:"} {
		if strings.HasPrefix(low, pre) {
			v = strings.TrimSpace(v[len(pre):])
			break
		}
	}
	return v == "*" || telegramIDEntry().MatchString(v)
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

// emptyListRefused reports whether removing the list at p would let more
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
			cs.Edits = append(cs.Edits, set(f, p, model.List(out), "ids instead of names"))
		case emptyListRefused(s, p):
			return cs, fmt.Errorf("replace: %s would be left empty, which would lock its senders out or widen who may trigger the bot; give the ids (name=id)", p)
		default:
			cs.Edits = append(cs.Edits, unset(f, p, "no name entries (pairing still admits approved senders)"))
		}
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

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
		if ch == "discord" && !discordIDEntry().MatchString(v) {
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
			ID: "owners", Kind: model.MultiSelect, Title: "Your " + ch + " user ids (the owners who may run slash commands)",
			When:    &model.When{ID: "how", Values: []string{"owner"}},
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
			cs.Edits = append(cs.Edits, set(f, p, model.List(out), sc.Name()+": owner allowlist for commands"))
		}
	default:
		return cs, fmt.Errorf("how: %q is not off or owner", a["how"])
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

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
		cs.Edits = append(cs.Edits, set(f, p+".users", model.List(users), "only named users trigger the bot here"))
	}
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}

// findingChannel extracts the channel of a channels.<ch>.… id.
func findingChannel(id string) string {
	rest := strings.TrimPrefix(id, "channels.")
	for _, suf := range []string{".dm.", ".groups.", ".allowFrom."} {
		if i := strings.Index(rest, suf); i > 0 {
			return rest[:i]
		}
	}
	if i := strings.IndexByte(rest, '.'); i > 0 {
		return rest[:i]
	}
	return rest
}

func dmQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	ch := findingChannel(f.CheckID)
	senders := knownSenders(s, ch)
	return []model.Question{
		{
			ID: "policy", Kind: model.Select, Title: "Who may DM the " + ch + " bot?",
			Help: "Pairing: unknown senders get a one-hour code you approve with `openclaw pairing approve " + ch + " <code>`. Allowlist: only the ids you keep. Open needs an explicit \"*\" and is the guide's last resort.",
			Options: []model.Option{
				{Value: "pairing", Label: "Pairing (approve each new sender)"},
				{Value: "allowlist", Label: "Allowlist (only the senders below)"},
				{Value: "disabled", Label: "Disabled (ignore DMs)"},
				{Value: "open", Label: `Open to anyone (allowFrom "*")`},
			},
			Default: "pairing",
			Breaks:  "New senders must pair (or be on the allowlist) before the bot answers them; disabled ignores every DM.",
		},
		{
			ID: "senders", Kind: model.MultiSelect, Title: "Senders to keep on the allowlist",
			Help:    "Seeded from allowFrom and the approved pairing store; you can add ids.",
			When:    &model.When{ID: "policy", Values: []string{"allowlist"}},
			Options: optionsOf(senders), Default: strings.Join(senders, ","), Validate: senderValidate,
			Breaks: "Senders not kept must be re-added to reach the bot.",
		},
		{
			ID: "confirm_open", Kind: model.Confirm, Title: "Really let anyone DM the bot (with its tools)?",
			When:    &model.When{ID: "policy", Values: []string{"open"}},
			Default: "no", Breaks: "Anyone who finds the bot can try to drive its tools.",
		},
	}
}

// useLegacyDM reports whether to keep the nested dm.policy form.
func useLegacyDM(s *model.Snapshot, policyPath string) bool {
	return strings.HasSuffix(policyPath, ".dm.policy") && s.Era.Era != model.EraModern
}

func withoutStar(l []string) []string {
	var out []string
	for _, e := range l {
		if strings.TrimSpace(e) != "*" {
			out = append(out, e)
		}
	}
	return out
}

func dmPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	pol := a["policy"]
	senders := a.List("senders")
	for _, x := range senders {
		if err := senderValidate(x); err != nil {
			return cs, fmt.Errorf("senders: %v", err)
		}
	}
	switch pol {
	case "pairing", "disabled":
	case "allowlist":
		if len(senders) == 0 {
			return cs, fmt.Errorf("senders: an allowlist needs at least one sender id (OpenClaw rejects an empty one)")
		}
	case "open":
		if !a.Yes("confirm_open") {
			return cs, fmt.Errorf("confirm_open: an open DM policy needs an explicit yes")
		}
	default:
		return cs, fmt.Errorf("policy: %q is not pairing, allowlist, disabled or open", pol)
	}
	done := map[string]bool{}
	for _, sc := range channelScopes(s, ch) {
		dm := sc.DMPolicy()
		allow, allowPath := sc.AllowFrom()
		affected := dm.Value == "open" || containsS(allow, "*")
		if !affected || (sc.Account != "" && !strings.HasPrefix(dm.Path, sc.Path+".") && !strings.HasPrefix(allowPath, sc.Path+".")) {
			continue // an account inheriting the channel's values is fixed there
		}
		polPath, listPath := dm.Path, allowPath
		if !dm.Explicit {
			polPath = sc.Path + ".dmPolicy"
		}
		if strings.HasSuffix(polPath, ".dm.policy") && !useLegacyDM(s, polPath) {
			// 2026.7+ rejects dm.policy: move to the flat keys.
			base := strings.TrimSuffix(polPath, ".dm.policy")
			cs.Edits = append(cs.Edits, unset(f, polPath, "dm.policy is replaced by dmPolicy"))
			if strings.HasSuffix(listPath, ".dm.allowFrom") {
				cs.Edits = append(cs.Edits, unset(f, listPath, "dm.allowFrom is replaced by allowFrom"))
			}
			polPath, listPath = base+".dmPolicy", base+".allowFrom"
		} else if strings.HasSuffix(polPath, ".dm.policy") && !strings.HasSuffix(listPath, ".dm.allowFrom") && s.Doc.Get(listPath) == nil {
			listPath = strings.TrimSuffix(polPath, ".policy") + ".allowFrom"
		}
		if done[polPath] {
			continue
		}
		done[polPath] = true
		if pol != dm.Value || !dm.Explicit {
			cs.Edits = append(cs.Edits, set(f, polPath, pol, sc.Name()+": DM policy "+pol))
		}
		switch pol {
		case "allowlist":
			cs.Edits = append(cs.Edits, set(f, listPath, model.List(senders), sc.Name()+": DM allowlist"))
		case "open":
			if !containsS(allow, "*") {
				cs.Edits = append(cs.Edits, set(f, listPath, model.List(append(withoutStar(allow), "*")), sc.Name()+`: "*" is the explicit opt-in for open DMs`))
			}
		default:
			if containsS(allow, "*") {
				if rest := withoutStar(allow); len(rest) > 0 {
					cs.Edits = append(cs.Edits, set(f, listPath, model.List(rest), sc.Name()+`: drop "*"`))
				} else {
					cs.Edits = append(cs.Edits, unset(f, listPath, sc.Name()+`: drop "*"`))
				}
			}
		}
	}
	if pol == "pairing" {
		cs.After = append(cs.After, "Approve senders with `openclaw pairing list "+ch+"` and `openclaw pairing approve "+ch+" <code>`.")
	}
	return cs, nil
}

func groupQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	ch := findingChannel(f.CheckID)
	senders := knownSenders(s, ch, "groupAllowFrom")
	return []model.Question{
		{
			ID: "senders", Kind: model.MultiSelect, Title: "Who may trigger the bot in " + ch + " groups (groupAllowFrom)?",
			Help:    "Seeded from groupAllowFrom, allowFrom and the pairing store. The bot still answers only in the groups listed under groups/guilds/channels.",
			Options: optionsOf(senders), Default: strings.Join(senders, ","), Validate: senderValidate,
			Breaks: "Group members not listed can no longer trigger the bot.",
		},
		{
			ID: "mention", Kind: model.Text, Title: "Mention patterns for each agent (comma-separated)",
			Help:    "Written to groupChat.mentionPatterns where an agent has none, so people can still call the bot once mentions are required.",
			Default: "@openclaw",
			Validate: func(v string) error {
				if len(splitList(v)) == 0 {
					return fmt.Errorf("give at least one pattern")
				}
				return nil
			},
			Breaks: "The bot stays silent in groups unless one of these patterns (or a native @mention) is used.",
		},
	}
}

func groupPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	senders := a.List("senders")
	for _, x := range senders {
		if err := senderValidate(x); err != nil {
			return cs, fmt.Errorf("senders: %v", err)
		}
	}
	if f.CheckID == audit.IDChannelsTelegramGroupsAllowFromMissing && len(senders) == 0 {
		return cs, fmt.Errorf("senders: list at least one numeric Telegram user id")
	}
	patterns := splitList(a["mention"])
	if len(patterns) == 0 {
		return cs, fmt.Errorf("mention: give at least one pattern")
	}
	seen := map[string]bool{}
	add := func(e model.Edit) {
		if !seen[e.Path] {
			seen[e.Path] = true
			cs.Edits = append(cs.Edits, e)
		}
	}
	for _, sc := range channelScopes(s, ch) {
		gp := sc.GroupPolicy(s.Doc)
		own := gp.Explicit && strings.HasPrefix(gp.Path, sc.Path+".")
		if gp.Value == "open" && (own || sc.Account == "") {
			add(set(f, sc.Path+".groupPolicy", "allowlist", sc.Name()+": groups only from the allowlist"))
		}
		if gp.Value != "disabled" && (own || sc.Account == "") {
			n, p := sc.Get("groupAllowFrom")
			if p == "" || strings.HasPrefix(p, sc.Path+".") {
				if len(senders) > 0 {
					add(set(f, sc.Path+".groupAllowFrom", model.List(senders), sc.Name()+": group senders"))
				} else if n.ContainsString("*") {
					add(unset(f, sc.Path+".groupAllowFrom", sc.Name()+`: drop "*"`))
				}
			}
		}
		if n, p := sc.Get("requireMention"); n.IsFalse() && strings.HasPrefix(p, sc.Path+".") {
			add(set(f, p, true, sc.Name()+": require a mention"))
		}
		if g, gpath := sc.Groups(); g != nil && strings.HasPrefix(gpath, sc.Path+".") {
			g.WalkObjects(gpath, func(n *model.Node, p string) {
				if n.Get("requireMention").IsFalse() {
					add(set(f, p+".requireMention", true, "require a mention"))
				}
				if gpn := n.Get("groupPolicy"); gpn.Text() == "open" {
					add(set(f, p+".groupPolicy", "allowlist", "no open group override"))
				}
				if af := n.Get("allowFrom"); af.ContainsString("*") {
					if rest := withoutStar(af.Strings()); len(rest) > 0 {
						add(set(f, p+".allowFrom", model.List(rest), `drop "*"`))
					} else {
						add(unset(f, p+".allowFrom", `drop "*"`))
					}
				}
			})
		}
	}
	mp, err := mentionEdits(s, f, patterns)
	if err != nil {
		return cs, err
	}
	for _, e := range mp {
		add(e)
	}
	return cs, nil
}

// mentionEdits writes groupChat.mentionPatterns on every agent that has
// none, in the era's shape (creating the main agent when none is listed).
func mentionEdits(s *model.Snapshot, f model.Finding, patterns []string) ([]model.Edit, error) {
	var out []model.Edit
	agents := s.Doc.Agents()
	if len(agents) == 1 && agents[0].Node == nil {
		if s.Doc.Get("agents.defaults.groupChat.mentionPatterns") != nil {
			return nil, nil
		}
		out = append(out, newMainAgent(s, f, model.Obj{{Key: "groupChat", Value: model.Obj{{Key: "mentionPatterns", Value: model.List(patterns)}}}}, "mention patterns for the main agent"))
		return out, nil
	}
	for _, ag := range agents {
		if ag.Node.Lookup("groupChat.mentionPatterns") != nil {
			continue
		}
		out = append(out, set(f, ag.Path+".groupChat.mentionPatterns", model.List(patterns), "agent "+ag.ID+": mention patterns"))
	}
	return out, nil
}

func multiAccount(s *model.Snapshot) bool {
	for _, sc := range s.Doc.Scopes() {
		if sc.Account == "" && sc.Node.Get("accounts").Len() > 1 {
			return true
		}
	}
	return false
}

func scopeQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	def := "per-channel-peer"
	if multiAccount(s) {
		def = "per-account-channel-peer"
	}
	return []model.Question{
		{
			ID: "scope", Kind: model.Select, Title: "How should DM sessions be separated?",
			Options: []model.Option{
				{Value: "per-channel-peer", Label: "One session per sender per channel"},
				{Value: "per-account-channel-peer", Label: "One per sender per channel account (several bot accounts)"},
			},
			Default: def,
			Breaks:  "DMs no longer share one context; the owner's DMs on different channels are separate unless linked below.",
		},
		{
			ID: "links", Kind: model.Text, Title: "Identity links (optional)",
			Help:    `Join one person's DMs across channels: "alice=telegram:123,discord:456; bob=…". Leave empty for none.`,
			Default: "", Validate: func(v string) error { _, err := parseIdentityLinks(v); return err },
			Breaks: "Linked identities share one DM session: list only ids that are really the same person.",
		},
	}
}

// parseIdentityLinks reads "canonical=ch:id,ch:id; other=…".
func parseIdentityLinks(v string) (model.Obj, error) {
	var out model.Obj
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, ids, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || seen[name] {
			return nil, fmt.Errorf("%q: want canonical=channel:id,channel:id", part)
		}
		seen[name] = true
		list := splitList(ids)
		if len(list) == 0 {
			return nil, fmt.Errorf("%q: list at least one channel:id", part)
		}
		for _, id := range list {
			c, rest, ok := strings.Cut(id, ":")
			if !ok || c == "" || rest == "" || rest == "*" {
				return nil, fmt.Errorf("%q is not channel:id", id)
			}
		}
		out = append(out, model.Field{Key: name, Value: model.List(list)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func scopePlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	sc := a["scope"]
	if sc != "per-channel-peer" && sc != "per-account-channel-peer" {
		return cs, fmt.Errorf("scope: %q is not per-channel-peer or per-account-channel-peer", sc)
	}
	links, err := parseIdentityLinks(a["links"])
	if err != nil {
		return cs, fmt.Errorf("links: %v", err)
	}
	cs.Edits = append(cs.Edits, set(f, "session.dmScope", sc, "one DM session per sender"))
	for _, l := range links {
		cs.Edits = append(cs.Edits, set(f, model.Child("session.identityLinks", l.Key), l.Value, "link "+l.Key+"'s identities"))
	}
	return cs, nil
}

// openGroupsPlan flips every open groupPolicy of the channel (channel and
// account level, and channels.defaults when that is where "open" comes
// from) to "allowlist". A scope that has neither allowFrom nor
// groupAllowFrom gets groupAllowFrom seeded from its pairing store, as
// OpenClaw's fix does.
func openGroupsPlan(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ch := findingChannel(f.CheckID)
	done := map[string]bool{}
	for _, sc := range channelScopes(s, ch) {
		gp := sc.GroupPolicy(s.Doc)
		if gp.Value != "open" || done[gp.Path] {
			continue
		}
		done[gp.Path] = true
		cs.Edits = append(cs.Edits, set(f, gp.Path, "allowlist", sc.Name()+": groupPolicy open -> allowlist"))
		if n, _ := sc.Get("allowFrom"); n != nil {
			continue
		}
		if n, _ := sc.Get("groupAllowFrom"); n != nil {
			continue
		}
		if seed := storeSenders(s, sc); len(seed) > 0 {
			cs.Edits = append(cs.Edits, set(f, sc.Path+".groupAllowFrom", model.List(seed), sc.Name()+": groupAllowFrom from the pairing store"))
		}
	}
	if len(cs.Edits) > 0 {
		cs.After = append(cs.After, "Groups now answer only senders on groupAllowFrom (or the pairing store): add group members with `openclaw pairing approve "+ch+" <code>` or list them in groupAllowFrom.")
	}
	return cs, nil
}

// storeSenders are the approved senders of a scope's pairing store.
func storeSenders(s *model.Snapshot, sc model.Scope) []string {
	if s.FS == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, ps := range s.FS.PairingStores {
		if !strings.EqualFold(ps.Channel, sc.Channel) || !strings.EqualFold(ps.Account, sc.Account) {
			continue
		}
		for _, e := range ps.Entries {
			if e = strings.TrimSpace(e); e != "" && e != "*" && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	return out
}
