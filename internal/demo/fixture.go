package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CopyFixture copies the state-dir fixture <states>/<name> to dst, which
// must not exist, and applies its side file <states>/<name>.modes
// (permission bits and symlinks, which git does not keep; without one every
// dir gets DefaultDirMode and every file DefaultFileMode). It is the one
// copy behind testutil.CopyState (tests) and the materialize command
// (scripts), so both see a fixture exactly alike.
func CopyFixture(states, name, dst string) error {
	src := filepath.Join(states, name)
	st, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("unknown state fixture %q: %w", name, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", src)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s already exists", dst)
	}
	spec := &ModeSpec{Modes: map[string]fs.FileMode{}}
	modesPath := src + ".modes"
	if data, err := os.ReadFile(modesPath); err == nil {
		if spec, err = ParseModes(modesPath, data); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := writeTree(os.DirFS(src), dst); err != nil {
		return err
	}
	return spec.Apply(dst)
}

// writeTree writes every dir and regular file of src under dst (dirs
// DefaultDirMode, files DefaultFileMode, before a ModeSpec is applied).
// Anything else is an error: a state dir's links come from its modes file.
func writeTree(src fs.FS, dst string) error {
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(p))
		switch {
		case d.IsDir():
			return os.MkdirAll(target, DefaultDirMode)
		case d.Type().IsRegular():
			data, err := fs.ReadFile(src, p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, DefaultFileMode)
		default:
			return fmt.Errorf("%s: fixtures hold only dirs and regular files (links come from the .modes file)", p)
		}
	})
}
