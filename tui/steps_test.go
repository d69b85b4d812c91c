package tui

import (
	"testing"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/require"
)

// On a remote gateway (Options.Remote) the review's "Run afterwards" and
// the done screen's next steps spell the OpenClaw commands as the ssh that
// runs them on the gateway's machine; locally they are the fix's own lines
// (TestGoldenReview, TestGoldenDone).
func TestStepsRunOnTheRemote(t *testing.T) {
	o := demoOptions(t)
	o.Remote = &Remote{Dest: "ops@gw one", Getenv: func(string) (string, bool) { return "", false }}
	const step = "Approve senders with `ssh -t 'ops@gw one' 'openclaw pairing list telegram'` and `ssh -t 'ops@gw one' 'openclaw pairing approve telegram <code>'`."
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(200, 50))
	toReview(t, tm)
	tm.Send(press("ctrl+c"))
	w := tm.FinalModel(t).(*App).Active().(*Wizard)
	require.Equal(t, ScreenReview, w.Screen())
	require.Contains(t, w.View(), "Run afterwards:")
	require.Contains(t, w.View(), "  "+step)

	tm = teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(200, 50))
	toReview(t, tm)
	tm.Send(press("y"))
	waitText(t, tm, "Undo with")
	tm.Send(press("q"))
	v := finalView(t, tm)
	require.Contains(t, v, "  • "+step)
}
