package remediate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// Prepared is a validated candidate change: the rendered files, the diff to
// review, and the transaction that will write it.
type Prepared struct {
	Snapshot  *model.Snapshot
	Changes   model.ChangeSet
	Files     map[string][]byte // new bytes of each changed config file
	Candidate *model.Snapshot   // the snapshot as it will be after the write
	Txn       *Txn
	// Fixed are the check ids the change set claims to fix that are gone
	// from the candidate's audit.
	Fixed []string
}

// ValidationError is a candidate that fails validation: nothing is written.
// Still lists the claimed check ids the candidate's audit still reports
// (Reasons then holds the one sentence naming them).
type ValidationError struct {
	Reasons []string
	Still   []string
}

func (e *ValidationError) Error() string {
	return "the change was not written: " + strings.Join(e.Reasons, "; ")
}

// Validator checks a candidate config before it is written (the real
// `openclaw config validate` when the CLI is installed). It returns the
// messages of a failed validation, or nil.
type Validator func(configPath string, files map[string][]byte) ([]string, error)

// PrepareInput is what Prepare works from.
type PrepareInput struct {
	Snapshot *model.Snapshot
	// Before is the audit of Snapshot the change was planned from (every
	// writing command has it); nil = audited here when the change claims
	// check ids.
	Before   *audit.Report
	Changes  model.ChangeSet
	Validate Validator
}

// Prepare is PrepareWith without a before-report.
func Prepare(ctx context.Context, s *model.Snapshot, cs model.ChangeSet, validate Validator) (*Prepared, error) {
	return PrepareWith(ctx, PrepareInput{Snapshot: s, Changes: cs, Validate: validate})
}

// PrepareWith renders the change set against the snapshot, re-parses and
// re-audits the candidate, and builds the transaction (not yet committed).
// It refuses a candidate that does not parse, still shows a finding the
// change set claims to fix, or fails validate. The snapshot is not read
// again: the files under the lock are compared with what it read when the
// transaction commits.
func PrepareWith(ctx context.Context, in PrepareInput) (*Prepared, error) {
	s, cs, validate := in.Snapshot, in.Changes, in.Validate
	if s.Doc == nil && len(cs.Edits) > 0 {
		return nil, fmt.Errorf("the config could not be read, so it cannot be edited: %v", s.DocErr)
	}
	cs, err := renderEnv(s, cs)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Snapshot: s, Changes: cs, Files: map[string][]byte{}}
	var editsOf map[string][]int // the edits that change each file
	cand := *s
	if err := refuseManaged(s, cs, nil); err != nil {
		return nil, err
	}
	if len(cs.Edits) > 0 {
		files, by, err := s.Doc.ApplyByFile(cs.Edits)
		if err != nil {
			return nil, err
		}
		editsOf = by
		if err := refuseManaged(s, cs, files); err != nil {
			return nil, err
		}
		p.Files = files
		nd, err := s.Doc.WithFiles(files)
		if err != nil {
			return nil, &ValidationError{Reasons: []string{"the edited config does not parse: " + err.Error()}}
		}
		cand.Doc = nd
	}
	cand.FS = withModes(s.FS, cs.Chmods)
	cand.Env = withDotenv(s, cs.Writes)
	p.Candidate = &cand

	claimed := claimedIDs(cs)
	if len(claimed) > 0 {
		before := in.Before
		if before == nil {
			var err error
			if before, err = audit.Run(ctx, s, audit.Options{DeclaredFixes: true}); err != nil {
				return nil, err
			}
		}
		after, err := audit.Run(ctx, &cand, audit.Options{DeclaredFixes: true})
		if err != nil {
			return nil, err
		}
		was := map[string]bool{}
		for _, f := range before.Findings {
			was[f.CheckID] = true
		}
		still := map[string]bool{}
		for _, f := range after.Findings {
			still[f.CheckID] = true
		}
		var left []string
		for _, id := range claimed {
			switch {
			case still[id] && was[id]:
				left = append(left, id)
			case was[id]:
				p.Fixed = append(p.Fixed, id)
			}
		}
		if len(left) > 0 {
			return nil, &ValidationError{Reasons: []string{"after the change the audit still reports " + strings.Join(left, ", ")}, Still: left}
		}
	}
	if validate != nil && len(p.Files) > 0 {
		msgs, err := validate(s.Target.ConfigPath, p.Files)
		if err != nil {
			return nil, err
		}
		if len(msgs) > 0 {
			return nil, &ValidationError{Reasons: msgs}
		}
	}
	t := NewTxn(s.Target.StateDir)
	t.SetManagedOptions(s.ManagedOpts)
	t.TrackInputs(s.Reads)
	if s.Target.ConfigPath != "" {
		t.AllowIn(filepath.Dir(s.Target.ConfigPath))
	}
	if s.Doc != nil {
		for _, f := range s.Doc.Files {
			t.Track(f.Path, f.Data)
		}
	}
	paths := make([]string, 0, len(p.Files))
	for path := range p.Files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		t.Write(path, p.Files[path], 0o600, reasonFor(cs, editsOf[path]))
	}
	t.Apply(cs)
	p.Txn = t
	return p, nil
}

