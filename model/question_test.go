package model

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// questions as the DM fix declares them, plus one that depends on a
// dependent question (an inapplicable question takes its dependants with it).
func whenQuestions() []Question {
	return []Question{
		{ID: "policy", Kind: Select, Default: "pairing", Options: []Option{{Value: "pairing"}, {Value: "allowlist"}, {Value: "open"}}},
		{ID: "senders", Kind: MultiSelect, Default: "1,2", When: &When{ID: "policy", Values: []string{"allowlist"}}},
		{ID: "confirm_open", Kind: Confirm, Default: "no", When: &When{ID: "policy", Values: []string{"open"}}},
		{ID: "why", Kind: Text, Default: "", When: &When{ID: "confirm_open", Values: []string{"yes"}}},
	}
}

func TestApplicable(t *testing.T) {
	qs := whenQuestions()
	require.NoError(t, CheckWhen(qs))

	eff, ign := Applicable(qs, nil)
	require.Equal(t, Answers{"policy": "pairing"}, eff, "the defaults: pairing asks nothing more")
	require.Empty(t, ign)

	eff, ign = Applicable(qs, Answers{"policy": "pairing", "senders": "9", "confirm_open": "no"})
	require.Equal(t, Answers{"policy": "pairing"}, eff)
	require.Equal(t, []string{"senders", "confirm_open"}, ids(ign), "answers to questions that do not apply are reported, in question order")

	eff, _ = Applicable(qs, Answers{"policy": "allowlist"})
	require.Equal(t, Answers{"policy": "allowlist", "senders": "1,2"}, eff, "an applicable question left unanswered takes its default")

	eff, ign = Applicable(qs, Answers{"policy": "open", "confirm_open": "no", "why": "x"})
	require.Equal(t, Answers{"policy": "open", "confirm_open": "no"}, eff)
	require.Equal(t, []string{"why"}, ids(ign))

	eff, _ = Applicable(qs, Answers{"policy": "open", "confirm_open": "Y", "why": "x"})
	require.Equal(t, "x", eff["why"], "a Confirm condition reads the answer as yes/no")

	eff, ign = Applicable(qs, Answers{"policy": "allowlist", "confirm_open": "yes", "why": "x"})
	require.NotContains(t, eff, "why", "the question a condition names does not apply, so neither does its dependant")
	require.Equal(t, []string{"confirm_open", "why"}, ids(ign))

	eff, _ = Applicable(qs, Answers{"other": "x"})
	require.NotContains(t, eff, "other")

	multi := []Question{
		{ID: "tools", Kind: MultiSelect, Options: []Option{{Value: "exec"}, {Value: "read"}}},
		{ID: "sandbox", Kind: Confirm, Default: "yes", When: &When{ID: "tools", Values: []string{"exec"}}},
	}
	require.NoError(t, CheckWhen(multi))
	eff, _ = Applicable(multi, Answers{"tools": "read, exec"})
	require.Contains(t, eff, "sandbox", "a MultiSelect condition holds when the answer holds one of the values")
	eff, _ = Applicable(multi, Answers{"tools": "read"})
	require.NotContains(t, eff, "sandbox")

	require.Equal(t, `policy is "allowlist"`, qs[1].When.String())
	require.Equal(t, `policy is one of "allowlist", "open"`, When{ID: "policy", Values: []string{"allowlist", "open"}}.String())
}

func TestCheckWhenRejectsBadDeclarations(t *testing.T) {
	base := whenQuestions()[:1]
	for name, c := range map[string]struct {
		q    Question
		want string
	}{
		"later or unknown question": {Question{ID: "x", When: &When{ID: "later", Values: []string{"a"}}}, "not an earlier question"},
		"no value":                  {Question{ID: "x", When: &When{ID: "policy"}}, "lists no value"},
		"not an option":             {Question{ID: "x", When: &When{ID: "policy", Values: []string{"everyone"}}}, `can never be "everyone"`},
	} {
		t.Run(name, func(t *testing.T) {
			require.ErrorContains(t, CheckWhen(append(append([]Question(nil), base...), c.q)), c.want)
		})
	}
	self := Question{ID: "x", Kind: Select, Options: []Option{{Value: "a"}}, When: &When{ID: "x", Values: []string{"a"}}}
	require.ErrorContains(t, CheckWhen([]Question{self}), "not an earlier question", "a question cannot depend on itself")
	confirm := []Question{{ID: "c", Kind: Confirm}, {ID: "x", When: &When{ID: "c", Values: []string{"true"}}}}
	require.ErrorContains(t, CheckWhen(confirm), `can never be "true"`, "Confirm conditions are written yes or no")
}

func ids(qs []Question) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}
