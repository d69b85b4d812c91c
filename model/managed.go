package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/fsys"
)

// A managed config is generated somewhere else and rewritten from there: an
// edit to the file itself is lost at the next rebuild, deploy or pod start.
// hardshell says so, prints the change for the source, and never writes it.

// ManagedKind names what generates a file.
type ManagedKind string

const (
	ManagedNix       ManagedKind = "nix"       // a symlink into /nix/store (nix-openclaw's programs.openclaw.config), or OPENCLAW_NIX_MODE=1
	ManagedAnsible   ManagedKind = "ansible"   // an "Ansible managed" marker (the ansible_managed header of a template)
	ManagedConfigMap ManagedKind = "configmap" // a Kubernetes ConfigMap/Secret volume (..data links)
	ManagedReadOnly  ManagedKind = "readonly"  // on a read-only mount
)

// Managed says that one file is generated elsewhere, and how it was told.
type Managed struct {
	Kind     ManagedKind
	File     string // the path as hardshell reads it
	Real     string // the resolved path ("" when it could not be resolved)
	Evidence string // one line: "symlink into /nix/store/…", "line 1 says \"Ansible managed\""
}

// Source names the place to change, in words.
func (m Managed) Source() string {
	switch m.Kind {
	case ManagedNix:
		return "the Nix option programs.openclaw.config (nix-openclaw), then rebuild"
	case ManagedAnsible:
		return "the Ansible template or variables that render it, then re-run the playbook"
	case ManagedConfigMap:
		return "the Kubernetes ConfigMap (or Secret, or the operator resource) it is mounted from, then roll the pod"
	default:
		return "wherever the read-only mount comes from (the image, the host path, the volume)"
	}
}

// Note is the sentence a finding on this file carries.
func (m Managed) Note() string {
	return fmt.Sprintf("%s is managed (%s: %s): an edit to it is overwritten, so change %s.", filepath.Base(m.File), m.Kind, m.Evidence, m.Source())
}

// ManagedError is a refused write to a managed file.
type ManagedError struct {
	Managed Managed
	Change  string // the change rendered for the source
}

func (e *ManagedError) Error() string {
	msg := fmt.Sprintf("%s is managed (%s: %s); hardshell does not write a file that will be regenerated, so nothing was written.\nMake the change in %s", e.Managed.File, e.Managed.Kind, e.Managed.Evidence, e.Managed.Source())
	if e.Change != "" {
		msg += ":\n" + e.Change
	} else {
		msg += "."
	}
	return msg
}

// ansibleMarker is the default ansible_managed header ("Ansible managed",
// followed by details in older releases).
var ansibleMarker = []byte("Ansible managed")

// ManagedOptions say where the system's places are (tests point them into
// a temp dir).
type ManagedOptions struct {
	Proc     string // "" = /proc (its self/mountinfo says what is read-only)
	NixStore string // "" = /nix/store
}

// DetectManaged tells whether the file at path (whose bytes are data, nil
// when unknown) is generated elsewhere: a symlink into the Nix store, a
// ConfigMap volume's ..data link, an Ansible marker, or a read-only mount.
// It reads only through fs.
func DetectManaged(fs fsys.FS, path string, data []byte, o ManagedOptions) *Managed {
	store := o.NixStore
	if store == "" {
		store = "/nix/store"
	}
	m := &Managed{File: path}
	real, err := fs.EvalSymlinks(path)
	if err == nil {
		m.Real = real
	}
	if strings.HasPrefix(real, strings.TrimRight(store, "/")+"/") {
		m.Kind, m.Evidence = ManagedNix, "a symlink into "+nixStoreName(strings.TrimPrefix(real, strings.TrimRight(store, "/")))
		return m
	}
	if ev := configMapEvidence(fs, path); ev != "" {
		m.Kind, m.Evidence = ManagedConfigMap, ev
		return m
	}
	if n := ansibleLine(data); n > 0 {
		m.Kind, m.Evidence = ManagedAnsible, fmt.Sprintf("line %d says %q", n, string(ansibleMarker))
		return m
	}
	if real != "" {
		if mp, ok := readOnlyMount(fs, real, o.Proc); ok {
			m.Kind, m.Evidence = ManagedReadOnly, "on the read-only mount "+mp
			return m
		}
	}
	return nil
}

// nixStoreName shortens /<hash>-name/… (a path inside the store) to
// /nix/store/…-name/….
func nixStoreName(p string) string {
	rest := strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(rest, '-'); i > 0 {
		return "/nix/store/…" + rest[i:]
	}
	return p
}

// configMapEvidence recognises a Kubernetes atomic-writer volume: the file
// is a link to ..data/<name>, or its directory holds the ..data link.
func configMapEvidence(fs fsys.FS, path string) string {
	if t, err := fs.Readlink(path); err == nil && (strings.HasPrefix(t, "..data/") || strings.Contains(t, "/..data/")) {
		return "a link to " + t + " (a ConfigMap or Secret volume)"
	}
	if fi, err := fs.Lstat(filepath.Join(filepath.Dir(path), "..data")); err == nil && fi.IsSymlink() {
		return "its folder has the ..data link of a ConfigMap or Secret volume"
	}
	return ""
}

// ansibleLine is the 1-based line of the Ansible marker within the first
// 20 lines (a template's header), 0 when there is none.
func ansibleLine(data []byte) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; n <= 20 && sc.Scan(); n++ {
		if bytes.Contains(sc.Bytes(), ansibleMarker) {
			return n
		}
	}
	return 0
}

