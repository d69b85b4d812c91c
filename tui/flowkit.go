package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// The screen pieces the start menu's flows (containment, rotation, secure
// baseline, first-run hardening, restore) share: every one of them draws a
// title with the last error under it, a list with a cursor, a key summary,
// a coloured review diff clipped to the window, and a done screen naming
// the backup and how to undo it; and every one answers the list, review and
// done keys the same way. One copy here keeps the flows looking and
// behaving alike.

// doneHelp is the key summary of a flow's last screen.
const doneHelp = "enter/esc back · q quit"

// screenWidth is the width a flow draws to: the window's, or 80 before the
// first WindowSizeMsg.
func screenWidth(w int) int {
	if w <= 0 {
		return 80
	}
	return w
}

// writeHead writes a flow's title and, when err is set, its text after
// label ("Error: ", "Note: "), wrapped to the width left beside the label.
func writeHead(b *strings.Builder, title, label string, err error, w int) {
	b.WriteString(stTitle.Render(title) + "\n\n")
	if err != nil {
		b.WriteString(stErr.Render(label) + wrap(err.Error(), w-8) + "\n\n")
	}
}

// endScreen is a flow's finished screen: trailing newlines trimmed, and
// exactly h lines when the window height is known.
func endScreen(b *strings.Builder, h int) string {
	out := strings.TrimRight(b.String(), "\n")
	if h > 0 {
		out = padLines(out, h)
	}
	return out
}

// cursorRow is one row of a flow's list, cut to w cells: highlighted
// behind "› " when it is under the cursor, indented otherwise.
func cursorRow(line string, selected bool, w int) string {
	if selected {
		return stCursor.Render(trunc("› "+line, w)) + "\n"
	}
	return trunc("  "+line, w) + "\n"
}

// helpLine is the dim key summary at the foot of a screen, after a blank
// line.
func helpLine(text string) string { return "\n" + stDim.Render(text) + "\n" }

// keyHints renders key/action pairs as "key action · key action" with the
// keys highlighted: the prompt under a review or a confirmation.
func keyHints(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, stKey.Render(pairs[i])+" "+pairs[i+1])
	}
	return strings.Join(parts, " · ")
}

// undoText names a backup set and the command that puts it back, acting on
// o's target so it runs as printed.
func (o Options) undoText(id string) string { return id + " (undo: " + o.command("restore", id) + ")" }

// busyOrQuit answers the keys every flow screen takes before its own: none
// while the flow is working, and q quits. It reports whether it answered.
func busyOrQuit(working bool, k string) (tea.Cmd, bool) {
	switch {
	case working:
		return nil, true
	case k == "q":
		return tea.Quit, true
	}
	return nil, false
}

// listKey answers the keys a flow's first screen shares with the others:
// esc/backspace go back to the menu, up/k and down/j move the cursor over
// n rows. It reports whether k was one of them.
func listKey(k string, cursor *int, n int) (tea.Cmd, bool) {
	switch k {
	case "esc", "backspace":
		return Back, true
	case "up", "k":
		if *cursor > 0 {
			*cursor--
		}
		return nil, true
	case "down", "j":
		if *cursor < n-1 {
			*cursor++
		}
		return nil, true
	}
	return nil, false
}

// doneKey answers a flow's last screen: esc, enter and backspace go back
// to the menu.
func doneKey(k string) tea.Cmd {
	switch k {
	case "esc", "enter", "backspace":
		return Back
	}
	return nil
}

// reviewKey answers a review screen: y marks the flow working and starts
// the write (commit; nil when there is nothing to write, and y then does
// nothing), n/esc cancel back to the first screen.
func reviewKey(k string, working *bool, commit func() tea.Cmd, cancel func()) tea.Cmd {
	switch k {
	case "y":
		if commit != nil {
			*working = true
			return commit()
		}
	case "n", "esc":
		cancel()
	}
	return nil
}

// cycle is the option after i among n (or before it, back), wrapping
// around.
func cycle(i, n int, back bool) int {
	if back {
		return (i + n - 1) % n
	}
	return (i + 1) % n
}
