package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/sshtest"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remote"
)

// remoteBigState puts a generated 5 agents × 2,000 transcripts state dir
// (10,000 transcripts) on a fresh sshd and returns its remote path.
func remoteBigState(b *testing.B) (*sshtest.Server, string) {
	s := sshtest.Start(b)
	local := filepath.Join(b.TempDir(), "state")
	testutil.GenerateState(b, local, 5, 2000)
	dir := s.Home + "/.openclaw"
	s.CopyIn(b, local, dir)
	return s, dir
}

// BenchmarkRemoteAudit10k is `hardshell audit --host DEST --json` end to
// end on a 10,000-transcript state dir over ssh to loopback: the process,
// the ssh connection (key exchange, auth), the SFTP survey and the audit.
//
//	go test -bench RemoteAudit -run '^$' -benchtime 5x ./cmd/hardshell
func BenchmarkRemoteAudit10k(b *testing.B) {
	bin := auditBinaryB(b)
	s, dir := remoteBigState(b)
	for b.Loop() {
		cmd := exec.Command(bin, "audit", "--json", "--fail-on", "none", "--host", s.Dest, "--state-dir", dir)
		cmd.Env = []string{"HOME=" + b.TempDir(), "PATH=/usr/bin:/bin", "HARDSHELL_SSH_COMMAND=" + s.SSHCommand}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			b.Fatalf("%v: %s", err, errb.Bytes())
		}
		var rep struct{ Target struct{ StateDir string } }
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Target.StateDir != dir {
			b.Fatalf("bad report (%v): %.300s", err, out.Bytes())
		}
	}
}

// BenchmarkRemoteLoadAudit10k is the survey and audit alone over an open
// session (no process start, no ssh connection): the SFTP round trips.
func BenchmarkRemoteLoadAudit10k(b *testing.B) {
	s, dir := remoteBigState(b)
	sess, err := remote.Dial(context.Background(), s.Dest, remote.Options{SSHCommand: s.SSHCommand})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	files := 0
	for b.Loop() {
		snap, err := model.Load(model.LoadOptions{
			Locate:          model.LocateOptions{StateDirFlag: dir, FS: sess.FS, Getenv: sess.Getenv, HomeDir: sess.Home},
			FS:              sess.FS,
			OpenClawVersion: func() string { return "" },
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := audit.Run(context.Background(), snap, audit.Options{ToolVersion: "bench"}); err != nil {
			b.Fatal(err)
		}
		files = snap.FS.Files
	}
	if files < 10000 {
		b.Fatalf("surveyed %d files, want ≥ 10,000", files)
	}
	b.ReportMetric(float64(files), "files/op")
}

// auditBinaryB is auditBinary for a benchmark.
func auditBinaryB(b *testing.B) string {
	dir := b.TempDir()
	bin := filepath.Join(dir, "hardshell")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("%s", out)
	}
	if _, err := os.Stat(bin); err != nil {
		b.Fatal(err)
	}
	return bin
}
