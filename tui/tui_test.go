package tui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/demo"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/require"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var fixedNow = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// demoOptions materialises the demo state dir into a temp dir and returns
// wizard options on it with a fixed clock and no environment.
func demoOptions(t *testing.T) Options {
	t.Helper()
	sd, err := demo.Materialize(t.TempDir())
	require.NoError(t, err)
	now := func() time.Time { return fixedNow }
	return Options{
		StateDir:    sd,
		TargetLabel: "demo",
		ToolVersion: "test",
		Now:         now,
		Load: func() (*model.Snapshot, error) {
			return model.Load(model.LoadOptions{
				Locate:          model.LocateOptions{StateDirFlag: sd, Getenv: func(string) string { return "" }},
				Now:             now,
				OpenClawVersion: func() string { return "" },
			})
		},
	}
}

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"200x50", 200, 50}}

var (
	backupIDRe = regexp.MustCompile(`\d{8}T\d{6}Z(-\d+)?`)
	spinnerRe  = regexp.MustCompile(`(?m)^[|/\\-] (Scanning|Rendering|Writing)`)
)

// golden compares the final view with testdata/<test>/<size>.golden after
// replacing what legitimately varies: backup ids (time-based) and the
// spinner frame.
func golden(t *testing.T, view string) {
	t.Helper()
	view = backupIDRe.ReplaceAllString(view, "<BACKUP-ID>")
	view = spinnerRe.ReplaceAllString(view, "* $1")
	teatest.RequireEqualOutput(t, []byte(view))
}

// settle hands msg to m, then every command the update returns, its
// message back to the model, until none is left: what Bubble Tea does
// between two key presses, without a program.
func settle(m tea.Model, msg tea.Msg) tea.Model {
	m, cmd := m.Update(msg)
	for cmd != nil {
		m, cmd = m.Update(cmd())
	}
	return m
}

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func waitText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), text) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func finalView(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
}

// hashes records the sha256-free content and mode of every file under dir.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + string(b)
		}
		out[p] = v
		return nil
	}))
	return out
}

func TestGoldenMenu(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			tm := teatest.NewTestModel(t, NewApp(o, DefaultFlows()), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "score") // the launch audit's counts
			tm.Send(press("down"))
			waitText(t, tm, "First-run hardening")
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Contains(t, v, "CRITICAL 17 · WARN 18 · INFO 4 · score 0/100")
			golden(t, v)
		})
	}
}

// TestGoldenContainFlow holds the first screen of incident containment,
// reached from the start menu (third entry).
func TestGoldenContainFlow(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, NewApp(demoOptions(t), DefaultFlows()), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "Harden this gateway")
			tm.Send(press("down"))
			tm.Send(press("down"))
			tm.Send(press("enter"))
			waitText(t, tm, "Risky DMs")
			tm.Send(press("ctrl+c"))
			golden(t, finalView(t, tm))
		})
	}
}

// TestGoldenScan holds the scan after a few areas (one worker, so the
// order is the registry's) and quits with q while it runs.
func TestGoldenScan(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			prev := runtime.GOMAXPROCS(1)
			defer runtime.GOMAXPROCS(prev)
			o := demoOptions(t)
			before := snapshotTree(t, o.StateDir)
			gate := make(chan struct{})
			var once sync.Once
			t.Cleanup(func() { once.Do(func() { close(gate) }) })
			o.Scan = func(ctx context.Context, s *model.Snapshot, progress func(audit.Progress)) (*audit.Report, error) {
				n := 0
				return audit.Run(ctx, s, audit.Options{Now: o.Now, Progress: func(p audit.Progress) {
					n++
					if n > 5 {
						<-gate
						return
					}
					progress(p)
				}})
			}
			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "areas")
			time.Sleep(100 * time.Millisecond) // let the 5 events land
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Contains(t, v, "Scanning")
			golden(t, v)
			require.Equal(t, before, snapshotTree(t, o.StateDir), "quitting the scan wrote something")
		})
	}
}

func TestGoldenFindings(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "score")
			tm.Send(press("j"))
			tm.Send(press("k"))
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Contains(t, v, "1. Open inbound with tools")
			require.Contains(t, v, "CRITICAL")
			golden(t, v)
		})
	}
}

func TestGoldenHelp(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, NewHarden(demoOptions(t)), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "score")
			tm.Send(press("?"))
			waitText(t, tm, "quitting never writes")
			tm.Send(press("q"))
			golden(t, finalView(t, tm))
		})
	}
}

