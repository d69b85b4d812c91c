package audit

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Every declared check gets a verdict in every run, so an audit that could
// not judge something says so instead of looking green (kube-bench's
// PASS/FAIL/WARN for every control, trivy's per-file totals).

// Verdict is one check's outcome.
type Verdict string

const (
	VerdictPass          Verdict = "pass"           // judged, nothing found
	VerdictFail          Verdict = "fail"           // at least one finding (reported or suppressed)
	VerdictUnknown       Verdict = "unknown"        // could not be judged: unreadable config, needs a live gateway, the check failed
	VerdictNotApplicable Verdict = "not_applicable" // what it judges is absent (no channels, hooks off, …)
)

// CheckVerdict is one entry of the report's "checks" list.
type CheckVerdict struct {
	CheckID string     `json:"checkId"`
	Verdict Verdict    `json:"verdict"`
	Reason  string     `json:"reason"`
	Tier    model.Tier `json:"tier"`
	Area    string     `json:"area"`
}

// TierTotals counts the verdicts of one tier.
type TierTotals struct {
	Tier          model.Tier `json:"tier"`
	Name          string     `json:"name"`
	Passed        int        `json:"passed"`
	Failed        int        `json:"failed"`
	Unknown       int        `json:"unknown"`
	NotApplicable int        `json:"notApplicable"`
}

// VerdictSummary is the report's "verdicts" object.
type VerdictSummary struct {
	Tiers  []TierTotals `json:"tiers"`
	Totals TierTotals   `json:"totals"`
	// HardeningIndex is 0–100: see HardeningIndexDoc.
	HardeningIndex int `json:"hardeningIndex"`
	// Complete is false when some check could not be judged: the index
	// then counts those checks as failed, and the output says so.
	Complete bool `json:"complete"`
}

// HardeningIndexDoc documents the index (docs/checks.md, --show-passed).
const HardeningIndexDoc = "The hardening index is 100 × (weighted passed checks) ÷ (weighted judged-or-unknown checks), rounded down; a check's weight is 7 minus its tier (tier 1, open inbound with tools, weighs 6; tier 6, model choice, weighs 1). Not-applicable checks are left out; an unknown check counts as not passed, so an audit that skipped something never scores 100. While a critical finding is open the index is capped at 49."

func tierWeight(t model.Tier) int {
	w := 7 - int(t)
	if w < 1 {
		w = 1
	}
	return w
}

// failedTitle is the title of the audit.check_failed finding for check id.
func failedTitle(id string) string { return "Check " + id + " failed to run" }

// verdictInputs is what the verdicts are derived from.
type verdictInputs struct {
	reg          *Registry
	s            *model.Snapshot // the view the checks ran on
	configUsable bool
	opts         Options
	findings     []model.Finding // reported
	suppressed   []model.Finding
}

// computeVerdicts gives every declared check of the registry a verdict.
func computeVerdicts(in verdictInputs) ([]CheckVerdict, VerdictSummary) {
	hits := map[string]int{}
	notInfo := map[string]int{}
	suppressed := map[string]int{}
	failedRun := map[string]bool{}
	declared := map[string]string{}
	all := append(append([]model.Finding(nil), in.findings...), in.suppressed...)
	for i, f := range all {
		if f.CheckID == IDCheckFailed && strings.HasPrefix(f.Title, "Check ") && strings.HasSuffix(f.Title, " failed to run") {
			failedRun[strings.TrimSuffix(strings.TrimPrefix(f.Title, "Check "), " failed to run")] = true
		}
		id, ok := declared[f.CheckID]
		if !ok {
			c, found := in.reg.Lookup(f.CheckID)
			if !found {
				c, _ = defaultRegistry.Lookup(f.CheckID)
			}
			id = c.ID
			declared[f.CheckID] = id
		}
		hits[id]++
		if f.Severity > model.Info {
			notInfo[id]++
		}
		if i >= len(in.findings) {
			suppressed[id]++
		}
	}
	var out []CheckVerdict
	for _, c := range in.reg.Checks() {
		v, reason := verdictOf(c, in, hits[c.ID], notInfo[c.ID], suppressed[c.ID], failedRun[c.ID])
		tier := c.Tier
		if tier == 0 {
			tier = model.TierModels
		}
		out = append(out, CheckVerdict{CheckID: c.ID, Verdict: v, Reason: reason, Tier: tier, Area: c.Area})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Tier != out[j].Tier {
			return out[i].Tier < out[j].Tier
		}
		return out[i].CheckID < out[j].CheckID
	})
	critical := false
	for _, f := range in.findings {
		if f.Severity == model.Critical {
			critical = true
		}
	}
	return out, summarizeVerdicts(out, critical)
}

