package act

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/hardshell/hardshell/model"
)

// DeviceApprove approves a pending device request; only through the real
// CLI (the gateway mints and hands over the device token).
const DeviceApprove = "device-approve"

// CLI is the real OpenClaw CLI: Bin, with Args before the CLI's own (none
// for the `openclaw` executable; node and the entry script for a package).
type CLI struct {
	Bin  string
	Args []string
	// Timeout bounds one run (0 = CLITimeout).
	Timeout time.Duration
	// Run, when set, runs argv with the variables env added to its
	// environment, on the target's machine (over --host: the remote's
	// CLI, over the session), and returns its combined output; nil runs
	// it here.
	Run func(ctx context.Context, env, argv []string) ([]byte, error)
}

// CLITimeout bounds one run of the OpenClaw CLI: it loads its whole bundle
// and, for pairing, waits on the state DB (minutes on a loaded machine).
var CLITimeout = 5 * time.Minute

// RunCLI runs the CLI on the target's state dir and config and returns its
// combined output. The child gets the target through OPENCLAW_STATE_DIR and
// OPENCLAW_CONFIG_PATH.
func RunCLI(ctx context.Context, c CLI, t model.Target, args []string) (string, error) {
	to := c.Timeout
	if to == 0 {
		to = CLITimeout
	}
	ctx, cancel := context.WithTimeout(ctx, to)
	defer cancel()
	argv := append(append([]string{c.Bin}, c.Args...), args...)
	target := []string{"OPENCLAW_STATE_DIR=" + t.StateDir, "OPENCLAW_CONFIG_PATH=" + t.ConfigPath}
	if c.Run != nil {
		out, err := c.Run(ctx, target, argv)
		return finished(ctx, args, to, string(out), err)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "OPENCLAW_STATE_DIR=") && !strings.HasPrefix(e, "OPENCLAW_CONFIG_PATH=") {
			env = append(env, e)
		}
	}
	cmd.Env = append(env, target...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return finished(ctx, args, to, out.String(), err)
}

// finished is the outcome of a run of the CLI.
func finished(ctx context.Context, args []string, to time.Duration, out string, err error) (string, error) {
	if ctx.Err() != nil {
		return out, fmt.Errorf("openclaw %s did not finish within %s", strings.Join(args, " "), to)
	}
	if err != nil {
		return out, fmt.Errorf("openclaw %s failed: %w", strings.Join(args, " "), err)
	}
	return out, nil
}
