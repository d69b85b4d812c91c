package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// echoFlow shows whatever text it is given: a stand-in for any screen.
type echoFlow struct{ text string }

func (f echoFlow) Name() string              { return "echo" }
func (f echoFlow) Description() string       { return "" }
func (f echoFlow) Start(o Options) tea.Model { return echoModel(f) }

type echoModel echoFlow

func (m echoModel) Init() tea.Cmd                       { return nil }
func (m echoModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m echoModel) View() string                        { return m.text }

// Every screen reaches the terminal through the run's redactor, whatever
// a flow forgot to mask, and the secrets of every snapshot Load returns
// join it.
func TestAppViewIsRedacted(t *testing.T) {
	secret := "screen-" + "Secret-Value-4d"
	fromLoad := "loaded-" + "Secret-Value-8k"
	red := model.NewRedactor()
	red.Add(secret)
	o := Options{Redactor: red, Load: func() (*model.Snapshot, error) {
		s := &model.Snapshot{Redactor: model.NewRedactor()}
		s.Redactor.Add(fromLoad)
		return s, nil
	}}
	app := NewApp(o, []Flow{echoFlow{text: "token " + secret + " and " + fromLoad + "\nheaders: {Cookie: \"sid=abcdef123\"}"}})
	_, _ = app.Update(tea.KeyMsg{Type: tea.KeyEnter})
	_, err := app.opts.Load()
	require.NoError(t, err)
	v := app.View()
	require.NotContains(t, v, secret)
	require.NotContains(t, v, fromLoad)
	require.NotContains(t, v, "abcdef123")
	require.Contains(t, v, "token ")
	require.NotContains(t, app.Summary(), secret)
}
