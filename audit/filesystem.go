package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDSkillsWorkspaceScanTruncated      = "skills.workspace.scan_truncated"
	IDSkillsWorkspaceSymlinkEscape      = "skills.workspace.symlink_escape"
	IDFsAuthProfilesPermsReadable       = "fs.auth_profiles.perms_readable"
	IDFsAuthProfilesPermsWritable       = "fs.auth_profiles.perms_writable"
	IDFsConfigPermsGroupReadable        = "fs.config.perms_group_readable"
	IDFsConfigPermsWorldReadable        = "fs.config.perms_world_readable"
	IDFsConfigPermsWritable             = "fs.config.perms_writable"
	IDFsConfigSymlink                   = "fs.config.symlink"
	IDFsConfigBackupPermsReadable       = "fs.config_backup.perms_readable"
	IDFsConfigIncludePermsGroupReadable = "fs.config_include.perms_group_readable"
	IDFsConfigIncludePermsWorldReadable = "fs.config_include.perms_world_readable"
	IDFsConfigIncludePermsWritable      = "fs.config_include.perms_writable"
	IDFsCredentialsPermsReadable        = "fs.credentials.perms_readable"
	IDFsCredentialsDirPermsReadable     = "fs.credentials_dir.perms_readable"
	IDFsCredentialsDirPermsWritable     = "fs.credentials_dir.perms_writable"
	IDFsEnvFilePermsReadable            = "fs.env_file.perms_readable"
	IDFsLogFilePermsReadable            = "fs.log_file.perms_readable"
	IDFsSessionsStorePermsReadable      = "fs.sessions_store.perms_readable"
	IDFsStaleTempFiles                  = "fs.stale_temp_files"
	IDFsStateDirOwnerMismatch           = "fs.state_dir.owner_mismatch"
	IDFsStateDirPermsGroupWritable      = "fs.state_dir.perms_group_writable"
	IDFsStateDirPermsReadable           = "fs.state_dir.perms_readable"
	IDFsStateDirPermsWorldWritable      = "fs.state_dir.perms_world_writable"
	IDFsStateDirSymlink                 = "fs.state_dir.symlink"
	IDFsSymlinkOutOfState               = "fs.symlink_out_of_state"
	IDFsSyncedDir                       = "fs.synced_dir"
	IDFsTranscriptsPermsReadable        = "fs.transcripts.perms_readable"
	IDFsUnreadable                      = "fs.unreadable"
)

// Tier 4: permissions of the state dir, the config and the secrets on disk.
//
// Every check here reads only s.FS and s.Target (the one-pass survey from
// model.ScanFS), never the disk, and is FSOnly so it still runs when the
// config cannot be parsed. Paths in findings are the absolute paths of the
// survey; remediation is the chmod OpenClaw's own --fix applies.
//
// The skills.workspace.* checks are the exception: they need the config
// (to resolve the agent workspaces, usually outside the state dir) and walk
// each workspace's skills/ themselves (skillsScanOf).
//
// Not implemented here, on purpose:
//   - OPENCLAW_OAUTH_DIR: the survey records <state>/credentials only.
//   - sandboxes/**: the survey has no slot for it.

// Permission bits as OpenClaw's audit-fs names them.
const (
	fsWorldWrite fs.FileMode = 0o002
	fsGroupWrite fs.FileMode = 0o020
	fsWorldRead  fs.FileMode = 0o004
	fsGroupRead  fs.FileMode = 0o040
)

// fsPerm is what a permission check may judge: an existing entry with known
// bits. A symlink counts with its target's bits when the survey resolved them
// (inside the state dir); otherwise it is not judged here.
func fsPerm(fi model.FileInfo) (fs.FileMode, bool) {
	if !fi.Exists || fi.Path == "" {
		return 0, false
	}
	if fi.IsSymlink && fi.Mode == 0 {
		return 0, false
	}
	return fi.Mode.Perm(), true
}

// fsDetail and fsChmod are built for every permission finding (7,000 on
// the 50k-agent state), so without fmt: "<path> mode=0o644", "chmod 600 <paths>".
func fsDetail(fi model.FileInfo) string {
	return fi.Path + " mode=0o" + octal3(fi.Mode.Perm())
}

func fsChmod(mode fs.FileMode, paths ...string) string {
	return "chmod " + strconv.FormatUint(uint64(mode), 8) + " " + cmdline.Join(paths...)
}

