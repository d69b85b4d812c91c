// Package contain is the incident-containment flow (`hardshell contain`),
// after the security guide's incident section: stop the exposure, freeze
// inbound access, switch off elevated and high-risk tools, rotate the
// gateway secrets, list the provider credentials to rotate by hand, collect
// the evidence (gateway log, transcripts, changed extensions) and write a
// redacted incident report.
package contain

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// DM and group containment modes.
const (
	DMDisabled      = "disabled" // risky DMs: dmPolicy "disabled" (default)
	DMPairing       = "pairing"  // risky DMs: dmPolicy "pairing" (new senders need the owner's approval)
	GroupsAllowlist = "allowlist"
	GroupsDisabled  = "disabled"
)

// HighRiskTools are denied globally while the incident is investigated
// (tools.deny): host commands, background processes, browser and web
// access, and the control-plane tools that change the gateway or schedule
// work.
var HighRiskTools = []string{"exec", "process", "browser", "web_fetch", "web_search", "gateway", "cron"}

// Options tune the containment plan. The zero value is the strictest
// sensible containment: risky DMs disabled, open groups on an allowlist
// with mentions required, Control UI off.
type Options struct {
	// DM is what risky DM scopes become: DMDisabled ("" = disabled) or
	// DMPairing. Risky: dmPolicy open, "*" in the DM allowlist (config or
	// pairing store), or, with DMDisabled, more than one approved sender.
	DM string
	// Groups is what open group policies become: GroupsAllowlist ("" =
	// allowlist, requireMention on) or GroupsDisabled.
	Groups string
	// KeepControlUI leaves the Control UI on (it is switched off by default
	// until the incident is understood).
	KeepControlUI bool
	// NewToken generates secrets; nil = remediate.GenerateToken (crypto/rand,
	// 48 hex chars).
	NewToken func() (string, error)
	// Before is the audit of the snapshot the caller already ran; nil =
	// Plan audits it.
	Before *audit.Report
	// Getenv is the environment of the gateway's machine (over --host the
	// remote's: its variables win over .env for the gateway, and the
	// rotation says when one is set there); nil = os.LookupEnv.
	Getenv func(string) (string, bool)
}

// getenv is Options.Getenv or this process's environment.
func (o Options) getenv() func(string) (string, bool) {
	if o.Getenv != nil {
		return o.Getenv
	}
	return os.LookupEnv
}

func (o Options) dm() string {
	if o.DM == "" {
		return DMDisabled
	}
	return o.DM
}

func (o Options) groups() string {
	if o.Groups == "" {
		return GroupsAllowlist
	}
	return o.Groups
}

// Validate checks the option values (bad values are input errors).
func (o Options) Validate() error {
	switch o.dm() {
	case DMDisabled, DMPairing:
	default:
		return &model.InputError{Msg: fmt.Sprintf("--dm: unknown value %q (want disabled or pairing)", o.DM)}
	}
	switch o.groups() {
	case GroupsAllowlist, GroupsDisabled:
	default:
		return &model.InputError{Msg: fmt.Sprintf("--groups: unknown value %q (want allowlist or disabled)", o.Groups)}
	}
	return nil
}

// planner accumulates the change set.
type planner struct {
	s       *model.Snapshot
	opts    Options
	cfg     *model.Node
	before  []model.Finding
	edits   []model.Edit
	byPath  map[string]int
	removed map[string]bool // unset paths (their children need no edit)
	env     [][2]string     // KEY=value pairs for <state>/.env
	writes  []model.FileWrite
	after   []string
	rotated []string // what was rotated, for the report
	// rotatedEnv are the variables the rotation gives new values in .env
	rotatedEnv []string
	// rotWrites are the rotation's file writes (.env, a SecretRef file),
	// after the containment's own in the change set
	rotWrites []model.FileWrite
	newToken  func() (string, error)
}

