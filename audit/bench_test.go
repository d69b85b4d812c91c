package audit

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

// BenchmarkLoadAndAudit100k is the whole read path the CLI takes on a large
// state dir: locate, parse, survey 50 agents × 2,000 transcripts (100,000
// files), environment, era, then every check. Run it with
//
//	go test ./audit -run '^$' -bench LoadAndAudit100k -benchmem
//
// It reports peak-heap-MB (runtime heap high-water mark across one run, as
// a proxy for the process's peak; measure the process with /usr/bin/time -v
// and scripts/bench-vs-openclaw.sh).
func BenchmarkLoadAndAudit100k(b *testing.B) {
	dir := filepath.Join(b.TempDir(), ".openclaw")
	testutil.GenerateState(b, dir, 50, 2000)
	opts := model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: dir, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(dir)},
		OpenClawVersion: func() string { return "" },
	}
	var peak uint64
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := model.Load(opts)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Run(context.Background(), s, Options{})
		if err != nil || len(r.Findings) == 0 {
			b.Fatalf("%v %d", err, len(r.Findings))
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if after.HeapSys > peak {
			peak = after.HeapSys
		}
		if s.FS.Files < 100000 {
			b.Fatalf("surveyed %d files", s.FS.Files)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkLoadAndAudit50kAgents is the read path on 50,000 agent dirs
// (each with agent/auth-profiles.json, sessions/sessions.json and one
// transcript; the config lists every agent): the survey's directory walk
// and every per-agent check. The target is under 2.5 s and 200 MB for the
// CLI (measure the process with /usr/bin/time -v hardshell audit).
//
//	go test ./audit -run '^$' -bench LoadAndAudit50kAgents -benchtime 1x -timeout 30m
func BenchmarkLoadAndAudit50kAgents(b *testing.B) {
	const agents = 50000
	dir := filepath.Join(b.TempDir(), ".openclaw")
	testutil.GenerateState(b, dir, agents, 1)
	opts := model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: dir, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(dir)},
		OpenClawVersion: func() string { return "" },
	}
	var peak uint64
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		s, err := model.Load(opts)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Run(context.Background(), s, Options{})
		if err != nil || len(r.Findings) == 0 {
			b.Fatalf("%v %d", err, len(r.Findings))
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
		if len(s.FS.Agents) != agents {
			b.Fatalf("surveyed %d agents", len(s.FS.Agents))
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
