package audit

import "github.com/hardshell/hardshell/model"

// Ids that the framework emits itself (declared here so every output,
// docs/checks.md and Lookup know their facts).
const (
	IDConfigUnreadable   = "config.unreadable"
	IDConfigMissing      = "config.missing"
	IDCheckFailed        = "audit.check_failed"
	IDSuppressionsActive = "security.audit.suppressions.active"
)

func init() {
	Register("config",
		Check{
			ID:          IDConfigUnreadable,
			Title:       "Config could not be read",
			Tier:        model.TierInbound,
			Fix:         model.FixManual,
			Severity:    "critical",
			Trigger:     "the config file or one of its $include files cannot be read or parsed",
			Remediation: "Fix the syntax error at the position shown (openclaw doctor shows the same error), then run the audit again",
			Why:         "Nothing that depends on the config could be checked: an unreadable config is not a passed audit. It ranks first because every other check is blind until it is fixed, and OpenClaw itself refuses to start on it.",
			Breaks:      "Nothing; hardshell never rewrites a config it cannot parse.",
			Since:       "hardshell",
		},
		Check{
			ID:          IDConfigMissing,
			Title:       "No config file; OpenClaw defaults apply",
			Tier:        model.TierModels,
			Fix:         model.FixManual,
			Severity:    "info",
			Trigger:     "no openclaw.json (or the --config / OPENCLAW_CONFIG_PATH file) exists",
			Remediation: "Run openclaw onboard (or hardshell) to create a config; the checks ran against OpenClaw's defaults",
			Why:         "Without a config OpenClaw runs on its defaults, which the audit evaluated. Check that the state dir is the one your gateway really uses.",
			Since:       "hardshell",
		},
	)
	Register("audit",
		Check{
			ID:          IDCheckFailed,
			Title:       "A check failed to run",
			Tier:        model.TierInbound,
			Fix:         model.FixManual,
			Severity:    "warn",
			Trigger:     "a check panicked or reported an id that does not match its declaration (a hardshell bug); ranked in the failed check's tier",
			Remediation: "Report this as a hardshell bug with the detail shown; review the named check's area by hand meanwhile",
			Why:         "A check that could not run is not a check that passed: the area it covers is unverified.",
			Since:       "hardshell",
		},
		Check{
			ID:          IDSuppressionsActive,
			Title:       "Security audit suppressions configured",
			Tier:        model.TierModels,
			Fix:         model.FixManual,
			Severity:    "info",
			Trigger:     "security.audit.suppressions (or, for an OpenClaw older than 2026.7, hardshell's <state>/.hardshell/suppressions.json) has at least one entry, whether or not it hid a finding (this finding cannot itself be suppressed)",
			Remediation: "Review security.audit.suppressions (and .hardshell/suppressions.json); remove entries that no longer apply",
			Why:         "Suppressed findings still describe real configuration; the report lists them under suppressedFindings so they stay visible.",
			Since:       "OpenClaw 2026.9",
		},
	)
}
