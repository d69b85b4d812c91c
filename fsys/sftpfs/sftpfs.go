// Package sftpfs is the fsys.FS of a remote machine, spoken over SFTP
// (github.com/pkg/sftp on the operator's own `ssh DEST -s sftp`, see package
// remote). It keeps the promises of fsys.FS with what SFTP v3 and OpenSSH's
// extensions offer:
//
//   - the safe reader stats before it opens (a FIFO or a device is never
//     opened) and caps what it reads; the opened handle is fstat'ed again;
//   - a directory listing carries every entry's lstat attributes in the
//     READDIR reply itself, so ReadDir(dir, true) costs one round trip per
//     block of names, never one per file;
//   - writes: O_EXCL create (refuses an existing name and a symlink), 0600
//     at once, fsync@openssh.com, posix-rename@openssh.com (atomic
//     replace), a folder's entries made durable by fsync of the folder's own
//     handle;
//   - Chmod never follows a link: SETSTAT on a path does (OpenSSH calls
//     chmod(2)), so the mode is set on a handle (FSETSTAT → fchmod) of the
//     file opened after an lstat said it is a regular file or a folder;
//   - SFTP has no link count: a ChmodOptions.SingleLink check asks the
//     LinkCount hook (package remote runs `find PATH -prune -links +1` over
//     the same connection) and refuses when it cannot tell;
//   - SFTP has no flock: TryLock asks the Flock hook (package remote holds
//     flock(1) on the lock file in a shell on the remote, over the same
//     connection: the lock a hardshell run there takes, released when the
//     connection drops). Without flock(1) there it creates the lock file
//     exclusively (O_EXCL) with the holder (pid, machine, time) in it, and
//     Unlock removes it. A lock file left by a hardshell of this machine
//     that is no longer running is taken over; any other stays until the
//     operator removes it, and the message gives the command.
//
// SFTP attributes carry no inode number, so Info.Dev/Ino/Nlink are 0
// ("unknown") here, and a file swapped between the lstat and the open of a
// read cannot be told apart by identity; its type and size are checked
// again on the handle.
package sftpfs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/pkg/sftp"
)

// FS is a remote file system over one SFTP session.
type FS struct {
	c *sftp.Client
	// LinkCount reports the number of hard links of the regular file at
	// path (nil: unknown, and Chmod with SingleLink refuses).
	LinkCount func(path string) (uint64, error)
	// Where names the remote in lock holder notes ("hardshell --host
	// DEST").
	Where string
	// Machine is this machine's name in lock holder notes; with Alive it
	// lets a lock left by a hardshell of this machine that is no longer
	// running be taken over (a lock file, unlike a flock, outlives its
	// process: a dropped connection leaves it behind).
	Machine string
	// Alive reports whether a process of this machine is running.
	Alive func(pid int) bool
	// Flock takes flock(2) on the remote lock file, held by a process on
	// the remote for as long as the lock is (package remote runs flock(1)
	// over the same connection): the lock a hardshell run on that machine
	// takes, released by the kernel when the connection drops. nil, or
	// ErrNoFlock from it (no flock(1) there), falls back to a lock file
	// created exclusively.
	Flock func(path, holder string) (fsys.Lock, error)
	// Dest is the ssh destination, for the command that clears a stale
	// lock file.
	Dest string
	// UID is the remote login's user id (`id -u` there): the owner of
	// what it creates, and who may chown.
	UID int
}

// EUID implements fsys.Identity: writes are made as the remote login.
func (f *FS) EUID() int { return f.UID }

var _ fsys.FS = (*FS)(nil)

// New is the FS of the SFTP session c.
func New(c *sftp.Client) *FS { return &FS{c: c} }

// Client is the underlying SFTP client.
func (f *FS) Client() *sftp.Client { return f.c }

func pathErr(op, p string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: p, Err: pe.Err}
	}
	return &fs.PathError{Op: op, Path: p, Err: err}
}

func infoOf(fi os.FileInfo) fsys.Info {
	i := fsys.Info{Mode: fi.Mode(), Size: fi.Size(), ModTime: fi.ModTime()}
	if st, ok := fi.Sys().(*sftp.FileStat); ok {
		i.UID, i.GID = int(st.UID), int(st.GID)
	}
	return i
}