// Diff is the reviewable, masked diff of every file.
func (p *Prepared) Diff() string { return p.Txn.DiffWith(p.Snapshot.Redact()) }

// renderEnv folds the change set's .env variables (cs.Env) into one write
// of <state>/.env, rendered onto the bytes the snapshot read (or onto a
// whole-file write of .env the change set already has), so several fixes
// that each store a variable all land. The result has no Env left.
func renderEnv(s *model.Snapshot, cs model.ChangeSet) (model.ChangeSet, error) {
	if len(cs.Env) == 0 {
		return cs, nil
	}
	path := s.DotenvPath()
	at := -1
	for i, w := range cs.Writes {
		if filepath.Clean(w.Path) == path {
			at = i
		}
	}
	var data []byte
	w := model.FileWrite{Path: path, Mode: 0o600}
	if at >= 0 {
		w = cs.Writes[at]
		data = w.Data
	} else {
		var err error
		if data, err = s.Dotenv("hardshell does not write through it (move the file into the state dir and re-run)"); err != nil {
			return cs, err
		}
	}
	var reasons []string
	if w.Reason != "" {
		reasons = append(reasons, w.Reason)
	}
	for _, e := range cs.Env {
		var err error
		if data, err = UpsertDotenv(data, e.Key, e.Value); err != nil {
			return cs, fmt.Errorf("%s: %w", path, err)
		}
		if w.CheckID == "" {
			w.CheckID = e.CheckID
		}
		if e.Reason != "" && !slices.Contains(reasons, e.Reason) {
			reasons = append(reasons, e.Reason)
		}
	}
	w.Data, w.Reason = data, strings.Join(reasons, "; ")
	out := cs
	out.Env = nil
	out.Writes = slices.Clone(cs.Writes)
	if at >= 0 {
		out.Writes[at] = w
	} else {
		out.Writes = append(out.Writes, w)
	}
	return out, nil
}

// claimedIDs lists the distinct check ids the change set says it fixes.
func claimedIDs(cs model.ChangeSet) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, e := range cs.Edits {
		add(e.CheckID)
	}
	for _, c := range cs.Chmods {
		add(c.CheckID)
	}
	sort.Strings(out)
	return out
}

// reasonFor is a file's line in the review: the reasons of the edits that
// change it (idx, into cs.Edits), never another file's.
func reasonFor(cs model.ChangeSet, idx []int) string {
	var rs []string
	for _, i := range idx {
		if r := cs.Edits[i].Reason; r != "" {
			rs = append(rs, r)
		}
	}
	if len(rs) > 3 {
		rs = append(rs[:3], fmt.Sprintf("and %d more", len(rs)-3))
	}
	return strings.Join(rs, "; ")
}

