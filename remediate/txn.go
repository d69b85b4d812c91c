package remediate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// Txn is one all-or-nothing change to a set of files: whole-file writes,
// removals and mode changes. Use it as:
//
//	t := NewTxn(stateDir)
//	t.Track(configPath, snapshotBytes) // what the audit read
//	t.Write(configPath, newBytes, 0o600, "bind gateway to loopback")
//	t.Chmod(model.Chmod{Path: credDir, Mode: 0o700})
//	fmt.Print(t.Diff())                // review, secrets masked
//	set, err := t.Commit(BackupMeta{Command: "fix", ToolVersion: v})
//
// Commit refuses if any file changed since it was read, backs every touched
// file up under <state>/.hardshell/backups/<ID>/, writes each file
// atomically (keeping mode and owner), and on any error puts back what it
// had already changed. See docs/safety.md.
type Txn struct {
	stateDir string
	tracked  map[string]snap
	changes  []change
	skipped  []Skipped
	now      func() time.Time
	fs       fsys.FS          // nil = sys
	inputs   []*fsys.Recorder // every file the plan was derived from
	roots    []string         // the only folders hardshell changes anything in (the state dir, the config's folder)
	managed  model.ManagedOptions
}

// SetManagedOptions says where /proc and the Nix store are for the
// managed-file check every write passes (tests; zero = the system's).
func (t *Txn) SetManagedOptions(o model.ManagedOptions) { t.managed = o }

// snap is what was read from a path before the change.
type snap struct {
	existed bool
	data    []byte
}

type change struct {
	op         Op // OpWrite (create or replace), OpChmod or OpRemove
	path       string
	data       []byte
	createMode fs.FileMode
	forceMode  *fs.FileMode // set this mode instead of keeping the old one (restore)
	own        *owner       // owner for a created file (restore, as root)
	mode       fs.FileMode  // OpChmod: the wanted mode
	reason     string
}

// NewTxn starts a transaction on the state dir stateDir: backups go there,
// and files are written, removed and chmodded only inside it (and the
// folders added with AllowIn); symlinked files are written through only to
// a target inside it.
func NewTxn(stateDir string) *Txn {
	sd := absClean(stateDir)
	return &Txn{stateDir: sd, tracked: map[string]snap{}, now: time.Now, roots: []string{sd}}
}

func (t *Txn) sys() fsys.FS {
	if t.fs != nil {
		return t.fs
	}
	return sys
}

// TrackInputs makes every file read through r (the snapshot's recorder: the
// config, its includes, .env, the stores, unit files…) an input of the
// commit: each is re-read under the lock just before the first rename, and
// the commit refuses if any of them no longer reads as it did.
func (t *Txn) TrackInputs(r *fsys.Recorder) {
	if r != nil {
		t.inputs = append(t.inputs, r)
	}
}

// AllowIn lets the transaction write and change modes inside dir too (the
// config's own folder when the config lives outside the state dir).
func (t *Txn) AllowIn(dir string) {
	if dir != "" {
		t.roots = append(t.roots, absClean(dir))
	}
}

// readOpts is how the transaction reads the files it writes.
var readOpts = fsys.ReadOptions{MaxSize: fsys.MaxConfig}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// Track records the bytes that were read from path (the snapshot the
// change was computed from). Commit refuses if the file no longer holds
// exactly these bytes.
func (t *Txn) Track(path string, original []byte) {
	t.tracked[absClean(path)] = snap{existed: true, data: bytes.Clone(original)}
}

// TrackMissing records that path did not exist when it was read. Commit
// refuses if it exists by then.
func (t *Txn) TrackMissing(path string) {
	t.tracked[absClean(path)] = snap{}
}

// snapshotOf returns the tracked state of path, reading it now when it was
// not tracked.
func (t *Txn) snapshotOf(path string) snap {
	if s, ok := t.tracked[path]; ok {
		return s
	}
	data, err := t.sys().ReadFile(path, readOpts)
	s := snap{existed: err == nil, data: data}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// unreadable: track as existing with unknown content so that the
		// drift check at commit reports it clearly
		s = snap{existed: true, data: nil}
	}
	t.tracked[path] = s
	return s
}