// readOnlyMount finds the mount that holds real (the longest mount point
// that is a prefix) in <proc>/self/mountinfo and reports whether it is
// mounted "ro".
func readOnlyMount(fs fsys.FS, real, proc string) (string, bool) {
	if proc == "" {
		proc = "/proc"
	}
	best, ro := "", false
	_, err := fs.ReadLines(filepath.Join(proc, "self", "mountinfo"), fsys.LineOptions{}, func(_ int, line []byte) error {
		f := strings.Fields(string(line))
		if len(f) < 6 {
			return nil
		}
		mp := unescapeMount(f[4])
		if !(real == mp || mp == "/" || strings.HasPrefix(real, strings.TrimRight(mp, "/")+"/")) || len(mp) < len(best) {
			return nil
		}
		best, ro = mp, false
		for _, o := range strings.Split(f[5], ",") {
			if o == "ro" {
				ro = true
			}
		}
		return nil
	})
	if err != nil || best == "" {
		return "", false
	}
	return best, ro
}

var octalEscape = regexp.MustCompile(`\\[0-7]{3}`)

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	return octalEscape.ReplaceAllStringFunc(s, func(e string) string {
		n, _ := strconv.ParseUint(e[1:], 8, 8)
		return string(rune(n))
	})
}

// SourceChange renders edits for the source of m: Nix option assignments,
// the keys to set in an Ansible template, a JSON merge patch for a
// ConfigMap, the keys for a read-only mount.
func (m Managed) SourceChange(edits []Edit) string {
	var lines []string
	for _, e := range edits {
		switch m.Kind {
		case ManagedNix:
			lines = append(lines, nixLine(e))
		default:
			lines = append(lines, "  "+plainLine(e))
		}
	}
	if m.Kind == ManagedConfigMap {
		if patch, ok := mergePatch(edits); ok {
			lines = append(lines, "  as a JSON merge patch of the "+filepath.Base(m.File)+" key: "+patch)
		}
	}
	return strings.Join(lines, "\n")
}

// plainLine is one edit as "path = value" (JSON value).
func plainLine(e Edit) string {
	switch e.Op {
	case OpUnset:
		return "remove " + e.Path
	case OpAppend:
		return "append " + jsonValue(e.Value) + " to " + e.Path
	}
	return e.Path + " = " + jsonValue(e.Value)
}

// nixLine is one edit as a programs.openclaw.config assignment.
func nixLine(e Edit) string {
	segs, err := ParsePath(e.Path)
	if err != nil || hasIndex(segs) {
		return "  # " + plainLine(e) + " (a list element: edit that entry of the list in programs.openclaw.config)"
	}
	var attr []string
	for _, s := range segs {
		attr = append(attr, nixAttr(s.Key))
	}
	path := "programs.openclaw.config." + strings.Join(attr, ".")
	switch e.Op {
	case OpUnset:
		return "  # remove " + path + " (delete the assignment)"
	case OpAppend:
		return "  " + path + " = [ " + nixValue(e.Value) + " ]; # appended to the existing list"
	}
	return "  " + path + " = " + nixValue(e.Value) + ";"
}

func nixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// nixValue renders a changeset value as a Nix expression.
func nixValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return nixString(x)
	case Raw:
		var dec any
		if err := json.Unmarshal([]byte(x), &dec); err == nil {
			return nixValue(dec)
		}
		return nixString(string(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = nixValue(e)
		}
		return "[ " + strings.Join(parts, " ") + " ]"
	case []string:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = nixString(e)
		}
		return "[ " + strings.Join(parts, " ") + " ]"
	case Obj:
		var b strings.Builder
		b.WriteString("{ ")
		for _, f := range x {
			b.WriteString(nixAttr(f.Key) + " = " + nixValue(f.Value) + "; ")
		}
		return b.String() + "}"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{ ")
		for _, k := range keys {
			b.WriteString(nixAttr(k) + " = " + nixValue(x[k]) + "; ")
		}
		return b.String() + "}"
	}
	return nixString(fmt.Sprint(v))
}

var nixIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_'-]*$`)

func nixAttr(k string) string {
	if nixIdent.MatchString(k) {
		return k
	}
	return nixString(k)
}

// jsonValue renders a changeset value as JSON.
func jsonValue(v any) string {
	switch x := v.(type) {
	case Raw:
		return string(x)
	case Obj:
		var b strings.Builder
		b.WriteString("{")
		for i, f := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(f.Key)
			b.WriteString(string(k) + ": " + jsonValue(f.Value))
		}
		return b.String() + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsonValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// mergePatch renders set/unset edits without list indices as one JSON merge
// patch (RFC 7386); ok=false when an edit cannot be expressed that way.
func mergePatch(edits []Edit) (string, bool) {
	root := map[string]any{}
	for _, e := range edits {
		if e.Op == OpAppend {
			return "", false
		}
		segs, err := ParsePath(e.Path)
		if err != nil || len(segs) == 0 || hasIndex(segs) {
			return "", false
		}
		cur := root
		for _, s := range segs[:len(segs)-1] {
			next, ok := cur[s.Key].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[s.Key] = next
			}
			cur = next
		}
		var val any = json.RawMessage(jsonValue(e.Value))
		if e.Op == OpUnset {
			val = nil
		}
		cur[segs[len(segs)-1].Key] = val
	}
	data, err := json.Marshal(root)
	if err != nil {
		return "", false
	}
	return string(data), true
}

func hasIndex(segs []PathSeg) bool {
	for _, s := range segs {
		if s.IsIndex {
			return true
		}
	}
	return false
}
