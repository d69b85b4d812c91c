package remediate

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// osLayer is the lowest layer of every write hardshell makes: the only place
// that creates, renames, removes or changes files. Tests replace sys to
// inject faults (EACCES, ENOSPC) or to slow writes down; nothing above it
// is mocked.
type osLayer interface {
	OpenFile(name string, flag int, perm fs.FileMode) (osFile, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	Mkdir(name string, perm fs.FileMode) error
}

// osFile is the part of *os.File the write path uses.
type osFile interface {
	Write(p []byte) (int, error)
	Sync() error
	Close() error
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
	Stat() (fs.FileInfo, error)
}

type realOS struct{}

func (realOS) OpenFile(name string, flag int, perm fs.FileMode) (osFile, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil interface
	}
	return f, nil
}
func (realOS) Rename(oldpath, newpath string) error      { return os.Rename(oldpath, newpath) }
func (realOS) Remove(name string) error                  { return os.Remove(name) }
func (realOS) Mkdir(name string, perm fs.FileMode) error { return os.Mkdir(name, perm) }

// sys is the active lowest layer.
var sys osLayer = realOS{}

// owner is a file's numeric owner.
type owner struct{ uid, gid int }

// modeBits keeps what chmod can set: permissions plus setuid/setgid/sticky.
func modeBits(m fs.FileMode) fs.FileMode {
	return m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// atomicWrite replaces target with data so that at every instant the path
// holds either the old or the new bytes: a temp file in the same folder,
// written, chmod'ed to mode (and chown'ed to own when running as root),
// fsync'ed, closed, renamed over target, then the folder fsync'ed. On any
// error the temp file is removed and target is untouched (unless the error
// is the final folder fsync, reported as such; the rename has happened).
func atomicWrite(target string, data []byte, mode fs.FileMode, own *owner) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, tmp, err := createTemp(dir, base)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if f != nil {
				_ = f.Close()
			}
			_ = sys.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return &fs.PathError{Op: "write", Path: tmp, Err: unwrapPath(err)}
	}
	// explicit chmod: the mode given to open is reduced by the umask
	if err = f.Chmod(modeBits(mode)); err != nil {
		return &fs.PathError{Op: "chmod", Path: tmp, Err: unwrapPath(err)}
	}
	if own != nil && os.Geteuid() == 0 {
		if err = f.Chown(own.uid, own.gid); err != nil {
			return &fs.PathError{Op: "chown", Path: tmp, Err: unwrapPath(err)}
		}
		// chown clears setuid/setgid; set the mode again
		if err = f.Chmod(modeBits(mode)); err != nil {
			return &fs.PathError{Op: "chmod", Path: tmp, Err: unwrapPath(err)}
		}
	}
	if err = f.Sync(); err != nil {
		return &fs.PathError{Op: "fsync", Path: tmp, Err: unwrapPath(err)}
	}
	cerr := f.Close()
	f = nil
	if err = cerr; err != nil {
		return &fs.PathError{Op: "close", Path: tmp, Err: unwrapPath(err)}
	}
	if err = sys.Rename(tmp, target); err != nil {
		return &fs.PathError{Op: "rename", Path: target, Err: unwrapLink(err)}
	}
	if serr := syncDir(dir); serr != nil {
		// the new file is in place; only durability is in doubt
		return &dirSyncError{err: serr}
	}
	return nil
}

// dirSyncError reports that a rename happened but the folder could not be
// fsync'ed afterwards.
type dirSyncError struct{ err error }

func (e *dirSyncError) Error() string { return e.err.Error() }
func (e *dirSyncError) Unwrap() error { return e.err }

// createTemp creates ".<base>.hardshell-<random>.tmp" in dir, 0600, O_EXCL.
func createTemp(dir, base string) (osFile, string, error) {
	for range 10 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		name := filepath.Join(dir, "."+base+".hardshell-"+hex.EncodeToString(b[:])+".tmp")
		f, err := sys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_CLOEXEC, 0o600)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", &fs.PathError{Op: "create temp file", Path: name, Err: unwrapPath(err)}
		}
	}
	return nil, "", fmt.Errorf("create temp file in %s: too many collisions", dir)
}

// syncDir fsyncs a folder so a rename or create in it survives a crash.
func syncDir(dir string) error {
	d, err := sys.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open folder", Path: dir, Err: unwrapPath(err)}
	}
	serr := d.Sync()
	cerr := d.Close()
	if serr != nil {
		return &fs.PathError{Op: "fsync folder", Path: dir, Err: unwrapPath(serr)}
	}
	if cerr != nil {
		return &fs.PathError{Op: "close folder", Path: dir, Err: unwrapPath(cerr)}
	}
	return nil
}

// writeNewFile creates path (which must not exist) with data and mode,
// fsyncs it and its folder. Used for backup copies and manifests.
func writeNewFile(path string, data []byte, mode fs.FileMode) (err error) {
	f, err := sys.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return &fs.PathError{Op: "create", Path: path, Err: unwrapPath(err)}
	}
	defer func() {
		if err != nil {
			_ = sys.Remove(path)
		}
	}()
	if _, err = f.Write(data); err != nil {
		_ = f.Close()
		return &fs.PathError{Op: "write", Path: path, Err: unwrapPath(err)}
	}
	if err = f.Chmod(mode); err != nil {
		_ = f.Close()
		return &fs.PathError{Op: "chmod", Path: path, Err: unwrapPath(err)}
	}
	if err = f.Sync(); err != nil {
		_ = f.Close()
		return &fs.PathError{Op: "fsync", Path: path, Err: unwrapPath(err)}
	}
	if err = f.Close(); err != nil {
		return &fs.PathError{Op: "close", Path: path, Err: unwrapPath(err)}
	}
	return nil
}

// chmodNoFollow changes the mode of path without ever following a symlink:
// Lstat, open with O_NOFOLLOW, check the opened inode is the one stat'ed,
// then fchmod. It returns errSymlink for a symlink and errNotRegular for
// anything but a regular file or folder.
func chmodNoFollow(path string, mode fs.FileMode) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return errSymlink
	case !fi.Mode().IsRegular() && !fi.IsDir():
		return errNotRegular
	}
	f, err := sys.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return errSymlink // swapped for a link after the Lstat
		}
		return &fs.PathError{Op: "open", Path: path, Err: unwrapPath(err)}
	}
	defer func() { _ = f.Close() }()
	ofi, err := f.Stat()
	if err != nil {
		return &fs.PathError{Op: "fstat", Path: path, Err: unwrapPath(err)}
	}
	if !os.SameFile(fi, ofi) {
		return &fs.PathError{Op: "chmod", Path: path, Err: errors.New("file was replaced while being changed")}
	}
	if err := f.Chmod(modeBits(mode)); err != nil {
		return &fs.PathError{Op: "chmod", Path: path, Err: unwrapPath(err)}
	}
	return nil
}

var (
	errSymlink    = errors.New("is a symlink; hardshell never changes modes through a symlink")
	errNotRegular = errors.New("is not a regular file or folder")
)

// unwrapPath strips an *fs.PathError so messages name the path once.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unwrapLink strips an *os.LinkError (from rename).
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return unwrapPath(err)
}
