package tui

import (
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

func accessOptions(t *testing.T, name string) (Options, time.Time) {
	t.Helper()
	state, now := testutil.CopyAccessState(t, name)
	clock := func() time.Time { return now }
	return Options{StateDir: state, ToolVersion: "test", Now: clock, Load: func() (*model.Snapshot, error) {
		return model.Load(model.LoadOptions{
			Locate: model.LocateOptions{StateDirFlag: state, HomeDir: filepath.Dir(state), Getenv: func(string) string { return "" }},
			Now:    clock, OpenClawVersion: func() string { return "" },
		})
	}}, now
}

func reviewSenders(t *testing.T, o Options) (store, pending []string) {
	t.Helper()
	s, err := o.Load()
	require.NoError(t, err)
	r := access.Load(s, access.Options{})
	for _, c := range r.Channels {
		for _, snd := range c.Senders {
			if snd.Source == access.SourceStore {
				store = append(store, snd.ID)
			}
		}
		for _, p := range c.Pending {
			pending = append(pending, p.ID)
		}
	}
	sort.Strings(store)
	sort.Strings(pending)
	return store, pending
}

// The Access screen revokes bob and approves dana, each after a review of
// the store change and with a backup, on the done-when fixture.
func TestAccessFlowRevokesAndApproves(t *testing.T) {
	o, _ := accessOptions(t, "modern-pairing")
	tm := teatest.NewTestModel(t, AccessFlow{}.Start(o), teatest.WithInitialTermSize(140, 30))
	waitText(t, tm, "sender 6203045062")

	// rows: alice, bob (senders), carl, dana (requests)
	tm.Send(press("down"))
	tm.Send(press("enter"))
	waitText(t, tm, "revoke telegram sender 6203045062") // the review, with "y write"
	store, _ := reviewSenders(t, o)
	require.Equal(t, []string{"6102034051", "6203045062"}, store, "nothing is written before y")
	tm.Send(press("y"))
	waitText(t, tm, "undo: hardshell restore")
	store, _ = reviewSenders(t, o)
	require.Equal(t, []string{"6102034051"}, store)

	tm.Send(press("enter")) // back to the list: alice, carl, dana
	waitText(t, tm, "@dana_r")
	tm.Send(press("down"))
	tm.Send(press("down"))
	tm.Send(press("enter"))
	waitText(t, tm, "approve telegram sender 7405067084")
	tm.Send(press("y"))
	waitText(t, tm, "undo: hardshell restore")
	tm.Send(press("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	require.Contains(t, fm.(Summarizer).Summary(), "approve telegram sender 7405067084")

	store, pending := reviewSenders(t, o)
	require.Equal(t, []string{"6102034051", "7405067084"}, store)
	require.Equal(t, []string{"7304056073"}, pending)
	sets, err := remediate.ListBackups(o.StateDir)
	require.NoError(t, err)
	require.Len(t, sets, 2)
	for _, s := range sets {
		require.NotEmpty(t, s.Rows)
	}
}

// From the findings screen, a on a DM finding (here the done-when's
// dm.scope_main_multiuser) opens the Access review.
func TestFindingOpensAccessReview(t *testing.T) {
	o, _ := accessOptions(t, "modern-pairing")
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(140, 30))
	waitText(t, tm, "score")
	tm.Send(press("/"))
	tm.Type("scope_main")
	tm.Send(press("enter"))
	waitText(t, tm, "match")
	tm.Send(press("a"))
	waitText(t, tm, "sender 6203045062")
	tm.Send(press("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	_, ok := fm.Active().(*accessModel)
	require.True(t, ok, "the Access review is the active flow")
}
