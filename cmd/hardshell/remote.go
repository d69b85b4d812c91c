package main

// --host DEST: every command that supports it works on another machine's
// state dir over the operator's own ssh (package remote). The session is
// opened once before the command runs and closed after it; the model reads
// through its SFTP file system, the transaction writes through it
// (remediate.UseFS), and the remote's environment, home and OpenClaw CLI
// stand in for the local ones.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"

	"github.com/hardshell/hardshell/access/act"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/contain"
	"github.com/hardshell/hardshell/remote"
	"github.com/hardshell/hardshell/statedb"
	"github.com/hardshell/hardshell/statedb/nodesql"
	"github.com/hardshell/hardshell/tui"
	"github.com/spf13/cobra"
)

var (
	hostFlag string
	// session is the open remote session of this run (nil: local).
	session *remote.Session
	// undoFS puts the local file system back when the session closes.
	undoFS func()
)

// remoteCommands are the commands that work over --host. The others refuse
// it (remoteRefusals says why and what to run instead) rather than quietly
// work on the wrong machine.
var remoteCommands = map[string]bool{
	"audit": true, "fix": true, "restore": true, "harden": true, "version": true,
	"rotate": true, "config": true, "rules": true, "baseline": true, "access": true, "contain": true,
	"hardshell": true, // the wizard (its flows learn the remote from wizardRemote)
}

// remoteRefusals explain the commands that do not work over --host and
// what to run instead (none at present: every command that reads a state
// dir works over --host; the rest get the general refusal).
var remoteRefusals = map[string]string{}

func init() {
	rootCmd.PersistentFlags().StringVar(&hostFlag, "host", "", "work on the gateway of another machine over ssh: [user@]host[:port] or a Host alias (HARDSHELL_SSH_COMMAND replaces `ssh`)")
}

// topCommand is the first word after "hardshell" of c's path.
func topCommand(c *cobra.Command) string {
	for c.HasParent() && c.Parent().HasParent() {
		c = c.Parent()
	}
	return c.Name()
}

// openRemote connects to --host before the command runs and checks that
// the remote has the state dir the command is about.
func openRemote(c *cobra.Command) error {
	if hostFlag == "" {
		return nil
	}
	if name := topCommand(c); !remoteCommands[name] {
		if why, ok := remoteRefusals[name]; ok {
			return withCode(exitBadInput, fmt.Errorf("hardshell %s does not work over --host: "+why+"; nothing was read or written", name, remote.Quote(hostFlag)))
		}
		return withCode(exitBadInput, fmt.Errorf("hardshell %s does not work over --host; run it on the machine itself; nothing was read or written", name))
	}
	for _, p := range []string{global.stateDir, global.config} {
		if p != "" && !path.IsAbs(p) && p != "~" && !strings.HasPrefix(p, "~/") {
			return withCode(exitBadInput, fmt.Errorf("with --host, give --state-dir and --config as absolute remote paths or ~/…, not %q", p))
		}
	}
	s, err := remote.Dial(context.Background(), hostFlag, remote.Options{SSHCommand: os.Getenv(remote.CommandEnv)})
	if err != nil {
		return withCode(exitBadInput, err)
	}
	session = s
	env := make([]string, 0, len(s.Env))
	for k, v := range s.Env {
		env = append(env, k+"="+v)
	}
	redactor().AddEnviron(env)
	undoSys := remediate.UseFS(s.FS)
	undoDB := remediate.UseDB(remoteDB(s))
	undoFS = func() { undoDB(); undoSys() }
	t, err := model.Locate(loadOptions().Locate)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("on %s: %w", hostFlag, err))
	}
	fi, err := s.FS.Stat(t.StateDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return withCode(exitBadInput, fmt.Errorf("%s has no OpenClaw state dir at %s (%s); pass --state-dir, or set OPENCLAW_STATE_DIR for ssh sessions there; nothing was written", hostFlag, t.StateDir, t.StateRule))
	case err != nil:
		return withCode(exitBadInput, fmt.Errorf("on %s: %w; nothing was written", hostFlag, err))
	case !fi.IsDir():
		return withCode(exitBadInput, fmt.Errorf("on %s: %s is not a folder; nothing was written", hostFlag, t.StateDir))
	}
	return nil
}

