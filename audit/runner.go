package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// unreadableFix is config.unreadable's fix when the config could not be
// read at all (a directory, a symlink loop, no permission): the declared
// one is about a syntax error. "" keeps the declared one.
func unreadableFix(err error) string {
	var nr *fsys.NotRegularError
	switch {
	case errors.As(err, &nr):
		return "The config path is " + fsys.KindOf(nr.Mode) + ", not a file: put the config file there, or name the real one with --config FILE; then run the audit again"
	case errors.Is(err, syscall.ELOOP):
		return "The config path is a symlink loop: point the link at the real config file (ls -l shows each link's target), or name the file with --config FILE; then run the audit again"
	case errors.Is(err, fs.ErrPermission):
		return "Run hardshell as the user that runs the gateway (the config's owner), or give that user read access to the file; then run the audit again"
	}
	return ""
}

// Options tune Run. The zero value runs every registered check.
type Options struct {
	// Registry to run; nil = the default registry (the area files' checks).
	Registry *Registry
	// Progress, when set, receives one Started and one Finished event per
	// area (and for "deep" when Deep is set). It is called from the worker
	// goroutines, never concurrently (calls are serialised, so Done counts
	// rise monotonically), and must not block for long: a Bubble Tea
	// program should forward it with p.Send, which is safe from any
	// goroutine.
	Progress func(Progress)
	// Deep runs the live gateway probe (see Probe) after the checks.
	Deep bool
	// Probe tunes the deep probe (timeout, port override, hosts).
	Probe ProbeOptions
	// Live is what listens on the target host (ReadLive over the target's
	// file system); nil = not read, and gateway.listener_exposed is not
	// judged.
	Live *LiveState
	// ToolVersion is reported in Report.Tool.Version.
	ToolVersion string
	// Now stamps the report; nil = s.Now, else time.Now.
	Now func() time.Time
	// DeclaredFixes skips resolving each finding's fix (see
	// SetFixResolver): Fix stays as declared and FixTitle empty. For audits
	// that only compare check ids, such as Prepare's re-audit.
	DeclaredFixes bool
	// PlanManaged keeps the fix kind of findings in a generated config
	// (default: manual). `fix` sets it so that it plans them and Prepare
	// refuses with the change for the file's source, instead of reporting
	// "nothing to fix".
	PlanManaged bool
}

// Progress is one scan progress event.
type Progress struct {
	Area     string
	Started  bool
	Finished bool
	Done     int // areas finished so far
	Total    int // areas in this run
	Findings int // findings produced by this area (on Finished)
}

// Run executes the checks over s concurrently, one job per area, bounded by
// GOMAXPROCS, and returns the ranked report. The result does not depend on
// scheduling. It returns ctx.Err() when ctx is cancelled before the checks
// finish.
func Run(ctx context.Context, s *model.Snapshot, opts Options) (*Report, error) {
	if s == nil {
		return nil, errors.New("audit: nil snapshot")
	}
	reg := opts.Registry
	if reg == nil {
		reg = defaultRegistry
	}
	red := newRedactor(s)

	var meta []model.Finding
	view := s
	configUsable := true
	switch {
	case s.DocErr != nil:
		configUsable = false
		c := decl(reg, IDConfigUnreadable)
		meta = append(meta, toFinding(c, s, Hit{Severity: model.Critical, Detail: s.DocErr.Error() + "\nChecks that read the config were skipped; filesystem checks still ran.", Remediation: unreadableFix(s.DocErr), Paths: []string{s.Target.ConfigPath}}))
	case s.Doc == nil:
		if s.ConfigMissing {
			c := decl(reg, IDConfigMissing)
			meta = append(meta, toFinding(c, s, Hit{Severity: model.Info, Detail: "Expected at " + s.Target.ConfigPath + " (" + s.Target.ConfigRule + ")."}))
		}
		cp := *s
		cp.Doc = &model.Document{Root: &model.Node{Kind: model.KindObject}}
		view = &cp
	}

	// Group runnable checks by area, areas in a fixed order.
	groups := map[string][]Check{}
	for _, c := range reg.Checks() {
		if c.Run == nil || (!configUsable && !c.FSOnly) {
			continue
		}
		groups[c.Area] = append(groups[c.Area], c)
	}
	areas := make([]string, 0, len(groups))
	for a := range groups {
		areas = append(areas, a)
	}
	sort.Slice(areas, func(i, j int) bool {
		ai, aj := areaRank(areas[i]), areaRank(areas[j])
		if ai != aj {
			return ai < aj
		}
		return areas[i] < areas[j]
	})
	total := len(areas)
	if opts.Deep {
		total++
	}

	var pmu sync.Mutex
	done := 0
	emit := func(p Progress) {
		if opts.Progress == nil {
			return
		}
		pmu.Lock()
		defer pmu.Unlock()
		if p.Finished {
			done++
		}
		p.Done, p.Total = done, total
		opts.Progress(p)
	}

	results := make([][]model.Finding, len(areas))
	jobs := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	if workers > len(areas) {
		workers = len(areas)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				area := areas[i]
				emit(Progress{Area: area, Started: true})
				var out []model.Finding
				for _, c := range groups[area] {
					if ctx.Err() != nil {
						break
					}
					out = append(out, runCheck(c, view, reg)...)
				}
				results[i] = out
				emit(Progress{Area: area, Finished: true, Findings: len(out)})
			}
		}()
	}
