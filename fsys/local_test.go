package fsys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// specials makes one of each non-regular file hardshell must refuse to
// read: a FIFO (no writer: a blocking open would hang forever), a symlink
// to /dev/zero (an endless read), a directory and a socket.
func specials(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	out["a FIFO (named pipe)"] = fifo
	zero := filepath.Join(dir, "zero")
	require.NoError(t, os.Symlink("/dev/zero", zero))
	out["a character device"] = zero
	sub := filepath.Join(dir, "dir")
	require.NoError(t, os.Mkdir(sub, 0o700))
	out["a directory"] = sub
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	out["a socket"] = sock
	return out
}

func TestReadFileRefusesSpecialFiles(t *testing.T) {
	for kind, p := range specials(t) {
		t.Run(kind, func(t *testing.T) {
			_, err := Local{}.ReadFile(p, ReadOptions{MaxSize: MaxConfig})
			var nr *NotRegularError
			require.ErrorAs(t, err, &nr)
			require.Equal(t, p, nr.Path)
			require.Contains(t, err.Error(), "is "+kind+", not a regular file")
			_, err = Local{}.ReadLines(p, LineOptions{}, func(int, []byte) error { return nil })
			require.ErrorAs(t, err, &nr)
		})
	}
}

func TestReadFileNoFollowAndCaps(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f.json")
	require.NoError(t, os.WriteFile(f, []byte(`{"a":1}`), 0o600))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(f, link))

	got, err := Local{}.ReadFile(link, ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, `{"a":1}`, string(got))
	_, err = Local{}.ReadFile(link, ReadOptions{NoFollow: true})
	require.ErrorIs(t, err, ErrSymlink)

	_, err = Local{}.ReadFile(f, ReadOptions{MaxSize: 3})
	var tl *TooLargeError
	require.ErrorAs(t, err, &tl)
	require.Equal(t, int64(7), tl.Size)
	require.Contains(t, err.Error(), "is 7 bytes, larger than the 3 bytes limit")

	_, err = Local{}.ReadFile(filepath.Join(dir, "missing"), ReadOptions{})
	require.ErrorIs(t, err, fs.ErrNotExist)
}

// TestReadSizedWhateverTheHint: the fstat size only sizes the buffer; a
// file that grew, shrank or says 0 (procfs) reads in full, and no more than
// limit+1 bytes are ever read.
func TestReadSizedWhateverTheHint(t *testing.T) {
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 70000} {
		data := []byte(strings.Repeat("0123456789abcdef", n/16+1)[:n])
		for _, hint := range []int64{0, int64(n) / 2, int64(n), int64(n) + 1, 2*int64(n) + 100} {
			for _, limit := range []int64{int64(n), int64(n) - 1, 10} {
				if limit < 0 {
					continue
				}
				for name, r := range map[string]io.Reader{"whole": bytes.NewReader(data), "one byte": iotest.OneByteReader(bytes.NewReader(data)), "half": iotest.HalfReader(bytes.NewReader(data))} {
					got, err := readSized(r, hint, limit)
					require.NoError(t, err)
					if int64(n) <= limit {
						require.Equal(t, data, got, "%s n=%d hint=%d limit=%d", name, n, hint, limit)
					} else {
						require.Equal(t, data[:limit+1], got, "%s n=%d hint=%d limit=%d", name, n, hint, limit)
					}
				}
			}
		}
	}
	_, err := readSized(iotest.ErrReader(errors.New("boom")), 10, 100)
	require.EqualError(t, err, "boom")

	// a file of /proc: regular, size 0, content all the same
	got, err := Local{}.ReadFile("/proc/self/status", ReadOptions{})
	require.NoError(t, err)
	require.Contains(t, string(got), "\nPid:")
	require.True(t, bytes.HasSuffix(got, []byte("\n")))
}

func TestReadLinesSkipsOverlongLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.jsonl")
	require.NoError(t, os.WriteFile(p, []byte("one\r\n"+strings.Repeat("x", 100)+"\nthree\nlast"), 0o600))
	var got []string
	skipped, err := Local{}.ReadLines(p, LineOptions{MaxLine: 10}, func(n int, l []byte) error {
		got = append(got, fmt.Sprint(n, ":", string(l)))
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 1, skipped)
	require.Equal(t, []string{"1:one", "3:three", "4:last"}, got)

	stop := errors.New("stop")
	_, err = Local{}.ReadLines(p, LineOptions{}, func(int, []byte) error { return stop })
	require.ErrorIs(t, err, stop)
}

func TestReadDirWithAttributes(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o640))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "d"), 0o700))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "l")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "p"), 0o600))
	for _, attrs := range []bool{false, true} {
		ents, err := Local{}.ReadDir(dir, attrs)
		require.NoError(t, err)
		types := map[string]fs.FileMode{}
		for _, e := range ents {
			types[e.Name] = e.Type
			if attrs {
				require.NotNil(t, e.Info, e.Name)
				require.Equal(t, e.Type, e.Info.Mode.Type())
			} else {
				require.Nil(t, e.Info)
			}
		}
		require.Equal(t, map[string]fs.FileMode{"f": 0, "d": fs.ModeDir, "l": fs.ModeSymlink, "p": fs.ModeNamedPipe}, types)
		if attrs {
			for _, e := range ents {
				if e.Name == "f" {
					require.Equal(t, fs.FileMode(0o640), e.Info.Mode.Perm())
					require.Equal(t, uint64(1), e.Info.Nlink)
					require.Equal(t, int64(1), e.Info.Size)
				}
			}
		}
	}
}

