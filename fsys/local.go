package fsys

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/hardshell/hardshell/internal/mem"
)

// Local is the FS of this machine.
type Local struct{}

var (
	_ FS        = Local{}
	_ DirOpener = Local{}
)

// retry repeats a system call interrupted by a signal (the Go runtime
// sends them for preemption).
func retry(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// openRegular opens path for reading only when it is a regular file. The
// path is stat'ed first, so a FIFO or a device is never opened at all
// (opening a device can have effects of its own); the open itself is
// non-blocking and without a controlling terminal, and the opened file is
// fstat'ed and must be the one stat'ed, so a file swapped in between is
// refused too.
func openRegular(path string, noFollow bool) (int, Info, error) {
	var pre unix.Stat_t
	var err error
	if noFollow {
		err = retry(func() error { return unix.Lstat(path, &pre) })
	} else {
		err = retry(func() error { return unix.Stat(path, &pre) })
	}
	if err != nil {
		return -1, Info{}, pathErr("stat", path, err)
	}
	pi := infoOf(&pre)
	if pi.IsSymlink() {
		return -1, Info{}, pathErr("open", path, ErrSymlink)
	}
	if !pi.IsRegular() {
		return -1, Info{}, &NotRegularError{Path: path, Mode: pi.Mode}
	}
	flags := unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOCTTY | unix.O_CLOEXEC
	if noFollow {
		flags |= unix.O_NOFOLLOW
	}
	var fd int
	err = retry(func() (e error) { fd, e = unix.Open(path, flags, 0); return })
	if err != nil {
		if noFollow && errors.Is(err, unix.ELOOP) {
			err = ErrSymlink
		}
		return -1, Info{}, pathErr("open", path, err)
	}
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(fd, &st) }); err != nil {
		_ = unix.Close(fd)
		return -1, Info{}, pathErr("fstat", path, err)
	}
	info := infoOf(&st)
	if !info.IsRegular() {
		_ = unix.Close(fd)
		return -1, Info{}, &NotRegularError{Path: path, Mode: info.Mode}
	}
	if !SameFile(pi, info) {
		_ = unix.Close(fd)
		return -1, Info{}, pathErr("open", path, errors.New("was replaced while being opened"))
	}
	return fd, info, nil
}

// fdReader reads a raw descriptor (no poller: the file is regular).
type fdReader int

func (r fdReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	err := retry(func() (e error) { n, e = unix.Read(int(r), p); return })
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// ReadFile implements FS.
func (Local) ReadFile(path string, o ReadOptions) ([]byte, error) {
	max := o.MaxSize
	if max <= 0 {
		max = MaxStore
	}
	fd, info, err := openRegular(path, o.NoFollow)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if info.Size > max {
		return nil, &TooLargeError{Path: path, Size: info.Size, Max: max}
	}
	data, err := readSized(fdReader(fd), info.Size, max)
	if err != nil {
		return nil, pathErr("read", path, err)
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Path: path, Size: -1, Max: max}
	}
	return data, nil
}

// readSized reads r to its end, at most limit+1 bytes, into a buffer sized
// from the file's fstat size: a config of megabytes is read by one read(2)
// into memory touched once, where io.ReadAll regrows from 512 bytes and
// copies (twice the memory, each page faulted in fresh), and the small
// files the snapshot keeps (an auth-profiles.json per agent) hold what
// they are rather than 512 bytes each. The size is a hint: a file that
// grew or shrank since the fstat reads all the same.
func readSized(r io.Reader, size, limit int64) ([]byte, error) {
	if size <= 0 {
		size = 511 // unknown (a file of /proc says 0)
	}
	// +1: the read that sees the end fits without regrowing
	data := make([]byte, 0, min(size, limit)+1)
	// filled whole by the reads: from mem.MinSize on, its pages populated
	// in one call rather than faulted in one by one by the kernel's copy
	// (a 3.8 MB config: 930 faults)
	mem.Prefault(data[:cap(data)])
	for {
		n, err := r.Read(data[len(data):min(int64(cap(data)), limit+1)])
		data = data[:len(data)+n]
		if err == io.EOF || int64(len(data)) > limit {
			return data, nil // more than limit: the caller says it is too large
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grown since the fstat
		}
	}
}

