// Package audit runs hardshell's checks over a model.Snapshot and renders the
// result as text, JSON (OpenClaw's report shape first) or SARIF.
//
// Each check is declared once, with every fact the outputs need (title,
// tier, fix kind, severity rule, remediation, why, since), by calling
// Register from an init function in the file for its area:
//
//	func init() {
//		audit.Register("gateway", audit.Check{
//			ID: "gateway.bind_no_auth", Title: "Gateway binds beyond loopback without auth",
//			Tier: model.TierExposure, Fix: model.FixGuided, Severity: "critical", …,
//			Run: func(s *model.Snapshot) []audit.Hit { … },
//		})
//	}
//
// Run functions are pure: they read the snapshot and return hits; the runner
// fills in everything that the declaration already knows.
package audit

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hardshell/hardshell/model"
)

// Areas are the valid values of Check.Area, in display order.
var Areas = []string{"summary", "gateway", "channels", "tools", "sandbox", "browser", "filesystem", "plugins", "hooks", "logging", "discovery", "models", "secrets", "config", "audit"}

// Check is one declared check. The ID is OpenClaw's exact checkId where the
// concept exists there; dynamic ids are patterns with <placeholders>, each
// standing for one or more dot-separated segments:
// "channels.<id>.dm.open", "tools.elevated.allowFrom.<provider>.wildcard".
type Check struct {
	ID          string
	Area        string // one of Areas; set by Register
	Title       string
	Tier        model.Tier
	Fix         model.FixKind
	Severity    string // the severity rule in words, for docs: "critical", "warn on loopback, critical when exposed"
	Trigger     string // what triggers it, for docs
	Remediation string // one-line fix
	Why         string // why it matters, shown in the TUI detail pane and SARIF fullDescription
	Breaks      string // what the fix may break
	Since       string // "OpenClaw 2026.2", "OpenClaw 2026.9", or "hardshell"
	// FSOnly marks a check that reads only s.FS / s.Env / s.Target and never
	// the config document, so it still runs when the config is unreadable.
	// Every other check is skipped then (config.unreadable says why).
	FSOnly bool
	// Run returns the hits. A nil Run declares an id that the framework emits
	// itself (config.unreadable, the deep probe's findings, …); it is listed
	// in the docs and used for lookups but never run. When Run is called,
	// s.Doc is non-nil (an empty document when the config file is missing)
	// unless FSOnly is set.
	Run func(s *model.Snapshot) []Hit
}

// Hit is one result of a check's Run.
type Hit struct {
	ID          string         // instantiated id for dynamic checks; "" = Check.ID
	Severity    model.Severity //
	Title       string         // optional override (e.g. names the channel)
	Detail      string         // multi-line allowed ("\n- " bullets like OpenClaw)
	Remediation string         // optional override
	// Paths are config dotted paths (the first that resolves locates
	// file:line) or absolute filesystem paths.
	Paths []string
	// Fix overrides the declared fix kind for this finding: e.g. manual on a
	// 2026.2-era config whose schema has no key a fix could write.
	Fix model.FixKind

	detailCapped bool // Detail is capped already (writeCapped)
}

// Registry holds declared checks. The package-level functions use the
// default registry that the area files fill from init; tests build their own
// with NewRegistry so fixtures never leak into docs/checks.md.
type Registry struct {
	mu     sync.RWMutex
	checks map[string]Check
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{checks: map[string]Check{}} }

var defaultRegistry = NewRegistry()

// Default is the registry filled by the area files.
func Default() *Registry { return defaultRegistry }

// Register declares checks in the default registry. It panics on a duplicate
// or malformed id: that is a programming error, caught by the tests.
func Register(area string, checks ...Check) { defaultRegistry.Register(area, checks...) }

// Checks lists the default registry's checks sorted by ID.
func Checks() []Check { return defaultRegistry.Checks() }

// Lookup finds the declaration of a (possibly instantiated) check id in the
// default registry.
func Lookup(checkID string) (Check, bool) { return defaultRegistry.Lookup(checkID) }

