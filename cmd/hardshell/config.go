package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/spf13/cobra"
)

// The config commands read and edit the config the way the checks and
// fixes do: include-aware, comment-preserving, both key eras.

func init() {
	cfg := &cobra.Command{
		Use:   "config",
		Short: "Read and edit the OpenClaw config, keeping comments and formatting",
		Long: `Read and edit openclaw.json (JSON5) by dotted path, e.g. agents.list[2].sandbox.scope.

Reads see the merged config ($include resolved). An edit goes to the file that
defines the key (or the root file for a new key), changes only the bytes it
must, and is written through a transaction: the diff is shown, the old file is
backed up under <state>/.hardshell/backups, the write is atomic.`,
	}
	var getJSON, reveal, where bool
	get := &cobra.Command{
		Use:   "get PATH",
		Short: "Print the value at PATH (secrets masked unless --reveal)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out := c.OutOrStdout()
			if reveal {
				out = revealWriter(out) // the user asked for the value in full
			}
			return configGet(out, c.ErrOrStderr(), args[0], getJSON, reveal, where)
		},
	}
	get.Flags().BoolVar(&getJSON, "json", false, "print the value as JSON")
	get.Flags().BoolVar(&reveal, "reveal", false, "print secret values in full")
	get.Flags().BoolVar(&where, "where", false, "also print the file:line:col that defines the value")

	var dry bool
	set := &cobra.Command{
		Use:   "set PATH JSON5_VALUE",
		Short: "Set PATH to a JSON5 value (e.g. '\"loopback\"', true, 18789, '[\"+1555\"]')",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			v, err := model.ParseValue("value", []byte(args[1]))
			if err != nil {
				// the value may be a secret typed without quotes: quote a masked excerpt only
				return withCode(exitBadInput, fmt.Errorf("value %s is not JSON5: %v (strings need quotes: '\"loopback\"')", model.Excerpt(args[1]), strings.TrimPrefix(err.Error(), "value:")))
			}
			return configEdit(c, model.Edit{Op: model.OpSet, Path: args[0], Value: editValue(v), Reason: "config set " + args[0]}, dry)
		},
	}
	set.Flags().BoolVar(&dry, "dry-run", false, "show the diff, write nothing")
	unset := &cobra.Command{
		Use:   "unset PATH",
		Short: "Remove PATH from the file(s) that define it",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return configEdit(c, model.Edit{Op: model.OpUnset, Path: args[0], Reason: "config unset " + args[0]}, dry)
		},
	}
	unset.Flags().BoolVar(&dry, "dry-run", false, "show the diff, write nothing")
	cfg.AddCommand(get, set, unset)
	rootCmd.AddCommand(cfg)
}

// loadConfigDoc locates and parses the config.
func loadConfigDoc() (model.Target, *model.Document, error) {
	t, err := model.Locate(loadOptions().Locate) // --host: the remote's
	if err != nil {
		return t, nil, withCode(exitBadInput, err)
	}
	tfs := remediate.FS()
	if _, err := tfs.Lstat(t.ConfigPath); errors.Is(err, os.ErrNotExist) {
		return t, nil, withCode(exitBadInput, fmt.Errorf("no config at %s (%s)", t.ConfigPath, t.ConfigRule))
	}
	d, err := model.ParseFileFS(tfs, t.ConfigPath)
	if err != nil {
		return t, nil, withCode(exitBadInput, err)
	}
	// register the config's secrets (and what its ${VAR}s resolve to)
	env, _ := model.NewEnvFS(targetLookupEnv(), tfs, t.StateDir, d)
	redactor().AddDocument(d, func(name string) {
		if v, ok := env(name); ok {
			redactor().Add(v)
		}
	})
	return t, d, nil
}

// resolvePath maps a path written in the other era's shape to the one this
// config uses (agents.list[i] <-> agents.entries.<id>, dmPolicy <->
// dm.policy, nodes.allowCommands <-> nodes.commands.allow). It returns the
// path unchanged when it exists or no alias does.
func resolvePath(d *model.Document, path string) (string, bool) {
	if d.Get(path) != nil {
		return path, false
	}
	for _, alt := range eraAliases(d, path) {
		if d.Get(alt) != nil {
			return alt, true
		}
	}
	return path, false
}

