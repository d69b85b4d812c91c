package remediate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hardshell/hardshell/fsys"
)

// sys is the file system every write goes through unless a Txn names its
// own (a remote target): the lowest layer, and the only place that creates,
// renames, removes or changes files. Tests replace it to inject faults
// (EACCES, ENOSPC) or to slow writes down; nothing above it is mocked.
var sys fsys.FS = fsys.Local{}

// UseFS makes f the file system of every transaction, lock, backup listing
// and restore of this process (a remote target: --host), and returns the
// function that puts the previous one back.
func UseFS(f fsys.FS) (restore func()) {
	prev := sys
	sys = f
	return func() { sys = prev }
}

// FS is the file system transactions go through.
func FS() fsys.FS { return sys }

// owner is a file's numeric owner.
type owner struct{ uid, gid int }

// modeBits keeps what chmod can set: permissions plus setuid/setgid/sticky.
func modeBits(m fs.FileMode) fs.FileMode {
	return m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// atomicWrite replaces target with data so that at every instant the path
// holds either the old or the new bytes: a temp file in the same folder,
// created 0600, written and fsync'ed, (as root) chown'ed to own, given its
// final mode, closed, renamed over target, and the folder fsync'ed. The
// final mode comes after the fsync, just before the rename — or, when it
// gives group or other bits, just after the rename on the same descriptor:
// a temp file left by a crash is then never looser than 0600 (the window
// can only leave the target stricter, never the secrets wider). On any
// error before the rename the temp file is removed and target is
// untouched.
func atomicWrite(fsy fsys.FS, target string, data []byte, mode fs.FileMode, own *owner) error {
	st, err := stageWrite(fsy, target, data, mode, own)
	if err != nil {
		return err
	}
	return st.commit()
}

// staged is a temp file holding a target's new bytes, durable and with its
// owner (and its mode unless that is loose), waiting for its rename. A
// transaction stages every file first and renames them only after its last
// drift check, so the slow part (writes and fsyncs) is outside the window
// in which another program's change to a target could be overwritten.
type staged struct {
	fsy    fsys.FS
	f      fsys.File
	tmp    string
	target string
	mode   fs.FileMode
	loose  bool
}

// stageWrite writes data to a new temp file beside target (see atomicWrite).
func stageWrite(fsy fsys.FS, target string, data []byte, mode fs.FileMode, own *owner) (_ *staged, err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, tmp, err := createTemp(fsy, dir, base)
	if err != nil {
		return nil, err
	}
	st := &staged{fsy: fsy, f: f, tmp: tmp, target: target, mode: modeBits(mode), loose: modeBits(mode)&0o077 != 0}
	defer func() {
		if err != nil {
			st.abort()
		}
	}()
	if _, err = f.Write(data); err != nil {
		return nil, &fs.PathError{Op: "write", Path: tmp, Err: unwrapPath(err)}
	}
	if err = f.Sync(); err != nil {
		return nil, &fs.PathError{Op: "fsync", Path: tmp, Err: unwrapPath(err)}
	}
	if own != nil {
		if err = keepOwner(fsy, f, target, own); err != nil {
			return nil, err
		}
	}
	// the final mode last (chown clears setuid/setgid; the mode given to
	// open is reduced by the umask)
	if !st.loose {
		if err = f.Chmod(st.mode); err != nil {
			return nil, &fs.PathError{Op: "chmod", Path: tmp, Err: unwrapPath(err)}
		}
	}
	return st, nil
}

// keepOwner gives the temp file of target the owner own, as the user the
// file system writes as (over --host the remote login, not this process):
// root chowns; the file's own user keeps its group (a chown to itself, a
// no-op when the group is already the temp file's); anyone else cannot
// give the file its owner, and the write is refused rather than change
// the owner silently.
func keepOwner(fsy fsys.FS, f fsys.File, target string, own *owner) error {
	euid := fsys.EUID(fsy)
	switch {
	case euid == 0:
		if err := f.Chown(own.uid, own.gid); err != nil {
			return &fs.PathError{Op: "chown", Path: target, Err: unwrapPath(err)}
		}
	case own.uid != euid:
		return &fs.PathError{Op: "keep owner", Path: target, Err: fmt.Errorf("it belongs to uid %d, and uid %d (who writes it) cannot give the new file that owner; run as uid %d or root", own.uid, euid, own.uid)}
	default:
		if err := f.Chown(own.uid, own.gid); err != nil {
			return &fs.PathError{Op: "keep owner", Path: target, Err: fmt.Errorf("cannot keep its group %d (%v); run as root or a member of that group", own.gid, unwrapPath(err))}
		}
	}
	return nil
}

// abort removes the temp file; target is untouched.
func (st *staged) abort() {
	if st.f != nil {
		_ = st.f.Close()
		st.f = nil
	}
	_ = st.fsy.Remove(st.tmp)
}

// commit renames the temp file over target, gives a loose mode after the
// rename, and fsyncs the folder. On an error before the rename the temp
// file is removed and target is untouched.
func (st *staged) commit() (err error) {
	fsy, f := st.fsy, st.f
	if err = fsy.Rename(st.tmp, st.target); err != nil {
		st.abort()
		return &fs.PathError{Op: "rename", Path: st.target, Err: unwrapLink(err)}
	}
	st.f = nil
	defer func() {
		if f != nil {
			_ = f.Close()
		}
	}()
	if st.loose {
		if err = f.Chmod(st.mode); err != nil {
			return &fs.PathError{Op: "chmod", Path: st.target, Err: unwrapPath(err)}
		}
		if err = f.Sync(); err != nil {
			return &fs.PathError{Op: "fsync", Path: st.target, Err: unwrapPath(err)}
		}
	}
	cerr := f.Close()
	f = nil
	if err = cerr; err != nil {
		return &fs.PathError{Op: "close", Path: st.target, Err: unwrapPath(err)}
	}
	dir := filepath.Dir(st.target)
	if serr := syncDir(fsy, dir); serr != nil {
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
func createTemp(fsy fsys.FS, dir, base string) (fsys.File, string, error) {
	for range 10 {
		name := fsys.NewTempName(filepath.Join(dir, base))
		f, err := fsy.CreateExcl(name)
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
func syncDir(fsy fsys.FS, dir string) error { return fsy.SyncDir(dir) }

// writeNewFile creates path (which must not exist) with data and mode,
// fsyncs it. Used for backup copies and manifests.
func writeNewFile(fsy fsys.FS, path string, data []byte, mode fs.FileMode) (err error) {
	f, err := fsy.CreateExcl(path)
	if err != nil {
		return &fs.PathError{Op: "create", Path: path, Err: unwrapPath(err)}
	}
	defer func() {
		if err != nil {
			_ = fsy.Remove(path)
		}
	}()
	if _, err = f.Write(data); err != nil {
		_ = f.Close()
		return &fs.PathError{Op: "write", Path: path, Err: unwrapPath(err)}
	}
	if err = f.Sync(); err != nil {
		_ = f.Close()
		return &fs.PathError{Op: "fsync", Path: path, Err: unwrapPath(err)}
	}
	if err = f.Chmod(mode); err != nil {
		_ = f.Close()
		return &fs.PathError{Op: "chmod", Path: path, Err: unwrapPath(err)}
	}
	if err = f.Close(); err != nil {
		return &fs.PathError{Op: "close", Path: path, Err: unwrapPath(err)}
	}
	return nil
}

// chmodNoFollow changes the mode of path without ever following a symlink
// and never of a regular file with more than one hard link (see
// fsys.FS.Chmod). It returns errSymlink for a symlink, errNotRegular for
// anything but a regular file or folder, fsys.ErrHardLinked for a file with
// another name.
func chmodNoFollow(fsy fsys.FS, path string, mode fs.FileMode) error {
	err := fsy.Chmod(path, modeBits(mode), fsys.ChmodOptions{SingleLink: true})
	var nr *fsys.NotRegularError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fsys.ErrSymlink):
		return errSymlink
	case errors.As(err, &nr):
		return errNotRegular
	}
	return err
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