// octal3 is m in octal, at least three digits (fmt's %03o).
func octal3(m fs.FileMode) string {
	s := strconv.FormatUint(uint64(m), 8)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

// fsChmodGlob is chmod on the files in dir matching glob: dir quoted for
// the shell, the glob left bare so the shell expands it.
func fsChmodGlob(mode fs.FileMode, dir, glob string) string {
	return fmt.Sprintf("chmod %o %s%c%s", mode, cmdline.Quote(dir), filepath.Separator, glob)
}

// fsRule is OpenClaw's first-match-wins triple for one target: writable
// (g+w or o+w), then world-readable, then group-readable. worldRead and
// groupRead may be the same id where OpenClaw has one "readable" id; an
// empty id skips that step.
type fsRule struct {
	writable, worldRead, groupRead string
	writableSev                    model.Severity
	worldSev, groupSev             model.Severity
	writableWhy, readWhy           string
	writableTitle                  string
	worldTitle, groupTitle         string
	mode                           fs.FileMode
}

func (r fsRule) judge(fi model.FileInfo) []Hit {
	bits, ok := fsPerm(fi)
	if !ok {
		return nil
	}
	// The chmod command is built only for a hit: the rule judges every
	// agent's files, 100,000 of them on 50,000 agents, nearly all fine.
	hit := func(id string, sev model.Severity, title, why string) []Hit {
		return []Hit{{ID: id, Severity: sev, Title: title, Detail: fsDetail(fi) + "; " + why, Remediation: fsChmod(r.mode, fi.Path), Paths: []string{fi.Path}}}
	}
	switch {
	case r.writable != "" && bits&(fsWorldWrite|fsGroupWrite) != 0:
		return hit(r.writable, r.writableSev, r.writableTitle, r.writableWhy)
	case r.worldRead != "" && bits&fsWorldRead != 0:
		return hit(r.worldRead, r.worldSev, r.worldTitle, r.readWhy)
	case r.groupRead != "" && bits&fsGroupRead != 0:
		return hit(r.groupRead, r.groupSev, r.groupTitle, r.readWhy)
	}
	return nil
}

func fsState(s *model.Snapshot) *model.FSState {
	if s == nil || s.FS == nil {
		return &model.FSState{}
	}
	return s.FS
}

const fsWhyPerms = "The security guide's checklist item 4: state, config, credentials and auth files must not be readable or writable by other users or groups (directories 700, files 600). " +
	"They hold gateway tokens, channel credentials, API keys, OAuth tokens and private message transcripts; anyone who can write them can change who may command the bot or inject credentials."

func fsStateDirHits(s *model.Snapshot) []Hit {
	fi := fsState(s).StateDir
	bits, ok := fsPerm(fi)
	if !ok || !fi.IsDir {
		return nil
	}
	rem := fsChmod(0o700, fi.Path)
	switch {
	case bits&fsWorldWrite != 0:
		return []Hit{{ID: IDFsStateDirPermsWorldWritable, Severity: model.Critical, Detail: fsDetail(fi) + "; other users can write into your OpenClaw state.", Remediation: rem, Paths: []string{fi.Path}}}
	case bits&fsGroupWrite != 0:
		return []Hit{{ID: IDFsStateDirPermsGroupWritable, Severity: model.Warn, Detail: fsDetail(fi) + "; group users can write into your OpenClaw state.", Remediation: rem, Paths: []string{fi.Path}}}
	case bits&(fsGroupRead|fsWorldRead) != 0:
		return []Hit{{ID: IDFsStateDirPermsReadable, Severity: model.Warn, Detail: fsDetail(fi) + "; consider restricting to 700.", Remediation: rem, Paths: []string{fi.Path}}}
	}
	return nil
}

// fsStateDirCheck runs the state-dir triple once and hands each id its hit.
func fsStateDirCheck(id string) func(*model.Snapshot) []Hit {
	return func(s *model.Snapshot) []Hit { return fsOnly(fsStateDirHits(s), id) }
}

func fsOnly(hits []Hit, id string) []Hit {
	var out []Hit
	for _, h := range hits {
		if h.ID == id {
			out = append(out, h)
		}
	}
	return out
}

var fsConfigRule = fsRule{
	writable: IDFsConfigPermsWritable, writableSev: model.Critical, writableTitle: "Config file is writable by others",
	writableWhy: "another user could change gateway/auth/tool policies.",
	worldRead:   IDFsConfigPermsWorldReadable, worldSev: model.Critical, worldTitle: "Config file is world-readable",
	groupRead: IDFsConfigPermsGroupReadable, groupSev: model.Warn, groupTitle: "Config file is group-readable",
	readWhy: "config can contain tokens and private settings.",
	mode:    0o600,
}

// fsConfigHits judges the config by its own bits; a symlinked config is
// skipped (fs.config.symlink covers it), as in OpenClaw's newer builds.
func fsConfigHits(s *model.Snapshot) []Hit {
	fi := fsState(s).Config
	if fi.IsSymlink || fi.IsDir {
		return nil // config.unreadable says a directory is no config
	}
	return fsConfigRule.judge(fi)
}

var fsIncludeRule = fsRule{
	writable: IDFsConfigIncludePermsWritable, writableSev: model.Critical, writableTitle: "Config include file is writable by others",
	writableWhy: "another user could influence your effective config.",
	worldRead:   IDFsConfigIncludePermsWorldReadable, worldSev: model.Critical, worldTitle: "Config include file is world-readable",
	groupRead: IDFsConfigIncludePermsGroupReadable, groupSev: model.Warn, groupTitle: "Config include file is group-readable",
	readWhy: "include files can contain tokens and private settings.",
	mode:    0o600,
}

func fsIncludeHits(s *model.Snapshot) []Hit {
	var out []Hit
	for _, fi := range fsState(s).Includes {
		out = append(out, fsIncludeRule.judge(fi)...)
	}
	return out
}

var fsCredDirRule = fsRule{
	writable: IDFsCredentialsDirPermsWritable, writableSev: model.Critical, writableTitle: "Credentials dir is writable by others",
	writableWhy: "another user could drop/modify credential files.",
	worldRead:   IDFsCredentialsDirPermsReadable, worldSev: model.Warn, worldTitle: "Credentials dir is readable by others",
	groupRead: IDFsCredentialsDirPermsReadable, groupSev: model.Warn, groupTitle: "Credentials dir is readable by others",
	readWhy: "credentials and allowlists can be sensitive.",
	mode:    0o700,
}

func fsCredDirHits(s *model.Snapshot) []Hit {
	fi := fsState(s).CredentialsDir
	if !fi.IsDir {
		return nil
	}
	return fsCredDirRule.judge(fi)
}

var fsAuthRule = fsRule{
	writable: IDFsAuthProfilesPermsWritable, writableSev: model.Critical, writableTitle: "auth-profiles.json is writable by others",
	writableWhy: "another user could inject credentials.",
	worldRead:   IDFsAuthProfilesPermsReadable, worldSev: model.Warn, worldTitle: "auth-profiles.json is readable by others",
	groupRead: IDFsAuthProfilesPermsReadable, groupSev: model.Warn, groupTitle: "auth-profiles.json is readable by others",
	readWhy: "auth-profiles.json contains API keys and OAuth tokens.",
	mode:    0o600,
}

func fsAuthHits(s *model.Snapshot) []Hit {
	var out []Hit
	for _, a := range fsState(s).Agents {
		out = append(out, fsAuthRule.judge(a.AuthProfiles)...)
	}
	return out
}

var fsSessionsRule = fsRule{
	worldRead: IDFsSessionsStorePermsReadable, worldSev: model.Warn, worldTitle: "sessions.json is readable by others",
	groupRead: IDFsSessionsStorePermsReadable, groupSev: model.Warn, groupTitle: "sessions.json is readable by others",
	readWhy: "routing and transcript metadata can be sensitive.",
	mode:    0o600,
}

func fsSessionsHits(s *model.Snapshot) []Hit {
	var out []Hit
	for _, a := range fsState(s).Agents {
		out = append(out, fsSessionsRule.judge(a.SessionsStore)...)
	}
	return out
}

var fsLogRule = fsRule{
	worldRead: IDFsLogFilePermsReadable, worldSev: model.Warn, worldTitle: "Log file is readable by others",
	groupRead: IDFsLogFilePermsReadable, groupSev: model.Warn, groupTitle: "Log file is readable by others",
	readWhy: "logs can contain private messages and tool output.",
	mode:    0o600,
}

func fsLogHits(s *model.Snapshot) []Hit { return fsLogRule.judge(fsState(s).LogFile) }

// fsSyncedMarkers are the substrings OpenClaw treats as a synced folder,
// plus "mobile documents" (iCloud Drive's on-disk name, ~/Library/Mobile
// Documents/com~apple~CloudDocs).
var fsSyncedMarkers = []string{"icloud", "dropbox", "google drive", "googledrive", "onedrive", "mobile documents", "library/cloudstorage"}

func fsLooksSynced(p string) bool {
	l := strings.ToLower(p)
	for _, m := range fsSyncedMarkers {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

func fsSyncedHits(s *model.Snapshot) []Hit {
	t := s.Target
	// The resolved paths count too: a state dir that is a symlink into a
	// synced folder (~/.openclaw -> ~/Dropbox/openclaw) syncs all the same.
	var resolved []string
	for _, p := range []string{t.StateDir, t.ConfigPath} {
		if p == "" {
			continue
		}
		if r, err := s.Sys().EvalSymlinks(p); err == nil && r != p && fsLooksSynced(r) {
			resolved = append(resolved, p+" -> "+r)
		}
	}
	if !fsLooksSynced(t.StateDir) && !fsLooksSynced(t.ConfigPath) && len(resolved) == 0 {
		return nil
	}
	detail := fmt.Sprintf("stateDir=%s, configPath=%s.", t.StateDir, t.ConfigPath)
	if len(resolved) > 0 {
		detail += " Resolved through symlinks: " + strings.Join(resolved, ", ") + "."
	}
	return []Hit{{
		Severity: model.Warn,
		Detail:   detail + " Synced folders (iCloud/Dropbox/OneDrive/Google Drive) can leak tokens and transcripts onto other devices.",
		Paths:    []string{t.StateDir},
	}}
}

// fsLoose lists entries with group/world bits (symlinks judged by a
// resolved-inside target only).
func fsLoose(list []model.FileInfo) []model.FileInfo {
	var out []model.FileInfo
	for _, fi := range list {
		if bits, ok := fsPerm(fi); ok && !fi.IsDir && bits&0o077 != 0 {
			out = append(out, fi)
		}
	}
	return out
}

func fsPaths(list []model.FileInfo) []string {
	out := make([]string, len(list))
	for i, fi := range list {
		out[i] = fi.Path
	}
	return out
}

func fsBullets(list []model.FileInfo) string {
	var b strings.Builder
	for _, fi := range list {
		b.WriteString("\n- " + fsDetail(fi))
	}
	return b.String()
}

func fsCredentialsHits(s *model.Snapshot) []Hit {
	loose := fsLoose(fsState(s).Credentials)
	if len(loose) == 0 {
		return nil
	}
	sev := model.Warn
	for _, fi := range loose {
		if fi.Mode.Perm()&(fsWorldRead|fsWorldWrite) != 0 {
			sev = model.Critical
		}
	}
	return []Hit{{
		Severity:    sev,
		Detail:      fmt.Sprintf("%d credential file(s) are readable or writable by other users (WhatsApp session keys, pairing allowlists, OAuth imports):%s", len(loose), fsBullets(loose)),
		Remediation: fsChmod(0o600, fsPaths(loose)...),
		Paths:       fsPaths(loose),
	}}
}

// fsTranscriptExamples caps the example paths listed per agent.
const fsTranscriptExamples = 5

func fsTranscriptHits(s *model.Snapshot) []Hit {
	var lines []string
	var paths []string
	var rems []string
	total := 0
	for _, a := range fsState(s).Agents {
		if len(a.LooseTranscripts) == 0 {
			continue
		}
		total += len(a.LooseTranscripts)
		lines = append(lines, fmt.Sprintf("- agent %s: %d of %d transcript(s) readable by others", a.ID, len(a.LooseTranscripts), a.Transcripts))
		for i, fi := range a.LooseTranscripts {
			if i == fsTranscriptExamples {
				lines = append(lines, fmt.Sprintf("  … %d more", len(a.LooseTranscripts)-fsTranscriptExamples))
				break
			}
			lines = append(lines, "  "+fsDetail(fi))
			paths = append(paths, fi.Path)
		}
		rems = append(rems, fsChmodGlob(0o600, a.SessionsDir.Path, "*.jsonl*"))
	}
	if total == 0 {
		return nil
	}
	return []Hit{{
		Severity:    model.Warn,
		Detail:      fmt.Sprintf("%d session transcript(s) have group/world permission bits; transcripts hold private messages, pasted secrets and tool output:\n%s", total, strings.Join(lines, "\n")),
		Remediation: strings.Join(rems, "; "),
		Paths:       paths,
	}}
}

func fsBackupHits(s *model.Snapshot) []Hit {
	loose := fsLoose(fsState(s).ConfigBackups)
	if len(loose) == 0 {
		return nil
	}
	return []Hit{{
		Severity:    model.Warn,
		Detail:      fmt.Sprintf("%d config backup(s) are readable by others; backups keep old tokens and passwords even after you rotate or move them out of the config:%s", len(loose), fsBullets(loose)),
		Remediation: fsChmod(0o600, fsPaths(loose)...),
		Paths:       fsPaths(loose),
	}}
}

func fsEnvHits(s *model.Snapshot) []Hit {
	fi := fsState(s).EnvFile
	bits, ok := fsPerm(fi)
	if !ok || fi.IsDir || bits&0o077 == 0 {
		return nil
	}
	sev := model.Warn
	if bits&(fsWorldRead|fsWorldWrite) != 0 {
		sev = model.Critical
	}
	return []Hit{{
		Severity:    sev,
		Detail:      fsDetail(fi) + "; the .env file holds the secrets the config references as ${VAR} (gateway token, bot tokens, API keys).",
		Remediation: fsChmod(0o600, fi.Path),
		Paths:       []string{fi.Path},
	}}
}

// fsInside reports whether p lies in (or is) root, lexically.
func fsInside(root, p string) bool {
	root, p = filepath.Clean(root), filepath.Clean(p)
	if root == string(filepath.Separator) {
		return filepath.IsAbs(p)
	}
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

// fsOutOfState lists links met inside the state dir whose target lies
// outside it. The survey resolves a link's mode only when its target is
// inside the state dir, so a link with bits is inside; one without is
// outside unless its target text lexically points back in (a dangling link
// inside is not an escape).
func fsOutOfState(s *model.Snapshot) []model.FileInfo {
	st := fsState(s)
	roots := []string{s.Target.StateDir}
	if st.StateDir.IsSymlink && st.StateDir.LinkTarget != "" {
		t := st.StateDir.LinkTarget
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(st.StateDir.Path), t)
		}
		roots = append(roots, t)
	}
	var out []model.FileInfo
	for _, fi := range st.Symlinks {
		if !fi.IsSymlink || fi.Mode != 0 || fi.LinkTarget == "" || fi.Path == s.Target.ConfigPath {
			continue
		}
		t := fi.LinkTarget
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(fi.Path), t)
		}
		inside := false
		for _, r := range roots {
			inside = inside || fsInside(r, t)
		}
		if !inside {
			out = append(out, fi)
		}
	}
	return out
}

