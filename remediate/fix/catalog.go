// Package fix is the catalog of fixes, laid out like the checks: the fix for
// a check declared in audit/X.go is registered in fix/X.go, and helpers two
// or more area files use live in kit.go. A fix is data plus pure functions:
// its questions and the change set it plans from a snapshot, a finding and
// the answers. The write engine (transaction, backup, restore, validation,
// diff, .env) is package remediate.
//
// Every edit goes through model.Edit on the merged view, so it lands in the
// file that defines the key, comments kept, and carries the finding's
// CheckID so Prepare's re-audit verifies it. Key shapes follow
// testdata/compat/keys.md (checked with the real 2026.2.1 and 2026.9.6
// CLIs): the 2026.7+ schema no longer knows
// gateway.controlUi.allowInsecureAuth or logging.redactSensitive, so they
// are set only in the guide era and removed otherwise (removal is valid in
// every era, so an unknown era gets it too); 2026.2.1 rejects
// gateway.auth.rateLimit, so it is only written for the 2026.7+ era.
package fix

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// Remediation fixes the findings of one or more checks. It is data plus a
// pure function: the questions it needs (nil for a safe fix) and the change
// set it produces from a snapshot, a finding and the answers. The TUI renders
// the questions with huh; the CLI answers them from --answer flags.
type Remediation struct {
	// CheckIDs are exact ids or dynamic patterns ("channels.<id>.dm.open").
	CheckIDs []string
	// Kind is the kind its checks declare (audit.Check.Fix): safe (applied
	// by `hardshell fix` without questions), guided (needs answers; defaults
	// are the safe choice) or manual (advice). Register fills it in from the
	// declarations; a registration does not restate it.
	Kind  model.FixKind
	Title string // imperative, e.g. "Require pairing for DMs"
	// Questions for this finding; every question has a safe Default.
	Questions func(s *model.Snapshot, f model.Finding) []model.Question
	// Plan is pure: it reads s and returns what to change. Unanswered
	// questions take their defaults (see Defaults).
	Plan func(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error)
	// PerCheck says Questions and Plan read only the snapshot and the
	// finding's CheckID (a permission family tightens every loose entry
	// whichever one was reported), so one plan answers for all the
	// findings of a check: Resolver plans it once per check and run
	// instead of once per finding (50,000 agents give thousands of
	// findings, each plan walking every surveyed file).
	PerCheck bool
}

var (
	regMu sync.RWMutex
	reg   []Remediation
)

// Register declares remediations (from the init of each area file).
func Register(rs ...Remediation) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, r := range rs {
		if r.Plan == nil || len(r.CheckIDs) == 0 {
			panic("fix.Register: a remediation needs CheckIDs and Plan")
		}
		if r.Kind != "" {
			panic("fix.Register: " + r.CheckIDs[0] + ": the kind is the checks' declaration, not the fix's")
		}
		r.Kind = declaredKind(r.CheckIDs)
		if r.Kind == model.FixSafe && r.Questions != nil {
			panic("fix.Register: " + r.CheckIDs[0] + ": a safe fix asks no questions")
		}
		if r.Kind == model.FixGuided && r.Questions == nil {
			panic("fix.Register: " + r.CheckIDs[0] + ": a guided fix asks questions")
		}
		reg = append(reg, r)
	}
}

// declaredKind is the kind the checks of ids declare; it panics when an id
// matches no declared check or the checks disagree (init time, like
// audit.Register).
func declaredKind(ids []string) model.FixKind {
	var kind model.FixKind
	for _, id := range ids {
		var k model.FixKind
		if c, ok := audit.Lookup(id); ok {
			k = c.Fix
		} else {
			for _, c := range audit.Checks() {
				if audit.MatchID(id, c.ID) {
					if k != "" && k != c.Fix {
						panic("fix.Register: the checks matching " + id + " declare different kinds")
					}
					k = c.Fix
				}
			}
		}
		if k == "" {
			panic("fix.Register: " + id + " is not a declared check")
		}
		if kind != "" && kind != k {
			panic("fix.Register: " + strings.Join(ids, ", ") + " declare different kinds")
		}
		kind = k
	}
	return kind
}

// For returns the remediation for a (possibly instantiated) check id.
func For(checkID string) (Remediation, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	for _, r := range reg {
		for _, id := range r.CheckIDs {
			if id == checkID {
				return r, true
			}
		}
	}
	for _, r := range reg {
		for _, id := range r.CheckIDs {
			if strings.Contains(id, "<") && audit.MatchID(id, checkID) {
				return r, true
			}
		}
	}
	return Remediation{}, false
}

// All lists the registered remediations.
func All() []Remediation {
	regMu.RLock()
	defer regMu.RUnlock()
	return append([]Remediation(nil), reg...)
}

// Defaults fills unanswered questions with their safe defaults. Only the
// questions that apply (model.Applicable) are answered: an answer to a
// question whose condition does not hold is dropped, not defaulted, so a
// plan never sees the allowlist's senders under policy pairing.
func Defaults(qs []model.Question, a model.Answers) model.Answers {
	out, _ := model.Applicable(qs, a)
	return out
}

// ValidateAnswers checks answers against their questions: options exist,
// text validators pass. Questions that do not apply to the answers (with
// defaults for the unanswered) are not checked.
func ValidateAnswers(qs []model.Question, a model.Answers) error {
	applies, _ := model.Applicable(qs, a)
	for _, q := range qs {
		v, ok := a[q.ID]
		if _, on := applies[q.ID]; !ok || !on {
			continue
		}
		switch q.Kind {
		case model.Select:
			if !hasOption(q, v) {
				return fmt.Errorf("%s: %q is not one of %s", q.ID, v, optionList(q))
			}
		case model.MultiSelect:
			for _, x := range a.List(q.ID) {
				if len(q.Options) > 0 && !hasOption(q, x) && q.Validate == nil {
					return fmt.Errorf("%s: %q is not one of %s", q.ID, x, optionList(q))
				}
				if q.Validate != nil {
					if err := q.Validate(x); err != nil {
						return fmt.Errorf("%s: %v", q.ID, err)
					}
				}
			}
		case model.Confirm:
			switch strings.ToLower(v) {
			case "yes", "no", "y", "n", "true", "false":
			default:
				return fmt.Errorf("%s: answer yes or no", q.ID)
			}
		case model.Text:
			if q.Validate != nil {
				if err := q.Validate(v); err != nil {
					return fmt.Errorf("%s: %v", q.ID, err)
				}
			}
		}
	}
	return nil
}

func hasOption(q model.Question, v string) bool {
	for _, o := range q.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

func optionList(q model.Question) string {
	var vs []string
	for _, o := range q.Options {
		vs = append(vs, o.Value)
	}
	return strings.Join(vs, ", ")
}
