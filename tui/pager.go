package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	"github.com/charmbracelet/x/ansi"
)

// A pager is a long pane the operator can read to its end: a viewport
// (bubbles/viewport) scrolled with ↑↓/jk, PgUp/PgDn, Home/End and g/G,
// with a hint under it saying so whenever the text is longer than the
// pane. Nothing on a screen is cut without a way to read it.
type pager struct {
	vp viewport.Model
}

// newPager is an empty pager; the zero pager works as well.
func newPager() pager { return pager{vp: viewport.New(80, 10)} }

// setSize gives the pager its pane; content set before keeps its offset.
func (p *pager) setSize(w, h int) {
	p.vp.Width, p.vp.Height = max(1, w), max(1, h)
	p.vp.SetYOffset(p.vp.YOffset)
}

// setContent replaces the text (already wrapped to the pane's width) and
// shows its top.
func (p *pager) setContent(s string) {
	p.vp.SetContent(s)
	p.vp.GotoTop()
}

// key scrolls for a scrolling key and reports whether k was one.
func (p *pager) key(k string) bool {
	switch k {
	case "up", "k":
		p.vp.ScrollUp(1)
	case "down", "j":
		p.vp.ScrollDown(1)
	case "pgup":
		p.vp.PageUp()
	case "pgdown":
		p.vp.PageDown()
	case "home", "g":
		p.vp.GotoTop()
	case "end", "G":
		p.vp.GotoBottom()
	default:
		return false
	}
	return true
}

// scrolls reports whether the text is longer than the pane.
func (p *pager) scrolls() bool { return p.vp.TotalLineCount() > p.vp.Height }

// view is the pane, exactly its height.
func (p *pager) view() string { return padLines(p.vp.View(), p.vp.Height) }

// hint names the scroll keys and how far down the pane is; "" when the
// text fits.
func (p *pager) hint() string {
	if !p.scrolls() {
		return ""
	}
	return fmt.Sprintf("↑↓ pgup/pgdn home/end scroll · %d%%", int(p.vp.ScrollPercent()*100))
}

// contMark starts the rest of a line too long for the pane.
const contMark = "↪"

// markWrap cuts each line of plain text longer than w cells into pieces
// of at most w cells, every piece after the first starting with the
// continuation mark, so the end of a long line is on screen and plainly
// the same line.
func markWrap(s string, w int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if w < 2 || ansi.StringWidth(l) <= w {
			out = append(out, l)
			continue
		}
		out = append(out, ansi.Cut(l, 0, w))
		for rest := ansi.Cut(l, w, ansi.StringWidth(l)); rest != ""; {
			n := min(w-1, ansi.StringWidth(rest))
			out = append(out, contMark+ansi.Cut(rest, 0, n))
			rest = ansi.Cut(rest, n, ansi.StringWidth(rest))
		}
	}
	return out
}

// colorDiffWrapped colours a diff (diffStyle) for a pane w cells wide: a long diff line
// continues on the next rows behind the continuation mark, coloured like
// its first row, instead of being cut.
func colorDiffWrapped(d string, w int) string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(d, "\n"), "\n") {
		st := diffStyle(l)
		for i, seg := range markWrap(l, w) {
			if i > 0 {
				out = append(out, stDim.Render(contMark)+st(strings.TrimPrefix(seg, contMark)))
				continue
			}
			out = append(out, st(seg))
		}
	}
	return strings.Join(out, "\n")
}

// diffPane is a flow's review diff in a pager: wrapped to the window with
// continuation marks and scrolled with the pager's keys, never clipped.
type diffPane struct {
	p    pager
	text string
}

// view is the diff in the height the rest of the screen (reserve rows)
// leaves, never fewer than 5 rows, with the scroll hint under it when the
// diff is longer (all of it while the window height h is unknown).
func (d *diffPane) view(diff string, w, h, reserve int) string {
	text := colorDiffWrapped(diff, w)
	if h <= 0 {
		return text // the window's height is not known yet
	}
	ph := max(h-reserve-1, 5)
	d.p.setSize(w, ph)
	if text != d.text {
		d.text = text
		d.p.setContent(text)
	}
	if !d.p.scrolls() {
		return text
	}
	return d.p.view() + "\n" + trunc(stDim.Render(d.p.hint()), w)
}

// key scrolls the diff; it reports whether k was a scrolling key.
func (d *diffPane) key(k string) bool { return d.p.key(k) }