func fsSymlinkOutHits(s *model.Snapshot) []Hit {
	links := fsOutOfState(s)
	if len(links) == 0 {
		return nil
	}
	var b strings.Builder
	for _, fi := range links {
		fmt.Fprintf(&b, "\n- %s -> %s", fi.Path, fi.LinkTarget)
	}
	return []Hit{{
		Severity: model.Warn,
		Detail:   fmt.Sprintf("%d symlink(s) inside the state dir point outside it; their targets' permissions were not checked and anything that can write the target can change what OpenClaw reads:%s", len(links), b.String()),
		Paths:    fsPaths(links),
	}}
}

// fsCurrentUID is the uid hardshell runs as (-1 where unsupported).
var fsCurrentUID = os.Getuid

func fsOwnerHits(s *model.Snapshot) []Hit {
	uid := fsCurrentUID()
	if uid < 0 {
		return nil
	}
	st := fsState(s)
	var odd []model.FileInfo
	for _, fi := range []model.FileInfo{st.StateDir, st.Config} {
		if fi.Exists && !fi.IsSymlink && int64(fi.UID) != int64(uid) && fi.UID != 0 {
			odd = append(odd, fi)
		}
	}
	if len(odd) == 0 {
		return nil
	}
	var b strings.Builder
	for _, fi := range odd {
		fmt.Fprintf(&b, "\n- %s owned by uid %d", fi.Path, fi.UID)
	}
	return []Hit{{
		Severity: model.Warn,
		Detail:   fmt.Sprintf("You are uid %d, but:%s\nThe owner of these paths can rewrite the config and read every secret, whatever the mode bits say.", uid, b.String()),
		Paths:    fsPaths(odd),
	}}
}

