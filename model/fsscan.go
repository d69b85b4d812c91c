package model

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/mem"
)

// ScanFS surveys the state dir in one pass and stats the files that matter
// outside it (the config, its includes, logging.file). doc may be nil.
//
// It never follows a symlink out of the state dir and never descends into a
// symlinked directory: a link is recorded with its target text, and with the
// target's mode only when the target resolves inside the state dir. The state
// dir itself may be a link (a common "~/.openclaw -> /data/openclaw" setup):
// it is recorded as a link, judged by its target's mode, and its target is
// what gets walked. `.hardshell/` (hardshell's own backups) and
// extensions/*/node_modules are skipped and not counted. Anything that cannot
// be read lands in Unreadable with its error: "could not check" is reported,
// never silent.
//
// Directories are listed with their entries' attributes (one fstatat per
// entry, free over SFTP), so a file the survey needs is never stat'ed a
// second time by path. A FIFO, a device or a socket where a state file
// belongs (a transcript, auth-profiles.json, a store) is listed in
// Unreadable and never opened.
func ScanFS(t Target, doc *Document) *FSState { return ScanFSWith(fsys.Local{}, t, doc) }

// ScanFSWith is ScanFS through a file-system seam (the snapshot's recorder:
// the stores the survey parses become inputs of the snapshot).
func ScanFSWith(r fsys.FS, t Target, doc *Document) *FSState {
	s := &scanner{
		fs:   r,
		st:   &FSState{},
		root: filepath.Clean(t.StateDir),
	}
	s.realRoot = s.root
	if r, err := s.fs.EvalSymlinks(s.root); err == nil {
		s.realRoot = r
	}
	if t.ConfigPath != "" {
		cfg := filepath.Clean(t.ConfigPath)
		s.cfgDir, s.cfgBase = filepath.Dir(cfg), filepath.Base(cfg)
	}
	s.agentIdx = map[string]int{}
	s.knownChannels = scanChannelIDs(doc)

	// The state dir itself.
	s.st.StateDir = s.info(s.root)
	if s.st.StateDir.IsSymlink {
		// The link target is the state dir: judge it by the target.
		if fi, err := s.fs.Lstat(s.realRoot); err == nil {
			s.st.StateDir.Mode = fi.Mode
			s.st.StateDir.IsDir = fi.IsDir()
		}
	}
	s.st.CredentialsDir = scanMissing(filepath.Join(s.root, "credentials"))
	s.st.EnvFile = scanMissing(filepath.Join(s.root, ".env"))
	s.st.ExecApprovals = scanMissing(filepath.Join(s.root, "exec-approvals.json"))
	if s.st.StateDir.IsDir && s.st.StateDir.Err == nil {
		d, err := fsys.OpenDir(s.fs, s.root)
		s.path = append(s.path[:0], s.root...)
		if err := s.walkSub(d, err, ctxRoot, nil, nil); err != nil {
			s.st.StateDir.Err = err
		}
	}

	// Config, includes and backups (which live beside the config, wherever it is).
	if t.ConfigPath != "" {
		s.st.Config = s.info(filepath.Clean(t.ConfigPath))
		if !s.cfgDirWalked {
			s.scanBackupsIn(s.cfgDir)
		}
	}
	if doc != nil {
		for _, f := range doc.Files[min(1, len(doc.Files)):] {
			s.st.Includes = append(s.st.Includes, s.info(f.Path))
		}
		if p := doc.Root.Lookup("logging.file").Text(); strings.TrimSpace(p) != "" {
			s.st.LogFile = s.info(scanUserPath(strings.TrimSpace(p), t.Home))
		}
	}

	s.addConfigAgents(doc)
	s.finish()
	return s.st
}

type scanCtx int

const (
	ctxRoot           scanCtx = iota
	ctxOther                  // anywhere without special meaning
	ctxCredentials            // credentials/ itself (pairing stores live here)
	ctxCredentialsSub         // any dir below credentials/
	ctxAgents                 // agents/
	ctxAgent                  // agents/<id>/
	ctxAgentAgent             // agents/<id>/agent/
	ctxSessions               // agents/<id>/sessions/
	ctxExtensions             // extensions/
	ctxExtension              // extensions/<id>/
)