// ReadLines implements FS.
func (Local) ReadLines(path string, o LineOptions, fn func(n int, line []byte) error) (int, error) {
	maxLine := o.MaxLine
	if maxLine <= 0 {
		maxLine = MaxLine
	}
	fd, _, err := openRegular(path, o.NoFollow)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	return ScanLines(bufio.NewReaderSize(fdReader(fd), 64<<10), maxLine, fn)
}

// ScanLines passes each line of r (without "\n" or "\r\n") to fn; a line
// longer than maxLine is skipped whole and counted.
func ScanLines(r *bufio.Reader, maxLine int, fn func(int, []byte) error) (skipped int, err error) {
	var buf []byte
	long := false
	n := 0
	for {
		chunk, isPrefix, rerr := r.ReadLine()
		if !long {
			if len(buf)+len(chunk) > maxLine {
				long, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return skipped, nil
			}
			return skipped, rerr
		}
		if isPrefix {
			continue
		}
		n++
		if long {
			skipped++
			long = false
			continue
		}
		if err := fn(n, bytes.TrimSuffix(buf, []byte{'\r'})); err != nil {
			return skipped, err
		}
		buf = buf[:0]
	}
}

// Lstat implements FS.
func (Local) Lstat(path string) (Info, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Lstat(path, &st) }); err != nil {
		return Info{}, pathErr("lstat", path, err)
	}
	return infoOf(&st), nil
}

// Stat implements FS.
func (Local) Stat(path string) (Info, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Stat(path, &st) }); err != nil {
		return Info{}, pathErr("stat", path, err)
	}
	return infoOf(&st), nil
}

// ReadDir implements FS: one getdents pass, then (with attrs) one fstatat
// per entry relative to the open directory.
func (Local) ReadDir(dir string, attrs bool) ([]Entry, error) {
	fd, err := openDir(unix.AT_FDCWD, dir, 0)
	if err != nil {
		return nil, pathErr("open", dir, err)
	}
	defer unix.Close(fd)
	ents, _, _, err := listDir(fd, attrs, false, nil, nil, nil, false)
	return ents, pathErr("readdir", dir, err)
}

// openDir opens name (relative to the directory dirfd) as a directory,
// without blocking; flags adds O_NOFOLLOW where a link must be refused.
func openDir(dirfd int, name string, flags int) (int, error) {
	var fd int
	err := retry(func() (e error) {
		fd, e = unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK|unix.O_CLOEXEC|flags, 0)
		return
	})
	return fd, err
}

// listDir lists the open directory fd into ents and names (appended to,
// their storage reused) and, with attrs, lstats each entry relative to fd
// into infos (its storage reused too), the entry's Info. With skipDirs an
// entry the listing types as a directory is not stat'ed (Dir.ReadDir: its
// Stat describes it once opened). endMarked is readDirFD's.
func listDir(fd int, attrs, skipDirs bool, ents []Entry, names []byte, infos []Info, endMarked bool) ([]Entry, []byte, []Info, error) {
	ents, names, err := readDirFD(fd, endMarked, ents, names)
	if !attrs {
		return ents, names, infos, err
	}
	stat := len(ents)
	if skipDirs {
		for i := range ents {
			if ents[i].Type == fs.ModeDir {
				stat--
			}
		}
	}
	// one allocation per listing at most (none for agents/, which holds
	// directories only), not one per entry
	infos = slices.Grow(infos[:0], stat)
	var st unix.Stat_t
	for i := range ents {
		if skipDirs && ents[i].Type == fs.ModeDir {
			continue
		}
		if e := retry(func() error { return fstatatEntry(fd, ents[i].Name, &st) }); e == nil {
			infos = append(infos, infoOf(&st)) // within the capacity: the pointers taken stay valid
			ents[i].Info = &infos[len(infos)-1]
			ents[i].Type = ents[i].Info.Mode.Type()
		}
	}
	return ents, names, infos, err
}

// OpenDir implements DirOpener.
func (Local) OpenDir(dir string) (Dir, error) {
	fd, err := openDir(unix.AT_FDCWD, dir, 0)
	if err != nil {
		return nil, pathErr("open", dir, err)
	}
	d := dirPool.Get().(*localDir)
	d.fd, d.path, d.devs, d.endDev, d.end = fd, append(d.path[:0], dir...), &devKinds{}, 0, false
	return d, nil
}

