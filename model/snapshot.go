package model

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/hardshell/hardshell/fsys"
)

// Target is the state dir and config that hardshell works on, and the rules
// that chose them (OpenClaw's own resolution order, see locate.go).
type Target struct {
	Home       string
	StateDir   string
	StateRule  string // e.g. "--state-dir flag", "OPENCLAW_STATE_DIR", "~/.openclaw (exists)"
	ConfigPath string
	ConfigRule string // e.g. "--config flag", "OPENCLAW_CONFIG_PATH", "first existing <state>/openclaw.json"
}

// Snapshot is everything the audit reads, gathered once.
type Snapshot struct {
	Target Target
	// Doc is the parsed config with includes resolved; nil when the config is
	// absent (ConfigMissing) or could not be read (DocErr).
	Doc           *Document
	DocErr        error
	ConfigMissing bool
	Era           EraInfo
	FS            *FSState
	// Env looks up the environment the gateway would see (this shell, then
	// <state>/.env, then the config's env block). Never nil after Load.
	Env func(name string) (string, bool)
	Now time.Time
	// Reads is the file system the snapshot was read from. Every whole
	// file read through it (config, includes, .env, stores, and what a plan
	// reads later: unit files, exec-approvals.json…) is recorded with its
	// fingerprint, so a commit can re-check every input under its lock.
	// nil for a hand-built snapshot: ReadFile then reads the local disk.
	Reads *fsys.Recorder
	// Redactor masks every secret this run has seen; Load registers the
	// snapshot's secrets in it (LoadOptions.Redactor, or a new one). Use
	// Redact(), which also serves a Snapshot not made by Load.
	Redactor *Redactor
	// Managed lists the config files (root and includes) that are generated
	// elsewhere (DetectManaged); hardshell never writes them.
	Managed []Managed
	// ManagedOpts are the places DetectManaged looked in (LoadOptions.Managed).
	ManagedOpts ManagedOptions

	dotenv map[string]string  // <state>/.env as NewEnv read it
	memo   map[any]*memoEntry // Memo's values
}

// Memo returns the value f computes for key, computing it once per
// snapshot: derived views that several audit areas share (e.g. the access
// review, which reads the state DB) are built once, concurrently safe. A
// copy of the snapshot (a remediation's candidate) shares what was
// memoised before the copy.
func (s *Snapshot) Memo(key any, f func() any) any {
	memoMu.Lock()
	if s.memo == nil {
		s.memo = map[any]*memoEntry{}
	}
	e := s.memo[key]
	if e == nil {
		e = &memoEntry{}
		s.memo[key] = e
	}
	memoMu.Unlock()
	e.once.Do(func() { e.v = f() })
	return e.v
}

// memoMu guards every snapshot's memo map (held only to find an entry).
var memoMu sync.Mutex

type memoEntry struct {
	once sync.Once
	v    any
}

// ReadFile reads an input of the snapshot through the safe reader (and
// records it when the snapshot has a recorder).
func (s *Snapshot) ReadFile(path string, o fsys.ReadOptions) ([]byte, error) {
	if s == nil || s.Reads == nil {
		return fsys.Local{}.ReadFile(path, o)
	}
	return s.Reads.ReadFile(path, o)
}

// DotenvPath is <state>/.env.
func (s *Snapshot) DotenvPath() string { return filepath.Join(s.Target.StateDir, ".env") }

// Dotenv is <state>/.env as the snapshot read it (nil when absent): the
// bytes Load read once, not a fresh read, so a plan and the drift check
// under the lock agree on what the file held. A symlinked .env is refused
// (hardshell never writes through a link); onSymlink says what to do.
func (s *Snapshot) Dotenv(onSymlink string) ([]byte, error) {
	p := s.DotenvPath()
	if s.FS != nil && s.FS.EnvFile.IsSymlink {
		return nil, fmt.Errorf("%s is a symlink; %s", p, onSymlink)
	}
	data, err := s.ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxDotenv})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// Sys is the file system of the snapshot (the local one when it has no
// recorder).
func (s *Snapshot) Sys() fsys.FS {
	if s == nil || s.Reads == nil {
		return fsys.Local{}
	}
	return s.Reads
}

