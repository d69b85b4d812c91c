package rotate

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// serviceFile is a service definition (or an env file it loads) that may
// bake the secret into the gateway's environment.
type serviceFile struct {
	path   string // real path (parent folders resolved)
	kind   string // systemd | launchd | envfile
	name   string // unit file name or launchd Label
	values []string
	gw     bool   // looks like the OpenClaw gateway's own service
	data   []byte // the bytes the plan read (through the snapshot's recorder)
}

// maxScan caps the size of a file searched for the old secret.
const maxScan = 16 << 20

// realPath resolves the folders above path (not path itself), so the
// transaction writes a regular file at a path without symlinks in it.
func realPath(r fsys.FS, path string) string {
	if dir, err := r.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
}

// regularFile reads path through the safe reader when it is a regular file
// (not a symlink) of a sane size; ok=false otherwise, with why set for a
// symlink or a file that could not be read.
func regularFile(r fsys.FS, path string) (data []byte, ok bool, why string) {
	fi, err := r.Lstat(path)
	if err != nil {
		return nil, false, ""
	}
	if fi.IsSymlink() {
		t, _ := r.Readlink(path)
		return nil, false, "is a symlink (to " + t + "); hardshell does not write through it — update it at its source"
	}
	if !fi.IsRegular() || fi.Size > maxScan {
		return nil, false, ""
	}
	data, err = r.ReadFile(path, fsys.ReadOptions{NoFollow: true, MaxSize: maxScan})
	if err != nil {
		return nil, false, "cannot be read: " + err.Error()
	}
	return data, true, ""
}

// serviceRead reads a service definition or an env file it loads as
// regularFile does. notRead says why one that exists was not read — a
// symlink (link), another kind of file, larger than maxScan, or a read
// error — and is "" when it was read or does not exist.
func serviceRead(r fsys.FS, path string) (data []byte, notRead string, link bool) {
	data, ok, why := regularFile(r, path)
	if ok {
		return data, "", false
	}
	fi, err := r.Lstat(path)
	switch {
	case why != "":
		return nil, why, err == nil && fi.IsSymlink()
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", false
	case err != nil:
		return nil, "cannot be examined: " + err.Error(), false
	case !fi.IsRegular():
		return nil, "is " + fsys.KindOf(fi.Mode) + ", not a regular file", false
	}
	return nil, fmt.Sprintf("is larger than %d MiB, the most hardshell reads", maxScan>>20), false
}

// scanServices lists the systemd user units and launchd agents under the
// home folder, with the values they give the secret's variables. A unit,
// or an EnvironmentFile= of one, inside the state dir that exists but
// cannot be read (not a symlink: those are noted in Skipped, never read
// through) comes back in unread: the plan cannot tell whether it gives the
// gateway the old secret, so it must not be passed over in silence.
func (p *planner) scanServices() (out []serviceFile, unread []FileNote) {
	names := p.info.EnvNames
	r := p.s.Sys()
	// notRead sorts a file that exists but was not read: inside the state
	// dir unread (a symlink is noted, never followed out of it), outside a
	// note when it matters (noteAlways, or it looks like the gateway's).
	notRead := func(path, why string, link, noteAlways bool) {
		in := p.inside(path)
		switch {
		case in && !link:
			unread = append(unread, FileNote{Path: path, Why: why})
		case in || noteAlways || mentions(r, path, names) || strings.Contains(strings.ToLower(filepath.Base(path)), "openclaw"):
			p.info.Skipped = append(p.info.Skipped, FileNote{Path: path, Why: why})
		}
	}
	add := func(dir, pattern, kind string) {
		for _, path := range fsys.Glob(r, dir, pattern) {
			data, why, link := serviceRead(r, path)
			if why != "" {
				notRead(path, why, link, false)
			}
			if data == nil {
				continue
			}
			sf := serviceFile{path: realPath(r, path), kind: kind, name: filepath.Base(path), data: data}
			p.info.Originals[sf.path] = data
			p.s.Redact().Learn(string(data)) // the environment it gives any service
			if kind == "systemd" {
				_, sf.values = replaceSystemdEnv(data, names, "")
				for _, ef := range environmentFiles(data) {
					ed, why, link := serviceRead(r, ef)
					if why != "" {
						notRead(ef, why, link, true)
					}
					if ed == nil {
						continue
					}
					p.s.Redact().Learn(string(ed))
					if vals := dotenvValues(ed, names); len(vals) > 0 {
						efp := realPath(r, ef)
						p.info.Originals[efp] = ed
						out = append(out, serviceFile{path: efp, kind: "envfile", name: ef, values: vals, data: ed})
					}
				}
			} else {
				_, sf.values = replacePlistEnv(data, names, "")
				if m := plistLabelRe.FindSubmatch(data); m != nil {
					sf.name = html.UnescapeString(string(m[1]))
				}
			}
			low := strings.ToLower(string(data))
			sf.gw = strings.Contains(low, "openclaw") || strings.Contains(low, "clawdbot")
			out = append(out, sf)
		}
	}
	if p.home != "" {
		add(filepath.Join(p.home, ".config", "systemd", "user"), "*.service", "systemd")
		add(filepath.Join(p.home, "Library", "LaunchAgents"), "*.plist", "launchd")
	}
	return out, unread
}