func verdictOf(c Check, in verdictInputs, n, serious, sup int, failed bool) (Verdict, string) {
	if failed {
		return VerdictUnknown, "the check failed to run (see audit.check_failed)"
	}
	if n > 0 && serious == 0 {
		return VerdictPass, fmt.Sprintf("%d informational finding(s), nothing at warn or above", n)
	}
	if n > 0 {
		r := fmt.Sprintf("%d finding(s)", n)
		if sup > 0 {
			r += fmt.Sprintf(", %d suppressed", sup)
		}
		return VerdictFail, r
	}
	s := in.s
	switch c.ID {
	case IDConfigUnreadable:
		return VerdictPass, "the config parsed"
	case IDConfigMissing:
		return VerdictPass, "the config exists"
	case IDCheckFailed:
		return VerdictPass, "every check ran"
	case IDSuppressionsActive:
		return VerdictPass, "no suppressions configured"
	case IDProbeFailed, IDProbeUnauthenticated:
		if !in.opts.Deep {
			return VerdictUnknown, "needs a live gateway: run with --deep"
		}
		if c.ID == IDProbeFailed {
			return VerdictPass, "the probe completed"
		}
		return VerdictPass, "every unauthenticated request was refused or not routed"
	case IDRiskChain:
		if !in.configUsable {
			return VerdictUnknown, "the config could not be read (config.unreadable)"
		}
		return VerdictPass, "no path from untrusted inbound through host-reaching tools to a way out"
	case IDListenerExposed:
		if !in.configUsable {
			return VerdictUnknown, "the config could not be read, so the configured bind is unknown"
		}
		_, ok, reason := liveHits(s, in.opts.Live)
		if !ok {
			return VerdictUnknown, reason
		}
		if strings.Contains(reason, "already listens on every interface") {
			return VerdictNotApplicable, reason
		}
		return VerdictPass, reason
	}
	if c.Run == nil {
		return VerdictNotApplicable, "reported by the framework when it applies"
	}
	if !in.configUsable && !c.FSOnly {
		return VerdictUnknown, "the config could not be read (config.unreadable)"
	}
	if v, why := applies(c, s); v != "" {
		return v, why
	}
	if c.Trigger != "" {
		return VerdictPass, "not found: " + firstClause(c.Trigger)
	}
	return VerdictPass, "nothing found"
}

// firstClause shortens a trigger to one line for a reason.
func firstClause(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ";\n"); i > 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		cut := 157
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// subjectRule gives the checks it matches a verdict of their own when what
// they judge is absent (not_applicable) or could not be looked at
// (unknown). verdictOf consults the rules, first match wins, only for a
// check that ran and found nothing.
type subjectRule struct {
	match func(c Check) bool
	// judge returns "" when the subject is there (the check's pass
	// stands), else the verdict and its one-line reason. It must not read
	// the config for an FSOnly check (the config may be unreadable).
	judge func(c Check, s *model.Snapshot) (Verdict, string)
}

func idPrefix(p ...string) func(Check) bool {
	return func(c Check) bool {
		for _, x := range p {
			if strings.HasPrefix(c.ID, x) {
				return true
			}
		}
		return false
	}
}

func idIs(ids ...string) func(Check) bool {
	return func(c Check) bool { return slices.Contains(ids, c.ID) }
}

func naUnless(present bool, reason string) (Verdict, string) {
	if present {
		return "", ""
	}
	return VerdictNotApplicable, reason
}

// channelsConfigured reports whether channels has at least one channel.
func channelsConfigured(s *model.Snapshot) bool {
	ch := Config(s).Get("channels")
	if ch == nil || ch.Kind != model.KindObject {
		return false
	}
	for _, k := range ch.Keys() {
		if k != "defaults" {
			return true
		}
	}
	return false
}

