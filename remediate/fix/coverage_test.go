package fix_test

import (
	"context"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate/fix"
	"github.com/stretchr/testify/require"
)

// Every declared check, live-probe checks included: a safe or guided
// declaration has a fix of that kind; a manual one has no fix or advice.
func TestEveryFixableCheckHasARemediation(t *testing.T) {
	var missing, mismatched []string
	fixable := 0
	for _, c := range audit.Checks() {
		r, ok := fix.For(c.ID)
		if c.Fix == model.FixManual || c.Fix == "" {
			if ok && r.Kind != model.FixManual {
				mismatched = append(mismatched, c.ID+": check says manual, its fix is "+string(r.Kind))
			}
			continue
		}
		fixable++
		if !ok {
			missing = append(missing, c.ID+" ("+string(c.Fix)+")")
			continue
		}
		if r.Kind != c.Fix {
			mismatched = append(mismatched, c.ID+": check says "+string(c.Fix)+", remediation is "+string(r.Kind))
		}
	}
	require.Empty(t, missing, "fixable checks without a remediation")
	require.Empty(t, mismatched)
	require.Greater(t, fixable, 60)
}

// On every state dir, no finding is labelled with a kind its fix does not
// have: safe and guided findings have a fix of that kind that writes
// something on this config, and a fix title; manual ones carry only an
// advice title.
func TestFindingKindsMatchTheirFix(t *testing.T) {
	states := 0
	for _, name := range stateNames(t) {
		state := testutil.CopyState(t, name)
		s := loadState(t, state)
		rep, err := audit.Run(context.Background(), s, audit.Options{})
		require.NoError(t, err)
		for _, f := range rep.Findings {
			r, ok := fix.For(f.CheckID)
			switch f.Fix {
			case model.FixSafe, model.FixGuided:
				require.True(t, ok, "%s/%s: %s without a fix", name, f.CheckID, f.Fix)
				require.Equal(t, r.Kind, f.Fix, "%s/%s", name, f.CheckID)
				require.Equal(t, r.Title, f.FixTitle, "%s/%s", name, f.CheckID)
				var qs []model.Question
				if r.Questions != nil {
					qs = r.Questions(s, f)
				}
				cs, err := r.Plan(s, f, fix.Defaults(qs, nil))
				require.NoError(t, err, "%s/%s", name, f.CheckID)
				require.False(t, cs.Empty(), "%s/%s: labelled %s, its plan writes nothing", name, f.CheckID, f.Fix)
			case model.FixManual:
				if f.FixTitle != "" {
					require.True(t, ok, "%s/%s", name, f.CheckID)
					require.Equal(t, model.FixManual, r.Kind, "%s/%s: manual with a %s fix's title", name, f.CheckID, r.Kind)
				}
			default:
				t.Fatalf("%s/%s: fix kind %q", name, f.CheckID, f.Fix)
			}
		}
		states++
	}
	require.GreaterOrEqual(t, states, 10)
}
