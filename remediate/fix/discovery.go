package fix

import (
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/discovery.go: mDNS full mode.

func init() {
	Register(
		Remediation{
			CheckIDs: []string{audit.IDDiscoveryMDNSFullMode},
			Title:    `Advertise less over mDNS (discovery.mdns.mode "minimal")`,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if configNode(s, "discovery.mdns.mode").Text() != "full" {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Edits: []model.Edit{set(f, "discovery.mdns.mode", "minimal", "mDNS: full → minimal")}, After: []string{restartGateway}}, nil
			},
		},
	)
}
