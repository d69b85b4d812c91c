package remediate

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/hardshell/hardshell/model"
)

// UnifiedDiff is a unified diff of old and new (3 lines of context) with
// labels a/<name> and b/<name>, every line passed through model.MaskText.
// The diff runs on the raw bytes and masking comes after, so a rotated
// secret still shows as a changed line (with both values masked). Equal
// inputs give "".
func UnifiedDiff(name string, old, new []byte) string {
	sep := "/"
	if strings.HasPrefix(name, "/") {
		sep = "" // a file outside the state dir: a/home/u/.config/…, not a//home/…
	}
	d := udiff.Unified("a"+sep+name, "b"+sep+name, string(old), string(new))
	if d == "" {
		return ""
	}
	return model.MaskText(d)
}

// Diff is the combined, masked unified diff of every file the transaction
// writes, creates or removes, in the order they were added. Mode changes
// are not in it; see Plan.
func (t *Txn) Diff() string {
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
		b.WriteString(UnifiedDiff(t.rel(c.path), s.data, newData))
	}
	return b.String()
}