// Plan computes the containment and rotation change set for s. It is pure:
// it reads what the snapshot holds (its .env and pairing stores, through
// the snapshot's recorder) and writes nothing. Edits carry the check id they fix when the trial render of the
// candidate shows that finding gone, so remediate.Prepare verifies them.
func Plan(s *model.Snapshot, opts Options) (model.ChangeSet, error) {
	if err := opts.Validate(); err != nil {
		return model.ChangeSet{}, err
	}
	if s == nil || s.Doc == nil {
		if s != nil && s.DocErr != nil {
			return model.ChangeSet{}, fmt.Errorf("the config could not be read, so it cannot be contained (stop the gateway: openclaw gateway stop): %w", s.DocErr)
		}
		return model.ChangeSet{}, fmt.Errorf("no OpenClaw config to contain")
	}
	p := &planner{s: s, opts: opts, cfg: s.Doc.Root, byPath: map[string]int{}, removed: map[string]bool{}, newToken: opts.NewToken}
	if p.newToken == nil {
		p.newToken = remediate.GenerateToken
	}
	rep := opts.Before
	if rep == nil {
		var err error
		if rep, err = audit.Run(context.Background(), s, audit.Options{}); err != nil {
			return model.ChangeSet{}, err
		}
	}
	p.before = rep.Findings

	p.exposure()
	p.inbound()
	p.tools()
	if err := p.rotate(); err != nil {
		return model.ChangeSet{}, err
	}
	p.pairingStores()

	cs := model.ChangeSet{Edits: p.edits, Writes: append(p.writes, p.rotWrites...)}
	cs.After = append(p.after, p.manualSteps()...)
	p.verifyClaims(&cs)
	return cs, nil
}

// get reads the merged config.
func (p *planner) get(path string) *model.Node { return p.s.Doc.Get(path) }

// claim returns the id of a finding (present before the change) that names
// path, or one of ids when it is present.
func (p *planner) claim(path string, ids ...string) string {
	for _, id := range ids {
		for _, f := range p.before {
			if f.CheckID == id {
				return id
			}
		}
	}
	for _, f := range p.before {
		if f.Priority > model.TierBrowser || f.Severity == model.Info {
			continue
		}
		for _, fp := range f.Paths {
			if fp == path {
				return f.CheckID
			}
		}
	}
	return ""
}

// edit adds (or replaces, for the same path) one edit. Paths below an
// unset path are skipped.
func (p *planner) edit(e model.Edit) {
	for r := range p.removed {
		if strings.HasPrefix(e.Path, r+".") || strings.HasPrefix(e.Path, r+"[") {
			return
		}
	}
	if e.CheckID == "" {
		e.CheckID = p.claim(e.Path)
	}
	if i, ok := p.byPath[e.Path]; ok {
		p.edits[i] = e
		return
	}
	p.byPath[e.Path] = len(p.edits)
	p.edits = append(p.edits, e)
	if e.Op == model.OpUnset {
		p.removed[e.Path] = true
	}
}

func (p *planner) set(path string, v any, reason string, ids ...string) {
	p.edit(model.Edit{Op: model.OpSet, Path: path, Value: v, Reason: reason, CheckID: p.claim(path, ids...)})
}

func (p *planner) unset(path, reason string, ids ...string) {
	p.edit(model.Edit{Op: model.OpUnset, Path: path, Reason: reason, CheckID: p.claim(path, ids...)})
}

func (p *planner) addAfter(lines ...string) {
	for _, l := range lines {
		dup := false
		for _, a := range p.after {
			dup = dup || a == l
		}
		if !dup {
			p.after = append(p.after, l)
		}
	}
}