feed:
	for i := range areas {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	findings := meta
	for _, r := range results {
		findings = append(findings, r...)
	}

	var deep *DeepResult
	if opts.Deep {
		emit(Progress{Area: "deep", Started: true})
		dr := ProbeWith(ctx, s, opts.Probe)
		deep = &dr
		hits := dr.Findings()
		for _, h := range hits {
			c := decl(reg, h.ID)
			findings = append(findings, toFinding(c, s, h))
		}
		emit(Progress{Area: "deep", Finished: true, Findings: len(hits)})
	}

	if c, ok := reg.Lookup(IDListenerExposed); ok && c.ID == IDListenerExposed && configUsable {
		if hits, _, _ := liveHits(view, opts.Live); len(hits) > 0 {
			for _, h := range hits {
				findings = append(findings, toFinding(c, view, h))
			}
		}
	}

	// Framework-emitted checks run only when the registry declares them
	// (a test's own registry does not).
	if c, ok := reg.Lookup(IDRiskChain); ok && c.ID == IDRiskChain && configUsable {
		if hits := riskChains(view, findings); len(hits) > 0 {
			for _, h := range hits {
				findings = append(findings, toFinding(c, view, h))
			}
		}
	}
	if !opts.DeclaredFixes {
		resolveFixes(s, findings)
	}
	markManaged(s, findings, !opts.PlanManaged) // last: a generated file's findings are manual whatever their fix
	for i := range findings {
		findings[i] = red.finding(findings[i])
	}
	if deep != nil {
		red.deep(deep)
	}

	kept, suppressed, active, err := applySuppressions(s, findings)
	if err != nil {
		return nil, err
	}
	if active != nil {
		c := decl(reg, IDSuppressionsActive)
		kept = append(kept, red.finding(toFinding(c, s, *active)))
	}
	Rank(kept)
	Rank(suppressed)
	chainsFirst(kept)

	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	} else if !s.Now.IsZero() {
		t := s.Now
		now = func() time.Time { return t }
	}
	rep := &Report{
		Ts:                 now().UnixMilli(),
		Findings:           kept,
		Deep:               deep,
		SuppressedFindings: suppressed,
		Target: TargetInfo{
			StateDir:   s.Target.StateDir,
			ConfigPath: s.Target.ConfigPath,
			SchemaEra:  s.Era.Era.String(),
		},
		Tool: ToolInfo{Name: "hardshell", Version: opts.ToolVersion},
	}
	if rep.Findings == nil {
		rep.Findings = []model.Finding{}
	}
	if rep.SuppressedFindings == nil {
		rep.SuppressedFindings = []model.Finding{}
	}
	rep.Summary = Summarize(rep.Findings)
	rep.Checks, rep.Verdicts = computeVerdicts(verdictInputs{reg: reg, s: view, configUsable: configUsable, opts: opts, findings: rep.Findings, suppressed: rep.SuppressedFindings})
	for i := range rep.Checks {
		rep.Checks[i].Reason = red.text(rep.Checks[i].Reason)
	}
	return rep, nil
}

func areaRank(a string) int {
	for i, x := range Areas {
		if x == a {
			return i
		}
	}
	return len(Areas)
}

// decl is the check declared under id in reg, else in the default registry
// (a test registry need not carry the meta checks the runner reports).
func decl(reg *Registry, id string) Check {
	if c, ok := reg.Lookup(id); ok {
		return c
	}
	c, _ := defaultRegistry.Lookup(id)
	return c
}