// closeRemote ends the session (after the command, whatever its outcome).
func closeRemote() {
	if undoFS != nil {
		undoFS()
		undoFS = nil
	}
	if session != nil {
		_ = session.Close()
		session = nil
	}
	hostFlag = "" // flags keep their values between runs of one process (tests)
}

// targetGetenv reads the environment of the target: the remote's over
// --host (what OpenClaw there sees), this process's otherwise.
func targetGetenv(k string) string {
	if session != nil {
		return session.Getenv(k)
	}
	return os.Getenv(k)
}

// targetLookupEnv is targetGetenv as a lookup (nil: this process's).
func targetLookupEnv() func(string) (string, bool) {
	if s := session; s != nil {
		return func(k string) (string, bool) { v, ok := s.Env[k]; return v, ok }
	}
	return nil
}

// remoteLocate fills in what the remote session knows: its file system,
// environment and home.
func remoteLocate(o *model.LocateOptions) {
	if session == nil {
		return
	}
	o.FS, o.Getenv, o.HomeDir = session.FS, session.Getenv, session.Home
}

// remoteLoad is remoteLocate for a whole load: the remote's OpenClaw
// version too.
func remoteLoad(o *model.LoadOptions) {
	if session == nil {
		return
	}
	remoteLocate(&o.Locate)
	o.FS = session.FS
	v := session.OpenClawVersion
	o.OpenClawVersion = func() string { return v }
}

// targetHome is the home folder of the target's user: the remote's over
// --host ("" locally: the callee uses os.UserHomeDir).
func targetHome() string {
	if session != nil {
		return session.Home
	}
	home, _ := os.UserHomeDir()
	return home
}

// targetWhere names where printed commands are to be run.
func targetWhere() string {
	if session != nil {
		return "on " + hostFlag
	}
	return "here"
}

// targetDial is the dialer of live probes: the session's forward to the
// remote's loopback over --host, nil (a local dial) otherwise.
func targetDial() audit.DialFunc {
	if session != nil {
		return session.DialContext
	}
	return nil
}

// targetOpenClaw is the target's OpenClaw CLI ("" when it has none).
func targetOpenClaw() string {
	if session != nil {
		return session.OpenClaw
	}
	bin, err := exec.LookPath("openclaw")
	if err != nil {
		return ""
	}
	return bin
}

// targetRun runs the target's program bin with args and returns its
// combined output: over --host on the remote, through the same connection.
func targetRun(ctx context.Context, bin string, args ...string) ([]byte, error) {
	if session != nil {
		words := []string{remote.Quote(bin)}
		for _, a := range args {
			words = append(words, remote.Quote(a))
		}
		return session.Run(ctx, strings.Join(words, " ")+" 2>&1 </dev/null", nil)
	}
	return exec.CommandContext(ctx, bin, args...).CombinedOutput()
}

// remoteDB opens the remote's state DB for a write: SQLite runs there, in
// the node the remote's OpenClaw runs on (statedb/nodesql), started over
// the session; the statements are hardshell's own. The file is never
// written over SFTP, which cannot take SQLite's locks.
func remoteDB(s *remote.Session) func(string) (*sql.DB, error) {
	return func(path string) (*sql.DB, error) {
		return nodesql.Open(func() (*nodesql.Proc, error) {
			in, out, wait, err := s.Start(nodesql.Script(s.OpenClaw))
			if err != nil {
				return nil, err
			}
			return &nodesql.Proc{Stdin: in, Stdout: out, Wait: func() error {
				err := wait()
				var ee *exec.ExitError
				if errors.As(err, &ee) && ee.ExitCode() == 97 {
					return fmt.Errorf("%w; hardshell writes the state DB with the remote's own SQLite, so without it run the command on that machine: %s", err, followUp().OnHost("hardshell …"))
				}
				return err
			}}, nil
		}, path, statedb.BusyTimeout), nil
	}
}

