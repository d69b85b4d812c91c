package fix_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
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