type scanner struct {
	fs           fsys.FS
	st           *FSState
	root         string // state dir as located
	realRoot     string // state dir with symlinks resolved
	cfgDir       string
	cfgBase      string
	cfgDirWalked bool
	// The agents found so far, by value (a state dir can hold tens of
	// thousands: no pointer per agent, no copy at the end), and their
	// index by id. Only the top-level scanner has them.
	agents []AgentFiles
	// walked is the span of agents that walkAgents added, sorted by id
	// (found by binary search: a map of 50,000 ids costs more to build
	// than the lookups it serves); agentIdx indexes the others (links
	// in agents/, agents only the config names).
	walkedLo, walkedHi int
	agentIdx           map[string]int
	knownChannels      []string // channel ids from the config, longest first

	// path is the path of the entry at hand: the walked dirs and its
	// name. It is the walk's one buffer for paths; a string is made of it
	// (str) only for a path that is kept.
	path []byte
	// agentPaths, while an agent dir is walked, is its two longest paths
	// in one string (agentPathsOf): every path the agent's slots keep is
	// a slice of it.
	agentPaths string
	slot       fsys.Info // a subdirectory's attributes (openSub), copied before the next
}

// str is the path p as a string that can be kept: a slice of agentPaths
// when p is a prefix of either of its halves, else a copy.
func (s *scanner) str(p []byte) string {
	if ap := s.agentPaths; ap != "" {
		// (string(p) == … compares without a copy)
		if len(p) <= len(ap) && string(p) == ap[:len(p)] {
			return ap[:len(p)]
		}
		if i := strings.IndexByte(ap, 0) + 1; len(p) <= len(ap)-i && string(p) == ap[i:i+len(p)] {
			return ap[i : i+len(p)]
		}
	}
	return string(p)
}

// at is the path of the entry at hand as a string that can be kept.
func (s *scanner) at() string { return s.str(s.path) }

// walkSub walks the directory at s.path opened as d (nil when opening it
// failed with openErr) and closes it.
func (s *scanner) walkSub(d fsys.Dir, openErr error, ctx scanCtx, agent *AgentFiles, ext *Extension) error {
	if d == nil {
		s.unreadable(s.at(), openErr)
		return openErr
	}
	defer d.Close()
	return s.walk(d, ctx, agent, ext)
}

// openSub opens the subdirectory at s.path (entry e of the open dir d)
// and, when need says its attributes are wanted and the listing has none,
// fills e.Info from the opened directory: the listing leaves a directory
// to this one stat. When it cannot be opened e is described as it is now
// (a link or a file may have replaced the directory since the listing,
// and is then handled as one) and the error is returned. The attributes
// are stored in s.slot, which e.Info then points to, so the 150,000
// directories of 50,000 agent dirs cost no allocation each: the caller
// copies them before the next openSub.
func (s *scanner) openSub(d fsys.Dir, e *fsys.Entry, need bool) (fsys.Dir, error) {
	sub, err := d.OpenDir(e.Name)
	if err != nil {
		if st, lerr := s.fs.Lstat(string(s.path)); lerr == nil {
			s.slot = st
			e.Info, e.Type = &s.slot, st.Mode.Type()
		}
		return nil, err
	}
	if need && e.Info == nil {
		if st, err := sub.Stat(); err == nil {
			s.slot = st
			e.Info = &s.slot
		}
	}
	return sub, nil
}

// walk lists the open directory d (at s.path) and handles each entry
// according to where it is. The entries' names are d's (valid until it is
// closed): a name that is kept is copied.
func (s *scanner) walk(d fsys.Dir, ctx scanCtx, agent *AgentFiles, ext *Extension) error {
	n := len(s.path)
	defer func() { s.path = s.path[:n] }()
	// Where entries have a meaning their attributes are needed; elsewhere
	// the type from the listing is enough (count, find links, descend).
	ents, err := d.ReadDir(ctx != ctxOther)
	if err != nil {
		s.unreadable(s.at(), err)
		if len(ents) == 0 {
			return err
		}
		// Keep whatever was listed before the error.
	}
	inCfgDir := string(s.path) == s.cfgDir
	if inCfgDir {
		s.cfgDirWalked = true
	}
	if ctx == ctxAgents {
		// agents/<id> dirs, walked in parallel (one allocation, not a
		// doubling per thousand agents)
		agentDirs := make([]agentDir, 0, len(ents))
		defer func() { s.walkAgents(d, string(s.path[:n]), agentDirs) }()
		return s.walkEntries(d, ents, n, ctx, agent, ext, inCfgDir, &agentDirs)
	}
	return s.walkEntries(d, ents, n, ctx, agent, ext, inCfgDir, nil)
}