// exposure: loopback only, no Tailscale Serve/Funnel, no mDNS broadcast,
// Control UI off and its break-glass flags off, HTTP and node surfaces
// narrowed, hooks off, MCP apps off.
func (p *planner) exposure() {
	bind := strings.ToLower(strings.TrimSpace(p.get("gateway.bind").Text()))
	if bind != "" && bind != "loopback" {
		p.set("gateway.bind", "loopback", fmt.Sprintf("contain: gateway.bind %q → loopback (no LAN/tailnet listener)", bind))
	}
	if p.get("gateway.customBindHost") != nil {
		p.unset("gateway.customBindHost", "contain: drop the custom bind host")
	}
	if m := strings.ToLower(p.get("gateway.tailscale.mode").Text()); m != "" && m != "off" {
		p.set("gateway.tailscale.mode", "off", fmt.Sprintf("contain: Tailscale %s off", m))
	}
	if m := p.get("discovery.mdns.mode").Text(); m != "off" {
		p.set("discovery.mdns.mode", "off", "contain: stop mDNS/Bonjour announcements")
	}
	if !p.opts.KeepControlUI && !p.get("gateway.controlUi.enabled").IsFalse() {
		p.set("gateway.controlUi.enabled", false, "contain: Control UI off until the incident is understood")
	}
	if origins := p.get("gateway.controlUi.allowedOrigins"); origins.ContainsString("*") {
		p.set("gateway.controlUi.allowedOrigins", model.List(without(origins.Strings(), "*")), `contain: remove "*" from the Control UI origins`)
	}
	if p.get("gateway.allowRealIpFallback").IsTrue() {
		p.set("gateway.allowRealIpFallback", false, "contain: no X-Real-IP fallback")
	}
	if n := p.get("gateway.tools.allow"); n != nil {
		keep := filter(n.Strings(), func(t string) bool { return !audit.IsDangerousHTTPTool(t) })
		if len(keep) != len(n.Strings()) {
			p.set("gateway.tools.allow", model.List(keep), "contain: no control-plane tools over HTTP /tools/invoke")
		}
	}
	if allow, path := p.s.Doc.NodeCommands("allow"); path != "" {
		keep := filter(allow, func(c string) bool { return !audit.IsDangerousNodeCommand(c) })
		if len(keep) != len(allow) {
			p.set(path, model.List(keep), "contain: no camera/screen/contacts/calendar/SMS commands on paired nodes")
		}
	}
	if p.get("hooks.enabled").IsTrue() {
		p.set("hooks.enabled", false, "contain: webhooks off until the incident is understood")
		p.addAfter("Webhooks (hooks) are off. Re-enable them (hooks.enabled: true) only after the review, with the new hooks token in every sender.")
	}
	if p.get("mcp.apps.enabled").IsTrue() {
		p.set("mcp.apps.enabled", false, "contain: MCP apps off")
	}
	// every break-glass flag in the config
	walk(p.cfg, "", func(path, key string, n *model.Node) bool {
		switch {
		case path == "gateway.controlUi.allowInsecureAuth" && n.IsTrue():
			if p.s.Era.Era == model.EraModern {
				p.unset(path, "contain: remove allowInsecureAuth (the 2026.7+ schema no longer has it)")
			} else {
				p.set(path, false, "contain: Control UI: no insecure-context auth")
			}
		case strings.HasPrefix(key, "dangerously") && n.IsTrue():
			p.set(path, false, "contain: break-glass flag "+path+" off")
		case key == "allowUnsafeExternalContent" && n.IsTrue():
			p.set(path, false, "contain: wrap external content again ("+path+")")
		case strings.HasSuffix(path, "tools.exec.applyPatch.workspaceOnly") && n.IsFalse():
			p.set(path, true, "contain: apply_patch stays inside the workspace")
		}
		return true
	})
}

