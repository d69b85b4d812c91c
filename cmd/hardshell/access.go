package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/access/act"
	"github.com/hardshell/hardshell/model"
	"github.com/spf13/cobra"
)

type accessFlags struct {
	json bool
}

func newAccessCmd() *cobra.Command {
	var f accessFlags
	c := &cobra.Command{
		Use:   "access",
		Short: "Review who can reach the bot: approved senders, pairing requests, devices, exec approvals",
		Long: `List, per channel and account, the DM and group policy, every approved sender
and where it comes from (the config's allowFrom/groupAllowFrom, or the pairing
store), the pending pairing requests, then the paired and pending devices and
nodes and the exec approvals.

Reads the 2026.9 state DB (state/openclaw.sqlite, from a private snapshot:
never in place, never a write) or the 2026.2 JSON stores. With --host DEST,
of the gateway on DEST (the snapshot is copied over ssh).

Exit codes: 0 listed; 2 bad input (a state DB or store that cannot be read).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAccessList(c, f) },
	}
	c.Flags().BoolVar(&f.json, "json", false, "print JSON")
	return c
}

func init() { rootCmd.AddCommand(newAccessCmd()) }

func runAccessList(c *cobra.Command, f accessFlags) error {
	s, err := loadSnapshot()
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, s.DocErr)
	}
	r := access.Load(s, access.Options{Context: c.Context()})
	out := c.OutOrStdout()
	if r.DB != nil && r.DB.Err != nil {
		return withCode(exitBadInput, r.DB.Err)
	}
	if f.json {
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(out, string(data))
	} else {
		r.WriteText(out)
	}
	if len(r.Problems) > 0 {
		return withCode(exitBadInput, fmt.Errorf("%d store(s) could not be read (listed above)", len(r.Problems)))
	}
	return nil
}

// accessActFlags are the flags of the access actions.
type accessActFlags struct {
	account string
	yes     bool
	dryRun  bool
	direct  bool
}

func addActFlags(c *cobra.Command, f *accessActFlags, account bool) {
	if account {
		c.Flags().StringVar(&f.account, "account", "", "the channel account (default: the one the code or sender is found in)")
	}
	c.Flags().BoolVarP(&f.yes, "yes", "y", false, "change without asking")
	c.Flags().BoolVar(&f.dryRun, "dry-run", false, "show what would change, change nothing")
	c.Flags().BoolVar(&f.direct, "direct", false, "write the store directly even when the openclaw CLI is installed")
}

const accessActLong = `When the openclaw CLI is installed and has the action (pairing approve;
devices reject|remove, which need the running gateway), hardshell runs it, so
a running gateway is told, and records the rows it changed as a backup set.
Otherwise (or with --direct, or when the CLI cannot reach the gateway) the
change is made in the state dir's own store: the 2026.9 state DB in one
SQLite transaction (busy timeout, never while the gateway holds its write
lock), recording the exact rows in a backup set first; or the 2026.2 JSON
stores through hardshell's transaction. It prints the backup id and the undo
command: hardshell restore ID puts back just those rows (or files).

With --host DEST everything happens on DEST over ssh: its openclaw CLI runs
there; the JSON stores are written with hardshell's transaction over SFTP;
the state DB is never written over SFTP but by SQLite on DEST, in the node
its OpenClaw runs on (without a node with node:sqlite there, the change is
refused: run ssh -t DEST hardshell access …).

Exit codes: 0 changed, nothing to change, or not confirmed; 1 refused or failed
(nothing changed); 2 bad input (unknown code, sender or device; unreadable store).`

func init() {
	var f accessActFlags
	accessCmd := rootCmd.Commands()
	var ac *cobra.Command
	for _, c := range accessCmd {
		if c.Name() == "access" {
			ac = c
		}
	}
	mk := func(use, short string, nargs int, account bool, build func(args []string, f accessActFlags) access.Action) *cobra.Command {
		c := &cobra.Command{
			Use: use, Short: short, Long: short + ".\n\n" + accessActLong,
			Args: cobra.ExactArgs(nargs),
			RunE: func(c *cobra.Command, args []string) error {
				return runAccessAct(c, f, build(args, f), os.Stdin, stdinIsTTY)
			},
		}
		addActFlags(c, &f, account)
		return c
	}
	ac.AddCommand(
		mk("approve CHANNEL CODE", "Approve a pending DM pairing request: the sender becomes an approved sender", 2, true,
			func(a []string, f accessActFlags) access.Action {
				return access.Action{Kind: access.Approve, Channel: a[0], Code: a[1], Account: f.account}
			}),
		mk("reject CHANNEL CODE", "Dismiss a pending DM pairing request", 2, true,
			func(a []string, f accessActFlags) access.Action {
				return access.Action{Kind: access.Reject, Channel: a[0], Code: a[1], Account: f.account}
			}),
		mk("revoke CHANNEL SENDER", "Remove a sender approved through pairing", 2, true,
			func(a []string, f accessActFlags) access.Action {
				return access.Action{Kind: access.Revoke, Channel: a[0], Sender: a[1], Account: f.account}
			}),
	)
	dev := &cobra.Command{Use: "device", Short: "Approve, reject or remove paired devices and nodes"}
	dev.AddCommand(
		mk("approve REQUEST_ID", "Approve a pending device or node pairing request (through the openclaw CLI and the running gateway)", 1, false,
			func(a []string, _ accessActFlags) access.Action {
				return access.Action{Kind: act.DeviceApprove, Device: a[0]}
			}),
		mk("reject REQUEST_ID", "Dismiss a pending device or node pairing request", 1, false,
			func(a []string, _ accessActFlags) access.Action {
				return access.Action{Kind: access.DeviceReject, Device: a[0]}
			}),
		mk("remove DEVICE_ID", "Remove a paired device or node: its tokens stop working", 1, false,
			func(a []string, _ accessActFlags) access.Action {
				return access.Action{Kind: access.DeviceRemove, Device: a[0]}
			}),
	)
	ac.AddCommand(dev)
}

func runAccessAct(c *cobra.Command, f accessActFlags, a access.Action, in io.Reader, isTTY func() bool) error {
	out := c.OutOrStdout()
	s, unlock, err := loadForWrite()
	defer unlock()
	if err != nil {
		return err
	}
	if s.DocErr != nil {
		return withCode(exitBadInput, s.DocErr)
	}
	r := access.Load(s, access.Options{Context: c.Context()})
	if r.DB != nil && r.DB.Err != nil {
		return withCode(exitBadInput, r.DB.Err)
	}
	if a.Kind == act.DeviceApprove {
		return runDeviceApprove(c, f, s.Target, a, in, isTTY)
	}
	p, err := r.Resolve(a)
	var ie *access.InputError
	if errors.As(err, &ie) {
		return withCode(exitBadInput, err)
	}
	if err != nil {
		return withCode(exitFindings, err)
	}
	fmt.Fprintf(out, "%s:\n", upperFirst(p.Summary))
	for _, st := range p.Steps {
		fmt.Fprintf(out, "  %s: %s\n", st.Store, st.What)
	}
	// Not commitReviewed: there is no file transaction to commit. The
	// change is rows of the live state DB, written under its write lock by
	// remediate.CommitRows (act.Apply) or by the openclaw CLI so that a
	// running gateway is told (act.ApplyViaCLI), and which of the two runs
	// is decided after the confirmation. The gate (confirmed) and the
	// refusal (refused) are the shared ones.
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing was changed")
		return nil
	}
	if !confirmed(out, in, f.yes, isTTY, "Make this change?", "nothing changed") {
		return nil
	}
	if cli := targetCLI(); cli.Bin != "" && !f.direct && r.Store == access.StoreSQLite && act.CLIArgs(p) != nil {
		args := act.CLIArgs(p)
		where := ""
		if session != nil {
			where = " " + targetWhere()
		}
		fmt.Fprintf(out, "Running%s: openclaw %s\n", where, strings.Join(args, " "))
		res, err := act.ApplyViaCLI(c.Context(), s, p, cli, act.ApplyOptions{ToolVersion: version})
		if res != nil && res.Output != "" {
			fmt.Fprint(out, indent(res.Output))
		}
		switch {
		case err == nil:
			if res.ConfigChanged {
				fmt.Fprintf(out, "openclaw also rewrote %s (on a first DM approval it sets commands.ownerAllowFrom; its previous content is in openclaw.json.bak)\n", s.Target.ConfigPath)
			}
			if res.Set == nil {
				fmt.Fprintln(out, "openclaw changed no rows.")
				return nil
			}
			fmt.Fprintf(out, "Done: %s.\n", p.Summary)
			printBackup(out, res.Set)
			return nil
		case p.Action.Kind == access.Approve:
			return withCode(exitFindings, err)
		}
		fmt.Fprintf(out, "%v (is the gateway running?); writing the state DB directly instead\n", err)
	}
	set, err := act.Apply(c.Context(), s, r, p, act.ApplyOptions{ToolVersion: version})
	if err != nil {
		return refused(err)
	}
	if set == nil {
		fmt.Fprintln(out, "Nothing to change.")
		return nil
	}
	fmt.Fprintf(out, "Done: %s.\n", p.Summary)
	if r.Store == access.StoreSQLite {
		fmt.Fprintln(out, "A running gateway reads the change on its next pairing check (no restart needed).")
	}
	printBackup(out, set)
	return nil
}

// runDeviceApprove approves a device request through the real CLI: a new
// device token is minted and handed over by the gateway, which hardshell
// does not imitate.
func runDeviceApprove(c *cobra.Command, f accessActFlags, t model.Target, a access.Action, in io.Reader, isTTY func() bool) error {
	out := c.OutOrStdout()
	cli := targetCLI()
	if cli.Bin == "" {
		return withCode(exitFindings, errors.New("approving a device mints its token through the gateway: install the openclaw CLI and, with the gateway running, run: openclaw devices approve "+a.Device))
	}
	fmt.Fprintf(out, "Approve device request %s with: openclaw devices approve %s\n", a.Device, a.Device)
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing was changed")
		return nil
	}
	if !confirmed(out, in, f.yes, isTTY, "Run it?", "nothing changed") {
		return nil
	}
	res, err := act.RunCLI(c.Context(), cli, t, []string{"devices", "approve", a.Device})
	fmt.Fprint(out, res)
	if err != nil {
		return withCode(exitFindings, err)
	}
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "  | " + strings.Join(lines, "\n  | ") + "\n"
}
