package audit

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/hardshell/hardshell/model"
	"golang.org/x/term"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Color enables lipgloss styling. Use ColorFor to decide it.
	Color bool
	// Command builds the hardshell commands the report suggests, so they
	// act on the audited target when pasted (cmdline.Target.Command); nil
	// prints them bare.
	Command func(args ...string) string
	// ShowPassed lists every check's verdict per tier with totals
	// (`audit --show-passed`), after the findings.
	ShowPassed bool
}

// ColorFor reports whether w should get colour: a terminal, and NO_COLOR
// unset (any value disables colour, per no-color.org).
func ColorFor(w io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	f := fileOf(w)
	return f != nil && term.IsTerminal(int(f.Fd()))
}

// fileOf is the file under w: w itself, or what a masking writer
// (model.Writer) writes to.
func fileOf(w io.Writer) *os.File {
	switch x := w.(type) {
	case *os.File:
		return x
	case interface{ File() *os.File }:
		return x.File()
	}
	return nil
}

type textStyles struct {
	head, crit, warn, info, dim, tier lipgloss.Style
}

func newTextStyles(w io.Writer, color bool) textStyles {
	if !color {
		p := lipgloss.NewStyle()
		return textStyles{p, p, p, p, p, p}
	}
	r := lipgloss.NewRenderer(w)
	if f := fileOf(w); f != nil {
		r = lipgloss.NewRenderer(f) // the terminal decides the colours; the text still goes through w
	}
	return textStyles{
		head: r.NewStyle().Bold(true),
		crit: r.NewStyle().Bold(true).Foreground(lipgloss.Color("9")),
		warn: r.NewStyle().Bold(true).Foreground(lipgloss.Color("11")),
		info: r.NewStyle().Foreground(lipgloss.Color("12")),
		dim:  r.NewStyle().Faint(true),
		tier: r.NewStyle().Bold(true).Underline(true),
	}
}

