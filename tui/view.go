package tui

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

func (m *Wizard) size() (int, int) {
	if m.w <= 0 || m.h <= 0 {
		return 80, 24
	}
	return m.w, m.h
}

func (m *Wizard) View() string {
	w, h := m.size()
	var s string
	switch m.screen {
	case ScreenScan:
		s = m.viewScan(w)
	case ScreenFindings:
		if m.help {
			s = m.viewHelp(w, h)
		} else {
			s = m.viewFindings(w, h)
		}
	case ScreenForm:
		s = m.viewForm(w)
	case ScreenReview:
		s = m.viewReview(w)
	case ScreenDone:
		s = m.viewDone(w, h)
	}
	s = padLines(s, h)
	if m.asking {
		s = s[:strings.LastIndexByte(s, '\n')+1] + trunc(m.question(), w)
	}
	return s
}

func (m *Wizard) header(w int) string {
	left := stTitle.Render("hardshell") + stDim.Render(" — "+m.opts.label())
	return trunc(left, w)
}

// counts is the header line: severity counts and score.
func counts(s audit.Summary) string {
	return fmt.Sprintf("%s %d · %s %d · %s %d · score %d/100",
		stCrit.Render("CRITICAL"), s.Critical, stWarn.Render("WARN"), s.Warn, stInfo.Render("INFO"), s.Info, s.Score())
}

// verdictLine is the checks' totals and the hardening index; an audit that
// could not judge some checks says so.
func verdictLine(r *audit.Report) string {
	if r == nil || len(r.Checks) == 0 {
		return ""
	}
	t := r.Verdicts.Totals
	s := fmt.Sprintf("checks: %d passed · %d failed · %d unknown · hardening index %d/100", t.Passed, t.Failed, t.Unknown, r.Verdicts.HardeningIndex)
	if !r.Verdicts.Complete {
		s += " " + stWarn.Render("(incomplete)")
	}
	return stDim.Render(s)
}

// tierVerdicts is a tier heading's totals.
func tierVerdicts(r *audit.Report, tier model.Tier) string {
	if r == nil {
		return ""
	}
	for _, t := range r.Verdicts.Tiers {
		if t.Tier == tier {
			return fmt.Sprintf("  %d passed · %d failed · %d unknown", t.Passed, t.Failed, t.Unknown)
		}
	}
	return ""
}

// fixLabel is the fix the finding carries: its title and kind as they
// apply to this config, or the manual remediation.
func fixLabel(f model.Finding) string {
	if f.FixTitle == "" {
		return "manual: " + f.Remediation
	}
	return f.FixTitle + " (" + string(f.Fix) + ")"
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
