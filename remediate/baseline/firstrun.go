package baseline

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
)

// First-run hardening (issue 7, part 1): the profile choice for each agent,
// then tier by tier the findings with their remediations — safe fixes, and
// guided ones with the answers given or their safe defaults — folded into
// one change set that is reviewed and written once.

// Step is one finding and the change that fixes it.
type Step struct {
	Finding model.Finding
	Title   string
	Answers model.Answers
	Changes model.ChangeSet
}

// FirstRun is the ordered plan.
type FirstRun struct {
	// Profiles are the edits of the profile choice (first in the change set).
	Profiles []model.Edit
	// Steps by tier, in the audit's order within a tier.
	Steps []Step
	// Left are the findings of the chosen tiers that stay: no automatic
	// fix, a fix that overlaps an earlier one, or one that did not clear
	// its finding (with why).
	Left  []string
	Audit *audit.Report
	// Ignored are the given answers (PlanFirstRun's answers) that were not
	// used: their question's condition does not hold for the other answers
	// (fix.Planned.Ignored), in the audit's order.
	Ignored []IgnoredAnswer
	// Planned are the check ids PlanFirstRun planned a fix for (given
	// answers for any other check were not used).
	Planned map[string]bool
}

// IgnoredAnswer is a given answer to a question that does not apply.
type IgnoredAnswer struct {
	CheckID  string
	Question model.Question
	Answers  model.Answers // the answers the plan used
}

// ProfileAnswers maps the profile choice onto the guided access-profile
// remediation's answers (agent.<id> = full|readonly|nofs).
func ProfileAnswers(profiles map[string]Profile) model.Answers {
	a := model.Answers{}
	for id, p := range profiles {
		switch p {
		case Personal:
			a["agent."+id] = "full"
		case ReadOnly:
			a["agent."+id] = "readonly"
		case Public:
			a["agent."+id] = "nofs"
		}
	}
	return a
}

// ProfileEdits are the edits that give each listed agent its profile
// (only tightening; a personal agent is left as it is; a missing agent is
// added in the config's shape).
func ProfileEdits(doc *model.Document, profiles map[string]Profile) ([]model.Edit, error) {
	if len(profiles) == 0 {
		return nil, nil
	}
	o := Options{Profiles: profiles, Era: model.EraModern}
	if doc.Get("agents.list") != nil || doc.Get("agents.entries") == nil && model.DetectEra(doc, "").Era == model.EraGuide {
		o.Era = model.EraGuide
	}
	for _, a := range doc.Agents() {
		if a.Default {
			if _, ok := profiles[a.ID]; ok {
				o.DefaultAgent = a.ID
			}
		}
	}
	o.Token = strings.Repeat("0", 48) // unused: no gateway edits
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	m := &merger{doc: doc, o: &o}
	m.agents()
	return m.edits, nil
}

// AgentProfiles suggests a profile per configured agent: the default agent
// personal, every other agent read-only (the safe default).
func AgentProfiles(doc *model.Document) map[string]Profile {
	out := map[string]Profile{}
	for _, a := range doc.Agents() {
		if a.Default {
			out[a.ID] = Personal
		} else {
			out[a.ID] = ReadOnly
		}
	}
	return out
}

