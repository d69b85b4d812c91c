package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// fixtureRegistry has checks in several areas and tiers, with meta checks.
func fixtureRegistry() *Registry {
	r := NewRegistry()
	r.Register("channels",
		Check{ID: "channels.<id>.dm.open", Title: "DM open", Tier: model.TierInbound, Fix: model.FixGuided, Remediation: "set dmPolicy pairing",
			Run: func(s *model.Snapshot) []Hit {
				var hits []Hit
				for _, ch := range Config(s).Get("channels").Keys() {
					if Config(s).Lookup("channels."+ch+".dmPolicy").Text() == "open" {
						hits = append(hits, Hit{ID: "channels." + ch + ".dm.open", Severity: model.Critical, Title: ch + " DMs are open", Detail: "anyone can DM " + ch, Paths: []string{"channels." + ch + ".dmPolicy"}})
					}
				}
				return hits
			}},
	)
	r.Register("gateway",
		Check{ID: "gateway.bind_no_auth", Title: "Exposed without auth", Tier: model.TierExposure, Fix: model.FixGuided, Remediation: "bind loopback",
			Run: func(s *model.Snapshot) []Hit {
				if b := Config(s).Lookup("gateway.bind").Text(); b != "" && b != "loopback" {
					return []Hit{{Severity: model.Critical, Detail: "bind=" + b, Paths: []string{"gateway.auth.token", "gateway.bind"}}}
				}
				return nil
			}},
		Check{ID: "gateway.trusted_proxies_missing", Title: "No trusted proxies", Tier: model.TierExposure, Fix: model.FixManual, Remediation: "set trustedProxies",
			Run: hitsFor(Hit{Severity: model.Warn, Paths: []string{"gateway.trustedProxies"}})},
	)
	r.Register("filesystem",
		Check{ID: "fs.state_dir.perms_world_writable", Title: "State dir world-writable", Tier: model.TierPermissions, Fix: model.FixSafe, Remediation: "chmod 700", FSOnly: true,
			Run: func(s *model.Snapshot) []Hit {
				return []Hit{{Severity: model.Critical, Detail: "mode 777", Paths: []string{s.Target.StateDir}}}
			}},
	)
	r.Register("models",
		Check{ID: "models.small_params", Title: "Small model", Tier: model.TierModels, Fix: model.FixManual, Remediation: "use a larger model",
			Run: hitsFor(Hit{Severity: model.Info, Detail: "tiny"})},
	)
	return r
}

func fixtureConfig() map[string]any {
	return map[string]any{
		"channels": map[string]any{
			"whatsapp": map[string]any{"dmPolicy": "open"},
			"telegram": map[string]any{"dmPolicy": "open"},
			"discord":  map[string]any{"dmPolicy": "pairing"},
		},
		"gateway": map[string]any{"bind": "lan"},
	}
}

func TestRunRanksAndFillsFromDeclaration(t *testing.T) {
	s := snap("/state", fixtureConfig())
	rep, err := Run(context.Background(), s, Options{Registry: fixtureRegistry(), ToolVersion: "1.2.3"})
	require.NoError(t, err)
	require.Equal(t, []string{
		"channels.telegram.dm.open", "channels.whatsapp.dm.open", // tier 1, critical, by id
		"gateway.bind_no_auth", "gateway.trusted_proxies_missing", // tier 2: critical before warn
		"fs.state_dir.perms_world_writable", // tier 4
		"models.small_params",               // tier 6
	}, ids(rep.Findings))
	require.Equal(t, Summary{Critical: 4, Warn: 1, Info: 1}, rep.Summary)
	require.Equal(t, int64(1_700_000_000_000), rep.Ts)
	require.Equal(t, ToolInfo{Name: "hardshell", Version: "1.2.3"}, rep.Tool)
	require.Equal(t, "/state", rep.Target.StateDir)

	wa := rep.Findings[1]
	require.Equal(t, "whatsapp DMs are open", wa.Title, "hit title overrides")
	require.Equal(t, "set dmPolicy pairing", wa.Remediation, "remediation from the declaration")
	require.Equal(t, model.TierInbound, wa.Priority)
	require.Equal(t, model.FixGuided, wa.Fix)
	require.Equal(t, "/state/openclaw.json", wa.File)
	want := Config(s).Lookup("channels.whatsapp.dmPolicy").Pos.Line
	require.Equal(t, want, wa.Line)

	bind := rep.Findings[2]
	require.Equal(t, "Exposed without auth", bind.Title, "title from the declaration")
	require.Equal(t, Config(s).Lookup("gateway.bind").Pos.Line, bind.Line, "first path that resolves (gateway.auth.token does not)")

	tp := rep.Findings[3]
	require.Equal(t, Config(s).Lookup("gateway").Pos.Line, tp.Line, "nearest existing ancestor when no path resolves")

	fsf := rep.Findings[4]
	require.Equal(t, "/state", fsf.File, "an absolute fs path is the file")
	require.Zero(t, fsf.Line)

	require.Empty(t, rep.SuppressedFindings)
	require.Nil(t, rep.Deep)
}