// UnreadableError refuses a rotation when a service definition or an
// EnvironmentFile= inside the state dir exists but cannot be read: the plan
// cannot tell whether it gives the gateway the old secret, and rotating
// around it could leave the gateway on that secret.
type UnreadableError struct {
	Files []FileNote
}

func (e *UnreadableError) Error() string {
	var l []string
	for _, f := range e.Files {
		l = append(l, f.Path+" "+f.Why)
	}
	return fmt.Sprintf("%s: a service file (or an EnvironmentFile= of one) inside the state dir that hardshell cannot read, so it cannot tell whether it gives the gateway the old secret; nothing was written — make it a readable regular file (or remove it from the unit), then run hardshell rotate again",
		strings.Join(l, "; "))
}

func mentions(r fsys.FS, path string, names []string) bool {
	data, err := r.ReadFile(path, fsys.ReadOptions{MaxSize: maxScan})
	if err != nil {
		return false
	}
	for _, n := range names {
		if bytes.Contains(data, []byte(n)) {
			return true
		}
	}
	return false
}

// updateServices sets the secret's variables in every service definition
// to the new value and replaces any other verbatim copy of the old one.
func (p *planner) updateServices(svc []serviceFile) error {
	var baked []string // variables that outside files give the gateway
	for _, f := range svc {
		data := f.data
		if cur, ok := p.files[f.path]; ok { // an env file the plan already changed (<state>/.env)
			data = cur
		}
		if !p.inside(f.path) {
			baked = append(baked, p.manualService(f, data)...)
			continue
		}
		var out []byte
		switch f.kind {
		case "systemd":
			out, _ = replaceSystemdEnv(data, p.info.EnvNames, p.info.New)
		case "launchd":
			out, _ = replacePlistEnv(data, p.info.EnvNames, p.info.New)
		default:
			out = data
			for _, n := range p.info.EnvNames {
				if _, ok := model.ParseDotenv(out)[n]; ok {
					var err error
					if out, err = remediate.UpsertDotenv(out, n, p.info.New); err != nil {
						return fmt.Errorf("%s: %w", f.path, err)
					}
				}
			}
		}
		out = replaceAll(out, p.info.Old, p.info.New)
		if !bytes.Equal(out, data) {
			p.put(f.path, out, "the "+f.kind+" definition bakes the old secret into the gateway's environment (openclaw#19410)")
		}
	}
	// <state>/.env lines for the fallback variables, and for the variables
	// the manual steps move out of the service files: hardshell keeps their
	// new value here, where the gateway (and EnvironmentFile=) reads it.
	envFile := p.dotenvPath()
	if len(baked) > 0 {
		if fi, err := p.s.Sys().Lstat(envFile); err == nil && !fi.IsRegular() {
			return fmt.Errorf("%s is not a regular file; hardshell does not write through it — the service files above need their secret moved there by hand", envFile)
		}
		cur, _, err := p.dotenv("hardshell does not write through it — the service files above need their secret moved there by hand")
		if err != nil {
			return err
		}
		out := cur
		for _, n := range uniq(baked) {
			if v, ok := model.ParseDotenv(out)[n]; ok && v == p.info.New {
				continue
			}
			if out, err = remediate.UpsertDotenv(out, n, p.info.New); err != nil {
				return fmt.Errorf("%s: %w", envFile, err)
			}
		}
		if !bytes.Equal(out, cur) {
			p.put(envFile, out, "the new secret for "+strings.Join(uniq(baked), ", ")+", which the service files are to read from here")
		}
	}
	// the fallback variables in <state>/.env, as the snapshot read it (or
	// as the plan changed it above)
	if p.s.FS != nil && p.s.FS.EnvFile.IsSymlink {
		if !slices.ContainsFunc(p.info.Skipped, func(n FileNote) bool { return n.Path == envFile }) {
			p.info.Skipped = append(p.info.Skipped, FileNote{Path: envFile, Why: "is a symlink (to " + p.s.FS.EnvFile.LinkTarget + "); hardshell does not write through it — if it sets " + strings.Join(p.info.EnvNames, "/") + ", set them to the new secret at its source"})
		}
		return nil
	}
	cur, exists, err := p.dotenv("hardshell does not write through it")
	if err != nil {
		return err
	}
	if !exists {
		return nil
	}
	out := cur
	for _, n := range p.info.EnvNames {
		if v, ok := model.ParseDotenv(out)[n]; ok && v != p.info.New {
			p.addOld(v)
			if out, err = remediate.UpsertDotenv(out, n, p.info.New); err != nil {
				return fmt.Errorf("%s: %w", envFile, err)
			}
		}
	}
	if !bytes.Equal(out, cur) {
		p.put(envFile, out, "set "+strings.Join(p.info.EnvNames, "/")+" to the new secret")
	}
	return nil
}

