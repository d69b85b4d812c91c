package remediate

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// WritePrivate writes a file hardshell makes for the operator beside its
// backups (the incident report) through the file system of this
// process's transactions — the remote's over --host, so the file lands on
// the gateway's machine like the change it documents. The folder and its
// missing parents are created 0700 (a symlink or a non-folder in the
// folder's place is refused); the file is written 0600 atomically (temp
// file, fsync, rename, folder fsync), replacing whatever name was there,
// never writing through a link.
func WritePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := mkdirAllPrivate(dir); err != nil {
		return err
	}
	if err := ensurePrivateDir(sys, dir); err != nil {
		return err
	}
	return atomicWrite(sys, path, data, 0o600, nil)
}

// mkdirAllPrivate creates dir and its missing parents 0700 through sys.
func mkdirAllPrivate(dir string) error {
	if _, err := sys.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirAllPrivate(parent); err != nil {
			return err
		}
	}
	if err := sys.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: unwrapPath(err)}
	}
	return nil
}
