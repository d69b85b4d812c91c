package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fleet"
	"github.com/hardshell/hardshell/fleet/fleettest"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// remoteStateDir stands for the state dir each host's report names: the
// reports came from other machines, and the views must not depend on
// where the test copied its fixtures.
const remoteStateDir = "/home/oc/.openclaw"

// fleetFixture writes the fleet tests' per-host reports into a temp dir
// (name → testdata state dir, and how old the report is) plus the hosts
// Ansible expected, and loads it as `fleet wizard` does.
func fleetFixture(t *testing.T, hosts map[string]string, ages map[string]time.Duration, expect ...string) *fleet.Fleet {
	t.Helper()
	dir := t.TempDir()
	for name, fixture := range hosts {
		rep, sd := fleettest.Report(t, fixture, fixedNow.Add(-ages[name]))
		rep = bytes.ReplaceAll(rep, []byte(sd), []byte(remoteStateDir))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".json"), rep, 0o600))
	}
	if len(expect) > 0 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, fleet.ExpectedHostsFile), []byte(strings.Join(expect, "\n")+"\n"), 0o600))
	}
	f, err := fleet.Load(dir, fleet.Options{Now: fixedNow})
	require.NoError(t, err)
	return f
}

// threeHosts is the fleet fixture's three fresh reports.
func threeHosts(t *testing.T) *fleet.Fleet {
	return fleetFixture(t, map[string]string{"alpha": "guide-dangerous", "beta": "loose-perms", "gamma": "fresh-onboard"}, nil)
}

// fleetGolden compares the view with the golden file, the temp report
// folder in the header replaced.
func fleetGolden(t *testing.T, f *fleet.Fleet, view string) {
	t.Helper()
	golden(t, strings.ReplaceAll(view, f.Dir, "<DIR>"))
}

// The hosts screen lists every host in fleet.Load's order, worst first,
// with its counts and score, and the selected host's follow-up command.
func TestGoldenFleetHosts(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			f := threeHosts(t)
			tm := teatest.NewTestModel(t, NewFleet(f, Options{}), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "worst first")
			tm.Send(press("j"))
			tm.Send(press("G"))
			tm.Send(press("g"))
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Len(t, strings.Split(v, "\n"), sz.h)
			// rows in the fleet package's ranking, not one of the tui's
			last := -1
			for _, h := range f.Hosts {
				i := strings.Index(v, fmt.Sprintf("%-5s  %4d  %4d  %5d", h.Host, h.Summary.Critical, h.Summary.Warn, h.Summary.Score()))
				require.Greater(t, i, last, "%s missing or out of fleet.Load's order:\n%s", h.Host, v)
				last = i
			}
			require.Equal(t, "alpha", f.Hosts[0].Host) // guide-dangerous is the worst
			require.Contains(t, v, "3 hosts · 3 reports")
			require.Contains(t, v, "Look again: hardshell audit --state-dir "+remoteStateDir+" --host alpha")
			require.Contains(t, v, "Harden it: hardshell --state-dir "+remoteStateDir+" --host alpha")
			fleetGolden(t, f, v)
		})
	}
}

// enter opens the selected host's findings with the first one's detail;
// j moves; esc goes back to the hosts with the cursor where it was.
func TestGoldenFleetHost(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			f := threeHosts(t)
			host := f.Hosts[1]
			fs := host.Report().Findings
			require.GreaterOrEqual(t, len(fs), 2)
			tm := teatest.NewTestModel(t, NewFleet(f, Options{}), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "worst first")
			tm.Send(press("j"))
			tm.Send(press("enter"))
			waitText(t, tm, "esc hosts")
			tm.Send(press("j"))
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Len(t, strings.Split(v, "\n"), sz.h)
			require.Contains(t, v, "hardshell fleet — "+host.Host)
			require.Contains(t, v, "› "+badge(fs[1].Severity)+" "+fs[1].CheckID)
			require.Contains(t, v, fs[1].CheckID+" · T")
			fleetGolden(t, f, v)
		})
	}
}

