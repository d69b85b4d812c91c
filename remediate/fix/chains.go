package fix

import (
	"context"
	"fmt"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// A risk chain is broken by fixing any of its links; the guided fix breaks
// the first one, untrusted inbound, with that finding's own remediation
// (its questions, its defaults, its plan), so the chain's fix and the
// link's fix are one and the same change.
func init() {
	Register(Remediation{
		CheckIDs: []string{audit.IDRiskChain},
		Title:    "Break the risk chain at its first link (lock inbound down)",
		Questions: func(s *model.Snapshot, _ model.Finding) []model.Question {
			r, f, err := chainLink(s)
			if err != nil || r.Questions == nil {
				return nil
			}
			return r.Questions(s, f)
		},
		Plan: func(s *model.Snapshot, _ model.Finding, a model.Answers) (model.ChangeSet, error) {
			r, f, err := chainLink(s)
			if err != nil {
				return model.ChangeSet{}, err
			}
			cs, err := r.Plan(s, f, a)
			for i := range cs.Edits {
				if cs.Edits[i].CheckID == "" {
					cs.Edits[i].CheckID = f.CheckID
				}
			}
			return cs, err
		},
	})
}

// Link is the finding whose fix the fix for f applies: for the risk chain
// its first link (the chain's fix is that link's fix), else f itself. A
// caller that takes answers per check id (harden) answers the chain with
// the answers given for its link, so both plan the same change.
func Link(s *model.Snapshot, f model.Finding) model.Finding {
	if f.CheckID != audit.IDRiskChain {
		return f
	}
	if _, lf, err := chainLink(s); err == nil {
		return lf
	}
	return f
}

// chainLink is the first untrusted-inbound finding of the chain (in ranked
// order) that has a remediation of its own.
func chainLink(s *model.Snapshot) (Remediation, model.Finding, error) {
	rep, err := audit.Run(context.Background(), s, audit.Options{DeclaredFixes: true}) // no fix resolution: Resolve of this very finding plans through here
	if err != nil {
		return Remediation{}, model.Finding{}, err
	}
	for _, f := range rep.Findings {
		for _, p := range audit.RiskChainInbound {
			if !audit.MatchID(p, f.CheckID) {
				continue
			}
			if r, ok := For(f.CheckID); ok && f.CheckID != audit.IDRiskChain {
				return r, f, nil
			}
		}
	}
	return Remediation{}, model.Finding{}, fmt.Errorf("no link of the risk chain has a fix of its own: fix the tools or the way out by hand (see the finding)")
}