// Register declares checks in r; see the package-level Register.
func (r *Registry) Register(area string, checks ...Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range checks {
		if err := validatePattern(c.ID); err != nil {
			panic(fmt.Sprintf("audit.Register(%q): %v", area, err))
		}
		if _, dup := r.checks[c.ID]; dup {
			panic(fmt.Sprintf("audit.Register(%q): duplicate check id %q", area, c.ID))
		}
		c.Area = area
		r.checks[c.ID] = c
	}
}

// Checks lists r's checks sorted by ID.
func (r *Registry) Checks() []Check {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Check, 0, len(r.checks))
	for _, c := range r.checks {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup finds the declaration of checkID: an exact id first, then the most
// specific dynamic pattern that matches: most literal segments, then most
// placeholders (each spanning fewer segments: "channels.<id>.<account>.x"
// beats "channels.<id>.x" for a two-segment match), then alphabetical.
func (r *Registry) Lookup(checkID string) (Check, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if c, ok := r.checks[checkID]; ok {
		return c, true
	}
	var best Check
	found := false
	bestLit, bestPh := -1, 0
	for id, c := range r.checks {
		if !isPattern(id) || !MatchID(id, checkID) {
			continue
		}
		lit, ph := patternWeight(id)
		if !found || lit > bestLit || (lit == bestLit && (ph > bestPh || (ph == bestPh && id < best.ID))) {
			best, bestLit, bestPh, found = c, lit, ph, true
		}
	}
	return best, found
}

func isPattern(id string) bool { return strings.Contains(id, "<") }

func isPlaceholder(seg string) bool {
	return len(seg) > 2 && seg[0] == '<' && seg[len(seg)-1] == '>' && !strings.ContainsAny(seg[1:len(seg)-1], "<>")
}

func patternWeight(id string) (literals, placeholders int) {
	for _, s := range strings.Split(id, ".") {
		if isPlaceholder(s) {
			placeholders++
		} else {
			literals++
		}
	}
	return
}

// validatePattern checks an id's syntax: dot-separated non-empty segments,
// placeholders only as whole segments.
func validatePattern(id string) error {
	if id == "" {
		return fmt.Errorf("empty check id")
	}
	for _, s := range strings.Split(id, ".") {
		if s == "" {
			return fmt.Errorf("check id %q has an empty segment", id)
		}
		if strings.ContainsAny(s, "<>") && !isPlaceholder(s) {
			return fmt.Errorf("check id %q: placeholder must be a whole segment like <id>, got %q", id, s)
		}
		if strings.ContainsAny(s, " \t\n") {
			return fmt.Errorf("check id %q contains whitespace", id)
		}
	}
	return nil
}

// MatchID reports whether id matches pattern segment-wise; a <placeholder>
// segment matches one or more segments of id.
func MatchID(pattern, id string) bool {
	if pattern == id {
		return true
	}
	if strings.IndexByte(pattern, '<') < 0 {
		// no placeholder: segment-wise equal would be equal; and no
		// splitting for each of 7,000 findings the risk chains look at
		return false
	}
	return matchSegs(strings.Split(pattern, "."), strings.Split(id, "."))
}

func matchSegs(p, s []string) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	if isPlaceholder(p[0]) {
		// Consume 1..n segments, leaving enough for the rest of the pattern.
		for n := 1; n <= len(s)-minSegs(p[1:]); n++ {
			if matchSegs(p[1:], s[n:]) {
				return true
			}
		}
		return false
	}
	if len(s) == 0 || s[0] != p[0] || s[0] == "" {
		return false
	}
	return matchSegs(p[1:], s[1:])
}

func minSegs(p []string) int { return len(p) } // every segment, placeholder or not, needs ≥ 1

// Config returns the merged config root, or nil when there is no document.
// Node methods are nil-safe, so checks can write audit.Config(s).Lookup(…).
func Config(s *model.Snapshot) *model.Node {
	if s == nil || s.Doc == nil {
		return nil
	}
	return s.Doc.Root
}
