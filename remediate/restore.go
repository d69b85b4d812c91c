package remediate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// Restore puts back the files and modes recorded in backup set id (or,
// for a change to the state DB, the rows it recorded: restoreRows). It first
// backs up the current state as a new set (command "restore <id>", returned
// as safety) so a restore can itself be undone, then, in one transaction:
// rewrites every changed file with its original bytes and mode (atomically,
// owner kept), removes the files the set created, and resets changed modes.
// A backup copy whose hash does not match the manifest is refused before
// anything is written.
//
// An interrupted set (its commit died, e.g. between two renames) is restored
// file by file only where its change reached the disk: a file that holds the
// set's new bytes gets its original back, a file that still holds the
// original is left alone, and a file that holds anything else is refused
// (nothing is restored), since putting the original back would lose that
// other change. A set without a manifest never changed anything
// (*InterruptedError).
func Restore(stateDir, id, toolVersion string) (safety *BackupSet, err error) {
	lock, err := LockIfPresent(stateDir)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	set, err := LoadBackup(stateDir, id)
	if err != nil {
		return nil, err
	}
	if len(set.Rows) > 0 {
		safety, err := restoreRows(context.Background(), stateDir, set, toolVersion)
		if err != nil {
			return nil, fmt.Errorf("restore %s: %w", id, err)
		}
		return safety, nil
	}
	t := NewTxn(stateDir)
	for i := len(set.Entries) - 1; i >= 0; i-- {
		e := set.Entries[i]
		// a set records only what a transaction changed, inside its roots
		// (the config's folder may be outside the state dir)
		t.AllowIn(filepath.Dir(e.Path))
		mode := fs.FileMode(e.ModeBefore)
		if set.Interrupted() {
			applied, err := reachedDisk(t.sys(), e)
			if err != nil {
				return nil, fmt.Errorf("backup %s was interrupted and %w; nothing was restored", id, err)
			}
			if !applied {
				continue
			}
		}
		switch {
		case e.Op == OpChmod:
			t.Chmod(model.Chmod{Path: e.Path, Mode: mode, Reason: "restore " + id})
		case !e.Existed:
			t.remove(e.Path, "created by "+id)
		default:
			if e.Backup == "" {
				return nil, fmt.Errorf("backup %s: entry %s has no copy of the original", id, e.Rel)
			}
			data, err := t.sys().ReadFile(filepath.Join(set.Dir, filepath.FromSlash(e.Backup)), fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxConfig})
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

// reachedDisk tells whether an interrupted set's entry was applied: the file
// holds the new bytes (or mode), not the old ones. Anything else is an
// error: the file changed since, and restoring it would lose that change.
func reachedDisk(fsy fsys.FS, e BackupEntry) (bool, error) {
	if e.Op == OpChmod {
		fi, err := fsy.Lstat(e.Path)
		if err != nil {
			return false, nil
		}
		return modeBits(fi.Mode) == fs.FileMode(e.ModeAfter) && e.ModeAfter != e.ModeBefore, nil
	}
	data, err := fsy.ReadFile(e.Path, readOpts)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		switch {
		case e.Op == OpRemove:
			return true, nil // removed as planned
		case !e.Existed:
			return false, nil // never created
		}
		return false, fmt.Errorf("%s no longer exists", e.Path)
	case err != nil:
		return false, err
	}
	switch h := sha256Hex(data); {
	case e.Op != OpRemove && h == e.SHA256After:
		return true, nil
	case e.Existed && h == e.SHA256Before:
		return false, nil
	}
	return false, fmt.Errorf("%s holds neither the original nor the new content (changed since)", e.Path)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
