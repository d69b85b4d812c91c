package main

import (
	"os"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// loadSnapshot loads the target named by the global flags (--state-dir,
// --config) and the environment, as every command does. A failure to locate
// the target at all is returned; an unparseable config is in s.DocErr.
func loadSnapshot() (*model.Snapshot, error) {
	return model.Load(loadOptions())
}

func loadOptions() model.LoadOptions {
	o := model.LoadOptions{Locate: model.LocateOptions{
		StateDirFlag: global.stateDir, ConfigFlag: global.config, Getenv: os.Getenv,
	}, Redactor: redactor()}
	remoteLoad(&o) // --host
	return o
}

// loadForWrite is loadSnapshot for a command that may write: it takes the
// state dir's lock first, so the read the plan is based on, the review,
// the confirmation and the commit all happen under it. The lock is taken
// here only when <state>/.hardshell exists (a run that ends with bad input
// or nothing to do must not create it); otherwise the commit takes it and
// re-reads every input of the plan under it. Call unlock when done (it is
// never nil). A lock held by another hardshell for longer than
// remediate.LockWait is an error with exit code 1.
func loadForWrite() (s *model.Snapshot, unlock func(), err error) {
	unlock = func() {}
	t, err := model.Locate(loadOptions().Locate)
	if err != nil {
		return nil, unlock, withCode(exitBadInput, err)
	}
	lock, err := remediate.LockIfPresent(t.StateDir)
	if err != nil {
		return nil, unlock, withCode(exitFindings, err)
	}
	unlock = lock.Unlock
	s, err = loadSnapshot()
	if err != nil {
		return nil, unlock, withCode(exitBadInput, err)
	}
	return s, unlock, nil
}