// Write replaces the whole content of path with data. An existing file keeps
// its mode and owner; a new file is created with createMode (0600 when 0).
// A later Write to the same path replaces an earlier one.
func (t *Txn) Write(path string, data []byte, createMode fs.FileMode, reason string) {
	p := absClean(path)
	t.snapshotOf(p)
	t.put(change{op: OpWrite, path: p, data: bytes.Clone(data), createMode: createMode, reason: reason})
}

// remove deletes path (used by Restore to undo a created file).
func (t *Txn) remove(path, reason string) {
	p := absClean(path)
	t.snapshotOf(p)
	t.put(change{op: OpRemove, path: p, reason: reason})
}

func (t *Txn) put(c change) {
	for i, old := range t.changes {
		if old.path == c.path && old.op != OpChmod && c.op != OpChmod {
			t.changes[i] = c
			return
		}
	}
	t.changes = append(t.changes, c)
}

// Chmod sets the mode of c.Path. A symlink is never followed: it is skipped
// and reported in Skipped (and the backup manifest).
func (t *Txn) Chmod(c model.Chmod) {
	p := absClean(c.Path)
	for i, old := range t.changes {
		if old.op == OpChmod && old.path == p {
			t.changes[i].mode = c.Mode
			return
		}
	}
	t.changes = append(t.changes, change{op: OpChmod, path: p, mode: c.Mode, reason: c.Reason})
}

// Apply adds a model.ChangeSet's chmods and whole-file writes. Config edits
// (cs.Edits) are rendered by the caller (model.Document.Apply) and added
// with Track + Write.
func (t *Txn) Apply(cs model.ChangeSet) {
	for _, w := range cs.Writes {
		t.Write(w.Path, w.Data, w.Mode, w.Reason)
	}
	for _, c := range cs.Chmods {
		t.Chmod(c)
	}
}

// Skipped lists the changes the last Commit did not make, and why.
func (t *Txn) Skipped() []Skipped { return t.skipped }

// rel names path relative to the state dir, or absolute when outside it.
func (t *Txn) rel(path string) string {
	if r, err := filepath.Rel(t.stateDir, path); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return path
}

// InsideDir reports whether path lies in dir (or is dir), judged with the
// symlinks of dir and of path's folder resolved: the rule by which the
// transaction refuses writes outside its roots, for planners that turn
// such a file into a manual step instead.
func InsideDir(dir, path string) bool {
	real := func(p string) string {
		if r, err := sys.EvalSymlinks(p); err == nil { // the target's file system (--host)
			return r
		}
		return filepath.Clean(p)
	}
	path = absClean(path)
	return within(real(absClean(dir)), filepath.Join(real(filepath.Dir(path)), filepath.Base(path)))
}

// within reports whether path is dir or below it.
func within(dir, path string) bool {
	r, err := filepath.Rel(dir, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

// SymlinkError is a refused write through a symlink whose target is outside
// the state dir.
type SymlinkError struct {
	Path, Target, StateDir string
}

func (e *SymlinkError) Error() string {
	return fmt.Sprintf("%s is a symlink to %s, which is outside the state dir %s; hardshell writes through a symlink only when its target is inside the state dir, so nothing was written (edit %s yourself, or replace the link with a regular file)",
		e.Path, e.Target, e.StateDir, e.Target)
}

// resolve applies the symlink rule: a path with no symlink in it is written
// as is; a path that is or passes through a symlink is written at its
// resolved target only when that target is inside the (resolved) state dir.
func (t *Txn) resolve(path string) (string, error) {
	real, err := t.sys().EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		if fi, lerr := t.sys().Lstat(path); lerr == nil && fi.IsSymlink() {
			target, _ := t.sys().Readlink(path)
			return "", fmt.Errorf("%s is a dangling symlink (to %s); nothing was written", path, target)
		}
		// a new file: resolve the nearest existing parent
		dir, base := filepath.Split(path)
		parent, perr := t.resolve(filepath.Clean(dir))
		if perr != nil {
			if errors.Is(perr, fs.ErrNotExist) {
				return path, nil
			}
			return "", perr
		}
		real = filepath.Join(parent, base)
		err = nil
	}
	if err != nil {
		return "", err
	}
	if real == path {
		return path, nil
	}
	stateReal, serr := t.sys().EvalSymlinks(t.stateDir)
	if serr != nil {
		stateReal = t.stateDir
	}
	if within(stateReal, real) {
		return real, nil
	}
	return "", &SymlinkError{Path: path, Target: real, StateDir: t.stateDir}
}

// OutsideError is a refused write or removal of a file outside the state
// dir (and the config's folder): hardshell changes nothing outside them.
type OutsideError struct {
	Path  string
	Roots []string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s is outside the state dir (%s); hardshell changes nothing outside it, so nothing was written — change that file yourself",
		e.Path, strings.Join(e.Roots, ", "))
}