func TestGoldenFilter(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, NewHarden(demoOptions(t)), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "score")
			tm.Send(press("/"))
			tm.Type("mdns")
			tm.Send(press("enter"))
			waitText(t, tm, "match")
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Contains(t, v, "mDNS")
			golden(t, v)
		})
	}
}

// topFixable is the first finding (in list order) that has a remediation
// with questions: the flow the goldens drive.
func openForm(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	waitText(t, tm, "score")
	tm.Send(press("enter"))
	waitText(t, tm, "safe default")
}

func TestGoldenForm(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			before := snapshotTree(t, o.StateDir)
			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			openForm(t, tm)
			tm.Send(press("ctrl+c"))
			v := finalView(t, tm)
			require.Contains(t, v, "Fix: ")
			golden(t, v)
			require.Equal(t, before, snapshotTree(t, o.StateDir))
		})
	}
}

func TestGoldenSuppressForm(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, NewHarden(demoOptions(t)), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "score")
			tm.Send(press("s"))
			waitText(t, tm, "acceptable to suppress")
			tm.Send(press("ctrl+c"))
			golden(t, finalView(t, tm))
		})
	}
}

// toReview answers the top finding's questions with their defaults.
func toReview(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	openForm(t, tm)
	for i := 0; i < 6; i++ { // one enter per question; extra enters are harmless on review? no: stop when review shows
		tm.Send(press("enter"))
		if ok, seen := waitMaybe(tm, "Review 1 staged change", 400*time.Millisecond); ok {
			if strings.Contains(seen, "y write") {
				return // the whole review frame came in the same read
			}
			break
		}
	}
	waitText(t, tm, "y write")
}

// waitMaybe reads the output until text shows or d passes; it returns what
// it read (the renderer sends an unchanged line only once, so the caller
// may need to look for more than text in it).
func waitMaybe(tm *teatest.TestModel, text string, d time.Duration) (bool, string) {
	ok := false
	deadline := time.Now().Add(d)
	var acc strings.Builder
	for time.Now().Before(deadline) {
		buf := make([]byte, 1<<16)
		n, _ := tm.Output().Read(buf)
		acc.Write(buf[:n])
		if strings.Contains(acc.String(), text) {
			ok = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ok, acc.String()
}

func TestGoldenReview(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			before := snapshotTree(t, o.StateDir)
			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			toReview(t, tm)
			tm.Send(press("ctrl+c"))
			v := finalView(t, tm)
			require.Contains(t, v, "+++ b/")
			require.NotContains(t, v, "7012345678:AA", "an unmasked bot token in the review")
			golden(t, v)
			require.Equal(t, before, snapshotTree(t, o.StateDir), "quitting the review wrote something")
		})
	}
}

func TestGoldenDone(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			tm := teatest.NewTestModel(t, NewHarden(o), teatest.WithInitialTermSize(sz.w, sz.h))
			toReview(t, tm)
			tm.Send(press("y"))
			waitText(t, tm, "Undo with")
			tm.Send(press("q"))
			v := finalView(t, tm)
			golden(t, v)
			sets, err := remediate.ListBackups(o.StateDir)
			require.NoError(t, err)
			require.Len(t, sets, 1)
			require.Contains(t, v, "hardshell restore "+sets[0].ID[:8])
		})
	}
}

func TestGoldenRestore(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			o := demoOptions(t)
			// one real backup set: tighten the credentials dir
			cred := filepath.Join(o.StateDir, "credentials")
			txn := remediate.NewTxn(o.StateDir)
			txn.Chmod(model.Chmod{Path: cred, Mode: 0o700, Reason: "test"})
			set, err := txn.Commit(remediate.BackupMeta{Command: "fix", CheckIDs: []string{"fs.credentials_dir.perms_readable"}})
			require.NoError(t, err)
			require.NotNil(t, set)
			tm := teatest.NewTestModel(t, NewApp(o, DefaultFlows()), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "Harden")
			for i := 0; i < len(DefaultFlows())-1; i++ { // restore is last
				tm.Send(press("down"))
			}
			tm.Send(press("enter"))
			waitText(t, tm, "credentials (chmod")
			tm.Send(press("enter"))
			waitText(t, tm, "y restore")
			tm.Send(press("enter")) // a second enter never restores
			tm.Send(press("y"))
			waitText(t, tm, "Restored")
			tm.Send(press("q"))
			golden(t, finalView(t, tm))
			fi, err := os.Stat(cred)
			require.NoError(t, err)
			require.NotEqual(t, os.FileMode(0o700), fi.Mode().Perm(), "restore put the old mode back")
		})
	}
}