// localDir is an open directory: its listing, the stats of its entries
// and the opening of its subdirectories are relative to fd.
//
// A survey opens some 150,000 of them (three per agent dir), so a closed
// localDir goes back to dirPool with its buffers (its path, its listing's
// entries, names and attributes), and the next directory opened reuses
// them: what ReadDir returned is valid until Close.
type localDir struct {
	fd   int
	path []byte
	dev  uint64 // st_dev once Stat has told it, else 0
	devs *devKinds
	// endDev is the device end was found for (devKinds), 0 when none
	endDev uint64
	end    bool
	ents   []Entry
	names  []byte // the entries' names, each followed by a NUL (fstatatEntry)
	infos  []Info
}

var dirPool = sync.Pool{New: func() any { return &localDir{fd: -1} }}

// Buffers larger than this (a directory of many entries, such as agents/)
// are not kept for reuse: they would hold their memory for the rest of
// the process, for listings of a few entries.
const maxPooledEntries = 4096

// devKinds remembers, for one walk, which devices are on a file system
// whose listings mark their end (endMarkedFS): one fstatfs per device.
type devKinds struct {
	mu        sync.Mutex
	endMarked map[uint64]bool
}

func (k *devKinds) isEndMarked(dev uint64, fd int) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.endMarked[dev]
	if !ok {
		if k.endMarked == nil {
			k.endMarked = map[uint64]bool{}
		}
		v = endMarkedFS(fd)
		k.endMarked[dev] = v
	}
	return v
}

func (d *localDir) Stat() (Info, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(d.fd, &st) }); err != nil {
		return Info{}, pathErr("fstat", string(d.path), err)
	}
	info := infoOf(&st)
	d.dev = info.Dev
	return info, nil
}

// ReadDir implements Dir. The end-of-directory shortcut is taken only on a
// device already known from Stat (which a walk calls anyway), so finding
// out costs one fstatfs per device, not one per directory. The entries
// are valid until Close.
func (d *localDir) ReadDir(attrs bool) ([]Entry, error) {
	if d.dev != 0 && d.dev != d.endDev {
		// Once per device along a path: a subdirectory on its parent's
		// device inherits the answer (OpenDir), without the lock.
		d.endDev, d.end = d.dev, d.devs.isEndMarked(d.dev, d.fd)
	}
	end := d.dev != 0 && d.end
	var err error
	d.ents, d.names, d.infos, err = listDir(d.fd, attrs, true, d.ents[:0], d.names[:0], d.infos, end)
	if err != nil {
		err = pathErr("readdir", string(d.path), err)
	}
	return d.ents, err
}

// OpenDir opens the subdirectory name (one entry of the listing: no "/",
// not "." or "..") with O_NOFOLLOW. A path longer than the system's limit
// is refused as opening it by path would be, so a walk's depth (and the
// descriptors it holds) stays bounded.
func (d *localDir) OpenDir(name string) (Dir, error) {
	sub := dirPool.Get().(*localDir)
	sub.path = append(append(append(sub.path[:0], d.path...), filepath.Separator), name...)
	fail := func(err error) (Dir, error) {
		err = pathErr("open", string(sub.path), err)
		sub.release()
		return nil, err
	}
	switch {
	case len(sub.path) >= pathMax:
		return fail(unix.ENAMETOOLONG)
	case name == "" || name == "." || name == ".." || strings.IndexByte(name, '/') >= 0 || strings.IndexByte(name, 0) >= 0:
		return fail(unix.EINVAL)
	}
	sub.path = append(sub.path, 0) // the name, NUL-terminated, for openat
	fd, err := openDirEntry(d.fd, sub.path[len(sub.path)-1-len(name):], unix.O_NOFOLLOW)
	sub.path = sub.path[:len(sub.path)-1]
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			err = ErrSymlink
		}
		return fail(err)
	}
	sub.fd, sub.devs, sub.endDev, sub.end = fd, d.devs, d.endDev, d.end
	return sub, nil
}

// Close closes the directory; the Dir (and what its ReadDir returned) must
// not be used afterwards.
func (d *localDir) Close() error {
	if d.fd < 0 {
		return nil
	}
	err := unix.Close(d.fd)
	d.fd = -1
	d.release()
	return err
}

