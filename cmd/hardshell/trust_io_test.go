package main

// End-to-end tests of the file-system seam and the transaction on the built
// binary: special files in every position, concurrent writers, changed
// inputs at the prompt, modes outside the state dir.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/remediate"
)

// trustConfig has two safe config fixes (mDNS "full", redaction off) and
// channels in an $include, so every position below has a meaning.
const trustConfig = `{
  meta: { lastTouchedVersion: "2026.2.1" },
  gateway: { bind: "loopback", auth: { mode: "token", token: "0123456789abcdef0123456789abcdef" } },
  discovery: { mdns: { mode: "full" } },
  logging: { redactSensitive: "off" },
  channels: { $include: "./channels.json5" },
}
`

// trustState writes a small state dir: config + include, a pairing store,
// exec approvals, an agent with auth profiles and a transcript, all 0600.
func trustState(t *testing.T) string {
	t.Helper()
	state := filepath.Join(t.TempDir(), ".openclaw")
	files := map[string]string{
		"openclaw.json":                         trustConfig,
		"channels.json5":                        `{ telegram: { enabled: true, dmPolicy: "pairing", botToken: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678" } }` + "\n",
		"credentials/telegram-allowFrom.json":   `{"version":1,"allowFrom":["123456789"]}` + "\n",
		"exec-approvals.json":                   `{"version":1,"defaults":{"security":"allowlist"}}` + "\n",
		"agents/main/agent/auth-profiles.json":  `{"version":1,"profiles":{}}` + "\n",
		"agents/main/sessions/s1.jsonl":         `{"type":"session","version":3,"id":"s1","timestamp":"2026-11-02T08:00:00.000Z"}` + "\n",
		"agents/main/sessions/sessions.json":    "{}\n",
		"agents/main/agent/models.json":         "{}\n",
		"credentials/telegram-pairing.json":     `{"version":1,"requests":[]}` + "\n",
		"agents/main/sessions/s0.jsonl.reset.1": "{}\n",
	}
	for rel, data := range files {
		p := filepath.Join(state, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
	}
	require.NoError(t, os.Chmod(state, 0o700))
	return state
}

// runTimed runs the binary on state with a 10 s limit (a hang fails the
// test instead of stalling it).
func runTimed(t *testing.T, state string, args ...string) (stdout, stderr string, code int, took time.Duration) {
	t.Helper()
	bin := auditBinary(t) // built before the clock starts
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--state-dir", state}, args...)...)
	cmd.Env = []string{"HOME=" + filepath.Dir(state), "PATH=/nonexistent", "NO_COLOR=1"}
	cmd.Stdin = strings.NewReader("")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	start := time.Now()
	err := cmd.Run()
	took = time.Since(start)
	require.NoError(t, ctx.Err(), "%v did not answer within 10 s", args)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return o.String(), e.String(), ee.ExitCode(), took
	}
	require.NoError(t, err)
	return o.String(), e.String(), 0, took
}

// A FIFO (no writer: a blocking open hangs forever) or a symlink to
// /dev/zero (an endless read) in each position: every command answers
// within 10 s; for the config and an $include with exit 2 and the path (the
// $include at the file:line:col that names it) and nothing written;
// elsewhere with a could-not-check finding naming the path, and the special
// file untouched.
func TestSpecialFilesEveryPositionEveryCommand(t *testing.T) {
	positions := []string{
		"openclaw.json",
		"channels.json5",
		"exec-approvals.json",
		"credentials/telegram-allowFrom.json",
		"agents/main/agent/auth-profiles.json",
		"agents/main/sessions/s1.jsonl",
	}
	kinds := map[string]func(p string) error{
		"fifo":      func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"dev-zero":  func(p string) error { return os.Symlink("/dev/zero", p) },
		"char-null": func(p string) error { return os.Symlink("/dev/null", p) },
	}
	for _, pos := range positions {
		for kind, mk := range kinds {
			t.Run(pos+"/"+kind, func(t *testing.T) {
				// contain reads the gateway's daily logs: an empty folder
				// here, not the machine's /tmp/openclaw
				logDir := t.TempDir()
				for _, args := range [][]string{{"audit", "--json"}, {"fix", "--yes"}, {"contain", "--yes", "--no-validate", "--log-dir", logDir}} {
					state := trustState(t)
					p := filepath.Join(state, pos)
					require.NoError(t, os.Remove(p))
					require.NoError(t, mk(p))
					before := treeHashes(t, state)
					stdout, stderr, code, took := runTimed(t, state, args...)
					require.NotContains(t, stderr, "panic", "%v", args)
					require.NotContains(t, stderr, "fatal error", "%v", args)
					t.Logf("%v: exit %d in %v", args, code, took.Round(time.Millisecond))
					switch pos {
					case "openclaw.json":
						require.Equal(t, 2, code, "%v: %s", args, stderr)
						require.Contains(t, stderr, p)
						require.Equal(t, before, treeHashes(t, state), "%v: nothing may be written", args)
					case "channels.json5":
						require.Equal(t, 2, code, "%v: %s", args, stderr)
						if kind == "fifo" {
							require.Regexp(t, regexp.QuoteMeta(filepath.Join(state, "openclaw.json"))+`:6:25: cannot read \$include "./channels.json5" .*FIFO`, stderr)
						} else {
							require.Contains(t, stderr, filepath.Join(state, "openclaw.json")+":6:25: ")
						}
						require.Equal(t, before, treeHashes(t, state), "%v: nothing may be written", args)
					default:
						require.NotEqual(t, 2, code, "%v: %s", args, stderr)
						if args[0] == "audit" {
							// a FIFO is could-not-check; a link out of the
							// state dir is never followed and reported as such
							want := `"fs.unreadable"`
							if kind != "fifo" && pos != "exec-approvals.json" {
								want = `"fs.symlink_out_of_state"`
							}
							require.True(t, strings.Contains(stdout, want) && strings.Contains(stdout, p), "audit --json names %s with %s", p, want)
						}
						fi, err := os.Lstat(p)
						require.NoError(t, err)
						if kind == "fifo" {
							require.Equal(t, fs.ModeNamedPipe, fi.Mode().Type(), "the FIFO is untouched")
						} else {
							require.Equal(t, fs.ModeSymlink, fi.Mode().Type(), "the link is untouched")
						}
					}
				}
			})
		}
	}
}

