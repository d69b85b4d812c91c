package tui

import (
	"errors"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/hardshell/hardshell/model"
)

// formVals holds the bound values of one form (huh writes through these
// pointers as the user edits, so they are live without leaving a field).
type formVals struct {
	qs    []model.Question
	str   map[string]*string
	multi map[string]*[]string
	yes   map[string]*bool
}

func newFormVals(qs []model.Question) *formVals {
	v := &formVals{qs: qs, str: map[string]*string{}, multi: map[string]*[]string{}, yes: map[string]*bool{}}
	for _, q := range qs {
		switch q.Kind {
		case model.MultiSelect:
			def := model.Answers{q.ID: q.Default}.List(q.ID)
			v.multi[q.ID] = &def
		case model.Confirm:
			b := model.Answers{q.ID: q.Default}.Yes(q.ID)
			v.yes[q.ID] = &b
		default:
			s := q.Default
			v.str[q.ID] = &s
		}
	}
	return v
}

func newSuppressVals() *formVals {
	s := ""
	return &formVals{str: map[string]*string{"reason": &s}}
}

// answers reads the bound values of the questions that apply to them
// (model.Applicable): a hidden question's value is not an answer.
func (v *formVals) answers() model.Answers {
	a, _ := model.Applicable(v.qs, v.raw())
	return a
}

// applies reports whether question id applies to the values bound so far.
func (v *formVals) applies(id string) bool {
	a, _ := model.Applicable(v.qs, v.raw())
	_, ok := a[id]
	return ok
}

// raw reads every bound value as an answer, applicable or not.
func (v *formVals) raw() model.Answers {
	a := model.Answers{}
	for _, q := range v.qs {
		switch q.Kind {
		case model.MultiSelect:
			a[q.ID] = strings.Join(*v.multi[q.ID], ",")
		case model.Confirm:
			if *v.yes[q.ID] {
				a[q.ID] = "yes"
			} else {
				a[q.ID] = "no"
			}
		default:
			a[q.ID] = strings.TrimSpace(*v.str[q.ID])
		}
	}
	return a
}

// keyMap is huh's default with esc as the abort key: the wizard handles
// ctrl+c itself (quit), and esc goes back to the findings.
func keyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	return km
}

func describe(q model.Question) string {
	d := q.Help
	if q.Breaks != "" {
		if d != "" {
			d += "\n"
		}
		d += "May break: " + q.Breaks
	}
	return d
}

// buildForm renders a remediation's questions as one huh form, a field per
// question, the safe default preselected. A question with a condition
// (model.When) is hidden while the answers above it make it irrelevant.
// Forms are built fresh for every use: a completed huh form is inert.
func buildForm(qs []model.Question, v *formVals, width int) *huh.Form {
	groups := make([]*huh.Group, 0, len(qs))
	for _, q := range qs {
		g := huh.NewGroup(questionField(q, v))
		if q.When != nil {
			id := q.ID
			g = g.WithHideFunc(func() bool { return !v.applies(id) })
		}
		groups = append(groups, g)
	}
	return formOf(width, groups...)
}

// questionField is the huh field of one question, bound to v.
func questionField(q model.Question, v *formVals) huh.Field {
	switch q.Kind {
	case model.Select:
		opts := make([]huh.Option[string], 0, len(q.Options))
		for _, o := range q.Options {
			label := o.Label
			if label == "" {
				label = o.Value
			}
			if o.Value == q.Default {
				label += " (safe default)"
			}
			opts = append(opts, huh.NewOption(label, o.Value).Selected(o.Value == q.Default))
		}
		return huh.NewSelect[string]().Key(q.ID).Title(q.Title).
			Description(describe(q)).Options(opts...).Value(v.str[q.ID])
	case model.MultiSelect:
		def := map[string]bool{}
		for _, d := range *v.multi[q.ID] {
			def[d] = true
		}
		opts := make([]huh.Option[string], 0, len(q.Options))
		for _, o := range q.Options {
			label := o.Label
			if label == "" {
				label = o.Value
			}
			opts = append(opts, huh.NewOption(label, o.Value).Selected(def[o.Value]))
		}
		ms := huh.NewMultiSelect[string]().Key(q.ID).Title(q.Title).
			Description(describe(q)).Options(opts...).Value(v.multi[q.ID])
		if q.Validate != nil {
			val := q.Validate
			ms = ms.Validate(func(xs []string) error {
				for _, x := range xs {
					if err := val(x); err != nil {
						return err
					}
				}
				return nil
			})
		}
		return ms
	case model.Confirm:
		return huh.NewConfirm().Key(q.ID).Title(q.Title).
			Description(describe(q)).Affirmative("Yes").Negative("No").Value(v.yes[q.ID])
	default:
		in := huh.NewInput().Key(q.ID).Title(q.Title).Description(describe(q)).Value(v.str[q.ID])
		if q.Validate != nil {
			in = in.Validate(q.Validate)
		}
		return in
	}
}

func buildSuppressForm(v *formVals, width int) *huh.Form {
	in := huh.NewInput().Key("reason").
		Title("Why is it acceptable to suppress this finding?").
		Description("Kept with the check id in security.audit.suppressions (OpenClaw 2026.7+ honours it too) or, for an older OpenClaw, in .hardshell/suppressions.json, which only hardshell reads.").
		Placeholder("e.g. the gateway is only reachable over Tailscale").
		Value(v.str["reason"]).
		Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("a reason is required")
			}
			return nil
		})
	return newForm(width, in)
}

// newForm puts each field in its own group (one page per question), so a
// long question never pushes the others off an 80×24 screen.
func newForm(width int, fields ...huh.Field) *huh.Form {
	groups := make([]*huh.Group, 0, len(fields))
	for _, f := range fields {
		groups = append(groups, huh.NewGroup(f))
	}
	return formOf(width, groups...)
}

// formOf is the form of the groups with the wizard's keys, help and width.
func formOf(width int, groups ...*huh.Group) *huh.Form {
	return huh.NewForm(groups...).
		WithKeyMap(keyMap()).
		WithShowHelp(true).
		WithWidth(width)
}

// AskQuestions asks qs on a terminal (in, out) as one form, a page per
// question, hiding those the answers so far make irrelevant, and returns
// the answers that apply (the commands' own questions, e.g. `hardshell
// baseline`). Esc or ctrl+c aborts.
func AskQuestions(qs []model.Question, in io.Reader, out io.Writer) (model.Answers, error) {
	v := newFormVals(qs)
	km := keyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "quit"))
	if err := buildForm(qs, v, 80).WithKeyMap(km).WithInput(in).WithOutput(out).Run(); err != nil {
		return nil, err
	}
	return v.answers(), nil
}
