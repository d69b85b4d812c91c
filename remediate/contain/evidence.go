package contain

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// RiskyTools are the tool calls the evidence review looks for (the guide:
// unexpected tool calls), plus message sends.
var RiskyTools = map[string]bool{
	"exec": true, "process": true, "write": true, "edit": true, "apply_patch": true,
	"browser": true, "web_fetch": true,
}

// DefaultLogDir is where the gateway writes its daily log unless
// logging.file is set.
const DefaultLogDir = "/tmp/openclaw"

// Limits keep the scan's memory bounded however large the logs are.
const (
	maxLine     = 1 << 20 // longer lines are skipped
	maxItems    = 200     // tool calls, sends and inbound messages kept
	excerptLen  = 300     // characters per excerpt
	logTailSize = 20
)

// ScanOptions tune Scan.
type ScanOptions struct {
	// LogDir holds openclaw-YYYY-MM-DD.log; "" = DefaultLogDir. Ignored
	// when logging.file is set.
	LogDir string
	// Zone is the time zone of the gateway's machine, which names its
	// daily logs by its local date; nil = this machine's (time.Local).
	Zone *time.Location
	// Redact masks an excerpt; nil = model.MaskText. Every excerpt passes
	// through it before it is kept.
	Redact func(string) string
	// Command builds the hardshell commands the evidence names (the undo of
	// an approval made in the window), acting on the target the run read
	// (cmdline.Target.Command: its --state-dir, --config and --host); nil =
	// a bare "hardshell ARGS".
	Command func(args ...string) string
}

// ToolCall is one tool call found in a transcript or the gateway log.
type ToolCall struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"` // transcript path:line or log path:line
	Agent    string    `json:"agent,omitempty"`
	Session  string    `json:"session,omitempty"`
	Tool     string    `json:"tool"`
	Args     string    `json:"args"` // masked, truncated
	Elevated bool      `json:"elevated,omitempty"`
	Result   string    `json:"result,omitempty"` // masked, truncated
	Error    bool      `json:"error,omitempty"`
	callID   string
}

// Send is one message the agent sent.
type Send struct {
	Time         time.Time `json:"time"`
	Source       string    `json:"source"`
	Agent        string    `json:"agent,omitempty"`
	Channel      string    `json:"channel,omitempty"`
	To           string    `json:"to,omitempty"`
	Text         string    `json:"text"`
	NewRecipient bool      `json:"newRecipient"` // not in any allowlist or pairing store
}

// Inbound is one user message (what a sender asked the agent).
type Inbound struct {
	Time    time.Time `json:"time"`
	Source  string    `json:"source"`
	Agent   string    `json:"agent,omitempty"`
	Session string    `json:"session,omitempty"`
	Text    string    `json:"text"`
}

// ExtensionChange is an installed plugin changed in the window.
type ExtensionChange struct {
	ID      string    `json:"id"`
	Path    string    `json:"path"`
	ModTime time.Time `json:"modTime"`
	Version string    `json:"version,omitempty"`
}

// LogLine is one line of the gateway log tail and where it came from.
type LogLine struct {
	Source string `json:"source"` // log path:line
	Text   string `json:"text"`   // masked, truncated
}

// Evidence is what the review found in the window.
type Evidence struct {
	Since       time.Time         `json:"since"`
	Until       time.Time         `json:"until"`
	ToolCalls   []ToolCall        `json:"toolCalls"`
	Sends       []Send            `json:"sends"`
	Inbound     []Inbound         `json:"inbound"`
	Extensions  []ExtensionChange `json:"extensions"`
	LogFiles    []string          `json:"logFiles"`
	LogTail     []LogLine         `json:"logTail"`
	Transcripts []string          `json:"transcripts"` // scanned
	Notes       []string          `json:"notes,omitempty"`
	Truncated   bool              `json:"truncated,omitempty"`
	// StateDB is what the 2026.9 state DB holds for the window: the
	// gateway's audit events (tool calls, messages), the inbound queue (who
	// wrote in; text redacted) and the approvals made in it. nil in the
	// 2026.2 era.
	StateDB *access.Incident `json:"stateDb,omitempty"`
}