// 20 pairs of concurrent `fix --yes --only A` / `--only B`: every run that
// exits 0 printed its backup and has its change on disk; a run that could
// not get the lock or saw a changed input exits non-zero and wrote nothing.
func TestConcurrentFixesNeverLoseAnUpdate(t *testing.T) {
	const pairs = 20
	okBoth, okOne, refused := 0, 0, 0
	backupRe := regexp.MustCompile(`backup: (\S+)`)
	for i := range pairs {
		state := trustState(t)
		cfg := filepath.Join(state, "openclaw.json")
		type result struct {
			out, err string
			code     int
		}
		var wg sync.WaitGroup
		res := make([]result, 2)
		for j, only := range []string{"discovery.mdns_full_mode", "logging.redact_off"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, e, c, _ := runTimed(t, state, "fix", "--yes", "--only", only)
				res[j] = result{o, e, c}
			}()
		}
		wg.Wait()
		data, err := os.ReadFile(cfg)
		require.NoError(t, err)
		onDisk := []bool{strings.Contains(string(data), `mode: "minimal"`), !strings.Contains(string(data), `redactSensitive: "off"`)}
		sets, err := remediate.ListBackups(state)
		require.NoError(t, err)
		written := 0
		for j, r := range res {
			switch r.code {
			case 0:
				require.Truef(t, onDisk[j], "pair %d: run %d exited 0 but its change is not on disk:\n%s\n%s", i, j, r.out, data)
				require.Regexp(t, backupRe, r.out)
				written++
			default:
				require.Equal(t, 1, r.code, "pair %d run %d: %s", i, j, r.err)
				require.NotRegexp(t, backupRe, r.out, "a refused run names no backup")
				require.Regexp(t, `changed on disk since hardshell read it|since hardshell read it|is changing this state dir`, r.err)
				require.Falsef(t, onDisk[j], "pair %d: run %d was refused but its change is on disk", i, j)
				refused++
			}
		}
		require.Len(t, sets, written, "one backup set per run that wrote, no other")
		for _, s := range sets {
			require.Equal(t, remediate.StateCommitted, s.State)
		}
		if written == 2 {
			okBoth++
		} else {
			okOne++
		}
	}
	t.Logf("%d pairs: both written %d, one written and one refused %d (%d refusals)", pairs, okBoth, okOne, refused)
}

