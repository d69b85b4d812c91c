package audit

import (
	"sort"
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

// redactor masks every secret the snapshot knows of in outgoing text: the
// literal secrets written in the config (under token/password/secret/key-like
// keys) and the values of secret-looking environment variables the config
// references or OpenClaw reads.
type redactor struct{ secrets []string }

var secretEnvNames = []string{
	"OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD",
	"CLAWDBOT_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_PASSWORD",
}

const minMaskLen = 4 // shorter values would mangle ordinary words

func newRedactor(s *model.Snapshot) *redactor {
	seen := map[string]bool{}
	add := func(v string) {
		v = strings.TrimSpace(v)
		if len(v) >= minMaskLen {
			seen[v] = true
		}
	}
	var envNames []string
	var walk func(key string, n *model.Node)
	walk = func(key string, n *model.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case model.KindObject:
			for _, m := range n.Members {
				walk(m.Key, m.Value)
			}
		case model.KindArray:
			for _, e := range n.Elems {
				walk(key, e)
			}
		case model.KindString:
			envNames = append(envNames, n.EnvRefs()...)
			if model.IsSecretKey(key) && n.IsLiteralSecret() {
				add(n.Str)
			}
		}
	}
	walk("", Config(s))
	if s.Env != nil {
		for _, name := range append(envNames, secretEnvNames...) {
			if !model.IsSecretKey(name) {
				continue
			}
			if v, ok := s.Env(name); ok {
				add(v)
			}
		}
	}
	r := &redactor{}
	for v := range seen {
		r.secrets = append(r.secrets, v)
	}
	// Longest first, so a secret containing another is masked whole.
	sort.Slice(r.secrets, func(i, j int) bool {
		if len(r.secrets[i]) != len(r.secrets[j]) {
			return len(r.secrets[i]) > len(r.secrets[j])
		}
		return r.secrets[i] < r.secrets[j]
	})
	return r
}

// text masks secrets in one string: the snapshot's known secret values,
// then model.MaskText for secret-shaped text the snapshot does not know.
func (r *redactor) text(s string) string {
	for _, v := range r.secrets {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, model.Mask(v))
		}
	}
	return model.MaskText(s)
}

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
