// Command materialize copies a state-dir fixture (testdata/states/NAME) to
// DEST and applies its NAME.modes file: permission bits and symlinks, which
// git does not keep. It is the script-side twin of testutil.CopyState, used
// by scripts/compat.sh and scripts/bench-vs-openclaw.sh.
//
//	go run ./internal/tools/materialize [-states DIR] NAME DEST
//
// DEST must not exist. Exit 2 on bad usage or a bad fixture.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hardshell/hardshell/internal/demo"
)

func main() {
	states := flag.String("states", "testdata/states", "dir holding the fixtures and their .modes files")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: materialize [-states DIR] NAME DEST")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := materialize(*states, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "materialize:", err)
		os.Exit(2)
	}
}

func materialize(states, name, dst string) error {
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
	spec := &demo.ModeSpec{Modes: map[string]fs.FileMode{}}
	modesPath := src + ".modes"
	if data, err := os.ReadFile(modesPath); err == nil {
		if spec, err = demo.ParseModes(modesPath, data); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := copyTree(src, dst); err != nil {
		return err
	}
	return spec.Apply(dst)
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o600)
		default:
			return fmt.Errorf("%s: fixtures hold only dirs and regular files (links come from the .modes file)", path)
		}
	})
}