func TestChmodNeverFollowsNorTouchesHardLinks(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside")
	require.NoError(t, os.WriteFile(outside, []byte("x"), 0o644))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(outside, link))
	hard := filepath.Join(dir, "hard")
	require.NoError(t, os.Link(outside, hard))
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))

	require.ErrorIs(t, Local{}.Chmod(link, 0o600, ChmodOptions{SingleLink: true}), ErrSymlink)
	require.ErrorIs(t, Local{}.Chmod(hard, 0o600, ChmodOptions{SingleLink: true}), ErrHardLinked)
	var nr *NotRegularError
	require.ErrorAs(t, Local{}.Chmod(fifo, 0o600, ChmodOptions{SingleLink: true}), &nr)
	fi, err := os.Stat(outside)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o644), fi.Mode().Perm(), "the outside inode is untouched")

	own := filepath.Join(dir, "own")
	require.NoError(t, os.WriteFile(own, []byte("x"), 0o644))
	require.NoError(t, Local{}.Chmod(own, 0o600, ChmodOptions{SingleLink: true}))
	fi, err = os.Stat(own)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	require.NoError(t, Local{}.Chmod(dir, 0o700, ChmodOptions{SingleLink: true}), "a directory's link count does not matter")
}

func TestTryLockIsExclusiveAndNamesTheHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lock")
	l, err := Local{}.TryLock(p, "pid 1 (hardshell fix)")
	require.NoError(t, err)
	_, err = Local{}.TryLock(p, "pid 2")
	var le *LockedError
	require.ErrorAs(t, err, &le)
	require.Equal(t, "pid 1 (hardshell fix)", le.Holder)
	require.Contains(t, err.Error(), "locked by pid 1 (hardshell fix)")
	require.NoError(t, l.Unlock())
	l2, err := Local{}.TryLock(p, "pid 2")
	require.NoError(t, err)
	require.NoError(t, l2.Unlock())
	fi, err := os.Stat(p)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
}

func TestRecorderVerify(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	require.NoError(t, os.WriteFile(a, []byte("1"), 0o600))
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	r := NewRecorder(Local{})
	_, err := r.ReadFile(a, ReadOptions{})
	require.NoError(t, err)
	_, err = r.ReadFile(filepath.Join(dir, "absent"), ReadOptions{})
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = r.ReadFile(fifo, ReadOptions{})
	require.Error(t, err)
	require.Len(t, r.Inputs(), 3)
	require.NoError(t, Verify(Local{}, r.Inputs()))

	require.NoError(t, os.WriteFile(a, []byte("2"), 0o600))
	got, err := r.ReadFile(a, ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, "1", string(got), "one snapshot: a second read returns the first")
	var ce *ChangedError
	require.ErrorAs(t, Verify(Local{}, r.Inputs()), &ce)
	require.Equal(t, a, ce.Path)

	require.NoError(t, os.WriteFile(a, []byte("1"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "absent"), nil, 0o600))
	require.ErrorContains(t, Verify(Local{}, r.Inputs()), "absent was created")
}

func TestOpenDirListsAndOpensRelative(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o640))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "d"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d", "inner"), nil, 0o600))
	require.NoError(t, os.Symlink(filepath.Join(dir, "d"), filepath.Join(dir, "l")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "p"), 0o600))

	d, err := OpenDir(Local{}, dir)
	require.NoError(t, err)
	defer d.Close()
	ents, err := d.ReadDir(true)
	require.NoError(t, err)
	types := map[string]fs.FileMode{}
	for _, e := range ents {
		types[e.Name] = e.Type
		if e.Name == "d" {
			require.Nil(t, e.Info, "a directory is described by its own Stat once opened")
		} else {
			require.NotNil(t, e.Info, e.Name)
			require.Equal(t, e.Type, e.Info.Mode.Type())
		}
	}
	require.Equal(t, map[string]fs.FileMode{"f": 0, "d": fs.ModeDir, "l": fs.ModeSymlink, "p": fs.ModeNamedPipe}, types)

	sub, err := d.OpenDir("d")
	require.NoError(t, err)
	defer sub.Close()
	st, err := sub.Stat()
	require.NoError(t, err)
	want, err := Local{}.Lstat(filepath.Join(dir, "d"))
	require.NoError(t, err)
	require.Equal(t, want, st)
	inner, err := sub.ReadDir(true)
	require.NoError(t, err)
	require.Len(t, inner, 1)
	require.Equal(t, "inner", inner[0].Name)

	// Never through a link, never anything but a directory (a FIFO is not
	// even opened: O_DIRECTORY is checked first).
	_, err = d.OpenDir("l")
	require.ErrorIs(t, err, syscall.ENOTDIR) // O_NOFOLLOW|O_DIRECTORY on a link
	_, err = d.OpenDir("f")
	require.ErrorIs(t, err, syscall.ENOTDIR)
	_, err = d.OpenDir("p")
	require.ErrorIs(t, err, syscall.ENOTDIR)
	_, err = d.OpenDir("gone")
	require.ErrorIs(t, err, fs.ErrNotExist)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, filepath.Join(dir, "gone"), pe.Path)

	// A path the kernel could not resolve is refused like one by path.
	_, err = d.OpenDir(strings.Repeat("x", pathMax))
	require.ErrorIs(t, err, syscall.ENAMETOOLONG)

	// Only a name of the listing: never up, never through a path (whose
	// directories would be followed if they were links), never cut at a NUL.
	for _, name := range []string{"", ".", "..", "d/..", "../" + filepath.Base(dir), "l/x", "d\x00"} {
		_, err = d.OpenDir(name)
		require.ErrorIs(t, err, syscall.EINVAL, "%q", name)
	}
}