// channelKindOf is the channel a channel-specific check id names
// ("channels.discord.…" → "discord"), "" for checks of every channel.
func channelKindOf(id string) string {
	parts := strings.SplitN(id, ".", 3)
	if len(parts) < 3 || parts[0] != "channels" || isPlaceholder(parts[1]) || parts[1] == "dm" {
		return ""
	}
	return parts[1]
}

func noChannels(Check, *model.Snapshot) (Verdict, string) {
	return VerdictNotApplicable, "no channel is configured"
}

// installsSubject: the install-record checks judge npm install records.
func installsSubject(c Check, s *model.Snapshot) (Verdict, string) {
	if strings.HasPrefix(c.ID, "hooks.") {
		return naUnless(len(pluginsNpmInstalls(s, hooksInstallsKey)) > 0, "no npm hook-pack install is recorded (config hooks.internal.installs or the state DB)")
	}
	return naUnless(len(pluginsNpmInstalls(s, "plugins.installs")) > 0, "no npm plugin install is recorded in plugins.installs")
}

// subjectRules is the table of subjects. A check not matched here passes
// when it finds nothing.
var subjectRules = []subjectRule{
	{idPrefix("channels."), func(c Check, s *model.Snapshot) (Verdict, string) {
		if !channelsConfigured(s) {
			return noChannels(c, s)
		}
		if k := channelKindOf(c.ID); k != "" {
			return naUnless(Config(s).Get("channels").Get(k) != nil, "no "+k+" channel is configured")
		}
		return "", ""
	}},
	{idPrefix("security.exposure.", "session.dm_scope."), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(channelsConfigured(s), "no channel is configured, so no one else can send the agent anything")
	}},
	{idIs(IDHooksInstallsMissingIntegrity, IDPluginsInstallsMissingIntegrity), func(c Check, s *model.Snapshot) (Verdict, string) {
		if s.Era.Era == model.EraGuide {
			return VerdictNotApplicable, "2026.2-era install records have no integrity field"
		}
		return installsSubject(c, s)
	}},
	{idPrefix("hooks.installs_", "plugins.installs_"), installsSubject},
	{idPrefix("hooks."), func(c Check, s *model.Snapshot) (Verdict, string) {
		if Config(s).Get("hooks") == nil {
			return VerdictNotApplicable, "hooks are not configured"
		}
		return naUnless(hooksEnabled(s), "hooks.enabled is not true: webhook ingress is off")
	}},
	{idIs(IDPluginsExtensionsNoAllowlist, IDPluginsAllowPhantomEntries, IDPluginsToolsReachablePermissivePolicy), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(len(pluginsInstalled(s)) > 0, "no plugin is installed under <state>/extensions")
	}},
	{idPrefix("skills.workspace."), func(c Check, s *model.Snapshot) (Verdict, string) {
		sc := skillsScanOf(s)
		for _, w := range sc.Workspaces {
			if w.Err != nil {
				return VerdictUnknown, "the skills/ of " + w.Dir + " could not be walked: " + w.Err.Error()
			}
			if w.Truncated && c.ID == IDSkillsWorkspaceSymlinkEscape {
				return VerdictUnknown, "the walk of " + w.Dir + "/skills stopped at its bound (see skills.workspace.scan_truncated)"
			}
		}
		return naUnless(skillsPresent(s), "no agent workspace has a skills/ dir")
	}},
	{idPrefix("browser."), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(browserEnabled(s), "browser.enabled is false")
	}},
	{idPrefix("gateway.trusted_proxy_"), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(strings.TrimSpace(configString(s, "gateway.auth.mode")) == "trusted-proxy", `gateway.auth.mode is not "trusted-proxy"`)
	}},
	{idPrefix("gateway.tailscale_"), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(tailscaleMode(s) != "off", "gateway.tailscale.mode is off")
	}},
	{idPrefix("tools.elevated.allowFrom."), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(Config(s).Lookup("tools.elevated.allowFrom").Len() > 0, "tools.elevated.allowFrom is not set")
	}},
	{idIs(IDSecurityTrustModelCrossAgentSessionAccessDefault), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(len(s.Doc.Agents()) >= 2, "only one agent is configured")
	}},
	{idIs(IDSandboxBindMountNonAbsolute, IDSandboxDangerousBindMount, IDSandboxDangerousNetworkMode, IDSandboxDangerousSeccompProfile, IDSandboxDangerousApparmorProfile, IDSandboxDockerConfigModeOff), func(c Check, s *model.Snapshot) (Verdict, string) {
		for _, d := range sandboxDockerScopes(s) {
			if d.node.Len() > 0 {
				return "", ""
			}
		}
		return VerdictNotApplicable, "no sandbox.docker settings are configured (defaults or any agent)"
	}},
	// The filesystem checks are FSOnly: these read only the survey.
	{idPrefix("fs.config_include."), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(len(fsState(s).Includes) > 0, "the config has no $include")
	}},
	{idIs(IDFsConfigPermsWritable, IDFsConfigPermsWorldReadable, IDFsConfigPermsGroupReadable, IDFsConfigSymlink), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(fsState(s).Config.Exists, "the config does not exist")
	}},
	{idIs(IDFsLogFilePermsReadable), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(fsState(s).LogFile.Exists, "logging.file is not set or does not exist")
	}},
	{idIs(IDFsEnvFilePermsReadable), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(fsState(s).EnvFile.Exists, "<state>/.env does not exist")
	}},
	{idIs(IDFsCredentialsDirPermsReadable, IDFsCredentialsDirPermsWritable, IDFsCredentialsPermsReadable), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(fsState(s).CredentialsDir.Exists, "<state>/credentials does not exist")
	}},
	{idIs(IDFsConfigBackupPermsReadable), func(c Check, s *model.Snapshot) (Verdict, string) {
		return naUnless(len(fsState(s).ConfigBackups) > 0, "there is no config backup beside the config")
	}},
	{idIs(IDFsAuthProfilesPermsReadable, IDFsAuthProfilesPermsWritable), func(c Check, s *model.Snapshot) (Verdict, string) {
		for _, a := range fsState(s).Agents {
			if a.AuthProfiles.Exists {
				return "", ""
			}
		}
		return VerdictNotApplicable, "no agent has an auth-profiles.json"
	}},
	{idIs(IDFsSessionsStorePermsReadable), func(c Check, s *model.Snapshot) (Verdict, string) {
		for _, a := range fsState(s).Agents {
			if a.SessionsStore.Exists {
				return "", ""
			}
		}
		return VerdictNotApplicable, "no agent has a sessions.json"
	}},
	{idIs(IDFsTranscriptsPermsReadable), func(c Check, s *model.Snapshot) (Verdict, string) {
		for _, a := range fsState(s).Agents {
			if a.Transcripts > 0 {
				return "", ""
			}
		}
		return VerdictNotApplicable, "no agent has a transcript"
	}},
}