func eraAliases(d *model.Document, path string) []string {
	segs, err := model.ParsePath(path)
	if err != nil || len(segs) < 2 {
		return nil
	}
	var out []string
	rest := func(from int) []model.PathSeg { return segs[from:] }
	join := func(head []model.PathSeg, tail []model.PathSeg) string {
		return model.JoinPath(append(append([]model.PathSeg{}, head...), tail...))
	}
	if segs[0].Key == "agents" {
		agents := d.Agents()
		switch {
		case len(segs) >= 3 && segs[1].Key == "list" && segs[2].IsIndex && segs[2].Index < len(agents):
			a := agents[segs[2].Index]
			out = append(out, join([]model.PathSeg{{Key: "agents"}, {Key: "entries"}, {Key: a.ID}}, rest(3)))
		case len(segs) >= 3 && segs[1].Key == "entries" && !segs[2].IsIndex:
			for i, a := range agents {
				if a.ID == segs[2].Key {
					out = append(out, join([]model.PathSeg{{Key: "agents"}, {Key: "list"}, {Index: i, IsIndex: true}}, rest(3)))
				}
			}
		}
	}
	if segs[0].Key == "channels" && len(segs) >= 3 {
		head := segs[:2]
		if len(segs) >= 4 && segs[2].Key == "accounts" {
			head = segs[:4]
		}
		tail := segs[len(head):]
		if len(tail) >= 1 {
			switch {
			case tail[0].Key == "dmPolicy":
				out = append(out, join(head, append([]model.PathSeg{{Key: "dm"}, {Key: "policy"}}, tail[1:]...)))
			case tail[0].Key == "allowFrom":
				out = append(out, join(head, append([]model.PathSeg{{Key: "dm"}, {Key: "allowFrom"}}, tail[1:]...)))
			case len(tail) >= 2 && tail[0].Key == "dm" && tail[1].Key == "policy":
				out = append(out, join(head, append([]model.PathSeg{{Key: "dmPolicy"}}, tail[2:]...)))
			case len(tail) >= 2 && tail[0].Key == "dm" && tail[1].Key == "allowFrom":
				out = append(out, join(head, append([]model.PathSeg{{Key: "allowFrom"}}, tail[2:]...)))
			}
		}
	}
	nodePairs := map[string]string{
		"gateway.nodes.allowCommands":  "gateway.nodes.commands.allow",
		"gateway.nodes.denyCommands":   "gateway.nodes.commands.deny",
		"gateway.nodes.commands.allow": "gateway.nodes.allowCommands",
		"gateway.nodes.commands.deny":  "gateway.nodes.denyCommands",
	}
	for from, to := range nodePairs {
		if path == from || strings.HasPrefix(path, from+"[") {
			out = append(out, to+strings.TrimPrefix(path, from))
		}
	}
	return out
}

