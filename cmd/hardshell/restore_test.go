package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/testutil"
)

// restore with no ID offers the newest set; --diff shows what a restore
// would change, masked, and writes nothing.
func TestRestoreNewestAndDiff(t *testing.T) {
	state := testutil.CopyState(t, "guide-dangerous")
	home := t.TempDir()
	orig := snapshotTree(t, state)
	secrets := fakeSecrets(t, state)
	require.NotEmpty(t, secrets)

	out, e, code := runIn(t, state, home, "restore", "--state-dir", state)
	require.Equal(t, 0, code, e)
	require.Contains(t, out, "No hardshell backups in ")

	// two changes: the newest is the second
	out, e, code = runIn(t, state, home, "fix", "-y", "--state-dir", state)
	require.Equal(t, 0, code, e)
	first := regexp.MustCompile(`undo with: hardshell restore (\S+)`).FindStringSubmatch(out)[1]
	afterFix := snapshotTree(t, state)
	out, e, code = runIn(t, state, home, "baseline", "--merge", "-y", "--state-dir", state)
	require.Equal(t, 0, code, e)
	second := regexp.MustCompile(`undo: hardshell restore (\S+)`).FindStringSubmatch(out)[1]
	require.NotEqual(t, first, second)
	afterBoth := snapshotTree(t, state)

	diff, e, code := runIn(t, state, home, "restore", "--diff", first, "--state-dir", state)
	require.Equal(t, 0, code, e)
	require.Contains(t, diff, "--- a/openclaw.json")
	for _, s := range append(secrets, fakeSecrets(t, state)...) {
		require.NotContains(t, diff+e, s, "a secret was printed in the restore diff")
	}
	require.Equal(t, afterBoth, snapshotTree(t, state), "--diff writes nothing")

	out, e, code = runIn(t, state, home, "restore", "--state-dir", state)
	require.Equal(t, 0, code, e)
	require.Contains(t, out, "The newest backup is "+second)
	require.Contains(t, out, "nothing restored (use --yes)")
	require.Equal(t, afterBoth, snapshotTree(t, state))

	out, e, code = runIn(t, state, home, "restore", "--yes", "--state-dir", state)
	require.Equal(t, 0, code, e)
	require.Contains(t, out, "Restored "+second)
	require.Equal(t, afterFix, snapshotTree(t, state), "restore -y with no ID put back the newest set")

	out, e, code = runIn(t, state, home, "restore", "--yes", first, "--state-dir", state)
	require.Equal(t, 0, code, e)
	require.Contains(t, out, "Restored "+first)
	require.Equal(t, orig, snapshotTree(t, state))
}

// --diff names each mode a restore would put back.
func TestRestoreDiffShowsModes(t *testing.T) {
	state := testutil.CopyState(t, "loose-perms")
	home := t.TempDir()
	out, e, code := runIn(t, state, home, "fix", "-y", "--state-dir", state)
	require.Equal(t, 0, code, e)
	id := regexp.MustCompile(`undo with: hardshell restore (\S+)`).FindStringSubmatch(out)[1]
	diff, e, code := runIn(t, state, home, "restore", "--diff", id, "--state-dir", state)
	require.Equal(t, 0, code, e)
	require.Regexp(t, `(?m)^mode agents/main/sessions/\S+\.jsonl: 0600 → 0644$`, diff)
	require.Contains(t, diff, "Restore it with: hardshell restore "+id+" --state-dir "+state)
	require.FileExists(t, filepath.Join(state, "openclaw.json"))
}

// A manifest rewritten to name a file outside the state dir (and the
// config's folder) is refused with exit 2 by restore and restore --diff;
// the file outside and the state dir stay as they are.
func TestRestoreRefusesATamperedManifestExit2(t *testing.T) {
	state := testutil.CopyState(t, "loose-perms")
	home := t.TempDir()
	out, e, code := runIn(t, state, home, "fix", "-y", "--state-dir", state)
	require.Equal(t, 0, code, e)
	id := regexp.MustCompile(`undo with: hardshell restore (\S+)`).FindStringSubmatch(out)[1]

	outside := filepath.Join(t.TempDir(), "authorized_keys")
	require.NoError(t, os.WriteFile(outside, []byte("ssh-ed25519 AAAA operator\n"), 0o600))
	manifest := filepath.Join(state, ".hardshell", "backups", id, "manifest.json")
	data, err := os.ReadFile(manifest)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	entries := m["entries"].([]any)
	require.NotEmpty(t, entries)
	entries[len(entries)-1].(map[string]any)["path"] = outside
	data, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(manifest, data, 0o600))
	before := snapshotTree(t, state)

	for _, args := range [][]string{{"restore", "--yes", id}, {"restore", "--diff", id}, {"restore", "--yes"}} {
		out, e, code = runIn(t, state, home, append(args, "--state-dir", state)...)
		require.Equal(t, 2, code, "%v: %s%s", args, out, e)
		require.Contains(t, e, "names "+outside)
		require.Contains(t, e, "nothing was restored")
	}
	got, err := os.ReadFile(outside)
	require.NoError(t, err)
	require.Equal(t, "ssh-ed25519 AAAA operator\n", string(got))
	require.Equal(t, before, snapshotTree(t, state), "nothing in the state dir changed either")
}
