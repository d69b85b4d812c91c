package remediate

import (
	"context"
	"crypto/sha256"
)

// CLIRunner runs the OpenClaw CLI on a copy of the staged folder tmp
// somewhere else (a remote host): with env (whose values may name paths
// under tmp, to be read as the same paths in the copy) and args, and returns
// its combined output with the copy's paths spelled as tmp's, and an error
// when it exited non-zero.
type CLIRunner func(ctx context.Context, tmp string, env []string, args ...string) ([]byte, error)

// RunnerValidator is OpenClawValidator for a CLI that run reaches (the
// remote's `openclaw` over --host): the same staging, verdict parsing,
// memo and "only the issues the change adds" rule. env is the environment
// there, from which the CLI's own is derived as for a local run.
func RunnerValidator(env []string, run CLIRunner) Validator {
	c := &openClawCLI{memo: map[[sha256.Size]byte]*cliVerdict{}, env: env}
	c.runner = func(ctx context.Context, tmp, cfg string, env []string, args ...string) ([]byte, error) {
		return run(ctx, tmp, append(env,
			"HOME="+tmp,
			"OPENCLAW_STATE_DIR="+dirOf(cfg),
			"OPENCLAW_CONFIG_PATH="+cfg,
			"OPENCLAW_DISABLE_BONJOUR=1",
			"NO_COLOR=1",
		), args...)
	}
	return c.validator
}