// Scan reviews the gateway log and the session transcripts of s for the
// window [since, until]: risky tool calls, message sends (flagging
// recipients in no allowlist), user messages in sessions with risky calls,
// and extensions changed in the window. Files are streamed line by line;
// transcripts last modified before the window are skipped.
func Scan(s *model.Snapshot, since, until time.Time, o ScanOptions) Evidence {
	red := o.Redact
	if red == nil {
		red = model.MaskText
	}
	ev := Evidence{Since: since.UTC(), Until: until.UTC(), ToolCalls: []ToolCall{}, Sends: []Send{}, Inbound: []Inbound{},
		Extensions: []ExtensionChange{}, LogFiles: []string{}, LogTail: []LogLine{}, Transcripts: []string{}}
	sc := &scanner{ev: &ev, red: red, command: o.Command, since: since, until: until, known: knownRecipients(s)}
	if s == nil {
		return ev
	}
	sc.fs = s.Base()
	sc.stateDir, sc.agents = s.Target.StateDir, ownAgents(s)
	for _, path := range transcriptFiles(sc.fs, s) {
		fi, err := sc.fs.Lstat(path)
		if err != nil || fi.ModTime.Before(since) {
			continue
		}
		if !fi.IsRegular() {
			sc.note("not read: " + path + " is not a regular file (" + fi.Mode.Type().String() + ")")
			continue
		}
		sc.transcript(path, agentOf(s, path))
	}
	paths, notes := logFiles(sc.fs, s, since, until, o.LogDir, o.Zone)
	for _, n := range notes {
		sc.note(n)
	}
	for _, path := range paths {
		sc.log(path)
	}
	ev.Extensions = changedExtensions(sc.fs, s, since, until)
	sc.stateDB(s)
	sort.SliceStable(ev.ToolCalls, func(i, j int) bool { return ev.ToolCalls[i].Time.Before(ev.ToolCalls[j].Time) })
	sort.SliceStable(ev.Sends, func(i, j int) bool { return ev.Sends[i].Time.Before(ev.Sends[j].Time) })
	sort.SliceStable(ev.Inbound, func(i, j int) bool { return ev.Inbound[i].Time.Before(ev.Inbound[j].Time) })
	return ev
}

type scanner struct {
	ev           *Evidence
	red          func(string) string
	command      func(args ...string) string // ScanOptions.Command
	since, until time.Time
	known        map[string]map[string]bool // channel → approved recipient ids
	stateDir     string
	agents       map[string]bool // this state dir's agent ids
	// fs is what the evidence is read through: the file system the
	// snapshot came from (over --host the remote's, so transcripts, logs,
	// extensions and the state DB come from the gateway's machine),
	// unrecorded: evidence is not an input a transaction re-checks
	fs fsys.FS
}

// note records a note for the report (masked like every excerpt).
func (sc *scanner) note(n string) { sc.ev.Notes = append(sc.ev.Notes, sc.red(n)) }

func (sc *scanner) in(t time.Time) bool {
	return !t.IsZero() && !t.Before(sc.since) && !t.After(sc.until)
}

// excerpt masks then truncates text to one line of excerptLen characters.
func (sc *scanner) excerpt(text string) string {
	text = sc.red(text)
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > excerptLen {
		text = string([]rune(text)[:excerptLen]) + "…"
	}
	return text
}

// lines streams a file line by line through the safe reader, skipping
// lines over maxLine. Every read of an evidence file goes through here: a
// regular file only (a FIFO or a device is refused, never opened for
// reading, so contain cannot hang on one), never through a symlink at path.
func (sc *scanner) lines(path string, fn func(n int, line []byte)) error {
	_, err := sc.fs.ReadLines(path, fsys.LineOptions{NoFollow: true, MaxLine: maxLine}, func(n int, line []byte) error {
		fn(n, line)
		return nil
	})
	return err
}

// transcript line shapes (OpenClaw's session JSONL, version 3):
// {"type":"message","timestamp":"…","message":{"role":"assistant","content":[{"type":"toolCall","id":…,"name":"exec","arguments":{…}}]}}
// {"type":"message","message":{"role":"toolResult","toolCallId":…,"toolName":"exec","content":[{"type":"text","text":…}],"isError":false}}
// Anthropic-style tool_use/input blocks are read too.
type tLine struct {
	Type      string          `json:"type"`
	Timestamp json.RawMessage `json:"timestamp"`
	Message   *struct {
		Role       string          `json:"role"`
		Content    json.RawMessage `json:"content"`
		ToolCallID string          `json:"toolCallId"`
		ToolName   string          `json:"toolName"`
		IsError    bool            `json:"isError"`
		Timestamp  json.RawMessage `json:"timestamp"`
	} `json:"message"`
}

type tBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
	Input     json.RawMessage `json:"input"`
}

func (sc *scanner) transcript(path, agent string) {
	sc.ev.Transcripts = append(sc.ev.Transcripts, path)
	session := strings.TrimSuffix(filepath.Base(path), ".jsonl")
	calls := map[string]int{} // tool call id → index in ToolCalls
	var pendingUser []Inbound // user messages of this session, kept if a risky call follows
	risky := false
	err := sc.lines(path, func(n int, line []byte) {
		var l tLine
		if json.Unmarshal(line, &l) != nil || l.Message == nil {
			return
		}
		t := parseTime(l.Timestamp)
		if t.IsZero() {
			t = parseTime(l.Message.Timestamp)
		}
		if !sc.in(t) {
			return
		}
		src := path + ":" + itoa(n)
		blocks := contentBlocks(l.Message.Content)
		switch l.Message.Role {
		case "user":
			var text []string
			for _, b := range blocks {
				if b.Type == "text" {
					text = append(text, b.Text)
				}
			}
			if len(text) > 0 && len(pendingUser) < maxItems {
				pendingUser = append(pendingUser, Inbound{Time: t, Source: src, Agent: agent, Session: session, Text: sc.excerpt(strings.Join(text, " "))})
			}
		case "assistant":
			for _, b := range blocks {
				if b.Type != "toolCall" && b.Type != "tool_use" && b.Type != "toolUse" {
					continue
				}
				args := b.Arguments
				if len(args) == 0 {
					args = b.Input
				}
				if sc.send(t, src, agent, b.Name, args) {
					risky = true
					continue
				}
				if !RiskyTools[b.Name] {
					continue
				}
				risky = true
				if len(sc.ev.ToolCalls) >= maxItems {
					sc.ev.Truncated = true
					continue
				}
				var a map[string]any
				_ = json.Unmarshal(args, &a)
				elevated, _ := a["elevated"].(bool)
				calls[b.ID] = len(sc.ev.ToolCalls)
				sc.ev.ToolCalls = append(sc.ev.ToolCalls, ToolCall{Time: t, Source: src, Agent: agent, Session: session,
					Tool: b.Name, Args: sc.excerpt(string(args)), Elevated: elevated, callID: b.ID})
			}
		case "toolResult":
			i, ok := calls[l.Message.ToolCallID]
			if !ok {
				return
			}
			var text []string
			for _, b := range blocks {
				if b.Type == "text" {
					text = append(text, b.Text)
				}
			}
			sc.ev.ToolCalls[i].Result = sc.excerpt(strings.Join(text, " "))
			sc.ev.ToolCalls[i].Error = l.Message.IsError
		}
	})
	if err != nil {
		sc.note("could not read " + path + ": " + err.Error())
	}
	if risky {
		for _, u := range pendingUser {
			if len(sc.ev.Inbound) >= maxItems {
				sc.ev.Truncated = true
				break
			}
			sc.ev.Inbound = append(sc.ev.Inbound, u)
		}
	}
}

// send records a message-sending tool call; it reports whether the call
// was one.
func (sc *scanner) send(t time.Time, src, agent, name string, args json.RawMessage) bool {
	var a map[string]any
	_ = json.Unmarshal(args, &a)
	action, _ := a["action"].(string)
	isSend := (name == "message" && (action == "" || action == "send" || action == "reply" || action == "broadcast")) ||
		strings.HasSuffix(name, "_send") || name == "send_message"
	if !isSend || name == "sessions_send" {
		return false
	}
	if len(sc.ev.Sends) >= maxItems {
		sc.ev.Truncated = true
		return true
	}
	channel, _ := a["channel"].(string)
	to := firstString(a, "to", "target", "recipient", "chatId", "channelId")
	text := firstString(a, "message", "text", "content", "body")
	sc.ev.Sends = append(sc.ev.Sends, Send{Time: t, Source: src, Agent: agent, Channel: channel, To: sc.excerpt(to),
		Text: sc.excerpt(text), NewRecipient: to != "" && !sc.knownRecipient(channel, to)})
	return true
}

