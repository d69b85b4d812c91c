package remediate

import (
	"errors"
	"io/fs"
	"strings"
)

// What a file holds after a commit failed and could not be put back (the
// connection to a remote dropped mid-write): the atomic write guarantees
// old or new bytes, never a mix, and which of the two is known from the
// step that failed — before the rename the target was never touched,
// after it the new bytes are in place; only a failed rename itself
// (request sent, no answer) leaves it open.
const (
	HoldsNew      = "the new content"
	HoldsOld      = "its old content"
	HoldsOldOrNew = "its old or the new content, never a mix (the connection dropped during the rename)"
)

// FileNow is what one file of a failed commit holds.
type FileNow struct {
	Path  string
	Holds string // HoldsNew, HoldsOld or HoldsOldOrNew
}

// rollbackError is the failure to put one file back.
type rollbackError struct {
	path string
	err  error
}

func (e *rollbackError) Error() string { return e.err.Error() }
func (e *rollbackError) Unwrap() error { return e.err }

// writeStep tells how far an atomic write of target got before err.
type writeStep int

const (
	beforeRename writeStep = iota
	duringRename
	afterRename
)

func stepOf(err error, target string) writeStep {
	var ds *dirSyncError
	var pe *fs.PathError
	switch {
	case err == nil:
		return afterRename
	case errors.As(err, &ds):
		return afterRename
	case errors.As(err, &pe) && pe.Op == "rename":
		return duringRename
	case errors.As(err, &pe) && pe.Path == target && pe.Op != "create" && pe.Op != "write" && pe.Op != "remove":
		return afterRename // chmod, fsync, close of the renamed file
	}
	return beforeRename
}

// filesAfterFailure says what each file of plan holds after applying
// plan[failed] failed with applyErr and the rollback of plan[:failed+1]
// failed with rbErr.
func filesAfterFailure(plan []planned, failed int, applyErr, rbErr error) []FileNow {
	rb := map[string]error{}
	var joined interface{ Unwrap() []error }
	if errors.As(rbErr, &joined) {
		for _, e := range joined.Unwrap() {
			var re *rollbackError
			if errors.As(e, &re) {
				rb[re.path] = re.err
			}
		}
	} else {
		var re *rollbackError
		if errors.As(rbErr, &re) {
			rb[re.path] = re.err
		}
	}
	out := make([]FileNow, 0, len(plan))
	for j, p := range plan {
		holds := HoldsOld
		switch {
		case j > failed:
		case j == failed && p.op == OpChmod:
			holds = HoldsOld // one fchmod: it happened or it did not
			if _, bad := rb[p.target]; bad {
				holds = "its old or its new mode"
			}
		default:
			st := afterRename
			if j == failed {
				st = stepOf(applyErr, p.target)
			}
			if st == beforeRename {
				break
			}
			rerr, bad := rb[p.target]
			if !bad {
				break // put back
			}
			switch rs := stepOf(rerr, p.target); {
			case rs == afterRename:
				holds = HoldsOld
			case rs == duringRename || st == duringRename:
				holds = HoldsOldOrNew
			default:
				holds = HoldsNew
			}
			if p.op == OpChmod {
				holds = "its new mode"
			}
		}
		out = append(out, FileNow{Path: p.target, Holds: holds})
	}
	return out
}

// holdsNow is the sentence of an ApplyError that lists what each file
// holds.
func holdsNow(files []FileNow) string {
	if len(files) == 0 {
		return ""
	}
	parts := make([]string, len(files))
	for i, f := range files {
		parts[i] = f.Path + " holds " + f.Holds
	}
	return "; now " + strings.Join(parts, ", ")
}