// walkEntries handles the entries of d, the dir at s.path[:n], for walk;
// agents/<id> dirs are collected in agentDirs.
func (s *scanner) walkEntries(d fsys.Dir, ents []fsys.Entry, n int, ctx scanCtx, agent *AgentFiles, ext *Extension, inCfgDir bool, agentDirs *[]agentDir) error {
	for _, e := range ents {
		name := e.Name
		s.path = append(append(s.path[:n], filepath.Separator), name...)
		typ := e.Type
		if typ == fs.ModeIrregular && e.Info == nil { // type unknown from the listing
			if fi, err := s.fs.Lstat(string(s.path)); err == nil {
				s.slot = fi
				typ, e.Info = fi.Mode.Type(), &s.slot
			}
		}
		isDir := typ.IsDir()
		if (ctx == ctxRoot && isDir && name == ".hardshell") || (ctx == ctxExtension && isDir && name == "node_modules") {
			continue
		}
		s.st.Files++
		if ctx == ctxSessions && typ == 0 && name != "sessions.json" && scanIsTranscript(name) && !inCfgDir && !fsys.IsTempName(name) {
			// A regular transcript (the bulk of a state dir): its path is
			// made a string only when it is kept.
			agent.Transcripts++
			s.transcript(e, agent)
			continue
		}
		// A subdirectory is opened here (agents/<id> by walkAgents), and
		// walked below by walkSub, which closes it.
		var sub fsys.Dir
		var subErr error
		if isDir && ctx != ctxAgents {
			sub, subErr = s.openSub(d, &e, ctx != ctxOther)
			typ = e.Type
			isDir = typ.IsDir()
		}
		if typ&fs.ModeSymlink != 0 {
			s.symlinkEntry(s.at(), name, ctx, agent, ext)
			continue
		}
		if inCfgDir && !isDir && s.isBackupName(name) {
			s.st.ConfigBackups = append(s.st.ConfigBackups, s.entryInfo(s.at(), e))
		}
		if !isDir && fsys.IsTempName(name) {
			s.st.StaleTemps = append(s.st.StaleTemps, s.entryInfo(s.at(), e))
		}
		switch ctx {
		case ctxRoot:
			switch {
			case isDir && name == "credentials":
				s.st.CredentialsDir = s.entryInfo(s.at(), e)
				if err := s.walkSub(sub, subErr, ctxCredentials, nil, nil); err != nil {
					s.st.CredentialsDir.Err = err
				}
				continue
			case isDir && name == "agents":
				s.walkSub(sub, subErr, ctxAgents, nil, nil)
				continue
			case isDir && name == "extensions":
				s.walkSub(sub, subErr, ctxExtensions, nil, nil)
				continue
			case !isDir && name == ".env":
				s.st.EnvFile = s.slotFile(s.at(), e)
			case !isDir && name == "exec-approvals.json":
				s.st.ExecApprovals = s.slotFile(s.at(), e)
			}
		case ctxCredentials, ctxCredentialsSub:
			if isDir {
				s.walkSub(sub, subErr, ctxCredentialsSub, nil, nil)
				continue
			}
			fi := s.slotFile(s.at(), e)
			s.st.Credentials = append(s.st.Credentials, fi)
			if ctx == ctxCredentials && fi.Err == nil {
				s.pairingFile(fi.Path, strings.Clone(name), fi)
			}
			continue
		case ctxAgents:
			if isDir {
				*agentDirs = append(*agentDirs, agentDir{id: name, entry: e})
				continue
			}
		case ctxAgent:
			switch {
			case isDir && name == "agent":
				agent.AgentDir = s.entryInfo(s.at(), e)
				if err := s.walkSub(sub, subErr, ctxAgentAgent, agent, nil); err != nil {
					agent.AgentDir.Err = err
				}
				continue
			case isDir && name == "sessions":
				agent.SessionsDir = s.entryInfo(s.at(), e)
				if err := s.walkSub(sub, subErr, ctxSessions, agent, nil); err != nil {
					agent.SessionsDir.Err = err
				}
				continue
			}
		case ctxAgentAgent:
			if !isDir && name == "auth-profiles.json" {
				agent.AuthProfiles = s.slotFile(s.at(), e)
			}
		case ctxSessions:
			if isDir {
				break
			}
			if name == "sessions.json" {
				agent.SessionsStore = s.slotFile(s.at(), e)
				continue
			}
			if scanIsTranscript(name) {
				agent.Transcripts++
				s.transcript(e, agent)
				continue
			}
		case ctxExtensions:
			if isDir {
				x := &Extension{ID: strings.Clone(name), Dir: s.entryInfo(s.at(), e)}
				if err := s.walkSub(sub, subErr, ctxExtension, nil, x); err != nil {
					x.Dir.Err = err
				}
				s.st.Extensions = append(s.st.Extensions, *x)
				continue
			}
		case ctxExtension:
			if !isDir && name == "package.json" {
				s.packageJSON(s.at(), e, ext)
				continue
			}
		}
		if isDir {
			s.walkSub(sub, subErr, ctxOther, nil, nil)
		}
	}
	return nil
}