// inbound freezes access: risky DMs disabled (or pairing), open groups on an
// allowlist with mentions required (or disabled), every "*" allow-all gone.
func (p *planner) inbound() {
	dmTo := p.opts.dm()
	groupTo := p.opts.groups()
	for _, sc := range p.s.Doc.Scopes() {
		dm := sc.DMPolicy()
		allow, allowPath := sc.AllowFrom()
		storeStar, senders := p.storeInfo(sc)
		wild := containsStr(allow, "*") || storeStar
		for _, a := range allow {
			if a = strings.TrimSpace(a); a != "" && a != "*" {
				senders[strings.ToLower(strings.TrimPrefix(a, sc.Channel+":"))] = true
			}
		}
		risky := dm.Value == "open" || wild || (dmTo == DMDisabled && dm.Value != "disabled" && len(senders) > 1)
		path := dm.Path
		if !dm.Explicit && p.s.Era.Era != model.EraModern && (sc.Channel == "discord" || sc.Channel == "slack") {
			path = sc.Path + ".dm.policy" // the guide era has no dmPolicy key on these channels
		}
		if sc.Account != "" && !strings.HasPrefix(path, sc.Path+".") {
			if _, done := p.byPath[path]; done {
				risky = false // the channel-level change covers this account
			}
			path = sc.Path + ".dmPolicy" // only this account, not the whole channel
		}
		if risky && dm.Value != dmTo {
			why := "open"
			switch {
			case dm.Value == "open":
			case wild:
				why = `"*" in the allowlist`
			default:
				why = fmt.Sprintf("%d approved senders", len(senders))
			}
			p.set(path, dmTo, fmt.Sprintf("contain: %s DMs (%s) → %s", sc.Name(), why, dmTo))
		}
		if containsStr(allow, "*") {
			keep := without(allow, "*")
			p.set(allowPath, model.List(keep), fmt.Sprintf(`contain: remove "*" from %s`, allowPath))
			if dm.Value == "allowlist" && len(keep) == 0 && dmTo != "allowlist" {
				p.set(dm.Path, dmTo, fmt.Sprintf("contain: %s DM allowlist is empty without \"*\" → %s", sc.Name(), dmTo))
			}
		}
		if gp := sc.GroupPolicy(p.s.Doc); gp.Value == "open" && gp.Explicit {
			p.set(gp.Path, groupTo, fmt.Sprintf("contain: %s groups open → %s", sc.Name(), groupTo))
		} else if groupTo == GroupsDisabled && gp.Value != GroupsDisabled {
			gpath := gp.Path
			if sc.Account != "" && !strings.HasPrefix(gpath, sc.Path+".") {
				gpath = sc.Path + ".groupPolicy"
			}
			if gp.Path == "channels.defaults.groupPolicy" {
				gpath = sc.Path + ".groupPolicy"
			}
			p.set(gpath, GroupsDisabled, fmt.Sprintf("contain: %s groups %s → disabled", sc.Name(), gp.Value))
		}
	}
	if gp := p.get("channels.defaults.groupPolicy"); gp.Text() == "open" {
		p.set("channels.defaults.groupPolicy", groupTo, "contain: default group policy open → "+groupTo)
	}
	// nested overrides, "*" entries and requireMention everywhere under channels
	for _, id := range p.get("channels").Keys() {
		root := model.Child("channels", id)
		walk(p.get(root), root, func(path, key string, n *model.Node) bool {
			switch {
			case (key == "groupPolicy") && n.Text() == "open":
				p.set(path, groupTo, "contain: "+path+" open → "+groupTo)
			case key == "dmPolicy" && n.Text() == "open":
				p.set(path, dmTo, "contain: "+path+" open → "+dmTo)
			case key == "policy" && strings.HasSuffix(parentPath(path), ".dm") && n.Text() == "open":
				p.set(path, dmTo, "contain: "+path+" open → "+dmTo)
			case (key == "allowFrom" || key == "groupAllowFrom" || key == "users") && n.Kind == model.KindArray && n.ContainsString("*"):
				p.set(path, model.List(without(n.Strings(), "*")), `contain: remove "*" from `+path)
				return false
			case (key == "groups" || key == "guilds" || key == "channels" || key == "rooms") && n.Kind == model.KindObject && n.Has("*"):
				p.unset(model.Child(path, "*"), `contain: remove the "*" (every group) entry from `+path)
			case key == "requireMention" && n.IsFalse():
				p.set(path, true, "contain: require a mention in groups ("+path+")")
			}
			return true
		})
	}
	if hasFinding(p.before, audit.IDChannelsDMScopeMainMultiuser) {
		p.set("session.dmScope", "per-channel-peer", "contain: one DM session per sender (no shared context)")
	}
	if p.get("session.groupScope").Text() == "main" {
		p.unset("session.groupScope", "contain: groups get their own sessions again")
	}
}

