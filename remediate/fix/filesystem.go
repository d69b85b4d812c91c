package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"io/fs"
	"iter"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Safe permission fixes for the checks of audit/filesystem.go: the chmods
// OpenClaw's own `security audit --fix` applies (directories 0700, files
// 0600), one remediation per family of fs.* findings. Every path comes from
// the snapshot's survey (s.FS); the disk is never walked here. A symlink is
// never emitted: modes are never changed through a link. When a surveyed link
// resolves to a file inside the state dir, the audit judged it by its
// target's mode, so the target (when the survey lists it as a regular entry)
// is tightened instead.

func init() {
	for _, pf := range permFixes {
		pf := pf
		Register(Remediation{
			CheckIDs: pf.ids,
			Title:    pf.title,
			Plan: func(s *model.Snapshot, f model.Finding, _ model.Answers) (model.ChangeSet, error) {
				if s == nil || s.FS == nil {
					return model.ChangeSet{}, nil
				}
				return model.ChangeSet{Chmods: permChmods(s.FS, f.CheckID, pf.targets(s.FS))}, nil
			},
			PerCheck: true,
		})
	}
}

const (
	dirMode  fs.FileMode = 0o700
	fileMode fs.FileMode = 0o600
)

// permFix is one family of permission findings and the entries it tightens.
// targets yields the entries rather than collecting them: the fix kind of
// every finding is resolved during the audit, and on 50,000 agent dirs a
// collected list was 150,000 FileInfo copies (tens of MB) per family, to
// keep the few that are loose.
type permFix struct {
	ids     []string
	title   string
	targets func(st *model.FSState) iter.Seq[model.FileInfo]
}

// one yields the entries given.
func one(fis ...model.FileInfo) iter.Seq[model.FileInfo] { return slices.Values(fis) }

var permFixes = []permFix{
	{
		ids:   []string{audit.IDFsStateDirPermsWorldWritable, audit.IDFsStateDirPermsGroupWritable, audit.IDFsStateDirPermsReadable},
		title: "Restrict the state dir to its owner (chmod 700)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return one(st.StateDir)
		},
	},
	{
		ids:   []string{audit.IDFsConfigPermsWritable, audit.IDFsConfigPermsWorldReadable, audit.IDFsConfigPermsGroupReadable},
		title: "Restrict the config file to its owner (chmod 600)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return one(st.Config)
		},
	},
	{
		ids:   []string{audit.IDFsConfigIncludePermsWritable, audit.IDFsConfigIncludePermsWorldReadable, audit.IDFsConfigIncludePermsGroupReadable},
		title: "Restrict every $include file to its owner (chmod 600)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return slices.Values(st.Includes)
		},
	},
	{
		ids:   []string{audit.IDFsCredentialsDirPermsWritable, audit.IDFsCredentialsDirPermsReadable},
		title: "Restrict the credentials dir to its owner (chmod 700)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return one(st.CredentialsDir)
		},
	},
	{
		ids:   []string{audit.IDFsCredentialsPermsReadable},
		title: "Restrict every credential file to its owner (files 600, folders 700)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return func(yield func(model.FileInfo) bool) {
				_ = yield(st.CredentialsDir) && each(credentialSubdirs(st), yield) && each(st.Credentials, yield)
			}
		},
	},
	{
		ids:   []string{audit.IDFsAuthProfilesPermsWritable, audit.IDFsAuthProfilesPermsReadable},
		title: "Restrict auth-profiles.json and its agent folders to their owner",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return func(yield func(model.FileInfo) bool) {
				for i := range st.Agents {
					a := &st.Agents[i]
					if a.AuthProfiles.Exists && !(yield(a.Dir) && yield(a.AgentDir) && yield(a.AuthProfiles)) {
						return
					}
				}
			}
		},
	},
	{
		ids:   []string{audit.IDFsSessionsStorePermsReadable},
		title: "Restrict sessions.json and its agent folders to their owner",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return func(yield func(model.FileInfo) bool) {
				for i := range st.Agents {
					a := &st.Agents[i]
					if a.SessionsStore.Exists && !(yield(a.Dir) && yield(a.SessionsDir) && yield(a.SessionsStore)) {
						return
					}
				}
			}
		},
	},
	{
		ids:   []string{audit.IDFsTranscriptsPermsReadable},
		title: "Restrict session transcripts to their owner (chmod 600)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return func(yield func(model.FileInfo) bool) {
				for i := range st.Agents {
					a := &st.Agents[i]
					if len(a.LooseTranscripts) > 0 && !(yield(a.Dir) && yield(a.SessionsDir) && each(a.LooseTranscripts, yield)) {
						return
					}
				}
			}
		},
	},
	{
		ids:   []string{audit.IDFsLogFilePermsReadable},
		title: "Restrict the log file to its owner (chmod 600)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return one(st.LogFile)
		},
	},
	{
		ids:   []string{audit.IDFsConfigBackupPermsReadable},
		title: "Restrict config backups to their owner (chmod 600)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return slices.Values(st.ConfigBackups)
		},
	},
	{
		ids:   []string{audit.IDFsEnvFilePermsReadable},
		title: "Restrict the state .env file to its owner (chmod 600)",
		targets: func(st *model.FSState) iter.Seq[model.FileInfo] {
			return one(st.EnvFile)
		},
	},
}

