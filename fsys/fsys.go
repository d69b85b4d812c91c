// Package fsys is hardshell's file-system seam. Every read of an operator
// file (the config and its $include files, .env, the JSON stores, unit
// files, transcripts, logs, package.json of extensions…) and every write of
// the transaction (temp file, write, fsync, rename, chmod, chown, remove,
// mkdir, lock) goes through an FS.
//
// The interface is at the level of operations, not of *os.File, so that a
// remote implementation over SFTP (lstat, stat, readdir with attributes,
// readlink, open, fsync@openssh.com, posix-rename@openssh.com, setstat) can
// stand in for Local: a remote side has no flock, no O_NONBLOCK and no
// inode numbers, and each operation here says what it needs.
//
// The safe reader (ReadFile, ReadLines) is the one way operator files are
// read: it never blocks on a FIFO or a device (a non-regular file is refused
// with *NotRegularError before anything is read), caps what it reads
// (*TooLargeError), and refuses a symbolic link where the caller says the
// path must not be one (ErrSymlink).
package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Size caps for the kinds of file hardshell reads whole. A fact lives here
// once; callers pass the cap of the kind they read.
const (
	MaxConfig = 16 << 20 // openclaw.json and each $include file
	MaxStore  = 4 << 20  // JSON stores: pairing, allowFrom, exec-approvals, auth-profiles, sessions.json, package.json
	MaxDotenv = 1 << 20  // <state>/.env
	MaxUnit   = 1 << 20  // service unit files, launchd plists
	MaxLine   = 1 << 20  // one line of a transcript or log (longer lines are skipped)
	// MaxStateDB is OpenClaw 2026.9's state DB (state/openclaw.sqlite) and
	// its -wal, read whole into a private snapshot (an empty one is 1.5 MB).
	MaxStateDB = 512 << 20
)

// Info is what a stat returns. Fields a remote side cannot know are zero:
// Nlink, Dev and Ino are 0 over SFTP.
type Info struct {
	Mode     fs.FileMode // type and permission bits, as io/fs spells them
	Size     int64
	ModTime  time.Time
	UID, GID int
	Nlink    uint64 // number of hard links; 0 = unknown
	Dev, Ino uint64 // identity; 0 = unknown
}

// IsRegular reports a regular file.
func (i Info) IsRegular() bool { return i.Mode.IsRegular() }

// IsDir reports a directory.
func (i Info) IsDir() bool { return i.Mode.IsDir() }

// IsSymlink reports a symbolic link (only an Lstat or ReadDir can say so).
func (i Info) IsSymlink() bool { return i.Mode&fs.ModeSymlink != 0 }

// SameFile reports whether a and b are the same file (false when either
// identity is unknown).
func SameFile(a, b Info) bool { return a.Ino != 0 && a.Dev == b.Dev && a.Ino == b.Ino }

// Entry is one name in a directory listing.
type Entry struct {
	Name string
	Type fs.FileMode // type bits only: 0 for a regular file, fs.ModeDir, fs.ModeSymlink, …
	// Info holds the entry's own attributes (never a symlink's target)
	// when ReadDir was asked for them; nil otherwise, or when the entry
	// vanished between the listing and its stat.
	Info *Info
}

// ReadOptions tell the safe reader what the file must be.
type ReadOptions struct {
	// NoFollow refuses a path that is itself a symbolic link (ErrSymlink).
	NoFollow bool
	// MaxSize is the most that is read (one of the Max* caps); a larger file
	// is refused with *TooLargeError. 0 means MaxStore.
	MaxSize int64
}

// LineOptions tell ReadLines what the file must be.
type LineOptions struct {
	NoFollow bool
	// MaxLine is the longest line passed on (0 = MaxLine); a longer line is
	// skipped whole and counted.
	MaxLine int
}

// ChmodOptions restrict what a mode change may touch.
type ChmodOptions struct {
	// SingleLink refuses a regular file with more than one hard link
	// (ErrHardLinked): changing it would change the mode of every other
	// name of the same inode, wherever it is.
	SingleLink bool
}

// Identity is implemented by a file system that acts as a user other than
// this process's (the remote login over SFTP): EUID is that user's id.
type Identity interface {
	EUID() int
}

// EUID is the user id the file system's writes are made as: its own
// Identity, or this process's effective uid.
func EUID(f FS) int {
	if i, ok := f.(Identity); ok {
		return i.EUID()
	}
	return os.Geteuid()
}

// File is a file being written: the temp file of an atomic write or a new
// backup copy. It is what a remote handle can do too (write, fsync,
// fsetstat, close).
type File interface {
	Write(p []byte) (int, error)
	Sync() error
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
	Close() error
}

// Lock is a held exclusive lock; Unlock releases it.
type Lock interface {
	Unlock() error
}

// FS is the file system hardshell works on.
type FS interface {
	// ReadFile reads a whole regular file through the safe reader.
	ReadFile(path string, o ReadOptions) ([]byte, error)
	// ReadLines streams a regular file line by line (without the line
	// ending), with its 1-based line number (skipped lines count). fn's
	// error stops the read and is returned. The line slice is reused: copy
	// what you keep.
	ReadLines(path string, o LineOptions, fn func(n int, line []byte) error) (skipped int, err error)
	// Lstat describes path itself; Stat follows symbolic links.
	Lstat(path string) (Info, error)
	Stat(path string) (Info, error)
	// ReadDir lists dir in directory order. With attrs, each Entry carries
	// its Lstat attributes (one call per entry locally, free over SFTP).
	ReadDir(dir string, attrs bool) ([]Entry, error)
	Readlink(path string) (string, error)
	// EvalSymlinks resolves every link in path (realpath).
	EvalSymlinks(path string) (string, error)

	// CreateExcl creates a new file (never an existing one, never through
	// a symlink) with mode 0600 for writing.
	CreateExcl(path string) (File, error)
	// Rename replaces newpath with oldpath atomically (POSIX rename).
	Rename(oldpath, newpath string) error
	Remove(path string) error
	Mkdir(path string, perm fs.FileMode) error
	// Chmod sets the mode of a regular file or directory without ever
	// following a symbolic link: ErrSymlink for a link, *NotRegularError
	// for anything else that is not a file or a directory.
	Chmod(path string, mode fs.FileMode, o ChmodOptions) error
	// SyncDir makes the entries of dir (a create, a rename) durable.
	SyncDir(dir string) error
	// TryLock takes an exclusive lock on the file at path (created 0600
	// when missing) without waiting: *LockedError when another process
	// holds it. holder is recorded for the next one to read.
	TryLock(path, holder string) (Lock, error)
}

