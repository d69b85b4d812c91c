package remediate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// UpsertDotenv returns .env content data with key set to value, as dotenv
// (model.ParseDotenv) reads it: the value reads back exactly and every other
// variable reads as before. The first assignment of key has its value
// replaced in place (indentation, "export ", key spelling, separator and a
// trailing comment kept); later ones are dropped, so neither the old value
// nor a later duplicate stays behind. Without one, key=value is appended.
// Every other byte, and the file's line endings (\n or \r\n), are kept.
//
// The value goes bare when nothing in it is special, else in single quotes,
// backticks or double quotes, whichever dotenv reads back exactly here. The
// candidate file is parsed again before it is returned, so a file whose
// mistakes would let the change alter another variable (an unclosed quote
// that would close inside the new value, a "KEY:" line that would take the
// appended line as its value) gets the key at the other end of the file or,
// when nothing keeps it intact, an error naming the line to fix by hand.
// Errors never quote a value.
//
// It is the one writer of <state>/.env: the token fixes, containment,
// rotation and the baseline store their new secrets through it.
func UpsertDotenv(data []byte, key, value string) ([]byte, error) {
	if err := dotenvName(key); err != nil {
		return nil, err
	}
	forms := dotenvForms(value)
	if len(forms) == 0 {
		what := "mixes ', \" and ` quotes with a #, a line break or surrounding blanks"
		if strings.ContainsRune(value, '\r') {
			what = "holds a carriage return, which dotenv reads as a line break"
		}
		return nil, fmt.Errorf("the value for %s %s, so it cannot be written to .env without changing it; set it by hand", key, what)
	}
	want := model.ParseDotenv(data)
	want[key] = value
	entries := model.ScanDotenv(data)
	var own []model.DotenvEntry
	for _, e := range entries {
		if e.Key == key {
			own = append(own, e)
		}
	}
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	// rest is data without the key's later assignments (or all of them).
	rest := func(from int) []byte {
		out := make([]byte, 0, len(data))
		at := 0
		for _, e := range own[from:] {
			if e.Start < at {
				continue // never: entries do not overlap; a kept duplicate fails the check below
			}
			out = append(out, data[at:e.Start]...)
			at = e.End
		}
		return append(out, data[at:]...)
	}
	var tries []func(q string) []byte
	if len(own) > 0 {
		first := own[0]
		tries = append(tries, func(q string) []byte {
			tail := rest(1)[first.ValueEnd:]
			return append(append(append([]byte{}, data[:first.ValueStart]...), q...), tail...)
		})
	}
	base := rest(0)
	appendTo := func(sep string) func(q string) []byte {
		return func(q string) []byte {
			out := append([]byte{}, base...)
			if len(out) > 0 && out[len(out)-1] != '\n' && out[len(out)-1] != '\r' {
				out = append(out, nl...)
			}
			if len(out) > 0 {
				out = append(out, sep...)
			}
			return append(append(append(out, key...), '='), append([]byte(q), nl...)...)
		}
	}
	tries = append(tries, appendTo(""), appendTo(nl), func(q string) []byte {
		return append([]byte(key+"="+q+nl), base...)
	})
	var best []byte // the file as it would be written without the check
	for _, try := range tries {
		for _, q := range forms {
			out := try(q)
			if maps.Equal(model.ParseDotenv(out), want) {
				return out, nil
			}
			if best == nil {
				best = out
			}
		}
	}
	return nil, dotenvConflict(key, entries, model.ParseDotenv(best), want)
}

// dotenvName checks that dotenv can hold a variable named key.
func dotenvName(key string) error {
	if key == "" || strings.IndexFunc(key, func(r rune) bool {
		return r != '_' && r != '.' && r != '-' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) >= 0 {
		return fmt.Errorf("cannot write %q to .env: a name there is made of A-Z, a-z, 0-9, _, . and -", key)
	}
	if key == "__proto__" {
		return fmt.Errorf("cannot write %s to .env: dotenv (JavaScript) drops a variable of that name", key)
	}
	return nil
}

// dotenvForms are the spellings of v that dotenv reads back as v, best
// first: bare when v is plain printable ASCII with nothing special, then
// '…' and `…` (literal in dotenv), "…" (when nothing would be expanded) and
// v as written (an unquoted value may hold quotes in its middle).
func dotenvForms(v string) []string {
	var cand []string
	if v != "" && strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r > '~' || strings.ContainsRune("#\"'`\\$=", r) }) < 0 {
		cand = append(cand, v)
	}
	cand = append(cand, "'"+v+"'", "`"+v+"`", `"`+v+`"`, v)
	var out []string
	for _, q := range cand {
		if got, ok := model.ParseDotenv([]byte("K=" + q + "\n"))["K"]; ok && got == v && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

// dotenvConflict explains why no candidate kept the file's other variables:
// the variables that would change and where the first of them is set.
func dotenvConflict(key string, entries []model.DotenvEntry, got, want map[string]string) error {
	var names []string
	for k, v := range want {
		if w, ok := got[k]; (!ok || w != v) && k != key {
			names = append(names, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	where := ""
	for _, e := range entries {
		if slices.Contains(names, e.Key) {
			where = fmt.Sprintf(" near line %d (%s)", e.Line, e.Key)
			break
		}
	}
	if len(names) == 0 {
		names = []string{key}
	}
	if len(names) > 5 {
		names = append(names[:5], fmt.Sprintf("%d more", len(names)-5))
	}
	return fmt.Errorf("cannot set %s in .env without changing how dotenv reads %s: the file likely has an unclosed quote or a \"NAME:\" line%s — fix it by hand and re-run", key, strings.Join(names, ", "), where)
}

// ReadUnlinked reads a file about to be rewritten (a .env): nil when it is
// absent, and an error "<path> is a symlink; <onSymlink>" when it is a
// symlink, since the write path never follows links out of the state dir.
// onSymlink is the caller's advice (what to do instead).
func ReadUnlinked(path, onSymlink string) ([]byte, error) {
	fi, err := sys.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if fi.IsSymlink() {
		return nil, fmt.Errorf("%s is a symlink; %s", path, onSymlink)
	}
	return sys.ReadFile(path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxDotenv})
}
