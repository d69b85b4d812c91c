package remediate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hardshell/hardshell/fsys"
)

// The state dir's write lock: an exclusive flock on <state>/.hardshell/lock,
// held from the read a plan is based on to the end of its commit, so two
// hardshells never interleave a read-plan-write over the same files. See
// docs/safety.md.
const lockName = "lock"

// LockWait is how long a second hardshell waits for the lock before it
// refuses.
var LockWait = 5 * time.Second

// LockHolder names this process in the lock file, for the message another
// hardshell prints while it waits (e.g. "hardshell fix"); the pid and the
// time are added.
var LockHolder = "hardshell"

// LockPath is the lock file of a state dir.
func LockPath(stateDir string) string {
	return filepath.Join(stateDir, toolDirName, lockName)
}

// StateLock is a held state-dir lock. Locks are counted per state dir within
// the process: a command that locks before it loads and the commit that
// locks again share one flock.
type StateLock struct {
	key  string
	once sync.Once
}

var (
	locksMu sync.Mutex
	locks   = map[string]*heldLock{}
)

type heldLock struct {
	n    int
	lock fsys.Lock
}

// LockError is a lock another hardshell holds for longer than LockWait.
type LockError struct {
	Path   string
	Holder string
	Waited time.Duration
}

func (e *LockError) Error() string {
	who := "another hardshell"
	if e.Holder != "" {
		who += " (" + e.Holder + ")"
	}
	return fmt.Sprintf("%s is changing this state dir: waited %s for %s; nothing was written — run again when it has finished", who, e.Waited.Round(time.Second), e.Path)
}

// Lock takes the state dir's write lock, creating <state>/.hardshell (0700)
// and the lock file (0600) when needed. It waits up to LockWait while
// another process holds it, then returns a *LockError naming the holder.
func Lock(stateDir string) (*StateLock, error) {
	return lockOn(sys, absClean(stateDir), true)
}

// LockIfPresent takes the lock only when <state>/.hardshell already exists
// (nothing is created otherwise; nil, nil then). Commands that may end up
// writing nothing (bad input, nothing to fix) lock this way before they
// read, so they never leave a folder behind; the commit takes the lock for
// good and checks every input again under it.
func LockIfPresent(stateDir string) (*StateLock, error) {
	return NewTxn(stateDir).lock(false)
}

func lockOn(fsy fsys.FS, stateDir string, create bool) (*StateLock, error) {
	key := stateDir
	if r, err := fsy.EvalSymlinks(stateDir); err == nil {
		key = r
	}
	locksMu.Lock()
	defer locksMu.Unlock()
	if h := locks[key]; h != nil {
		h.n++
		return &StateLock{key: key}, nil
	}
	if create {
		if err := ensurePrivateDir(fsy, filepath.Join(stateDir, toolDirName)); err != nil {
			return nil, fmt.Errorf("cannot take the state dir's lock, so nothing was written: %w", err)
		}
	}
	path := LockPath(stateDir)
	holder := fmt.Sprintf("%s, pid %d, since %s", LockHolder, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	start := time.Now()
	for {
		l, err := fsy.TryLock(path, holder)
		if err == nil {
			locks[key] = &heldLock{n: 1, lock: l}
			return &StateLock{key: key}, nil
		}
		var le *fsys.LockedError
		if !errors.As(err, &le) {
			return nil, fmt.Errorf("cannot take the state dir's lock %s, so nothing was written: %w", path, err)
		}
		if waited := time.Since(start); waited >= LockWait {
			return nil, &LockError{Path: path, Holder: le.Holder, Waited: waited}
		}
		locksMu.Unlock()
		time.Sleep(50 * time.Millisecond)
		locksMu.Lock()
		if h := locks[key]; h != nil { // another goroutine of ours got it meanwhile
			h.n++
			return &StateLock{key: key}, nil
		}
	}
}

// Unlock releases the lock (once; nil-safe). The flock goes when the last
// holder in the process unlocks.
func (l *StateLock) Unlock() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		locksMu.Lock()
		defer locksMu.Unlock()
		h := locks[l.key]
		if h == nil {
			return
		}
		if h.n--; h.n == 0 {
			_ = h.lock.Unlock()
			delete(locks, l.key)
		}
	})
}
