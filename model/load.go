package model

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"
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
	snap := &Snapshot{Target: t, Now: now()}

	if _, err := os.Stat(t.ConfigPath); errors.Is(err, fs.ErrNotExist) {
		snap.ConfigMissing = true
	} else {
		doc, err := ParseFile(t.ConfigPath)
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

	snap.FS = ScanFS(t, snap.Doc)

	lookup := os.LookupEnv
	if g := opts.Locate.Getenv; g != nil {
		lookup = func(k string) (string, bool) {
			v := g(k)
			return v, v != ""
		}
	}
	snap.Env = NewEnv(lookup, t.StateDir, snap.Doc)

	version := opts.OpenClawVersion
	if version == nil {
		version = openClawCLIVersion
	}
	snap.Era = DetectEra(snap.Doc, version())
	return snap, nil
}

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
