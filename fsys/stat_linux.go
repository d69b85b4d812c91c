package fsys

import (
	"io/fs"
	"math"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func infoOf(st *unix.Stat_t) Info {
	return Info{
		Mode: modeOf(uint32(st.Mode)), Size: st.Size,
		ModTime: time.Unix(st.Mtim.Unix()),
		UID:     int(st.Uid), GID: int(st.Gid),
		Nlink: uint64(st.Nlink), Dev: uint64(st.Dev), Ino: st.Ino,
	}
}

// direntBufs holds getdents buffers: a survey lists a directory per agent
// and per sessions folder, and a fresh 32 KiB buffer each time is zeroed
// each time.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// readDirFD lists an open directory with getdents64, keeping each entry's
// d_type (no stat needed to tell a directory or a link). With endMarked
// (the directory is on a file system that gives the entry it returns last
// the end-of-directory offset, see endMarkedFS), a batch that ends there
// ends the listing: the getdents64 that would return 0 is not made.
func readDirFD(fd int, endMarked bool) ([]Entry, error) {
	var out []Entry
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	for {
		var n int
		err := retry(func() (e error) { n, e = unix.Getdents(fd, buf); return })
		if err != nil {
			return out, err
		}
		if n <= 0 {
			return out, nil
		}
		var next int64 // d_off of the batch's last entry: where the next read starts
		for off := 0; off < n; {
			// struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
			reclen := int(*(*uint16)(unsafe.Pointer(&buf[off+16])))
			if reclen == 0 || off+reclen > n {
				return out, nil
			}
			next = *(*int64)(unsafe.Pointer(&buf[off+8]))
			typ := buf[off+18]
			name := buf[off+19 : off+reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			off += reclen
			if string(name) == "." || string(name) == ".." {
				continue
			}
			out = append(out, Entry{Name: string(name), Type: direntType(typ)})
		}
		if endMarked && next == math.MaxInt64 {
			return out, nil
		}
	}
}

// endMarkedFS reports whether the open directory fd is on ext4, whose
// hashed-directory reader moves the position to EXT4_HTREE_EOF_64BIT
// (math.MaxInt64, a value no entry's hash position takes) once it has
// returned the last entry, and getdents64 reports that position as the last
// entry's d_off. A batch cut short by a full buffer or a pending signal ends
// at an entry's own position instead, so the marker is exact. (A 32-bit
// process gets the 32-bit marker and simply reads on; a linear directory
// has byte offsets and reads on too.)
func endMarkedFS(fd int) bool {
	var st unix.Statfs_t
	if err := retry(func() error { return unix.Fstatfs(fd, &st) }); err != nil {
		return false
	}
	return st.Type == unix.EXT4_SUPER_MAGIC
}

func direntType(t uint8) fs.FileMode {
	switch t {
	case unix.DT_DIR:
		return fs.ModeDir
	case unix.DT_LNK:
		return fs.ModeSymlink
	case unix.DT_FIFO:
		return fs.ModeNamedPipe
	case unix.DT_SOCK:
		return fs.ModeSocket
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.DT_BLK:
		return fs.ModeDevice
	case unix.DT_REG:
		return 0
	}
	return fs.ModeIrregular // DT_UNKNOWN: the caller stats it
}

// pathMax is the longest path the kernel resolves (PATH_MAX).
const pathMax = unix.PathMax