// fsStaleTempHits lists hardshell temp files a crash left behind. Only
// their paths are shown: such a file holds a full copy of a config or .env,
// secrets included, and is never read.
func fsStaleTempHits(s *model.Snapshot) []Hit {
	list := fsState(s).StaleTemps
	if len(list) == 0 {
		return nil
	}
	var b strings.Builder
	loose := 0
	for _, fi := range list {
		fmt.Fprintf(&b, "\n- %s (mode %04o)", fi.Path, fi.Mode.Perm())
		if fi.Mode.Perm()&0o077 != 0 {
			loose++
		}
	}
	sev := model.Warn
	if loose > 0 {
		sev = model.Critical
	}
	return []Hit{{
		Severity: sev,
		Detail:   fmt.Sprintf("%d temp file(s) left by an interrupted hardshell write (their content is not shown; it may be a full copy of a config or .env with its secrets, %d readable by others):%s", len(list), loose, b.String()),
		Paths:    fsPaths(list),
	}}
}

func fsUnreadableHits(s *model.Snapshot) []Hit {
	list := fsState(s).Unreadable
	if len(list) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var paths []string
	var b strings.Builder
	for _, fi := range list {
		if seen[fi.Path] {
			continue
		}
		seen[fi.Path] = true
		paths = append(paths, fi.Path)
		msg := "unknown error"
		if fi.Err != nil {
			msg = fi.Err.Error()
		}
		fmt.Fprintf(&b, "\n- %s: %s", fi.Path, msg)
	}
	sort.Strings(paths)
	return []Hit{{
		Severity: model.Warn,
		Detail:   fmt.Sprintf("hardshell could not check %d path(s); their permissions and contents are unverified:%s", len(paths), b.String()),
		Paths:    paths,
	}}
}

