package audit

import (
	"fmt"
	"io"
	"strings"

	"github.com/hardshell/hardshell/model"
)

//go:generate go run ./internal/gendocs -o ../docs/checks.md

// WriteDocs writes docs/checks.md from the default registry.
func WriteDocs(w io.Writer) error { return defaultRegistry.WriteDocs(w) }

// WriteDocs writes the checks catalogue as Markdown: one table per tier of
// the guide's checklist, rows sorted by id.
func (r *Registry) WriteDocs(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# hardshell checks\n\n")
	b.WriteString("<!-- Generated from the audit registry by `go generate ./audit` (go run ./audit/internal/gendocs). Do not edit by hand. -->\n\n")
	b.WriteString("Every check hardshell runs, grouped by the security guide's priority checklist (findings are ranked by tier, then severity). ")
	b.WriteString("Ids are OpenClaw's own `checkId` wherever the concept exists in OpenClaw; `Since: hardshell` marks hardshell's own concepts. ")
	b.WriteString("`<placeholders>` in an id stand for one or more dot-separated segments (a channel, an account, an agent). ")
	b.WriteString("Fix kinds: **safe** (`hardshell fix` applies it without questions), **guided** (the wizard asks first), **manual** (advice only).\n")
	b.WriteString("\nEvery run gives every check below a verdict — `pass`, `fail` (a finding at warn or above, reported or suppressed), `unknown` (could not be judged: the config could not be read, the check needs a live gateway (`--deep`) or the socket table, the check failed) or `not_applicable` (what it judges is absent: no channels, hooks off, another auth mode) — with a one-line reason: `hardshell audit --show-passed` lists them per tier with totals, and `--json` always carries them as `checks` (with per-tier totals under `verdicts`). ")
	b.WriteString(HardeningIndexDoc + "\n")
	checks := r.Checks()
	fmt.Fprintf(&b, "\n%d checks.\n", len(checks))
	for _, t := range model.Tiers {
		var rows []Check
		for _, c := range checks {
			if c.Tier == t {
				rows = append(rows, c)
			}
		}
		fmt.Fprintf(&b, "\n## [%d] %s\n\n", int(t), t.Name())
		if len(rows) == 0 {
			b.WriteString("No checks in this tier yet.\n")
			continue
		}
		b.WriteString("| Check id | Severity | Trigger | Fix | Remediation | Since |\n")
		b.WriteString("|---|---|---|---|---|---|\n")
		for _, c := range rows {
			trigger := c.Trigger
			if c.Title != "" {
				trigger = "**" + c.Title + ".** " + trigger
			}
			if c.FSOnly {
				trigger += " (filesystem only: runs even when the config is unreadable)"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n",
				c.ID, cell(c.Severity), cell(trigger), cell(string(c.Fix)), cell(c.Remediation), cell(c.Since))
		}
	}
	var other []Check
	for _, c := range checks {
		if c.Tier < model.TierInbound || c.Tier > model.TierModels {
			other = append(other, c)
		}
	}
	if len(other) > 0 {
		b.WriteString("\n## Without a tier (declaration error)\n\n")
		for _, c := range other {
			fmt.Fprintf(&b, "- `%s` (tier %d)\n", c.ID, int(c.Tier))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "—"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r\n", "<br>")
	return strings.ReplaceAll(s, "\n", "<br>")
}