// agentDir is one agents/<id> directory met by the walk.
type agentDir struct {
	id    string
	entry fsys.Entry
}

// walkAgents walks agents/<id> dirs (listed in agents, at path dir)
// concurrently (transcript trees are the bulk of a state dir and the walk
// is syscall-bound): the dirs are sorted by id and get their slots in
// s.agents up front, one scanner per worker takes dirs from a shared
// counter and fills their slots, then the workers' other findings are
// merged.
func (s *scanner) walkAgents(agents fsys.Dir, dir string, dirs []agentDir) {
	if len(dirs) == 0 {
		return
	}
	// The ids are the listing's names, valid while agents is open: the
	// kept ones are one string.
	size := 0
	for _, d := range dirs {
		size += len(d.id)
	}
	var b strings.Builder
	b.Grow(size)
	for _, d := range dirs {
		b.WriteString(d.id)
	}
	ids := b.String()
	for i := range dirs {
		dirs[i].id, ids = ids[:len(dirs[i].id)], ids[len(dirs[i].id):]
	}
	slices.SortFunc(dirs, func(a, b agentDir) int { return strings.Compare(a.id, b.id) })
	base := len(s.agents)
	s.agents = slices.Grow(s.agents, len(dirs))[:base+len(dirs)]
	// written whole below and by the workers: its pages in one call, not
	// one fault each (mem.Prefault)
	mem.Prefault(s.agents[base:])
	for i, d := range dirs {
		// The slots past len are zero (fresh from Grow, or never used:
		// s.agents only grows), so the id is all there is to set; a
		// whole-value store would zero 472 bytes again, through the
		// write barrier while a GC runs.
		s.agents[base+i].ID = d.id
	}
	s.walkedLo, s.walkedHi = base, base+len(dirs)
	workers := min(runtime.GOMAXPROCS(0)*2, len(dirs))
	subs := make([]*scanner, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range subs {
		sub := &scanner{fs: s.fs, st: &FSState{}, root: s.root, realRoot: s.realRoot, cfgDir: s.cfgDir, cfgBase: s.cfgBase,
			knownChannels: s.knownChannels}
		subs[w] = sub
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(dirs) {
					return
				}
				// each slot is written by one worker only
				sub.agentDir(agents, dir, &dirs[i], &s.agents[base+i])
			}
		}()
	}
	wg.Wait()
	for _, sub := range subs {
		o, t := s.st, sub.st
		o.Files += t.Files
		o.Symlinks = append(o.Symlinks, t.Symlinks...)
		o.Unreadable = append(o.Unreadable, t.Unreadable...)
		o.ConfigBackups = append(o.ConfigBackups, t.ConfigBackups...)
		o.StaleTemps = append(o.StaleTemps, t.StaleTemps...)
		s.cfgDirWalked = s.cfgDirWalked || sub.cfgDirWalked
	}
}

