package remediate

import (
	"path/filepath"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// maxLearnBackup caps what is read of one backed-up file.
const maxLearnBackup = 4 << 20

// LearnBackups registers in red the secrets of the files hardshell itself
// replaced, from the copies in its backup sets (configs, .env files,
// service files; not transcripts or logs): a token rotated away stays
// masked when a later run meets it in a log.
func LearnBackups(red *model.Redactor, stateDir string) {
	if red == nil || stateDir == "" {
		return
	}
	sets, err := ListBackups(stateDir)
	if err != nil {
		return
	}
	for _, set := range sets {
		for _, e := range set.Entries {
			if e.Backup == "" || HistoryFile(e.Rel) {
				continue
			}
			p := filepath.Join(set.Dir, filepath.FromSlash(e.Backup))
			if data, err := sys.ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: maxLearnBackup}); err == nil {
				red.Learn(string(data))
			}
		}
	}
}