// Base is the file system the snapshot was read from, without its
// recorder (the local one when it has none): for reads that are not inputs
// a transaction re-checks — evidence, secrets the redactor learns — so
// over --host they come from the remote like every input.
func (s *Snapshot) Base() fsys.FS {
	if s == nil || s.Reads == nil || s.Reads.FS == nil {
		return fsys.Local{}
	}
	return s.Reads.FS
}

// FileInfo is what the snapshot records about one path. Symlinks are never
// followed out of the state dir. It is 80 bytes, the small fields last and
// packed (the modification time as nanoseconds, owner ids as the kernel's
// 32-bit values): the survey keeps five of these per agent dir.
type FileInfo struct {
	Path       string
	LinkTarget string // as read by readlink
	Err        error  // a stat/read error other than "does not exist"
	mtime      int64  // ModTime in Unix nanoseconds
	Size       int64
	UID, GID   uint32
	Mode       fs.FileMode // permission bits of the entry (for a symlink: of its target when resolvable inside the state dir, else 0)
	Exists     bool
	IsDir      bool
	IsSymlink  bool
}

// ModTime is the entry's modification time (the zero time when it does
// not exist).
func (f FileInfo) ModTime() time.Time {
	if !f.Exists {
		return time.Time{}
	}
	return time.Unix(0, f.mtime)
}

// Loose reports group/world permission bits (mask 077) on an existing entry.
func (f FileInfo) Loose() bool { return f.Exists && !f.IsSymlink && f.Mode.Perm()&0o077 != 0 }

// PairingStore is one credentials/<channel>[-<account>]-allowFrom.json file.
type PairingStore struct {
	Channel string
	Account string // "" for the default account
	File    FileInfo
	Entries []string // approved sender ids ("*" dropped, as OpenClaw does)
	Err     error    // parse error
}

// PendingPairing is one credentials/<channel>-pairing.json file.
type PendingPairing struct {
	Channel  string
	File     FileInfo
	Requests int
}

// AgentFiles are the per-agent state files under agents/<id>/.
type AgentFiles struct {
	ID                string
	Dir               FileInfo // agents/<id>
	AgentDir          FileInfo // agents/<id>/agent
	AuthProfiles      FileInfo // agents/<id>/agent/auth-profiles.json
	SessionsDir       FileInfo // agents/<id>/sessions
	SessionsStore     FileInfo // agents/<id>/sessions/sessions.json
	Transcripts       int      // number of *.jsonl transcripts
	LooseTranscripts  []FileInfo
	SymlinkTranscript []FileInfo
}

// Extension is one installed plugin under extensions/<id>.
type Extension struct {
	ID      string
	Dir     FileInfo
	Name    string // package.json name, if readable
	Version string // package.json version, if readable
}

// FSState is the one-pass survey of the state dir.
type FSState struct {
	StateDir       FileInfo
	Config         FileInfo
	Includes       []FileInfo // every $include file, recursively
	CredentialsDir FileInfo
	Credentials    []FileInfo // every regular file below credentials/
	PairingStores  []PairingStore
	Pending        []PendingPairing
	Agents         []AgentFiles
	Extensions     []Extension
	ConfigBackups  []FileInfo // openclaw.json.bak*, .last-good, .clobbered.*, .rejected.*
	EnvFile        FileInfo   // <state>/.env
	LogFile        FileInfo   // logging.file when set
	ExecApprovals  FileInfo   // <state>/exec-approvals.json
	Symlinks       []FileInfo // symlinks met during the walk (not followed)
	Unreadable     []FileInfo // entries that could not be read
	StaleTemps     []FileInfo // .<name>.hardshell-*.tmp left by an interrupted hardshell write (never read)
	Files          int        // entries visited
}

// ManagedFor returns the managed-file record of path (as read, or its
// resolved target), nil when the file is not managed.
func (s *Snapshot) ManagedFor(path string) *Managed {
	if s == nil || path == "" {
		return nil
	}
	clean := filepath.Clean(path)
	for i := range s.Managed {
		m := &s.Managed[i]
		if filepath.Clean(m.File) == clean || (m.Real != "" && filepath.Clean(m.Real) == clean) {
			return m
		}
	}
	return nil
}
