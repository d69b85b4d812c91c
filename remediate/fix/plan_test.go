package fix_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate/fix"
)

// fix.Plan is the one planning sequence: manual findings are refused,
// Explicit wants all and only the asked answers, WithDefaults fills the
// defaults and ignores answers to other questions, and every answer the
// plan uses is validated (defaults included).
func TestPlanSequence(t *testing.T) {
	s := loadState(t, testutil.CopyState(t, "modern-dangerous"))
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var guided, manual *model.Finding
	var sel model.Question
	for i, f := range rep.Findings {
		switch f.Fix {
		case model.FixManual:
			if manual == nil {
				manual = &rep.Findings[i]
			}
		case model.FixGuided:
			qs, err := fix.Questions(s, f)
			require.NoError(t, err)
			for _, q := range qs {
				if guided == nil && q.Kind == model.Select && len(qs) == 1 {
					guided, sel = &rep.Findings[i], q
				}
			}
		}
	}
	require.NotNil(t, guided, "a guided finding with one select question")
	require.NotNil(t, manual, "a manual finding")

	_, err = fix.Plan(s, *manual, nil, fix.WithDefaults)
	require.ErrorIs(t, err, fix.ErrManual)

	var ae *fix.AnswerError
	_, err = fix.Plan(s, *guided, nil, fix.Explicit)
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Len(t, ae.Missing, 1)
	require.Equal(t, sel.ID, ae.Missing[0].ID)

	_, err = fix.Plan(s, *guided, model.Answers{sel.ID: sel.Default, "nope": "x"}, fix.Explicit)
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Equal(t, []string{"nope"}, ae.Unknown)

	_, err = fix.Plan(s, *guided, model.Answers{sel.ID: "not-an-option"}, fix.WithDefaults)
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Error(t, ae.Invalid)

	pl, err := fix.Plan(s, *guided, model.Answers{"nope": "x"}, fix.WithDefaults)
	require.NoError(t, err)
	require.Equal(t, model.Answers{sel.ID: sel.Default}, pl.Answers)
	require.False(t, pl.Changes.Empty())
	require.Equal(t, guided.FixTitle, pl.Fix.Title)

	ex, err := fix.Plan(s, *guided, model.Answers{sel.ID: sel.Default}, fix.Explicit)
	require.NoError(t, err)
	require.Equal(t, pl.Answers, ex.Answers)
}

// A question applies only when its declared condition holds: the DM fix
// asks for allowlist senders only with policy allowlist and for the open
// confirmation only with policy open. Plan neither requires, defaults nor
// validates the others, and reports answers given to them as ignored.
func TestPlanAsksOnlyWhatApplies(t *testing.T) {
	s := auditkit.Snapshot(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*", "42"] } } }`, auditkit.Options{})
	f := finding(t, s, "channels.telegram.dm.open")

	pl, err := fix.Plan(s, f, model.Answers{"policy": "pairing"}, fix.Explicit)
	require.NoError(t, err, "pairing needs no senders and no open confirmation")
	require.Equal(t, model.Answers{"policy": "pairing"}, pl.Answers)
	require.Empty(t, pl.Ignored)
	require.False(t, pl.Changes.Empty())

	pl, err = fix.Plan(s, f, model.Answers{"policy": "pairing", "senders": "*", "confirm_open": "no"}, fix.Explicit)
	require.NoError(t, err, `an answer to a question that does not apply is ignored, even an invalid one ("*")`)
	require.Equal(t, model.Answers{"policy": "pairing"}, pl.Answers)
	var ignored []string
	for _, q := range pl.Ignored {
		ignored = append(ignored, q.ID)
	}
	require.Equal(t, []string{"senders", "confirm_open"}, ignored)

	var ae *fix.AnswerError
	_, err = fix.Plan(s, f, model.Answers{"policy": "allowlist"}, fix.Explicit)
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Len(t, ae.Missing, 1)
	require.Equal(t, "senders", ae.Missing[0].ID, "allowlist asks for its senders")

	_, err = fix.Plan(s, f, model.Answers{"policy": "allowlist", "senders": "*"}, fix.Explicit)
	require.True(t, errors.As(err, &ae), "%v", err)
	require.ErrorContains(t, ae.Invalid, "senders", "an applicable answer is validated")

	pl, err = fix.Plan(s, f, model.Answers{"policy": "allowlist", "senders": "42"}, fix.Explicit)
	require.NoError(t, err)
	require.Equal(t, model.Answers{"policy": "allowlist", "senders": "42"}, pl.Answers)

	_, err = fix.Plan(s, f, model.Answers{"policy": "open"}, fix.Explicit)
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Equal(t, "confirm_open", ae.Missing[0].ID)

	// WithDefaults (wizard, harden): the inapplicable defaults are not
	// filled in either, so the plan sees only what applies.
	pl, err = fix.Plan(s, f, nil, fix.WithDefaults)
	require.NoError(t, err)
	require.Equal(t, model.Answers{"policy": "pairing"}, pl.Answers)
	pl, err = fix.Plan(s, f, model.Answers{"policy": "allowlist"}, fix.WithDefaults)
	require.NoError(t, err)
	require.Equal(t, model.Answers{"policy": "allowlist", "senders": "42"}, pl.Answers, "the seeded senders are the default")
}

// Every question's condition, on every finding of every testdata state,
// names an earlier question and a value it can have.
func TestQuestionConditionsDeclared(t *testing.T) {
	conditional := 0
	for _, name := range stateNames(t) {
		s := loadState(t, testutil.CopyState(t, name))
		rep, err := audit.Run(context.Background(), s, audit.Options{})
		require.NoError(t, err)
		for _, f := range rep.Findings {
			r, ok := fix.For(f.CheckID)
			if !ok || r.Questions == nil {
				continue
			}
			qs := r.Questions(s, f)
			require.NoError(t, model.CheckWhen(qs), "%s in %s", f.CheckID, name)
			for _, q := range qs {
				if q.When != nil {
					conditional++
				}
			}
		}
	}
	require.NotZero(t, conditional, "the states exercise at least one conditional question")
}