// Lstat implements fsys.FS.
func (f *FS) Lstat(p string) (fsys.Info, error) {
	fi, err := f.c.Lstat(p)
	if err != nil {
		return fsys.Info{}, pathErr("lstat", p, err)
	}
	return infoOf(fi), nil
}

// Stat implements fsys.FS.
func (f *FS) Stat(p string) (fsys.Info, error) {
	fi, err := f.c.Stat(p)
	if err != nil {
		return fsys.Info{}, pathErr("stat", p, err)
	}
	return infoOf(fi), nil
}

// openRegular opens p for reading when it is a regular file (after an
// lstat or stat), and checks the handle's own attributes again.
func (f *FS) openRegular(p string, noFollow bool) (*sftp.File, fsys.Info, error) {
	var pi fsys.Info
	var err error
	if noFollow {
		pi, err = f.Lstat(p)
	} else {
		pi, err = f.Stat(p)
	}
	if err != nil {
		return nil, fsys.Info{}, err
	}
	if pi.IsSymlink() {
		return nil, fsys.Info{}, pathErr("open", p, fsys.ErrSymlink)
	}
	if !pi.IsRegular() {
		return nil, fsys.Info{}, &fsys.NotRegularError{Path: p, Mode: pi.Mode}
	}
	h, err := f.c.OpenFile(p, os.O_RDONLY)
	if err != nil {
		return nil, fsys.Info{}, pathErr("open", p, err)
	}
	hi, err := h.Stat()
	if err != nil {
		_ = h.Close()
		return nil, fsys.Info{}, pathErr("fstat", p, err)
	}
	info := infoOf(hi)
	if !info.IsRegular() {
		_ = h.Close()
		return nil, fsys.Info{}, &fsys.NotRegularError{Path: p, Mode: info.Mode}
	}
	if info.UID != pi.UID || info.GID != pi.GID || info.Mode != pi.Mode {
		_ = h.Close()
		return nil, fsys.Info{}, pathErr("open", p, errors.New("was replaced while being opened"))
	}
	return h, info, nil
}

// ReadFile implements fsys.FS (the safe reader).
func (f *FS) ReadFile(p string, o fsys.ReadOptions) ([]byte, error) {
	max := o.MaxSize
	if max <= 0 {
		max = fsys.MaxStore
	}
	h, info, err := f.openRegular(p, o.NoFollow)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	if info.Size > max {
		return nil, &fsys.TooLargeError{Path: p, Size: info.Size, Max: max}
	}
	// one buffer of the announced size (+1 to see growth): pkg/sftp turns
	// a large Read into concurrent requests, so a file costs a round trip
	// or two, not one per 512 bytes
	buf := make([]byte, info.Size+1)
	n := 0
	for n < len(buf) {
		m, rerr := h.Read(buf[n:])
		n += m
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, pathErr("read", p, rerr)
		}
	}
	if n > int(info.Size) {
		// it grew: read on up to the cap
		rest, rerr := io.ReadAll(io.LimitReader(h, max+1-int64(n)))
		if rerr != nil {
			return nil, pathErr("read", p, rerr)
		}
		data := append(buf[:n], rest...)
		if int64(len(data)) > max {
			return nil, &fsys.TooLargeError{Path: p, Size: -1, Max: max}
		}
		return data, nil
	}
	return buf[:n], nil
}

// ReadLines implements fsys.FS.
func (f *FS) ReadLines(p string, o fsys.LineOptions, fn func(n int, line []byte) error) (int, error) {
	maxLine := o.MaxLine
	if maxLine <= 0 {
		maxLine = fsys.MaxLine
	}
	h, _, err := f.openRegular(p, o.NoFollow)
	if err != nil {
		return 0, err
	}
	defer h.Close()
	return fsys.ScanLines(bufio.NewReaderSize(h, 256<<10), maxLine, fn)
}

