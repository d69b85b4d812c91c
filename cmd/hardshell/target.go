package main

// The target a run acts on, checked before any command runs, and the
// follow-up commands that act on it again.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
	"github.com/spf13/cobra"
)

// Annotations on a command (cobra.Command.Annotations) that relax the
// target check.
const (
	// annNoTarget: the command does not read a target (version, explain,
	// demo, completion).
	annNoTarget = "hardshell/no-target"
	// annCreatesConfig: the command writes the config, so a --config that
	// does not exist yet is what it is for (baseline).
	annCreatesConfig = "hardshell/creates-config"
)

// checkTargetFlags refuses a --state-dir that does not exist and a
// --config file that does not exist: a typo must not be audited as an
// empty install. A state dir that exists without a config stays a fresh
// install (config.missing).
func checkTargetFlags(c *cobra.Command) error {
	if !readsTarget(c) || (global.stateDir == "" && global.config == "") {
		return nil
	}
	t, err := model.Locate(loadOptions().Locate)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if global.stateDir != "" {
		fi, err := os.Stat(t.StateDir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return withCode(exitBadInput, fmt.Errorf("--state-dir %s: no such directory; check the path, or point hardshell at the gateway's state dir with --state-dir DIR (or OPENCLAW_STATE_DIR=DIR)", t.StateDir))
		case err != nil:
			return withCode(exitBadInput, fmt.Errorf("--state-dir %s: %w", t.StateDir, err))
		case !fi.IsDir():
			return withCode(exitBadInput, fmt.Errorf("--state-dir %s: is %s, not a directory; point hardshell at the gateway's state dir with --state-dir DIR", t.StateDir, fsys.KindOf(fi.Mode())))
		}
	}
	if global.config != "" && c.Annotations[annCreatesConfig] == "" {
		if _, err := os.Lstat(t.ConfigPath); errors.Is(err, fs.ErrNotExist) {
			return withCode(exitBadInput, fmt.Errorf("--config %s: no such file; check the path, or name the gateway's config with --config FILE (or leave it out: hardshell then reads <state dir>/openclaw.json)", t.ConfigPath))
		}
	}
	return nil
}

// readsTarget: c reads or writes the target (not version, help,
// completion or a command annotated annNoTarget).
func readsTarget(c *cobra.Command) bool {
	for x := c; x != nil; x = x.Parent() {
		switch {
		case x.Annotations[annNoTarget] != "",
			x.Name() == "help", x.Name() == "completion",
			x.Name() == cobra.ShellCompRequestCmd, x.Name() == cobra.ShellCompNoDescRequestCmd:
			return false
		}
	}
	return true
}

// followUp is the target this run used, as the flags a printed follow-up
// command repeats (absolute paths; empty when the flag was not given, so the
// command locates the target as this run did).
func followUp() cmdline.Target {
	var ft cmdline.Target
	if session != nil {
		ft.Host = hostFlag // a follow-up acts on the same remote
		ft.SSH = session.SSHCommand()
	}
	if global.stateDir == "" && global.config == "" {
		return ft
	}
	t, err := model.Locate(loadOptions().Locate)
	if err != nil {
		return ft
	}
	if global.stateDir != "" {
		ft.StateDir = t.StateDir
	}
	if global.config != "" {
		ft.Config = t.ConfigPath
	}
	return ft
}

// hsCommand is a hardshell command line acting on this run's target.
func hsCommand(args ...string) string { return followUp().Command(args...) }