// A host whose report is stale is marked and still opens; an unreadable
// report and a host Ansible expected but whose report never came are
// marked and ranked last (as fleet.Load ranks them), the selected one
// says why, and enter on it says there is nothing to open.
func TestGoldenFleetMissingStale(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			f := fleetFixture(t, map[string]string{"alpha": "guide-dangerous", "old": "loose-perms"},
				map[string]time.Duration{"old": 72 * time.Hour}, "alpha", "old", "delta")
			// a report cut short by a failed fetch
			require.NoError(t, os.WriteFile(filepath.Join(f.Dir, "broken.json"), []byte("{\n  \"ts\": 1,\n  \"summary\": oops\n}\n"), 0o600))
			f, err := fleet.Load(f.Dir, fleet.Options{Now: fixedNow})
			require.NoError(t, err)
			require.Equal(t, []string{"broken"}, f.Unreadable)
			require.Equal(t, []string{"delta"}, f.Missing)
			require.Equal(t, []string{"old"}, f.Stale)
			tm := teatest.NewTestModel(t, NewFleet(f, Options{}), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "worst first")
			tm.Send(press("G"))
			tm.Send(press("enter"))
			waitText(t, tm, "no report to open")
			tm.Send(press("q"))
			v := finalView(t, tm)
			require.Contains(t, v, "4 hosts · 2 reports · 1 missing · 1 stale · 1 unreadable")
			require.Regexp(t, `old +4 +9 +31  STALE`, v)
			require.Regexp(t, `broken +- +- +-  UNREADABLE`, v)
			require.Regexp(t, `› delta +- +- +-  missing`, v)
			require.Contains(t, v, "delta has no report to open (missing)")
			require.Contains(t, v, "no report (delta.json) in")
			fleetGolden(t, f, v)

			// the stale host opens, its problem on top
			tm = teatest.NewTestModel(t, NewFleet(f, Options{}), teatest.WithInitialTermSize(sz.w, sz.h))
			waitText(t, tm, "worst first")
			tm.Send(press("j"))
			tm.Send(press("enter"))
			waitText(t, tm, "esc hosts")
			tm.Send(press("q"))
			v = finalView(t, tm)
			require.Contains(t, v, "hardshell fleet — old  STALE")
			require.Contains(t, v, "report is 72h0m0s old (older than 24h0m0s)")
		})
	}
}

// At 80×24 nothing is cut without a way to read it: tab moves the keys to
// the detail pane and G reaches its last line (the follow-up command);
// esc goes back to the list and esc again to the hosts, cursor kept.
func TestFleetDetailScrollsAndBack(t *testing.T) {
	f := threeHosts(t)
	fv := NewFleet(f, Options{})
	tm := teatest.NewTestModel(t, fv, teatest.WithInitialTermSize(80, 24))
	waitText(t, tm, "worst first")
	tm.Send(press("j"))
	tm.Send(press("enter"))
	waitText(t, tm, "tab reads the rest of this pane")
	tm.Send(press("tab"))
	waitText(t, tm, "tab/esc back to the list")
	tm.Send(press("G"))
	waitText(t, tm, "100%")
	v := fv.View()
	require.Contains(t, v, "Look again: hardshell audit --state-dir "+remoteStateDir+" --host beta")
	fd := f.Hosts[1].Report().Findings[0]
	ck, ok := audit.Lookup(fd.CheckID)
	require.True(t, ok, fd.CheckID)
	words := strings.Fields(ck.Why)
	require.Contains(t, v, words[len(words)-1]) // the end of why it matters
	tm.Send(press("esc"))                       // the list
	tm.Send(press("j"))                         // moves the list, not the pane
	tm.Send(press("esc"))                       // the hosts
	waitText(t, tm, "enter findings")
	tm.Send(press("q"))
	v = finalView(t, tm)
	require.Contains(t, v, "› beta ")
	require.Contains(t, v, "Host: beta")
}