// agentDir opens agents/<id> (listed in agents, at path dir), fills its
// slot a and walks it. A link or a file swapped in since the listing is
// recorded as the listing would have recorded it, and not walked.
func (s *scanner) agentDir(agents fsys.Dir, dir string, ad *agentDir, a *AgentFiles) {
	s.path = append(append(append(s.path[:0], dir...), filepath.Separator), ad.id...)
	dl := len(s.path)
	s.agentPaths = agentPathsOf(s.path)
	defer func() { s.agentPaths = "" }()
	e := &ad.entry
	d, err := s.openSub(agents, e, true)
	switch {
	case e.Type&fs.ModeSymlink != 0:
		a.Dir = s.info(s.at())
		s.st.Symlinks = append(s.st.Symlinks, a.Dir)
	case !e.Type.IsDir():
		a.Dir = s.entryInfo(s.at(), *e)
	default:
		a.Dir = s.entryInfo(s.at(), *e)
		if err := s.walkSub(d, err, ctxAgent, a, nil); err != nil {
			a.Dir.Err = err
		}
	}
	// The paths of the files not found, as finish would make them.
	ap := s.agentPaths
	auth := ap[:strings.IndexByte(ap, 0)]
	store := ap[len(auth)+1:]
	for _, f := range [...]struct {
		p *string
		v string
	}{{&a.Dir.Path, auth[:dl]}, {&a.AgentDir.Path, auth[:dl+len("/agent")]}, {&a.AuthProfiles.Path, auth},
		{&a.SessionsDir.Path, store[:dl+len("/sessions")]}, {&a.SessionsStore.Path, store}} {
		if *f.p == "" {
			*f.p = f.v
		}
	}
}

// agentPathsOf is the paths of agent dir dir's auth-profiles.json and
// sessions.json in one string, NUL-separated: each path the agent's slots
// keep (the dir, agent/, sessions/ and the two files) is a prefix of one
// of them, so one allocation holds them all instead of five. With 50,000
// agents the survey's paths are the bulk of what it keeps.
func agentPathsOf(dir []byte) string {
	const auth, store = "/agent/auth-profiles.json", "/sessions/sessions.json"
	var b strings.Builder
	b.Grow(2*len(dir) + len(auth) + 1 + len(store))
	b.Write(dir)
	b.WriteString(auth)
	b.WriteByte(0)
	b.Write(dir)
	b.WriteString(store)
	return b.String()
}

// symlinkEntry records a link met during the walk in Symlinks and, when its
// place gives it a meaning, in that slot too. Links are never descended.
func (s *scanner) symlinkEntry(p, name string, ctx scanCtx, agent *AgentFiles, ext *Extension) {
	fi := s.info(p)
	s.st.Symlinks = append(s.st.Symlinks, fi)
	if filepath.Dir(p) == s.cfgDir && s.isBackupName(name) {
		s.st.ConfigBackups = append(s.st.ConfigBackups, fi)
	}
	switch ctx {
	case ctxRoot:
		switch name {
		case "credentials":
			s.st.CredentialsDir = fi
		case ".env":
			s.st.EnvFile = fi
		case "exec-approvals.json":
			s.st.ExecApprovals = fi
		}
	case ctxCredentials, ctxCredentialsSub:
		s.st.Credentials = append(s.st.Credentials, fi)
	case ctxAgents:
		s.agent(strings.Clone(name)).Dir = fi
	case ctxAgent:
		switch name {
		case "agent":
			agent.AgentDir = fi
		case "sessions":
			agent.SessionsDir = fi
		}
	case ctxAgentAgent:
		if name == "auth-profiles.json" {
			agent.AuthProfiles = fi
		}
	case ctxSessions:
		switch {
		case name == "sessions.json":
			agent.SessionsStore = fi
		case scanIsTranscript(name):
			agent.Transcripts++
			agent.SymlinkTranscript = append(agent.SymlinkTranscript, fi)
		}
	case ctxExtensions:
		s.st.Extensions = append(s.st.Extensions, Extension{ID: strings.Clone(name), Dir: fi})
	}
}

// transcript checks one transcript's mode (from the listing's attributes)
// without keeping a FileInfo (or making its path, s.path, a string)
// unless it is loose or not a regular file: a state dir can hold a hundred
// thousand of them.
func (s *scanner) transcript(e fsys.Entry, a *AgentFiles) {
	if e.Info != nil && e.Info.IsRegular() && e.Info.Mode&0o077 == 0 {
		return
	}
	p := s.at()
	if e.Info == nil {
		st, err := s.fs.Lstat(p)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.unreadable(p, err)
			}
			return
		}
		e.Info = &st
	}
	if !e.Info.IsRegular() {
		s.unreadable(p, &fsys.NotRegularError{Path: p, Mode: e.Info.Mode})
		return
	}
	if e.Info.Mode&0o077 != 0 {
		a.LooseTranscripts = append(a.LooseTranscripts, s.entryInfo(p, e))
	}
}

