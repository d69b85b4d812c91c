package main

// The output sinks of a run: the only place os.Stdout and os.Stderr are
// named (sinks_test.go fails on any other). Everything hardshell prints
// goes through the run's one redactor (model.Redactor), which knows every
// secret the run has seen: model.Load registers the snapshot's, rotate and
// contain register the ones they read or make, and the process
// environment's secret-named variables are registered here.
//
//	sink                      how it is masked
//	cobra stdout (c.OutOrStdout)  run.out: a model.Writer over os.Stdout
//	cobra stderr, error lines     run.errw: a model.Writer over os.Stderr
//	report files (--output)       reportWriter: a model.Writer over the file
//	TUI and huh prompts           terminal(): the raw terminal, only for
//	                              programs whose views are redacted
//	                              (tui.App.View, tui.FleetView.View) or
//	                              fixed prompts
//	config get --reveal           revealWriter: the one unmasked sink, for
//	                              a value the user asked to see in full

import (
	"io"
	"os"

	"github.com/hardshell/hardshell/model"
)

// sinks are one run's writers.
type sinks struct {
	red  *model.Redactor
	out  *model.Writer
	errw *model.Writer
}

func newSinks() *sinks {
	red := model.NewRedactor()
	red.AddEnviron(os.Environ())
	return &sinks{red: red, out: red.Writer(os.Stdout), errw: red.Writer(os.Stderr)}
}

// current is the run's sinks (run replaces them; tests that drive a
// command directly get these).
var current = newSinks()

// redactor is the run's redactor.
func redactor() *model.Redactor { return current.red }

// flush writes out what the masking writers hold back (a prompt, or the
// last line without a line end).
func flush(ws ...io.Writer) {
	for _, w := range ws {
		if f, ok := w.(interface{ Flush() error }); ok {
			_ = f.Flush()
		}
	}
}

// reportWriter masks a report written to a file (audit --output).
func reportWriter(f *os.File) *model.Writer { return redactor().Writer(f) }

// terminal is the terminal under w (a masking writer over a terminal, or
// the terminal itself), or nil. Only Bubble Tea and huh programs write to
// it, and only redacted views.
func terminal(w io.Writer) *os.File {
	switch x := w.(type) {
	case *model.Writer:
		flush(x)
		return x.File()
	case *os.File:
		return x
	}
	return nil
}

// flushOnRead returns in, flushing w before each read: a prompt held back
// by the masking writer (it has no line end) is shown before the program
// waits for the answer, as a terminal's line-buffered stdout does.
func flushOnRead(in io.Reader, w io.Writer) io.Reader { return &flushingReader{in: in, w: w} }

type flushingReader struct {
	in io.Reader
	w  io.Writer
}

func (r *flushingReader) Read(p []byte) (int, error) {
	flush(r.w)
	return r.in.Read(p)
}

// revealWriter is where config get --reveal prints: the writer under the
// masking one, since the user asked for the secret in full.
func revealWriter(w io.Writer) io.Writer {
	if x, ok := w.(*model.Writer); ok {
		flush(x)
		return x.Unwrap()
	}
	return w
}
