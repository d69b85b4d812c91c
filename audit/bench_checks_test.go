package audit

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

// BenchmarkAuditChecks50kAgents is everything after the survey on 50,000
// agent dirs: audit.Run (the checks, the finish phase, suppressions,
// verdicts) and the text report through the redacting writer, as
// `hardshell audit` runs them. The state is generated and loaded once;
// each iteration audits a fresh copy of the snapshot (nothing memoised).
// HARDSHELL_BENCH_STATE names an existing generated state dir to read
// instead (it is only read), which saves the minute of generating one.
//
//	go test ./audit -run '^$' -bench AuditChecks50kAgents -benchmem -timeout 30m
func BenchmarkAuditChecks50kAgents(b *testing.B) {
	const agents = 50000
	dir := os.Getenv("HARDSHELL_BENCH_STATE")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), ".openclaw")
		testutil.GenerateState(b, dir, agents, 1)
	}
	s, err := model.Load(model.LoadOptions{
		Locate:          model.LocateOptions{StateDirFlag: dir, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(dir)},
		OpenClawVersion: func() string { return "" },
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(s.FS.Agents) != agents {
		b.Fatalf("surveyed %d agents", len(s.FS.Agents))
	}
	loaded := *s // before any check memoises a view
	b.ResetTimer()
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		cp := loaded
		r, err := Run(context.Background(), &cp, Options{})
		if err != nil || len(r.Findings) == 0 {
			b.Fatalf("%v %d", err, len(r.Findings))
		}
		w := cp.Redact().Writer(io.Discard)
		if err := WriteText(w, r, TextOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time of the whole process (GC included) per audit: steadier
	// than ns/op when other work shares the cores.
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