// manualService turns a service definition outside the state dir that
// holds the old secret into manual steps (which line or key, masked, and
// what to change: read the variable from <state>/.env, which hardshell
// updates, so the new secret never goes on a command line). It returns
// the variables the file sets.
func (p *planner) manualService(f serviceFile, data []byte) []string {
	env := p.dotenvPath()
	var names []string
	for _, n := range p.info.EnvNames {
		var vals []string
		switch f.kind {
		case "systemd":
			_, vals = replaceSystemdEnv(data, []string{n}, "")
		case "launchd":
			_, vals = replacePlistEnv(data, []string{n}, "")
		default:
			vals = dotenvValues(data, []string{n})
		}
		if len(vals) > 0 {
			names = append(names, n)
		}
	}
	add := func(where, holds, do string) {
		p.info.Manual = append(p.info.Manual, Manual{Path: f.path, Where: where, Holds: holds, Do: do})
	}
	lines := strings.SplitAfter(string(data), "\n")
	mask := func(l string) string {
		l = strings.TrimRight(l, "\r\n")
		for _, o := range p.info.Old {
			if o != "" {
				l = strings.ReplaceAll(l, o, model.Mask(o))
			}
		}
		for _, n := range names { // a value that is not an old secret (yet) is masked too
			if i := strings.Index(l, n+"="); i >= 0 {
				j := i + len(n) + 1
				k := j
				for k < len(l) && l[k] != ' ' && l[k] != '\t' && l[k] != '"' {
					k++
				}
				if k > j && !strings.Contains(l[j:k], "…(") {
					l = l[:j] + model.Mask(l[j:k]) + l[k:]
				}
			}
		}
		return l
	}
	restartUnit := "systemctl --user daemon-reload && systemctl --user restart " + f.name
	covered := map[int]bool{}
	switch f.kind {
	case "systemd":
		for i, l := range lines {
			if !systemdEnvLineRe.MatchString(l) {
				continue
			}
			var here []string
			for _, n := range names {
				if _, v := replaceSystemdEnv([]byte(l), []string{n}, ""); len(v) > 0 {
					here = append(here, n)
				}
			}
			if len(here) == 0 {
				continue
			}
			covered[i] = true
			add(fmt.Sprintf("line %d", i+1), mask(l),
				fmt.Sprintf("remove %s from this line (the whole line if nothing else is on it) and add the line EnvironmentFile=%s to the [Service] section — hardshell writes the new value there; then run: %s",
					strings.Join(here, ", "), env, restartUnit))
		}
	case "launchd":
		for _, n := range names {
			add("EnvironmentVariables → "+n, "<string>"+model.Mask(firstOr(replacePlistEnv(data, []string{n}, "")))+"</string>",
				fmt.Sprintf("remove the key so the gateway reads %s from %s, where hardshell writes the new value: plutil -remove EnvironmentVariables.%s %s; then run: launchctl bootout gui/$(id -u)/%s; launchctl bootstrap gui/$(id -u) %s",
					n, env, n, remediate.ShellQuote(f.path), f.name, remediate.ShellQuote(f.path)))
		}
	default: // an EnvironmentFile= of a unit
		for i, l := range lines {
			for _, n := range names {
				if _, ok := model.ParseDotenv([]byte(l))[n]; ok {
					covered[i] = true
					add(fmt.Sprintf("line %d", i+1), mask(l),
						fmt.Sprintf("delete this line (a value here wins over %s, where hardshell writes the new one); if the unit needs the variable, point its EnvironmentFile= at %s instead; then run: systemctl --user daemon-reload and restart the unit that loads %s",
							env, env, f.name))
					break
				}
			}
		}
	}
	// any other verbatim copy of an old secret (a --token flag, a comment)
	for i, l := range lines {
		if !covered[i] && containsAny([]byte(l), p.info.Old) {
			add(fmt.Sprintf("line %d", i+1), mask(l), "remove the old secret from this line (read it from "+env+" instead)")
		}
	}
	return names
}

