package audit

// Score weights and cap; see docs/score.md.
const (
	scoreCritical = 10
	scoreWarn     = 3
	scoreInfo     = 1
	// scoreCapCritical is the highest score possible while any critical
	// finding is open: a config with an open critical is never "passing".
	scoreCapCritical = 59
)

// Score is the hardening score of a report's reported (not suppressed)
// findings, the same in the TUI, accessible mode and every report: 100 minus 10 per critical, 3 per warn and 1 per info, floored
// at 0, and capped at 59 while any critical is open. It measures how much
// of the known checklist is done; a high score does not mean the gateway is
// secure.
func (s Summary) Score() int {
	v := 100 - scoreCritical*s.Critical - scoreWarn*s.Warn - scoreInfo*s.Info
	if v < 0 {
		v = 0
	}
	if s.Critical > 0 && v > scoreCapCritical {
		v = scoreCapCritical
	}
	return v
}
