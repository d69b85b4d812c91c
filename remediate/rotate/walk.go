package rotate

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/hardshell/hardshell/fsys"
)

// The rotation's reads of folders go through the target's file system, as
// its reads of files do: over --host a local filepath.Glob or WalkDir would
// find nothing (the remote paths do not exist here) and the sweep would
// silently miss every file.

// entry is an fsys.Entry as an fs.DirEntry.
type entry struct {
	e   fsys.Entry
	dir string
	r   fsys.FS
}

func (d entry) Name() string      { return d.e.Name }
func (d entry) IsDir() bool       { return d.e.Type.IsDir() }
func (d entry) Type() fs.FileMode { return d.e.Type }
func (d entry) Info() (fs.FileInfo, error) {
	return nil, errors.New("not available: use the FS's Lstat on " + filepath.Join(d.dir, d.e.Name))
}

// walkDir is filepath.WalkDir through r: lexical order, symlinks not
// followed, fs.SkipDir honoured; a folder that cannot be listed is passed
// to fn with its error.
func walkDir(r fsys.FS, root string, fn fs.WalkDirFunc) error {
	fi, err := r.Lstat(root)
	if err != nil {
		return fn(root, nil, err)
	}
	d := entry{e: fsys.Entry{Name: filepath.Base(root), Type: fi.Mode.Type()}, dir: filepath.Dir(root), r: r}
	err = walk(r, root, d, fn)
	if errors.Is(err, fs.SkipDir) || errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

func walk(r fsys.FS, path string, d entry, fn fs.WalkDirFunc) error {
	if err := fn(path, d, nil); err != nil || !d.IsDir() {
		if err == fs.SkipDir && d.IsDir() {
			err = nil
		}
		return err
	}
	ents, err := r.ReadDir(path, false)
	if err != nil {
		if err = fn(path, d, err); err != nil {
			if err == fs.SkipDir {
				err = nil
			}
			return err
		}
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
	for _, e := range ents {
		if err := walk(r, filepath.Join(path, e.Name), entry{e: e, dir: path, r: r}, fn); err != nil {
			if err == fs.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}