// withDotenv layers the variables of a <state>/.env the change set writes
// over the snapshot's environment, so moving a secret to ${VAR} is audited
// as the gateway will see it. Process env still wins, as in OpenClaw.
func withDotenv(s *model.Snapshot, writes []model.FileWrite) func(string) (string, bool) {
	base := s.Env
	envPath := filepath.Join(s.Target.StateDir, ".env")
	var vars map[string]string
	for _, w := range writes {
		if filepath.Clean(w.Path) == envPath {
			vars = model.ParseDotenv(w.Data)
		}
	}
	if vars == nil {
		return base
	}
	return func(k string) (string, bool) {
		if v, ok := os.LookupEnv(k); ok && base != nil {
			if bv, bok := base(k); bok && bv == v {
				return v, true
			}
		}
		if v, ok := vars[k]; ok {
			return v, true
		}
		if base != nil {
			return base(k)
		}
		return "", false
	}
}

// withModes returns a copy of fs with the chmods applied, so the candidate
// audit sees the modes the write will set. Symlinks keep their mode: a
// chmod never follows them.
func withModes(fs *model.FSState, chmods []model.Chmod) *model.FSState {
	if fs == nil || len(chmods) == 0 {
		return fs
	}
	want := map[string]model.Chmod{}
	for _, c := range chmods {
		want[c.Path] = c
	}
	cp := *fs
	fix := func(fi *model.FileInfo) {
		if c, ok := want[fi.Path]; ok && fi.Exists && !fi.IsSymlink {
			fi.Mode = fi.Mode&^0o777 | c.Mode.Perm()
		}
		// A symlink the survey judged by its target's mode (a target
		// inside the state dir) takes the mode set on that target.
		if fi.IsSymlink && fi.Mode != 0 && fi.LinkTarget != "" {
			t := fi.LinkTarget
			if !filepath.IsAbs(t) {
				t = filepath.Join(filepath.Dir(fi.Path), t)
			}
			if c, ok := want[filepath.Clean(t)]; ok {
				fi.Mode = fi.Mode&^0o777 | c.Mode.Perm()
			}
		}
	}
	fixAll := func(list []model.FileInfo) []model.FileInfo {
		out := append([]model.FileInfo(nil), list...)
		for i := range out {
			fix(&out[i])
		}
		return out
	}
	fix(&cp.StateDir)
	fix(&cp.Config)
	fix(&cp.CredentialsDir)
	fix(&cp.EnvFile)
	fix(&cp.LogFile)
	fix(&cp.ExecApprovals)
	cp.Includes = fixAll(fs.Includes)
	cp.Credentials = fixAll(fs.Credentials)
	cp.ConfigBackups = fixAll(fs.ConfigBackups)
	cp.PairingStores = append([]model.PairingStore(nil), fs.PairingStores...)
	for i := range cp.PairingStores {
		fix(&cp.PairingStores[i].File)
	}
	cp.Extensions = append([]model.Extension(nil), fs.Extensions...)
	for i := range cp.Extensions {
		fix(&cp.Extensions[i].Dir)
	}
	cp.Agents = append([]model.AgentFiles(nil), fs.Agents...)
	for i := range cp.Agents {
		a := &cp.Agents[i]
		fix(&a.Dir)
		fix(&a.AgentDir)
		fix(&a.AuthProfiles)
		fix(&a.SessionsDir)
		fix(&a.SessionsStore)
		var loose []model.FileInfo
		for _, tr := range a.LooseTranscripts {
			fix(&tr)
			if tr.Loose() {
				loose = append(loose, tr)
			}
		}
		a.LooseTranscripts = loose
	}
	return &cp
}

// refuseManaged refuses a change set that would write a managed file (one
// generated by Nix, Ansible or a ConfigMap, or on a read-only mount): the
// error carries the change rendered for the file's source. files are the
// rendered config files (nil before the edits are applied: then only the
// whole-file writes and chmods are checked).
func refuseManaged(s *model.Snapshot, cs model.ChangeSet, files map[string][]byte) error {
	if len(s.Managed) == 0 {
		return nil
	}
	var paths []string
	for path := range files {
		paths = append(paths, path)
	}
	for _, w := range cs.Writes {
		paths = append(paths, w.Path)
	}
	for _, c := range cs.Chmods {
		paths = append(paths, c.Path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		if m := s.ManagedFor(path); m != nil {
			return &model.ManagedError{Managed: *m, Change: m.SourceChange(cs.Edits)}
		}
	}
	return nil
}
