package model

import (
	"fmt"
	"strconv"
	"strings"
)

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
	// When, if set, is the question's applicability: it is asked only when
	// an earlier answer makes it relevant (the allowlist's senders only
	// with policy allowlist). Declared here, beside the question, and read
	// by every front end through Applicable.
	When *When
}

// When is a question's applicability condition on an earlier question of
// the same fix: the question applies only when that question itself
// applies and its answer (given, or its default) is one of Values. Values
// of a Confirm question are "yes" or "no"; a MultiSelect answer matches
// when it holds one of Values.
type When struct {
	ID     string
	Values []string
}

// String reads the condition for messages: `policy is "allowlist"`.
func (w When) String() string {
	q := make([]string, len(w.Values))
	for i, v := range w.Values {
		q[i] = strconv.Quote(v)
	}
	if len(q) == 1 {
		return w.ID + " is " + q[0]
	}
	return w.ID + " is one of " + strings.Join(q, ", ")
}

// Applicable walks qs in order and returns the answers that apply: a
// question that applies takes its answer from given or, unanswered, its
// Default; a question whose When does not hold is left out, and so is its
// answer in given (listed in ignored, in question order). Answers in given
// that name no question of qs are not copied.
func Applicable(qs []Question, given Answers) (effective Answers, ignored []Question) {
	effective = Answers{}
	kind := map[string]QuestionKind{}
	for _, q := range qs {
		kind[q.ID] = q.Kind
		if q.When != nil && !q.When.holds(effective, kind[q.When.ID]) {
			if _, ok := given[q.ID]; ok {
				ignored = append(ignored, q)
			}
			continue
		}
		if v, ok := given[q.ID]; ok {
			effective[q.ID] = v
		} else {
			effective[q.ID] = q.Default
		}
	}
	return effective, ignored
}

// holds reports whether the condition holds for the effective answers of
// the questions before it (an inapplicable or later question has none).
func (w When) holds(a Answers, k QuestionKind) bool {
	if _, ok := a[w.ID]; !ok {
		return false
	}
	var got []string
	switch k {
	case Confirm:
		got = []string{"no"}
		if a.Yes(w.ID) {
			got = []string{"yes"}
		}
	case MultiSelect:
		got = a.List(w.ID)
	default:
		got = []string{strings.TrimSpace(a[w.ID])}
	}
	for _, g := range got {
		for _, v := range w.Values {
			if g == v {
				return true
			}
		}
	}
	return false
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

// CheckWhen checks the applicability declarations of qs: each When names
// an earlier question, with at least one value that question can have.
func CheckWhen(qs []Question) error {
	seen := map[string]Question{}
	for _, q := range qs {
		if w := q.When; w != nil {
			dep, ok := seen[w.ID]
			if !ok {
				return fmt.Errorf("question %s: its condition names %q, which is not an earlier question", q.ID, w.ID)
			}
			if len(w.Values) == 0 {
				return fmt.Errorf("question %s: its condition on %s lists no value", q.ID, w.ID)
			}
			for _, v := range w.Values {
				if !dep.canBe(v) {
					return fmt.Errorf("question %s: %s can never be %q", q.ID, w.ID, v)
				}
			}
		}
		seen[q.ID] = q
	}
	return nil
}

func (q Question) canBe(v string) bool {
	switch q.Kind {
	case Confirm:
		return v == "yes" || v == "no"
	case Select, MultiSelect:
		if q.Kind == MultiSelect && len(q.Options) == 0 {
			return v != ""
		}
		for _, o := range q.Options {
			if o.Value == v {
				return true
			}
		}
		return false
	}
	return true
}
