package model

import "strings"

// QuestionKind is the form control a question needs.
type QuestionKind int

const (
	Select QuestionKind = iota
	MultiSelect
	Text
	Confirm
)

// Option is one choice of a Select or MultiSelect question.
type Option struct {
	Value string
	Label string
}

// Question is asked by a guided remediation. It is data: the TUI renders it
// with huh, the CLI answers it from --answer flags.
type Question struct {
	ID      string // unique within the remediation; --answer CHECKID.ID=value
	Kind    QuestionKind
	Title   string
	Help    string
	Breaks  string   // one line: what choosing the non-default may break
	Options []Option // Select / MultiSelect
	// Default is the safe default: an option value, the comma-joined values of
	// a MultiSelect, the text, or "yes"/"no" for Confirm.
	Default string
	// Validate checks a Text answer (nil = any).
	Validate func(string) error `json:"-"`
}

// Answers maps question IDs to values. MultiSelect values are comma-joined;
// Confirm values are "yes" or "no".
type Answers map[string]string

// List splits a MultiSelect answer.
func (a Answers) List(id string) []string {
	v, ok := a[id]
	if !ok || strings.TrimSpace(v) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Yes reports whether a Confirm answer is affirmative.
func (a Answers) Yes(id string) bool {
	switch strings.ToLower(strings.TrimSpace(a[id])) {
	case "yes", "y", "true", "1", "on":
		return true
	}
	return false
}