// applies finds the subject rule of c: "" when what c judges is present.
func applies(c Check, s *model.Snapshot) (Verdict, string) {
	for _, r := range subjectRules {
		if r.match(c) {
			return r.judge(c, s)
		}
	}
	return "", ""
}

func summarizeVerdicts(vs []CheckVerdict, critical bool) VerdictSummary {
	by := map[model.Tier]*TierTotals{}
	var sum VerdictSummary
	sum.Totals.Name = "all tiers"
	num, den := 0, 0
	for _, v := range vs {
		t := by[v.Tier]
		if t == nil {
			t = &TierTotals{Tier: v.Tier, Name: v.Tier.Name()}
			by[v.Tier] = t
		}
		w := tierWeight(v.Tier)
		switch v.Verdict {
		case VerdictPass:
			t.Passed++
			sum.Totals.Passed++
			num += w
			den += w
		case VerdictFail:
			t.Failed++
			sum.Totals.Failed++
			den += w
		case VerdictUnknown:
			t.Unknown++
			sum.Totals.Unknown++
			den += w
		default:
			t.NotApplicable++
			sum.Totals.NotApplicable++
		}
	}
	for _, t := range by {
		sum.Tiers = append(sum.Tiers, *t)
	}
	sort.Slice(sum.Tiers, func(i, j int) bool { return sum.Tiers[i].Tier < sum.Tiers[j].Tier })
	sum.HardeningIndex = 100
	if den > 0 {
		sum.HardeningIndex = int(math.Floor(100 * float64(num) / float64(den)))
	}
	if critical && sum.HardeningIndex > 49 {
		sum.HardeningIndex = 49
	}
	sum.Complete = sum.Totals.Unknown == 0
	return sum
}