// ReadDir implements fsys.FS: the attributes come with the listing (OpenSSH
// lstat's each entry on its side), so attrs costs nothing extra.
func (f *FS) ReadDir(dir string, attrs bool) ([]fsys.Entry, error) {
	fis, err := f.c.ReadDir(dir)
	if err != nil && len(fis) == 0 {
		return nil, pathErr("readdir", dir, err)
	}
	out := make([]fsys.Entry, 0, len(fis))
	for _, fi := range fis {
		e := fsys.Entry{Name: fi.Name(), Type: fi.Mode().Type()}
		if attrs {
			info := infoOf(fi)
			e.Info = &info
		}
		out = append(out, e)
	}
	return out, pathErr("readdir", dir, err)
}

// Readlink implements fsys.FS.
func (f *FS) Readlink(p string) (string, error) {
	s, err := f.c.ReadLink(p)
	return s, pathErr("readlink", p, err)
}

// EvalSymlinks implements fsys.FS with the server's realpath(3).
func (f *FS) EvalSymlinks(p string) (string, error) {
	s, err := f.c.RealPath(p)
	if err != nil {
		return "", pathErr("realpath", p, err)
	}
	return s, nil
}

// exists reports whether p exists (an lstat succeeds), for turning SFTP's
// generic "failure" into fs.ErrExist.
func (f *FS) exists(p string) bool {
	_, err := f.c.Lstat(p)
	return err == nil
}

// CreateExcl implements fsys.FS: SSH_FXF_EXCL refuses any existing name,
// a symlink included; the mode is 0600 before anything is written.
func (f *FS) CreateExcl(p string) (fsys.File, error) {
	h, err := f.c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		if f.exists(p) {
			err = fs.ErrExist // OpenSSH reports EEXIST as a plain "failure"
		}
		return nil, pathErr("create", p, err)
	}
	if err := h.Chmod(0o600); err != nil {
		_ = h.Close()
		_ = f.c.Remove(p)
		return nil, pathErr("chmod", p, err)
	}
	return h, nil
}

// Rename implements fsys.FS with posix-rename@openssh.com (rename(2):
// replaces newpath atomically). Plain SFTP RENAME refuses an existing
// target, so a server without the extension is refused rather than
// emulated with a window where neither file exists.
func (f *FS) Rename(oldpath, newpath string) error {
	if _, ok := f.c.HasExtension("posix-rename@openssh.com"); !ok {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: errors.New("the SFTP server has no posix-rename@openssh.com, so the replace would not be atomic")}
	}
	if err := f.c.PosixRename(oldpath, newpath); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: unwrap(err)}
	}
	return nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Remove implements fsys.FS.
func (f *FS) Remove(p string) error { return pathErr("remove", p, f.c.Remove(p)) }

// Mkdir implements fsys.FS: the folder is created (mode from the server's
// umask) and then given perm on its own handle.
func (f *FS) Mkdir(p string, perm fs.FileMode) error {
	if err := f.c.Mkdir(p); err != nil {
		if f.exists(p) {
			err = fs.ErrExist
		}
		return pathErr("mkdir", p, err)
	}
	return f.Chmod(p, perm, fsys.ChmodOptions{})
}

// Chmod implements fsys.FS without following a link: lstat, open a handle
// (a folder can be opened for reading too), check the handle is still a
// file or folder of the same type and owner, FSETSTAT on the handle.
func (f *FS) Chmod(p string, mode fs.FileMode, o fsys.ChmodOptions) error {
	pi, err := f.Lstat(p)
	if err != nil {
		return err
	}
	switch {
	case pi.IsSymlink():
		return pathErr("chmod", p, fsys.ErrSymlink)
	case !pi.IsRegular() && !pi.IsDir():
		return &fsys.NotRegularError{Path: p, Mode: pi.Mode}
	}
	if o.SingleLink && pi.IsRegular() {
		if f.LinkCount == nil {
			return pathErr("chmod", p, errors.New("the number of hard links cannot be read over SFTP"))
		}
		n, err := f.LinkCount(p)
		if err != nil {
			return pathErr("chmod", p, fmt.Errorf("cannot count its hard links: %w", err))
		}
		if n > 1 {
			return pathErr("chmod", p, fsys.ErrHardLinked)
		}
	}
	h, err := f.c.OpenFile(p, os.O_RDONLY)
	if err != nil {
		return pathErr("chmod", p, err)
	}
	defer h.Close()
	hi, err := h.Stat()
	if err != nil {
		return pathErr("fstat", p, err)
	}
	info := infoOf(hi)
	if info.Mode.Type() != pi.Mode.Type() || info.UID != pi.UID || info.GID != pi.GID {
		return pathErr("chmod", p, errors.New("was replaced while being changed"))
	}
	return pathErr("chmod", p, h.Chmod(mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)))
}

