// Package fleet merges the per-host audit reports of many gateways (one
// `hardshell audit --json` file per host, as ansible/playbooks/audit.yml
// fetches them: <dir>/<inventory host>.json, and how Ansible reached each
// host in <dir>/ssh-destinations.json) into one view ranked worst
// first: hosts × tiers with critical and warn counts, the findings most
// hosts share, and the hosts whose report is missing, unreadable or stale.
package fleet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// ExpectedHostsFile, in the report folder, lists the hosts that should have
// a report (one name a line; audit.yml writes the inventory's hosts there),
// so a host whose audit never came back is reported missing.
const ExpectedHostsFile = "expected-hosts.txt"

// DefaultStaleAfter is how old a report may be before it is stale.
const DefaultStaleAfter = 24 * time.Hour

// maxReport caps one report file.
const maxReport = fsys.MaxConfig

// Options tune Load.
type Options struct {
	Now        time.Time     // zero = time.Now()
	StaleAfter time.Duration // 0 = DefaultStaleAfter
	Expect     []string      // hosts that must have a report (besides ExpectedHostsFile)
	FS         fsys.FS       // nil = fsys.Local
}

// Host is one host of the fleet.
type Host struct {
	Host    string        `json:"host"`   // as Ansible knew it (the file's name)
	Status  string        `json:"status"` // "ok", "stale", "missing" or "unreadable"
	Problem string        `json:"problem,omitempty"`
	Summary audit.Summary `json:"summary"`
	Tiers   []TierCount   `json:"tiers"`
	Ts      int64         `json:"ts,omitempty"` // the report's own time (epoch ms)
	File    string        `json:"file,omitempty"`
	// Target is what the host's audit looked at.
	Target *audit.TargetInfo `json:"target,omitempty"`
	// Dest is the ssh destination Ansible reached the host at
	// ([user@]host[:port], from DestinationsFile); Local says Ansible ran
	// on this machine. Both unset: only the name is known (see Reach).
	Dest  string `json:"dest,omitempty"`
	Local bool   `json:"local,omitempty"`

	report *audit.Report
}

// Report is the host's audit report (nil when missing or unreadable).
func (h *Host) Report() *audit.Report { return h.report }

// TierCount is one tier's counts on a host.
type TierCount struct {
	Tier     int    `json:"tier"`
	Name     string `json:"name"`
	Critical int    `json:"critical"`
	Warn     int    `json:"warn"`
	Info     int    `json:"info"`
}

// Shared is a check that fires on more than one host.
type Shared struct {
	CheckID  string         `json:"checkId"`
	Severity model.Severity `json:"severity"` // the highest seen
	Tier     int            `json:"tier"`
	Title    string         `json:"title"`
	Hosts    []string       `json:"hosts"`
}

// Fleet is the merged view.
type Fleet struct {
	Dir    string   `json:"dir"`
	Hosts  []*Host  `json:"hosts"`  // worst first; missing and unreadable last
	Shared []Shared `json:"shared"` // checks on two or more hosts, most hosts first
	// Missing, Stale and Unreadable name the hosts in those states.
	Missing    []string  `json:"missing"`
	Stale      []string  `json:"stale"`
	Unreadable []string  `json:"unreadable"`
	Generated  time.Time `json:"generatedAt"`
	StaleAfter string    `json:"staleAfter"`
}

// Load reads every <host>.json in dir.
func Load(dir string, o Options) (*Fleet, error) {
	fsy := o.FS
	if fsy == nil {
		fsy = fsys.Local{}
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	stale := o.StaleAfter
	if stale <= 0 {
		stale = DefaultStaleAfter
	}
	ents, err := fsy.ReadDir(dir, true)
	if err != nil {
		return nil, &model.InputError{File: dir, Msg: "cannot read the report folder: " + reason(err), Err: err}
	}
	f := &Fleet{Dir: dir, Generated: now.UTC(), StaleAfter: stale.String(), Missing: []string{}, Stale: []string{}, Unreadable: []string{}, Shared: []Shared{}}
	seen := map[string]bool{}
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name, ".json")
		if !ok || name == "" || strings.HasPrefix(e.Name, ".") || e.Name == DestinationsFile {
			continue
		}
		h := &Host{Host: name, File: filepath.Join(dir, e.Name)}
		seen[name] = true
		readHost(fsy, h)
		if h.report != nil && now.Sub(time.UnixMilli(h.Ts)) > stale {
			h.Status = "stale"
			h.Problem = fmt.Sprintf("report is %s old (older than %s)", now.Sub(time.UnixMilli(h.Ts)).Round(time.Minute), stale)
		}
		f.Hosts = append(f.Hosts, h)
	}
	expect := append([]string{}, o.Expect...)
	if data, err := fsy.ReadFile(filepath.Join(dir, ExpectedHostsFile), fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore}); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if h := strings.TrimSpace(sc.Text()); h != "" && !strings.HasPrefix(h, "#") {
				expect = append(expect, h)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, &model.InputError{File: filepath.Join(dir, ExpectedHostsFile), Msg: "cannot read: " + reason(err), Err: err}
	}
	for _, name := range expect {
		if !seen[name] {
			seen[name] = true
			f.Hosts = append(f.Hosts, &Host{Host: name, Status: "missing", Problem: "no report (" + name + ".json) in " + dir, Tiers: []TierCount{}})
		}
	}
	dests, err := readDestinations(fsy, dir)
	if err != nil {
		return nil, err
	}
	applyDestinations(f.Hosts, dests)
	rank(f.Hosts)
	for _, h := range f.Hosts {
		switch h.Status {
		case "missing":
			f.Missing = append(f.Missing, h.Host)
		case "stale":
			f.Stale = append(f.Stale, h.Host)
		case "unreadable":
			f.Unreadable = append(f.Unreadable, h.Host)
		}
	}
	f.Shared = shared(f.Hosts)
	return f, nil
}

