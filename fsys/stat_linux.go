package fsys

import (
	"bytes"
	"io/fs"
	"math"
	"slices"
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

// readDirFD lists an open directory with getdents64 into ents, keeping
// each entry's d_type (no stat needed to tell a directory or a link). The
// names are copied into names, each followed by a NUL (fstatatEntry's
// argument), and the entries' names are slices of it: with the storage of
// ents and names reused from listing to listing, a listing allocates
// nothing (a fresh buffer grows once per batch). With endMarked (the
// directory is on a file system that gives the entry it returns last the
// end-of-directory offset, see endMarkedFS), a batch that ends there ends
// the listing: the getdents64 that would return 0 is not made.
func readDirFD(fd int, endMarked bool, out []Entry, names []byte) ([]Entry, []byte, error) {
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	for {
		var n int
		err := retry(func() (e error) { n, e = unix.Getdents(fd, buf); return })
		if err != nil {
			return out, names, err
		}
		if n <= 0 {
			return out, names, nil
		}
		count, size, end := direntSizes(buf[:n])
		out = slices.Grow(out, count)
		if cap(names)-len(names) < size+count {
			// A new array: the names already listed stay in the old one.
			names = make([]byte, 0, max(size+count, 2*cap(names)))
		}
		var next int64 // d_off of the batch's last entry: where the next read starts
		for off := 0; off < end; {
			reclen, off64, typ, name := dirent(buf, off)
			next = off64
			off += reclen
			if isDots(name) {
				continue
			}
			start := len(names)
			names = append(append(names, name...), 0)
			out = append(out, Entry{Name: unsafe.String(unsafe.SliceData(names[start:]), len(name)), Type: direntType(typ)})
		}
		if end < n { // a malformed record: keep what was listed before it
			return out, names, nil
		}
		if endMarked && next == math.MaxInt64 {
			return out, names, nil
		}
	}
}

// dirent decodes the record at off of a getdents64 batch:
// struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }.
func dirent(buf []byte, off int) (reclen int, next int64, typ uint8, name []byte) {
	reclen = int(*(*uint16)(unsafe.Pointer(&buf[off+16])))
	next = *(*int64)(unsafe.Pointer(&buf[off+8]))
	typ = buf[off+18]
	name = buf[off+19 : off+reclen]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return reclen, next, typ, name
}

// direntSizes counts a batch's entries (without "." and "..") and their
// names' bytes, and tells where its well-formed records end.
func direntSizes(buf []byte) (count, size, end int) {
	for end+19 <= len(buf) {
		reclen := int(*(*uint16)(unsafe.Pointer(&buf[end+16])))
		if reclen < 19 || end+reclen > len(buf) {
			break
		}
		if _, _, _, name := dirent(buf, end); !isDots(name) {
			count++
			size += len(name)
		}
		end += reclen
	}
	return count, size, end
}

func isDots(name []byte) bool { return string(name) == "." || string(name) == ".." }

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