// inside reports whether path (never followed itself) is one of the roots
// or lies in one, judged by its resolved parent folder.
func (t *Txn) inside(path string) bool {
	real := func(p string) string {
		if r, err := t.sys().EvalSymlinks(p); err == nil {
			return r
		}
		return p
	}
	parent := real(filepath.Dir(path))
	for _, root := range t.roots {
		if path == root {
			return true
		}
		if rr := real(root); parent == rr || within(rr, parent) {
			return true
		}
	}
	return false
}

// chmodSkip says why a mode change at path is not made ("" = it is made):
// only regular files and folders inside the state dir (or the config's
// folder) whose link count is 1, never through a symlink. Anything else is
// reported with the command to run by hand.
func (t *Txn) chmodSkip(path string, fi fsys.Info, mode fs.FileMode) string {
	manual := fmt.Sprintf("chmod %s %s", formatMode(mode)[1:], ShellQuote(path))
	switch {
	case fi.IsSymlink():
		target, _ := t.sys().Readlink(path)
		return "is a symlink (to " + target + "); modes are never changed through a symlink"
	case !fi.IsRegular() && !fi.IsDir():
		return errNotRegular.Error() + " (" + fsys.KindOf(fi.Mode) + ")"
	case !t.inside(path):
		return "is outside the state dir, so hardshell leaves it alone; if it is yours, run: " + manual
	case fi.IsRegular() && fi.Nlink > 1:
		return fmt.Sprintf("has %d hard links (another name of it may be outside the state dir), so hardshell leaves it alone; check them, then run: %s", fi.Nlink, manual)
	}
	return ""
}

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"$`\\*?[]()&;|<>!{}~#") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// DriftError is a refusal because a file changed on disk after it was read.
type DriftError struct {
	Path           string
	Before, Now    string // sha256 hex ("" = absent)
	ExistedBefore  bool
	ExistsNow      bool
	unreadableNote string
	input          bool // a file the plan was derived from, not one it writes
}

func (e *DriftError) Error() string {
	what := "changed on disk"
	switch {
	case e.ExistedBefore && !e.ExistsNow:
		what = "was deleted"
	case !e.ExistedBefore && e.ExistsNow:
		what = "was created"
	}
	msg := fmt.Sprintf("%s %s since hardshell read it (perhaps the gateway saved it); nothing was written — re-run to review the change against the current file", e.Path, what)
	if e.input {
		msg = fmt.Sprintf("%s %s since hardshell read it, and the change was planned from it; nothing was written — re-run to plan against the current files", e.Path, what)
	}
	if e.unreadableNote != "" {
		msg += " (" + e.unreadableNote + ")"
	}
	return msg
}

// checkDrift compares every written or removed file with what was tracked,
// then re-reads every input of the plan.
func (t *Txn) checkDrift() error {
	for _, c := range t.changes {
		if c.op == OpChmod {
			continue
		}
		s := t.tracked[c.path]
		data, err := t.sys().ReadFile(c.path, readOpts)
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot re-read %s before writing: %w; nothing was written", c.path, unwrapPath(err))
		}
		if exists != s.existed || (exists && !bytes.Equal(data, s.data)) {
			de := &DriftError{Path: c.path, ExistedBefore: s.existed, ExistsNow: exists}
			if s.existed {
				de.Before = sha256Hex(s.data)
			}
			if exists {
				de.Now = sha256Hex(data)
			}
			if s.existed && s.data == nil {
				de.unreadableNote = "it could not be read when the change was planned"
			}
			return de
		}
	}
	for _, r := range t.inputs {
		if err := fsys.Verify(t.sys(), r.Inputs()); err != nil {
			var ce *fsys.ChangedError
			if errors.As(err, &ce) {
				return &DriftError{Path: ce.Path, ExistedBefore: ce.Before != "absent", ExistsNow: ce.Now != "absent", input: true}
			}
			return err
		}
	}
	return nil
}

