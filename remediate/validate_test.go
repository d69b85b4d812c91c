package remediate_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/internal/realcli"
	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/remediate"
)

func TestOpenClawValidatorReal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real OpenClaw CLI")
	}
	for _, v := range testutil.PeerVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			val := realcli.Peer(t, v).Validator()
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
