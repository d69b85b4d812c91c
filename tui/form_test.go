package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate/fix"
	"github.com/stretchr/testify/require"
)

// dmQuestions are the real DM fix's questions on an open Telegram DM with
// one known sender.
func dmQuestions(t *testing.T) []model.Question {
	t.Helper()
	s := auditkit.Snapshot(t, `{ channels: { telegram: { dmPolicy: "open", allowFrom: ["*", "42"] } } }`, auditkit.Options{})
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	for _, f := range rep.Findings {
		if f.CheckID == "channels.telegram.dm.open" {
			qs, err := fix.Questions(s, f)
			require.NoError(t, err)
			return qs
		}
	}
	t.Fatal("no channels.telegram.dm.open finding")
	return nil
}

// step is a key and, when the key moves to another page, a text of that
// page to wait for before the next key (huh changes pages through a
// command, so a key sent earlier would land on the old page).
type step struct {
	key  tea.KeyMsg
	wait string
}

// runForm drives the form of qs and returns everything it drew and the
// answers it produced.
func runForm(t *testing.T, qs []model.Question, steps ...step) (string, model.Answers) {
	t.Helper()
	vals := newFormVals(qs)
	form := buildForm(qs, vals, 76)
	form.SubmitCmd = tea.Quit
	tm := teatest.NewTestModel(t, form, teatest.WithInitialTermSize(80, 24))
	waitText(t, tm, "Who may DM the telegram bot?")
	for _, st := range steps {
		tm.Send(st.key)
		if st.wait != "" {
			waitText(t, tm, st.wait)
		}
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*huh.Form)
	require.Equal(t, huh.StateCompleted, fm.State, "the form completes")
	return readAll(t, tm), vals.answers()
}

// A question is shown only when the answers above it make it relevant:
// after Pairing the DM form asks nothing more; Allowlist asks for the
// senders only; Open asks for the confirmation only.
func TestFormHidesInapplicableQuestions(t *testing.T) {
	const senders, really = "Senders to keep on the allowlist", "Really let anyone DM the bot"
	qs := dmQuestions(t)

	t.Run("pairing", func(t *testing.T) {
		out, ans := runForm(t, qs, step{key: press("enter")})
		require.NotContains(t, out, senders)
		require.NotContains(t, out, really)
		require.Equal(t, model.Answers{"policy": "pairing"}, ans)
	})
	t.Run("allowlist", func(t *testing.T) {
		out, ans := runForm(t, qs, step{key: press("down")}, step{key: press("enter"), wait: senders}, step{key: press("enter")})
		require.NotContains(t, out, really)
		require.Equal(t, model.Answers{"policy": "allowlist", "senders": "42"}, ans)
	})
	t.Run("open", func(t *testing.T) {
		out, ans := runForm(t, qs, step{key: press("down")}, step{key: press("down")}, step{key: press("down")},
			step{key: press("enter"), wait: really}, step{key: press("y")})
		require.NotContains(t, out, senders)
		require.Equal(t, model.Answers{"policy": "open", "confirm_open": "yes"}, ans)
	})
}

// The wizard stages the DM fix with one key in its form: Pairing (the safe
// default) asks nothing more.
func TestWizardPairingStagesWithOneAnswer(t *testing.T) {
	o := demoOptions(t)
	tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(100, 30))
	waitText(t, tm, "score")
	tm.Send(press("space"))
	waitText(t, tm, "safe default")
	tm.Send(press("enter"))
	waitText(t, tm, "1 change staged")
	tm.Send(press("ctrl+c"))
	out := readAll(t, tm)
	require.NotContains(t, out, "Senders to keep on the allowlist")
	require.NotContains(t, out, "Really let anyone DM the bot")
}

// Accessible mode asks one question at a time and skips those that do
// not apply (huh's accessible form would ask hidden ones too).
func TestAccessibleAsksOnlyWhatApplies(t *testing.T) {
	o := demoOptions(t)
	// the top finding, policy 4 (open), "no" to the confirmation: the plan
	// refuses an open policy without a yes, so nothing is written; quit.
	in := strings.NewReader("2\n4\nn\n1\n")
	var out bytes.Buffer
	require.NoError(t, RunAccessible(in, &out, o))
	text := out.String()
	require.Contains(t, text, "Really let anyone DM the bot")
	require.NotContains(t, text, "Senders to keep on the allowlist")
	require.Contains(t, text, "Not fixed: confirm_open: an open DM policy needs an explicit yes")
}

// readAll is everything the program drew until it quit.
func readAll(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	var b bytes.Buffer
	_, err := b.ReadFrom(tm.FinalOutput(t, teatest.WithFinalTimeout(10*time.Second)))
	require.NoError(t, err)
	return b.String()
}
