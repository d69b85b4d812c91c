package model_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

// BenchmarkScanFS surveys a generated 50 agents × 2,000 transcripts state
// dir (100,000 transcripts). Besides ns/op and allocs it reports files/op
// and the heap the finished FSState keeps (retained-B).
//
//	go test -bench ScanFS -benchmem -run '^$' ./model
func BenchmarkScanFS(b *testing.B) {
	const agents, perAgent = 50, 2000
	state := filepath.Join(b.TempDir(), "state")
	testutil.GenerateState(b, state, agents, perAgent)
	doc, err := model.ParseFile(filepath.Join(state, "openclaw.json"))
	if err != nil {
		b.Fatal(err)
	}
	target := model.Target{StateDir: state, ConfigPath: filepath.Join(state, "openclaw.json")}

	var st *model.FSState
	b.ReportAllocs()
	for b.Loop() {
		st = model.ScanFS(target, doc)
	}
	b.StopTimer()

	transcripts, loose := 0, 0
	for _, a := range st.Agents {
		transcripts += a.Transcripts
		loose += len(a.LooseTranscripts)
	}
	if transcripts != agents*perAgent || st.Files < agents*perAgent || len(st.Unreadable) != 0 {
		b.Fatalf("survey incomplete: %d transcripts, %d files, %d unreadable", transcripts, st.Files, len(st.Unreadable))
	}
	// The generator makes every 10th transcript 0644.
	if loose != agents*perAgent/10 {
		b.Fatalf("loose transcripts = %d, want %d", loose, agents*perAgent/10)
	}
	b.ReportMetric(float64(st.Files), "files/op")

	// Heap kept by one finished survey.
	st = nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := model.ScanFS(target, doc)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "retained-B")
	runtime.KeepAlive(kept)
}

// BenchmarkScanFSManyAgents surveys 5,000 agent dirs of one transcript
// each, the shape of issue 10's 50,000-agent figure: allocs/op divided by
// the agents is what each agent dir costs (one string: its paths).
//
//	go test -bench ScanFSManyAgents -benchmem -run '^$' ./model
func BenchmarkScanFSManyAgents(b *testing.B) {
	const agents = 5000
	state := filepath.Join(b.TempDir(), "state")
	testutil.GenerateState(b, state, agents, 1)
	target := model.Target{StateDir: state, ConfigPath: filepath.Join(state, "openclaw.json")}
	var st *model.FSState
	b.ReportAllocs()
	for b.Loop() {
		st = model.ScanFS(target, nil)
	}
	b.StopTimer()
	if len(st.Agents) < agents || len(st.Unreadable) != 0 {
		b.Fatalf("survey incomplete: %d agents, %d unreadable", len(st.Agents), len(st.Unreadable))
	}
}

// The survey's cost per agent dir does not grow back: each costs one
// allocation (the string its five paths are slices of), not one per
// listing, name, path or Info.
func TestScanFSAllocatesOncePerAgentDir(t *testing.T) {
	if raceEnabled {
		t.Skip("under the race detector sync.Pool drops at random: allocation counts are not the survey's")
	}
	const agents = 400
	state := filepath.Join(t.TempDir(), "state")
	testutil.GenerateState(t, state, agents, 1)
	target := model.Target{StateDir: state}
	allocs := testing.AllocsPerRun(5, func() { model.ScanFS(target, nil) })
	// ~1 per agent, plus the agents' slots, the listing of agents/ and
	// the workers (a constant); 2 per agent leaves room for that.
	if allocs > 2*agents {
		t.Fatalf("%v allocations for %d agent dirs: more than 2 each", allocs, agents)
	}
}