// ServiceSteps lists, as manual steps, the systemd user units, their
// EnvironmentFile= files and the launchd agents under home (outside the
// state dir) that give the gateway one of the variables names, for a
// rotation to newSecret that another flow (contain) makes; baked are the
// variables to give their new value in <state>/.env, where the steps send
// the services; unread are the ones inside the state dir that exist but
// could not be read (the caller says to check them by hand). Old values
// found there are registered with the redactor.
func ServiceSteps(s *model.Snapshot, home string, names []string, newSecret string) (steps []Manual, baked []string, unread []FileNote) {
	if home == "" || len(names) == 0 {
		return nil, nil, nil
	}
	info := Info{Secret: Secret{EnvNames: names}, New: newSecret, Originals: map[string][]byte{}}
	p := &planner{s: s, info: &info, cs: &model.ChangeSet{}, home: home, roots: []string{s.Target.StateDir}}
	if s.Target.ConfigPath != "" {
		p.roots = append(p.roots, filepath.Dir(s.Target.ConfigPath))
	}
	svc, unread := p.scanServices()
	for _, f := range svc {
		for _, v := range f.values {
			p.addOld(v)
		}
	}
	for _, f := range svc {
		if len(f.values) > 0 && !p.inside(f.path) {
			baked = append(baked, p.manualService(f, f.data)...)
		}
	}
	return info.Manual, uniq(baked), unread
}

