package model

import "fmt"

// InputError is bad input with a position: malformed JSON5, a bad include,
// an unreadable file. The CLI maps it to exit code 2.
type InputError struct {
	File string
	Line int // 0 when unknown
	Col  int
	Msg  string
	Err  error // underlying cause, if any
}

func (e *InputError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

func (e *InputError) Unwrap() error { return e.Err }
