package audit

import (
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Report is one audit run. Its JSON form (see json.go) puts OpenClaw's own
// report shape first — ts, summary, findings, deep — so a consumer of
// `openclaw security audit --json` reads it unchanged, then hardshell's
// additions.
type Report struct {
	Ts                 int64           `json:"ts"` // epoch ms
	Summary            Summary         `json:"summary"`
	Findings           []model.Finding `json:"findings"`
	Deep               *DeepResult     `json:"deep,omitempty"`
	SuppressedFindings []model.Finding `json:"suppressedFindings"`
	Target             TargetInfo      `json:"target"`
	Tool               ToolInfo        `json:"tool"`
	// Checks is a verdict for every declared check; Verdicts counts them
	// per tier with the hardening index.
	Checks   []CheckVerdict `json:"checks"`
	Verdicts VerdictSummary `json:"verdicts"`

	// baseline holds the keys of findings that an earlier report already
	// had (see ApplyBaseline); they are reported but do not fail the run.
	baseline map[findingKey]bool
}

// Summary counts the reported (not suppressed) findings by severity.
type Summary struct {
	Critical int `json:"critical"`
	Warn     int `json:"warn"`
	Info     int `json:"info"`
}

// TargetInfo says what was audited.
type TargetInfo struct {
	StateDir   string `json:"stateDir"`
	ConfigPath string `json:"configPath"`
	SchemaEra  string `json:"schemaEra"`
}

// ToolInfo names the producer.
type ToolInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// findingKey identifies a finding across runs (OpenClaw's own fields).
type findingKey struct{ checkID, title, detail string }

func keyOf(f model.Finding) findingKey { return findingKey{f.CheckID, f.Title, f.Detail} }

// InBaseline reports whether f matched the baseline given to ApplyBaseline.
func (r *Report) InBaseline(f model.Finding) bool { return r.baseline[keyOf(f)] }

// Failing lists the findings that count toward the exit code: reported (not
// suppressed), not in the baseline, and at or above threshold. A nil
// threshold (--fail-on none) never fails.
func (r *Report) Failing(threshold *model.Severity) []model.Finding {
	if threshold == nil {
		return nil
	}
	var out []model.Finding
	for _, f := range r.Findings {
		if f.Severity >= *threshold && !r.InBaseline(f) {
			out = append(out, f)
		}
	}
	return out
}

// ParseFailOn reads a --fail-on value: critical, warn, info or none (nil).
func ParseFailOn(v string) (*model.Severity, error) {
	if strings.EqualFold(strings.TrimSpace(v), "none") {
		return nil, nil
	}
	s, err := model.ParseSeverity(v)
	if err != nil {
		return nil, &model.InputError{Msg: "--fail-on: unknown value " + `"` + v + `"` + " (want critical, warn, info or none)"}
	}
	return &s, nil
}

// redactor masks a report's free text with the snapshot's redactor (every
// secret of the run, registered by model.Load, plus structure and shape).
type redactor struct{ r *model.Redactor }

func newRedactor(s *model.Snapshot) *redactor { return &redactor{r: s.Redact()} }

func (r *redactor) text(s string) string { return r.r.String(s) }

func (r *redactor) finding(f model.Finding) model.Finding {
	f.Title = r.text(f.Title)
	f.Detail = r.text(f.Detail)
	f.Remediation = r.text(f.Remediation)
	if f.Paths != nil {
		ps := make([]string, len(f.Paths))
		for i, p := range f.Paths {
			ps[i] = r.text(p)
		}
		f.Paths = ps
	}
	return f
}

func (r *redactor) deep(d *DeepResult) {
	if d == nil || d.Gateway == nil {
		return
	}
	g := d.Gateway
	if g.Error != nil {
		e := r.text(*g.Error)
		g.Error = &e
	}
	if g.Close != nil {
		g.Close.Reason = r.text(g.Close.Reason)
	}
	for i := range g.Endpoints {
		g.Endpoints[i].Error = r.text(g.Endpoints[i].Error)
		g.Endpoints[i].Note = r.text(g.Endpoints[i].Note)
	}
}