func (sc *scanner) knownRecipient(channel, to string) bool {
	id := strings.ToLower(strings.TrimSpace(to))
	for ch, set := range sc.known {
		if channel != "" && ch != channel {
			continue
		}
		if set[id] || set[strings.TrimPrefix(id, ch+":")] {
			return true
		}
	}
	return false
}

// knownRecipients collects every approved id per channel: config
// allowFrom/groupAllowFrom (any depth) and the pairing stores.
func knownRecipients(s *model.Snapshot) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	add := func(ch, id string) {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" || id == "*" {
			return
		}
		if out[ch] == nil {
			out[ch] = map[string]bool{}
		}
		out[ch][strings.TrimPrefix(id, ch+":")] = true
	}
	if s == nil {
		return out
	}
	if s.Doc != nil {
		for _, ch := range s.Doc.Get("channels").Keys() {
			root := model.Child("channels", ch)
			walk(s.Doc.Get(root), root, func(path, key string, n *model.Node) bool {
				if key == "allowFrom" || key == "groupAllowFrom" || key == "users" {
					for _, e := range n.Strings() {
						add(ch, e)
					}
					return false
				}
				if key == "groups" || key == "guilds" || key == "channels" || key == "rooms" {
					for _, k := range n.Keys() {
						add(ch, k)
					}
				}
				return true
			})
		}
	}
	if s.FS != nil {
		for _, ps := range s.FS.PairingStores {
			for _, e := range ps.Entries {
				add(ps.Channel, e)
			}
		}
	}
	return out
}

var logToolRe = regexp.MustCompile(`(?i)\btool(?:name|call)?["']?\s*[=:]\s*["']?(exec|process|write|edit|apply_patch|browser|web_fetch)\b`)

// log scans one gateway log: risky tool calls and the tail of the window.
// Only lines with a time in the window are read (the gateway stamps each
// line; a file that is not a gateway log yields nothing), and lines another
// state dir's gateway wrote into a shared log are skipped (otherState).
func (sc *scanner) log(path string) {
	var tail []LogLine
	n0 := len(sc.ev.ToolCalls)
	err := sc.lines(path, func(n int, line []byte) {
		t, text, tool := logLine(line)
		if !sc.in(t) || sc.otherState(line) {
			return
		}
		src := path + ":" + itoa(n)
		ex := sc.excerpt(text)
		tail = append(tail, LogLine{Source: src, Text: ex})
		if len(tail) > logTailSize {
			tail = tail[1:]
		}
		if tool == "" {
			if m := logToolRe.FindStringSubmatch(text); m != nil {
				tool = strings.ToLower(m[1])
			}
		}
		if tool != "" && RiskyTools[tool] {
			if len(sc.ev.ToolCalls)-n0 >= maxItems {
				sc.ev.Truncated = true
				return
			}
			sc.ev.ToolCalls = append(sc.ev.ToolCalls, ToolCall{Time: t, Source: src, Tool: tool, Args: ex})
		}
	})
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			sc.note("could not read " + path + ": " + err.Error())
		}
		return
	}
	sc.ev.LogFiles = append(sc.ev.LogFiles, path)
	if len(tail) > 0 {
		sc.ev.LogTail = append(sc.ev.LogTail[:0], tail...)
	}
}

// logLine reads one log line: its time, its text and a tool name when the
// JSON names one (tool, toolName or name next to a tool-ish message).
func logLine(line []byte) (time.Time, string, string) {
	var m map[string]any
	if json.Unmarshal(line, &m) != nil {
		return time.Time{}, string(line), ""
	}
	var t time.Time
	for _, k := range []string{"time", "ts", "timestamp", "date"} {
		if v, ok := m[k]; ok {
			if t = anyTime(v); !t.IsZero() {
				break
			}
		}
	}
	if meta, ok := m["_meta"].(map[string]any); ok && t.IsZero() {
		t = anyTime(meta["date"])
	}
	tool := ""
	for _, k := range []string{"tool", "toolName"} {
		if v, ok := m[k].(string); ok {
			tool = strings.ToLower(v)
		}
	}
	// tslog lines: {"0": message, "1": …, "_meta": {date, logLevelName}}
	var parts []string
	if !t.IsZero() {
		parts = append(parts, t.UTC().Format(time.RFC3339))
	}
	if meta, ok := m["_meta"].(map[string]any); ok {
		if lv, ok := meta["logLevelName"].(string); ok {
			parts = append(parts, lv)
		}
	} else if lv, ok := m["level"].(string); ok {
		parts = append(parts, strings.ToUpper(lv))
	}
	msg := ""
	for _, k := range []string{"msg", "message", "0"} {
		if v, ok := m[k].(string); ok && v != "" {
			msg = v
			break
		}
	}
	if msg == "" {
		return t, string(line), tool
	}
	if v, ok := m["1"]; ok {
		b, _ := json.Marshal(v)
		msg += " " + string(b)
	}
	return t, strings.Join(append(parts, msg), " "), tool
}

