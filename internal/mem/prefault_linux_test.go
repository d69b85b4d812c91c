package mem

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// Prefault leaves the array's content as it was, whatever its alignment
// and size.
func TestPrefaultKeepsContent(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 3 << 20} {
		b := make([]byte, n+1)[1:] // not page-aligned
		for i := range b {
			b[i] = byte(i)
		}
		Prefault(b)
		for i := range b {
			if b[i] != byte(i) {
				t.Fatalf("n=%d: byte %d changed", n, i)
			}
		}
		fresh := make([]uint64, n)
		Prefault(fresh)
		for i, v := range fresh {
			if v != 0 {
				t.Fatalf("n=%d: fresh word %d = %d", n, i, v)
			}
		}
	}
}

// Writing a prefaulted array takes no page faults (where the kernel knows
// MADV_POPULATE_WRITE).
func TestPrefaultTakesTheFaultsUpFront(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory takes faults of its own")
	}
	probe, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(probe)
	if err := unix.Madvise(probe, unix.MADV_POPULATE_WRITE); err != nil {
		t.Skipf("this kernel has no MADV_POPULATE_WRITE (Linux 5.14+): %v", err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	faults := func() int64 {
		var ru unix.Rusage
		if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
			t.Fatal(err)
		}
		return ru.Minflt
	}
	write := func(b []byte) int64 {
		before := faults()
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		return faults() - before
	}
	const size = 16 << 20
	if n := write(make([]byte, size)); n < size/4096/2 {
		t.Skipf("a fresh array took only %d faults: nothing to compare with", n)
	}
	b := make([]byte, size)
	Prefault(b)
	if n := write(b); n > 2 {
		t.Fatalf("writing a prefaulted %d MB array took %d page faults", size>>20, n)
	}
}