// ApplyError is a failed commit. RolledBack says whether every file was
// put back as it was.
type ApplyError struct {
	Path        string
	Err         error
	RolledBack  bool
	RollbackErr error
	BackupID    string
	BackupDir   string
	// Undo is the command that puts the originals back, filled by the
	// front end that knows how it was run (over --host it names the
	// host); empty, the message names the local command.
	Undo string
	// Files says what each file of the change holds now, when putting
	// them back failed too (a dropped connection, say).
	Files []FileNow
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("could not write %s: %v", e.Path, e.Err)
	if e.RolledBack {
		return msg + "; nothing was changed, every file is as it was"
	}
	return fmt.Sprintf("%s; putting the other files back also failed (%v)%s: the originals are in %s, restore them with: %s",
		msg, e.RollbackErr, holdsNow(e.Files), e.BackupDir, undoCommand(e.Undo, e.BackupID))
}

func (e *ApplyError) Unwrap() error { return e.Err }

// undoCommand is the restore command of backup id: the front end's when it
// gave one, else the local form.
func undoCommand(undo, id string) string {
	if undo != "" {
		return undo
	}
	return "hardshell restore " + id
}

// CommitUnknownError is a database commit whose SQLite went away during
// the COMMIT (the remote's node:sqlite over a dropped connection): the DB
// holds the old rows or the new ones, and backup BackupID, kept as
// interrupted, puts the old ones back if the new ones are there.
type CommitUnknownError struct {
	Path     string
	Err      error
	BackupID string
	// Undo is the restore command, as ApplyError.Undo.
	Undo string
}

func (e *CommitUnknownError) Error() string {
	return fmt.Sprintf("%s: the connection to its SQLite ended during the commit (%v): the DB holds either the old rows or the new ones, never a mix; backup %s (listed as interrupted) puts the old ones back if the new ones are there: %s",
		e.Path, e.Err, e.BackupID, undoCommand(e.Undo, e.BackupID))
}

func (e *CommitUnknownError) Unwrap() error { return e.Err }

// planned is a change resolved against the disk, ready to apply.
type planned struct {
	change
	target string
	entry  BackupEntry
	before snap
	staged *staged // the new bytes in their temp file, waiting for the rename
}

// prepare resolves every change, drops no-ops and fills the backup entries.
func (t *Txn) prepare() ([]planned, error) {
	t.skipped = nil
	var out []planned
	for _, c := range t.changes {
		p := planned{change: c}
		switch c.op {
		case OpChmod:
			fi, err := t.sys().Lstat(c.path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				t.skipped = append(t.skipped, Skipped{Path: c.path, Reason: "does not exist"})
				continue
			case err != nil:
				return nil, err
			case modeBits(fi.Mode) == modeBits(c.mode) && !fi.IsSymlink():
				continue
			}
			if why := t.chmodSkip(c.path, fi, c.mode); why != "" {
				t.skipped = append(t.skipped, Skipped{Path: c.path, Reason: why})
				continue
			}
			p.target = c.path
			p.entry = BackupEntry{Path: c.path, Op: OpChmod, Existed: true,
				ModeBefore: Mode(modeBits(fi.Mode)), ModeAfter: Mode(modeBits(c.mode)), UID: fi.UID, GID: fi.GID}
		default:
			target, err := t.resolve(c.path)
			if err != nil {
				return nil, err
			}
			if c.op == OpWrite && t.tracked[c.path].existed {
				// the last word: whatever path led here (Prepare refuses
				// first, with the change for the source), a generated file
				// is never written
				if m := model.DetectManaged(t.sys(), c.path, t.tracked[c.path].data, t.managed); m != nil {
					return nil, &model.ManagedError{Managed: *m}
				}
			}
			if !t.inside(target) {
				return nil, &OutsideError{Path: target, Roots: t.roots}
			}
			p.target = target
			p.before = t.tracked[c.path]
			if c.op == OpRemove && !p.before.existed {
				continue
			}
			if c.op == OpWrite && p.before.existed && bytes.Equal(p.before.data, c.data) && c.forceMode == nil {
				continue
			}
			e := BackupEntry{Path: target, Op: c.op, Existed: p.before.existed}
			if p.before.existed {
				fi, err := t.sys().Lstat(target)
				if err != nil {
					return nil, err
				}
				if !fi.IsRegular() {
					return nil, fmt.Errorf("%s is not a regular file; nothing was written", target)
				}
				e.ModeBefore = Mode(modeBits(fi.Mode))
				e.UID, e.GID = fi.UID, fi.GID
				e.SHA256Before = sha256Hex(p.before.data)
			}
			switch {
			case c.op == OpRemove:
			case c.forceMode != nil:
				e.ModeAfter = Mode(modeBits(*c.forceMode))
			case p.before.existed:
				e.ModeAfter = e.ModeBefore
			default:
				e.Op = OpCreate
				m := c.createMode
				if m == 0 {
					m = 0o600
				}
				e.ModeAfter = Mode(modeBits(m))
			}
			if c.op == OpWrite {
				if p.before.existed && bytes.Equal(p.before.data, c.data) && e.ModeAfter == e.ModeBefore {
					continue
				}
				e.SHA256After = sha256Hex(c.data)
			}
			if !p.before.existed && c.own != nil {
				e.UID, e.GID = c.own.uid, c.own.gid
			}
			p.entry = e
		}
		p.entry.Rel = t.rel(p.entry.Path)
		p.entry.Reason = c.reason
		out = append(out, p)
	}
	return out, nil
}

