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
func readDirFD(fd int, _ bool) ([]Entry, error) {
	nfd, err := unix.Dup(fd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(nfd), "")
	defer f.Close()
	ents, err := f.ReadDir(-1)
	out := make([]Entry, 0, len(ents))
	for _, e := range ents {
		out = append(out, Entry{Name: e.Name(), Type: e.Type()})
	}
	return out, err
}

// pathMax is the longest path the kernel resolves (PATH_MAX).
const pathMax = 1024

// endMarkedFS: no end-of-directory marker is relied on here.
func endMarkedFS(int) bool { return false }
