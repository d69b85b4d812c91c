package remediate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hardshell/hardshell/model"
)

// Restore puts back the files and modes recorded in backup set id. It first
// backs up the current state as a new set (command "restore <id>", returned
// as safety) so a restore can itself be undone, then, in one transaction:
// rewrites every changed file with its original bytes and mode (atomically,
// owner kept), removes the files the set created, and resets changed modes.
// A backup copy whose hash does not match the manifest is refused before
// anything is written.
func Restore(stateDir, id, toolVersion string) (safety *BackupSet, err error) {
	set, err := LoadBackup(stateDir, id)
	if err != nil {
		return nil, err
	}
	t := NewTxn(stateDir)
	for i := len(set.Entries) - 1; i >= 0; i-- {
		e := set.Entries[i]
		mode := fs.FileMode(e.ModeBefore)
		switch {
		case e.Op == OpChmod:
			t.Chmod(model.Chmod{Path: e.Path, Mode: mode, Reason: "restore " + id})
		case !e.Existed:
			t.remove(e.Path, "created by "+id)
		default:
			if e.Backup == "" {
				return nil, fmt.Errorf("backup %s: entry %s has no copy of the original", id, e.Rel)
			}
			data, err := os.ReadFile(filepath.Join(set.Dir, filepath.FromSlash(e.Backup)))
			if err != nil {
				return nil, fmt.Errorf("backup %s: %w", id, err)
			}
			if got := sha256Hex(data); got != e.SHA256Before {
				return nil, fmt.Errorf("backup %s: %s is damaged (sha256 %s, manifest says %s); nothing was restored", id, e.Backup, got[:12], short(e.SHA256Before))
			}
			t.Write(e.Path, data, mode, "restore "+id)
			for j := range t.changes {
				if t.changes[j].path == absClean(e.Path) && t.changes[j].op == OpWrite {
					m := mode
					t.changes[j].forceMode = &m
					t.changes[j].own = &owner{uid: e.UID, gid: e.GID}
				}
			}
		}
	}
	safety, err = t.Commit(BackupMeta{Command: "restore " + id, CheckIDs: set.CheckIDs, ToolVersion: toolVersion})
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", id, err)
	}
	return safety, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
