package demo

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ModeSpec is a parsed modes file: intended permission bits and symlinks for
// a state-dir fixture. Git does not store modes or (portably) symlinks, so
// fixtures keep them in a side file with lines
//
//	relpath octal-mode     ("." is the root itself)
//	relpath -> target      (a symlink created at copy time)
//
// Blank lines and lines starting with # are ignored. Entries not listed get
// DefaultDirMode / DefaultFileMode.
type ModeSpec struct {
	Modes    map[string]fs.FileMode // slash-separated relpath → permission bits
	Symlinks []Symlink
}

// Symlink is one "relpath -> target" line.
type Symlink struct {
	Path   string // slash-separated, relative to the root
	Target string // written verbatim with os.Symlink
}

// Defaults for entries a modes file does not list (what OpenClaw itself
// creates: 0700 dirs, 0600 files).
const (
	DefaultDirMode  fs.FileMode = 0o700
	DefaultFileMode fs.FileMode = 0o600
)

// ParseModes parses a modes file. name is used in error messages.
func ParseModes(name string, data []byte) (*ModeSpec, error) {
	spec := &ModeSpec{Modes: map[string]fs.FileMode{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if path, target, ok := strings.Cut(text, " -> "); ok {
			path, target = strings.TrimSpace(path), strings.TrimSpace(target)
			if err := checkRel(path); err != nil || path == "." || target == "" {
				return nil, fmt.Errorf("%s:%d: bad symlink line %q", name, line, text)
			}
			spec.Symlinks = append(spec.Symlinks, Symlink{Path: path, Target: target})
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"relpath octal-mode\" or \"relpath -> target\", got %q", name, line, text)
		}
		if err := checkRel(fields[0]); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		m, err := strconv.ParseUint(fields[1], 8, 32)
		if err != nil || m > 0o7777 {
			return nil, fmt.Errorf("%s:%d: bad octal mode %q", name, line, fields[1])
		}
		spec.Modes[fields[0]] = fs.FileMode(m).Perm()
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return spec, nil
}

func checkRel(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || p != "." && (p != filepath.ToSlash(filepath.Clean(p)) || p == ".." || strings.HasPrefix(p, "../")) {
		return fmt.Errorf("path %q must be clean and relative to the root", p)
	}
	return nil
}

// Apply sets every entry under root to its listed mode (or the default),
// then creates the symlinks. Every listed path must exist (typos in a modes
// file would otherwise silently leave a fixture at 0600). Directories are
// chmodded last and deepest first, so a restrictive dir mode cannot block
// the walk.
func (s *ModeSpec) Apply(root string) error {
	for p := range s.Modes {
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			return fmt.Errorf("modes: listed path %q: %w", p, err)
		}
	}
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, path)
			return nil
		}
		return os.Chmod(path, s.modeFor(root, path, DefaultFileMode))
	})
	if err != nil {
		return err
	}
	for _, l := range s.Symlinks {
		dst := filepath.Join(root, filepath.FromSlash(l.Path))
		if err := os.MkdirAll(filepath.Dir(dst), DefaultDirMode); err != nil {
			return err
		}
		if err := os.Symlink(l.Target, dst); err != nil {
			return fmt.Errorf("modes: symlink %s: %w", l.Path, err)
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if err := os.Chmod(d, s.modeFor(root, d, DefaultDirMode)); err != nil {
			return err
		}
	}
	return nil
}

func (s *ModeSpec) modeFor(root, path string, def fs.FileMode) fs.FileMode {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return def
	}
	if m, ok := s.Modes[filepath.ToSlash(rel)]; ok {
		return m
	}
	return def
}
