package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/remediate"
)

// TestRefusedNamesARunnableRestore: a failed write whose message tells the
// operator to restore names the command as this run was made (its target
// flags; over --host the host), not a bare local command that would act
// on another state dir.
func TestRefusedNamesARunnableRestore(t *testing.T) {
	dir := t.TempDir()
	old := global.stateDir
	global.stateDir = dir
	t.Cleanup(func() { global.stateDir = old })
	want := hsCommand("restore", "20261205-1")
	if !strings.Contains(want, dir) {
		t.Fatalf("hsCommand does not repeat --state-dir: %q", want)
	}
	for _, err := range []error{
		&remediate.ApplyError{Path: "openclaw.json", Err: errors.New("disk full"), RollbackErr: errors.New("gone"), BackupID: "20261205-1", BackupDir: dir},
		&remediate.CommitUnknownError{Path: "openclaw.sqlite", Err: errors.New("connection lost"), BackupID: "20261205-1"},
	} {
		msg := refused(err).Error()
		if !strings.Contains(msg, want) {
			t.Errorf("%T: message %q does not name %q", err, msg, want)
		}
		if strings.Contains(msg, "nothing was written") {
			t.Errorf("%T: message %q says nothing was written though the outcome needs a restore", err, msg)
		}
		var xe *exitError
		if !errors.As(refused(err), &xe) || xe.code != exitFindings {
			t.Errorf("%T: not exit %d", err, exitFindings)
		}
	}
}
