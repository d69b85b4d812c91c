package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/demo"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
	"github.com/stretchr/testify/require"
)

// hardshellBin builds the real binary into the test's temp dir (the go
// build cache makes repeat builds a link step).
func hardshellBin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hardshell")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

var ansiRe = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07`)

// term is the binary running in a pseudo-terminal, its output read in a
// goroutine and kept ANSI-stripped for waits.
type ptyTerm struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	raw  bytes.Buffer
	mark int // waits look after this offset of the stripped text
	done chan struct{}
}

func startPTY(t *testing.T, bin string, args ...string) *ptyTerm {
	t.Helper()
	return startPTYEnv(t, nil, bin, args...)
}

// startPTYEnv is startPTY with extra environment variables.
func startPTYEnv(t *testing.T, env []string, bin string, args ...string) *ptyTerm {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"TERM=xterm-256color", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	require.NoError(t, err)
	tm := &ptyTerm{t: t, f: f, cmd: cmd, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.raw.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				close(tm.done)
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = f.Close()
	})
	return tm
}

func (tm *ptyTerm) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansiRe.ReplaceAllString(tm.raw.String(), "")
}

// waitFor waits until text appears after the last match.
func (tm *ptyTerm) waitFor(text string) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		s := tm.text()
		if i := strings.Index(s[min(tm.mark, len(s)):], text); i >= 0 {
			tm.mark += i + len(text)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := tm.text()
	tm.t.Fatalf("waiting for %q: not seen; last output:\n%s", text, s[max(0, len(s)-3000):])
}

func (tm *ptyTerm) send(keys string) {
	tm.t.Helper()
	_, err := tm.f.Write([]byte(keys))
	require.NoError(tm.t, err)
	time.Sleep(60 * time.Millisecond)
}

func (tm *ptyTerm) wait() {
	tm.t.Helper()
	select {
	case <-tm.done:
	case <-time.After(15 * time.Second):
		tm.t.Fatal("hardshell did not exit")
	}
	_ = tm.cmd.Wait()
}

// treeHashes is sha256 + mode of every file and dir under root.
func treeHashes(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			v += " " + hex.EncodeToString(h[:])
		}
		out[p] = v
		return nil
	}))
	return out
}

func demoState(t *testing.T) string {
	t.Helper()
	sd, err := demo.Materialize(t.TempDir())
	require.NoError(t, err)
	return sd
}

func noEnv(string) string { return "" }

// expectedFix is the change the wizard should write for the top finding
// when every question takes its default, computed in-process on the same
// files: the top finding in list order with a registered remediation.
func expectedFix(t *testing.T, sd string) (model.Finding, *remediate.Prepared) {
	t.Helper()
	s, err := model.Load(model.LoadOptions{Locate: model.LocateOptions{StateDirFlag: sd, Getenv: noEnv}, OpenClawVersion: func() string { return "" }})
	require.NoError(t, err)
	rep, err := audit.Run(context.Background(), s, audit.Options{})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Findings)
	top := rep.Findings[0]
	require.Equal(t, model.Critical, top.Severity, "the demo's top finding is critical")
	rem, ok := fix.For(top.CheckID)
	require.True(t, ok, "the top critical %s has a remediation", top.CheckID)
	var qs []model.Question
	if rem.Questions != nil {
		qs = rem.Questions(s, top)
	}
	cs, err := rem.Plan(s, top, fix.Defaults(qs, nil))
	require.NoError(t, err)
	p, err := remediate.Prepare(context.Background(), s, cs, nil)
	require.NoError(t, err)
	return top, p
}

func TestE2EWizardFixesTopCritical(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	sd := demoState(t)
	top, want := expectedFix(t, sd)
	before := map[string][]byte{}
	for path := range want.Files {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		before[path] = b
	}
	hashes := treeHashes(t, sd)

	bin := hardshellBin(t)
	tm := startPTY(t, bin, "--state-dir", sd)
	tm.waitFor("Harden this gateway")
	tm.send("\r")
	tm.waitFor("score")
	tm.send("\r") // fix the top finding
	tm.waitFor("safe default")
	for i := 0; i < 8 && !strings.Contains(tm.text()[tm.mark:], "y write"); i++ {
		tm.send("\r") // accept each default
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor("+++ b/")
	tm.waitFor("y write")
	tm.send("y")
	tm.waitFor("Undo with")
	tm.send("q")
	tm.wait()
	require.Contains(t, tm.text(), "undo: hardshell restore ")

	// Only the files the diff named changed, exactly as the diff said.
	after := treeHashes(t, sd)
	for p, h := range hashes {
		if _, changed := want.Files[p]; changed {
			continue
		}
		if strings.Contains(p, string(filepath.Separator)+".hardshell") {
			continue
		}
		require.Equal(t, h, after[p], "%s changed but was not in the diff", p)
	}
	var got strings.Builder
	for path, old := range before {
		now, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want.Files[path]), string(now), "%s differs from the reviewed candidate", path)
		rel, _ := filepath.Rel(sd, path)
		got.WriteString(remediate.UnifiedDiff(rel, old, now))
	}
	require.Equal(t, want.Diff(), got.String())

	// A backup set exists.
	sets, err := remediate.ListBackups(sd)
	require.NoError(t, err)
	require.Len(t, sets, 1)
	require.DirExists(t, filepath.Join(sd, ".hardshell", "backups", sets[0].ID))

	// A re-audit no longer reports the finding.
	out, _ := exec.Command(bin, "audit", "--json", "--state-dir", sd).Output()
	var rep struct {
		Findings []struct {
			CheckID string `json:"checkId"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(out, &rep), "%s", out)
	require.NotEmpty(t, rep.Findings)
	// The finding the fix claimed is gone: the top finding itself, or for
	// the risk chain (fixed through its first link) that link.
	gone := top.CheckID
	if top.CheckID == audit.IDRiskChain {
		require.NotEmpty(t, want.Changes.Edits)
		gone = want.Changes.Edits[0].CheckID
		require.NotEqual(t, audit.IDRiskChain, gone)
	}
	for _, f := range rep.Findings {
		require.NotEqual(t, gone, f.CheckID)
	}
}