// runCheck runs one check, turning a panic or a malformed hit id into an
// audit.check_failed finding: a failed check is never silent.
func runCheck(c Check, s *model.Snapshot, reg *Registry) (out []model.Finding) {
	failed := func(detail string) model.Finding {
		fc := decl(reg, IDCheckFailed)
		f := toFinding(fc, s, Hit{Severity: model.Warn, Title: failedTitle(c.ID), Detail: detail})
		f.Priority = c.Tier
		return f
	}
	defer func() {
		if r := recover(); r != nil {
			out = append(out, failed(fmt.Sprintf("check %s panicked: %v\nIts area (%s) was not fully verified.", c.ID, r, c.Area)))
		}
	}()
	for _, h := range c.Run(s) {
		id := h.ID
		if id == "" {
			id = c.ID
		}
		if !MatchID(c.ID, id) {
			out = append(out, failed(fmt.Sprintf("check %s reported id %q, which does not match its declaration", c.ID, id)))
		}
		h.ID = id
		out = append(out, toFinding(c, s, h))
	}
	return out
}

// toFinding fills a finding from the declaration and the hit.
func toFinding(c Check, s *model.Snapshot, h Hit) model.Finding {
	id := h.ID
	if id == "" {
		id = c.ID
	}
	f := model.Finding{
		CheckID:     id,
		Severity:    h.Severity,
		Title:       h.Title,
		Detail:      capDetail(h.Detail),
		Remediation: h.Remediation,
		Priority:    c.Tier,
		Paths:       h.Paths,
		Fix:         c.Fix,
		Why:         c.Why,
		Breaks:      c.Breaks,
	}
	if f.Title == "" {
		f.Title = c.Title
	}
	if f.Remediation == "" {
		f.Remediation = c.Remediation
	}
	if f.Priority == 0 {
		f.Priority = model.TierModels
	}
	if h.Fix != "" {
		f.Fix = h.Fix
	}
	if f.Fix == "" {
		f.Fix = model.FixManual
	}
	f.File, f.Line = locate(s, h.Paths)
	return f
}

// locate finds file:line for the first path that resolves: an absolute
// filesystem path is its own file; a config path resolves through the merged
// document (to the file that defines it). When no path resolves exactly, the
// nearest existing ancestor of a config path is used.
func locate(s *model.Snapshot, paths []string) (string, int) {
	root := Config(s)
	for _, p := range paths {
		if p == "" {
			continue
		}
		if filepath.IsAbs(p) {
			return p, 0
		}
		if n := root.Lookup(p); n != nil && n.Pos.File != "" {
			return n.Pos.File, n.Pos.Line
		}
	}
	for _, p := range paths {
		if p == "" || filepath.IsAbs(p) {
			continue
		}
		segs, err := model.ParsePath(p)
		if err != nil {
			continue
		}
		for k := len(segs) - 1; k > 0; k-- {
			if n := root.Lookup(model.JoinPath(segs[:k])); n != nil && n.Pos.File != "" {
				return n.Pos.File, n.Pos.Line
			}
		}
	}
	return "", 0
}

// Summarize counts findings by severity.
func Summarize(fs []model.Finding) Summary {
	var sum Summary
	for _, f := range fs {
		switch f.Severity {
		case model.Critical:
			sum.Critical++
		case model.Warn:
			sum.Warn++
		default:
			sum.Info++
		}
	}
	return sum
}

// A finding's detail is for reading: on a state dir with tens of thousands
// of agents a list of every one of them would be megabytes of text (and of
// redaction work). Beyond these caps the detail says how much it left out;
// the finding's paths still list everything.
const (
	maxDetailLines    = 200
	maxDetailLineLen  = 2000
	detailOmittedNote = "… %d more line(s) not shown (the finding's paths, e.g. in --json, list every path)"
)

// capDetail keeps the first maxDetailLines lines of d, each cut at
// maxDetailLineLen bytes (on a rune boundary).
func capDetail(d string) string {
	if len(d) <= maxDetailLineLen && !strings.Contains(d, "\n") {
		return d
	}
	lines := strings.Split(d, "\n")
	omitted := 0
	if len(lines) > maxDetailLines {
		omitted = len(lines) - maxDetailLines
		lines = lines[:maxDetailLines]
	}
	for i, l := range lines {
		if len(l) > maxDetailLineLen {
			cut := maxDetailLineLen
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			lines[i] = l[:cut] + fmt.Sprintf(" … (%d more bytes)", len(l)-cut)
		}
	}
	if omitted > 0 {
		lines = append(lines, fmt.Sprintf(detailOmittedNote, omitted))
	}
	return strings.Join(lines, "\n")
}
