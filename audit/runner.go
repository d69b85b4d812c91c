package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
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
//
// The phases, in order: the config's own state (meta findings and the view
// the checks read), the area checks, the deep probe, what is derived from
// the findings so far (live exposure, risk chains), each finding's fix as
// it applies (finish: fix kinds, managed files, redaction), suppressions,
// and the report with its verdicts.
func Run(ctx context.Context, s *model.Snapshot, opts Options) (*Report, error) {
	if s == nil {
		return nil, errors.New("audit: nil snapshot")
	}
	r := newRun(s, opts)
	findings := r.configState()
	areas, groups := r.plan()
	total := len(areas)
	if opts.Deep {
		total++
	}
	emit := progressEmitter(opts.Progress, total)
	checked, err := r.runAreas(ctx, areas, groups, emit)
	if err != nil {
		return nil, err
	}
	findings = append(findings, checked...)
	deep, probed := r.deep(ctx, emit)
	findings = append(findings, probed...)
	findings = append(findings, r.derived(findings)...)
	r.finish(findings, deep)
	kept, suppressed, err := r.suppress(findings)
	if err != nil {
		return nil, err
	}
	return r.report(kept, suppressed, deep), nil
}

// run is one audit: the snapshot, the view the checks read (s with an
// empty config when there is none), the registry and the redactor.
type run struct {
	s, view      *model.Snapshot
	opts         Options
	reg          *Registry
	red          *redactor
	configUsable bool
}

func newRun(s *model.Snapshot, opts Options) *run {
	reg := opts.Registry
	if reg == nil {
		reg = defaultRegistry
	}
	return &run{s: s, view: s, opts: opts, reg: reg, red: newRedactor(s), configUsable: true}
}

// configState reports a config that could not be read (only the
// filesystem checks run then) or is missing (the checks read an empty
// config), and sets the view.
func (r *run) configState() []model.Finding {
	s := r.s
	var meta []model.Finding
	switch {
	case s.DocErr != nil:
		r.configUsable = false
		c := decl(r.reg, IDConfigUnreadable)
		meta = append(meta, toFinding(c, s, Hit{Severity: model.Critical, Detail: s.DocErr.Error() + "\nChecks that read the config were skipped; filesystem checks still ran.", Remediation: unreadableFix(s.DocErr), Paths: []string{s.Target.ConfigPath}}))
	case s.Doc == nil:
		if s.ConfigMissing {
			c := decl(r.reg, IDConfigMissing)
			meta = append(meta, toFinding(c, s, Hit{Severity: model.Info, Detail: "Expected at " + s.Target.ConfigPath + " (" + s.Target.ConfigRule + ")."}))
		}
		cp := *s
		cp.Doc = &model.Document{Root: &model.Node{Kind: model.KindObject}}
		r.view = &cp
	}
	return meta
}