// entryInfo is the FileInfo of a listed entry, from the listing's
// attributes when it has them (a symlink is still resolved by info).
func (s *scanner) entryInfo(p string, e fsys.Entry) FileInfo {
	if e.Info == nil || e.Info.IsSymlink() {
		return s.info(p)
	}
	fi := FileInfo{Path: p}
	scanFill(&fi, *e.Info)
	return fi
}

// slotFile is entryInfo for a path where a regular file belongs (a store,
// .env, a transcript index): a FIFO, a device or a socket there, or a link
// to one, is listed in Unreadable with Err set, and is never read.
func (s *scanner) slotFile(p string, e fsys.Entry) FileInfo {
	fi := s.entryInfo(p, e)
	if !fi.Exists || fi.Err != nil || fi.IsDir {
		return fi
	}
	mode := fi.Mode
	if fi.IsSymlink {
		st, err := s.fs.Stat(p)
		if err != nil {
			return fi // dangling: reported as a link
		}
		mode = st.Mode
	}
	if !mode.IsRegular() && !mode.IsDir() {
		fi.Err = &fsys.NotRegularError{Path: p, Mode: mode}
		s.st.Unreadable = append(s.st.Unreadable, fi)
	}
	return fi
}

// info lstats p into a FileInfo. A missing path is Exists=false with no
// error; any other failure sets Err and is listed in Unreadable.
func (s *scanner) info(p string) FileInfo {
	fi := FileInfo{Path: p}
	st, err := s.fs.Lstat(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fi.Err = err
			s.unreadable(p, err)
		}
		return fi
	}
	scanFill(&fi, st)
	if !st.IsSymlink() {
		return fi
	}
	fi.IsSymlink = true
	fi.Mode = 0
	if target, err := s.fs.Readlink(p); err == nil {
		fi.LinkTarget = target
	}
	// The target's mode only when it resolves inside the state dir.
	real, err := s.fs.EvalSymlinks(p)
	if err != nil || !scanInside(s.realRoot, real) {
		return fi
	}
	if tst, err := s.fs.Lstat(real); err == nil {
		fi.Mode = tst.Mode
		fi.IsDir = tst.IsDir()
	}
	return fi
}

func scanFill(fi *FileInfo, st fsys.Info) {
	fi.Exists = true
	fi.IsDir = st.IsDir()
	fi.IsSymlink = st.IsSymlink()
	fi.Mode = st.Mode
	fi.Size = st.Size
	fi.mtime = st.ModTime.UnixNano()
	fi.UID, fi.GID = uint32(st.UID), uint32(st.GID)
}

// scanMissing is the FileInfo of a path not (yet) seen.
func scanMissing(p string) FileInfo { return FileInfo{Path: p} }

func (s *scanner) unreadable(p string, err error) { s.st.addUnreadable(s.fs, p, err) }

// addUnreadable lists p as a path that could not be checked, with err.
func (st *FSState) addUnreadable(r fsys.FS, p string, err error) {
	fi := FileInfo{Path: p, Err: err}
	if info, lerr := r.Lstat(p); lerr == nil {
		scanFill(&fi, info)
	}
	fi.Err = err
	st.Unreadable = append(st.Unreadable, fi)
	sortInfos(st.Unreadable)
}

func scanInside(root, p string) bool {
	if root == string(filepath.Separator) {
		return filepath.IsAbs(p)
	}
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

// scanIsTranscript matches <id>.jsonl and its rotated forms
// (<id>.jsonl.reset.<ts>, <id>.jsonl.deleted.<ts>).
func scanIsTranscript(name string) bool {
	return strings.HasSuffix(name, ".jsonl") || strings.Contains(name, ".jsonl.")
}

// isBackupName matches OpenClaw's copies of the config: .bak, .bak.N,
// .last-good, .clobbered.<ts>, .rejected.<ts>.
func (s *scanner) isBackupName(name string) bool {
	if s.cfgBase == "" || !strings.HasPrefix(name, s.cfgBase+".") {
		return false
	}
	rest := name[len(s.cfgBase)+1:]
	switch {
	case rest == "bak", rest == "last-good":
		return true
	case strings.HasPrefix(rest, "bak."), strings.HasPrefix(rest, "clobbered."), strings.HasPrefix(rest, "rejected."):
		return true
	}
	return false
}

// scanBackupsIn lists config backups in a config dir the walk did not cover.
func (s *scanner) scanBackupsIn(dir string) {
	ents, err := s.fs.ReadDir(dir, false)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.unreadable(dir, err)
		}
		return
	}
	for _, e := range ents {
		if e.Type&fs.ModeDir == 0 && fsys.IsTempName(e.Name) {
			s.st.StaleTemps = append(s.st.StaleTemps, s.info(filepath.Join(dir, e.Name)))
		}
		if s.isBackupName(e.Name) {
			fi := s.info(filepath.Join(dir, e.Name))
			s.st.ConfigBackups = append(s.st.ConfigBackups, fi)
		}
	}
}

