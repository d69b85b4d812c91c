package fix

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Mode says how Plan treats the questions a caller did not answer.
type Mode int

const (
	// WithDefaults: unanswered questions take their safe defaults, and
	// answers to questions this fix does not ask are ignored (the wizard,
	// accessible mode, harden and the first run).
	WithDefaults Mode = iota
	// Explicit: every question that applies must be answered and every
	// answer must name a question (`hardshell fix --answer`).
	Explicit
)

// ErrManual is Plan's error for a finding hardshell has no fix to write for
// (its Fix is manual, or the catalog has none).
var ErrManual = errors.New("no automatic fix")

// AnswerError is a set of answers Plan refuses. The CLI formats it as
// --answer hints; Error is the validation message alone when Invalid is set.
type AnswerError struct {
	CheckID   string
	Questions []model.Question // every question the fix asks
	Unknown   []string         // answer ids no question has (Explicit)
	Missing   []model.Question // applicable questions left unanswered (Explicit)
	Invalid   error            // an answer its question rejects
}

func (e *AnswerError) Error() string {
	switch {
	case e.Invalid != nil:
		return e.Invalid.Error()
	case len(e.Unknown) > 0:
		return fmt.Sprintf("the fix for %s has no question %q", e.CheckID, e.Unknown[0])
	default:
		var ids []string
		for _, q := range e.Missing {
			ids = append(ids, q.ID)
		}
		return fmt.Sprintf("the fix for %s needs every question answered (%s)", e.CheckID, strings.Join(ids, ", "))
	}
}

// Planned is one finding's fix as planned: the questions it asked, the
// answers the plan used (defaults filled in, only the questions that
// apply) and the change set, which may be empty when there is nothing to
// write on this config.
type Planned struct {
	Finding   model.Finding
	Fix       Remediation
	Questions []model.Question
	Answers   model.Answers
	Changes   model.ChangeSet
	// Ignored are the questions answered although their condition (When)
	// does not hold for the other answers: their answers were not used.
	// Front ends say so (`fix --answer …senders=… ignored: asked only
	// when policy is "allowlist"`).
	Ignored []model.Question
}

// Questions are the questions the fix for f asks on s; ErrManual when the
// finding has no fix to write.
func Questions(s *model.Snapshot, f model.Finding) ([]model.Question, error) {
	_, qs, err := questionsOf(s, f)
	return qs, err
}

func questionsOf(s *model.Snapshot, f model.Finding) (Remediation, []model.Question, error) {
	r, ok := For(f.CheckID)
	if !ok || f.Fix == model.FixManual {
		return Remediation{}, nil, ErrManual
	}
	var qs []model.Question
	if r.Questions != nil {
		qs = r.Questions(s, f)
	}
	if err := model.CheckWhen(qs); err != nil {
		return Remediation{}, nil, fmt.Errorf("the fix for %s declares a bad question: %w", f.CheckID, err)
	}
	return r, qs, nil
}

// Plan is the one planning sequence every front end uses: the finding's
// fix, its questions, the given answers, the questions that apply to them
// (model.Applicable: a question whose condition does not hold is neither
// asked, defaulted nor validated, and an answer to it is ignored and
// listed in Planned.Ignored), validation of the answers the plan will use,
// and the plan itself. Explicit: every applicable question answered and
// every answer naming a question; WithDefaults: defaults for the rest and
// answers to questions the fix does not ask dropped.
func Plan(s *model.Snapshot, f model.Finding, given model.Answers, mode Mode) (Planned, error) {
	r, qs, err := questionsOf(s, f)
	if err != nil {
		return Planned{}, err
	}
	asked := map[string]bool{}
	for _, q := range qs {
		asked[q.ID] = true
	}
	mine := model.Answers{}
	var unknown []string
	for id, v := range given {
		if asked[id] {
			mine[id] = v
		} else {
			unknown = append(unknown, id)
		}
	}
	ans, ignored := model.Applicable(qs, mine)
	if mode == Explicit {
		ae := &AnswerError{CheckID: f.CheckID, Questions: qs, Unknown: unknown}
		sort.Strings(ae.Unknown)
		for _, q := range qs {
			_, applies := ans[q.ID]
			if _, ok := mine[q.ID]; applies && !ok {
				ae.Missing = append(ae.Missing, q)
			}
		}
		if len(ae.Unknown) > 0 || len(ae.Missing) > 0 {
			return Planned{}, ae
		}
	}
	if err := ValidateAnswers(qs, ans); err != nil {
		return Planned{}, &AnswerError{CheckID: f.CheckID, Questions: qs, Invalid: err}
	}
	cs, err := r.Plan(s, f, ans)
	if err != nil {
		return Planned{}, err
	}
	return Planned{Finding: f, Fix: r, Questions: qs, Answers: ans, Changes: cs, Ignored: ignored}, nil
}
