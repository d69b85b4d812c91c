// Package ansible_test runs the collection's playbooks with ansible-core
// on a fleet of four hosts: two local (ansible_connection=local) with their
// own hardshell_state_dir, one over a real sshd (internal/sshtest) whose
// state dir exists only in the server's namespace and which finds its state
// dir as OpenClaw would (~/.openclaw), one local host whose config cannot be
// parsed (its audit says so, its fix fails), and one that is unreachable
// (its report is missing).
package ansible_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/sshtest"
	"github.com/hardshell/hardshell/internal/testutil"
)

// listing is every file under dir with its mode, size and hash, skipping
// hardshell's own folder: what "nothing was written" compares.
const listing = `cd "$1" && find . -path ./.hardshell -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; find . -path ./.hardshell -prune -o -print0 | sort -z | xargs -0 stat -c '%n %a'; ls -a`

func TestPlaybooks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ansible-playbook")
	}
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		t.Skip("ansible-playbook is not installed (Debian's ansible-core; scripts/deps.sh installs it)")
	}
	s := sshtest.Start(t)
	work := t.TempDir()
	controllerHome := filepath.Join(work, "controller")
	require.NoError(t, os.MkdirAll(controllerHome, 0o700))
	dist := filepath.Join(work, "dist")
	bin := filepath.Join(dist, fmt.Sprintf("hardshell-%s-%s", runtime.GOOS, runtime.GOARCH))
	build := exec.Command("go", "build", "-o", bin, "./cmd/hardshell")
	build.Dir = testutil.RepoRoot()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	bout, err := build.CombinedOutput()
	require.NoError(t, err, "%s", bout)

	alpha := testutil.CopyStateTo(t, "guide-dangerous", filepath.Join(work, "alpha", ".openclaw"))
	beta := testutil.CopyStateTo(t, "loose-perms", filepath.Join(work, "beta", ".openclaw"))
	delta := filepath.Join(work, "delta", ".openclaw")
	require.NoError(t, os.MkdirAll(delta, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(delta, "openclaw.json"), []byte("{ gateway: { bind: \"lan\" "), 0o600))
	remoteDir := s.Home + "/.openclaw"
	s.CopyIn(t, testutil.CopyState(t, "guide-dangerous"), remoteDir)
	reports := filepath.Join(work, "reports")

	inventory := fmt.Sprintf(`[gateways]
alpha ansible_connection=local ansible_remote_tmp=%[1]s/alpha/.ansible-tmp hardshell_state_dir=%[2]s
beta ansible_connection=local ansible_remote_tmp=%[1]s/beta/.ansible-tmp hardshell_state_dir=%[3]s
remote ansible_host=%[4]s ansible_ssh_common_args='-F %[5]s'
delta ansible_connection=local ansible_remote_tmp=%[1]s/delta/.ansible-tmp hardshell_state_dir=%[7]s
omega ansible_host=%[8]s ansible_ssh_common_args='-F %[5]s'

[gateways:vars]
ansible_python_interpreter=/usr/bin/python3
hardshell_binary_dir=%[6]s
`, work, alpha, beta, s.Dest, s.ConfigFile, dist, delta, s.DownDest)
	require.NoError(t, os.WriteFile(filepath.Join(work, "hosts.ini"), []byte(inventory), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(work, "ansible.cfg"), []byte("[defaults]\nretry_files_enabled = False\n"), 0o600))
	playbooks := filepath.Join(testutil.RepoRoot(), "ansible", "playbooks")

	play := func(book string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command("ansible-playbook", append([]string{"-i", "hosts.ini", filepath.Join(playbooks, book), "-e", "hardshell_report_dir=" + reports}, args...)...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "HOME="+controllerHome, "ANSIBLE_CONFIG="+filepath.Join(work, "ansible.cfg"), "ANSIBLE_NOCOLOR=1")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		t.Logf("ansible-playbook %s %v on 5 hosts: %s (exit %d)", book, args, time.Since(start).Round(10*time.Millisecond), code)
		return string(out), code
	}
	local := func(dir string) string {
		out, err := exec.Command("/bin/sh", "-c", listing, "sh", dir).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	snapshot := func() [3]string {
		return [3]string{local(alpha), local(beta), s.Run(t, strings.ReplaceAll(listing, `"$1"`, sshtest.Quote(remoteDir)))}
	}
	before := snapshot()

	// audit.yml under --check: one report per host, nothing written
	out, code := play("audit.yml", "--check")
	require.Equal(t, 4, code, "omega is unreachable:\n%s", out)
	require.Regexp(t, `omega\s+: ok=\d+\s+changed=0\s+unreachable=1`, out)
	for _, h := range []string{"alpha", "beta", "remote", "delta"} {
		require.Regexp(t, h+`\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0`, out)
		var rep struct {
			Summary map[string]int
			Target  struct{ StateDir string }
		}
		data, err := os.ReadFile(filepath.Join(reports, h+".json"))
		require.NoError(t, err, h)
		require.NoError(t, json.Unmarshal(data, &rep), h)
		require.Greater(t, rep.Summary["critical"]+rep.Summary["warn"], 0, h)
		if h == "remote" {
			require.Equal(t, remoteDir, rep.Target.StateDir, "the remote's own ~/.openclaw")
		}
	}
	require.Equal(t, before, snapshot(), "audit.yml --check wrote nothing")

	fleet := exec.Command(bin, "fleet", "report", reports, "--json")
	fout, _ := fleet.Output()
	var merged struct {
		Hosts []struct {
			Host    string
			Status  string
			Summary map[string]int
			Dest    string
			Local   bool
		}
		Missing []string
	}
	require.NoError(t, json.Unmarshal(fout, &merged), "%s", fout)
	require.Equal(t, []string{"omega"}, merged.Missing)
	require.Len(t, merged.Hosts, 5)
	require.Equal(t, "omega", merged.Hosts[4].Host)
	for _, h := range merged.Hosts[:4] {
		require.Equal(t, "ok", h.Status, h.Host)
	}
	// each host is reached again the way Ansible reached it: ansible_host
	// (remote, and the missing omega), this machine for a local connection
	reached := map[string]string{}
	for _, h := range merged.Hosts {
		reached[h.Host] = h.Dest
		if h.Local {
			reached[h.Host] = "local"
		}
	}
	require.Equal(t, map[string]string{"alpha": "local", "beta": "local", "delta": "local", "remote": s.Dest, "omega": s.DownDest}, reached)
	// the follow-up the fleet wizard prints for the remote reaches it (the
	// operator's ssh config, here the harness's, knows the alias)
	again := exec.Command(bin, "audit", "--host", reached["remote"], "--json", "--fail-on", "none")
	again.Env = []string{"HOME=" + controllerHome, "PATH=/usr/bin:/bin", "HARDSHELL_SSH_COMMAND=" + s.SSHCommand}
	remoteOut, err := again.Output()
	require.NoError(t, err)
	require.Contains(t, string(remoteOut), `"stateDir": "`+remoteDir+`"`, "the audit at the recorded destination read the remote's state dir")
	sarif, err := exec.Command(bin, "fleet", "report", reports, "--sarif").Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		require.NoError(t, err)
	}
	for _, h := range []string{"alpha", "beta", "remote"} {
		require.Contains(t, string(sarif), `"id": "hardshell/`+h+`/"`)
	}

	// harden.yml --check --diff: the masked diff, nothing written
	out, code = play("harden.yml", "--check", "--diff")
	require.Equal(t, 4, code, "omega unreachable, delta failed:\n%s", out)
	require.Contains(t, out, "hardshell fix failed on delta")
	require.Contains(t, out, "Config changes (secrets masked)")
	require.Contains(t, out, "would change")
	cfg, err := os.ReadFile(filepath.Join(alpha, "openclaw.json"))
	require.NoError(t, err)
	token := regexp.MustCompile(`token: "([^"]+)"`).FindSubmatch(cfg)
	require.NotNil(t, token)
	require.NotContains(t, out, string(token[1]), "the diff is masked")
	require.Equal(t, before, snapshot(), "harden.yml --check wrote nothing")

	// harden.yml: each host changed with its backup id; delta reported, the others carried on
	out, code = play("harden.yml")
	require.Equal(t, 4, code, out)
	require.Contains(t, out, "hardshell fix failed on delta: hardshell: config unreadable, nothing was changed")
	ids := regexp.MustCompile(`"backup_id": "(\d{8}T\d{6}Z[-0-9]*)",\s*"host": "(\w+)"`).FindAllStringSubmatch(out, -1)
	got := map[string]string{}
	for _, m := range ids {
		got[m[2]] = m[1]
	}
	require.Len(t, got, 3, "a backup id per hardened host:\n%s", out)
	after := snapshot()
	for i, h := range []string{"alpha", "beta", "remote"} {
		require.NotEqual(t, before[i], after[i], "%s changed", h)
	}
	for _, dir := range []string{alpha, beta} {
		_, err := os.Stat(filepath.Join(dir, ".hardshell", "backups", got[filepath.Base(filepath.Dir(dir))], "manifest.json"))
		require.NoError(t, err, dir)
	}
	require.Contains(t, s.Run(t, "cat ~/.openclaw/.hardshell/backups/"+got["remote"]+"/manifest.json"), `"committed"`)
}