// Commit applies the transaction under the state dir's lock (taken here
// unless the caller already holds it). It returns the backup set written
// (nil when there was nothing to change) or an error: *LockError (another
// hardshell is writing; nothing written), *DriftError (a file written or a
// file the plan was derived from changed since it was read; nothing
// written), *SymlinkError or *OutsideError (nothing written) or *ApplyError (a write failed;
// what was changed has been put back).
func (t *Txn) Commit(meta BackupMeta) (*BackupSet, error) {
	fsy := t.sys()
	// A commit that turns out to change nothing leaves no .hardshell
	// folder behind: lock without creating it first, and create it (and
	// check everything again under the lock) only when there is a change.
	lock, err := t.lock(false)
	if err != nil {
		return nil, err
	}
	defer func() { lock.Unlock() }()
	plan, err := t.checkAndPrepare()
	if err != nil || len(plan) == 0 {
		return nil, err
	}
	if lock == nil {
		if lock, err = t.lock(true); err != nil {
			return nil, err
		}
		if plan, err = t.checkAndPrepare(); err != nil || len(plan) == 0 {
			return nil, err
		}
	}
	// Under the lock no other hardshell is half-way through a write, so
	// any temp file of ours beside a target was left by a crash.
	removeStaleTemps(fsy, plan)

	// 1. the backup set, complete and durable before anything changes; its
	// manifest says "prepared" until every change is on disk
	id, dir, err := newSetDir(fsy, t.stateDir, t.now())
	if err != nil {
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	set := &BackupSet{ID: id, State: StatePrepared, CreatedAt: t.now().UTC().Truncate(time.Second), ToolVersion: meta.ToolVersion,
		Command: meta.Command, CheckIDs: append([]string{}, meta.CheckIDs...), Skipped: t.skipped, Dir: dir}
	if set.CheckIDs == nil {
		set.CheckIDs = []string{}
	}
	discard := func() { removeSet(fsy, dir) }
	fail := func(err error) (*BackupSet, error) {
		discard()
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	for i := range plan {
		if plan[i].op != OpChmod && plan[i].before.existed {
			name := backupName(i, plan[i].target)
			if err := writeNewFile(fsy, filepath.Join(dir, filesDirName, name), plan[i].before.data, 0o600); err != nil {
				return fail(err)
			}
			plan[i].entry.Backup = filesDirName + "/" + name
		}
		set.Entries = append(set.Entries, plan[i].entry)
	}
	if err := syncDir(fsy, filepath.Join(dir, filesDirName)); err != nil {
		return fail(err)
	}
	if err := writeManifest(fsy, set); err != nil {
		return fail(err)
	}
	if err := syncDir(fsy, filepath.Dir(dir)); err != nil {
		return fail(err)
	}

	// 2. every new version of an existing file written to its temp file
	// and fsync'ed, so that the window between the last drift check and
	// the renames holds no slow step
	abortStaged := func() {
		for i := range plan {
			if plan[i].staged != nil {
				plan[i].staged.abort()
				plan[i].staged = nil
			}
		}
	}
	for i := range plan {
		if plan[i].op != OpWrite || !plan[i].entry.Existed {
			continue
		}
		st, err := stageWrite(fsy, plan[i].target, plan[i].data, fs.FileMode(plan[i].entry.ModeAfter), &owner{uid: plan[i].entry.UID, gid: plan[i].entry.GID})
		if err != nil {
			abortStaged()
			discard()
			return nil, &ApplyError{Path: plan[i].target, Err: err, RolledBack: true}
		}
		plan[i].staged = st
	}

	// 3. last drift check over every file written and every input, right
	// before the first rename
	if err := t.checkDrift(); err != nil {
		abortStaged()
		discard()
		return nil, err
	}

	// 4. apply; on error put back what was changed
	for i := range plan {
		if err := applyOne(fsy, &plan[i]); err != nil {
			abortStaged()
			ae := &ApplyError{Path: plan[i].target, Err: err, BackupID: id, BackupDir: dir}
			ae.RollbackErr = rollback(fsy, plan[:i+1])
			ae.RolledBack = ae.RollbackErr == nil
			if ae.RolledBack {
				discard()
			} else {
				ae.Files = filesAfterFailure(plan, i, err, ae.RollbackErr)
			}
			return nil, ae
		}
	}

	// 5. the set is a committed change now
	set.State = StateCommitted
	if err := writeManifest(fsy, set); err != nil {
		return set, fmt.Errorf("the change is written, but backup %s could not be marked committed (%v); hardshell restore --list will show it as interrupted", id, err)
	}

	// 6. verify what is on disk now
	for _, p := range plan {
		if p.op != OpWrite {
			continue
		}
		got, err := fsy.ReadFile(p.target, readOpts)
		if err != nil || sha256Hex(got) != p.entry.SHA256After {
			return set, fmt.Errorf("%s does not hold what was written (changed by another program?); the original is in backup %s", p.target, id)
		}
	}
	return set, nil
}

// lock takes the state dir's lock; without create, only when
// <state>/.hardshell exists (nil otherwise).
func (t *Txn) lock(create bool) (*StateLock, error) {
	if !create {
		fi, err := t.sys().Lstat(filepath.Join(t.stateDir, toolDirName))
		if err != nil || !fi.IsDir() {
			return nil, nil
		}
	}
	return lockOn(t.sys(), t.stateDir, create)
}

// checkAndPrepare is the drift check and the resolved plan.
func (t *Txn) checkAndPrepare() ([]planned, error) {
	if err := t.checkDrift(); err != nil {
		return nil, err
	}
	return t.prepare()
}

// removeSet deletes a backup set that was never used (the commit stopped
// before changing anything, or put everything back).
func removeSet(fsy fsys.FS, dir string) {
	for _, sub := range []string{filesDirName, ""} {
		d := filepath.Join(dir, sub)
		ents, _ := fsy.ReadDir(d, false)
		for _, e := range ents {
			if !e.Type.IsDir() {
				_ = fsy.Remove(filepath.Join(d, e.Name))
			}
		}
	}
	_ = fsy.Remove(filepath.Join(dir, filesDirName))
	_ = fsy.Remove(dir)
}

// removeStaleTemps deletes hardshell temp files (".<name>.hardshell-*.tmp",
// regular, owned by this user, never through a link) in the folders the
// plan writes to: they were left by a hardshell killed mid-write.
func removeStaleTemps(fsy fsys.FS, plan []planned) {
	seen := map[string]bool{}
	uid := fsys.EUID(fsy) // the remote login's over --host
	for _, p := range plan {
		if p.op == OpChmod {
			continue
		}
		dir := filepath.Dir(p.target)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		ents, err := fsy.ReadDir(dir, true)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if fsys.IsTempName(e.Name) && e.Info != nil && e.Info.IsRegular() && e.Info.UID == uid {
				_ = fsy.Remove(filepath.Join(dir, e.Name))
			}
		}
	}
}

func applyOne(fsy fsys.FS, p *planned) error {
	switch p.op {
	case OpChmod:
		return chmodNoFollow(fsy, p.target, fs.FileMode(p.entry.ModeAfter))
	case OpRemove:
		if err := fsy.Remove(p.target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &fs.PathError{Op: "remove", Path: p.target, Err: unwrapPath(err)}
		}
		return syncDir(fsy, filepath.Dir(p.target))
	}
	if p.staged != nil {
		st := p.staged
		p.staged = nil
		return st.commit()
	}
	var own *owner
	if p.entry.Existed || p.own != nil {
		own = &owner{uid: p.entry.UID, gid: p.entry.GID}
	}
	if !p.entry.Existed {
		if err := mkdirParents(fsy, filepath.Dir(p.target)); err != nil {
			return err
		}
	}
	return atomicWrite(fsy, p.target, p.data, fs.FileMode(p.entry.ModeAfter), own)
}

// mkdirParents creates missing folders (0700) above a new file.
func mkdirParents(fsy fsys.FS, dir string) error {
	if _, err := fsy.Lstat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := mkdirParents(fsy, filepath.Dir(dir)); err != nil {
		return err
	}
	if err := fsy.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: unwrapPath(err)}
	}
	return nil
}