// storeInfo reads the channel's pairing store: whether it holds "*" (the
// snapshot drops it, as OpenClaw does on read) and the approved senders.
func (p *planner) storeInfo(sc model.Scope) (star bool, senders map[string]bool) {
	senders = map[string]bool{}
	if p.s.FS == nil {
		return false, senders
	}
	for _, ps := range p.s.FS.PairingStores {
		if ps.Channel != sc.Channel || !storeAccountMatches(ps.Account, sc.Account) {
			continue
		}
		for _, e := range ps.Entries {
			senders[strings.ToLower(strings.TrimSpace(e))] = true
		}
		if entries, ok := readStore(p.s, ps.File.Path); ok && containsStr(entries, "*") {
			star = true
		}
	}
	return star, senders
}

func storeAccountMatches(store, scope string) bool {
	norm := func(a string) string {
		if a == "default" {
			return ""
		}
		return a
	}
	return norm(store) == norm(scope)
}

// readStore reads the allowFrom list of a pairing store file.
func readStore(s *model.Snapshot, path string) ([]string, bool) {
	data, err := s.ReadFile(path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
	if err != nil {
		return nil, false
	}
	var v struct {
		AllowFrom []string `json:"allowFrom"`
	}
	if json.Unmarshal(data, &v) != nil {
		return nil, false
	}
	return v.AllowFrom, true
}

// pairingStores rewrites a pairing store holding "*" without it (OpenClaw
// ignores it on read, but a downgrade or another tool might not).
func (p *planner) pairingStores() {
	if p.s.FS == nil {
		return
	}
	for _, ps := range p.s.FS.PairingStores {
		if ps.File.IsSymlink {
			continue
		}
		data, err := p.s.ReadFile(ps.File.Path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
		if err != nil {
			continue
		}
		out, ok := storeWithout(data, "*")
		if !ok {
			continue
		}
		p.writes = append(p.writes, model.FileWrite{Path: ps.File.Path, Data: append(out, '\n'), Mode: 0o600,
			Reason: `contain: remove "*" from the pairing store ` + filepath.Base(ps.File.Path)})
	}
}

// storeWithout rewrites a pairing store JSON without the entry v in
// allowFrom, keeping the top-level key order; ok is false when there is
// nothing to remove or the file is not a store.
func storeWithout(data []byte, v string) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var b bytes.Buffer
	b.WriteString("{")
	changed := false
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		if key == "allowFrom" {
			var list []any
			if json.Unmarshal(raw, &list) == nil {
				keep := []any{}
				for _, e := range list {
					if s, ok := e.(string); ok && strings.TrimSpace(s) == v {
						changed = true
						continue
					}
					keep = append(keep, e)
				}
				raw, _ = json.Marshal(keep)
			}
		}
		if i > 0 {
			b.WriteString(",")
		}
		kb, _ := json.Marshal(key)
		b.WriteString("\n  ")
		b.Write(kb)
		b.WriteString(": ")
		var ind bytes.Buffer
		if json.Indent(&ind, raw, "  ", "  ") != nil {
			return nil, false
		}
		b.Write(ind.Bytes())
	}
	b.WriteString("\n}")
	if !changed {
		return nil, false
	}
	return b.Bytes(), true
}

// tools: elevated off (globally and per agent), exec security full →
// deny, high-risk tools denied globally.
func (p *planner) tools() {
	if !p.get("tools.elevated.enabled").IsFalse() {
		p.set("tools.elevated.enabled", false, "contain: elevated (host) exec off")
	}
	for _, prov := range p.get("tools.elevated.allowFrom").Keys() {
		path := model.Child("tools.elevated.allowFrom", prov)
		if n := p.get(path); n.ContainsString("*") {
			p.set(path, model.List(without(n.Strings(), "*")), `contain: remove "*" from `+path)
		}
	}
	if p.get("tools.exec.security").Text() == "full" {
		p.set("tools.exec.security", "deny", "contain: exec security full → deny")
	}
	for _, a := range p.s.Doc.Agents() {
		if a.Node == nil {
			continue
		}
		if a.Node.Lookup("tools.elevated.enabled").IsTrue() {
			p.set(a.Path+".tools.elevated.enabled", false, "contain: elevated off for agent "+a.ID)
		}
		if a.Node.Lookup("tools.exec.security").Text() == "full" {
			p.set(a.Path+".tools.exec.security", "deny", "contain: exec security full → deny for agent "+a.ID)
		}
	}
	deny := p.get("tools.deny")
	var missing []string
	for _, t := range HighRiskTools {
		if !deny.ContainsString(t) {
			missing = append(missing, t)
		}
	}
	switch {
	case len(missing) == 0:
	case deny == nil:
		p.set("tools.deny", model.List(missing), "contain: deny high-risk tools ("+strings.Join(missing, ", ")+")")
	case deny.Kind == model.KindArray:
		p.set("tools.deny", model.List(append(deny.Strings(), missing...)), "contain: also deny "+strings.Join(missing, ", "))
	}
	p.addAfter("High-risk tools are denied in tools.deny (" + strings.Join(HighRiskTools, ", ") + ") and elevated exec is off; remove them from tools.deny one by one once the review is done.")
}

