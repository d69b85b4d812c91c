package audit

import (
	"fmt"
	"math"
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
	if ok, why := applies(c, s); !ok {
		return VerdictNotApplicable, why
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

// applies says whether what a check judges is present at all.
func applies(c Check, s *model.Snapshot) (bool, string) {
	root := Config(s)
	switch {
	case c.Area == "channels" && strings.HasPrefix(c.ID, "channels."):
		if ch := root.Get("channels"); ch == nil || ch.Kind != model.KindObject || len(ch.Members) == 0 {
			return false, "no channel is configured"
		}
	case c.Area == "hooks" && strings.HasPrefix(c.ID, "hooks."):
		if !hooksEnabled(s) && root.Get("hooks") == nil {
			return false, "hooks are not configured"
		}
	case c.Area == "browser" && strings.HasPrefix(c.ID, "browser."):
		if !browserEnabled(s) {
			return false, "browser.enabled is false"
		}
	case strings.HasPrefix(c.ID, "gateway.trusted_proxy_"):
		if strings.TrimSpace(configString(s, "gateway.auth.mode")) != "trusted-proxy" {
			return false, `gateway.auth.mode is not "trusted-proxy"`
		}
	case strings.HasPrefix(c.ID, "gateway.tailscale_"):
		if tailscaleMode(s) == "off" {
			return false, "gateway.tailscale.mode is off"
		}
	}
	return true, ""
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