// An external writer rewriting the config (read, append a line, rename)
// while fix runs: none of its updates is ever lost.
func TestExternalWriterDuringFixNeverLosesAnUpdate(t *testing.T) {
	exits := map[int]int{}
	defer func() { t.Logf("20 trials: fix exit codes %v", exits) }()
	for trial := range 20 {
		state := trustState(t)
		cfg := filepath.Join(state, "openclaw.json")
		stop := make(chan struct{})
		done := make(chan int)
		go func() {
			n := 0
			for {
				select {
				case <-stop:
					done <- n
					return
				default:
				}
				data, err := os.ReadFile(cfg)
				if err == nil {
					n++
					tmp := cfg + ".ext"
					_ = os.WriteFile(tmp, append(data, fmt.Sprintf("// external %d\n", n)...), 0o600)
					_ = os.Rename(tmp, cfg)
				}
				time.Sleep(time.Duration(1+trial%5) * time.Millisecond)
			}
		}()
		_, stderr, code, _ := runTimed(t, state, "fix", "--yes", "--only", "discovery.mdns_full_mode")
		close(stop)
		n := <-done
		data, err := os.ReadFile(cfg)
		require.NoError(t, err)
		for k := 1; k <= n; k++ {
			require.Containsf(t, string(data), fmt.Sprintf("// external %d\n", k), "trial %d: external update %d of %d lost (fix exit %d: %s)", trial, k, n, code, stderr)
		}
		require.Contains(t, []int{0, 1}, code, stderr)
		exits[code]++
	}
}

// editingReader edits a file the plan read (an $include) when the
// confirmation is read, then answers "y".
type editingReader struct {
	once sync.Once
	path string
	t    *testing.T
	r    io.Reader
}

func (e *editingReader) Read(p []byte) (int, error) {
	e.once.Do(func() {
		data, err := os.ReadFile(e.path)
		require.NoError(e.t, err)
		require.NoError(e.t, os.WriteFile(e.path, append(data, "// edited while the prompt was open\n"...), 0o600))
	})
	return e.r.Read(p)
}

// An $include changed while the confirmation prompt is open is drift: the
// write is refused, nothing is written. The include is not a file the fix
// writes; it is an input of the plan.
func TestChangedIncludeAtThePromptIsRefused(t *testing.T) {
	for _, withHardshellDir := range []bool{false, true} {
		state := trustState(t)
		if withHardshellDir { // the lock is then held from the load on
			require.NoError(t, os.Mkdir(filepath.Join(state, ".hardshell"), 0o700))
		}
		inc := filepath.Join(state, "channels.json5")
		var out bytes.Buffer
		c := newFixCmd()
		c.SetOut(&out)
		c.SetErr(&out)
		old := global
		global.stateDir = state
		t.Setenv("HOME", filepath.Dir(state))
		t.Setenv("PATH", "/nonexistent")
		in := &editingReader{path: inc, t: t, r: strings.NewReader("y\n")}
		err := runFix(c, fixFlags{only: []string{"discovery.mdns_full_mode"}}, in, func() bool { return true })
		global = old
		require.Contains(t, out.String(), "Write these changes? [y/N]")
		var de *remediate.DriftError
		require.ErrorAs(t, err, &de, out.String())
		require.Equal(t, inc, de.Path)
		require.Contains(t, err.Error(), "nothing was written")
		var ee *exitError
		require.ErrorAs(t, err, &ee)
		require.Equal(t, exitFindings, ee.code)
		data, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
		require.NoError(t, err)
		require.Equal(t, trustConfig, string(data))
		sets, err := remediate.ListBackups(state)
		require.NoError(t, err)
		require.Empty(t, sets)
	}
}

// After fix --yes, no mode outside the state dir has changed: not the file
// logging.file names outside it, not the inode of a transcript that is a
// hard link to an outside file. Both are reported with the command to run.
func TestFixChangesNoModeOutsideTheStateDir(t *testing.T) {
	state := trustState(t)
	outside := t.TempDir()
	logFile := filepath.Join(outside, "it's the gateway.log")
	require.NoError(t, os.WriteFile(logFile, []byte("log\n"), 0o644))
	require.NoError(t, os.Chmod(logFile, 0o644))
	secret := filepath.Join(outside, "shadow-like")
	require.NoError(t, os.WriteFile(secret, []byte("x\n"), 0o644))
	require.NoError(t, os.Chmod(secret, 0o644))
	transcript := filepath.Join(state, "agents", "main", "sessions", "linked.jsonl")
	require.NoError(t, os.Link(secret, transcript))
	cfg := strings.Replace(trustConfig, `logging: { redactSensitive: "off" },`, `logging: { redactSensitive: "off", file: "`+logFile+`" },`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(cfg), 0o600))
	// and a loose file inside, which is fixed
	loose := filepath.Join(state, "agents", "main", "sessions", "s1.jsonl")
	require.NoError(t, os.Chmod(loose, 0o644))

	stdout, stderr, code, _ := runTimed(t, state, "fix", "--yes")
	require.Equal(t, 0, code, stderr)
	for _, p := range []string{logFile, secret} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		require.Equal(t, fs.FileMode(0o644), fi.Mode().Perm(), "%s must keep its mode", p)
	}
	fi, err := os.Stat(loose)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "a loose transcript inside is fixed")
	require.Contains(t, stdout, "skipped: "+logFile+" is outside the state dir")
	require.Contains(t, stdout, `run: chmod 600 '`+strings.ReplaceAll(logFile, "'", `'\''`)+`'`)
	require.Contains(t, stdout, "skipped: "+transcript+" has 2 hard links")
	require.Contains(t, stdout, "chmod 600 "+transcript)
}

