package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/fix"
)

// lineReader hands its reader out one line per Read. huh's accessible
// prompts wrap the input in a fresh bufio.Scanner for every prompt, which
// would swallow the lines buffered for the next prompt on a pipe.
type lineReader struct {
	r   io.Reader
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	var b [1]byte
	for n < len(p) {
		k, err := l.r.Read(b[:])
		if k == 1 {
			p[n] = b[0]
			n++
			if b[0] == '\n' {
				return n, nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				l.eof = true
			}
			return n, err
		}
	}
	return n, nil
}

// RunAccessible is the line-based wizard (ACCESSIBLE=1 or TERM=dumb): it
// lists the findings, asks which to fix with huh's accessible prompts, asks
// the remediation's questions, shows the masked diff and writes only after
// an explicit yes. Input ends (EOF) → it stops without writing.
func RunAccessible(in io.Reader, out io.Writer, o Options) error {
	r := &lineReader{r: in}
	snap, err := o.Load()
	if err != nil {
		return err
	}
	rep, err := o.scan(context.Background(), snap, nil)
	if err != nil {
		return err
	}
	sd := snap.Target.StateDir
	listed := false // the whole list is read out once; after a write, only what changed
	for {
		var opts []huh.Option[int]
		for i, f := range rep.Findings {
			if f.Fix != model.FixManual {
				opts = append(opts, huh.NewOption(fmt.Sprintf("%s %s: %s", strings.ToUpper(f.Severity.String()), f.CheckID, f.Title), i))
			}
		}
		if !listed {
			listed = true
			listFindings(out, o, rep, sd)
		}
		if len(opts) == 0 {
			fmt.Fprintln(out, "\nNothing here can be fixed by hardshell; follow the manual steps above. Nothing was written.")
			return nil
		}
		pick := -1
		opts = append([]huh.Option[int]{huh.NewOption("Quit (write nothing)", -1)}, opts...)
		if err := accessibleForm(r, out, huh.NewSelect[int]().Title("Which finding do you want to fix?").Options(opts...).Value(&pick)); err != nil {
			return err
		}
		if r.eof || pick < 0 {
			fmt.Fprintln(out, "Nothing more was written.")
			return nil
		}
		f := rep.Findings[pick]
		qs, err := fix.Questions(snap, f)
		if err != nil {
			fmt.Fprintf(out, "Not fixed: %v\n\n", err)
			continue
		}
		var ans model.Answers
		if len(qs) > 0 {
			vals := newFormVals(qs)
			// one question at a time: huh's accessible mode would also ask
			// the questions a form hides, so those that do not apply to
			// the answers so far are skipped here
			for _, q := range qs {
				if r.eof {
					break
				}
				if !vals.applies(q.ID) {
					continue
				}
				if err := accessibleForm(r, out, questionField(q, vals)); err != nil {
					return err
				}
			}
			if r.eof {
				fmt.Fprintln(out, "Input ended; nothing was written.")
				return nil
			}
			ans = vals.answers()
		}
		// accessible prompts skip per-field validation: Plan validates
		pl, err := fix.Plan(snap, f, ans, fix.WithDefaults)
		if err != nil {
			fmt.Fprintf(out, "Not fixed: %v\n\n", err)
			continue
		}
		cs := pl.Changes
		p, err := remediate.PrepareWith(context.Background(), remediate.PrepareInput{Snapshot: snap, Before: rep, Changes: cs, Validate: o.Validate})
		if err != nil {
			fmt.Fprintf(out, "Not written: %v\n\n", err)
			continue
		}
		fmt.Fprintln(out, "\nThe change (secrets masked):")
		fmt.Fprint(out, p.Diff())
		for _, pc := range p.Txn.Plan() {
			fmt.Fprintln(out, "  "+pc.String())
		}
		for _, a := range cs.After {
			fmt.Fprintln(out, "  afterwards: "+o.step(a))
		}
		yes := false
		if err := accessibleForm(r, out, huh.NewConfirm().Title("Write these changes? A backup is made first.").Value(&yes)); err != nil {
			return err
		}
		if r.eof || !yes {
			fmt.Fprintln(out, "Not written.")
			if r.eof {
				return nil
			}
			continue
		}
		set, err := p.Txn.Commit(remediate.BackupMeta{Command: "wizard", CheckIDs: []string{f.CheckID}, ToolVersion: o.ToolVersion})
		if err != nil && set == nil {
			fmt.Fprintf(out, "Not written: %v\n\n", err)
			continue
		}
		if set != nil {
			fmt.Fprintf(out, "Written. Backup %s; undo with: %s\n", set.ID, o.command("restore", set.ID))
		}
		prev := rep
		if snap, err = o.Load(); err != nil {
			return err
		}
		if rep, err = o.scan(context.Background(), snap, nil); err != nil {
			return err
		}
		writeChanged(out, prev, rep)
	}
}

