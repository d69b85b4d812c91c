package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hardshell/hardshell/fleet"
	"github.com/hardshell/hardshell/fleet/fleettest"
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
