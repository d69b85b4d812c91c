package model

// Era is the OpenClaw config key era of a file.
type Era int

const (
	EraUnknown Era = iota
	// EraGuide is the security guide's era (≤ 2026.6): agents.list[],
	// logging.redactSensitive, gateway.controlUi.allowInsecureAuth,
	// channels.discord.dm.policy, gateway.nodes.allowCommands.
	EraGuide
	// EraModern is 2026.7+: agents.entries{}, dmPolicy everywhere,
	// gateway.nodes.commands.allow/deny.
	EraModern
)

func (e Era) String() string {
	switch e {
	case EraGuide:
		return "2026.2 (agents.list)"
	case EraModern:
		return "2026.7+ (agents.entries)"
	}
	return "unknown"
}

// EraInfo is the detected era with the evidence for it.
type EraInfo struct {
	Era      Era
	Version  string   // meta.lastTouchedVersion, or `openclaw --version`
	Evidence []string // human-readable reasons
}
