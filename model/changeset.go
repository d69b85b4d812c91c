package model

import "io/fs"

// EditOp is the kind of a config edit.
type EditOp int

const (
	OpSet    EditOp = iota // set (or insert) the value at Path
	OpUnset                // remove the member at Path (no-op when absent)
	OpAppend               // append Value to the array at Path (created when absent)
)

// Edit is one change to the merged config view. It is routed to the file
// that defines the path (or to the root file when the path is new).
//
// Value may be nil, bool, int, float64, string, []any, Obj (an ordered
// object) or Raw (a JSON5 literal written verbatim).
type Edit struct {
	Op      EditOp
	Path    string // dotted path with indices: agents.list[2].sandbox.scope
	Value   any
	CheckID string // the finding this edit remediates, if any
	Reason  string // one line, shown in reviews
	// DropLineComment: a // comment at the end of the replaced value's
	// line describes the old value (a token's length, the old address);
	// it is removed with the change. Other comments are always kept.
	DropLineComment bool
}

// Field is one member of an ordered object value.
type Field struct {
	Key   string
	Value any
}

// Obj is an object value whose member order is kept when written.
type Obj []Field

// Raw is a JSON5 literal written as-is (e.g. Raw(`"${OPENCLAW_GATEWAY_PASSWORD}"`)).
type Raw string

// Chmod tightens a file or directory mode. Symlinks are never followed.
type Chmod struct {
	Path    string
	Mode    fs.FileMode
	CheckID string
	Reason  string
}

// FileWrite creates or replaces a whole file (service units, .env, a new
// config, an agent's AGENTS.md).
type FileWrite struct {
	Path    string
	Data    []byte
	Mode    fs.FileMode // used when the file is created; an existing file keeps its mode
	CheckID string
	Reason  string
}

// EnvSet stores one variable in <state>/.env (an upsert: the rest of the
// file, comments included, is kept). Plans never read .env themselves:
// Prepare renders every EnvSet of a change set onto the .env the snapshot
// read, into one write, so two fixes that each add a variable both land.
type EnvSet struct {
	Key, Value string
	CheckID    string
	Reason     string
}

// ChangeSet is what a remediation produces: pure data, applied later by the
// transaction in remediate/.
type ChangeSet struct {
	Edits  []Edit
	Chmods []Chmod
	Writes []FileWrite
	Env    []EnvSet
	// After lists commands or steps the operator should run after the write
	// (e.g. "openclaw gateway restart").
	After []string
}

// Empty reports whether the change set does nothing.
func (c ChangeSet) Empty() bool {
	return len(c.Edits) == 0 && len(c.Chmods) == 0 && len(c.Writes) == 0 && len(c.Env) == 0
}

// Merge appends other to c.
func (c *ChangeSet) Merge(other ChangeSet) {
	c.Edits = append(c.Edits, other.Edits...)
	c.Chmods = append(c.Chmods, other.Chmods...)
	c.Writes = append(c.Writes, other.Writes...)
	c.Env = append(c.Env, other.Env...)
	for _, a := range other.After {
		dup := false
		for _, b := range c.After {
			if a == b {
				dup = true
				break
			}
		}
		if !dup {
			c.After = append(c.After, a)
		}
	}
}
