package sshtest_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/sshtest"
)

// A trivial playbook on the fleet shape issue 15 needs: two hosts with
// ansible_connection=local and one over the harness's sshd (ansible's ssh
// connection, reaching the server through the harness's ssh_config). Each
// host writes into its own hardshell_state_dir and one file per host is
// fetched back, named by the inventory's host name. Under --check nothing is
// written, while tasks marked check_mode: false (what an audit playbook
// needs) still run.
func TestAnsibleFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ansible-playbook")
	}
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		t.Skip("ansible-playbook is not installed (Debian's ansible-core; scripts/deps.sh installs it)")
	}
	s := sshtest.Start(t)

	work := t.TempDir()
	// The controller's home: ansible keeps its ControlMaster sockets and
	// temp files under ~/.ansible, which must not be the real one.
	controllerHome := filepath.Join(work, "controller")
	reports := filepath.Join(work, "reports")
	stateDirs := map[string]string{
		"alpha":  filepath.Join(work, "alpha", ".openclaw"),
		"beta":   filepath.Join(work, "beta", ".openclaw"),
		"remote": s.Home + "/.openclaw",
	}
	require.NoError(t, os.MkdirAll(controllerHome, 0o700))

	// Local hosts would put ansible's module files under ~root/.ansible/tmp
	// (ansible expands ~USER, not $HOME): give each its own. The ssh host
	// sets no ansible_user, so ansible's "echo ~" yields the remote $HOME.
	inventory := fmt.Sprintf(`[gateways]
alpha ansible_connection=local ansible_remote_tmp=%[1]s/alpha/.ansible-tmp hardshell_state_dir=%[2]s
beta ansible_connection=local ansible_remote_tmp=%[1]s/beta/.ansible-tmp hardshell_state_dir=%[3]s
remote ansible_host=%[4]s ansible_ssh_common_args='-F %[5]s' hardshell_state_dir=%[6]s

[gateways:vars]
ansible_python_interpreter=/usr/bin/python3
`, work, stateDirs["alpha"], stateDirs["beta"], s.Dest, s.ConfigFile, stateDirs["remote"])
	playbook := `- hosts: gateways
  gather_facts: false
  tasks:
    - name: state dir
      ansible.builtin.file: {path: "{{ hardshell_state_dir }}", state: directory, mode: "0700"}
    - name: config
      ansible.builtin.copy:
        dest: "{{ hardshell_state_dir }}/openclaw.json"
        content: "{\"host\": \"{{ inventory_hostname }}\"}"
        mode: "0600"
    - name: report
      ansible.builtin.shell: |
        f="$HOME/.report-{{ inventory_hostname }}"
        printf '%s %s\n' "$HOME" "$(test -e '{{ hardshell_state_dir }}/openclaw.json' && echo written || echo absent)" > "$f"
        echo "$f"
      register: report
      check_mode: false
      changed_when: false
    - name: fetch report
      ansible.builtin.fetch:
        src: "{{ report.stdout }}"
        dest: "{{ hardshell_report_dir }}/{{ inventory_hostname }}.txt"
        flat: true
      check_mode: false
`
	writeFile(t, filepath.Join(work, "hosts.ini"), inventory)
	writeFile(t, filepath.Join(work, "play.yml"), playbook)
	writeFile(t, filepath.Join(work, "ansible.cfg"), "[defaults]\nretry_files_enabled = False\n")

	play := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("ansible-playbook", append([]string{"-i", "hosts.ini", "play.yml", "-e", "hardshell_report_dir=" + reports}, args...)...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(),
			"HOME="+controllerHome,
			"ANSIBLE_CONFIG="+filepath.Join(work, "ansible.cfg"), // not /etc/ansible's
			"ANSIBLE_NOCOLOR=1",
		)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "ansible-playbook %v:\n%s", args, out)
		t.Logf("ansible-playbook %v on 3 hosts: %s", args, time.Since(start).Round(10*time.Millisecond))
		return string(out)
	}
	report := func(host string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(reports, host+".txt"))
		require.NoError(t, err)
		return string(data)
	}

	out := play("--check")
	// --check reports what would change on every host (state dir, config)
	// and the fetched report
	for host := range stateDirs {
		require.Regexp(t, host+`\s+: ok=4\s+changed=3\s+unreachable=0\s+failed=0`, out)
	}
	for host, dir := range stateDirs {
		if host == "remote" {
			require.Equal(t, "absent\n", s.Run(t, "test -e "+sshtest.Quote(dir)+" && echo present || echo absent"))
		} else {
			_, err := os.Lstat(dir)
			require.ErrorIs(t, err, fs.ErrNotExist, "--check wrote %s", dir)
		}
	}
	require.Equal(t, s.Home+" absent\n", report("remote"))
	require.Equal(t, controllerHome+" absent\n", report("alpha"))

	play()
	for host, dir := range stateDirs {
		want := fmt.Sprintf("{\"host\": \"%s\"}", host)
		if host == "remote" {
			require.Equal(t, want, string(s.ReadFile(t, dir+"/openclaw.json")))
			_, err := os.Lstat(dir)
			require.ErrorIs(t, err, fs.ErrNotExist, "the remote state dir must not be on the host")
		} else {
			data, err := os.ReadFile(filepath.Join(dir, "openclaw.json"))
			require.NoError(t, err)
			require.Equal(t, want, string(data))
		}
		require.True(t, strings.HasSuffix(report(host), " written\n"), "%s: %q", host, report(host))
	}
	require.Equal(t, "700 600\n", s.Run(t, "cd "+sshtest.Quote(stateDirs["remote"])+" && echo $(stat -c %a . openclaw.json)"))
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
}