func anyTime(v any) time.Time {
	switch x := v.(type) {
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.000", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t
			}
		}
	case float64:
		if x > 1e12 {
			return time.UnixMilli(int64(x))
		}
		if x > 1e9 {
			return time.Unix(int64(x), 0)
		}
	}
	return time.Time{}
}

func parseTime(raw json.RawMessage) time.Time {
	if len(raw) == 0 {
		return time.Time{}
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return time.Time{}
	}
	return anyTime(v)
}

func contentBlocks(raw json.RawMessage) []tBlock {
	var blocks []tBlock
	if json.Unmarshal(raw, &blocks) == nil {
		return blocks
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return []tBlock{{Type: "text", Text: text}}
	}
	return nil
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case float64:
			b, _ := json.Marshal(v)
			return string(b)
		}
	}
	return ""
}

// ownAgents are the agent ids of this state dir: the config's, the ones
// with a folder under agents/, and the default "main".
func ownAgents(s *model.Snapshot) map[string]bool {
	out := map[string]bool{"main": true}
	if s.Doc != nil {
		for _, a := range s.Doc.Agents() {
			out[a.ID] = true
		}
	}
	if s.FS != nil {
		for _, a := range s.FS.Agents {
			out[a.ID] = true
		}
	}
	return out
}

// otherState reports a log line another state dir's gateway wrote (the
// default /tmp/openclaw log is shared by every gateway of a profile on the
// host): one whose structured fields (top level, _meta, or the bindings
// object "1") name an agent this state dir does not have, or a state dir or
// config path outside this one. Paths inside the message text are not
// looked at: an agent reading another state dir is evidence, not noise.
func (sc *scanner) otherState(line []byte) bool {
	var m map[string]any
	if json.Unmarshal(line, &m) != nil {
		return false
	}
	objs := []map[string]any{m}
	for _, k := range []string{"_meta", "1", "0"} {
		if o, ok := m[k].(map[string]any); ok {
			objs = append(objs, o)
		}
	}
	for _, o := range objs {
		for _, k := range []string{"agent_id", "agentId"} {
			if id, ok := o[k].(string); ok && id != "" && !sc.agents[id] {
				return true
			}
		}
		for _, k := range []string{"stateDir", "state_dir", "configPath", "config_path"} {
			if p, ok := o[k].(string); ok && filepath.IsAbs(p) && sc.stateDir != "" && !inside(sc.stateDir, p) {
				return true
			}
		}
	}
	return false
}

