package audit

import (
	"encoding/json"
	"io"

	"github.com/hardshell/hardshell/model"
)

// jsonFinding is a finding plus the report-only "baseline" mark.
type jsonFinding struct {
	model.Finding
	Baseline bool `json:"baseline,omitempty"`
}

// MarshalJSON writes OpenClaw's report shape first (ts, summary, findings,
// deep), then hardshell's additions. Findings that an earlier report
// (--baseline) already had carry "baseline": true.
func (r Report) MarshalJSON() ([]byte, error) {
	fs := make([]jsonFinding, len(r.Findings))
	for i, f := range r.Findings {
		fs[i] = jsonFinding{Finding: f, Baseline: r.baseline[keyOf(f)]}
	}
	sup := r.SuppressedFindings
	if sup == nil {
		sup = []model.Finding{}
	}
	checks := r.Checks
	if checks == nil {
		checks = []CheckVerdict{}
	}
	return json.Marshal(struct {
		Ts                 int64           `json:"ts"`
		Summary            Summary         `json:"summary"`
		Findings           []jsonFinding   `json:"findings"`
		Deep               *DeepResult     `json:"deep,omitempty"`
		SuppressedFindings []model.Finding `json:"suppressedFindings"`
		Target             TargetInfo      `json:"target"`
		Tool               ToolInfo        `json:"tool"`
		Verdicts           VerdictSummary  `json:"verdicts"`
		Checks             []CheckVerdict  `json:"checks"`
	}{r.Ts, r.Summary, fs, r.Deep, sup, r.Target, r.Tool, r.Verdicts, checks})
}

// WriteJSON writes the report as 2-space-indented JSON with a final newline.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