// SyncDir implements fsys.FS: fsync@openssh.com on a handle of the folder
// itself (OpenSSH opens it with open(2), and fsync(2) of a folder makes its
// entries durable).
func (f *FS) SyncDir(dir string) error {
	h, err := f.c.OpenFile(dir, os.O_RDONLY)
	if err != nil {
		return pathErr("open folder", dir, err)
	}
	serr := h.Sync()
	cerr := h.Close()
	if serr != nil {
		return pathErr("fsync folder", dir, serr)
	}
	return pathErr("close folder", dir, cerr)
}

type lockFile struct {
	f    *FS
	path string
}

func (l *lockFile) Unlock() error { return l.f.Remove(l.path) }

// ErrNoFlock is Flock's answer when the remote has no flock(1).
var ErrNoFlock = errors.New("no flock(1) on the remote")

// staleNote is appended to the holder of a lock file: nothing releases a
// lock file of a hardshell that died, and only the operator can tell that
// a hardshell on another machine is gone.
func (f *FS) staleNote(p string) string {
	clear := "remove " + p
	if f.Dest != "" {
		clear = "clear it with: ssh " + quote(f.Dest) + " rm -- " + quote(p)
	}
	return "; a lock file outlives a hardshell that crashed or lost its connection: if that hardshell is no longer running, " + clear
}

// quote quotes s for a POSIX shell.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TryLock implements fsys.FS: the remote's own flock when Flock can take
// it, else a lock file created exclusively.
func (f *FS) TryLock(p, holder string) (fsys.Lock, error) {
	note := holder
	if f.Where != "" {
		note += " from " + f.Where
	}
	if f.Machine != "" {
		note += " on " + f.Machine
	}
	if f.Flock != nil {
		l, err := f.Flock(p, note)
		if !errors.Is(err, ErrNoFlock) {
			return l, err
		}
	}
	return f.tryLockFile(p, note)
}

// tryLockFile takes the lock as a file created exclusively (O_EXCL) with
// note in it. A file left by a hardshell of this machine whose process is
// gone is taken over; any other is reported with its holder, its age and
// the command that clears it.
func (f *FS) tryLockFile(p, note string) (fsys.Lock, error) {
	h, err := f.CreateExcl(p)
	if err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return nil, pathErr("create lock", p, unwrap(err))
		}
		fi, lerr := f.Lstat(p)
		if lerr == nil && !fi.IsRegular() {
			return nil, &fsys.NotRegularError{Path: p, Mode: fi.Mode}
		}
		held, _ := f.ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: 4096})
		who := strings.TrimSpace(string(held))
		if f.stale(who) && f.c.Remove(p) == nil {
			return f.tryLockFile(p, note)
		}
		if who == "" {
			who = "an empty lock file (a hardshell run on that machine itself leaves one when it ends)"
		}
		if lerr == nil {
			who += fmt.Sprintf(" (lock file since %s)", fi.ModTime.UTC().Format(time.RFC3339))
		}
		return nil, &fsys.LockedError{Path: p, Holder: who + f.staleNote(p)}
	}
	_, werr := h.Write([]byte(note + "\n"))
	if werr == nil {
		werr = h.Sync()
	}
	if cerr := h.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = f.c.Remove(p)
		return nil, pathErr("write lock", p, werr)
	}
	return &lockFile{f: f, path: p}, nil
}

var holderPid = regexp.MustCompile(`\bpid ([0-9]+)\b`)

// stale reports a lock note written by a hardshell of this machine whose
// process is gone. Anything else (another machine, a note without a pid,
// a pid that is running — even if reused) is a live lock.
func (f *FS) stale(note string) bool {
	if f.Machine == "" || f.Alive == nil || !strings.HasSuffix(note, " on "+f.Machine) {
		return false
	}
	m := holderPid.FindStringSubmatch(note)
	if m == nil {
		return false
	}
	pid, err := strconv.Atoi(m[1])
	return err == nil && pid > 0 && !f.Alive(pid)
}
