package fsys

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"sync"
)

// Recorder is the FS a snapshot is read through: every whole-file read is
// remembered with the fingerprint of what it returned (a hash of the bytes,
// "absent", or the kind of error), so that a transaction can re-read each
// input under its lock and refuse when any of them changed. A file read
// twice (with the same options) returns the bytes of the first read: the
// snapshot is one view.
// Streams (ReadLines: transcripts, logs) are evidence, not inputs, and are
// not recorded.
type Recorder struct {
	FS
	mu     sync.Mutex
	inputs map[string]*input
}

type input struct {
	path string
	opts ReadOptions
	fp   string
	data []byte
	err  error
}

// NewRecorder records the reads made through fsys.
func NewRecorder(fsys FS) *Recorder {
	return &Recorder{FS: fsys, inputs: map[string]*input{}}
}

// ReadFile implements FS, recording the read.
func (r *Recorder) ReadFile(path string, o ReadOptions) ([]byte, error) {
	key := fmt.Sprintf("%s\x00%v", filepath.Clean(path), o)
	r.mu.Lock()
	if in, ok := r.inputs[key]; ok {
		r.mu.Unlock()
		return in.data, in.err
	}
	r.mu.Unlock()
	data, err := r.FS.ReadFile(path, o)
	r.mu.Lock()
	defer r.mu.Unlock()
	if in, ok := r.inputs[key]; ok {
		return in.data, in.err // a concurrent first read won
	}
	r.inputs[key] = &input{path: filepath.Clean(path), opts: o, fp: Fingerprint(data, err), data: data, err: err}
	return data, err
}

// OpenDir opens dir on the recorded FS (listings are not inputs), so that
// a walk through the recorder keeps the local fast path.
func (r *Recorder) OpenDir(dir string) (Dir, error) { return OpenDir(r.FS, dir) }

// Fingerprint names what a read returned: "sha256:<hex>", "absent", or
// "error:<what>" for a read that failed (a special file, a file too large,
// permission denied…), so that the same failure reads as unchanged.
func Fingerprint(data []byte, err error) string {
	if err == nil {
		s := sha256.Sum256(data)
		return "sha256:" + hex.EncodeToString(s[:])
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "absent"
	}
	var nr *NotRegularError
	var tl *TooLargeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &nr):
		return "error:" + KindOf(nr.Mode)
	case errors.As(err, &tl):
		return "error:too large"
	case errors.As(err, &pe):
		return "error:" + pe.Err.Error()
	}
	return "error:" + err.Error()
}

// Input is one recorded read.
type Input struct {
	Path        string
	Options     ReadOptions
	Fingerprint string
}

// Inputs lists the recorded reads, sorted by path.
func (r *Recorder) Inputs() []Input {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Input, 0, len(r.inputs))
	for _, in := range r.inputs {
		out = append(out, Input{Path: in.path, Options: in.opts, Fingerprint: in.fp})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ChangedError is an input that no longer reads as it did.
type ChangedError struct {
	Path        string
	Before, Now string // fingerprints
}

func (e *ChangedError) Error() string {
	what := "changed"
	switch {
	case e.Before == "absent":
		what = "was created"
	case e.Now == "absent":
		what = "was deleted"
	}
	return fmt.Sprintf("%s %s since hardshell read it", e.Path, what)
}

// Verify re-reads each input from fsys (never from a cache) and returns a
// *ChangedError for the first one that reads differently.
func Verify(fsys FS, inputs []Input) error {
	for _, in := range inputs {
		data, err := fsys.ReadFile(in.Path, in.Options)
		if now := Fingerprint(data, err); now != in.Fingerprint {
			return &ChangedError{Path: in.Path, Before: in.Fingerprint, Now: now}
		}
	}
	return nil
}