// Dir is a directory held open for a walk. Locally it is one descriptor
// that the listing, the stats of its entries and the opening of its
// subdirectories are relative to, so a walk looks each name up once
// instead of resolving every path from the root, and stats a directory
// once (through the descriptor it opened) instead of once in its parent's
// listing and again when it is opened. A Dir is listed once; OpenDir may be
// called from several goroutines at a time.
type Dir interface {
	// Stat describes the opened directory itself.
	Stat() (Info, error)
	// ReadDir lists the directory like FS.ReadDir, except that with attrs
	// a subdirectory's entry may come without Info (Type fs.ModeDir): an
	// FS that pays a stat per entry leaves it to the subdirectory's Stat
	// once it is opened. Every other entry carries its Lstat attributes
	// (nil when it vanished in between). The entries, their names and
	// attributes are valid until Close: a Dir's storage is reused for the
	// next one opened, so a name that is kept must be copied.
	ReadDir(attrs bool) ([]Entry, error)
	// OpenDir opens the subdirectory name. Locally a name that is not a
	// directory (now) is refused, a symbolic link included, which is never
	// followed (ENOTDIR, or ErrSymlink where the system says ELOOP): a walk
	// never leaves the tree it was given and never opens a FIFO or a device.
	OpenDir(name string) (Dir, error)
	// Close releases the directory; it must not be used afterwards.
	Close() error
}

// DirOpener is implemented by an FS that can hold a directory open (Local).
type DirOpener interface {
	// OpenDir opens dir (following a link, as ReadDir does).
	OpenDir(dir string) (Dir, error)
}

// OpenDir opens dir on f: through f's own OpenDir when it has one, else as
// a Dir that works by path through f.ReadDir and f.Lstat (over SFTP a
// listing brings every entry's attributes at no extra cost, so there is
// nothing to save there).
func OpenDir(f FS, dir string) (Dir, error) {
	if o, ok := f.(DirOpener); ok {
		return o.OpenDir(dir)
	}
	return pathDir{fs: f, path: dir, root: true}, nil
}

// pathDir is a Dir by path on an FS that cannot hold one open.
type pathDir struct {
	fs   FS
	path string
	root bool // opened by path (a link is followed), not by name from a parent
}

func (d pathDir) Stat() (Info, error) {
	if d.root {
		return d.fs.Stat(d.path)
	}
	return d.fs.Lstat(d.path)
}

func (d pathDir) ReadDir(attrs bool) ([]Entry, error) { return d.fs.ReadDir(d.path, attrs) }

func (d pathDir) OpenDir(name string) (Dir, error) {
	return pathDir{fs: d.fs, path: d.path + string(os.PathSeparator) + name}, nil
}

func (pathDir) Close() error { return nil }

var (
	// ErrSymlink is a symbolic link where none may be.
	ErrSymlink = errors.New("is a symbolic link")
	// ErrHardLinked is a regular file with more than one name.
	ErrHardLinked = errors.New("has more than one hard link, so it may also be a file outside the state dir")
)

// NotRegularError is a FIFO, device, socket or directory where a regular
// file was expected. Nothing was read from it.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string { return e.Path + " " + e.Reason() }

// Reason is the message without the path.
func (e *NotRegularError) Reason() string {
	return "is " + KindOf(e.Mode) + ", not a regular file; hardshell does not read it"
}

// KindOf names a file type for messages: "a FIFO (named pipe)", …
func KindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// TooLargeError is a file over its kind's cap. Nothing past the cap was
// read.
type TooLargeError struct {
	Path      string
	Size, Max int64 // Size is -1 when the file grew while being read
}

func (e *TooLargeError) Error() string { return e.Path + " " + e.Reason() }

// Reason is the message without the path.
func (e *TooLargeError) Reason() string {
	if e.Size < 0 {
		return fmt.Sprintf("grew beyond the %s limit while being read", human(e.Max))
	}
	return fmt.Sprintf("is %d bytes, larger than the %s limit", e.Size, human(e.Max))
}

func human(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// LockedError is a lock held by another process.
type LockedError struct {
	Path   string
	Holder string // what the holder recorded, "" when unknown
}

func (e *LockedError) Error() string {
	if e.Holder == "" {
		return e.Path + " is locked by another process"
	}
	return e.Path + " is locked by " + e.Holder
}

// Glob lists the entries of dir whose names match pattern (filepath.Match),
// as sorted paths under dir, read through r — over --host a local
// filepath.Glob would find nothing, the remote paths not existing here. A
// folder that cannot be listed has none; links are listed, not followed.
func Glob(r FS, dir, pattern string) []string {
	ents, err := r.ReadDir(dir, false)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if ok, _ := filepath.Match(pattern, e.Name); ok {
			out = append(out, filepath.Join(dir, e.Name))
		}
	}
	sort.Strings(out)
	return out
}
