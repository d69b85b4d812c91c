package model

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
)

// LoadOptions are the inputs of Load.
type LoadOptions struct {
	Locate LocateOptions
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// OpenClawVersion reports the installed CLI's version ("" when absent).
	// nil = look for `openclaw` on PATH and run `openclaw --version` with a
	// 2 s timeout. Tests pass a func.
	OpenClawVersion func() string
	// FS is the file system the target is read from; nil = fsys.Local.
	FS fsys.FS
	// Redactor receives the snapshot's secrets (the CLI passes the one its
	// output goes through); nil = a new one.
	Redactor *Redactor
	// Managed says where /proc and the Nix store are (tests); zero = the
	// system's.
	Managed ManagedOptions
}

// Load gathers everything the audit reads, once and read-only: it locates
// the target, parses the config (with includes), surveys the state dir,
// builds the gateway's environment and detects the config era.
//
// A missing config is not an error (Snapshot.ConfigMissing). A config that
// cannot be read or parsed is kept in Snapshot.DocErr (an *InputError with
// file:line:col) and loading goes on, so the audit can report "could not
// read" next to everything else. Only a failure to locate the target at all
// is returned as an error.
func Load(opts LoadOptions) (*Snapshot, error) {
	t, err := Locate(opts.Locate)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	base := opts.FS
	if base == nil {
		base = fsys.Local{}
	}
	r := fsys.NewRecorder(base)
	snap := &Snapshot{Target: t, Now: now(), Reads: r}

	if _, err := r.Stat(t.ConfigPath); errors.Is(err, fs.ErrNotExist) {
		snap.ConfigMissing = true
	} else {
		doc, err := ParseFileFS(r, t.ConfigPath)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				err = &InputError{File: t.ConfigPath, Msg: "cannot read: " + err.Error(), Err: err}
			}
			snap.DocErr = err
		} else {
			snap.Doc = doc
		}
	}

	snap.FS = ScanFSWith(r, t, snap.Doc)

	lookup := os.LookupEnv
	if g := opts.Locate.Getenv; g != nil {
		lookup = func(k string) (string, bool) {
			v := g(k)
			return v, v != ""
		}
	}
	env, dot, err := newEnvFS(lookup, r, t.StateDir, snap.Doc)
	if err != nil {
		snap.FS.addUnreadable(r, filepath.Join(t.StateDir, ".env"), err)
	}
	snap.Env, snap.dotenv = env, dot
	readExecApprovals(snap)

	version := opts.OpenClawVersion
	if version == nil {
		version = openClawCLIVersion
	}
	snap.Era = DetectEra(snap.Doc, version())
	snap.Managed, snap.ManagedOpts = detectManagedConfig(snap, opts.Managed), opts.Managed
	snap.Redactor = opts.Redactor
	if snap.Redactor == nil {
		snap.Redactor = NewRedactor()
	}
	snap.Redactor.AddSnapshot(snap)
	return snap, nil
}

// detectManagedConfig runs DetectManaged on the config and each include
// (through the snapshot's base file system: the mount table is evidence,
// not an input), and marks every file Nix-managed under OPENCLAW_NIX_MODE=1.
func detectManagedConfig(s *Snapshot, o ManagedOptions) []Managed {
	files := map[string][]byte{}
	var order []string
	if s.Doc != nil {
		for _, f := range s.Doc.Files {
			files[f.Path] = f.Data
			order = append(order, f.Path)
		}
	} else if !s.ConfigMissing {
		order = append(order, s.Target.ConfigPath)
	}
	var base fsys.FS = fsys.Local{}
	if s.Reads != nil && s.Reads.FS != nil {
		base = s.Reads.FS
	}
	nixMode := false
	if s.Env != nil {
		v, _ := s.Env("OPENCLAW_NIX_MODE")
		nixMode = strings.TrimSpace(v) == "1"
	}
	var out []Managed
	for _, p := range order {
		if m := DetectManaged(base, p, files[p], o); m != nil {
			out = append(out, *m)
		} else if nixMode {
			out = append(out, Managed{Kind: ManagedNix, File: p, Evidence: "OPENCLAW_NIX_MODE=1 (nix-openclaw manages the config)"})
		}
	}
	return out
}

// readExecApprovals reads <state>/exec-approvals.json once, as an input of
// the snapshot; a file that cannot be read (a FIFO, a device, too large) is
// listed as unreadable, so the audit says it could not check it.
func readExecApprovals(s *Snapshot) {
	fi := s.FS.ExecApprovals
	if !fi.Exists || fi.IsDir {
		return
	}
	if _, err := s.ReadFile(fi.Path, ExecApprovalsRead); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.FS.addUnreadable(s.Reads, fi.Path, err)
	}
}

// ExecApprovalsRead is how exec-approvals.json is read (the gateway follows
// a link to it; the safe reader refuses whatever is not a regular file).
var ExecApprovalsRead = fsys.ReadOptions{MaxSize: fsys.MaxStore}

// openClawCLIVersion runs `openclaw --version` when it is on PATH; "" when it
// is absent, fails or takes longer than 2 s.
func openClawCLIVersion() string {
	bin, err := exec.LookPath("openclaw")
	if err != nil {
		return ""
	}
	return runVersion(bin, 2*time.Second)
}

// runVersion runs `<bin> --version` and returns the first non-empty output
// line, trimmed and capped ("" on failure or timeout).
func runVersion(bin string, timeout time.Duration) string {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--version")
	cmd.WaitDelay = 500 * time.Millisecond // a child holding the pipe open must not hang us
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return ""
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			if len(line) > 200 {
				line = line[:200]
			}
			return line
		}
	}
	return ""
}
