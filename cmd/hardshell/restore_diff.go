package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/remediate"
)

// newestBackup is the newest set a restore can put back (a set interrupted
// before its backup was complete never changed anything), or nil.
func newestBackup(stateDir string) (*remediate.BackupSet, error) {
	sets, err := remediate.ListBackups(stateDir)
	if err != nil {
		return nil, err
	}
	for i := range sets {
		if sets[i].State != remediate.StateInterrupted {
			return &sets[i], nil
		}
	}
	return nil, nil
}

// printRestoreDiff shows, file by file, what restoring set would change:
// the current bytes against the backed-up ones (secrets masked; the
// secrets of both sides are registered with the run's redactor first) and
// each mode that would change. It writes nothing.
func printRestoreDiff(out io.Writer, stateDir string, set *remediate.BackupSet) error {
	red := redactor()
	remediate.LearnBackups(red, stateDir)
	read := func(p string) ([]byte, error) {
		data, err := (fsys.Local{}).ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxConfig})
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return data, err
	}
	changed := false
	fmt.Fprintf(out, "\nWhat restoring %s would change now (secrets masked; nothing is written):\n", set.ID)
	for i := len(set.Entries) - 1; i >= 0; i-- {
		e := set.Entries[i]
		if e.Op == remediate.OpChmod {
			fi, err := (fsys.Local{}).Lstat(e.Path)
			if err == nil && fi.Mode.Perm() != fs.FileMode(e.ModeBefore).Perm() {
				fmt.Fprintf(out, "mode %s: %s → %s\n", e.Rel, modeStr(remediate.Mode(fi.Mode.Perm())), modeStr(e.ModeBefore))
				changed = true
			}
			continue
		}
		cur, err := read(e.Path)
		if err != nil {
			return withCode(exitFindings, fmt.Errorf("%s: %w", e.Path, err))
		}
		var old []byte
		if e.Existed {
			if old, err = read(filepath.Join(set.Dir, filepath.FromSlash(e.Backup))); err != nil {
				return withCode(exitFindings, fmt.Errorf("backup %s: %w", set.ID, err))
			}
		}
		if !remediate.HistoryFile(e.Rel) {
			red.Learn(string(cur))
			red.Learn(string(old))
		}
		if !e.Existed {
			fmt.Fprintf(out, "remove %s (created by %s)\n", e.Rel, set.ID)
		}
		if d := remediate.UnifiedDiffWith(red, e.Rel, cur, old); d != "" {
			fmt.Fprint(out, d)
			if d[len(d)-1] != '\n' {
				fmt.Fprintln(out)
			}
			changed = true
		}
	}
	if !changed {
		fmt.Fprintln(out, "nothing: every file already matches the backup")
	}
	fmt.Fprintf(out, "\nRestore it with: %s\n", hsCommand("restore", set.ID))
	return nil
}