// checkPathShape turns a lookup through a non-object into an input error
// with the position of the value in the way.
func checkPathShape(d *model.Document, path string) error {
	segs, err := model.ParsePath(path)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	cur := d.Root
	for i, s := range segs {
		var next *model.Node
		switch {
		case s.IsIndex && cur.Kind != model.KindArray:
			return withCode(exitBadInput, &model.InputError{File: cur.Pos.File, Line: cur.Pos.Line, Col: cur.Pos.Col,
				Msg: fmt.Sprintf("%s is %s, not an array: cannot index it with [%d]", nameOf(segs[:i]), cur.Kind, s.Index)})
		case !s.IsIndex && cur.Kind != model.KindObject:
			return withCode(exitBadInput, &model.InputError{File: cur.Pos.File, Line: cur.Pos.Line, Col: cur.Pos.Col,
				Msg: fmt.Sprintf("%s is %s, not an object: it has no key %q", nameOf(segs[:i]), cur.Kind, s.Key)})
		case s.IsIndex:
			next = cur.At(s.Index)
		default:
			next = cur.Get(s.Key)
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return nil
}

func nameOf(segs []model.PathSeg) string {
	if len(segs) == 0 {
		return "the config"
	}
	return model.JoinPath(segs)
}

func configGet(out, errOut io.Writer, path string, asJSON, reveal, where bool) error {
	_, d, err := loadConfigDoc()
	if err != nil {
		return err
	}
	if err := checkPathShape(d, path); err != nil {
		return err
	}
	real, aliased := resolvePath(d, path)
	n := d.Get(real)
	if n == nil {
		return withCode(exitFindings, fmt.Errorf("%s is not set", path))
	}
	if aliased {
		fmt.Fprintf(errOut, "hardshell: %s is written as %s in this config (%s)\n", path, real, model.DetectEra(d, "").Era)
	}
	if where {
		fmt.Fprintf(errOut, "%s:%d:%d\n", n.Pos.File, n.Pos.Line, n.Pos.Col)
	}
	v := n.Interface()
	if !reveal {
		v = maskValue(lastKey(real), v)
	}
	if s, ok := v.(string); ok && !asJSON {
		fmt.Fprintln(out, s)
		return nil
	}
	b, err := json.MarshalIndent(jsonSafe(v), "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, string(b))
	return nil
}

func lastKey(path string) string {
	segs, _ := model.ParsePath(path)
	for i := len(segs) - 1; i >= 0; i-- {
		if !segs[i].IsIndex {
			return segs[i].Key
		}
	}
	return ""
}

// maskValue masks secrets in a value read for display: values under a
// secret-looking key and token-shaped strings anywhere. ${VAR} references
// stay readable.
func maskValue(key string, v any) any {
	switch x := v.(type) {
	case string:
		if len(model.EnvRefs(x)) > 0 {
			return x
		}
		if model.IsSecretKey(key) {
			return model.Mask(x)
		}
		if _, ok := model.LooksLikeToken(x); ok {
			return model.Mask(x)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = maskValue(k, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskValue(key, e)
		}
		return out
	}
	return v
}

// jsonSafe replaces NaN and ±Infinity (valid JSON5, not JSON) with null, as
// JSON.stringify does.
func jsonSafe(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case map[string]any:
		for k, e := range x {
			x[k] = jsonSafe(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonSafe(e)
		}
	}
	return v
}

// editValue turns a parsed JSON5 value into an edit value that keeps the
// member order the operator typed.
func editValue(n *model.Node) any {
	switch n.Kind {
	case model.KindObject:
		o := make(model.Obj, 0, len(n.Members))
		for _, m := range n.Members {
			o = append(o, model.Field{Key: m.Key, Value: editValue(m.Value)})
		}
		return o
	case model.KindArray:
		a := make([]any, 0, len(n.Elems))
		for _, e := range n.Elems {
			a = append(a, editValue(e))
		}
		return a
	case model.KindNumber:
		return model.Raw(n.Raw)
	}
	return n.Interface()
}

func configEdit(c *cobra.Command, e model.Edit, dry bool) error {
	out, errOut := c.OutOrStdout(), c.ErrOrStderr()
	t, d, err := loadConfigDoc()
	if err != nil {
		return err
	}
	if err := checkPathShape(d, e.Path); err != nil {
		return err
	}
	if real, aliased := resolvePath(d, e.Path); aliased {
		fmt.Fprintf(errOut, "hardshell: %s is written as %s in this config; editing that\n", e.Path, real)
		e.Path = real
	}
	if e.Op == model.OpUnset && d.Get(e.Path) == nil {
		fmt.Fprintf(out, "%s is not set; nothing to change\n", e.Path)
		return nil
	}
	s := &model.Snapshot{Target: t, Doc: d, FS: &model.FSState{}, Redactor: redactor()}
	p, err := remediate.Prepare(context.Background(), s, model.ChangeSet{Edits: []model.Edit{e}}, installedValidator())
	if err != nil {
		var ie *model.InputError
		var pe *model.PathError
		if errors.As(err, &ie) || errors.As(err, &pe) {
			return withCode(exitBadInput, err)
		}
		return withCode(exitFindings, err)
	}
	if len(p.Files) == 0 {
		fmt.Fprintf(out, "%s already has that value; nothing written\n", e.Path)
		return nil
	}
	fmt.Fprint(out, p.Diff())
	if dry {
		fmt.Fprintln(out, "dry run: nothing written")
		return nil
	}
	if nixManaged() {
		return withCode(exitFindings, errors.New("OPENCLAW_NIX_MODE=1: the config is managed externally; nothing written"))
	}
	set, err := p.Txn.Commit(remediate.BackupMeta{Command: "config " + strings.Join(c.Flags().Args(), " "), ToolVersion: version})
	if err != nil {
		return withCode(exitFindings, err)
	}
	var files []string
	for path := range p.Files {
		rel, err := filepath.Rel(t.StateDir, path)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = path
		}
		files = append(files, rel)
	}
	fmt.Fprintf(out, "wrote %s; backup %s (undo: %s)\n", strings.Join(files, ", "), set.ID, hsCommand("restore", set.ID))
	return nil
}