// plan groups the runnable checks by area, areas in a fixed order.
func (r *run) plan() ([]string, map[string][]Check) {
	groups := map[string][]Check{}
	for _, c := range r.reg.Checks() {
		if c.Run == nil || (!r.configUsable && !c.FSOnly) {
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
	return areas, groups
}

// progressEmitter serialises progress events and counts finished areas.
func progressEmitter(progress func(Progress), total int) func(Progress) {
	var mu sync.Mutex
	done := 0
	return func(p Progress) {
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if p.Finished {
			done++
		}
		p.Done, p.Total = done, total
		progress(p)
	}
}

// runAreas runs each area's checks on a pool of GOMAXPROCS workers; the
// findings come back in area order, whatever the scheduling.
func (r *run) runAreas(ctx context.Context, areas []string, groups map[string][]Check, emit func(Progress)) ([]model.Finding, error) {
	results := make([][]model.Finding, len(areas))
	jobs := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(areas))
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
					out = append(out, runCheck(c, r.view, r.reg)...)
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
	var findings []model.Finding
	for _, res := range results {
		findings = append(findings, res...)
	}
	return findings, nil
}

// deep runs the live gateway probe when asked (nil, nil otherwise).
func (r *run) deep(ctx context.Context, emit func(Progress)) (*DeepResult, []model.Finding) {
	if !r.opts.Deep {
		return nil, nil
	}
	emit(Progress{Area: "deep", Started: true})
	dr := ProbeWith(ctx, r.s, r.opts.Probe)
	var out []model.Finding
	hits := dr.Findings()
	for _, h := range hits {
		out = append(out, toFinding(decl(r.reg, h.ID), r.s, h))
	}
	emit(Progress{Area: "deep", Finished: true, Findings: len(hits)})
	return &dr, out
}

// derived are the framework-emitted findings that judge the others or
// the host: live exposure, then the risk chains over everything found so
// far. They run only when the registry declares them (a test's own
// registry does not) and the config could be read.
func (r *run) derived(findings []model.Finding) []model.Finding {
	if !r.configUsable {
		return nil
	}
	var out []model.Finding
	if c, ok := r.reg.Lookup(IDListenerExposed); ok && c.ID == IDListenerExposed {
		if hits, _, _ := liveHits(r.view, r.opts.Live); len(hits) > 0 {
			for _, h := range hits {
				out = append(out, toFinding(c, r.view, h))
			}
		}
	}
	if c, ok := r.reg.Lookup(IDRiskChain); ok && c.ID == IDRiskChain {
		all := append(slices.Clip(findings), out...)
		for _, h := range riskChains(r.view, all) {
			out = append(out, toFinding(c, r.view, h))
		}
	}
	return out
}

// finish settles each finding's fix as it applies to this config (unless
// the caller only compares ids), marks findings in generated files, and
// redacts every finding and the probe result.
func (r *run) finish(findings []model.Finding, deep *DeepResult) {
	if !r.opts.DeclaredFixes {
		resolveFixes(r.s, findings)
	}
	markManaged(r.s, findings, !r.opts.PlanManaged) // last: a generated file's findings are manual whatever their fix
	r.redactAll(findings)
	if deep != nil {
		r.red.deep(deep)
	}
}

// redactAll redacts each finding in place. Each is redacted on its own,
// so on a big state (7,000 findings, one of them naming 50,000 agent
// paths) GOMAXPROCS workers take the findings in small runs as they come
// free: the result is the same, and one core does not idle while the other
// masks.
func (r *run) redactAll(findings []model.Finding) {
	const run = 64 // findings a worker takes at a time
	workers := min(runtime.GOMAXPROCS(0), len(findings)/run)
	if workers < 2 {
		for i := range findings {
			findings[i] = r.red.finding(findings[i])
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				a := int(next.Add(run)) - run
				if a >= len(findings) {
					return
				}
				for i := a; i < min(a+run, len(findings)); i++ {
					findings[i] = r.red.finding(findings[i])
				}
			}
		})
	}
	wg.Wait()
}

// suppress moves the suppressed findings aside (adding the notice that
// suppressions are in force) and ranks both lists.
func (r *run) suppress(findings []model.Finding) (kept, suppressed []model.Finding, err error) {
	kept, suppressed, active, err := applySuppressions(r.s, findings)
	if err != nil {
		return nil, nil, err
	}
	if active != nil {
		c := decl(r.reg, IDSuppressionsActive)
		kept = append(kept, r.red.finding(toFinding(c, r.s, *active)))
	}
	Rank(kept)
	Rank(suppressed)
	chainsFirst(kept)
	return kept, suppressed, nil
}

