package audit

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// The fixtures under testdata/procnet are real /proc/net/tcp and tcp6
// tables, captured on Linux while sockets listened on port 18789 (4965):
// wildcard (0.0.0.0 and :: plus loopback ones on 18790/18791), lan
// (192.0.2.2, fd00::2 and 127.0.0.1) and mapped (::ffff:127.0.0.1 dual-stack
// and ::1). Port 2024 (07E8) on 0.0.0.0 is an unrelated service.

func TestParseProcNetTCP(t *testing.T) {
	read := func(name string, v6 bool) []string {
		data, err := os.ReadFile(filepath.Join("testdata", "procnet", name))
		require.NoError(t, err)
		ls, err := ParseProcNetTCP(data, v6)
		require.NoError(t, err)
		var out []string
		for _, l := range ls {
			require.NotZero(t, l.Inode, "%s: a listening socket has an inode", l.HostPort())
			out = append(out, l.HostPort())
		}
		return out
	}
	require.Equal(t, []string{"0.0.0.0:18789", "0.0.0.0:2024", "127.0.0.1:18790"}, read("wildcard/tcp", false))
	require.Equal(t, []string{"[::1]:18791", "[::]:18789"}, read("wildcard/tcp6", true))
	require.ElementsMatch(t, []string{"192.0.2.2:18789", "0.0.0.0:2024", "127.0.0.1:18789"}, read("lan/tcp", false))
	require.Equal(t, []string{"[fd00::2]:18789"}, read("lan/tcp6", true))
	require.ElementsMatch(t, []string{"[::ffff:127.0.0.1]:18789", "[::1]:18789"}, read("mapped/tcp6", true))

	for _, bad := range []string{
		"  0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
		"  0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
		"  0: 01007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
		"  0: 0100007F:4965 00000000:0000 0A\n",
		"  0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1 1\n",
	} {
		_, err := ParseProcNetTCP([]byte(bad), false)
		require.Error(t, err, "%q", bad)
		require.Contains(t, err.Error(), "line 1")
	}
}

// procRoot lays out a fake proc root with one fixture's socket tables.
func procRoot(t *testing.T, fixture string) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "net"), 0o755))
	for _, f := range []string{"tcp", "tcp6"} {
		data, err := os.ReadFile(filepath.Join("testdata", "procnet", fixture, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(root, "net", f), data, 0o444))
	}
	return root
}

func TestLiveExposureTable(t *testing.T) {
	const token = `auth: { mode: "token", token: "c2VjcmV0LXRva2VuLWZvci10ZXN0cy0xMjM0NTY3ODkw" }`
	cases := []struct {
		name, config, fixture string
		sev                   model.Severity // 0 = no finding
		detail                []string
	}{
		{"loopback config, wildcard listeners, token", `{gateway: {mode: "local", bind: "loopback", ` + token + `}}`, "wildcard", model.Warn,
			[]string{"0.0.0.0:18789 listening on all interfaces", "[::]:18789 listening on all interfaces"}},
		{"default bind is loopback; no auth makes it critical", `{gateway: {mode: "local"}}`, "wildcard", model.Critical,
			[]string{"0.0.0.0:18789", "No gateway token/password"}},
		{"LAN address while loopback", `{gateway: {bind: "loopback", ` + token + `}}`, "lan", model.Warn,
			[]string{"192.0.2.2:18789 listening on a non-loopback address", "[fd00::2]:18789"}},
		{"loopback listeners only (127.0.0.1)", `{gateway: {bind: "loopback", ` + token + `}}`, "mapped", 0, nil},
		{"the loopback listener in the lan table is not named", `{gateway: {bind: "loopback", ` + token + `}}`, "lan", model.Warn, nil},
		{"another port: the wildcard 18789 is not the gateway's", `{gateway: {bind: "loopback", port: 18790, ` + token + `}}`, "wildcard", 0, nil},
		{"bind lan: wide listeners are what the config says", `{gateway: {bind: "lan", ` + token + `}}`, "wildcard", 0, nil},
		{"custom host matches the LAN listener", `{gateway: {bind: "custom", customBindHost: "192.0.2.2", ` + token + `}}`, "lan", model.Warn,
			[]string{"[fd00::2]:18789"}},
		{"custom host, wildcard listener is wider", `{gateway: {bind: "custom", customBindHost: "192.0.2.2", ` + token + `}}`, "wildcard", model.Warn,
			[]string{"0.0.0.0:18789"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := auditkit.Snapshot(t, tc.config, auditkit.Options{Env: map[string]string{}})
			live := ReadLive(fsys.Local{}, procRoot(t, tc.fixture))
			require.NoError(t, live.Err)
			r, err := Run(context.Background(), s, Options{Live: live})
			require.NoError(t, err)
			if tc.sev == 0 {
				requireNoHit(t, r, IDListenerExposed)
				return
			}
			f := requireHit(t, r, IDListenerExposed, tc.sev)
			require.Equal(t, model.TierExposure, f.Priority)
			for _, d := range tc.detail {
				require.Contains(t, f.Detail, d)
			}
			require.NotContains(t, f.Detail, "127.0.0.1:18789", "a loopback listener is never named")
			require.NotContains(t, f.Detail, ":2024", "an unrelated port is never named")
		})
	}
}

func TestLiveUnreadable(t *testing.T) {
	live := ReadLive(fsys.Local{}, t.TempDir())
	require.Error(t, live.Err)
	s := auditkit.Snapshot(t, `{gateway: {bind: "loopback"}}`, auditkit.Options{Env: map[string]string{}})
	_, ok, reason := liveHits(s, live)
	require.False(t, ok)
	require.Contains(t, reason, "could not read the socket tables")
	_, ok, reason = liveHits(s, nil)
	require.False(t, ok)
	require.Contains(t, reason, "not read")
}

// TestLiveOwnListeners opens real sockets in this process and reads the
// real /proc: the wildcard one is seen with this process as its owner, the
// loopback one is not a finding.
func TestLiveOwnListeners(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp on this system (not Linux)")
	}
	wide, err := net.Listen("tcp4", "0.0.0.0:0")
	require.NoError(t, err)
	defer wide.Close()
	port := wide.Addr().(*net.TCPAddr).Port
	live := ReadLive(fsys.Local{}, "")
	require.NoError(t, live.Err)
	var mine *Listener
	for i, l := range live.Listeners {
		if l.Port == port && l.Addr == netip.IPv4Unspecified() {
			mine = &live.Listeners[i]
		}
	}
	require.NotNil(t, mine, "0.0.0.0:%d is in the socket table", port)
	require.Equal(t, os.Getpid(), mine.PID, "the owner is this process")
	require.False(t, mine.Gateway)

	s := auditkit.Snapshot(t, `{gateway: {bind: "loopback", port: `+strconv.Itoa(port)+`}}`, auditkit.Options{Env: map[string]string{}})
	hits, ok, _ := liveHits(s, live)
	require.True(t, ok)
	require.Len(t, hits, 1)
	require.Contains(t, hits[0].Detail, "pid "+strconv.Itoa(os.Getpid()))
	wide.Close()

	local, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer local.Close()
	port = local.Addr().(*net.TCPAddr).Port
	s = auditkit.Snapshot(t, `{gateway: {bind: "loopback", port: `+strconv.Itoa(port)+`}}`, auditkit.Options{Env: map[string]string{}})
	hits, ok, reason := liveHits(s, ReadLive(fsys.Local{}, ""))
	require.True(t, ok)
	require.Empty(t, hits)
	require.Contains(t, reason, "1 listener(s) on port "+strconv.Itoa(port))
}
