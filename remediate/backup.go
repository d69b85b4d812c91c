package remediate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
)

// Backups live in <state>/.hardshell/backups/<ID>/, never next to the config
// as openclaw.json.bak*: OpenClaw rotates .bak..bak.4 and deletes any other
// openclaw.json.bak.* it finds, so a backup there could vanish.
const (
	toolDirName    = ".hardshell"
	backupsDirName = "backups"
	manifestName   = "manifest.json"
	filesDirName   = "files"
	idLayout       = "20060102T150405Z"
)

// BackupsDir is where the backup sets of a state dir live.
func BackupsDir(stateDir string) string {
	return filepath.Join(stateDir, toolDirName, backupsDirName)
}

// Op is what a backup entry's change did.
type Op string

const (
	OpWrite  Op = "write"  // replaced an existing file
	OpCreate Op = "create" // created a file that did not exist
	OpChmod  Op = "chmod"  // changed a mode only
	OpRemove Op = "remove" // removed a file (restore of a create)
)

// Mode is a file mode stored in manifests as an octal string ("0600").
type Mode fs.FileMode

// MarshalJSON writes the mode as "0600".
func (m Mode) MarshalJSON() ([]byte, error) {
	return json.Marshal(formatMode(fs.FileMode(m)))
}

// UnmarshalJSON reads "0600" (and the setuid/setgid/sticky digit "4755").
func (m *Mode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o7777 {
		return fmt.Errorf("bad mode %q", s)
	}
	mode := fs.FileMode(v & 0o777)
	if v&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if v&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if v&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	*m = Mode(mode)
	return nil
}

func formatMode(m fs.FileMode) string {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return fmt.Sprintf("%04o", v)
}

// BackupEntry is one file a transaction touched.
type BackupEntry struct {
	Path         string `json:"path"` // absolute path actually written (a symlink's resolved target)
	Rel          string `json:"rel"`  // relative to the state dir, or absolute when outside it
	Op           Op     `json:"op"`
	Existed      bool   `json:"existed"`
	SHA256Before string `json:"sha256Before,omitempty"`
	SHA256After  string `json:"sha256After,omitempty"`
	ModeBefore   Mode   `json:"modeBefore"`
	ModeAfter    Mode   `json:"modeAfter"`
	UID          int    `json:"uid"`
	GID          int    `json:"gid"`
	Backup       string `json:"backup,omitempty"` // copy of the old bytes, relative to the set's folder
	Reason       string `json:"reason,omitempty"`
}

// Skipped is a requested change that was not made, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Backup set states. A set is written "prepared" (complete copies of every
// file, before any file is touched) and becomes "committed" once every
// change is on disk. A set still "prepared", or a folder without a
// manifest, is "interrupted": hardshell was killed (or the machine lost
// power) during that commit. A manifest without a state was written by a
// hardshell that did not record states and is read as committed.
const (
	StatePrepared    = "prepared"
	StateCommitted   = "committed"
	StateInterrupted = "interrupted" // never stored: what ListBackups calls an unfinished set
)

// BackupSet is one backup: the manifest of a transaction.
type BackupSet struct {
	ID          string        `json:"id"`
	State       string        `json:"state"`
	CreatedAt   time.Time     `json:"createdAt"`
	ToolVersion string        `json:"toolVersion"`
	Command     string        `json:"command"`
	CheckIDs    []string      `json:"checkIds"`
	Entries     []BackupEntry `json:"entries"`
	Skipped     []Skipped     `json:"skipped,omitempty"`
	// DB and Rows are a change to OpenClaw's state DB (DB relative to the
	// state dir): the exact rows changed, restored by primary key.
	DB   string      `json:"db,omitempty"`
	Rows []RowChange `json:"rows,omitempty"`
	// Dir is the set's folder (not stored).
	Dir string `json:"-"`
}

