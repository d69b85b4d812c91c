package fix

import (
	"github.com/hardshell/hardshell/audit"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/flags.go: break-glass flags off.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{audit.IDConfigInsecureOrDangerousFlags},
			Title:    "Turn off insecure and dangerous flags",
			Plan:     planDangerousFlags,
		},
	)
}

// planDangerousFlags switches off every flag config.insecure_or_dangerous_flags
// listed. When one must stay (name matching), the edits are still made but
// without the CheckID, since the finding will remain.
func planDangerousFlags(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
	var edits []model.Edit
	complete := true
	for _, p := range f.Paths {
		n := configNode(s, p)
		if n == nil {
			continue
		}
		if p == "security.audit.suppressions" {
			// Listed as a flag by OpenClaw 2026.9, but suppressions are
			// the operator's reviewed decisions: never removed by a safe
			// fix, so the finding stays.
			complete = false
			continue
		}
		isOn := n.IsTrue() || (strings.HasSuffix(p, "tools.exec.applyPatch.workspaceOnly") && n.IsFalse())
		if !isOn {
			continue
		}
		e, ok := flagOff(s, f, p)
		if !ok {
			complete = false
			continue
		}
		edits = append(edits, e)
	}
	if !complete {
		for i := range edits {
			edits[i].CheckID = ""
		}
	}
	if len(edits) == 0 {
		return model.ChangeSet{}, nil
	}
	return model.ChangeSet{Edits: edits, After: []string{restartGateway}}, nil
}
