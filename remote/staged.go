package remote

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RunInCopy copies the local folder dir to a fresh private temp folder on
// the remote (a tar stream on the command's stdin: one round trip), runs
// argv there with exactly env (values under dir are rewritten to the copy),
// removes the copy, and returns the combined output with the copy's path
// spelled as dir. The error is non-nil when argv exited non-zero.
func (s *Session) RunInCopy(ctx context.Context, dir string, env, argv []string) ([]byte, error) {
	var archive bytes.Buffer
	if err := tarDir(&archive, dir); err != nil {
		return nil, err
	}
	word := func(v string) string {
		if rest, ok := strings.CutPrefix(v, dir); ok && (rest == "" || rest[0] == '/') {
			return `"$d"` + Quote(rest)
		}
		return Quote(v)
	}
	var b strings.Builder
	b.WriteString(`umask 077
d=$(mktemp -d "${TMPDIR:-/tmp}/hardshell-remote-validate-XXXXXX") || exit 97
trap 'rm -rf "$d"' EXIT
printf '%s\n' "$d"
tar -xf - -C "$d" || exit 98
cd "$d" || exit 99
env -i`)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		b.WriteString(" " + k + "=" + word(v))
	}
	for _, a := range argv {
		b.WriteString(" " + word(a))
	}
	b.WriteString(" 2>&1 </dev/null\n")
	out, err := s.Run(ctx, b.String(), archive.Bytes())
	first, rest, ok := bytes.Cut(out, []byte("\n"))
	if !ok || len(first) == 0 {
		if err == nil {
			err = errors.New("the remote printed nothing")
		}
		return nil, err
	}
	return bytes.ReplaceAll(rest, first, []byte(dir)), err
}

// tarDir writes the regular files and folders under dir as a tar stream.
func tarDir(w *bytes.Buffer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: filepath.ToSlash(rel) + "/", Mode: 0o700})
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: filepath.ToSlash(rel), Mode: 0o600, Size: int64(len(data))}); err != nil {
				return err
			}
			_, err = tw.Write(data)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}