func firstOr(_ []byte, vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

func uniq(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range l {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func replaceAll(data []byte, olds []string, repl string) []byte {
	for _, o := range olds {
		if o != "" {
			data = bytes.ReplaceAll(data, []byte(o), []byte(repl))
		}
	}
	return data
}

func containsAny(data []byte, olds []string) bool {
	for _, o := range olds {
		if o != "" && bytes.Contains(data, []byte(o)) {
			return true
		}
	}
	return false
}

var systemdEnvLineRe = regexp.MustCompile(`^\s*Environment\s*=`)

// replaceSystemdEnv finds NAME=value assignments in Environment= lines
// (quoted or not) and, when repl != "", replaces each value byte for byte.
// It returns the new bytes and the values found.
func replaceSystemdEnv(data []byte, names []string, repl string) ([]byte, []string) {
	var vals []string
	lines := strings.SplitAfter(string(data), "\n")
	for i, l := range lines {
		loc := systemdEnvLineRe.FindStringIndex(l)
		if loc == nil {
			continue
		}
		head, rest := l[:loc[1]], l[loc[1]:]
		for _, name := range names {
			var b strings.Builder
			j := 0
			for {
				k := strings.Index(rest[j:], name+"=")
				if k < 0 {
					b.WriteString(rest[j:])
					break
				}
				k += j
				if k > 0 && !strings.ContainsRune(" \t\"", rune(rest[k-1])) {
					b.WriteString(rest[j : k+len(name)+1])
					j = k + len(name) + 1
					continue
				}
				quoted := k > 0 && rest[k-1] == '"'
				vs := k + len(name) + 1
				ve := vs
				for ve < len(rest) {
					c := rest[ve]
					if c == '\n' || c == '\r' || (quoted && c == '"') || (!quoted && (c == ' ' || c == '\t')) {
						break
					}
					ve++
				}
				vals = append(vals, rest[vs:ve])
				b.WriteString(rest[j:vs])
				if repl != "" {
					b.WriteString(repl)
				} else {
					b.WriteString(rest[vs:ve])
				}
				j = ve
			}
			rest = b.String()
		}
		lines[i] = head + rest
	}
	return []byte(strings.Join(lines, "")), vals
}

var envFileLineRe = regexp.MustCompile(`(?m)^\s*EnvironmentFile\s*=\s*-?(\S+)\s*$`)

// environmentFiles lists the absolute EnvironmentFile= paths of a unit.
func environmentFiles(data []byte) []string {
	var out []string
	for _, m := range envFileLineRe.FindAllSubmatch(data, -1) {
		if p := string(m[1]); filepath.IsAbs(p) {
			out = append(out, p)
		}
	}
	return out
}

func dotenvValues(data []byte, names []string) []string {
	env := model.ParseDotenv(data)
	var out []string
	for _, n := range names {
		if v, ok := env[n]; ok {
			out = append(out, v)
		}
	}
	return out
}

var plistLabelRe = regexp.MustCompile(`<key>\s*Label\s*</key>\s*<string>([^<]*)</string>`)

// replacePlistEnv finds <key>NAME</key><string>value</string> pairs and,
// when repl != "", replaces each value byte for byte.
func replacePlistEnv(data []byte, names []string, repl string) ([]byte, []string) {
	var vals []string
	out := data
	for _, name := range names {
		re := regexp.MustCompile(`(<key>\s*` + regexp.QuoteMeta(name) + `\s*</key>\s*<string>)([^<]*)(</string>)`)
		out = re.ReplaceAllFunc(out, func(m []byte) []byte {
			sm := re.FindSubmatch(m)
			vals = append(vals, html.UnescapeString(string(sm[2])))
			if repl == "" {
				return m
			}
			r := append([]byte{}, sm[1]...)
			r = append(r, html.EscapeString(repl)...)
			return append(r, sm[3]...)
		})
	}
	return out, vals
}

// isBackupName reports OpenClaw's config backups: openclaw.json.bak*,
// .last-good, .clobbered.*, .rejected.* (and legacy clawdbot.json ones).
func isBackupName(base string) bool {
	for _, pre := range []string{"openclaw.json.", "clawdbot.json.", "moltbot.json."} {
		if strings.HasPrefix(base, pre) {
			rest := base[len(pre):]
			for _, k := range []string{"bak", "last-good", "clobbered", "rejected", "backup", "orig"} {
				if strings.HasPrefix(rest, k) {
					return true
				}
			}
		}
	}
	return strings.HasSuffix(base, ".bak")
}

// redacted replaces the old secret in logs and transcripts.
const redacted = "[secret removed by hardshell rotate]"

// sweepStateDir finds every other file in the state dir that holds the old
// secret verbatim: OpenClaw's config backups are tightened to 0600 (their
// contents are history; the old secret is revoked); logs and transcripts
// get it removed; any other file gets the new value in its place.
func (p *planner) sweepStateDir() error {
	state := p.s.Target.StateDir
	if len(p.info.Old) == 0 || state == "" {
		p.flush()
		return nil
	}
	// the scrub reads every file of the state dir: through the safe reader,
	// but not recorded as inputs (the files it rewrites are pinned one by
	// one in Originals)
	var raw fsys.FS = fsys.Local{}
	if p.s.Reads != nil {
		raw = p.s.Reads.FS
	}
	cfg := map[string]bool{}
	if p.s.Doc != nil {
		for _, f := range p.s.Doc.Files {
			cfg[f.Path] = true
			cfg[realPath(raw, f.Path)] = true
		}
	}
	known := map[string]bool{}
	if p.s.FS != nil {
		for _, b := range p.s.FS.ConfigBackups {
			known[b.Path] = true
		}
	}
	err := walkDir(raw, state, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable entries are the audit's business
		}
		rel, _ := filepath.Rel(state, path)
		if d.IsDir() {
			if rel == ".hardshell" || d.Name() == "node_modules" || d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if cfg[path] || cfg[realPath(raw, path)] {
			return nil
		}
		data, ok, why := regularFile(raw, path)
		if !ok {
			if why != "" && d.Type()&fs.ModeSymlink == 0 {
				p.info.Skipped = append(p.info.Skipped, FileNote{Path: path, Why: why})
			}
			return nil
		}
		rp := realPath(raw, path)
		if cur, ok := p.current(rp); ok { // what the plan read (and changed) wins over this sweep's read
			data = cur
		}
		if !containsAny(data, p.info.Old) {
			return nil
		}
		switch {
		case known[path] || isBackupName(d.Name()):
			fi, err := raw.Lstat(path)
			if err == nil && fi.Mode.Perm() != 0o600 {
				p.cs.Chmods = append(p.cs.Chmods, model.Chmod{Path: path, Mode: 0o600, Reason: "OpenClaw backup still holding the old secret"})
				p.info.Chmodded = append(p.info.Chmodded, FileNote{Path: path, Why: fmt.Sprintf("OpenClaw config backup with the old secret: mode %04o → 0600 (kept as history; the old secret is revoked)", fi.Mode.Perm())})
			} else {
				p.info.Chmodded = append(p.info.Chmodded, FileNote{Path: path, Why: "OpenClaw config backup with the old secret: already 0600 (kept as history; the old secret is revoked)"})
			}
		case bytes.IndexByte(data, 0) >= 0:
			p.info.Skipped = append(p.info.Skipped, FileNote{Path: path, Why: "binary file holding the old secret; not changed"})
		case remediate.HistoryFile(rel):
			if _, seen := p.info.Originals[rp]; !seen {
				p.info.Originals[rp] = data
			}
			p.put(rp, replaceAll(data, p.info.Old, redacted), "remove the revoked secret from a log or transcript")
		default:
			if _, seen := p.info.Originals[rp]; !seen {
				p.info.Originals[rp] = data
			}
			p.put(rp, replaceAll(data, p.info.Old, p.info.New), "held the old secret verbatim")
		}
		return nil
	})
	p.flush()
	return err
}

// advise fills the restart commands and the clients to update.
func (p *planner) advise(svc []serviceFile) {
	info := p.info
	seen := map[string]bool{}
	addRestart := func(c string) {
		if !seen[c] {
			seen[c] = true
			info.Restart = append(info.Restart, c)
		}
	}
	updated := map[string]bool{}
	for _, u := range info.Updated {
		updated[u.Path] = true
	}
	for _, f := range svc {
		if !f.gw && !updated[f.path] {
			continue
		}
		switch f.kind {
		case "systemd":
			addRestart("systemctl --user daemon-reload && systemctl --user restart " + f.name)
		case "launchd":
			if updated[f.path] {
				addRestart(fmt.Sprintf("launchctl bootout gui/$(id -u)/%s; launchctl bootstrap gui/$(id -u) %s", f.name, f.path))
			} else {
				addRestart("launchctl kickstart -k gui/$(id -u)/" + f.name)
			}
		}
	}
	addRestart("openclaw gateway restart")

	root := audit.Config(p.s)
	switch info.Target {
	case Gateway:
		field := "gateway.remote." + info.Kind
		info.Remote = append(info.Remote,
			fmt.Sprintf("every machine whose CLI or app connects to this gateway: set %s there to the new value (`openclaw config set %s <new>`, or its ${VAR})", field, field),
			"browsers using the Control UI: paste the new "+info.Kind+" into its settings")
		if info.Kind == "token" {
			info.Remote = append(info.Remote, "paired nodes and scripts that send the token (Authorization: Bearer) to /tools/invoke or /v1/*")
		}
		if u := root.Lookup("gateway.remote.url").Text(); u != "" {
			info.Remote = append(info.Remote, "this machine's own gateway.remote.url is "+u+": its secret was checked here too")
		}
	case Hooks:
		path := root.Lookup("hooks.path").Text()
		if path == "" {
			path = "/hooks"
		}
		info.Remote = append(info.Remote, "every service that posts webhooks to "+path+": give it the new token (Authorization: Bearer or x-openclaw-token)")
	case Remote:
		u := root.Lookup("gateway.remote.url").Text()
		if u == "" {
			u = "the remote gateway"
		}
		info.Remote = append(info.Remote, fmt.Sprintf("%s: set its gateway.auth.%s to the same new value and restart it (until then this machine cannot connect)", u, info.Kind))
	}
}
