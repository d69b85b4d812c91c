package fix

import (
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// Every check that declares a safe or guided fix has a remediation, and the
// remediation's kind agrees with the declaration: "every finding fixable".
func TestEveryFixableCheckHasARemediation(t *testing.T) {
	var missing, mismatched []string
	fixable := 0
	for _, c := range audit.Checks() {
		if c.Run == nil || c.Fix == model.FixManual || c.Fix == "" {
			continue
		}
		fixable++
		r, ok := For(c.ID)
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