func TestE2EQuitWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cases := []struct {
		name string
		run  func(tm *ptyTerm)
	}{
		{"scan", func(tm *ptyTerm) {
			tm.send("\r" + "q") // q right after the scan starts
		}},
		{"findings", func(tm *ptyTerm) {
			tm.send("\r")
			tm.waitFor("score")
			tm.send("q")
		}},
		{"form", func(tm *ptyTerm) {
			tm.send("\r")
			tm.waitFor("score")
			tm.send("\r")
			tm.waitFor("safe default")
			tm.send("\x03") // ctrl+c
		}},
		{"suppress-form", func(tm *ptyTerm) {
			tm.send("\r")
			tm.waitFor("score")
			tm.send("s")
			tm.waitFor("acceptable to suppress")
			tm.send("not really\x03")
		}},
		{"review", func(tm *ptyTerm) {
			tm.send("\r")
			tm.waitFor("score")
			tm.send("\r")
			tm.waitFor("safe default")
			for i := 0; i < 8 && !strings.Contains(tm.text()[tm.mark:], "y write"); i++ {
				tm.send("\r")
				time.Sleep(150 * time.Millisecond)
			}
			tm.waitFor("y write")
			tm.send("\r") // enter in the review never writes
			tm.send("n")  // back to the findings
			tm.waitFor("score")
			tm.send("q") // the change is still staged: q asks first
			tm.waitFor("Quit and discard 1 staged change?")
			tm.send("y")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sd := demoState(t)
			before := treeHashes(t, sd)
			tm := startPTY(t, hardshellBin(t), "--state-dir", sd)
			tm.waitFor("Harden this gateway")
			c.run(tm)
			tm.wait()
			require.Equal(t, before, treeHashes(t, sd), "quitting at %s wrote something", c.name)
			require.Contains(t, tm.text(), "Nothing was written.")
		})
	}
}

// The demo deletes its temporary copy when the wizard exits; --keep keeps
// it and says where it is.
func TestDemoRemovesItsCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := auditBinary(t)
	for _, keep := range []bool{false, true} {
		tmp := t.TempDir()
		args := []string{"demo"}
		if keep {
			args = append(args, "--keep")
		}
		tm := startPTYEnv(t, []string{"TMPDIR=" + tmp}, bin, args...)
		tm.waitFor("score")
		tm.send("q")
		tm.wait()
		left, err := os.ReadDir(tmp)
		require.NoError(t, err)
		if keep {
			require.Len(t, left, 1, "--keep keeps the copy")
			require.Contains(t, tm.text(), "kept at "+filepath.Join(tmp, left[0].Name()))
			require.NoError(t, os.RemoveAll(filepath.Join(tmp, left[0].Name())))
		} else {
			require.Empty(t, left, "the demo's copy is deleted on exit")
			require.Contains(t, tm.text(), "The demo's copy was deleted")
		}
	}
}

func TestChooseMode(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	require.Equal(t, modePlain, chooseMode(false, true, env()))
	require.Equal(t, modePlain, chooseMode(true, false, env("ACCESSIBLE", "1")))
	require.Equal(t, modeAccessible, chooseMode(true, true, env("ACCESSIBLE", "1")))
	require.Equal(t, modeAccessible, chooseMode(true, true, env("TERM", "dumb")))
	require.Equal(t, modeTUI, chooseMode(true, true, env("TERM", "xterm-256color", "ACCESSIBLE", "0")))
}

// TestWizardPlainWithoutTTY: piped, bare hardshell prints the report and
// writes nothing.
func TestWizardPlainWithoutTTY(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	sd := demoState(t)
	before := treeHashes(t, sd)
	cmd := exec.Command(hardshellBin(t), "--state-dir", sd)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "CRITICAL")
	require.Contains(t, string(out), "To apply the safe fixes, run: hardshell fix --yes --state-dir "+sd)
	require.Equal(t, before, treeHashes(t, sd))
}