func TestRunDeterministicRegardlessOfScheduling(t *testing.T) {
	reg := fixtureRegistry()
	var first []byte
	for _, procs := range []int{1, 2, 8} {
		old := runtime.GOMAXPROCS(procs)
		for i := 0; i < 10; i++ {
			rep, err := Run(context.Background(), snap("/state", fixtureConfig()), Options{Registry: reg})
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, WriteJSON(&b, rep))
			if first == nil {
				first = b.Bytes()
			}
			require.Equal(t, string(first), b.String(), "GOMAXPROCS=%d run %d", procs, i)
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestRunPanickingCheckBecomesCheckFailed(t *testing.T) {
	reg := fixtureRegistry()
	reg.Register("browser", Check{ID: "browser.boom", Title: "Boom", Tier: model.TierBrowser, Fix: model.FixManual,
		Run: func(s *model.Snapshot) []Hit {
			var n *model.Node
			return []Hit{{Detail: n.Raw}} // nil dereference, as a buggy check would

		}})
	reg.Register("hooks", Check{ID: "hooks.<id>.open", Title: "Hook open", Tier: model.TierInbound, Fix: model.FixManual,
		Run: hitsFor(Hit{ID: "hooks.wrong", Severity: model.Warn})})
	rep, err := Run(context.Background(), snap("/state", fixtureConfig()), Options{Registry: reg})
	require.NoError(t, err)
	var failed []model.Finding
	for _, f := range rep.Findings {
		if f.CheckID == IDCheckFailed {
			failed = append(failed, f)
		}
	}
	require.Len(t, failed, 2)
	byTier := map[model.Tier]model.Finding{}
	for _, f := range failed {
		byTier[f.Priority] = f
		require.Equal(t, model.Warn, f.Severity)
	}
	require.Contains(t, byTier[model.TierBrowser].Title, "browser.boom")
	require.Contains(t, byTier[model.TierBrowser].Detail, "panicked")
	require.Contains(t, byTier[model.TierInbound].Detail, `reported id "hooks.wrong"`)
	require.Contains(t, ids(rep.Findings), "hooks.wrong", "the malformed hit is still reported, never silenced")
	// The other checks still ran.
	require.Contains(t, ids(rep.Findings), "gateway.bind_no_auth")
}

func TestRunUnreadableConfigRunsOnlyFSChecks(t *testing.T) {
	s := snap("/state", nil)
	s.ConfigMissing = false
	s.DocErr = &model.InputError{File: "/state/openclaw.json", Line: 3, Col: 7, Msg: "unexpected }"}
	reg := fixtureRegistry()
	reg.Register("config", Check{ID: IDConfigUnreadable, Title: "Config could not be read", Tier: model.TierInbound, Fix: model.FixManual})
	rep, err := Run(context.Background(), s, Options{Registry: reg})
	require.NoError(t, err)
	require.Equal(t, []string{IDConfigUnreadable, "fs.state_dir.perms_world_writable"}, ids(rep.Findings))
	u := rep.Findings[0]
	require.Equal(t, model.Critical, u.Severity)
	require.Contains(t, u.Detail, "/state/openclaw.json:3:7: unexpected }")
	require.Equal(t, "/state/openclaw.json", u.File)
}

func TestRunMissingConfigUsesDefaults(t *testing.T) {
	reg := fixtureRegistry()
	var sawDoc bool
	reg.Register("discovery", Check{ID: "discovery.seen", Title: "t", Tier: model.TierModels, Fix: model.FixManual,
		Run: func(s *model.Snapshot) []Hit { sawDoc = s.Doc != nil && s.Doc.Root != nil; return nil }})
	rep, err := Run(context.Background(), snap("/state", nil), Options{Registry: reg})
	require.NoError(t, err)
	require.True(t, sawDoc, "checks get an empty document, not nil")
	require.Contains(t, ids(rep.Findings), IDConfigMissing, "declared in meta.go, found through the default registry")
	require.NotContains(t, ids(rep.Findings), "gateway.bind_no_auth", "default bind is loopback")
	for _, f := range rep.Findings {
		if f.CheckID == IDConfigMissing {
			require.Equal(t, model.Info, f.Severity)
		}
	}
}

func TestRunHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	reg := NewRegistry()
	reg.Register("gateway", Check{ID: "gateway.cancel", Title: "t", Tier: 2, Fix: model.FixManual,
		Run: func(*model.Snapshot) []Hit { cancel(); return []Hit{{}} }})
	reg.Register("channels", Check{ID: "channels.after", Title: "t", Tier: 1, Fix: model.FixManual, Run: hitsFor(Hit{})})
	rep, err := Run(ctx, snap("/state", map[string]any{}), Options{Registry: reg})
	require.Nil(t, rep)
	require.True(t, errors.Is(err, context.Canceled))
}

func TestRunProgressEvents(t *testing.T) {
	var mu sync.Mutex
	var events []Progress
	inFlight := 0
	rep, err := Run(context.Background(), snap("/state", fixtureConfig()), Options{
		Registry: fixtureRegistry(),
		Progress: func(p Progress) {
			inFlight++ // the runner serialises calls; -race would flag overlap
			require.Equal(t, 1, inFlight)
			mu.Lock()
			events = append(events, p)
			mu.Unlock()
			inFlight--
		},
	})
	require.NoError(t, err)
	started, finished := map[string]bool{}, map[string]int{}
	lastDone := 0
	for _, e := range events {
		require.Equal(t, 4, e.Total)
		require.GreaterOrEqual(t, e.Done, lastDone)
		lastDone = e.Done
		if e.Started {
			started[e.Area] = true
		}
		if e.Finished {
			require.True(t, started[e.Area], "finished before started: %s", e.Area)
			finished[e.Area] = e.Findings
		}
	}
	require.Equal(t, 4, lastDone)
	require.Equal(t, map[string]int{"channels": 2, "gateway": 2, "filesystem": 1, "models": 1}, finished)
	require.Len(t, rep.Findings, 6)
}

func TestRankOrder(t *testing.T) {
	fs := []model.Finding{
		{CheckID: "b", Severity: model.Info, Priority: 1},
		{CheckID: "z", Severity: model.Critical, Priority: 2},
		{CheckID: "a", Severity: model.Critical, Priority: 2, Detail: "2"},
		{CheckID: "a", Severity: model.Critical, Priority: 2, Detail: "1"},
		{CheckID: "c", Severity: model.Warn, Priority: 1},
		{CheckID: "a", Severity: model.Warn, Priority: 6},
	}
	Rank(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.CheckID+f.Detail)
	}
	require.Equal(t, []string{"c", "b", "a1", "a2", "z", "a"}, got)
}