// rollback puts back the files of applied (the last one possibly half
// applied), newest first.
func rollback(fsy fsys.FS, applied []planned) error {
	var errs []error
	for i := len(applied) - 1; i >= 0; i-- {
		p := applied[i]
		switch p.op {
		case OpChmod:
			if fi, err := fsy.Lstat(p.target); err == nil && modeBits(fi.Mode) != fs.FileMode(p.entry.ModeBefore) {
				if err := chmodNoFollow(fsy, p.target, fs.FileMode(p.entry.ModeBefore)); err != nil {
					errs = append(errs, &rollbackError{path: p.target, err: err})
				}
			}
			continue
		}
		cur, err := fsy.ReadFile(p.target, readOpts)
		exists := err == nil
		if !p.before.existed {
			if exists {
				if err := fsy.Remove(p.target); err != nil {
					errs = append(errs, &rollbackError{path: p.target, err: err})
				}
			}
			continue
		}
		fi, ferr := fsy.Lstat(p.target)
		if exists && bytes.Equal(cur, p.before.data) && ferr == nil && modeBits(fi.Mode) == fs.FileMode(p.entry.ModeBefore) {
			continue
		}
		own := &owner{uid: p.entry.UID, gid: p.entry.GID}
		if err := atomicWrite(fsy, p.target, p.before.data, fs.FileMode(p.entry.ModeBefore), own); err != nil {
			errs = append(errs, &rollbackError{path: p.target, err: err})
		}
	}
	return errors.Join(errs...)
}

