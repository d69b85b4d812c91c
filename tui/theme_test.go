package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// buttonRow is the line of the view holding both buttons.
func buttonRow(t *testing.T, view string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "Yes") && strings.Contains(l, "No") {
			return l
		}
	}
	t.Fatalf("no Yes/No row in:\n%s", view)
	return ""
}

// Without colour (the tests run with the Ascii profile, as NO_COLOR sets)
// the focused Yes/No button of a wizard form is still marked: ▸ moves
// with the focus.
func TestConfirmFocusMarkedWithoutColour(t *testing.T) {
	qs := []model.Question{{ID: "rotate", Kind: model.Confirm, Title: "Generate a new random gateway secret?", Default: "yes"}}
	f := buildForm(qs, newFormVals(qs), 76).WithTheme(formTheme())
	f.Init()
	var m tea.Model = f
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	row := buttonRow(t, m.View())
	require.Contains(t, row, focusMark+" Yes", "the default (Yes) is focused and marked")
	require.NotContains(t, row, focusMark+" No")
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyLeft})
	row = buttonRow(t, m.View())
	if !strings.Contains(row, focusMark+" No") {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRight})
		row = buttonRow(t, m.View())
	}
	require.Contains(t, row, focusMark+" No", "the mark follows the focus")
	require.NotContains(t, row, focusMark+" Yes")
	require.Equal(t, 1, strings.Count(row, focusMark))
}
