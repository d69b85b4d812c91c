package remediate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// peerCLIs holds one remediate.OpenClawCLI per OpenClaw version for the
// whole test binary, so each distinct config is run once per version however
// many tests validate it.
var peerCLIs sync.Map // version → remediate.OpenClawCLI

// peerCLI is the real OpenClaw CLI of that version (its bundled node and
// entry script), or skips the test naming what is absent.
func peerCLI(t *testing.T, version string) remediate.OpenClawCLI {
	t.Helper()
	c, ok := findPeerCLI(version)
	if !ok {
		testutil.Peer(t, version) // skips, naming what is absent
	}
	return c
}

func findPeerCLI(version string) (remediate.OpenClawCLI, bool) {
	if c, ok := peerCLIs.Load(version); ok {
		return c.(remediate.OpenClawCLI), true
	}
	p, _, ok := testutil.FindPeer(version)
	if !ok {
		return remediate.OpenClawCLI{}, false
	}
	bin, args := p.Command()
	c, _ := peerCLIs.LoadOrStore(version, remediate.NewOpenClawCLI(bin, args...))
	return c.(remediate.OpenClawCLI), true
}

func TestOpenClawValidatorReal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI")
	}
	for _, v := range testutil.PeerVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			val := peerCLI(t, v).Validator()
			s := auditkit.Snapshot(t, `{ gateway: { mode: "local" } }`, auditkit.Options{})
			msgs, err := val(s.Target.ConfigPath, nil)
			require.NoError(t, err)
			require.Empty(t, msgs)

			msgs, err = val(s.Target.ConfigPath, map[string][]byte{s.Target.ConfigPath: []byte(`{ gateway: { mode: "local" }, bogusKey: 1 }`)})
			require.NoError(t, err)
			require.NotEmpty(t, msgs)
			require.Contains(t, strings.Join(msgs, "\n"), "bogusKey")

			// the real config is never touched
			data, err := os.ReadFile(s.Target.ConfigPath)
			require.NoError(t, err)
			require.Equal(t, `{ gateway: { mode: "local" } }`, string(data))
		})
	}
}

func TestFindOpenClaw(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	require.Equal(t, "", remediate.FindOpenClaw())
	bin := filepath.Join(dir, "openclaw")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o700))
	require.Equal(t, bin, remediate.FindOpenClaw())
}

// The safe fixes never add a validation issue: for every state dir and both
// OpenClaw versions, each issue the fixed config has, the original had too.
func TestSafeFixesValidateWithRealOpenClaw(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI (seconds a run)")
	}
	for _, v := range testutil.PeerVersions {
		for _, name := range stateNames(t) {
			t.Run(v+"/"+name, func(t *testing.T) {
				t.Parallel()
				val := peerCLI(t, v).Validator()
				state := testutil.CopyState(t, name)
				s := loadState(t, state)
				require.NoError(t, s.DocErr)
				cs, _ := safePlan(t, s)
				p, err := remediate.Prepare(context.Background(), s, cs, nil)
				require.NoError(t, err)
				before, err := val(s.Target.ConfigPath, nil)
				require.NoError(t, err)
				if len(p.Files) == 0 {
					t.Logf("OpenClaw %s, %s: no config edit; original: %s", v, name, verdict(before))
					return
				}
				after, err := val(s.Target.ConfigPath, p.Files)
				require.NoError(t, err)
				t.Logf("OpenClaw %s, %s: original %s; fixed %s", v, name, verdict(before), verdict(after))
				// A config this version already rejects belongs to the other
				// era; there the result is only reported. Otherwise the fix
				// must not add a single issue.
				if len(before) > 0 && !eraMatches(s, v) {
					return
				}
				was := map[string]bool{}
				for _, m := range before {
					was[m] = true
				}
				for _, m := range after {
					require.True(t, was[m], "the fix introduced a validation issue under OpenClaw %s: %s", v, m)
				}
			})
		}
	}
}

func verdict(msgs []string) string {
	if len(msgs) == 0 {
		return "valid"
	}
	return fmt.Sprintf("%d issue(s): %s", len(msgs), strings.Join(msgs, "; "))
}

// eraMatches: the fixture's era is the one this CLI version speaks.
func eraMatches(s *model.Snapshot, version string) bool {
	switch s.Era.Era {
	case model.EraModern:
		return strings.HasPrefix(version, "2026.9")
	case model.EraGuide:
		return strings.HasPrefix(version, "2026.2")
	}
	return false
}

// A validator runs the CLI once per distinct input: the same files again,
// here in another state dir and asked concurrently, are answered from
// memory, with messages naming each caller's own files, never the removed
// staging dir; the original a candidate is compared with is not run again.
func TestOpenClawValidatorRunsEachInputOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI")
	}
	bin, args := testutil.Peer(t, "2026.9.6").Command()
	// every Node process the CLI starts appends a line to runs
	runs := filepath.Join(t.TempDir(), "runs")
	counter := filepath.Join(t.TempDir(), "count.mjs")
	require.NoError(t, os.WriteFile(counter, []byte(`import { appendFileSync } from "node:fs";
appendFileSync(process.env.HARDSHELL_TEST_RUNS, "run\n");
`), 0o600))
	t.Setenv("HARDSHELL_TEST_RUNS", runs)
	t.Setenv("NODE_OPTIONS", "--import="+counter)
	ran := func() int {
		data, err := os.ReadFile(runs)
		if os.IsNotExist(err) {
			return 0
		}
		require.NoError(t, err)
		return strings.Count(string(data), "\n")
	}
	cli := remediate.NewOpenClawCLI(bin, args...)

	const missingInclude = `{ $include: "./absent.json5", gateway: { mode: "local" } }`
	var cfgs [2]string
	var msgs [2][]string
	var wg sync.WaitGroup
	for i := range cfgs {
		cfgs[i] = filepath.Join(t.TempDir(), "openclaw.json")
		require.NoError(t, os.WriteFile(cfgs[i], []byte(missingInclude), 0o600))
		wg.Go(func() {
			m, err := cli.Verdict(cfgs[i], nil)
			assert.NoError(t, err)
			msgs[i] = m
		})
	}
	wg.Wait()
	require.Equal(t, 1, ran(), "the same content twice is one run")
	for i, cfg := range cfgs {
		require.Len(t, msgs[i], 1)
		require.Contains(t, msgs[i][0], filepath.Join(filepath.Dir(cfg), "absent.json5"))
		require.NotContains(t, msgs[i][0], "hardshell-validate-")
	}

	val := cli.Validator()
	cfg := cfgs[0]
	original := `{ gateway: { mode: "local" }, oldBogus: 1 }`
	require.NoError(t, os.WriteFile(cfg, []byte(original), 0o600))
	before, err := cli.Verdict(cfg, nil)
	require.NoError(t, err)
	require.Len(t, before, 1)
	require.Equal(t, 2, ran())

	candidate := map[string][]byte{cfg: []byte(`{ gateway: { mode: "local" }, oldBogus: 1, newBogus: 1 }`)}
	added, err := val(cfg, candidate)
	require.NoError(t, err)
	require.Len(t, added, 1, "only the issue the change adds: %v", added)
	require.Contains(t, added[0], "newBogus")
	require.Equal(t, 3, ran(), "the candidate ran; the original was remembered")

	again, err := val(cfg, candidate)
	require.NoError(t, err)
	require.Equal(t, added, again)
	require.Equal(t, 3, ran())
}
