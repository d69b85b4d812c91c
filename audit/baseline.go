package audit

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/hardshell/hardshell/model"
)

// Baseline is the set of findings an earlier JSON report held, keyed by
// (checkId, title, detail). Findings in it are still reported but do not
// count toward the exit code.
type Baseline struct {
	Path string
	keys map[findingKey]bool
}

// Len is the number of distinct findings in the baseline.
func (b *Baseline) Len() int { return len(b.keys) }

// ReadBaseline loads an earlier `hardshell audit --json` (or `openclaw
// security audit --json`) report. Bad input is an *model.InputError.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &model.InputError{File: path, Msg: "cannot read baseline: " + err.Error(), Err: err}
	}
	return ParseBaseline(path, data)
}

// ParseBaseline parses a JSON report. It also accepts OpenClaw's
// `--fix --json` envelope {fix, report}.
func ParseBaseline(path string, data []byte) (*Baseline, error) {
	type rep struct {
		Findings []struct {
			CheckID string `json:"checkId"`
			Title   string `json:"title"`
			Detail  string `json:"detail"`
		} `json:"findings"`
		Report *json.RawMessage `json:"report"`
	}
	var r rep
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonInputError(path, data, err)
	}
	if r.Findings == nil && r.Report != nil {
		var inner rep
		if err := json.Unmarshal(*r.Report, &inner); err != nil {
			return nil, jsonInputError(path, data, err)
		}
		r = inner
	}
	if r.Findings == nil {
		return nil, &model.InputError{File: path, Msg: "not an audit report: no \"findings\" array"}
	}
	b := &Baseline{Path: path, keys: map[findingKey]bool{}}
	for i, f := range r.Findings {
		if f.CheckID == "" {
			return nil, &model.InputError{File: path, Msg: fmt.Sprintf("findings[%d] has no checkId", i)}
		}
		b.keys[findingKey{f.CheckID, f.Title, f.Detail}] = true
	}
	return b, nil
}

// jsonInputError turns a decode error into file:line:col.
func jsonInputError(path string, data []byte, err error) error {
	off := -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = int(e.Offset)
	case *json.UnmarshalTypeError:
		off = int(e.Offset)
	}
	if off < 0 {
		return &model.InputError{File: path, Msg: "invalid baseline JSON: " + err.Error(), Err: err}
	}
	line, col := 1, 1
	for i := 0; i < off-1 && i < len(data); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &model.InputError{File: path, Line: line, Col: col, Msg: "invalid baseline JSON: " + err.Error(), Err: err}
}

// ApplyBaseline marks the report's findings that the baseline already had.
// It returns how many matched.
func (r *Report) ApplyBaseline(b *Baseline) int {
	if b == nil {
		return 0
	}
	if r.baseline == nil {
		r.baseline = map[findingKey]bool{}
	}
	n := 0
	for _, f := range r.Findings {
		k := keyOf(f)
		if b.keys[k] {
			r.baseline[k] = true
			n++
		}
	}
	return n
}