func TestCapDetail(t *testing.T) {
	require.Equal(t, "short\ntwo", capDetail("short\ntwo"))
	var b strings.Builder
	for i := range 250 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	got := capDetail(strings.TrimSuffix(b.String(), "\n"))
	lines := strings.Split(got, "\n")
	require.Len(t, lines, maxDetailLines+1)
	require.Equal(t, "line 199", lines[maxDetailLines-1])
	require.Equal(t, "… 50 more line(s) not shown (the finding's paths, e.g. in --json, list every path)", lines[maxDetailLines])
	long := strings.Repeat("é", maxDetailLineLen)
	got = capDetail(long)
	require.True(t, utf8.ValidString(got))
	require.Contains(t, got, " more bytes)")
	require.Less(t, len(got), len(long))

	// Line counts at the edges of the cap, empty and long lines, a
	// trailing newline: the same as splitting the whole detail.
	for _, n := range detailLineCounts {
		for _, tail := range []string{"", "\n"} {
			d := detailOfLines(n, 3) + tail
			require.Equal(t, capDetailBySplit(d), capDetail(d), "%d lines, tail %q", n, tail)
		}
	}
}

// detailLineCounts are line counts at the edges of the detail cap.
var detailLineCounts = []int{1, 2, maxDetailLines - 1, maxDetailLines, maxDetailLines + 1, 3 * maxDetailLines}

