package fsys

import (
	"os"
	"time"

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

// readDirFD lists an open directory through the os package.
func readDirFD(fd int, _ bool, out []Entry, names []byte) ([]Entry, []byte, error) {
	nfd, err := unix.Dup(fd)
	if err != nil {
		return out, names, err
	}
	f := os.NewFile(uintptr(nfd), "")
	defer f.Close()
	ents, err := f.ReadDir(-1)
	for _, e := range ents {
		out = append(out, Entry{Name: e.Name(), Type: e.Type()})
	}
	return out, names, err
}

// pathMax is the longest path the kernel resolves (PATH_MAX).
const pathMax = 1024

// endMarkedFS: no end-of-directory marker is relied on here.
func endMarkedFS(int) bool { return false }
