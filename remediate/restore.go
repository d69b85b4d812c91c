package remediate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

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
//
// The caller names where the restore may write (roots: the state dir the
// set lives in and the config's own folder), never the manifest: every path
// the manifest names must lie inside those roots, and every copy inside the
// set's folder (CheckManifest), else the restore refuses with a
// *ManifestError before it writes anything, a safety backup included.
func Restore(roots RestoreRoots, id, toolVersion string) (safety *BackupSet, err error) {
	stateDir := roots.StateDir
	lock, err := LockIfPresent(stateDir)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	set, err := LoadBackup(stateDir, id)
	if err != nil {
		return nil, err
	}
	if err := CheckManifest(roots, set); err != nil {
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
	t.AllowIn(roots.ConfigDir) // the config's folder may be outside the state dir
	for i := len(set.Entries) - 1; i >= 0; i-- {
		e := set.Entries[i]
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

// RestoreRoots are the folders a restore may write in: the state dir (where
// the backup sets live) and the config's own folder, which may lie outside
// it. ConfigDir may be "" (or the state dir itself).
type RestoreRoots struct {
	StateDir  string
	ConfigDir string
}

// RestoreRootsFor are the roots of a target: its state dir and the folder of
// its config path.
func RestoreRootsFor(t model.Target) RestoreRoots {
	r := RestoreRoots{StateDir: t.StateDir}
	if t.ConfigPath != "" {
		r.ConfigDir = filepath.Dir(absClean(t.ConfigPath))
	}
	return r
}

func (r RestoreRoots) list() []string {
	out := []string{absClean(r.StateDir)}
	if r.ConfigDir != "" && absClean(r.ConfigDir) != out[0] {
		out = append(out, absClean(r.ConfigDir))
	}
	return out
}

// ManifestError is a backup manifest that names a file outside the
// restore's roots, or a copy outside its own folder: not one hardshell
// wrote for this target (edited, or copied from elsewhere). Nothing is
// restored.
type ManifestError struct {
	ID, Manifest string
	Path         string // the path as the manifest names it
	Why          string
	Roots        []string
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("backup %s: its manifest %s names %s, which %s (restore writes only inside %s); the manifest was changed or is not from this target, so nothing was restored",
		e.ID, e.Manifest, e.Path, e.Why, strings.Join(e.Roots, " and "))
}

// CheckManifest holds every path of set to the roots: a file path must be
// absolute and clean, lie inside a root as written, and still lie inside
// one with its parent folders' symlinks resolved (the file itself is never
// followed: a restore replaces it); a copy must be a plain relative path
// inside the set's folder. It reads the target's file system.
func CheckManifest(roots RestoreRoots, set *BackupSet) error {
	fsy := sys
	rs := roots.list()
	real := make([]string, len(rs))
	for i, r := range rs {
		real[i] = r
		if p, err := fsy.EvalSymlinks(r); err == nil {
			real[i] = p
		}
	}
	manifest := filepath.Join(set.Dir, manifestName)
	bad := func(p, why string) error {
		return &ManifestError{ID: set.ID, Manifest: manifest, Path: p, Why: why, Roots: rs}
	}
	inAny := func(dirs []string, p string) bool {
		for _, d := range dirs {
			if within(d, p) {
				return true
			}
		}
		return false
	}
	for _, e := range set.Entries {
		p := e.Path
		switch {
		case p == "" || !filepath.IsAbs(p):
			return bad(strconvQuote(p), "is not an absolute path")
		case filepath.Clean(p) != p:
			return bad(p, "is not a clean path (it has .. or repeated separators)")
		case !inAny(rs, p):
			return bad(p, "lies outside them")
		}
		parent, err := resolveExisting(fsy, filepath.Dir(p))
		if err != nil {
			return bad(p, "has a parent folder that cannot be resolved ("+err.Error()+")")
		}
		if !inAny(real, filepath.Join(parent, filepath.Base(p))) {
			return bad(p, "lies outside them once its folders' symlinks are resolved (to "+filepath.Join(parent, filepath.Base(p))+")")
		}
		if e.Backup != "" && !filepath.IsLocal(filepath.FromSlash(e.Backup)) {
			return bad(e.Backup, "is a copy outside the backup's own folder")
		}
	}
	return nil
}

// resolveExisting resolves the symlinks of dir, or of its nearest existing
// ancestor with the rest joined on (a folder the set created may be gone).
func resolveExisting(fsy fsys.FS, dir string) (string, error) {
	rest := ""
	for {
		r, err := fsy.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if fi, lerr := fsy.Lstat(dir); lerr == nil && fi.IsSymlink() {
			target, _ := fsy.Readlink(dir)
			return "", fmt.Errorf("%s is a dangling symlink (to %s)", dir, target)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", err
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = up
	}
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }
