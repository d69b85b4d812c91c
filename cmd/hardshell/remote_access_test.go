package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/internal/sshtest"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/statedb"
)

// remoteAccess lists the access review over --host.
func remoteAccess(t *testing.T, s *sshtest.Server, stateDir string) accessJSON {
	t.Helper()
	out, stderr, code := runRemoteCmd(t, s, "access", "--json", "--host", s.Dest, "--state-dir", stateDir)
	require.Equal(t, 0, code, stderr)
	var v accessJSON
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	return v
}

// installRemoteOpenClaw puts the real OpenClaw 2026.9.6 first on the
// remote's PATH, as a wrapper running its bundled node (the remote PATH's
// own /usr/bin/node may be one without node:sqlite).
func installRemoteOpenClaw(t *testing.T, s *sshtest.Server) {
	t.Helper()
	peer := testutil.Peer(t, "2026.9.6")
	s.WriteFile(t, s.Root+"/bin/openclaw", []byte("#!/bin/sh\nexec "+sshtest.Quote(peer.Node)+" "+sshtest.Quote(peer.CLI)+" \"$@\"\n"), 0o755)
}

// The done-when of access over --host: the review of a remote state dir
// equals the local review of the same dir, in both eras (2026.2 JSON
// stores, a real 2026.9.6 state DB, one with its -wal), as JSON and text.
func TestRemoteAccessMatchesLocal(t *testing.T) {
	s := sshtest.Start(t)
	for _, name := range []string{"guide-pairing", "guide-devices", "modern-pairing", "modern-pairing-wal", "modern-devices"} {
		local, _ := testutil.CopyAccessState(t, name)
		remoteDir := s.Home + "/.openclaw-" + name
		s.CopyIn(t, local, remoteDir)
		before := snapshotTree(t, local)
		for _, format := range [][]string{{"--json"}, nil} {
			lout, lerr, lcode := runRemoteCmd(t, s, append([]string{"access", "--state-dir", local}, format...)...)
			rout, rerr, rcode := runRemoteCmd(t, s, append([]string{"access", "--host", s.Dest, "--state-dir", remoteDir}, format...)...)
			require.Equal(t, 0, lcode, "%s: %s", name, lerr)
			require.Equal(t, lcode, rcode, "%s: remote stderr %s", name, rerr)
			require.Equal(t, strings.ReplaceAll(lout, local, "<STATE>"), strings.ReplaceAll(rout, remoteDir, "<STATE>"), name)
			require.NotEmpty(t, lout)
		}
		require.Equal(t, before, snapshotTree(t, local))
		_, err := os.Stat(remoteDir)
		require.ErrorIs(t, err, os.ErrNotExist, "the remote dir is not visible here: the remote review cannot have read it locally")
	}
}

// shiftJSONRequestsToNow is shiftRequestsToNow for the 2026.2 JSON store:
// every request as old now as it was at t0.
func shiftJSONRequestsToNow(t *testing.T, state string, t0 time.Time) {
	t.Helper()
	p := filepath.Join(state, "credentials", "telegram-pairing.json")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v))
	for _, r := range v["requests"].([]any) {
		m := r.(map[string]any)
		for _, k := range []string{"createdAt", "lastSeenAt"} {
			at, err := time.Parse(time.RFC3339Nano, m[k].(string))
			require.NoError(t, err)
			m[k] = time.Now().Add(at.Sub(t0)).UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
	data, err = json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	fi, err := os.Stat(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, append(data, '\n'), fi.Mode().Perm()))
}

// 2026.2 era over --host: revoke and approve edit the remote JSON stores
// through the transaction (mode kept, backup set on the remote), restore
// --host puts the bytes back, and nothing here is touched.
func TestRemoteAccessJSONStores(t *testing.T) {
	s := sshtest.Start(t)
	local, t0 := testutil.CopyAccessState(t, "guide-pairing")
	shiftJSONRequestsToNow(t, local, t0)
	localBefore := snapshotTree(t, local)
	sd := s.Home + "/.openclaw"
	s.CopyIn(t, local, sd)
	allow, pairing := sd+"/credentials/telegram-allowFrom.json", sd+"/credentials/telegram-pairing.json"
	origAllow, origPairing := s.ReadFile(t, allow), s.ReadFile(t, pairing)
	modes := func() string { return s.Run(t, `stat -c '%n %a' `+sshtest.Quote(allow)+` `+sshtest.Quote(pairing)) }
	origModes := modes()

	out, stderr, code := runRemoteCmd(t, s, "access", "revoke", "telegram", "6203045062", "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "%s\n%s", out, stderr)
	m := backupRe.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	require.Contains(t, out, "--host "+s.Dest, "the undo command acts on the same remote")
	require.NotContains(t, string(s.ReadFile(t, allow)), "6203045062")
	require.Equal(t, origModes, modes(), "modes kept")
	require.Contains(t, s.Run(t, `cat ~/.openclaw/.hardshell/backups/`+m[1]+`/manifest.json`), `"committed"`)
	require.Equal(t, []string{"6102034051"}, storeIDs(remoteAccess(t, s, sd)))

	v := remoteAccess(t, s, sd)
	var dana string
	for _, p := range v.Channels[0].Pending {
		if p.ID == "7405067084" {
			dana = p.Code
		}
	}
	require.NotEmpty(t, dana)
	out, stderr, code = runRemoteCmd(t, s, "access", "approve", "telegram", dana, "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "%s\n%s", out, stderr)
	m2 := backupRe.FindStringSubmatch(out)
	require.NotNil(t, m2, out)
	require.Equal(t, []string{"6102034051", "7405067084"}, storeIDs(remoteAccess(t, s, sd)))
	require.NotContains(t, string(s.ReadFile(t, pairing)), dana)

	for _, id := range []string{m2[1], m[1]} {
		out, stderr, code = runRemoteCmd(t, s, "restore", id, "--yes", "--host", s.Dest)
		require.Equal(t, 0, code, "%s\n%s", out, stderr)
	}
	require.Equal(t, string(origAllow), string(s.ReadFile(t, allow)))
	require.Equal(t, string(origPairing), string(s.ReadFile(t, pairing)))
	require.Equal(t, origModes, modes())
	require.Equal(t, localBefore, snapshotTree(t, local), "nothing local was touched")
}

// 2026.9 era over --host: revoke (no CLI command) runs hardshell's SQL
// transaction in the remote's own node:sqlite; approve runs the remote's
// real `openclaw pairing approve` and records the rows it changed; both
// backups live on the remote and restore --host puts the rows back there.
func TestRemoteAccessStateDB(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI on the remote")
	}
	s := sshtest.Start(t)
	installRemoteOpenClaw(t, s)
	local, t0 := testutil.CopyAccessState(t, "modern-pairing")
	shiftRequestsToNow(t, local, t0)
	localBefore := snapshotTree(t, local)
	sd := s.Home + "/.openclaw"
	s.CopyIn(t, local, sd)

	out, stderr, code := runRemoteCmd(t, s, "access", "revoke", "telegram", "6203045062", "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "%s\n%s", out, stderr)
	revoke := backupRe.FindStringSubmatch(out)
	require.NotNil(t, revoke, out)
	require.Equal(t, []string{"6102034051"}, storeIDs(remoteAccess(t, s, sd)))
	manifest := s.Run(t, `cat ~/.openclaw/.hardshell/backups/`+revoke[1]+`/manifest.json`)
	require.Contains(t, manifest, `"committed"`)
	require.Contains(t, manifest, `"6203045062"`, "the revoked row is recorded on the remote")

	var dana string
	for _, p := range remoteAccess(t, s, sd).Channels[0].Pending {
		if p.ID == "7405067084" {
			dana = p.Code
		}
	}
	require.NotEmpty(t, dana)
	out, stderr, code = runRemoteCmd(t, s, "access", "approve", "telegram", dana, "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, "%s\n%s", out, stderr)
	t.Logf("access approve --host:\n%s", out)
	require.Contains(t, out, "Running on "+s.Dest+": openclaw pairing approve telegram "+dana)
	approve := backupRe.FindStringSubmatch(out)
	require.NotNil(t, approve, out)
	v := remoteAccess(t, s, sd)
	require.Equal(t, []string{"6102034051", "7405067084"}, storeIDs(v))
	for _, p := range v.Channels[0].Pending {
		require.NotEqual(t, "7405067084", p.ID)
	}

	for _, id := range []string{approve[1], revoke[1]} {
		out, stderr, code = runRemoteCmd(t, s, "restore", id, "--yes", "--host", s.Dest)
		require.Equal(t, 0, code, "%s\n%s", out, stderr)
	}
	v = remoteAccess(t, s, sd)
	require.Equal(t, []string{"6102034051", "6203045062"}, storeIDs(v))
	var back bool
	for _, p := range v.Channels[0].Pending {
		back = back || (p.ID == "7405067084" && p.Code == dana)
	}
	require.True(t, back, "dana's request is pending again on the remote")
	require.Equal(t, localBefore, snapshotTree(t, local), "nothing local was touched")
}

// Without a node that has node:sqlite on the remote, a DB write over
// --host is refused with the ssh -t command, and the remote DB is as it
// was: it is never written over SFTP.
func TestRemoteAccessWithoutRemoteSQLite(t *testing.T) {
	s := sshtest.Start(t)
	// first on the remote PATH: a node too old for node:sqlite (like a
	// distro's node 20), and no openclaw
	s.WriteFile(t, s.Root+"/bin/node", []byte("#!/bin/sh\necho 'Error [ERR_UNKNOWN_BUILTIN_MODULE]: No such built-in module: node:sqlite' >&2\nexit 1\n"), 0o755)
	local, _ := testutil.CopyAccessState(t, "modern-pairing")
	sd := s.Home + "/.openclaw"
	s.CopyIn(t, local, sd)
	db := filepath.Join(s.Store, "home", ".openclaw", "state", "openclaw.sqlite")
	before, err := os.ReadFile(db)
	require.NoError(t, err)

	out, stderr, code := runRemoteCmd(t, s, "access", "revoke", "telegram", "6203045062", "--yes", "--host", s.Dest)
	require.Equal(t, 1, code, "%s\n%s", out, stderr)
	require.Contains(t, stderr, "no node with node:sqlite")
	require.Contains(t, stderr, s.SSHCommand+" -t "+cmdline.Quote(s.Dest)+" 'hardshell …'")
	after, err := os.ReadFile(db)
	require.NoError(t, err)
	require.Equal(t, before, after)
	require.NoFileExists(t, db+"-wal")
	require.Empty(t, s.Run(t, `ls ~/.openclaw/.hardshell/backups 2>/dev/null || true`), "no backup set left behind")
}

// A connection dropped at any moment of a DB write over --host leaves the
// remote DB holding the old rows or the new, intact, never a mix: the
// remote SQLite rolls back what it did not commit.
func TestRemoteAccessDropLeavesOldOrNew(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a remote per kill")
	}
	// how long a full run takes, to spread the kills over it
	s := sshtest.Start(t)
	installRemoteOpenClaw(t, s)
	local, _ := testutil.CopyAccessState(t, "modern-pairing")
	s.CopyIn(t, local, s.Home+"/.openclaw")
	runRemoteCmd(t, s, "version") // the binary is built before the clock starts
	start := time.Now()
	_, stderr, code := runRemoteCmd(t, s, "access", "revoke", "telegram", "6203045062", "--yes", "--host", s.Dest)
	require.Equal(t, 0, code, stderr)
	full := time.Since(start)

	seen := map[string]int{}
	for _, frac := range []float64{0.4, 0.55, 0.65, 0.72, 0.78, 0.84, 0.9, 0.96} {
		s := sshtest.Start(t)
		installRemoteOpenClaw(t, s)
		s.CopyIn(t, local, s.Home+"/.openclaw")
		go func() {
			time.Sleep(time.Duration(frac * float64(full)))
			s.Kill()
		}()
		runRemoteCmd(t, s, "access", "revoke", "telegram", "6203045062", "--yes", "--host", s.Dest)
		s.Kill()

		cp, cleanup, err := statedb.Snapshot(fsys.Local{}, filepath.Join(s.Store, "home", ".openclaw", "state", "openclaw.sqlite"))
		require.NoError(t, err)
		db, _, err := statedb.OpenCopy(context.Background(), cp)
		require.NoError(t, err, "the remote DB is intact after a kill at %.0f%%", frac*100)
		rows, err := remediate.ReadRows(context.Background(), db, "SELECT entry FROM channel_pairing_allow_entries WHERE channel_key = 'telegram' ORDER BY entry")
		require.NoError(t, err)
		db.Close()
		cleanup()
		var got []string
		for _, r := range rows {
			got = append(got, r["entry"].(string))
		}
		switch strings.Join(got, ",") {
		case "6102034051,6203045062":
			seen["old"]++
		case "6102034051":
			seen["new"]++
		default:
			t.Fatalf("kill at %.0f%%: the remote holds %v, neither the old rows nor the new", frac*100, got)
		}
	}
	t.Logf("full run %s; after kills: %v", full, seen)
}