// report stamps the report, sums it up and gives every check its verdict.
func (r *run) report(kept, suppressed []model.Finding, deep *DeepResult) *Report {
	s := r.s
	now := time.Now
	if r.opts.Now != nil {
		now = r.opts.Now
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
		Tool: ToolInfo{Name: "hardshell", Version: r.opts.ToolVersion},
	}
	if rep.Findings == nil {
		rep.Findings = []model.Finding{}
	}
	if rep.SuppressedFindings == nil {
		rep.SuppressedFindings = []model.Finding{}
	}
	rep.Summary = Summarize(rep.Findings)
	rep.Checks, rep.Verdicts = computeVerdicts(verdictInputs{reg: r.reg, s: r.view, configUsable: r.configUsable, opts: r.opts, findings: rep.Findings, suppressed: rep.SuppressedFindings})
	for i := range rep.Checks {
		rep.Checks[i].Reason = r.red.text(rep.Checks[i].Reason)
	}
	return rep
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
		Detail:      h.Detail,
		Remediation: h.Remediation,
		Priority:    c.Tier,
		Paths:       h.Paths,
		Fix:         c.Fix,
		Why:         c.Why,
		Breaks:      c.Breaks,
	}
	if !h.detailCapped {
		f.Detail = capDetail(h.Detail)
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

// writeCapped is the detail that detail writes, capped as capDetail caps
// it, and capped while it is written: a detail naming each of 50,000 agents
// is megabytes of which a finding keeps the first maxDetailLines lines, so
// only those are kept (the first maxDetailLineLen+1 bytes of each) and the
// rest is only counted. The hit carrying it says so (Hit.detailCapped), so
// toFinding does not cap it twice.
func writeCapped(detail func(w func(string))) string {
	var c detailCapper
	detail(c.write)
	return c.String()
}

// detailCapper builds capDetail's result from the text written to it.
type detailCapper struct {
	b     strings.Builder
	line  []byte // the current line's first maxDetailLineLen+1 bytes
	n     int    // the current line's length
	lines int    // line ends seen so far
}

func (c *detailCapper) write(p string) {
	if c.lines >= maxDetailLines { // past the kept lines: only counted
		c.lines += strings.Count(p, "\n")
		return
	}
	for {
		seg, rest, ended := strings.Cut(p, "\n")
		if c.lines < maxDetailLines {
			if room := maxDetailLineLen + 1 - len(c.line); room > 0 {
				c.line = append(c.line, seg[:min(room, len(seg))]...)
			}
			c.n += len(seg)
		}
		if !ended {
			return
		}
		if c.lines < maxDetailLines {
			c.flushLine()
		}
		c.lines++
		p = rest
	}
}

// flushLine writes the current line as capDetail writes a kept line.
func (c *detailCapper) flushLine() {
	if c.lines > 0 {
		c.b.WriteByte('\n')
	}
	if c.n > maxDetailLineLen {
		cut := maxDetailLineLen
		for cut > 0 && !utf8.RuneStart(c.line[cut]) {
			cut--
		}
		c.b.Write(c.line[:cut])
		fmt.Fprintf(&c.b, " … (%d more bytes)", c.n-cut)
	} else {
		c.b.Write(c.line)
	}
	c.line, c.n = c.line[:0], 0
}

// String ends the last line and adds the count of the lines not kept.
func (c *detailCapper) String() string {
	if c.lines < maxDetailLines {
		c.flushLine()
	}
	if total := c.lines + 1; total > maxDetailLines {
		c.b.WriteByte('\n')
		fmt.Fprintf(&c.b, detailOmittedNote, total-maxDetailLines)
	}
	return c.b.String()
}

// capDetail keeps the first maxDetailLines lines of d, each cut at
// maxDetailLineLen bytes (on a rune boundary), as writeCapped does for a
// detail written in pieces: it keeps only the lines it shows and counts
// the rest, so a detail listing 50,000 agents is not split into 100,000
// strings to keep 200.
func capDetail(d string) string {
	if len(d) <= maxDetailLineLen && !strings.Contains(d, "\n") {
		return d
	}
	return writeCapped(func(w func(string)) { w(d) })
}
