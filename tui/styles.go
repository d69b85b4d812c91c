package tui

import (
	"path/filepath"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/hardshell/hardshell/model"
)

// Colours are ANSI 16-colour indices so they survive every profile; under
// NO_COLOR (termenv.Ascii) lipgloss drops them and the text stays readable
// because badges are words, not colours.
var (
	stTitle    = lipgloss.NewStyle().Bold(true)
	stDim      = lipgloss.NewStyle().Faint(true)
	stCrit     = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("9"))
	stWarn     = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("11"))
	stInfo     = lipgloss.NewStyle().Foreground(lipgloss.Color("12"))
	stTier     = lipgloss.NewStyle().Bold(true).Underline(true)
	stCursor   = lipgloss.NewStyle().Bold(true).Reverse(true)
	stOK       = lipgloss.NewStyle().Foreground(lipgloss.Color("10"))
	stErr      = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("9"))
	stAdd      = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	stDel      = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	stHunk     = lipgloss.NewStyle().Foreground(lipgloss.Color("6"))
	stLabel    = lipgloss.NewStyle().Bold(true)
	stKey      = lipgloss.NewStyle().Bold(true)
	stStatusOK = lipgloss.NewStyle().Foreground(lipgloss.Color("10"))
)

// badge is the fixed-width severity word: CRITICAL, WARN or INFO.
func badge(s model.Severity) string {
	switch s {
	case model.Critical:
		return stCrit.Render("CRITICAL")
	case model.Warn:
		return stWarn.Render("WARN    ")
	default:
		return stInfo.Render("INFO    ")
	}
}

// diffStyle is how a diff line is drawn: the file headers bold, + green,
// - red, @@ cyan, anything else as it is.
func diffStyle(l string) func(...string) string {
	switch {
	case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		return stLabel.Render
	case strings.HasPrefix(l, "+"):
		return stAdd.Render
	case strings.HasPrefix(l, "-"):
		return stDel.Render
	case strings.HasPrefix(l, "@@"):
		return stHunk.Render
	}
	return func(s ...string) string { return strings.Join(s, "") }
}

// relPath shows p relative to the state dir when it is inside it, so views
// (and golden files) do not depend on where the state dir lives.
func relPath(stateDir, p string) string {
	if stateDir == "" || p == "" || !filepath.IsAbs(p) {
		return p
	}
	r, err := filepath.Rel(stateDir, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return p
	}
	return r
}

// relText replaces the state dir prefix inside free text (finding details
// name absolute paths).
func relText(stateDir, s string) string {
	if stateDir == "" {
		return s
	}
	return strings.ReplaceAll(s, stateDir+string(filepath.Separator), "")
}

// trunc cuts s (which may hold ANSI styling) to w cells.
func trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// wrap word-wraps plain or styled text to w cells.
func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	return ansi.Wrap(s, w, " ")
}

// padLines makes s exactly n lines (clipping or adding blank lines).
func padLines(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[:n]
	}
	for len(ls) < n {
		ls = append(ls, "")
	}
	return strings.Join(ls, "\n")
}
