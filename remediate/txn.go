package remediate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

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
}

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

// NewTxn starts a transaction on the state dir stateDir (where backups go
// and inside which symlinked files may be written through).
func NewTxn(stateDir string) *Txn {
	return &Txn{stateDir: absClean(stateDir), tracked: map[string]snap{}, now: time.Now}
}

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
	data, err := os.ReadFile(path)
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
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
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
	stateReal, serr := filepath.EvalSymlinks(t.stateDir)
	if serr != nil {
		stateReal = t.stateDir
	}
	if within(stateReal, real) {
		return real, nil
	}
	return "", &SymlinkError{Path: path, Target: real, StateDir: t.stateDir}
}

// DriftError is a refusal because a file changed on disk after it was read.
type DriftError struct {
	Path           string
	Before, Now    string // sha256 hex ("" = absent)
	ExistedBefore  bool
	ExistsNow      bool
	unreadableNote string
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
	if e.unreadableNote != "" {
		msg += " (" + e.unreadableNote + ")"
	}
	return msg
}

// checkDrift compares every written or removed file with what was tracked.
func (t *Txn) checkDrift() error {
	for _, c := range t.changes {
		if c.op == OpChmod {
			continue
		}
		s := t.tracked[c.path]
		data, err := os.ReadFile(c.path)
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
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("could not write %s: %v", e.Path, e.Err)
	if e.RolledBack {
		return msg + "; nothing was changed, every file is as it was"
	}
	return fmt.Sprintf("%s; putting the other files back also failed (%v): the originals are in %s, restore them with: hardshell restore %s",
		msg, e.RollbackErr, e.BackupDir, e.BackupID)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// planned is a change resolved against the disk, ready to apply.
type planned struct {
	change
	target string
	entry  BackupEntry
	before snap
}

// prepare resolves every change, drops no-ops and fills the backup entries.
func (t *Txn) prepare() ([]planned, error) {
	t.skipped = nil
	var out []planned
	for _, c := range t.changes {
		p := planned{change: c}
		switch c.op {
		case OpChmod:
			fi, err := os.Lstat(c.path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				t.skipped = append(t.skipped, Skipped{Path: c.path, Reason: "does not exist"})
				continue
			case err != nil:
				return nil, err
			case fi.Mode()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(c.path)
				t.skipped = append(t.skipped, Skipped{Path: c.path, Reason: "is a symlink (to " + target + "); modes are never changed through a symlink"})
				continue
			case !fi.Mode().IsRegular() && !fi.IsDir():
				t.skipped = append(t.skipped, Skipped{Path: c.path, Reason: errNotRegular.Error()})
				continue
			}
			if modeBits(fi.Mode()) == modeBits(c.mode) {
				continue
			}
			p.target = c.path
			uid, gid := ownerOf(fi)
			p.entry = BackupEntry{Path: c.path, Op: OpChmod, Existed: true,
				ModeBefore: Mode(modeBits(fi.Mode())), ModeAfter: Mode(modeBits(c.mode)), UID: uid, GID: gid}
		default:
			target, err := t.resolve(c.path)
			if err != nil {
				return nil, err
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
				fi, err := os.Lstat(target)
				if err != nil {
					return nil, err
				}
				if !fi.Mode().IsRegular() {
					return nil, fmt.Errorf("%s is not a regular file; nothing was written", target)
				}
				e.ModeBefore = Mode(modeBits(fi.Mode()))
				e.UID, e.GID = ownerOf(fi)
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

func ownerOf(fi fs.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}

// Commit applies the transaction. It returns the backup set written (nil
// when there was nothing to change) or an error: *DriftError (a file changed
// since it was read; nothing written), *SymlinkError (nothing written) or
// *ApplyError (a write failed; what was changed has been put back).
func (t *Txn) Commit(meta BackupMeta) (*BackupSet, error) {
	if err := t.checkDrift(); err != nil {
		return nil, err
	}
	plan, err := t.prepare()
	if err != nil {
		return nil, err
	}
	if len(plan) == 0 {
		return nil, nil
	}

	// 1. the backup set, complete and durable before anything changes
	id, dir, err := newSetDir(t.stateDir, t.now())
	if err != nil {
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	set := &BackupSet{ID: id, CreatedAt: t.now().UTC().Truncate(time.Second), ToolVersion: meta.ToolVersion,
		Command: meta.Command, CheckIDs: append([]string{}, meta.CheckIDs...), Skipped: t.skipped, Dir: dir}
	if set.CheckIDs == nil {
		set.CheckIDs = []string{}
	}
	fail := func(err error) (*BackupSet, error) {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("cannot create a backup, so nothing was written: %w", err)
	}
	for i := range plan {
		if plan[i].op != OpChmod && plan[i].before.existed {
			name := backupName(i, plan[i].target)
			if err := writeNewFile(filepath.Join(dir, filesDirName, name), plan[i].before.data, 0o600); err != nil {
				return fail(err)
			}
			plan[i].entry.Backup = filesDirName + "/" + name
		}
		set.Entries = append(set.Entries, plan[i].entry)
	}
	if err := syncDir(filepath.Join(dir, filesDirName)); err != nil {
		return fail(err)
	}
	if err := writeManifest(set); err != nil {
		return fail(err)
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return fail(err)
	}

	// 2. last drift check, as close to the writes as possible
	if err := t.checkDrift(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}

	// 3. apply; on error put back what was changed
	for i := range plan {
		if err := applyOne(&plan[i]); err != nil {
			ae := &ApplyError{Path: plan[i].target, Err: err, BackupID: id, BackupDir: dir}
			ae.RollbackErr = rollback(plan[:i+1])
			ae.RolledBack = ae.RollbackErr == nil
			if ae.RolledBack {
				_ = os.RemoveAll(dir)
			}
			return nil, ae
		}
	}

	// 4. verify what is on disk now
	for _, p := range plan {
		if p.op != OpWrite {
			continue
		}
		got, err := os.ReadFile(p.target)
		if err != nil || sha256Hex(got) != p.entry.SHA256After {
			return set, fmt.Errorf("%s does not hold what was written (changed by another program?); the original is in backup %s", p.target, id)
		}
	}
	return set, nil
}

func applyOne(p *planned) error {
	switch p.op {
	case OpChmod:
		return chmodNoFollow(p.target, fs.FileMode(p.entry.ModeAfter))
	case OpRemove:
		if err := sys.Remove(p.target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &fs.PathError{Op: "remove", Path: p.target, Err: unwrapPath(err)}
		}
		return syncDir(filepath.Dir(p.target))
	}
	var own *owner
	if p.entry.Existed || p.own != nil {
		own = &owner{uid: p.entry.UID, gid: p.entry.GID}
	}
	if !p.entry.Existed {
		if err := mkdirParents(filepath.Dir(p.target)); err != nil {
			return err
		}
	}
	return atomicWrite(p.target, p.data, fs.FileMode(p.entry.ModeAfter), own)
}

// mkdirParents creates missing folders (0700) above a new file.
func mkdirParents(dir string) error {
	if _, err := os.Lstat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := mkdirParents(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := sys.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: unwrapPath(err)}
	}
	return nil
}

// rollback puts back the files of applied (the last one possibly half
// applied), newest first.
func rollback(applied []planned) error {
	var errs []error
	for i := len(applied) - 1; i >= 0; i-- {
		p := applied[i]
		switch p.op {
		case OpChmod:
			if fi, err := os.Lstat(p.target); err == nil && modeBits(fi.Mode()) != fs.FileMode(p.entry.ModeBefore) {
				if err := chmodNoFollow(p.target, fs.FileMode(p.entry.ModeBefore)); err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		cur, err := os.ReadFile(p.target)
		exists := err == nil
		if !p.before.existed {
			if exists {
				if err := sys.Remove(p.target); err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		fi, _ := os.Lstat(p.target)
		if exists && bytes.Equal(cur, p.before.data) && fi != nil && modeBits(fi.Mode()) == fs.FileMode(p.entry.ModeBefore) {
			continue
		}
		own := &owner{uid: p.entry.UID, gid: p.entry.GID}
		if err := atomicWrite(p.target, p.before.data, fs.FileMode(p.entry.ModeBefore), own); err != nil {
			errs = append(errs, err)
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
		fi, err := os.Lstat(c.path)
		switch c.op {
		case OpChmod:
			pc.ModeAfter = modeBits(c.mode)
			switch {
			case err != nil:
				pc.Skip = "does not exist"
			case fi.Mode()&fs.ModeSymlink != 0:
				pc.Skip = "symlink, never followed"
			default:
				pc.ModeBefore = modeBits(fi.Mode())
				if pc.ModeBefore == pc.ModeAfter {
					continue
				}
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