// PlannedChange is one line of a preview: what Commit would do to a path.
type PlannedChange struct {
	Path       string
	Rel        string
	Op         Op
	ModeBefore fs.FileMode
	ModeAfter  fs.FileMode
	Reason     string
	Skip       string // why it will be skipped, if it will
}

func (p PlannedChange) String() string {
	s := fmt.Sprintf("%-6s %s", p.Op, p.Rel)
	if p.Op == OpChmod {
		s = fmt.Sprintf("chmod  %s %s → %s", p.Rel, formatMode(p.ModeBefore), formatMode(p.ModeAfter))
	}
	if p.Skip != "" {
		s += " (skipped: " + p.Skip + ")"
	} else if p.Reason != "" {
		s += " — " + p.Reason
	}
	return s
}

// Plan previews the changes without writing anything (no drift check; that
// happens at Commit). Skipped chmods (symlinks, missing paths) are included
// with Skip set.
func (t *Txn) Plan() []PlannedChange {
	var out []PlannedChange
	for _, c := range t.changes {
		pc := PlannedChange{Path: c.path, Rel: t.rel(c.path), Op: c.op, Reason: c.reason}
		fi, err := t.sys().Lstat(c.path)
		switch c.op {
		case OpChmod:
			pc.ModeAfter = modeBits(c.mode)
			switch {
			case err != nil:
				pc.Skip = "does not exist"
			case fi.IsSymlink():
				pc.Skip = "symlink, never followed"
			default:
				pc.ModeBefore = modeBits(fi.Mode)
				if pc.ModeBefore == pc.ModeAfter {
					continue
				}
				pc.Skip = t.chmodSkip(c.path, fi, c.mode)
			}
		case OpWrite:
			s := t.tracked[c.path]
			if s.existed && bytes.Equal(s.data, c.data) {
				continue
			}
			if !s.existed {
				pc.Op = OpCreate
			}
		}
		out = append(out, pc)
	}
	return out
}