// detailOfLines is a detail of n lines cycling through kinds of line: a
// short one, one over the length cap, an empty one and (kinds 4) one of
// 2-byte runes over the cap, so a cut can fall inside a rune.
func detailOfLines(n, kinds int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString("\n")
		}
		switch i % kinds {
		case 0:
			fmt.Fprintf(&b, "line %d", i)
		case 1:
			b.WriteString(strings.Repeat("x", maxDetailLineLen+i))
		case 2:
			if kinds > 3 {
				b.WriteString(strings.Repeat("é", maxDetailLineLen/2+i%3))
			}
		}
	}
	return b.String()
}

// capDetailBySplit is capDetail as it was first written (split every line,
// keep some): the reference the streaming one must match.
func capDetailBySplit(d string) string {
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

// writeCapped must give exactly capDetail of the whole text, however the
// text is cut into writes (a cut inside a line, inside a rune, at a line
// end, one byte at a time).
func TestWriteCappedMatchesCapDetail(t *testing.T) {
	var texts []string
	for _, n := range detailLineCounts {
		for _, tail := range []string{"", "\n", "\n\n"} {
			texts = append(texts, detailOfLines(n, 4)+tail)
		}
	}
	texts = append(texts, "", "\n", "short", strings.Repeat("x", maxDetailLineLen), strings.Repeat("x", maxDetailLineLen+1),
		strings.Repeat("日", maxDetailLineLen/3+1), strings.Repeat("\n", maxDetailLines+5))
	for ti, d := range texts {
		want := capDetail(d)
		for _, size := range []int{1, 7, 1000, maxDetailLineLen + 3, len(d) + 1} {
			got := writeCapped(func(w func(string)) {
				for rest := d; rest != ""; {
					k := min(size, len(rest))
					w(rest[:k])
					rest = rest[k:]
				}
			})
			require.Equal(t, want, got, "text %d written in pieces of %d", ti, size)
		}
	}
}

// Many findings are redacted by several workers (redactAll): every one is
// masked, and the report is the same whatever GOMAXPROCS is.
func TestRunRedactsManyFindingsWhateverTheWorkers(t *testing.T) {
	const secret = "sk-ant-api03-" + "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm"
	reg := NewRegistry()
	reg.Register("filesystem", Check{ID: "fs.many", Title: "Many", Tier: model.TierPermissions, Fix: model.FixManual,
		Run: func(*model.Snapshot) []Hit {
			hits := make([]Hit, 1000)
			for i := range hits {
				p := fmt.Sprintf("/state/agents/a-%04d/x", i)
				hits[i] = Hit{Severity: model.Warn, Detail: fmt.Sprintf("finding %d: key=%s", i, secret), Remediation: "rm " + secret, Paths: []string{p, p + "/" + secret}}
			}
			return hits
		}})
	var first string
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		rep, err := Run(context.Background(), snap("/state", map[string]any{}), Options{Registry: reg})
		runtime.GOMAXPROCS(old)
		require.NoError(t, err)
		require.Len(t, rep.Findings, 1000)
		var b bytes.Buffer
		require.NoError(t, WriteJSON(&b, rep))
		require.NotContains(t, b.String(), secret[13:], "GOMAXPROCS=%d", procs)
		if first == "" {
			first = b.String()
		}
		require.Equal(t, first, b.String(), "GOMAXPROCS=%d", procs)
	}
}