// hasFinding reports a before-finding whose id matches id (a pattern like
// channels.<id>.dm.scope_main_multiuser matches every channel).
func hasFinding(fs []model.Finding, id string) bool {
	for _, f := range fs {
		if audit.MatchID(id, f.CheckID) {
			return true
		}
	}
	return false
}

// verifyClaims renders the candidate and drops the check id of every edit
// whose finding is still reported, so Prepare (which refuses a change that
// leaves a claimed finding) verifies exactly what the containment fixes.
func (p *planner) verifyClaims(cs *model.ChangeSet) {
	if len(cs.Edits) == 0 {
		return
	}
	files, err := p.s.Doc.Apply(cs.Edits)
	if err != nil {
		return // Prepare reports the error
	}
	nd, err := p.s.Doc.WithFiles(files)
	if err != nil {
		return
	}
	cand := *p.s
	cand.Doc = nd
	cand.Env = candidateEnv(p.s, p.env, p.opts.getenv())
	rep, err := audit.Run(context.Background(), &cand, audit.Options{DeclaredFixes: true})
	if err != nil {
		return
	}
	still := map[string]bool{}
	for _, f := range rep.Findings {
		still[f.CheckID] = true
	}
	for i := range cs.Edits {
		if still[cs.Edits[i].CheckID] {
			cs.Edits[i].CheckID = ""
		}
	}
}

// candidateEnv overlays the new .env values on the snapshot's environment
// the way OpenClaw reads them: the process environment wins over .env.
func candidateEnv(s *model.Snapshot, kv [][2]string, getenv func(string) (string, bool)) func(string) (string, bool) {
	over := map[string]string{}
	for _, p := range kv {
		over[p[0]] = p[1]
	}
	base := s.Env
	return func(name string) (string, bool) {
		if v, ok := getenv(name); ok && v != "" {
			return v, true
		}
		if v, ok := over[name]; ok {
			return v, true
		}
		if base != nil {
			return base(name)
		}
		return "", false
	}
}

// walk visits every member below n (depth-first). fn returns false to skip
// the member's children.
func walk(n *model.Node, path string, fn func(path, key string, n *model.Node) bool) {
	var rec func(n *model.Node, path string, depth int)
	rec = func(n *model.Node, path string, depth int) {
		if n == nil || depth > 16 {
			return
		}
		switch n.Kind {
		case model.KindObject:
			for _, k := range n.Keys() {
				v := n.Get(k)
				cp := k
				if path != "" {
					cp = model.Child(path, k)
				}
				if fn(cp, k, v) {
					rec(v, cp, depth+1)
				}
			}
		case model.KindArray:
			for i, e := range n.Elems {
				rec(e, model.Index(path, i), depth+1)
			}
		}
	}
	rec(n, path, 0)
}

func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

func containsStr(list []string, v string) bool {
	for _, e := range list {
		if strings.TrimSpace(e) == v {
			return true
		}
	}
	return false
}

func without(list []string, v string) []string {
	return filter(list, func(e string) bool { return strings.TrimSpace(e) != v })
}

func filter(list []string, keep func(string) bool) []string {
	out := []string{}
	for _, e := range list {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// sortedUnique sorts and de-duplicates.
func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