func init() {
	const tier = model.TierPermissions
	perm := func(c Check) Check {
		c.Tier, c.FSOnly = tier, true
		if c.Why == "" {
			c.Why = fsWhyPerms
		}
		if c.Since == "" {
			c.Since = "OpenClaw 2026.2"
		}
		return c
	}
	Register("filesystem",
		perm(Check{ID: IDFsStateDirPermsWorldWritable, Title: "State dir is world-writable", Fix: model.FixSafe, Severity: "critical",
			Trigger: "the state dir has o+w", Remediation: "chmod 700 <state dir>", Breaks: "nothing: only the owner needs the state dir",
			Run: fsStateDirCheck(IDFsStateDirPermsWorldWritable)}),
		perm(Check{ID: IDFsStateDirPermsGroupWritable, Title: "State dir is group-writable", Fix: model.FixSafe, Severity: "warn",
			Trigger: "the state dir has g+w (and not o+w)", Remediation: "chmod 700 <state dir>", Breaks: "group members who shared the state dir lose access",
			Run: fsStateDirCheck(IDFsStateDirPermsGroupWritable)}),
		perm(Check{ID: IDFsStateDirPermsReadable, Title: "State dir is readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "the state dir has g+r or o+r (e.g. 755) and no write bits for others", Remediation: "chmod 700 <state dir>", Breaks: "other local users or backup agents that read it as another uid",
			Run: fsStateDirCheck(IDFsStateDirPermsReadable)}),
		perm(Check{ID: IDFsConfigPermsWritable, Title: "Config file is writable by others", Fix: model.FixSafe, Severity: "critical",
			Trigger: "the config has g+w or o+w (not checked for a symlinked config)", Remediation: "chmod 600 <config>", Breaks: "nothing for a single-user setup",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsConfigHits(s), IDFsConfigPermsWritable) }}),
		perm(Check{ID: IDFsConfigPermsWorldReadable, Title: "Config file is world-readable", Fix: model.FixSafe, Severity: "critical",
			Trigger: "the config has o+r", Remediation: "chmod 600 <config>", Breaks: "tools that read the config as another user",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsConfigHits(s), IDFsConfigPermsWorldReadable) }}),
		perm(Check{ID: IDFsConfigPermsGroupReadable, Title: "Config file is group-readable", Fix: model.FixSafe, Severity: "warn",
			Trigger: "the config has g+r", Remediation: "chmod 600 <config>", Breaks: "tools that read the config through group membership",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsConfigHits(s), IDFsConfigPermsGroupReadable) }}),
		perm(Check{ID: IDFsConfigIncludePermsWritable, Title: "Config include file is writable by others", Fix: model.FixSafe, Severity: "critical",
			Trigger: "a $include file (recursive) has g+w or o+w", Remediation: "chmod 600 <include>", Breaks: "nothing for a single-user setup",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsIncludeHits(s), IDFsConfigIncludePermsWritable) }}),
		perm(Check{ID: IDFsConfigIncludePermsWorldReadable, Title: "Config include file is world-readable", Fix: model.FixSafe, Severity: "critical",
			Trigger: "a $include file has o+r", Remediation: "chmod 600 <include>", Breaks: "tools that read the include as another user",
			Run: func(s *model.Snapshot) []Hit {
				return fsOnly(fsIncludeHits(s), IDFsConfigIncludePermsWorldReadable)
			}}),
		perm(Check{ID: IDFsConfigIncludePermsGroupReadable, Title: "Config include file is group-readable", Fix: model.FixSafe, Severity: "warn",
			Trigger: "a $include file has g+r", Remediation: "chmod 600 <include>", Breaks: "tools that read the include through group membership",
			Run: func(s *model.Snapshot) []Hit {
				return fsOnly(fsIncludeHits(s), IDFsConfigIncludePermsGroupReadable)
			}}),
		perm(Check{ID: IDFsCredentialsDirPermsWritable, Title: "Credentials dir is writable by others", Fix: model.FixSafe, Severity: "critical",
			Trigger: "<state>/credentials has g+w or o+w", Remediation: "chmod 700 <state>/credentials", Breaks: "nothing for a single-user setup",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsCredDirHits(s), IDFsCredentialsDirPermsWritable) }}),
		perm(Check{ID: IDFsCredentialsDirPermsReadable, Title: "Credentials dir is readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "<state>/credentials has g+r or o+r", Remediation: "chmod 700 <state>/credentials", Breaks: "other users that read pairing allowlists",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsCredDirHits(s), IDFsCredentialsDirPermsReadable) }}),
		perm(Check{ID: IDFsAuthProfilesPermsWritable, Title: "auth-profiles.json is writable by others", Fix: model.FixSafe, Severity: "critical",
			Trigger: "agents/<id>/agent/auth-profiles.json has g+w or o+w (each agent)", Remediation: "chmod 600 <auth-profiles.json>", Breaks: "nothing for a single-user setup",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsAuthHits(s), IDFsAuthProfilesPermsWritable) }}),
		perm(Check{ID: IDFsAuthProfilesPermsReadable, Title: "auth-profiles.json is readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "agents/<id>/agent/auth-profiles.json has g+r or o+r (each agent)", Remediation: "chmod 600 <auth-profiles.json>", Breaks: "nothing for a single-user setup",
			Run: func(s *model.Snapshot) []Hit { return fsOnly(fsAuthHits(s), IDFsAuthProfilesPermsReadable) }}),
		perm(Check{ID: IDFsSessionsStorePermsReadable, Title: "sessions.json is readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "agents/<id>/sessions/sessions.json has g+r or o+r (each agent)", Remediation: "chmod 600 <sessions.json>", Breaks: "nothing for a single-user setup",
			Run: fsSessionsHits}),
		perm(Check{ID: IDFsLogFilePermsReadable, Title: "Log file is readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "logging.file is set and the file has g+r or o+r", Remediation: "chmod 600 <log file>", Breaks: "log shippers that read the file as another user",
			Why: "The guide (0.8): gateway logs can contain tool summaries, errors and URLs, and leak private data even when access control is right. " + fsWhyPerms,
			Run: fsLogHits}),
		perm(Check{ID: IDFsStateDirSymlink, Title: "State dir is a symlink", Fix: model.FixManual, Severity: "warn",
			Trigger: "the state dir path is a symlink", Remediation: "Make sure you trust the link target, or point OPENCLAW_STATE_DIR at the real directory.", Breaks: "-",
			Why: "The guide lists symlinks among local-disk hygiene: a symlinked state dir is an extra trust boundary — whoever controls the link or its target controls OpenClaw's state.",
			Run: func(s *model.Snapshot) []Hit {
				fi := fsState(s).StateDir
				if !fi.IsSymlink {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: fi.Path + " is a symlink; treat this as an extra trust boundary.", Paths: []string{fi.Path}}}
			}}),
		perm(Check{ID: IDFsConfigSymlink, Title: "Config file is a symlink", Fix: model.FixManual, Severity: "warn",
			Trigger: "the config path is a symlink (its permission checks are then skipped)", Remediation: "Make sure you trust the link target; OpenClaw does not support writing through a symlinked config.", Breaks: "-",
			Why: "A symlinked config is an extra trust boundary: its target's permissions decide who can change gateway, auth and tool policy, and writes (openclaw --fix, hardshell) replace the link rather than the target.",
			Run: func(s *model.Snapshot) []Hit {
				fi := fsState(s).Config
				if !fi.IsSymlink {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: fi.Path + " is a symlink; make sure you trust its target.", Paths: []string{fi.Path}}}
			}}),
		perm(Check{ID: IDFsSyncedDir, Title: "State/config path looks like a synced folder", Fix: model.FixManual, Severity: "warn",
			Trigger:     "the lowercased state dir or config path contains icloud, dropbox, google drive, googledrive, onedrive or mobile documents",
			Remediation: "Keep OPENCLAW_STATE_DIR on a local-only volume and re-run hardshell.", Breaks: "moving the state dir needs a gateway restart with the new OPENCLAW_STATE_DIR",
			Why: "Synced folders copy tokens, credentials and transcripts to every device and to the sync provider; the guide's 'synced folder' check exists because disk access is the trust boundary.",
			Run: fsSyncedHits}),
		perm(Check{ID: IDFsCredentialsPermsReadable, Title: "Credential files are readable by others", Fix: model.FixSafe, Severity: "critical when a file is world-readable, else warn",
			Trigger: "a file under <state>/credentials/ (WhatsApp creds.json, <channel>-allowFrom.json, oauth.json…) has group/world bits", Remediation: "chmod 600 <each file>",
			Breaks: "nothing for a single-user setup", Since: "hardshell",
			Why: "The guide's credential storage map: credentials/ holds WhatsApp session keys (credentials/whatsapp/<account>/creds.json — whoever reads them can act as your WhatsApp), pairing allowlists and legacy OAuth imports. A tight directory does not help once a file is copied or the directory mode changes; OpenClaw's --fix sets these to 600.",
			Run: fsCredentialsHits}),
		perm(Check{ID: IDFsTranscriptsPermsReadable, Title: "Session transcripts are readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "agents/*/sessions/*.jsonl (and rotated .jsonl.*) files with group/world bits", Remediation: "chmod 600 <agent sessions>/*.jsonl*",
			Breaks: "nothing for a single-user setup", Since: "hardshell",
			Why: "The guide (local session logs live on disk; 0.7, 0.8): transcripts hold private messages, pasted secrets, file contents and command output, and any process or user who can read the files can read them (openclaw#18746).",
			Run: fsTranscriptHits}),
		perm(Check{ID: IDFsConfigBackupPermsReadable, Title: "Config backups are readable by others", Fix: model.FixSafe, Severity: "warn",
			Trigger: "openclaw.json.bak*, .last-good, .clobbered.*, .rejected.* with group/world bits", Remediation: "chmod 600 <each backup>",
			Breaks: "nothing", Since: "hardshell",
			Why: "Backups of the config keep whatever secrets the config held when they were written, including tokens you have since rotated or moved to the environment.",
			Run: fsBackupHits}),
		perm(Check{ID: IDFsEnvFilePermsReadable, Title: "State .env file is readable by others", Fix: model.FixSafe, Severity: "critical when world-readable, else warn",
			Trigger: "<state>/.env has group/world bits", Remediation: "chmod 600 <state>/.env", Breaks: "nothing", Since: "hardshell",
			Why: "<state>/.env is where the guide's ${VAR} secrets end up (OPENCLAW_GATEWAY_TOKEN, bot tokens, API keys): moving secrets out of the config only helps if this file is private.",
			Run: fsEnvHits}),
		perm(Check{ID: IDFsSymlinkOutOfState, Title: "Symlinks in the state dir point outside it", Fix: model.FixManual, Severity: "warn",
			Trigger: "a symlink inside the state dir whose target lies outside it", Remediation: "Replace the links with real files or directories inside the state dir, or make sure you own and trust their targets.",
			Breaks: "whatever relied on the shared target", Since: "hardshell",
			Why: "hardshell and OpenClaw's --fix never follow links out of the state dir, so the targets' permissions are unchecked; anyone who can write a target changes what OpenClaw reads (credentials, sessions, plugins).",
			Run: fsSymlinkOutHits}),
		perm(Check{ID: IDFsStateDirOwnerMismatch, Title: "State dir or config is owned by another user", Fix: model.FixManual, Severity: "warn",
			Trigger: "the state dir or config is owned by a uid other than yours and not root", Remediation: "chown -R <you> <state dir> (or run hardshell as the gateway's user).",
			Breaks: "the other user loses access", Since: "hardshell",
			Why: "Permissions protect only against users other than the owner: the owning account can read every secret and rewrite the config. The guide recommends a dedicated OS user for the gateway — it should own its state.",
			Run: fsOwnerHits}),
		perm(Check{ID: IDFsUnreadable, Title: "Some state files could not be checked", Fix: model.FixManual, Severity: "warn",
			Trigger: "the survey met paths it could not read (permission denied, I/O error)", Remediation: "Run hardshell as the user that runs the gateway, or fix the listed paths' ownership.",
			Breaks: "-", Since: "hardshell",
			Why: "A check that cannot read a file cannot vouch for it; hardshell reports the gap instead of staying silent.",
			Run: fsUnreadableHits}),
		perm(Check{ID: IDFsStaleTempFiles, Title: "An interrupted hardshell write left temp files", Fix: model.FixManual, Severity: "warn",
			Trigger: "a file named .<name>.hardshell-<hex>.tmp in the state dir or the config's folder (critical when readable by others)", Remediation: "Delete the listed files (rm), or let the next hardshell write remove them: it does so under its lock.",
			Breaks: "nothing: the files are never read by OpenClaw", Since: "hardshell",
			Why: "hardshell writes each file to a temp file and renames it into place; killed in between, the temp file stays, holding a full copy of the new config or .env, secrets included.",
			Run: fsStaleTempHits}),
	)
}

// Workspace skills (skills.workspace.*): OpenClaw loads each agent
// workspace's skills/**/SKILL.md, and 2026.9's audit
// (collectWorkspaceSkillSymlinkEscapeFindings) flags a skill file whose
// realpath lies outside its workspace. hardshell judges every symlink under
// skills/ (file or dir, and skills/ itself), not only SKILL.md: a link out
// of the workspace lets the agent read, and write through, a file it was
// never given. The walk goes through the snapshot's file system (so --host
// works), never follows a link out of the workspace, follows links that stay
// inside it (once per real dir), does not descend into node_modules or dot
// dirs (OpenClaw loads no skill from them) and is bounded.

// Bounds of the walk per workspace: directories visited and entries listed
// (variables so a test can reach them with a small tree).
var (
	skillsMaxDirs    = 4000
	skillsMaxEntries = 50000
)

const (
	skillsMaxHops = 40 // symlink hops resolved by hand for a dangling chain
	skillsMaxRows = 12 // escapes listed in a finding (OpenClaw's MAX_WORKSPACE_SKILL_ESCAPE_DETAIL_ROWS)
)

// skillsEscape is one symlink under a workspace's skills/ that resolves
// outside the workspace.
type skillsEscape struct {
	Workspace string // the workspace dir as resolved from the config
	Link      string // the link, under the workspace as configured
	Target    string // where it resolves (the final path, existing or not)
	Dangling  bool   // the final target does not exist
	Skill     bool   // the link is a SKILL.md or leads to a dir holding one
}

// skillsWorkspace is one agent workspace as the walk found it.
type skillsWorkspace struct {
	AgentID   string
	Dir       string
	HasSkills bool  // <workspace>/skills exists (a dir or a link)
	Truncated bool  // the walk stopped at a bound
	Err       error // listing failed somewhere (first error)
}

func init() {
	const whySkills = "OpenClaw loads every skill under each agent workspace's skills/ into the agent's prompt and tool set, and the agent can read and write its workspace. A symlink there that resolves outside the workspace hands the agent a file or tree it was never given: instructions it will follow, or a place outside the workspace it can rewrite through the link (a dangling link is created on the first write). OpenClaw's own audit (2026.9) flags skill files whose realpath escapes the workspace root."
	Register("filesystem",
		Check{ID: IDSkillsWorkspaceSymlinkEscape, Title: "Workspace skill files resolve outside the workspace root",
			Tier: model.TierPermissions, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a symlink under an agent workspace's skills/ (at any depth, or skills/ itself) whose realpath lies outside that workspace (OpenClaw 2026.9 checks skills/**/SKILL.md)",
			Remediation: "Keep workspace skills inside the workspace root (replace symlinked escapes with real in-workspace files), or move trusted shared skills to managed/bundled skill locations.",
			Why:         whySkills,
			Breaks:      "a skill shared between workspaces through the link is no longer updated in place",
			Since:       "OpenClaw 2026.9",
			Run:         skillsEscapeHits},
		Check{ID: IDSkillsWorkspaceScanTruncated, Title: "Workspace skill scan reached the directory visit limit",
			Tier: model.TierPermissions, Fix: model.FixManual, Severity: "warn",
			Trigger:     fmt.Sprintf("the walk of a workspace's skills/ stopped at its bound (%d directories or %d entries)", skillsMaxDirs, skillsMaxEntries),
			Remediation: "Flatten or simplify the skills/ directory hierarchy to stay within the scan budget, or move deeply-nested skill collections to a managed skill location.",
			Why:         whySkills + " Links in the part of the tree that was not walked were not checked.",
			Breaks:      "nothing",
			Since:       "OpenClaw 2026.9",
			Run:         skillsTruncatedHits},
	)
}

type skillsScan struct {
	Workspaces []skillsWorkspace // the workspaces that exist
	Escapes    []skillsEscape
}

type skillsMemo struct{}

// skillsScanOf walks every agent workspace's skills/ once per snapshot.
func skillsScanOf(s *model.Snapshot) *skillsScan {
	if s == nil || s.Target.StateDir == "" {
		return &skillsScan{}
	}
	return s.Memo(skillsMemo{}, func() any {
		sc := &skillsScan{}
		fsy := TargetFS(s)
		// Most agents have no workspace on disk yet (OpenClaw seeds it on
		// first run), and a state dir can list tens of thousands: each
		// parent folder is listed once (one round trip over --host)
		// instead of resolving every workspace path.
		listed := map[string]map[string]bool{}
		exists := func(dir string) bool {
			parent := filepath.Dir(dir)
			names, ok := listed[parent]
			if !ok {
				if es, err := fsy.ReadDir(parent, false); err == nil {
					names = make(map[string]bool, len(es))
					for _, e := range es {
						names[e.Name] = true
					}
				} else if errors.Is(err, fs.ErrNotExist) {
					names = map[string]bool{}
				} // else nil: unknown, let the walk find out
				listed[parent] = names
			}
			return names == nil || names[filepath.Base(dir)]
		}
		for _, w := range s.AgentWorkspaces() {
			if !exists(w.Dir) {
				continue // nothing on disk to walk
			}
			ws, esc := skillsWalk(fsy, w)
			sc.Workspaces = append(sc.Workspaces, ws)
			sc.Escapes = append(sc.Escapes, esc...)
		}
		return sc
	}).(*skillsScan)
}

// skillsResolve is where the link at p finally leads: the realpath when the
// chain resolves, else the chain followed by hand up to a missing final
// component (parents resolved), so a dangling link out is still seen.
func skillsResolve(fsy fsys.FS, p string) (final string, exists bool, err error) {
	if r, err := fsy.EvalSymlinks(p); err == nil {
		return r, true, nil
	}
	cur := p
	for range skillsMaxHops {
		fi, err := fsy.Lstat(cur)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return cur, false, nil
			}
			return "", false, err
		}
		if fi.Mode&fs.ModeSymlink == 0 {
			return cur, true, nil
		}
		t, err := fsy.Readlink(cur)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(cur), t)
		}
		if d, err := fsy.EvalSymlinks(filepath.Dir(t)); err == nil {
			t = filepath.Join(d, filepath.Base(t))
		}
		cur = filepath.Clean(t)
	}
	return "", false, fmt.Errorf("%s: too many levels of symbolic links", p)
}

