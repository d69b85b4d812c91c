//go:build linux && (amd64 || arm64)

package fsys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The two calls a walk makes per entry by name, relative to an open
// directory, issued directly: unix.Openat and unix.Fstatat copy the name
// into a fresh NUL-terminated buffer on every call (some 300,000 of them
// over 50,000 agent dirs), while the walk has the name NUL-terminated in
// storage of its own already.

// openDirEntry opens cname (a name followed by its NUL) in the directory
// dirfd as a directory, without blocking; flags adds O_NOFOLLOW.
func openDirEntry(dirfd int, cname []byte, flags int) (int, error) {
	if len(cname) == 0 || cname[len(cname)-1] != 0 {
		return -1, unix.EINVAL
	}
	var fd int
	err := retry(func() error {
		r, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(unsafe.SliceData(cname))),
			uintptr(unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK|unix.O_CLOEXEC|flags), 0, 0, 0)
		fd = int(r)
		if e != 0 {
			return e
		}
		return nil
	})
	return fd, err
}

// fstatatEntry lstats name in the directory dirfd. name must be followed
// in memory by a NUL: it is an entry of a listing by readDirFD.
func fstatatEntry(dirfd int, name string, st *unix.Stat_t) error {
	_, _, e := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(unsafe.StringData(name))),
		uintptr(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
