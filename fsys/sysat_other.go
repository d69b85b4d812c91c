//go:build !linux || !(amd64 || arm64)

package fsys

import "golang.org/x/sys/unix"

// openDirEntry opens cname (a name followed by its NUL) in the directory
// dirfd as a directory, without blocking; flags adds O_NOFOLLOW.
func openDirEntry(dirfd int, cname []byte, flags int) (int, error) {
	if len(cname) == 0 || cname[len(cname)-1] != 0 {
		return -1, unix.EINVAL
	}
	return openDir(dirfd, string(cname[:len(cname)-1]), flags)
}

// fstatatEntry lstats name in the directory dirfd.
func fstatatEntry(dirfd int, name string, st *unix.Stat_t) error {
	return unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
}
