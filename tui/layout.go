package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// noFindings is what a list of findings says when it is empty (rendered
// when shown, so it follows the colour profile in force).
func noFindings() string {
	return stOK.Render("No findings.") + " " + stDim.Render("A clean audit covers hardshell's checks only; it does not prove the gateway is secure.")
}

// listAndDetail lays a list and the detail of its selected row into h rows
// of a window w cells wide: side by side from 120 columns (the list takes
// 11/20 of the width, then a rule and a space), otherwise stacked with the
// list taking stacked/20 of the rows (at least 3) above a rule. list and
// detail render themselves into the width and height they are given.
func listAndDetail(w, h, stacked int, list, detail func(w, h int) string) string {
	if w >= 120 {
		listW := w * 11 / 20
		detW := w - listW - 2
		sep := strings.TrimRight(strings.Repeat("│\n", h), "\n")
		return lipgloss.JoinHorizontal(lipgloss.Top,
			lipgloss.NewStyle().Width(listW).Render(padLines(list(listW, h), h)),
			stDim.Render(sep),
			" "+strings.ReplaceAll(padLines(detail(detW, h), h), "\n", "\n "))
	}
	listH := max(3, h*stacked/20)
	detH := h - listH - 1
	return padLines(list(w, listH), listH) + "\n" + stDim.Render(strings.Repeat("─", w)) + "\n" + padLines(detail(w, detH), detH)
}

// detailPane is the detail half of a listAndDetail screen (the wizard's
// findings, the fleet's findings): the selected item's text, shown whole
// when it fits, else in a pager that tab focuses (the scroll keys then
// move the pane, not the list).
type detailPane struct {
	pg      pager
	text    string // what pg holds, so it is reset only when it changes
	focused bool   // tab: the scroll keys move the pane
}

// reset gives the keys back to the list and forgets the text (another
// item is selected).
func (d *detailPane) reset() { d.focused, d.text = false, "" }

// focus is tab on the list: the pane takes the keys when it has more
// than it shows.
func (d *detailPane) focus() { d.focused = d.text != "" && d.pg.scrolls() }

// view is text (wrapped to w) in h rows: whole when it fits, else the
// pager, its last row saying how to read the rest.
func (d *detailPane) view(text string, w, h int) string {
	if lipgloss.Height(text) <= h {
		d.reset()
		return text
	}
	d.pg.setSize(w, max(1, h-1))
	if text != d.text {
		d.text = text
		d.pg.setContent(text)
	}
	hint := "tab reads the rest of this pane"
	if d.focused {
		hint = d.pg.hint() + " · tab/esc back to the list"
	}
	return d.pg.view() + "\n" + trunc(stDim.Render(hint), w)
}

// move applies the list keys (↑↓/jk, pgup/pgdn, g/G) to cur over n rows.
func move(k string, cur *int, n, page int) bool {
	switch k {
	case "up", "k":
		*cur = max(0, *cur-1)
	case "down", "j":
		*cur = min(n-1, *cur+1)
	case "pgup":
		*cur = max(0, *cur-page)
	case "pgdown":
		*cur = min(n-1, *cur+page)
	case "home", "g":
		*cur = 0
	case "end", "G":
		*cur = n - 1
	default:
		return false
	}
	*cur = max(0, *cur)
	return true
}
