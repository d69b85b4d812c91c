package audit

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/statedb"
	"github.com/stretchr/testify/require"
)

// hooks.installs_version_drift as OpenClaw 2026.9's analyzeNpmInstalls: the
// recorded version (resolvedVersion, else version) of an npm hook-pack
// install against <installPath, else <state>/hooks/<id>>/package.json.
// The 2026.2 era keeps the records in the config (recordHookInstall).
func TestHooksInstallsVersionDriftGuideEra(t *testing.T) {
	outside := t.TempDir() // an installPath outside the state dir, as `openclaw hooks install --dir` leaves
	require.NoError(t, os.WriteFile(filepath.Join(outside, "package.json"), []byte(`{"name":"hook-elsewhere","version":"2.0.0"}`), 0o600))
	config := `{
  meta: { lastTouchedVersion: "2026.2.1" },
  agents: { list: [{ id: "main" }] },
  hooks: { internal: { enabled: true, installs: {
    // drifted: package.json says 1.4.1
    "session-memory-plus": { source: "npm", spec: "session-memory-plus@1.4.0", installPath: "STATE/hooks/session-memory-plus", version: "1.4.0", hooks: ["session-memory-plus"] },
    // resolvedVersion wins over version
    resolved: { source: "npm", spec: "resolved@^3", version: "3.0.0", resolvedVersion: "3.1.0" },
    // outside the state dir, drifted
    elsewhere: { source: "npm", spec: "hook-elsewhere@1.9.0", installPath: "OUTSIDE", version: "1.9.0" },
    // same version: fine
    same: { source: "npm", spec: "same@0.2.0", version: "0.2.0" },
    // no recorded version, no package.json, not npm: not judged
    noversion: { source: "npm", spec: "noversion@1.0.0" },
    missing: { source: "npm", spec: "missing@1.0.0", version: "1.0.0" },
    local: { source: "path", sourcePath: "/home/me/hooks/local", version: "0.0.1" },
  } } },
}`
	state := filepath.Join(t.TempDir(), ".openclaw")
	config = replaceAll(config, "STATE", state, "OUTSIDE", outside)
	r := checkRun(t, config, auditkit.Options{StateDir: state, Files: []auditkit.File{
		{Path: "hooks/session-memory-plus/package.json", Data: `{"name":"session-memory-plus","version":"1.4.1"}`},
		{Path: "hooks/resolved/package.json", Data: `{"name":"resolved","version":"3.0.0"}`},
		{Path: "hooks/same/package.json", Data: `{"name":"same","version":"0.2.0"}`},
		{Path: "hooks/noversion/package.json", Data: `{"name":"noversion","version":"9.9.9"}`},
		{Path: "hooks/local/package.json", Data: `{"name":"local","version":"5.0.0"}`},
	}})
	f := requireHit(t, r, "hooks.installs_version_drift", model.Warn)
	require.Equal(t, "Detected hook install metadata drift:\n"+
		"- elsewhere (recorded 1.9.0, installed 2.0.0)\n"+
		"- resolved (recorded 3.1.0, installed 3.0.0)\n"+
		"- session-memory-plus (recorded 1.4.0, installed 1.4.1)", f.Detail)
	require.Equal(t, model.FixManual, f.Fix)
	require.Contains(t, f.Remediation, "openclaw hooks update --all")
	require.Contains(t, f.Paths, "hooks.internal.installs.session-memory-plus")
	require.Contains(t, f.Paths, filepath.Join(outside, "package.json"))
	require.Equal(t, VerdictFail, verdictsByID(r)["hooks.installs_version_drift"].Verdict)

	// Everything in step: the check passes; no npm record: not applicable.
	r = checkRun(t, `{ hooks: { internal: { installs: { same: { source: "npm", spec: "same@0.2.0", version: "0.2.0" } } } } }`,
		auditkit.Options{Files: []auditkit.File{{Path: "hooks/same/package.json", Data: `{"version":"0.2.0"}`}}})
	requireNoHit(t, r, "hooks.installs_version_drift")
	require.Equal(t, VerdictPass, verdictsByID(r)["hooks.installs_version_drift"].Verdict)
	r = checkRun(t, `{ hooks: { internal: { installs: { local: { source: "path", version: "1.0.0" } } } } }`, auditkit.Options{})
	v := verdictsByID(r)["hooks.installs_version_drift"]
	require.Equal(t, VerdictNotApplicable, v.Verdict)
	require.Contains(t, v.Reason, "no npm hook-pack install")
}

// OpenClaw 2026.9 keeps hook-pack install records in its state DB
// (config_machine_state 'hooks.internal.installs', readHookInstalls): a
// real 2026.9 state DB with a record written as recordHookInstall does.
func TestHooksInstallsVersionDriftStateDB(t *testing.T) {
	state, _ := testutil.CopyAccessState(t, "modern-empty")
	db, err := sql.Open("sqlite", statedb.DSN(statedb.DBPath(state), false))
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?, ?, ?)`, "hooks.internal.installs",
		`{"inbox-triage":{"source":"npm","spec":"@acme/inbox-triage","installPath":"`+filepath.Join(state, "hooks", "inbox-triage")+`","version":"0.3.0","resolvedVersion":"0.3.0","hooks":["inbox-triage"],"installedAt":"2026-08-07T12:31:22.423Z"}}`, 1786105826994)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.NoError(t, os.MkdirAll(filepath.Join(state, "hooks", "inbox-triage"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(state, "hooks", "inbox-triage", "package.json"), []byte(`{"name":"@acme/inbox-triage","version":"0.4.2"}`), 0o600))

	cfg, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
	require.NoError(t, err)
	s := auditkit.Snapshot(t, string(cfg), auditkit.Options{StateDir: state, Env: map[string]string{}})
	r, err := Run(context.Background(), s, Options{})
	require.NoError(t, err)
	f := requireHit(t, r, "hooks.installs_version_drift", model.Warn)
	require.Equal(t, "Detected hook install metadata drift:\n- inbox-triage (recorded 0.3.0, installed 0.4.2)", f.Detail)
	require.Contains(t, f.Paths, statedb.DBPath(state), "a DB record points at the DB, not a config key")
	// the same records feed the other hook-install checks
	f = requireHit(t, r, "hooks.installs_unpinned_npm_specs", model.Warn)
	require.Equal(t, "Unpinned hook install records:\n- inbox-triage (@acme/inbox-triage)", f.Detail)
	require.Equal(t, []string{statedb.DBPath(state)}, f.Paths)
	requireHit(t, r, "hooks.installs_missing_integrity", model.Warn)
}

func replaceAll(s string, oldnew ...string) string {
	for i := 0; i+1 < len(oldnew); i += 2 {
		s = strings.ReplaceAll(s, oldnew[i], oldnew[i+1])
	}
	return s
}
