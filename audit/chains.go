package audit

import (
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Risk chains: findings that combine into a path from a stranger to harm.
// Each link alone is a finding of its own; together they are worse than
// their sum, and fixing any one link breaks the chain.

// IDRiskChain is the chain finding's id.
const IDRiskChain = "security.risk_chain.untrusted_to_exfiltration"

func init() {
	Register("tools", Check{
		ID: IDRiskChain, Title: "Risk chain: strangers can reach secrets, files or a shell, and send them out",
		Tier: model.TierInbound, Fix: model.FixGuided, Severity: "critical",
		Trigger:     "all three links at once: untrusted inbound (an open DM/group policy, a \"*\" allowlist, a gateway reachable without auth), an agent outside a sandbox \"all\" whose tools reach secrets, files or a shell (exec, process, read, write, edit, apply_patch, elevated, gateway, nodes), and the same agent's way out (web_fetch, web_search, browser, message, sessions_send)",
		Remediation: "Break any link (the guided fix locks inbound down, the first link): lock inbound down (pairing or an allowlist), or sandbox the agent (sandbox.mode \"all\") / deny group:runtime and group:fs, or deny its way out (group:web, browser, group:messaging).",
		Why:         "Prompt injection turns whoever can message the bot into its operator. With tools that read files, secrets or run a shell, and a tool that sends data out (a web request, a browser, a message to another chat), one message from a stranger can exfiltrate the gateway's credentials or run commands — no other weakness is needed.",
		Breaks:      "Whatever link you break: strangers stop reaching the bot, or the agent loses the tools or the way out it used for them.",
		Since:       "hardshell",
	})
}

// RiskChainInbound are the finding ids that make inbound untrusted (the
// chain's first link; remediate fixes the chain by fixing one of them).
var RiskChainInbound = []string{
	IDChannelsDMOpen, IDChannelsGroupsOpen, IDChannelsAllowFromWildcard,
	IDChannelsTelegramGroupsAllowFromWildcard, IDGatewayBindNoAuth, IDGatewayHTTPNoAuth,
	IDProbeUnauthenticated,
}

// chainReach are findings that already say the tools reach the host.
var chainReach = []string{
	IDSecurityExposureOpenGroupsWithRuntimeOrFs, IDSecurityExposureOpenGroupsWithElevated,
	IDSecurityExposureOpenChannelsWithExec, IDSecurityExposureOpenGroupsWithControlPlaneTools,
	IDToolsExecSecurityFullConfigured, IDSandboxWorkspaceRwReachable, IDSandboxScopeShared,
}

var (
	reachTools = []string{"exec", "process", "read", "write", "edit", "apply_patch", "gateway", "nodes"}
	outTools   = []string{"web_fetch", "web_search", "browser", "message", "sessions_send"}
)

// riskChains builds the chain findings from the findings so far and the
// snapshot's tool policy.
func riskChains(s *model.Snapshot, findings []model.Finding) []Hit {
	linked := func(patterns []string) []string {
		seen := map[string]bool{}
		var out []string
		for _, f := range findings {
			for _, p := range patterns {
				if MatchID(p, f.CheckID) && !seen[f.CheckID] {
					seen[f.CheckID] = true
					out = append(out, f.CheckID)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	var inbound []string
	for _, id := range linked(RiskChainInbound) {
		if id == IDGatewayHTTPNoAuth && !exposed(s) {
			continue // on loopback only local processes reach it
		}
		inbound = append(inbound, id)
	}
	if len(inbound) == 0 {
		return nil
	}
	elevated := elevatedEnabled(s)
	var agents []string
	var paths []string
	answers := newToolAnswers(s)
	for _, a := range toolContexts(s) {
		if sandboxMode(s, a) == "all" {
			continue
		}
		reach := answers.all(a, reachTools...)
		if elevated {
			reach = append(reach, "elevated")
		}
		out := answers.all(a, outTools...)
		if len(reach) == 0 || len(out) == 0 {
			continue
		}
		agents = append(agents, contextName(a)+": reaches "+strings.Join(reach, ", ")+"; way out "+strings.Join(out, ", ")+" (sandbox.mode="+quoteOr(sandboxMode(s, a), "off")+")")
		paths = append(paths, exposureAgentPath(a))
	}
	if len(agents) == 0 {
		return nil
	}
	reachIDs := linked(chainReach)
	var b strings.Builder
	b.WriteString("A path from a stranger to harm, link by link:")
	b.WriteString("\n1. untrusted inbound: " + strings.Join(inbound, ", "))
	b.WriteString("\n2. tools that reach secrets, files or a shell")
	if len(reachIDs) > 0 {
		b.WriteString(" (" + strings.Join(reachIDs, ", ") + ")")
	}
	b.WriteString(":")
	for _, a := range agents {
		b.WriteString("\n   - " + a)
	}
	b.WriteString("\n3. a way out: the same agents' web, browser or messaging tools")
	b.WriteString("\nFixing any one link breaks the chain.")
	return []Hit{{ID: IDRiskChain, Severity: model.Critical, Detail: b.String(), Paths: paths}}
}

// chainsFirst moves risk-chain findings to the top of their tier, keeping
// every other finding's order (fs is ranked).
func chainsFirst(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Priority != fs[j].Priority {
			return fs[i].Priority < fs[j].Priority
		}
		return fs[i].CheckID == IDRiskChain && fs[j].CheckID != IDRiskChain
	})
}