func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readHost reads and checks one report.
func readHost(fsy fsys.FS, h *Host) {
	h.Tiers = []TierCount{}
	data, err := fsy.ReadFile(h.File, fsys.ReadOptions{NoFollow: true, MaxSize: maxReport})
	if err != nil {
		h.Status, h.Problem = "unreadable", reason(err)
		return
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		h.Status, h.Problem = "unreadable", jsonProblem(h.File, data, err)
		return
	}
	if probe["summary"] == nil || probe["findings"] == nil || probe["ts"] == nil {
		h.Status, h.Problem = "unreadable", h.File+": not a hardshell audit --json report (no ts, summary or findings)"
		return
	}
	var rep audit.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		h.Status, h.Problem = "unreadable", jsonProblem(h.File, data, err)
		return
	}
	h.report, h.Status, h.Ts = &rep, "ok", rep.Ts
	h.Target = &rep.Target
	counts := map[model.Tier]*TierCount{}
	for _, fd := range rep.Findings {
		tc := counts[fd.Priority]
		if tc == nil {
			tc = &TierCount{Tier: int(fd.Priority), Name: fd.Priority.Name()}
			counts[fd.Priority] = tc
		}
		switch fd.Severity {
		case model.Critical:
			tc.Critical++
			h.Summary.Critical++
		case model.Warn:
			tc.Warn++
			h.Summary.Warn++
		default:
			tc.Info++
			h.Summary.Info++
		}
	}
	for _, t := range model.Tiers {
		if tc := counts[t]; tc != nil {
			h.Tiers = append(h.Tiers, *tc)
		}
	}
}

// jsonProblem names where a report stops being JSON (file:line:col).
func jsonProblem(file string, data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = max(se.Offset-1, 0) // Offset is just past the offending byte
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return file + ": " + err.Error()
	}
	line, col := 1, 1
	for _, b := range data[:min(int(off), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%s:%d:%d: not valid JSON: %v", file, line, col, err)
}

// worstTier is the most urgent tier with a critical finding (99: none).
func worstTier(h *Host) int {
	for _, tc := range h.Tiers {
		if tc.Critical > 0 {
			return tc.Tier
		}
	}
	return 99
}

// rank orders hosts worst first: criticals, then warns, then the most
// urgent tier of a critical; hosts without a report come last.
func rank(hs []*Host) {
	order := func(h *Host) int {
		switch h.Status {
		case "ok", "stale":
			return 0
		case "unreadable":
			return 1
		}
		return 2
	}
	sort.SliceStable(hs, func(i, j int) bool {
		a, b := hs[i], hs[j]
		if order(a) != order(b) {
			return order(a) < order(b)
		}
		if a.Summary.Critical != b.Summary.Critical {
			return a.Summary.Critical > b.Summary.Critical
		}
		if a.Summary.Warn != b.Summary.Warn {
			return a.Summary.Warn > b.Summary.Warn
		}
		if wa, wb := worstTier(a), worstTier(b); wa != wb {
			return wa < wb
		}
		return a.Host < b.Host
	})
}

// shared groups the findings by check over the hosts with a report.
func shared(hs []*Host) []Shared {
	by := map[string]*Shared{}
	for _, h := range hs {
		if h.report == nil {
			continue
		}
		on := map[string]bool{}
		for _, fd := range h.report.Findings {
			s := by[fd.CheckID]
			if s == nil {
				s = &Shared{CheckID: fd.CheckID, Severity: fd.Severity, Tier: int(fd.Priority), Title: fd.Title}
				by[fd.CheckID] = s
			}
			if fd.Severity > s.Severity {
				s.Severity, s.Title = fd.Severity, fd.Title
			}
			if !on[fd.CheckID] {
				on[fd.CheckID] = true
				s.Hosts = append(s.Hosts, h.Host)
			}
		}
	}
	out := []Shared{}
	for _, s := range by {
		if len(s.Hosts) >= 2 {
			sort.Strings(s.Hosts)
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Hosts) != len(b.Hosts) {
			return len(a.Hosts) > len(b.Hosts)
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Tier != b.Tier {
			return a.Tier < b.Tier
		}
		return a.CheckID < b.CheckID
	})
	return out
}