// targetCLI is the target's OpenClaw CLI as the access actions run it:
// over --host the remote's, run there over the session with the target's
// variables added to the remote's environment.
func targetCLI() act.CLI {
	c := act.CLI{Bin: targetOpenClaw()}
	if s := session; s != nil {
		c.Run = func(ctx context.Context, env, argv []string) ([]byte, error) {
			words := []string{"env"}
			for _, kv := range append(env, argv...) {
				words = append(words, remote.Quote(kv))
			}
			return s.Run(ctx, strings.Join(words, " ")+" 2>&1 </dev/null", nil)
		}
	}
	return c
}

// remoteProbe points the --deep probe (and rotate --verify) at the remote:
// its own loopback, reached through the session's stdio forward, never a
// port of this machine.
func remoteProbe(o audit.ProbeOptions) audit.ProbeOptions {
	if session != nil {
		o.Dial = session.DialContext
		o.Hosts = []string{"127.0.0.1"}
	}
	return o
}

// remoteValidator checks candidates with the remote's own OpenClaw CLI
// (nil when the remote has none): the staged copy travels over the
// session and the CLI runs there.
func remoteValidator() remediate.Validator {
	s := session
	if s == nil || s.OpenClaw == "" {
		return nil
	}
	env := make([]string, 0, len(s.Env))
	for k, v := range s.Env {
		env = append(env, k+"="+v)
	}
	return remediate.RunnerValidator(env, func(ctx context.Context, tmp string, env []string, args ...string) ([]byte, error) {
		return s.RunInCopy(ctx, tmp, env, append([]string{s.OpenClaw}, args...))
	})
}

// wizardRemote is what the wizard's flows need of the remote machine
// beyond its files (nil locally): its home, environment, loopback and
// host facts. Every flow of the wizard works over --host with it: their
// reads go through the session's file system, their writes through its
// transaction.
func wizardRemote() *tui.Remote {
	if session == nil {
		return nil
	}
	host, zone := targetMachine(context.Background())
	return &tui.Remote{Dest: hostFlag, SSH: session.SSHCommand(), Home: session.Home, Getenv: targetLookupEnv(), Dial: session.DialContext, Host: host, Zone: zone}
}

// remoteLabel names the target in the wizard's header: "DEST:<state dir>"
// over --host ("" = the state dir, locally).
func remoteLabel(stateDir string) string {
	if session == nil {
		return ""
	}
	return hostFlag + ":" + stateDir
}

// targetMachine describes the gateway's machine for the incident report
// and the dates of its daily logs: the remote's uname and UTC offset over
// --host, nil (this machine: contain.HostInfo, time.Local) locally.
func targetMachine(ctx context.Context) (*contain.Host, *time.Location) {
	if session == nil {
		return nil, nil
	}
	h := &contain.Host{OS: "unknown", Arch: "unknown"}
	out, err := session.Run(ctx, "uname -s; uname -m; uname -n; uname -r; date +%z", nil)
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(f) != 5 {
		return h, nil
	}
	var zone *time.Location
	if t, err := time.Parse("-0700", strings.TrimSpace(f[4])); err == nil {
		_, off := t.Zone()
		zone = time.FixedZone(strings.TrimSpace(f[4]), off)
	}
	h.OS = strings.ToLower(strings.TrimSpace(f[0])) // Linux, Darwin: as runtime.GOOS spells them
	h.Arch = strings.TrimSpace(f[1])
	switch h.Arch {
	case "x86_64":
		h.Arch = "amd64"
	case "aarch64":
		h.Arch = "arm64"
	}
	h.Hostname, h.Kernel = strings.TrimSpace(f[2]), strings.TrimSpace(f[3])
	return h, zone
}

// targetPath names a file of the target for the operator: "DEST:PATH"
// over --host, PATH locally.
func targetPath(p string) string {
	if session == nil {
		return p
	}
	return hostFlag + ":" + p
}

// onTarget is a command line to run on the target's machine: over --host
// as "ssh -t DEST 'CMD'", CMD itself locally (cmdline.Target.OnHost).
func onTarget(cmd string) string { return followUp().OnHost(cmd) }
