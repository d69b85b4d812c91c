package remediate

// OpenClawCLI is one real OpenClaw CLI with a memory of its verdicts, so a
// process runs each distinct input once (the tests of every package share
// one per version through internal/realcli).
type OpenClawCLI struct{ c *openClawCLI }

// NewOpenClawCLI is the CLI bin, run with args before the CLI's own.
func NewOpenClawCLI(bin string, args ...string) OpenClawCLI {
	return OpenClawCLI{newOpenClawCLI(bin, args...)}
}

// Validator is what OpenClawValidator returns: the issues a change adds.
func (c OpenClawCLI) Validator() Validator { return c.c.validator }

// Verdict is every issue the CLI reports for the config with files overlaid.
func (c OpenClawCLI) Verdict(configPath string, files map[string][]byte) ([]string, error) {
	return c.c.validate(configPath, files)
}
