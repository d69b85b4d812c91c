package remediate

// OpenClawCLI gives the tests one CLI's validator and its full verdict with
// a shared memory of verdicts, so a test binary runs each input once.
type OpenClawCLI struct{ c *openClawCLI }

func NewOpenClawCLI(bin string, args ...string) OpenClawCLI {
	return OpenClawCLI{newOpenClawCLI(bin, args...)}
}

// Validator is what OpenClawValidator returns: the issues a change adds.
func (c OpenClawCLI) Validator() Validator { return c.c.validator }

// Verdict is every issue the CLI reports for the config with files overlaid.
func (c OpenClawCLI) Verdict(configPath string, files map[string][]byte) ([]string, error) {
	return c.c.validate(configPath, files)
}