// byPath hides Local's OpenDir, as an FS without one (SFTP) has none.
type byPath struct{ FS }

func TestOpenDirByPathKeepsTheListingsAttributes(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "d"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d", "f"), nil, 0o600))
	d, err := OpenDir(byPath{Local{}}, dir)
	require.NoError(t, err)
	ents, err := d.ReadDir(true)
	require.NoError(t, err)
	require.Len(t, ents, 1)
	require.NotNil(t, ents[0].Info, "by path the listing's attributes are kept for directories too")
	sub, err := d.OpenDir("d")
	require.NoError(t, err)
	st, err := sub.Stat()
	require.NoError(t, err)
	require.Equal(t, *ents[0].Info, st)
	inner, err := sub.ReadDir(false)
	require.NoError(t, err)
	require.Len(t, inner, 1)
	require.NoError(t, sub.Close())

	// The Recorder passes the local fast path on.
	rd, err := OpenDir(NewRecorder(Local{}), dir)
	require.NoError(t, err)
	require.IsType(t, &localDir{}, rd)
	require.NoError(t, rd.Close())
}

// A listing larger than one getdents buffer is read whole, whether or not
// the file system marks the end of a directory (ext4 does: the shortcut
// past the last getdents must never cut a listing short).
func TestOpenDirListsBigDirectoriesWhole(t *testing.T) {
	root := t.TempDir()
	big := filepath.Join(root, "big")
	require.NoError(t, os.Mkdir(big, 0o700))
	want := map[string]bool{}
	for i := range 3000 {
		name := fmt.Sprintf("%04d-%s", i, strings.Repeat("n", 120))
		require.NoError(t, os.WriteFile(filepath.Join(big, name), nil, 0o600))
		want[name] = true
	}
	d, err := OpenDir(Local{}, root)
	require.NoError(t, err)
	defer d.Close()
	sub, err := d.OpenDir("big")
	require.NoError(t, err)
	defer sub.Close()
	_, err = sub.Stat() // the device is known: the end marker is trusted where it exists
	require.NoError(t, err)
	ents, err := sub.ReadDir(false)
	require.NoError(t, err)
	got := map[string]bool{}
	for _, e := range ents {
		got[e.Name] = true
	}
	require.Equal(t, want, got)
}

// A Dir's storage is reused once it is closed: the next listing shows its
// own entries only, with its own attributes, however the two differ.
func TestOpenDirReusesStorageWithoutCarryingOver(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	require.NoError(t, os.Mkdir(a, 0o700))
	require.NoError(t, os.Mkdir(b, 0o700))
	for i := range 40 {
		require.NoError(t, os.WriteFile(filepath.Join(a, fmt.Sprintf("file-with-a-long-name-%02d", i)), nil, 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(b, "sub"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(b, "f"), []byte("xy"), 0o600))

	for range 3 {
		d, err := OpenDir(Local{}, root)
		require.NoError(t, err)
		da, err := d.OpenDir("a")
		require.NoError(t, err)
		ents, err := da.ReadDir(true)
		require.NoError(t, err)
		require.Len(t, ents, 40)
		require.NoError(t, da.Close())

		db, err := d.OpenDir("b")
		require.NoError(t, err)
		ents, err = db.ReadDir(true)
		require.NoError(t, err)
		got := map[string]string{}
		for _, e := range ents {
			switch {
			case e.Info == nil:
				got[e.Name] = e.Type.String()
			default:
				got[e.Name] = fmt.Sprintf("%v %d", e.Info.Mode, e.Info.Size)
			}
		}
		require.Equal(t, map[string]string{"sub": "d---------", "f": "-rw------- 2"}, got)
		sub, err := db.OpenDir("sub")
		require.NoError(t, err)
		var pe *fs.PathError
		_, err = sub.OpenDir("absent")
		require.ErrorAs(t, err, &pe)
		require.Equal(t, filepath.Join(b, "sub", "absent"), pe.Path, "the path is the dir's own, not a former one's")
		require.NoError(t, sub.Close())
		require.NoError(t, db.Close())
		require.NoError(t, d.Close())
	}
}
