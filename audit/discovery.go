package audit

// Tier 2: mDNS/Bonjour discovery leaking host details on the local network.

import (
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDDiscoveryMDNSFullMode = "discovery.mdns_full_mode"
)

func init() {
	Register("discovery", Check{
		ID: IDDiscoveryMDNSFullMode, Title: "mDNS full mode can leak host metadata",
		Tier: model.TierExposure, Fix: model.FixSafe, Severity: "warn; critical when exposed; info when OPENCLAW_DISABLE_BONJOUR=1 is set",
		Trigger:     `discovery.mdns.mode="full" (the default is "minimal")`,
		Remediation: `Set discovery.mdns.mode="minimal" (recommended) or "off".`,
		Why: "The gateway announces itself over mDNS (_openclaw-gw._tcp on port 5353) for local device discovery. Full mode adds TXT records with cliPath (the CLI's full filesystem path, revealing the username and install location), sshPort (announcing SSH on the host), displayName and lanHost. Broadcasting infrastructure details makes reconnaissance easy for anyone on the local network. " +
			"Minimal mode (the default) broadcasts only role, gatewayPort and transport; apps that need the CLI path get it over the authenticated WebSocket.",
		Breaks: "Apps that read cliPath/sshPort from the mDNS TXT record must fetch them over the authenticated connection instead; discovery itself keeps working in minimal mode.",
		Since:  "OpenClaw 2026.2",
		Run: func(s *model.Snapshot) []Hit {
			if strings.ToLower(strings.TrimSpace(configString(s, "discovery.mdns.mode"))) != "full" {
				return nil
			}
			d := `discovery.mdns.mode="full" publishes cliPath/sshPort in local-network TXT records. This can reveal usernames, filesystem layout, and management ports.`
			sev := model.Warn
			if exposed(s) {
				sev = model.Critical
				d += " The gateway is also exposed (" + exposureText(s) + ")."
			}
			if v, ok := envValue(s, "OPENCLAW_DISABLE_BONJOUR"); ok && strings.TrimSpace(v) == "1" {
				// The variable disables Bonjour without touching the config,
				// but this shell's environment is not necessarily the
				// service's, and some builds ignored it (openclaw#98448):
				// keep the finding visible, at info.
				sev = model.Info
				d += " OPENCLAW_DISABLE_BONJOUR=1 is set here, which disables mDNS when the gateway inherits it; the service environment may not, and some builds ignored the variable (openclaw#98448). Set the mode in the config to be sure."
			}
			return []Hit{{Severity: sev, Detail: d, Paths: []string{"discovery.mdns.mode"}}}
		},
	})
}
