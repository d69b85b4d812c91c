package main

import (
	"os"

	"github.com/hardshell/hardshell/model"
)

// loadSnapshot loads the target named by the global flags (--state-dir,
// --config) and the environment, as every command does. A failure to locate
// the target at all is returned; an unparseable config is in s.DocErr.
func loadSnapshot() (*model.Snapshot, error) {
	return model.Load(model.LoadOptions{Locate: model.LocateOptions{
		StateDirFlag: global.stateDir, ConfigFlag: global.config, Getenv: os.Getenv,
	}})
}
