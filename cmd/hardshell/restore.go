package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/spf13/cobra"
)

type restoreFlags struct {
	list, yes, diff bool
}

func newRestoreCmd() *cobra.Command {
	var f restoreFlags
	c := &cobra.Command{
		Use:   "restore [ID]",
		Short: "List hardshell's backups, or put one back",
		Long: `With --list, list the backup sets hardshell wrote before each change, newest
first: id, time, command, and what each file had changed.

With an ID (without one: the newest set), show what will be put back, ask (or
--yes), then restore every file byte for byte with its old mode. The current
state is backed up first, so a restore can itself be undone. --diff shows the
changes a restore would make to each file (secrets masked) and writes nothing.

Exit codes: 0 restored, listed, shown or not confirmed; 1 the restore was
refused or failed (nothing changed); 2 bad input (unknown id).`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeBackupIDs,
		RunE: func(c *cobra.Command, args []string) error {
			return runRestore(c, f, args, os.Stdin, stdinIsTTY)
		},
	}
	c.Flags().BoolVar(&f.list, "list", false, "list the backup sets, newest first")
	c.Flags().BoolVarP(&f.yes, "yes", "y", false, "restore without asking")
	c.Flags().BoolVar(&f.diff, "diff", false, "show what the restore would change in each file (secrets masked), write nothing")
	c.MarkFlagsMutuallyExclusive("list", "diff")
	c.MarkFlagsMutuallyExclusive("list", "yes")
	return c
}

func init() { rootCmd.AddCommand(newRestoreCmd()) }

func runRestore(c *cobra.Command, f restoreFlags, args []string, in io.Reader, isTTY func() bool) error {
	out := c.OutOrStdout()
	tgt, err := locateTarget()
	if err != nil {
		return withCode(exitBadInput, err)
	}
	t, roots := tgt.StateDir, remediate.RestoreRootsFor(tgt)
	if f.list {
		sets, err := remediate.ListBackups(t)
		if err != nil {
			return withCode(exitFindings, err)
		}
		if len(sets) == 0 {
			fmt.Fprintf(out, "No hardshell backups in %s\n", remediate.BackupsDir(t))
			return nil
		}
		fmt.Fprintf(out, "Backups in %s (newest first):\n", remediate.BackupsDir(t))
		for _, set := range sets {
			fmt.Fprintf(out, "\n%s  %s  %s\n", set.ID, set.CreatedAt.Local().Format("2006-01-02 15:04:05"), set.Command)
			switch {
			case set.State == remediate.StateInterrupted:
				fmt.Fprintln(out, "    INTERRUPTED before its backup was complete: this change was never applied, nothing to restore (the folder can be deleted)")
				continue
			case set.Interrupted():
				fmt.Fprintln(out, "    INTERRUPTED: hardshell stopped during this change, so it may be applied in part or not at all;")
				fmt.Fprintln(out, "    restoring it puts back only the files the change reached")
			}
			for _, e := range set.Entries {
				fmt.Fprintln(out, "    "+entryLine(e))
			}
			for _, r := range set.Rows {
				fmt.Fprintln(out, "    row    "+set.DB+": "+r.String())
			}
		}
		for _, set := range sets {
			if set.State != remediate.StateInterrupted {
				fmt.Fprintf(out, "\nRestore the newest with: %s\n(or put another ID from the list in its place)\n", hsCommand("restore", set.ID))
				break
			}
		}
		return nil
	}
	var id string
	if len(args) == 1 {
		id = args[0]
	} else {
		newest, err := newestBackup(t)
		if err != nil {
			return withCode(exitFindings, err)
		}
		if newest == nil {
			fmt.Fprintf(out, "No hardshell backups in %s: nothing to restore.\n", remediate.BackupsDir(t))
			return nil
		}
		id = newest.ID
		fmt.Fprintf(out, "The newest backup is %s (others: %s).\n", id, hsCommand("restore", "--list"))
	}
	set, err := remediate.LoadBackup(t, id)
	var ie *remediate.InterruptedError
	if errors.As(err, &ie) {
		return withCode(exitFindings, err)
	}
	if err != nil {
		return withCode(exitBadInput, err)
	}
	// a manifest naming files outside this target is refused before it is
	// even listed or diffed
	if err := remediate.CheckManifest(roots, set); err != nil {
		return withCode(exitBadInput, err)
	}
	if set.Interrupted() {
		fmt.Fprintf(out, "Backup %s was interrupted (hardshell stopped during the change): only the files the change reached are put back.\n", set.ID)
	}
	fmt.Fprintf(out, "Backup %s (%s, %s) will put back:\n", set.ID, set.CreatedAt.Local().Format("2006-01-02 15:04:05"), set.Command)
	for _, e := range set.Entries {
		fmt.Fprintln(out, "  "+undoLine(e))
	}
	for _, r := range set.Rows {
		fmt.Fprintln(out, "  row    "+set.DB+": undo "+r.String()+" (by primary key; rows written since are kept)")
	}
	if f.diff {
		return printRestoreDiff(out, t, set)
	}
	if !confirmed(out, in, f.yes, isTTY, "Restore these files?", "nothing restored") {
		return nil
	}
	safety, err := remediate.Restore(roots, id, version)
	var me *remediate.ManifestError
	if errors.As(err, &me) {
		return withCode(exitBadInput, err)
	}
	if err != nil {
		return refused(err)
	}
	if safety == nil {
		fmt.Fprintln(out, "Everything already matches the backup; nothing was changed.")
		return nil
	}
	fmt.Fprintf(out, "Restored %s. The state before this restore is backup %s (undo with: %s)\n", id, safety.ID, hsCommand("restore", safety.ID))
	return nil
}

// loadTarget is the state dir named by the global flags (backups live
// there); the config is not parsed, so a broken config can be restored.
func loadTarget() (string, error) {
	t, err := locateTarget()
	return t.StateDir, err
}

// locateTarget is the state dir and config named by the global flags.
func locateTarget() (model.Target, error) {
	t, err := model.Locate(loadOptions().Locate)
	if err != nil {
		return model.Target{}, err
	}
	if t.StateDir == "" {
		return model.Target{}, errors.New("no OpenClaw state dir found (use --state-dir)")
	}
	return t, nil
}

func entryLine(e remediate.BackupEntry) string {
	switch e.Op {
	case remediate.OpChmod:
		return fmt.Sprintf("chmod  %s %s → %s", e.Rel, modeStr(e.ModeBefore), modeStr(e.ModeAfter))
	case remediate.OpCreate:
		return "create " + e.Rel + reasonSuffix(e.Reason)
	case remediate.OpRemove:
		return "remove " + e.Rel
	}
	return "write  " + e.Rel + reasonSuffix(e.Reason)
}

func undoLine(e remediate.BackupEntry) string {
	switch e.Op {
	case remediate.OpChmod:
		return fmt.Sprintf("mode   %s back to %s (now %s)", e.Rel, modeStr(e.ModeBefore), modeStr(e.ModeAfter))
	case remediate.OpCreate:
		return "remove " + e.Rel + " (it was created by this change)"
	case remediate.OpRemove:
		return fmt.Sprintf("file   %s recreated (mode %s)", e.Rel, modeStr(e.ModeBefore))
	}
	return fmt.Sprintf("file   %s back to its earlier content (mode %s)", e.Rel, modeStr(e.ModeBefore))
}

func modeStr(m remediate.Mode) string { return fmt.Sprintf("%04o", fs.FileMode(m).Perm()) }

func reasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return " — " + r
}