// release puts the closed d back into dirPool, without what would pin
// another walk's state or a large buffer.
func (d *localDir) release() {
	d.dev, d.devs, d.endDev, d.end = 0, nil, 0, false
	if cap(d.ents) > maxPooledEntries {
		return
	}
	clear(d.ents[:cap(d.ents)]) // no name or Info kept reachable from the pool
	d.ents = d.ents[:0]
	dirPool.Put(d)
}

// Readlink implements FS.
func (Local) Readlink(path string) (string, error) { return os.Readlink(path) }

// EvalSymlinks implements FS.
func (Local) EvalSymlinks(path string) (string, error) { return filepath.EvalSymlinks(path) }

// CreateExcl implements FS.
func (Local) CreateExcl(path string) (File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil File
	}
	return f, nil
}

// Rename implements FS.
func (Local) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove implements FS.
func (Local) Remove(path string) error { return os.Remove(path) }

// Mkdir implements FS.
func (Local) Mkdir(path string, perm fs.FileMode) error { return os.Mkdir(path, perm) }

// Chmod implements FS: lstat, open with O_NOFOLLOW (non-blocking, so a
// FIFO swapped in cannot hang it), check the opened inode is the one
// stat'ed, check its link count, fchmod.
func (Local) Chmod(path string, mode fs.FileMode, o ChmodOptions) error {
	var pre unix.Stat_t
	if err := retry(func() error { return unix.Lstat(path, &pre) }); err != nil {
		return pathErr("lstat", path, err)
	}
	pi := infoOf(&pre)
	switch {
	case pi.IsSymlink():
		return pathErr("chmod", path, ErrSymlink)
	case !pi.IsRegular() && !pi.IsDir():
		return &NotRegularError{Path: path, Mode: pi.Mode}
	}
	var fd int
	err := retry(func() (e error) {
		fd, e = unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		return
	})
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			err = ErrSymlink // swapped for a link after the lstat
		}
		return pathErr("chmod", path, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return pathErr("fstat", path, err)
	}
	info := infoOf(&st)
	if !SameFile(pi, info) {
		return pathErr("chmod", path, errors.New("was replaced while being changed"))
	}
	if o.SingleLink && info.IsRegular() && info.Nlink > 1 {
		return pathErr("chmod", path, ErrHardLinked)
	}
	return pathErr("chmod", path, retry(func() error { return unix.Fchmod(fd, unixMode(mode)) }))
}

// unixMode converts permission and setuid/setgid/sticky bits.
func unixMode(m fs.FileMode) uint32 {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= unix.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		v |= unix.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		v |= unix.S_ISVTX
	}
	return v
}

// SyncDir implements FS.
func (Local) SyncDir(dir string) error {
	var fd int
	err := retry(func() (e error) {
		fd, e = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return
	})
	if err != nil {
		return pathErr("open folder", dir, err)
	}
	serr := retry(func() error { return unix.Fsync(fd) })
	cerr := unix.Close(fd)
	if serr != nil {
		return pathErr("fsync folder", dir, serr)
	}
	return pathErr("close folder", dir, cerr)
}

type localLock int

func (l localLock) Unlock() error {
	// the holder note goes with the lock
	_ = unix.Ftruncate(int(l), 0)
	return unix.Close(int(l)) // closing the last descriptor releases the flock
}

// TryLock implements FS with flock(2) on path.
func (Local) TryLock(path, holder string) (Lock, error) {
	var fd int
	err := retry(func() (e error) {
		fd, e = unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0o600)
		return
	})
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			err = ErrSymlink
		}
		return nil, pathErr("open lock", path, err)
	}
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(fd, &st) }); err != nil {
		_ = unix.Close(fd)
		return nil, pathErr("fstat", path, err)
	}
	if info := infoOf(&st); !info.IsRegular() {
		_ = unix.Close(fd)
		return nil, &NotRegularError{Path: path, Mode: info.Mode}
	}
	if err := retry(func() error { return unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) }); err != nil {
		defer unix.Close(fd)
		if errors.Is(err, unix.EWOULDBLOCK) {
			buf := make([]byte, 512)
			n, _ := unix.Pread(fd, buf, 0)
			return nil, &LockedError{Path: path, Holder: string(bytes.TrimSpace(buf[:max(n, 0)]))}
		}
		return nil, pathErr("flock", path, err)
	}
	_ = unix.Ftruncate(fd, 0)
	_, _ = unix.Pwrite(fd, []byte(holder+"\n"), 0)
	return localLock(fd), nil
}
