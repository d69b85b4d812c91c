package contain

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// setLoggingFile points the incident fixture's logging.file at path.
func setLoggingFile(t *testing.T, state, path string) {
	t.Helper()
	cfg := filepath.Join(state, "openclaw.json")
	data, err := os.ReadFile(cfg)
	require.NoError(t, err)
	i := strings.Index(string(data), "logging: { file: ")
	require.GreaterOrEqual(t, i, 0)
	j := strings.Index(string(data)[i:], "}") + i
	out := string(data)[:i] + "logging: { file: " + jsonString(path) + " " + string(data)[j:]
	require.NoError(t, os.WriteFile(cfg, []byte(out), 0o600))
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// reportText renders the whole report (Markdown and JSON) of a scan.
func reportText(t *testing.T, s *model.Snapshot, ev Evidence, red *model.Redactor) string {
	t.Helper()
	rep := &Report{ID: "x", Evidence: ev, Changes: []Change{}, ManualRotation: []Credential{}, NextSteps: []string{}}
	js, err := rep.JSON(red)
	require.NoError(t, err)
	return red.String(rep.Markdown(red)) + "\n" + string(js)
}

// An outside logging.file is read only as a gateway log: a regular file,
// lines stamped within the window, masked, each with its file:line. A file
// that is no gateway log (/etc/shadow) yields nothing.
func TestLogInputsStayInTheirLane(t *testing.T) {
	const hash = "$6$Zq3salt9$Wn0HashOfTheRootPasswordAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/"
	outside := t.TempDir()
	shadow := filepath.Join(outside, "shadow")
	testutil.WriteFile(t, shadow, []byte("root:"+hash+":19000:0:99999:7:::\nowner:!:19000::::::\n"), 0o600)

	state := incidentState(t)
	setLoggingFile(t, state, shadow)
	s := load(t, state)
	red := NewRedactor(s)
	ev := Scan(s, winStart, winEnd, ScanOptions{Redact: red.String})
	all := reportText(t, s, ev, red)
	require.NotContains(t, all, "root:")
	require.NotContains(t, all, "Zq3salt9")
	require.Empty(t, ev.LogTail, "no line of a file without gateway timestamps")

	// an outside gateway log is read, and says where each line came from
	gwlog := filepath.Join(outside, "gw.log")
	planted := "outside-log-secret-" + "7fQ2"
	testutil.WriteFile(t, gwlog, []byte(
		`{"0":"boot","_meta":{"date":"2026-11-24T21:10:00Z","logLevelName":"INFO"}}`+"\n"+
			`{"0":"login password=`+planted+` ok","_meta":{"date":"2026-11-24T21:11:00Z","logLevelName":"INFO"}}`+"\n"+
			`{"0":"curl -u bob:`+planted+` http://x","_meta":{"date":"2026-11-24T21:12:00Z","logLevelName":"INFO"}}`+"\n"+
			`{"0":"other gateway","agent_id":"someone-else","_meta":{"date":"2026-11-24T21:13:00Z"}}`+"\n"+
			`{"0":"other config","1":{"configPath":"/srv/other/.openclaw/openclaw.json"},"_meta":{"date":"2026-11-24T21:14:00Z"}}`+"\n"+
			`{"0":"ours","agent_id":"ops","_meta":{"date":"2026-11-24T21:15:00Z"}}`+"\n"+
			`{"0":"outside the window","_meta":{"date":"2026-11-23T21:15:00Z"}}`+"\n"), 0o600)
	setLoggingFile(t, state, gwlog)
	s = load(t, state)
	red = NewRedactor(s)
	ev = Scan(s, winStart, winEnd, ScanOptions{Redact: red.String})
	require.Equal(t, []string{gwlog}, ev.LogFiles)
	var sources, texts []string
	for _, l := range ev.LogTail {
		sources = append(sources, l.Source)
		texts = append(texts, l.Text)
	}
	require.Equal(t, []string{gwlog + ":1", gwlog + ":2", gwlog + ":3", gwlog + ":6"}, sources,
		"lines of another agent or another state dir's config are skipped")
	require.Contains(t, strings.Join(texts, "\n"), "ours")
	all = reportText(t, s, ev, red)
	require.NotContains(t, all, planted)
	require.Contains(t, all, gwlog+":2")
}

// Special files are never read: a FIFO, a device or a symlink named by
// logging.file, and a transcript that is a link to a file outside; the
// scan answers at once and notes what it skipped.
func TestScanSkipsSpecialFiles(t *testing.T) {
	outside := t.TempDir()
	secretFile := filepath.Join(outside, "secret.jsonl")
	planted := "linked-transcript-secret-" + "Xy9"
	testutil.WriteFile(t, secretFile, []byte(`{"type":"message","timestamp":"2026-11-24T21:00:05.000Z","message":{"role":"user","content":[{"type":"text","text":"`+planted+`"}]}}`+"\n"), 0o600)
	fifo := filepath.Join(outside, "fifo.log")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	link := filepath.Join(outside, "link.log")
	require.NoError(t, os.Symlink(secretFile, link))

	for _, target := range []string{fifo, "/dev/zero", link} {
		t.Run(filepath.Base(target), func(t *testing.T) {
			state := incidentState(t)
			setLoggingFile(t, state, target)
			sess := filepath.Join(state, "agents", "ops", "sessions")
			require.NoError(t, os.Symlink(secretFile, filepath.Join(sess, "linked.jsonl")))
			s := load(t, state)
			red := NewRedactor(s)
			done := make(chan Evidence, 1)
			go func() { done <- Scan(s, winStart, winEnd, ScanOptions{Redact: red.String}) }()
			var ev Evidence
			select {
			case ev = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the scan blocked on a special file")
			}
			require.Empty(t, ev.LogFiles)
			require.Contains(t, strings.Join(ev.Notes, "\n"), "not a regular file")
			require.NotContains(t, reportText(t, s, ev, red), planted)
		})
	}
}

// FuzzEvidenceScan: whatever a transcript or log holds, a planted secret —
// registered from the config, vendor-shaped, or under a secret key, raw,
// JSON-escaped or URL-encoded — never reaches the report.
func FuzzEvidenceScan(f *testing.F) {
	f.Add(`{"type":"message","timestamp":"2026-11-24T21:00:05.000Z","message":{"role":"user","content":[{"type":"text","text":"hi SECRET"}]}}`, uint8(0))
	f.Add(`{"type":"message","timestamp":"2026-11-24T21:00:09.000Z","message":{"role":"assistant","content":[{"type":"toolCall","id":"c","name":"exec","arguments":{"command":"echo SECRET"}}]}}`, uint8(1))
	f.Add(`{"0":"tool start","1":{"tool":"exec","command":"export TOKEN=SECRET"},"tool":"exec","_meta":{"date":"2026-11-24T21:00:09.500Z"}}`, uint8(2))
	f.Add(`{"type":"message","timestamp":"2026-11-24T21:00:20.000Z","message":{"role":"assistant","content":[{"type":"tool_use","id":"s","name":"message","input":{"action":"send","to":"SECRET","message":"x"}}]}}`, uint8(3))
	configSecret := "cfg-registered-" + "Pw9x7Lq2"
	shaped := "sk-proj-" + strings.Repeat("FuzzTok3n", 5)
	keyed := "keyed-value-" + "Mn4b"
	f.Fuzz(func(t *testing.T, jsonl string, how uint8) {
		if len(jsonl) > 4096 {
			return
		}
		for _, p := range []string{configSecret, shaped, keyed, "Pw9x7Lq2", "FuzzTok3n", "Mn4b"} {
			if strings.Contains(jsonl, p) {
				return // the fuzzer wrote the secret itself, outside any key
			}
		}
		var planted, secret string
		switch how % 6 {
		case 0:
			secret, planted = configSecret, configSecret
		case 1:
			secret, planted = shaped, shaped
		case 2:
			secret, planted = keyed, `apiKey: \"`+keyed+`\"`
		case 3:
			secret, planted = configSecret, strings.ReplaceAll(jsonString("x\n"+configSecret), `"`, "")
		case 4:
			secret, planted = shaped, "%0A"+shaped
		case 5:
			secret, planted = keyed, "password%3D"+keyed
		}
		data := strings.ReplaceAll(jsonl, "SECRET", planted)
		state := filepath.Join(t.TempDir(), ".openclaw")
		sess := filepath.Join(state, "agents", "main", "sessions")
		require.NoError(t, os.MkdirAll(sess, 0o700))
		logPath := filepath.Join(state, "logs", "gateway.log")
		require.NoError(t, os.MkdirAll(filepath.Dir(logPath), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"),
			[]byte(fmt.Sprintf(`{gateway: {auth: {token: %q}}, logging: {file: %q}}`, configSecret, logPath)), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(sess, "s.jsonl"), []byte(data+"\n"), 0o600))
		require.NoError(t, os.WriteFile(logPath, []byte(data+"\n"), 0o600))
		now := time.Date(2026, 11, 24, 21, 30, 0, 0, time.UTC)
		require.NoError(t, os.Chtimes(filepath.Join(sess, "s.jsonl"), now, now))
		s, err := model.Load(model.LoadOptions{
			Locate:          model.LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }, HomeDir: filepath.Dir(state)},
			OpenClawVersion: func() string { return "" }, // no `openclaw --version` per input
		})
		require.NoError(t, err)
		red := NewRedactor(s)
		ev := Scan(s, winStart, winEnd, ScanOptions{Redact: red.String})
		all := reportText(t, s, ev, red)
		if strings.Contains(all, secret) || strings.Contains(all, secret[len(secret)-8:]) {
			t.Fatalf("the planted secret reached the report:\n%s", all)
		}
	})
}
