package audit

import (
	"strings"

	"github.com/hardshell/hardshell/model"
)

// IDConfigManaged reports a config generated elsewhere (model.DetectManaged).
const IDConfigManaged = "config.managed"

func init() {
	Register("config", Check{
		ID: IDConfigManaged, Title: "Config is generated elsewhere (managed)",
		Tier: model.TierModels, Fix: model.FixManual, Severity: "info",
		Trigger:     "the config or an $include is a symlink into /nix/store (or OPENCLAW_NIX_MODE=1), a Kubernetes ConfigMap/Secret volume (..data links), carries an \"Ansible managed\" marker, or lies on a read-only mount",
		Remediation: "Make every change in the source (the Nix option programs.openclaw.config, the Ansible template or variables, the ConfigMap or operator resource), then rebuild, re-deploy or roll the pod; hardshell prints the change for the source and does not write the file.",
		Why:         "An edit to a generated file is overwritten at the next rebuild, playbook run or pod start, so a fix made there looks done and silently comes back. The findings on such a file say so, and fix, harden, contain and baseline refuse to write it.",
		Since:       "hardshell",
		FSOnly:      true,
		Run: func(s *model.Snapshot) []Hit {
			if len(s.Managed) == 0 {
				return nil
			}
			var b strings.Builder
			b.WriteString("hardshell will not write these files; change their source:")
			var paths []string
			for _, m := range s.Managed {
				b.WriteString("\n- " + m.File + " (" + string(m.Kind) + ": " + m.Evidence + "): change " + m.Source())
				paths = append(paths, m.File)
			}
			return []Hit{{Severity: model.Info, Detail: b.String(), Paths: paths}}
		},
	})
}

// markManaged says on every finding located in a managed file that the file
// is generated elsewhere, and makes its fix manual (a write would be
// refused, and lost at the next rebuild anyway).
func markManaged(s *model.Snapshot, fs []model.Finding, manual bool) {
	if len(s.Managed) == 0 {
		return
	}
	for i := range fs {
		if fs[i].CheckID == IDConfigManaged {
			continue
		}
		m := s.ManagedFor(fs[i].File)
		if m == nil {
			continue
		}
		fs[i].Detail = strings.TrimRight(fs[i].Detail, "\n") + "\n" + m.Note()
		if manual {
			fs[i].Fix = model.FixManual
		}
	}
}
