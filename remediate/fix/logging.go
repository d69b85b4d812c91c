package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"regexp"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/logging.go: redaction back on (as OpenClaw's
// own `security audit --fix`) and redaction patterns for internal hosts.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDLoggingRedactPatternsMissing},
			Title:     "Mask internal hosts in logs (logging.redactPatterns)",
			Questions: redactQuestions, Plan: redactPlan,
		},
		Remediation{
			CheckIDs: []string{audit.IDLoggingRedactOff},
			Title:    `Turn tool-output redaction back on (logging.redactSensitive "tools")`,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if configNode(s, "logging.redactSensitive").Text() != "off" {
					return model.ChangeSet{}, nil
				}
				if s.Era.Era != model.EraGuide {
					// 2026.7+ rejects the key (redaction is always on there):
					// removing it fixes the finding and the config, and is
					// valid in every era when the era is unknown.
					return model.ChangeSet{Edits: []model.Edit{{Op: model.OpUnset, Path: "logging.redactSensitive", CheckID: f.CheckID,
						Reason: "remove logging.redactSensitive=off (the 2026.7+ schema no longer has it)"}}}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "logging.redactSensitive", "tools", `logging.redactSensitive=off -> "tools"`)}}, nil
			},
		},
	)
}

// internalHosts reads the hosts the finding lists ("- path (host h)").
func internalHosts(f model.Finding) []string {
	re := regexp.MustCompile(`\(host ([^)\s]+)\)$`)
	var out []string
	for _, line := range strings.Split(f.Detail, "\n") {
		if m := re.FindStringSubmatch(strings.TrimSpace(line)); m != nil && !containsS(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

func validPattern(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("empty pattern")
	}
	if _, err := regexp.Compile(v); err != nil {
		return fmt.Errorf("%q is not a regular expression: %v", v, err)
	}
	return nil
}

func validPatternList(v string) error {
	l := splitList(v)
	if len(l) == 0 {
		return fmt.Errorf("give at least one pattern")
	}
	for _, p := range l {
		if err := validPattern(p); err != nil {
			return err
		}
	}
	return nil
}

func redactQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var pats []string
	for _, h := range internalHosts(f) {
		pats = append(pats, regexp.QuoteMeta(h))
	}
	return []model.Question{listQuestion("patterns", "Patterns to mask in logs (comma-separated regular expressions)",
		"Seeded with the internal hosts your config names. Add internal domains or token shapes of your own.",
		pats, validPatternList, "Log lines show these hosts masked, which can make debugging network issues harder.")}
}

func redactPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	return setListPlan(f, a, "patterns", validPatternList, "logging.redactPatterns", "mask internal hosts in logs")
}