// each yields every entry of l; false when yield asked to stop.
func each(l []model.FileInfo, yield func(model.FileInfo) bool) bool {
	for _, fi := range l {
		if !yield(fi) {
			return false
		}
	}
	return true
}

// credentialSubdirs are the folders between credentials/ and each surveyed
// credential file (e.g. credentials/whatsapp/default for Baileys keys). The
// survey records files only, so their FileInfo is built from the path; a
// folder the survey met as a symlink is left out.
func credentialSubdirs(st *model.FSState) []model.FileInfo {
	root := st.CredentialsDir.Path
	if root == "" || !st.CredentialsDir.Exists || st.CredentialsDir.IsSymlink {
		return nil
	}
	links := map[string]bool{}
	for _, l := range st.Symlinks {
		links[l.Path] = true
	}
	seen := map[string]bool{}
	var out []model.FileInfo
	for _, c := range st.Credentials {
		for d := filepath.Dir(c.Path); d != root && strings.HasPrefix(d, root+string(filepath.Separator)); d = filepath.Dir(d) {
			if seen[d] {
				continue
			}
			seen[d] = true
			if links[d] {
				continue
			}
			out = append(out, model.FileInfo{Path: d, Exists: true, IsDir: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// permChmods turns surveyed entries into chmods: existing entries only,
// never a symlink (its resolved target instead, when the survey lists that
// target as a regular entry), and only where group/world bits are set or a
// mode is unknown (a derived folder).
func permChmods(st *model.FSState, checkID string, list iter.Seq[model.FileInfo]) []model.Chmod {
	var regular map[string]model.FileInfo // indexed at the first link: most lists have none
	var out []model.Chmod
	seen := map[string]bool{}
	add := func(fi model.FileInfo) {
		if fi.Path == "" || !fi.Exists || fi.IsSymlink || seen[fi.Path] {
			return
		}
		if fi.Mode != 0 && fi.Mode.Perm()&0o077 == 0 {
			return
		}
		seen[fi.Path] = true
		mode, what := fileMode, "file"
		if fi.IsDir {
			mode, what = dirMode, "folder"
		}
		reason := fmt.Sprintf("%s readable or writable by others (%04o)", what, fi.Mode.Perm())
		if fi.Mode == 0 {
			reason = "folder holding credential files"
		}
		out = append(out, model.Chmod{Path: fi.Path, Mode: mode, CheckID: checkID, Reason: reason})
	}
	for fi := range list {
		if fi.IsSymlink {
			if regular == nil {
				regular = surveyedRegular(st)
			}
			if t, ok := regular[linkTarget(fi)]; ok {
				add(t)
			}
			continue
		}
		add(fi)
	}
	return out
}

// linkTarget is a symlink's target as an absolute path (relative targets
// resolve against the link's folder).
func linkTarget(fi model.FileInfo) string {
	t := fi.LinkTarget
	if t == "" {
		return ""
	}
	if !filepath.IsAbs(t) {
		t = filepath.Join(filepath.Dir(fi.Path), t)
	}
	return filepath.Clean(t)
}

// surveyedRegular indexes every non-symlink entry of the survey by path.
func surveyedRegular(st *model.FSState) map[string]model.FileInfo {
	m := map[string]model.FileInfo{}
	add := func(fi model.FileInfo) {
		if fi.Path != "" && fi.Exists && !fi.IsSymlink {
			m[fi.Path] = fi
		}
	}
	add(st.StateDir)
	add(st.Config)
	add(st.CredentialsDir)
	add(st.EnvFile)
	add(st.LogFile)
	add(st.ExecApprovals)
	for _, l := range [][]model.FileInfo{st.Includes, st.Credentials, st.ConfigBackups} {
		for _, fi := range l {
			add(fi)
		}
	}
	for _, a := range st.Agents {
		add(a.Dir)
		add(a.AgentDir)
		add(a.AuthProfiles)
		add(a.SessionsDir)
		add(a.SessionsStore)
		for _, fi := range a.LooseTranscripts {
			add(fi)
		}
	}
	return m
}