// WriteText writes the human report: header, summary, findings grouped under
// the guide's tier headings, and how to fix.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	st := newTextStyles(w, o.Color)
	var b strings.Builder
	b.Grow(textSize(r)) // 7,000 findings are megabytes: no regrowth
	target := r.Target.StateDir
	if target == "" {
		target = r.Target.ConfigPath
	}
	fmt.Fprintf(&b, "%s\n", st.head.Render("hardshell audit — "+target))
	if r.Target.ConfigPath != "" {
		fmt.Fprintf(&b, "%s\n", st.dim.Render("Config: "+r.Target.ConfigPath))
	}
	fmt.Fprintf(&b, "Summary: %d critical · %d warn · %d info\n", r.Summary.Critical, r.Summary.Warn, r.Summary.Info)
	writeVerdictSummary(&b, r, st)
	if len(r.Findings) == 0 {
		b.WriteString("\nNo findings.\n")
	}
	tier := model.Tier(-1)
	for _, f := range r.Findings {
		if f.Priority != tier {
			tier = f.Priority
			fmt.Fprintf(&b, "\n%s\n", st.tier.Render(fmt.Sprintf("[%d] %s", int(tier), tier.Name())))
		}
		var badge string
		switch f.Severity {
		case model.Critical:
			badge = st.crit.Render("CRITICAL")
		case model.Warn:
			badge = st.warn.Render("WARN")
		default:
			badge = st.info.Render("INFO")
		}
		b.WriteString(badge)
		b.WriteByte(' ')
		b.WriteString(f.CheckID)
		b.WriteByte(' ')
		b.WriteString(f.Title)
		if r.InBaseline(f) {
			b.WriteString(" " + st.dim.Render("(baseline)"))
		}
		b.WriteByte('\n')
		if loc := f.Location(); loc != "" {
			writeIndented(&b, "  ", st.dim.Render(loc))
		}
		if f.Detail != "" {
			for rest, more := strings.TrimRight(f.Detail, "\n"), true; more; {
				var l string
				l, rest, more = strings.Cut(rest, "\n")
				writeIndented(&b, "  ", l)
			}
		}
		if f.Remediation != "" {
			writeIndented(&b, "  Fix: ", f.Remediation)
		}
	}
	if o.ShowPassed {
		writeVerdicts(&b, r, st)
	}
	if n := len(r.SuppressedFindings); n > 0 {
		fmt.Fprintf(&b, "\n%s\n", st.dim.Render(fmt.Sprintf("Suppressed: %d finding(s) by %s (shown with --json under suppressedFindings)", n, SuppressionsPath)))
	}
	if d := r.Deep; d != nil && d.Gateway != nil {
		g := d.Gateway
		fmt.Fprintf(&b, "\nDeep probe:")
		if g.URL != nil {
			fmt.Fprintf(&b, " %s", *g.URL)
		}
		if g.OK {
			b.WriteString(" (completed)\n")
		} else {
			b.WriteString(" (incomplete)\n")
		}
		for _, e := range g.Endpoints {
			desc := strings.TrimSpace(e.Method + " " + e.URL)
			if e.Status != 0 {
				desc += fmt.Sprintf(" → %d", e.Status)
			}
			note := e.Note
			if note == "" {
				note = e.Error
			}
			fmt.Fprintf(&b, "  %s  %s\n", desc, note)
		}
	}
	b.WriteString("\n")
	cmd := o.Command
	if cmd == nil {
		cmd = func(args ...string) string { return strings.Join(append([]string{"hardshell"}, args...), " ") }
	}
	if fixable(r) {
		b.WriteString("Fix safe issues: " + cmd("fix") + "   ·   guided fixes: " + cmd() + " (the wizard)\n")
	} else if len(r.Findings) > 0 {
		b.WriteString("Walk through the findings: " + cmd() + " (the wizard)\n")
	}
	if r.Deep == nil {
		b.WriteString("Run deeper: " + cmd("audit", "--deep") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeIndented writes prefix, s and a line end.
func writeIndented(b *strings.Builder, prefix, s string) {
	b.WriteString(prefix)
	b.WriteString(s)
	b.WriteByte('\n')
}

// textSize is about the size of the text report: what the findings print,
// their indents and a line's worth for each, and a line per check.
func textSize(r *Report) int {
	n := 4096 + 160*len(r.Checks)
	for _, f := range r.Findings {
		n += len(f.CheckID) + len(f.Title) + len(f.File) + len(f.Detail) + 2*strings.Count(f.Detail, "\n") + len(f.Remediation) + 64
	}
	return n
}

func fixable(r *Report) bool {
	for _, f := range r.Findings {
		if f.Fix == model.FixSafe || f.Fix == model.FixGuided {
			return true
		}
	}
	return false
}

// writeVerdictSummary is the checks line and one line per tier: passed,
// failed, unknown (and not applicable), and the hardening index. An audit
// that could not judge something says so here, whatever the findings.
func writeVerdictSummary(b *strings.Builder, r *Report, st textStyles) {
	v := r.Verdicts
	if len(r.Checks) == 0 {
		return
	}
	t := v.Totals
	fmt.Fprintf(b, "Checks: %d passed · %d failed · %d unknown · %d not applicable — hardening index %d/100", t.Passed, t.Failed, t.Unknown, t.NotApplicable, v.HardeningIndex)
	if !v.Complete {
		fmt.Fprintf(b, " %s", st.warn.Render(fmt.Sprintf("(incomplete: %d check(s) could not be judged)", t.Unknown)))
	}
	b.WriteString("\n")
	for _, tt := range v.Tiers {
		fmt.Fprintf(b, "  [%d] %-32s %3d passed %3d failed %3d unknown %3d n/a\n", int(tt.Tier), tt.Name, tt.Passed, tt.Failed, tt.Unknown, tt.NotApplicable)
	}
}

// writeVerdicts lists every check with its verdict and reason, per tier,
// with the tier's totals (kube-bench's [PASS]/[FAIL] list).
func writeVerdicts(b *strings.Builder, r *Report, st textStyles) {
	fmt.Fprintf(b, "\n%s\n", st.head.Render("Every check"))
	totals := map[model.Tier]TierTotals{}
	for _, t := range r.Verdicts.Tiers {
		totals[t.Tier] = t
	}
	tier := model.Tier(-1)
	for _, c := range r.Checks {
		if c.Tier != tier {
			tier = c.Tier
			t := totals[tier]
			fmt.Fprintf(b, "\n%s  %s\n", st.tier.Render(fmt.Sprintf("[%d] %s", int(tier), tier.Name())),
				st.dim.Render(fmt.Sprintf("%d passed, %d failed, %d unknown, %d not applicable", t.Passed, t.Failed, t.Unknown, t.NotApplicable)))
		}
		var badge string
		switch c.Verdict {
		case VerdictPass:
			badge = st.info.Render("[PASS]")
		case VerdictFail:
			badge = st.crit.Render("[FAIL]")
		case VerdictUnknown:
			badge = st.warn.Render("[UNKNOWN]")
		default:
			badge = st.dim.Render("[N/A]")
		}
		fmt.Fprintf(b, "%s %s — %s\n", badge, c.CheckID, c.Reason)
	}
	fmt.Fprintf(b, "\n%s\n", st.dim.Render(HardeningIndexDoc))
}
