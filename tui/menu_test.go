package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// countingScan makes o's audits counted and, while gate is open, held.
func countingScan(o *Options, n *atomic.Int32, gate chan struct{}) {
	now := o.Now
	o.Scan = func(ctx context.Context, s *model.Snapshot, progress func(audit.Progress)) (*audit.Report, error) {
		n.Add(1)
		if gate != nil {
			<-gate
		}
		return audit.Run(ctx, s, audit.Options{Now: now, Progress: progress})
	}
}

// The menu audits on launch and shows the counts and score before any key;
// the harden flow then opens on the findings of that audit, not a second
// one; coming back to the menu audits again (a flow may have written).
func TestMenuShowsTheAuditAtOnce(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			var scans atomic.Int32
			countingScan(&o, &scans, nil)
			tm := teatest.NewTestModel(t, NewApp(o, DefaultFlows()), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "CRITICAL 17 · WARN 18 · INFO 4 · score 0/100")
			require.EqualValues(t, 1, scans.Load())
			tm.Send(press("enter"))
			waitText(t, tm, "hardening index")
			require.EqualValues(t, 1, scans.Load(), "the harden flow reused the menu's audit")
			tm.Send(press("esc"))
			waitText(t, tm, "What do you want to do?")
			// The menu is drawn before its audit command runs: wait for the
			// audit itself, not for the screen (quitting first raced it).
			require.Eventually(t, func() bool { return scans.Load() == 2 }, 10*time.Second, 5*time.Millisecond,
				"back on the menu, it audits again")
			tm.Send(press("q"))
			tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			require.EqualValues(t, 2, scans.Load(), "one audit per visit of the menu")
		})
	}
}

// Picking the harden flow while the launch audit runs waits for that audit
// instead of starting another.
func TestHardenWaitsForTheMenuAudit(t *testing.T) {
	o := demoOptions(t)
	var scans atomic.Int32
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(open)
	countingScan(&o, &scans, gate)
	tm := teatest.NewTestModel(t, NewApp(o, DefaultFlows()), teatest.WithInitialTermSize(80, 24))
	waitText(t, tm, "auditing…")
	tm.Send(press("enter"))
	waitText(t, tm, "Scanning")
	open()
	waitText(t, tm, "hardening index")
	tm.Send(press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	require.EqualValues(t, 1, scans.Load())
}