// Everything the fleet screens show goes through the run's redactor: a
// secret the redactor knows never reaches the terminal, on either screen.
func TestFleetViewRedacted(t *testing.T) {
	f := threeHosts(t)
	secret := f.Hosts[0].Report().Findings[0].Title // stands for a leaked value in a report
	red := model.NewRedactor()
	red.Add(secret, "home/oc/.openclaw")
	fv := NewFleet(f, Options{Redactor: red})
	fv.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	require.NotContains(t, fv.View(), "/home/oc/.openclaw")
	fv.Update(press("enter"))
	v := fv.View()
	require.Contains(t, v, "esc hosts")
	require.NotContains(t, v, secret)
	require.NotContains(t, v, "/home/oc/.openclaw")
}

// A host name longer than the window leaves room for the counts: its row
// is cut, the columns stay aligned (also after a name in double-width
// letters), and the whole name (and the commands naming it) are under the
// list.
func TestFleetLongHostName(t *testing.T) {
	long := "gateway-" + strings.Repeat("x", 70) + ".example.net"
	f := fleetFixture(t, map[string]string{long: "loose-perms", "tokyo-東京": "fresh-onboard"}, nil)
	fv := NewFleet(f, Options{})
	fv.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	v := fv.View()
	lines := strings.Split(v, "\n")
	require.Len(t, lines, 24)
	var rows []string
	for _, l := range lines {
		require.LessOrEqual(t, lipgloss.Width(l), 80, l)
		if strings.Contains(l, "gateway-") && strings.Contains(l, " ok") || strings.HasPrefix(l, "  tokyo-東京 ") {
			rows = append(rows, l)
		}
	}
	require.Len(t, rows, 2, v)
	col := func(row string) int { return lipgloss.Width(row[:strings.Index(row, " ok")]) }
	require.Equal(t, col(rows[0]), col(rows[1]), "columns out of line:\n%s", v)
	require.Contains(t, strings.ReplaceAll(v, "\n", ""), "Host: "+long)
}

// The commands under a host reach it as Ansible did (audit.yml's
// ssh-destinations.json): at its ansible_host/user/port, on this machine
// for a local connection, by its name when the folder does not say.
func TestFleetCommandsUseTheSSHDestination(t *testing.T) {
	dir := t.TempDir()
	for name, fixture := range map[string]string{"alpha": "guide-dangerous", "beta": "loose-perms", "gamma": "fresh-onboard"} {
		rep, sd := fleettest.Report(t, fixture, fixedNow)
		rep = bytes.ReplaceAll(rep, []byte(sd), []byte(remoteStateDir))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".json"), rep, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, fleet.DestinationsFile), []byte(`{
  "alpha": {"connection": "ssh", "host": "10.0.0.7", "user": "oc", "port": 2222},
  "beta": {"connection": "local", "host": "beta", "user": "", "port": ""}
}`), 0o600))
	f, err := fleet.Load(dir, fleet.Options{Now: fixedNow})
	require.NoError(t, err)
	require.Equal(t, []string{"alpha", "beta", "gamma"}, []string{f.Hosts[0].Host, f.Hosts[1].Host, f.Hosts[2].Host})
	fv := NewFleet(f, Options{})
	tm := teatest.NewTestModel(t, fv, teatest.WithInitialTermSize(120, 40))
	waitText(t, tm, "worst first")
	v := fv.View()
	require.Contains(t, v, "Look again: hardshell audit --state-dir "+remoteStateDir+" --host oc@10.0.0.7:2222")
	require.Contains(t, v, "Harden it: hardshell --state-dir "+remoteStateDir+" --host oc@10.0.0.7:2222")
	tm.Send(press("j"))
	waitText(t, tm, "Host: beta")
	var look string
	for _, l := range strings.Split(fv.View(), "\n") {
		if strings.Contains(l, "Look again:") {
			look = strings.TrimSpace(l)
		}
	}
	require.Equal(t, "Look again: hardshell audit --state-dir "+remoteStateDir, look, "beta is this machine: no --host")
	tm.Send(press("j"))
	waitText(t, tm, "--host gamma")
	tm.Send(press("q"))
	tm.WaitFinished(t)
}