// listFindings reads out the report: the counts, then each tier with its
// findings. Tiers are named "Tier N:", not numbered "N.", so they never
// read like the numbered choices of the prompt that follows.
func listFindings(out io.Writer, o Options, rep *audit.Report, sd string) {
	fmt.Fprintf(out, "hardshell — %s\n", o.label())
	fmt.Fprintf(out, "%d critical, %d warn, %d info. Score %d/100 (a high score does not mean secure).\n\n",
		rep.Summary.Critical, rep.Summary.Warn, rep.Summary.Info, rep.Summary.Score())
	tier := model.Tier(-1)
	for _, f := range rep.Findings {
		if f.Priority != tier {
			tier = f.Priority
			fmt.Fprintf(out, "Tier %d: %s\n", int(tier), tier.Name())
		}
		how := string(f.Fix)
		loc := ""
		if f.File != "" {
			loc = " (" + relPath(sd, f.File)
			if f.Line > 0 {
				loc += fmt.Sprintf(":%d", f.Line)
			}
			loc += ")"
		}
		fmt.Fprintf(out, "  %s %s: %s [%s]%s\n", strings.ToUpper(f.Severity.String()), f.CheckID, f.Title, how, loc)
		if how == "manual" && f.Remediation != "" {
			fmt.Fprintf(out, "    manual: %s\n", oneLine(f.Remediation))
		}
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(out, "No findings.")
	}
}

// writeChanged says what a write changed: the counts before and after, the
// findings that went away and any that appeared.
func writeChanged(out io.Writer, before, after *audit.Report) {
	b, a := before.Summary, after.Summary
	fmt.Fprintf(out, "Before: %d critical, %d warn, %d info (score %d). After: %d critical, %d warn, %d info (score %d).\n",
		b.Critical, b.Warn, b.Info, b.Score(), a.Critical, a.Warn, a.Info, a.Score())
	for _, f := range goneFindings(before, after) {
		fmt.Fprintf(out, "  gone: %s %s: %s\n", strings.ToUpper(f.Severity.String()), f.CheckID, f.Title)
	}
	for _, f := range goneFindings(after, before) {
		fmt.Fprintf(out, "  new:  %s %s: %s\n", strings.ToUpper(f.Severity.String()), f.CheckID, f.Title)
	}
	fmt.Fprintln(out)
}

func accessibleForm(r io.Reader, out io.Writer, f huh.Field) error {
	return huh.NewForm(huh.NewGroup(f)).WithAccessible(true).WithInput(r).WithOutput(out).Run()
}

// WritePlain is the non-interactive mode (stdin or stdout not a terminal):
// the text report and how to apply fixes. It never writes.
func WritePlain(out io.Writer, o Options) error {
	snap, err := o.Load()
	if err != nil {
		return err
	}
	rep, err := o.scan(context.Background(), snap, nil)
	if err != nil {
		return err
	}
	if err := audit.WriteText(out, rep, audit.TextOptions{Color: false, Command: o.command}); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "Not a terminal, so the wizard did not start and nothing was written. To apply the safe fixes, run: %s\n", o.command("fix", "--yes"))
	return err
}