// 100 `fix --yes` runs killed with SIGKILL after a random delay (up to one
// uninterrupted run's time): every file is the old or the new version, no
// temp file is looser than 0600, a set listed as committed has its change
// on disk, and the next `fix --yes` finishes the job and leaves no temp.
func TestKillDuringFixLeavesOldOrNew(t *testing.T) {
	runs := 100
	if testing.Short() {
		runs = 15
	}
	bin := auditBinary(t)
	prepare := func() (string, map[string]string) {
		state := trustState(t)
		// loose modes too, so the commit has chmods beside the config write
		require.NoError(t, os.Chmod(filepath.Join(state, "agents", "main", "sessions", "s1.jsonl"), 0o644))
		require.NoError(t, os.Chmod(filepath.Join(state, "credentials", "telegram-allowFrom.json"), 0o644))
		old := map[string]string{}
		for _, rel := range []string{"openclaw.json", "channels.json5"} {
			b, err := os.ReadFile(filepath.Join(state, rel))
			require.NoError(t, err)
			old[rel] = string(b)
		}
		return state, old
	}
	// one uninterrupted run: its time and its result
	ref, _ := prepare()
	_, stderr, code, full := runTimed(t, ref, "fix", "--yes", "--only", "discovery.mdns_full_mode,logging.redact_off")
	require.Equal(t, 0, code, stderr)
	newCfg, err := os.ReadFile(filepath.Join(ref, "openclaw.json"))
	require.NoError(t, err)

	killed, before, applied, temps, interrupted, noManifest := 0, 0, 0, 0, 0, 0
	for i := range runs {
		state, old := prepare()
		cmd := exec.Command(bin, "--state-dir", state, "fix", "--yes", "--only", "discovery.mdns_full_mode,logging.redact_off")
		cmd.Env = []string{"HOME=" + filepath.Dir(state), "PATH=/nonexistent", "NO_COLOR=1"}
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(int64(full) * int64(i) / int64(runs)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			killed++
		}
		cfg, err := os.ReadFile(filepath.Join(state, "openclaw.json"))
		require.NoError(t, err)
		switch string(cfg) {
		case old["openclaw.json"]:
			before++
		case string(newCfg):
			applied++
		default:
			t.Fatalf("run %d: openclaw.json is neither old nor new", i)
		}
		inc, err := os.ReadFile(filepath.Join(state, "channels.json5"))
		require.NoError(t, err)
		require.Equal(t, old["channels.json5"], string(inc))
		left, own := 0, 0 // beside operator files; inside .hardshell/backups (a manifest's)
		require.NoError(t, filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
			require.NoError(t, err)
			if fi, _ := d.Info(); !d.IsDir() && strings.Contains(d.Name(), ".hardshell-") {
				require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "run %d: %s", i, p)
				if strings.Contains(p, "/.hardshell/") {
					own++
				} else {
					left++
				}
			}
			return nil
		}))
		if left+own > 0 {
			temps++
		}
		if left > 0 {
			out, _, _, _ := runTimed(t, state, "audit", "--json")
			require.True(t, strings.Contains(out, `"fs.stale_temp_files"`), "run %d: the audit reports the leftover temp", i)
		}
		sets, err := remediate.ListBackups(state)
		require.NoError(t, err)
		for _, s := range sets {
			switch {
			case s.State == remediate.StateInterrupted:
				noManifest++
			case s.Interrupted():
				interrupted++
			default:
				require.Equal(t, string(newCfg), string(cfg), "run %d: set %s is listed as committed, so its change is on disk", i, s.ID)
			}
		}
		if i%10 == 0 || left > 0 || len(sets) > 0 && sets[0].Interrupted() {
			_, stderr, code, _ := runTimed(t, state, "fix", "--yes")
			require.Equal(t, 0, code, "run %d: a later fix works: %s", i, stderr)
			require.NoError(t, filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
				require.NoError(t, err)
				require.False(t, !d.IsDir() && fsys.IsTempName(d.Name()) && filepath.Dir(p) == state, "run %d: the later fix removed %s", i, p)
				return nil
			}))
		}
	}
	t.Logf("%d runs (one full run %v): %d killed, config old in %d, new in %d; %d left temp files (all 0600, all reported), %d interrupted sets, %d sets without manifest; every committed set's change on disk",
		runs, full.Round(time.Millisecond), killed, before, applied, temps, interrupted, noManifest)
}
