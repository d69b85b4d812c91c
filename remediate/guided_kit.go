package remediate

import (
	"fmt"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Question and plan shapes the guided fixes (guided_*.go) share.

// onlyOption is a one-choice Select: the fix is fixed, the question shows
// what it does and what it breaks.
func onlyOption(id, title, value, label, breaks string) model.Question {
	return model.Question{ID: id, Kind: model.Select, Title: title,
		Options: []model.Option{{Value: value, Label: label}}, Default: value, Breaks: breaks}
}

// requireOnly refuses any answer to a onlyOption question but its value.
func requireOnly(a model.Answers, id, value string) error {
	if a[id] != value {
		return fmt.Errorf("%s: only %s is offered", id, value)
	}
	return nil
}

// listQuestion asks for a comma-separated list, seeded with def and
// checked by validate.
func listQuestion(id, title, help string, def []string, validate func(string) error, breaks string) model.Question {
	return model.Question{ID: id, Kind: model.Text, Title: title, Help: help,
		Default: strings.Join(def, ", "), Validate: validate, Breaks: breaks}
}

// setListPlan writes a listQuestion's answer to path as an array (after
// validate accepts it), then the gateway restarts to pick it up.
func setListPlan(f model.Finding, a model.Answers, id string, validate func(string) error, path, reason string) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := validate(a[id]); err != nil {
		return cs, fmt.Errorf("%s: %v", id, err)
	}
	cs.Edits = append(cs.Edits, set(f, path, toAny(splitList(a[id])), reason))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}
