package remediate

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/hardshell/hardshell/model"
)

// UnifiedDiff is UnifiedDiffWith without registered secrets (structure
// and shape only, as model.MaskText).
func UnifiedDiff(name string, old, new []byte) string { return UnifiedDiffWith(nil, name, old, new) }

// UnifiedDiffWith is a unified diff of old and new with labels a/<name> and
// b/<name>, masked by red.
//
// Both sides are masked as whole files before they are compared, so a
// secret is masked in whatever form it is written (a value on the line
// after its key, a string continued over lines, an array of keys, a quoted
// .env value over several lines), and the diff itself is masked again. A
// rotated secret still shows as a changed line, both values masked. A
// history file (a transcript or a log, see HistoryFile) is shown without
// context lines: its neighbouring lines are other people's messages and
// tool output, not part of the change. Equal inputs give "".
func UnifiedDiffWith(red *model.Redactor, name string, old, new []byte) string {
	sep := "/"
	if strings.HasPrefix(name, "/") {
		sep = "" // a file outside the state dir: a/home/u/.config/…, not a//home/…
	}
	if string(old) == string(new) {
		return ""
	}
	context := 3
	if HistoryFile(name) {
		context = 0
	}
	// Lines are compared by their raw bytes (a rotated token that masks
	// the same as the old one is still a changed line) and shown masked:
	// each line is its mask plus a fingerprint of its raw bytes, and the
	// fingerprints are cut from the diff before anyone sees it.
	from := keyedLines(red.Source(old), old)
	to := keyedLines(red.Source(new), new)
	d, err := udiff.ToUnified("a"+sep+name, "b"+sep+name, from, udiff.Lines(from, to), context)
	if err != nil || d == "" {
		return ""
	}
	return red.String(cutFingerprints(d))
}

// fingerprintMark starts a line's fingerprint in keyedLines.
const fingerprintMark = "\x00\x01"

// keyedLines appends to each line of masked the fingerprint of the same
// line of raw (masked has raw's lines, see Redactor.Source).
func keyedLines(masked string, raw []byte) string {
	ml := strings.SplitAfter(masked, "\n")
	rl := strings.SplitAfter(string(raw), "\n")
	if len(ml) != len(rl) {
		return masked // cannot happen; fall back to comparing masks
	}
	var b strings.Builder
	for i, m := range ml {
		if m == "" {
			continue // after a final line break
		}
		body := strings.TrimRight(m, "\r\n")
		h := fnv.New64a()
		h.Write([]byte(rl[i]))
		b.WriteString(body)
		b.WriteString(fingerprintMark)
		b.WriteString(fmt.Sprintf("%016x", h.Sum64()))
		b.WriteString(m[len(body):])
	}
	return b.String()
}

// cutFingerprints removes what keyedLines added.
func cutFingerprints(d string) string {
	var b strings.Builder
	for {
		k := strings.Index(d, fingerprintMark)
		if k < 0 {
			b.WriteString(d)
			return b.String()
		}
		b.WriteString(d[:k])
		d = d[min(len(d), k+len(fingerprintMark)+16):]
	}
}

// HistoryFile reports files that record history (logs, transcripts):
// *.log and *.jsonl files and anything under a logs/ or sessions/ folder.
func HistoryFile(rel string) bool {
	ext := strings.ToLower(filepath.Ext(rel))
	if ext == ".log" || ext == ".jsonl" {
		return true
	}
	for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
		if seg == "logs" || seg == "sessions" {
			return true
		}
	}
	return false
}

// Diff is the combined unified diff of every file the transaction writes,
// creates or removes, in the order they were added, masked with
// structure and shape only; prefer DiffWith and the run's redactor. Mode
// changes are not in it; see Plan.
func (t *Txn) Diff() string { return t.DiffWith(nil) }

// DiffWith is Diff masked by red (every registered secret of the run, plus
// structure and shape).
func (t *Txn) DiffWith(red *model.Redactor) string {
	var b strings.Builder
	for _, c := range t.changes {
		if c.op == OpChmod {
			continue
		}
		s := t.tracked[c.path]
		var newData []byte
		if c.op == OpWrite {
			newData = c.data
		}
		b.WriteString(UnifiedDiffWith(red, t.rel(c.path), s.data, newData))
	}
	return b.String()
}
