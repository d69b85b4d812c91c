package remediate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/sshtest"
	"github.com/hardshell/hardshell/remote"
)

// dropFS is a remote FS whose connection drops (the whole remote is
// killed) at a chosen step of the commit.
type dropFS struct {
	fsys.FS
	kill func()
	// onCreate kills before an exclusive create of a temp file beside the
	// named target; onRename kills before the rename onto it.
	onCreate, onRename string
}

func (d *dropFS) CreateExcl(p string) (fsys.File, error) {
	if d.onCreate != "" && fsys.IsTempName(filepath.Base(p)) && strings.HasPrefix(filepath.Base(p), "."+d.onCreate+".") {
		d.kill()
	}
	return d.FS.CreateExcl(p)
}

func (d *dropFS) Rename(oldpath, newpath string) error {
	if d.onRename != "" && filepath.Base(newpath) == d.onRename {
		d.kill()
	}
	return d.FS.Rename(oldpath, newpath)
}

// The connection dropping mid-commit leaves every remote file old or new,
// never a mix, and the message says which.
func TestRemoteCommitConnectionDrops(t *testing.T) {
	for _, tc := range []struct {
		name               string
		onCreate, onRename string
		want               map[string]string // file -> what it holds (HoldsNew/HoldsOld/HoldsOldOrNew)
		onDisk             map[string]string // file -> "old"/"new"
	}{
		// every file is staged before the first rename, so a drop while
		// staging the second one changes nothing
		{name: "while staging the second file", onCreate: "b.json",
			onDisk: map[string]string{"a.json": "old", "b.json": "old", "c.json": "old"}},
		{name: "during the rename of the second file", onRename: "b.json",
			want:   map[string]string{"a.json": HoldsNew, "b.json": HoldsOldOrNew, "c.json": HoldsOld},
			onDisk: map[string]string{"a.json": "new", "b.json": "old", "c.json": "old"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sshtest.Start(t)
			sd := s.Home + "/.openclaw"
			for _, f := range []string{"a.json", "b.json", "c.json"} {
				s.WriteFile(t, sd+"/"+f, []byte("old "+f), 0o640)
			}
			sess, err := remote.Dial(context.Background(), s.Dest, remote.Options{SSHCommand: s.SSHCommand})
			require.NoError(t, err)
			defer sess.Close()
			defer UseFS(&dropFS{FS: sess.FS, kill: s.Kill, onCreate: tc.onCreate, onRename: tc.onRename})()

			tx := NewTxn(sd)
			for _, f := range []string{"a.json", "b.json", "c.json"} {
				tx.Track(sd+"/"+f, []byte("old "+f))
				tx.Write(sd+"/"+f, []byte("new "+f), 0o600, "test")
			}
			_, err = tx.Commit(BackupMeta{Command: "test"})
			var ae *ApplyError
			require.ErrorAs(t, err, &ae)
			if tc.want == nil {
				require.True(t, ae.RolledBack, err.Error())
				require.Contains(t, err.Error(), "nothing was changed")
			} else {
				require.False(t, ae.RolledBack)
				got := map[string]string{}
				for _, f := range ae.Files {
					got[filepath.Base(f.Path)] = f.Holds
					require.Contains(t, err.Error(), f.Path+" holds "+f.Holds)
				}
				require.Equal(t, tc.want, got)
				require.Contains(t, err.Error(), "hardshell restore "+ae.BackupID)
			}

			// what is really there (the remote is gone: read its backing store)
			for f, which := range tc.onDisk {
				data, err := os.ReadFile(filepath.Join(s.Store, "home", ".openclaw", f))
				require.NoError(t, err)
				require.Equal(t, which+" "+f, string(data), f)
				fi, err := os.Stat(filepath.Join(s.Store, "home", ".openclaw", f))
				require.NoError(t, err)
				if which == "new" {
					require.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "the mode is kept")
				}
			}
		})
	}
}