// skillsWalk walks one workspace's skills/ breadth first.
func skillsWalk(fsy fsys.FS, w model.AgentWorkspace) (skillsWorkspace, []skillsEscape) {
	out := skillsWorkspace{AgentID: w.AgentID, Dir: w.Dir}
	real, err := fsy.EvalSymlinks(w.Dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			out.Err = err
		}
		return out, nil
	}
	var escapes []skillsEscape
	fail := func(err error) {
		if out.Err == nil {
			out.Err = err
		}
	}
	// judge decides about the link at shown (listed as realPath): an escape,
	// or the real dir to walk when it stays inside and is a dir.
	judge := func(shown, realPath string) (walk string) {
		final, exists, err := skillsResolve(fsy, realPath)
		if err != nil {
			fail(err)
			return ""
		}
		if _, inside := model.PathUnder(real, final); inside {
			if fi, err := fsy.Stat(final); err == nil && fi.IsDir() {
				return final
			}
			return ""
		}
		e := skillsEscape{Workspace: w.Dir, Link: shown, Target: final, Dangling: !exists, Skill: filepath.Base(shown) == "SKILL.md"}
		if exists && !e.Skill {
			if fi, err := fsy.Stat(final); err == nil && fi.IsDir() {
				_, err := fsy.Stat(filepath.Join(final, "SKILL.md"))
				e.Skill = err == nil
			}
		}
		escapes = append(escapes, e)
		return ""
	}
	type dir struct{ shown, real string }
	root := dir{filepath.Join(w.Dir, "skills"), filepath.Join(real, "skills")}
	fi, err := fsy.Lstat(root.real)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return out, nil
	case err != nil:
		out.HasSkills = true
		fail(err)
		return out, nil
	}
	out.HasSkills = true
	switch {
	case fi.Mode&fs.ModeSymlink != 0:
		if root.real = judge(root.shown, root.real); root.real == "" {
			return out, escapes
		}
	case !fi.IsDir():
		return out, nil
	}
	queue := []dir{root}
	visited := map[string]bool{}
	dirs, entries := 0, 0
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if visited[d.real] {
			continue
		}
		if dirs >= skillsMaxDirs || entries >= skillsMaxEntries {
			out.Truncated = true
			break
		}
		visited[d.real] = true
		dirs++
		list, err := fsy.ReadDir(d.real, false)
		if err != nil {
			fail(err)
			continue
		}
		for _, e := range list {
			entries++
			shown, rp := filepath.Join(d.shown, e.Name), filepath.Join(d.real, e.Name)
			switch {
			case e.Type&fs.ModeSymlink != 0:
				if next := judge(shown, rp); next != "" && !skillsSkipDir(e.Name) {
					queue = append(queue, dir{shown, next})
				}
			case e.Type.IsDir() && !skillsSkipDir(e.Name):
				queue = append(queue, dir{shown, rp})
			}
		}
	}
	return out, escapes
}

