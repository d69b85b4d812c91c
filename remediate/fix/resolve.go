package fix

import (
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

func init() { audit.SetFixResolver(Resolver) }

// Resolve is the one rule for a finding's fix kind as it applies to the
// config it was found on, and the title of the fix offered; the audit
// runner calls it for every finding, and every front end reads the result
// from the finding:
//   - no fix in the catalog → manual, no title;
//   - the check said manual for this config (an era rule) → manual, with
//     the title of an advice fix if there is one;
//   - safe → safe only when the plan writes something on this config, so a
//     finding reported safe is applied by `hardshell fix --yes`;
//   - guided → guided only when the plan with the safe defaults writes
//     something on this config.
//
// A plan that errors or writes nothing leaves the finding manual.
func Resolve(s *model.Snapshot, f model.Finding) (model.FixKind, string) {
	return Resolver(s)(f)
}

// Resolver is Resolve for every finding of one audit of s: the plan of a
// PerCheck remediation is made once per check id and its outcome reused
// for the check's other findings (same snapshot, same plan).
func Resolver(s *model.Snapshot) func(f model.Finding) (model.FixKind, string) {
	writes := map[string]bool{} // PerCheck check id → its plan writes something
	return func(f model.Finding) (model.FixKind, string) {
		r, ok := For(f.CheckID)
		if !ok {
			return model.FixManual, ""
		}
		switch f.Fix {
		case model.FixSafe, model.FixGuided:
			if r.Kind == model.FixManual {
				return model.FixManual, r.Title
			}
			w, known := writes[f.CheckID]
			if !known || !r.PerCheck {
				w = planWrites(s, r, f)
				if r.PerCheck {
					writes[f.CheckID] = w
				}
			}
			if !w {
				return model.FixManual, ""
			}
			return f.Fix, r.Title
		}
		if r.Kind == model.FixManual {
			return model.FixManual, r.Title
		}
		return model.FixManual, ""
	}
}

// planWrites says whether r's plan for f with the safe defaults writes
// something on s.
func planWrites(s *model.Snapshot, r Remediation, f model.Finding) bool {
	var qs []model.Question
	if r.Questions != nil {
		qs = r.Questions(s, f)
	}
	cs, err := r.Plan(s, f, Defaults(qs, nil))
	return err == nil && !cs.Empty()
}