// inside reports whether path is dir or below it (lexically).
func inside(dir, path string) bool {
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// transcriptFiles lists agents/*/sessions/*.jsonl (as filepath.Glob
// would, through r: a local Glob over --host would find nothing).
func transcriptFiles(r fsys.FS, s *model.Snapshot) []string {
	agents := filepath.Join(s.Target.StateDir, "agents")
	var paths []string
	for _, a := range fsys.Glob(r, agents, "*") {
		paths = append(paths, fsys.Glob(r, filepath.Join(a, "sessions"), "*.jsonl")...)
	}
	sort.Strings(paths)
	return paths
}

func agentOf(s *model.Snapshot, path string) string {
	rel, err := filepath.Rel(filepath.Join(s.Target.StateDir, "agents"), path)
	if err != nil {
		return ""
	}
	return strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
}

// logFiles is logging.file, or the daily logs of the window's days (the
// dates in zone, the gateway machine's, and in UTC) in dir (/tmp/openclaw/openclaw-YYYY-MM-DD.log). These are
// the only files outside the state dir the review reads. logging.file is
// read wherever it is, because the gateway writes its log where it says,
// but only when it is a regular file (not a symlink, FIFO or device); what
// is taken from it is what any log yields: lines stamped within the window,
// masked, each with its file:line. The notes say what was not read.
func logFiles(r fsys.FS, s *model.Snapshot, since, until time.Time, dir string, zone *time.Location) (paths, notes []string) {
	if s.Doc != nil {
		if f := strings.TrimSpace(s.Doc.Get("logging.file").Text()); f != "" {
			if strings.HasPrefix(f, "~/") && s.Target.Home != "" {
				f = filepath.Join(s.Target.Home, f[2:])
			}
			fi, err := r.Lstat(f)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil, nil
			case err != nil:
				return nil, []string{"logging.file " + f + " could not be checked: " + err.Error()}
			case !fi.IsRegular():
				return nil, []string{"logging.file " + f + " is not a regular file (" + fi.Mode.Type().String() + "); not read"}
			}
			return []string{f}, nil
		}
	}
	if dir == "" {
		dir = DefaultLogDir
	}
	seen := map[string]bool{}
	var out []string
	if until.Sub(since) > 366*24*time.Hour {
		since = until.Add(-366 * 24 * time.Hour)
	}
	if zone == nil {
		zone = time.Local
	}
	for _, loc := range []*time.Location{zone, time.UTC} {
		first := since.In(loc)
		first = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
		for d := first; !d.After(until); d = d.AddDate(0, 0, 1) {
			p := filepath.Join(dir, "openclaw-"+d.Format("2006-01-02")+".log")
			if seen[p] {
				continue
			}
			seen[p] = true
			if fi, err := r.Lstat(p); err == nil {
				if fi.IsRegular() {
					out = append(out, p)
				} else {
					notes = append(notes, p+" is not a regular file ("+fi.Mode.Type().String()+"); not read")
				}
			}
		}
	}
	sort.Strings(out)
	return out, notes
}

// changedExtensions lists extensions whose dir or any file below it (up to
// 2000 entries each) changed in the window.
func changedExtensions(r fsys.FS, s *model.Snapshot, since, until time.Time) []ExtensionChange {
	out := []ExtensionChange{}
	if s.FS == nil {
		return out
	}
	for _, e := range s.FS.Extensions {
		newest := e.Dir.ModTime()
		count := 0
		// depth first in lexical order, links not followed, as
		// filepath.WalkDir; each listing carries its entries' attributes
		var walk func(dir string) bool
		walk = func(dir string) bool {
			ents, err := r.ReadDir(dir, true)
			if err != nil {
				return true
			}
			sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
			for _, en := range ents {
				if count++; count > 2000 {
					return false
				}
				if en.Info != nil && en.Info.ModTime.After(newest) && !en.Info.ModTime.After(until) {
					newest = en.Info.ModTime
				}
				if en.Type.IsDir() && !walk(filepath.Join(dir, en.Name)) {
					return false
				}
			}
			return true
		}
		if fi, err := r.Lstat(e.Dir.Path); err == nil && fi.IsDir() {
			count++ // the folder itself, as WalkDir visits it first
			walk(e.Dir.Path)
		}
		if !newest.Before(since) && !newest.After(until) {
			out = append(out, ExtensionChange{ID: e.ID, Path: e.Dir.Path, ModTime: newest.UTC(), Version: e.Version})
		}
	}
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// stateDB reads the 2026.9 state DB's rows for the window, from a private
// snapshot; the queued message texts pass through the redactor.
func (sc *scanner) stateDB(s *model.Snapshot) {
	inc, err := access.ReadIncident(context.Background(), sc.fs, s.Target.StateDir, sc.since, sc.until, sc.command)
	if err != nil {
		sc.note("state DB not read: " + err.Error())
		return
	}
	if len(inc.Audit)+len(inc.Ingress)+len(inc.Grants) == 0 && len(inc.Notes) == 0 {
		return
	}
	for i := range inc.Ingress {
		inc.Ingress[i].Text = sc.excerpt(inc.Ingress[i].Text)
	}
	for _, n := range inc.Notes {
		sc.note(n)
	}
	inc.Notes = nil
	sc.ev.StateDB = inc
}