// PlanFirstRun audits s and plans the first run for tiers 1..maxTier.
// answers override question defaults per check id; the access-profile
// questions are answered from profiles.
func PlanFirstRun(ctx context.Context, s *model.Snapshot, profiles map[string]Profile, maxTier model.Tier, answers map[string]model.Answers) (*FirstRun, error) {
	if s.Doc == nil {
		return nil, fmt.Errorf("the config could not be read: %v", s.DocErr)
	}
	rep, err := audit.Run(ctx, s, audit.Options{})
	if err != nil {
		return nil, err
	}
	fr := &FirstRun{Audit: rep, Planned: map[string]bool{}}
	if fr.Profiles, err = ProfileEdits(s.Doc, profiles); err != nil {
		return nil, err
	}
	pa := ProfileAnswers(profiles)
	findings := append([]model.Finding(nil), rep.Findings...)
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Priority < findings[j].Priority })
	for _, f := range findings {
		if f.Priority > maxTier || f.Severity < model.Warn {
			continue
		}
		if f.Fix == model.FixManual {
			fr.Left = append(fr.Left, f.CheckID+": no automatic fix")
			continue
		}
		given := model.Answers{}
		for k, v := range pa {
			given[k] = v
		}
		if link := fix.Link(s, f).CheckID; link != f.CheckID {
			// the risk chain's fix is its link's: the link's answers are its
			// answers too, or the chain's defaults would overrule them
			for k, v := range answers[link] {
				given[k] = v
			}
		}
		for k, v := range answers[f.CheckID] {
			given[k] = v
		}
		pl, err := fix.Plan(s, f, given, fix.WithDefaults)
		fr.Planned[f.CheckID] = true
		if err != nil {
			fr.Left = append(fr.Left, f.CheckID+": "+err.Error())
			continue
		}
		for _, q := range pl.Ignored {
			if _, mine := answers[f.CheckID][q.ID]; mine {
				fr.Ignored = append(fr.Ignored, IgnoredAnswer{CheckID: f.CheckID, Question: q, Answers: pl.Answers})
			}
		}
		if pl.Changes.Empty() {
			continue
		}
		fr.Steps = append(fr.Steps, Step{Finding: f, Title: pl.Fix.Title, Answers: pl.Answers, Changes: pl.Changes})
	}
	return fr, nil
}

// Changes folds the profile edits and the steps into one change set.
// A step whose edits contradict an earlier one (same path, other value) is
// left out and listed in fr.Left; skip drops steps by check id.
func (fr *FirstRun) Changes(skip map[string]bool) (model.ChangeSet, []string) {
	var cs model.ChangeSet
	set := map[string]model.Edit{}
	for _, e := range fr.Profiles {
		set[e.Path] = e
		cs.Edits = append(cs.Edits, e)
	}
	var ids []string
	for _, st := range fr.Steps {
		if skip[st.Finding.CheckID] {
			continue
		}
		conflict := false
		for _, e := range st.Changes.Edits {
			if old, ok := set[e.Path]; ok && (old.Op != e.Op || !reflect.DeepEqual(old.Value, e.Value)) {
				conflict = true
				break
			}
		}
		if conflict {
			fr.Left = appendOnce(fr.Left, st.Finding.CheckID+": overlaps an earlier change; run again after this write")
			continue
		}
		for _, e := range st.Changes.Edits {
			set[e.Path] = e
		}
		cs.Merge(st.Changes)
		ids = appendOnce(ids, st.Finding.CheckID)
	}
	return cs, ids
}

func appendOnce(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

// Prepare validates the combined change against fr.Audit (the audit the
// plan came from: no retry audits s again). A step whose finding the
// candidate still shows (its default answer was not enough next to the
// other changes) is dropped and listed in fr.Left, and the rest is
// prepared again, so one stubborn finding does not block the run.
func (fr *FirstRun) Prepare(ctx context.Context, s *model.Snapshot, validate remediate.Validator) (*remediate.Prepared, []string, error) {
	skip := map[string]bool{}
	for range 5 {
		cs, ids := fr.Changes(skip)
		if cs.Empty() {
			return nil, nil, nil
		}
		p, err := remediate.PrepareWith(ctx, remediate.PrepareInput{Snapshot: s, Before: fr.Audit, Changes: cs, Validate: validate})
		var ve *remediate.ValidationError
		if err != nil && errors.As(err, &ve) && len(ve.Still) > 0 {
			for _, id := range ve.Still {
				skip[id] = true
				fr.Left = appendOnce(fr.Left, id+": its default fix did not clear it; fix it on its own")
			}
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return p, ids, nil
	}
	return nil, nil, errors.New("could not find a combination of fixes that clears what it claims")
}
