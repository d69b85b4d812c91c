package fix

// Fixes for the checks of audit/models.go: advice only (hardshell cannot
// choose the operator's model).

func init() {
	Register(
		advice([]string{"models.<check>"}, "Use a top-tier model for agents with tools",
			"For every bot that has tools or reads untrusted input, use the newest top-tier model your provider offers: smaller and older models follow injected instructions more easily.",
			"Change agents.defaults.model (or agents.list[].model / agents.entries.<id>.model) to that model; `openclaw models list` shows what is configured.",
			"If a small model must stay, confine its agents: sandbox.mode \"all\" and tools.deny [\"web_search\", \"web_fetch\", \"browser\"] on those agents, and keep them off open channels.",
		),
	)
}
