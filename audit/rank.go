package audit

import (
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Rank sorts findings in place by the guide's priority checklist: tier
// ascending (1 = open inbound with tools), then severity descending, then
// checkId, then detail; remaining ties break on title, location and paths so
// the order never depends on scheduling.
func Rank(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return less(fs[i], fs[j]) })
}

func less(a, b model.Finding) bool {
	if a.Priority != b.Priority {
		return a.Priority < b.Priority
	}
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	if a.CheckID != b.CheckID {
		return a.CheckID < b.CheckID
	}
	if a.Detail != b.Detail {
		return a.Detail < b.Detail
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return strings.Join(a.Paths, "\x00") < strings.Join(b.Paths, "\x00")
}