// Summary is one line saying what the set changed, e.g.
// "openclaw.json (write), credentials (chmod 0755→0700)".
func (b *BackupSet) Summary() string {
	parts := make([]string, 0, len(b.Entries))
	for _, e := range b.Entries {
		switch e.Op {
		case OpChmod:
			parts = append(parts, fmt.Sprintf("%s (chmod %s→%s)", e.Rel, formatMode(fs.FileMode(e.ModeBefore)), formatMode(fs.FileMode(e.ModeAfter))))
		default:
			parts = append(parts, fmt.Sprintf("%s (%s)", e.Rel, e.Op))
		}
	}
	for _, r := range b.Rows {
		parts = append(parts, b.DB+": "+r.String())
	}
	switch {
	case b.State == StateInterrupted:
		return "INTERRUPTED before its backup was complete: never applied, nothing to restore"
	case b.Interrupted():
		return "INTERRUPTED (applied in part or not at all; a restore puts back only what it reached): " + strings.Join(parts, ", ")
	case len(parts) == 0:
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// BackupMeta describes why a transaction ran; it goes into the manifest.
type BackupMeta struct {
	Command     string   // e.g. "fix", "contain", "restore 20261125T084602Z"
	CheckIDs    []string // findings remediated
	ToolVersion string
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ensurePrivateDir makes dir (0700) if missing and refuses a symlink or a
// non-folder in its place, so backups can't be redirected elsewhere.
func ensurePrivateDir(fsy fsys.FS, dir string) error {
	fi, err := fsy.Lstat(dir)
	switch {
	case err == nil:
		if fi.IsSymlink() {
			return fmt.Errorf("%s is a symlink; refusing to keep backups through it", dir)
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s exists and is not a folder", dir)
		}
		if fi.Mode.Perm() != 0o700 {
			return chmodNoFollow(fsy, dir, 0o700)
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		if err := fsy.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: unwrapPath(err)}
		}
		// Mkdir's mode is reduced by the umask
		return chmodNoFollow(fsy, dir, 0o700)
	default:
		return err
	}
}

// newSetDir creates <state>/.hardshell/backups/<ID>/files, all 0700, with ID
// the UTC time and "-2", "-3"… on collision.
func newSetDir(fsy fsys.FS, stateDir string, now time.Time) (id, dir string, err error) {
	base := BackupsDir(stateDir)
	for _, d := range []string{filepath.Join(stateDir, toolDirName), base} {
		if err := ensurePrivateDir(fsy, d); err != nil {
			return "", "", err
		}
	}
	stamp := now.UTC().Format(idLayout)
	for n := 1; n < 1000; n++ {
		id = stamp
		if n > 1 {
			id = fmt.Sprintf("%s-%d", stamp, n)
		}
		dir = filepath.Join(base, id)
		err := fsy.Mkdir(dir, 0o700)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", "", &fs.PathError{Op: "mkdir", Path: dir, Err: unwrapPath(err)}
		}
		if err := chmodNoFollow(fsy, dir, 0o700); err != nil {
			return "", "", err
		}
		files := filepath.Join(dir, filesDirName)
		if err := fsy.Mkdir(files, 0o700); err != nil {
			return "", "", &fs.PathError{Op: "mkdir", Path: files, Err: unwrapPath(err)}
		}
		if err := chmodNoFollow(fsy, files, 0o700); err != nil {
			return "", "", err
		}
		return id, dir, nil
	}
	return "", "", fmt.Errorf("too many backup sets named %s in %s", stamp, base)
}

// backupName is the copy's name inside files/: "NN-<basename>.orig". Never
// "openclaw.json.bak*", which OpenClaw's backup ring deletes.
func backupName(i int, path string) string {
	return fmt.Sprintf("%02d-%s.orig", i+1, filepath.Base(path))
}

// writeManifest stores the set's manifest.json (0600) atomically (a temp
// file renamed over it, so a crash leaves the old state or the new one) and
// fsyncs the folder.
func writeManifest(fsy fsys.FS, set *BackupSet) error {
	data, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	return atomicWrite(fsy, filepath.Join(set.Dir, manifestName), data, 0o600, nil)
}

// Interrupted reports a set whose commit did not finish: its manifest is
// missing or still says "prepared".
func (b *BackupSet) Interrupted() bool {
	return b.State == StatePrepared || b.State == StateInterrupted
}

// ListBackups returns the state dir's backup sets, newest first. A set
// folder without a readable manifest is listed as interrupted (ID and time
// from its name, no entries); no backups is an empty list.
func ListBackups(stateDir string) ([]BackupSet, error) {
	base := BackupsDir(stateDir)
	ents, err := sys.ReadDir(base, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sets []BackupSet
	for _, e := range ents {
		if !e.Type.IsDir() {
			continue
		}
		set, err := LoadBackup(stateDir, e.Name)
		if err != nil {
			set = &BackupSet{ID: e.Name, State: StateInterrupted, Dir: filepath.Join(base, e.Name), CheckIDs: []string{}}
			stamp, _, _ := strings.Cut(e.Name, "-")
			if t, perr := time.Parse(idLayout, stamp); perr == nil {
				set.CreatedAt = t
			}
		}
		sets = append(sets, *set)
	}
	sort.SliceStable(sets, func(i, j int) bool {
		if !sets[i].CreatedAt.Equal(sets[j].CreatedAt) {
			return sets[i].CreatedAt.After(sets[j].CreatedAt)
		}
		return idOrder(sets[i].ID) > idOrder(sets[j].ID)
	})
	return sets, nil
}

// idOrder makes "…Z-10" sort after "…Z-9".
func idOrder(id string) string {
	stamp, n, ok := strings.Cut(id, "-")
	if !ok {
		n = "1"
	}
	return fmt.Sprintf("%s-%06s", stamp, n)
}

// LoadBackup reads one backup set's manifest.
func LoadBackup(stateDir, id string) (*BackupSet, error) {
	if id == "" || strings.ContainsAny(id, `/\`) || id == "." || id == ".." {
		return nil, fmt.Errorf("bad backup id %q", id)
	}
	dir := filepath.Join(BackupsDir(stateDir), id)
	data, err := sys.ReadFile(filepath.Join(dir, manifestName), fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
	if errors.Is(err, fs.ErrNotExist) {
		if fi, derr := sys.Lstat(dir); derr == nil && fi.IsDir() {
			return nil, &InterruptedError{ID: id, Dir: dir}
		}
		return nil, fmt.Errorf("no backup set %q in %s (see hardshell restore --list)", id, BackupsDir(stateDir))
	}
	if err != nil {
		return nil, err
	}
	var set BackupSet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, manifestName), err)
	}
	if set.ID != id {
		return nil, fmt.Errorf("%s: manifest id %q does not match its folder", filepath.Join(dir, manifestName), set.ID)
	}
	set.Dir = dir
	if set.State == "" {
		set.State = StateCommitted // written before sets recorded their state
	}
	return &set, nil
}

// InterruptedError is a backup set folder without a manifest: hardshell
// stopped while writing the backup, before it touched any file.
type InterruptedError struct{ ID, Dir string }

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("backup set %s was interrupted before its manifest was written, so no file was changed by it and there is nothing to restore; its copies in %s can be deleted", e.ID, e.Dir)
}