// skillsSkipDir: directories OpenClaw's skill scan never enters.
func skillsSkipDir(name string) bool { return strings.HasPrefix(name, ".") || name == "node_modules" }

func skillsEscapeHits(s *model.Snapshot) []Hit {
	sc := skillsScanOf(s)
	if len(sc.Escapes) == 0 {
		return nil
	}
	var b strings.Builder
	var paths, steps []string
	b.WriteString("Symlinks under workspace skills/ resolve outside their workspace root:")
	for i, e := range sc.Escapes {
		if i < skillsMaxRows {
			what := ""
			switch {
			case e.Dangling:
				what = " (dangling: a write through it creates the target)"
			case e.Skill:
				what = " (a skill: its SKILL.md is loaded from there)"
			}
			fmt.Fprintf(&b, "\n- workspace=%s\n  link=%s\n  realpath=%s%s", e.Workspace, e.Link, e.Target, what)
		}
		paths = append(paths, e.Link)
		if e.Dangling {
			steps = append(steps, "rm -- "+cmdline.Quote(e.Link))
		} else {
			steps = append(steps, "rm -- "+cmdline.Quote(e.Link)+" && cp -R -- "+cmdline.Quote(e.Target)+" "+cmdline.Quote(e.Link))
		}
	}
	if n := len(sc.Escapes) - skillsMaxRows; n > 0 {
		fmt.Fprintf(&b, "\n- +%d more", n)
	}
	rem := "Replace each link with a real copy inside the workspace (review it first), or move trusted shared skills to the managed skills dir (<state>/skills): " + strings.Join(steps, "; ")
	return []Hit{{Severity: model.Warn, Detail: b.String(), Remediation: rem, Paths: paths}}
}

func skillsTruncatedHits(s *model.Snapshot) []Hit {
	var hits []Hit
	for _, w := range skillsScanOf(s).Workspaces {
		if w.Truncated {
			hits = append(hits, Hit{Severity: model.Warn,
				Detail: fmt.Sprintf("The skills/ directory scan in %s stopped early after %d directories or %d entries. Links in the unscanned portion of the tree were not checked for escapes.", w.Dir, skillsMaxDirs, skillsMaxEntries),
				Paths:  []string{filepath.Join(w.Dir, "skills")}})
		}
	}
	return hits
}

// skillsPresent is the subject of the skills.workspace checks: some agent
// workspace has a skills/ dir.
func skillsPresent(s *model.Snapshot) bool {
	for _, w := range skillsScanOf(s).Workspaces {
		if w.HasSkills {
			return true
		}
	}
	return false
}