// agent is the slot of agent id, added when new. The pointer is valid
// until the next agent is added.
func (s *scanner) agent(id string) *AgentFiles {
	i, ok := s.agentIndex(id)
	if !ok {
		i = len(s.agents)
		s.agents = append(s.agents, AgentFiles{ID: id})
		s.agentIdx[id] = i
	}
	return &s.agents[i]
}

// agentIndex is the index of agent id in s.agents.
func (s *scanner) agentIndex(id string) (int, bool) {
	walked := s.agents[s.walkedLo:s.walkedHi]
	if i, ok := slices.BinarySearchFunc(walked, id, func(a AgentFiles, id string) int { return strings.Compare(a.ID, id) }); ok {
		return s.walkedLo + i, true
	}
	i, ok := s.agentIdx[id]
	return i, ok
}

// addConfigAgents adds the agents the config names ("main", agents.list[].id
// in the guide era, agents.entries keys in the modern era) that have no
// directory on disk yet.
func (s *scanner) addConfigAgents(doc *Document) {
	ids := []string{"main"}
	if doc != nil {
		list := doc.Root.Lookup("agents.list")
		for i := 0; list != nil && list.Kind == KindArray && i < list.Len(); i++ {
			if id := strings.TrimSpace(list.At(i).Get("id").Text()); id != "" {
				ids = append(ids, id)
			}
		}
		ids = append(ids, doc.Root.Lookup("agents.entries").Keys()...)
	}
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if _, ok := s.agentIndex(id); id == "" || ok {
			continue
		}
		a := s.agent(id)
		a.Dir = s.info(filepath.Join(s.root, "agents", id))
	}
}

// finish fills the paths of absent per-agent files and sorts every list.
func (s *scanner) finish() {
	for i := range s.agents {
		a := &s.agents[i]
		if a.Dir.Path != "" && a.AgentDir.Path != "" && a.AuthProfiles.Path != "" && a.SessionsDir.Path != "" && a.SessionsStore.Path != "" {
			sortInfos(a.LooseTranscripts)
			sortInfos(a.SymlinkTranscript)
			continue
		}
		dir := filepath.Join(s.root, "agents", a.ID)
		if a.Dir.Path == "" {
			a.Dir.Path = dir
		}
		if a.AgentDir.Path == "" {
			a.AgentDir.Path = filepath.Join(dir, "agent")
		}
		if a.AuthProfiles.Path == "" {
			a.AuthProfiles.Path = filepath.Join(dir, "agent", "auth-profiles.json")
		}
		if a.SessionsDir.Path == "" {
			a.SessionsDir.Path = filepath.Join(dir, "sessions")
		}
		if a.SessionsStore.Path == "" {
			a.SessionsStore.Path = filepath.Join(dir, "sessions", "sessions.json")
		}
		sortInfos(a.LooseTranscripts)
		sortInfos(a.SymlinkTranscript)
	}
	// The walked dirs are in order already; agents met as links or named
	// only by the config came after them. Sort by moving each (large)
	// value once, not by swapping values.
	sorted := true
	for i := 1; i < len(s.agents) && sorted; i++ {
		sorted = s.agents[i-1].ID < s.agents[i].ID
	}
	if !sorted {
		order := make([]int, len(s.agents))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return strings.Compare(s.agents[i].ID, s.agents[j].ID) })
		sorted := make([]AgentFiles, len(s.agents))
		for k, i := range order {
			sorted[k] = s.agents[i]
		}
		s.agents = sorted
	}
	s.st.Agents = s.agents
	sort.Slice(s.st.Extensions, func(i, j int) bool { return s.st.Extensions[i].ID < s.st.Extensions[j].ID })
	sort.Slice(s.st.PairingStores, func(i, j int) bool {
		a, b := s.st.PairingStores[i], s.st.PairingStores[j]
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		return a.Account < b.Account
	})
	sort.Slice(s.st.Pending, func(i, j int) bool { return s.st.Pending[i].Channel < s.st.Pending[j].Channel })
	sortInfos(s.st.Credentials)
	sortInfos(s.st.ConfigBackups)
	sortInfos(s.st.Symlinks)
	sortInfos(s.st.Unreadable)
	sortInfos(s.st.StaleTemps)
}

