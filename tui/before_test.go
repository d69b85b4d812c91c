package tui

import (
	"context"
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// runPrepared runs the review's background work and returns what it sent.
func runPrepared(t *testing.T, cmd tea.Cmd) preparedMsg {
	t.Helper()
	batch, ok := cmd().(tea.BatchMsg)
	require.True(t, ok)
	for _, c := range batch {
		if c == nil {
			continue
		}
		if msg, ok := c().(preparedMsg); ok {
			return msg
		}
	}
	t.Fatal("the review sent no preparedMsg")
	return preparedMsg{}
}

// The review judges the staged fixes against the report the findings were
// staged from, not against a second audit of the snapshot: a change that
// claims a finding it does not fix is refused only when that report holds
// the finding.
func TestWizardReviewUsesItsReport(t *testing.T) {
	s := auditkit.Snapshot(t, `{ gateway: { mode: "local", auth: { mode: "token", token: "abc" } } }`, auditkit.Options{})
	// an edit that claims a finding it does not fix
	cs := model.ChangeSet{Edits: []model.Edit{{Op: model.OpSet, Path: "discovery.mdns.mode", Value: "minimal", CheckID: audit.IDGatewayTokenTooShort}}}
	review := func(rep *audit.Report) preparedMsg {
		m := newWizardFromMenu(Options{StateDir: s.Target.StateDir}, s, rep)
		m.stage = map[int]*staged{0: {kind: stageFix, cs: cs}}
		_, cmd := m.startReview()
		return runPrepared(t, cmd)
	}

	full, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	var ve *remediate.ValidationError
	msg := review(full)
	require.True(t, errors.As(msg.err, &ve), "%v", msg.err)
	require.Equal(t, []string{audit.IDGatewayTokenTooShort}, ve.Still)

	// a report without the finding: nothing to verify, and no second audit
	// of the snapshot says otherwise
	msg = review(&audit.Report{})
	require.NoError(t, msg.err)
	require.NotNil(t, msg.p)
	require.Empty(t, msg.p.Fixed)
}

// The containment flow plans and prepares from the audit it ran (through
// Options.Scan), as `hardshell contain` does: given a report with no
// findings it claims to fix none, where its own audit would claim many.
func TestContainFlowPlansFromItsReport(t *testing.T) {
	s := auditkit.Snapshot(t, `{ gateway: { mode: "local", bind: "lan", auth: { mode: "token", token: "abc" } },
  channels: { telegram: { enabled: true, botToken: "123:abc", dmPolicy: "open", allowFrom: ["*"] } } }`, auditkit.Options{})
	plan := func(scan func(context.Context, *model.Snapshot, func(audit.Progress)) (*audit.Report, error)) containPlannedMsg {
		o := Options{StateDir: s.Target.StateDir, Load: func() (*model.Snapshot, error) { return s, nil }, Scan: scan}
		m := ContainFlow{LogDir: t.TempDir()}.Start(o).(*containModel)
		m.choices = newContainChoices()
		msg, ok := m.plan()().(containPlannedMsg)
		require.True(t, ok)
		require.NoError(t, msg.err)
		return msg
	}

	real := plan(nil)
	require.NotEmpty(t, real.prep.Fixed, "the audit of this config has findings containment fixes")

	given := &audit.Report{}
	calls := 0
	msg := plan(func(context.Context, *model.Snapshot, func(audit.Progress)) (*audit.Report, error) {
		calls++
		return given, nil
	})
	require.Equal(t, 1, calls)
	require.Same(t, given, msg.before)
	require.Empty(t, msg.prep.Fixed, "the plan and Prepare read the report given, which holds no finding")
}
