package contain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/internal/testutil"
)

// The 2026.9 incident fixture: the evidence scan reads the gateway's own
// audit and ingress rows for the window and the approvals made in it; the
// planted secret in a failed queued message never reaches the evidence.
func TestScanReadsStateDBOfTheWindow(t *testing.T) {
	const planted = "sk-proj-FAKEincidentFAKEincidentFAKE0123456789abcd"
	state, t0 := testutil.CopyAccessState(t, "modern-incident")
	s := load(t, state)
	red := NewRedactor(s)
	ev := Scan(s, t0.Add(-4*time.Hour), t0, ScanOptions{Redact: red.String})
	db := ev.StateDB
	require.NotNil(t, db)
	require.Len(t, db.Audit, 17)
	var tools []string
	for _, a := range db.Audit {
		if a.Action == "tool.action.started" {
			tools = append(tools, a.Tool)
		}
	}
	require.Equal(t, []string{"exec", "exec", "web_fetch", "exec"}, tools)
	require.Len(t, db.Ingress, 4)
	senders := map[string]string{}
	for _, in := range db.Ingress {
		senders[in.Sender] += in.Status + " "
	}
	require.Equal(t, "completed completed pending ", senders["6506078093"], "mallory")
	require.Equal(t, "failed ", senders["6102034051"], "alice's failed message")
	for _, in := range db.Ingress {
		if in.Status == "failed" {
			require.Contains(t, in.Text, "sk-p…", "the text is kept, the key masked: %q", in.Text)
		}
	}

	var grants []string
	for _, g := range db.Grants {
		grants = append(grants, g.What+" | "+g.Undo)
	}
	all := strings.Join(grants, "\n")
	require.Contains(t, all, "node vps-7")
	require.Contains(t, all, "hardshell access device remove 5ac43ee208f0")
	require.Contains(t, all, "6607089004", "eve's approval is in the window's pairing store change")

	data, err := json.Marshal(ev)
	require.NoError(t, err)
	require.NotContains(t, string(data), planted)
	md := (&Report{Evidence: ev}).Markdown(red)
	require.NotContains(t, md, planted)
	require.Contains(t, md, "The gateway's own records (state DB)")
	require.Contains(t, md, "hardshell access device remove 5ac43ee208f0")
}

// Each approval's undo is a hardshell command on the run's target: bare
// for the default local target (as before), and carrying the flags of the
// target the caller names (its --state-dir, --host) otherwise.
func TestScanStateDBUndoActsOnTheTarget(t *testing.T) {
	state, t0 := testutil.CopyAccessState(t, "modern-incident")
	s := load(t, state)
	undos := func(o ScanOptions) []string {
		ev := Scan(s, t0.Add(-4*time.Hour), t0, o)
		require.NotNil(t, ev.StateDB)
		var out []string
		for _, g := range ev.StateDB.Grants {
			out = append(out, g.Undo)
		}
		return out
	}
	local := undos(ScanOptions{})
	require.Contains(t, local, "hardshell access device remove 5ac43ee208f0")
	require.Contains(t, local, "hardshell access revoke telegram <sender> --account default")
	remote := undos(ScanOptions{Command: cmdline.Target{StateDir: "/srv/oc dir", Host: "ops@gw"}.Command})
	require.Len(t, remote, len(local))
	require.Contains(t, remote, "hardshell access device remove 5ac43ee208f0 --state-dir '/srv/oc dir' --host ops@gw")
	require.Contains(t, remote, "hardshell access revoke telegram <sender> --account default --state-dir '/srv/oc dir' --host ops@gw")
}

// Outside the window there is nothing to report.
func TestScanStateDBOutsideTheWindow(t *testing.T) {
	state, t0 := testutil.CopyAccessState(t, "modern-incident")
	s := load(t, state)
	ev := Scan(s, t0.Add(-30*24*time.Hour), t0.Add(-20*24*time.Hour), ScanOptions{})
	require.Nil(t, ev.StateDB)
}