func sortInfos(l []FileInfo) {
	sort.Slice(l, func(i, j int) bool { return l[i].Path < l[j].Path })
}

// pairingFile parses credentials/<channel>[-<account>]-allowFrom.json and
// credentials/<channel>-pairing.json.
func (s *scanner) pairingFile(p, name string, fi FileInfo) {
	switch {
	case strings.HasSuffix(name, "-allowFrom.json"):
		channel, account := s.splitChannel(strings.TrimSuffix(name, "-allowFrom.json"))
		ps := PairingStore{Channel: channel, Account: account, File: fi}
		var v struct {
			AllowFrom []any `json:"allowFrom"`
		}
		if err := s.readJSON(p, fi, &v); err != nil {
			ps.Err = err
		}
		seen := map[string]bool{}
		for _, e := range v.AllowFrom {
			var id string
			switch x := e.(type) {
			case string:
				id = x
			case float64:
				id = strings.TrimSpace(jsonNumber(x))
			default:
				continue
			}
			id = strings.TrimSpace(id)
			if id == "" || id == "*" || seen[id] {
				continue
			}
			seen[id] = true
			ps.Entries = append(ps.Entries, id)
		}
		s.st.PairingStores = append(s.st.PairingStores, ps)
	case strings.HasSuffix(name, "-pairing.json"):
		pp := PendingPairing{Channel: strings.TrimSuffix(name, "-pairing.json"), File: fi}
		var v struct {
			Requests []json.RawMessage `json:"requests"`
		}
		if err := s.readJSON(p, fi, &v); err != nil {
			pp.File.Err = err
		}
		pp.Requests = len(v.Requests)
		s.st.Pending = append(s.st.Pending, pp)
	}
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// splitChannel splits "<channel>[-<account>]": a channel id the config knows
// wins (ids may hold "-"), else the first "-" separates the account.
func (s *scanner) splitChannel(stem string) (string, string) {
	for _, c := range s.knownChannels {
		if stem == c {
			return c, ""
		}
		if strings.HasPrefix(stem, c+"-") {
			return c, stem[len(c)+1:]
		}
	}
	if i := strings.IndexByte(stem, '-'); i > 0 {
		return stem[:i], stem[i+1:]
	}
	return stem, ""
}

// scanChannelIDs lists the config's channel ids lowercased, longest first.
func scanChannelIDs(doc *Document) []string {
	if doc == nil {
		return nil
	}
	var ids []string
	for _, k := range doc.Root.Get("channels").Keys() {
		ids = append(ids, strings.ToLower(k))
	}
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) > len(ids[j]) })
	return ids
}

// readJSON decodes a small regular state file (never through a link)
// through the safe reader; it becomes an input of the snapshot.
func (s *scanner) readJSON(p string, fi FileInfo, v any) error {
	if fi.IsSymlink {
		return errors.New("not read: it is a symbolic link")
	}
	if fi.Err != nil {
		return fi.Err
	}
	data, err := s.fs.ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
	if err != nil {
		var tl *fsys.TooLargeError
		if errors.As(err, &tl) {
			return errors.New("not read: " + tl.Reason())
		}
		s.unreadable(p, err)
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errors.New("cannot parse: " + err.Error())
	}
	return nil
}

// packageJSON reads an extension's name and version.
func (s *scanner) packageJSON(p string, e fsys.Entry, ext *Extension) {
	fi := s.slotFile(p, e)
	var v struct {
		Name    any `json:"name"`
		Version any `json:"version"`
	}
	if err := s.readJSON(p, fi, &v); err != nil {
		return
	}
	ext.Name, _ = v.Name.(string)
	ext.Version, _ = v.Version.(string)
}

// scanUserPath expands "~" against home and makes p absolute.
func scanUserPath(p, home string) string {
	if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		p = filepath.Join(home, p[1:])
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}
