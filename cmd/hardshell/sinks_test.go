package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"
)

// sanctionedSinks is every place in the hardshell binary where bytes
// leave the process for a person to read or for a file, and how each one
// is masked. TestOutputSinks walks the code of every package linked into
// the binary and fails on a sink that is not listed here (or a listed one
// that is gone): a new output path is reviewed before it exists.
//
// Writers handed around as io.Writer (cobra's out/err, the TUI's output)
// are created only here and in sinks.go; everything else writes to them.
var sanctionedSinks = map[string]string{
	// the terminal
	"cmd/hardshell/sinks.go: os.Stdout":       "the run's stdout: wrapped in the run's redactor (model.Writer), set as cobra's out",
	"cmd/hardshell/sinks.go: os.Stderr":       "the run's stderr: wrapped in the run's redactor, set as cobra's err; main's error lines go there",
	"cmd/hardshell/wizard.go: tea.NewProgram": "the TUI: tea.WithOutput(terminal(out)); every frame is tui.App.View, which masks",
	"cmd/hardshell/fleet.go: tea.NewProgram":  "the fleet TUI: tea.WithOutput(terminal(out)); every frame is tui.FleetView.View, which masks",
	"tui/form.go: huh Run":                    "AskQuestions (the baseline questions of cmd/hardshell/baseline.go): WithOutput(terminal); fixed prompts, the user's own answers",
	"tui/accessible.go: huh Run":              "accessible prompts: WithOutput(out), out is cobra's masked writer",
	// files
	"cmd/hardshell/audit.go: os.OpenFile (write)": "audit --output FILE (0600): written through reportWriter, the run's redactor",
	"fsys/local.go: os.OpenFile (write)":          "fsys.CreateExcl, the one way the transaction creates files (0600 temp files, backups, manifests, the lock): the operator's own files, changed as reviewed; and the incident report (remediate.WritePrivate, 0600), whose bytes are red.String / red.Bytes of the run's redactor",
	"remediate/validate.go: os.WriteFile":         "the candidate config for `openclaw config validate`: 0600 in a private temp dir removed after the check",
	"statedb/statedb.go: os.WriteFile":            "the private snapshot of the state DB and its -wal: 0600 in a 0700 temp dir, removed after the read; read by hardshell, never shown",
	"internal/demo/fixture.go: os.WriteFile":      "hardshell demo: the built-in fake state dir",
	"internal/demo/demo.go: os.WriteFile":         "hardshell demo: the README of the fake state dir",
	// the network
	"remote/dial.go: (*os.File).Write": "pipeConn.Write: the --deep probe's and rotate --verify's HTTP request into `ssh -W` (a TCP stream to the remote gateway's loopback port), never shown to anyone",
}

func TestOutputSinks(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks every package of the binary")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedDeps,
		Dir:  root,
	}
	pkgs, err := packages.Load(cfg, "./cmd/hardshell")
	require.NoError(t, err)
	var own []*packages.Package
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if strings.HasPrefix(p.PkgPath, "github.com/hardshell/hardshell") {
			own = append(own, p)
		}
	})
	require.GreaterOrEqual(t, len(own), 8, "the binary's own packages")

	found := map[string]int{}
	var problems []string
	for _, p := range own {
		for _, e := range p.Errors {
			problems = append(problems, e.Error())
		}
		for i, f := range p.Syntax {
			path := p.CompiledGoFiles[i]
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			for _, s := range sinksIn(p.TypesInfo, f) {
				if s.problem != "" {
					problems = append(problems, rel+": "+s.problem)
					continue
				}
				found[rel+": "+s.kind]++
			}
		}
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("sink %s (%d)", k, found[k])
	}
	require.Empty(t, problems)
	var unlisted, gone []string
	for k := range found {
		if _, ok := sanctionedSinks[k]; !ok {
			unlisted = append(unlisted, k)
		}
	}
	for k := range sanctionedSinks {
		if found[k] == 0 {
			gone = append(gone, k)
		}
	}
	sort.Strings(unlisted)
	sort.Strings(gone)
	require.Empty(t, unlisted, "output sinks that do not go through the redactor's sanctioned writers: route them through sinks.go, or list them in sanctionedSinks with how they are masked")
	require.Empty(t, gone, "sanctionedSinks lists sinks the code no longer has")
}

type sink struct{ kind, problem string }

// sinksIn finds the output sinks of one file: the standard streams, the
// fmt.Print family, print/println, the log packages, file-writing calls,
// writes to an *os.File, Bubble Tea programs and huh forms (which must be
// given their output explicitly).
func sinksIn(info *types.Info, f *ast.File) []sink {
	var out []sink
	pkgFunc := func(e ast.Expr) (pkg, name string) {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return "", ""
		}
		obj := info.Uses[sel.Sel]
		if obj == nil || obj.Pkg() == nil {
			return "", ""
		}
		if _, isPkg := info.Uses[identOf(sel.X)].(*types.PkgName); !isPkg {
			return "", ""
		}
		return obj.Pkg().Path(), obj.Name()
	}
	// where each local variable was assigned (for `form.Run()`)
	assigned := map[types.Object][]ast.Expr{}
	ast.Inspect(f, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if obj := info.ObjectOf(id); obj != nil {
						assigned[obj] = append(assigned[obj], as.Rhs[i])
					}
				}
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if v, ok := info.Uses[x.Sel].(*types.Var); ok && v.Pkg() != nil && v.Pkg().Path() == "os" && (v.Name() == "Stdout" || v.Name() == "Stderr") {
				out = append(out, sink{kind: "os." + v.Name()})
			}
		case *ast.ImportSpec:
			if p := strings.Trim(x.Path.Value, `"`); p == "log" || p == "log/slog" {
				out = append(out, sink{problem: "imports " + p + " (it writes to stderr unmasked)"})
			}
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && (b.Name() == "print" || b.Name() == "println") {
					out = append(out, sink{problem: "calls " + b.Name() + " (stderr, unmasked)"})
				}
			}
			pkg, name := pkgFunc(x.Fun)
			switch {
			case pkg == "fmt" && (name == "Print" || name == "Printf" || name == "Println"):
				out = append(out, sink{problem: "calls fmt." + name + " (stdout, unmasked): write to cobra's out"})
			case pkg == "os" && (name == "WriteFile" || name == "Create" || name == "CreateTemp" || name == "NewFile"):
				out = append(out, sink{kind: "os." + name})
			case pkg == "os" && name == "OpenFile" && len(x.Args) >= 2 && !readOnlyFlags(info, x.Args[1]):
				out = append(out, sink{kind: "os.OpenFile (write)"})
			case pkg == "syscall" && (name == "Write" || name == "Open"):
				out = append(out, sink{kind: "syscall." + name})
			case pkg == "github.com/charmbracelet/bubbletea" && name == "NewProgram":
				if !hasCall(info, x, "github.com/charmbracelet/bubbletea", "WithOutput") {
					out = append(out, sink{problem: "tea.NewProgram without tea.WithOutput (it would write to os.Stdout)"})
				} else {
					out = append(out, sink{kind: "tea.NewProgram"})
				}
			}
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
				recv := info.TypeOf(sel.X)
				if recv == nil {
					break
				}
				rs := recv.String()
				switch {
				case rs == "*os.File" && (sel.Sel.Name == "Write" || sel.Sel.Name == "WriteString" || sel.Sel.Name == "WriteAt" || sel.Sel.Name == "ReadFrom"):
					out = append(out, sink{kind: "(*os.File).Write"})
				case strings.Contains(rs, "github.com/charmbracelet/huh.") && (sel.Sel.Name == "Run" || sel.Sel.Name == "RunWithContext"):
					if !withOutput(info, sel.X, assigned, 0) {
						out = append(out, sink{problem: "a huh form run without WithOutput (it would write to os.Stdout)"})
					} else {
						out = append(out, sink{kind: "huh Run"})
					}
				}
			}
		}
		return true
	})
	return out
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := e.(*ast.Ident)
	return id
}

// readOnlyFlags reports an os.OpenFile flag expression made only of
// O_RDONLY, O_NONBLOCK, O_NOFOLLOW and O_CLOEXEC.
func readOnlyFlags(info *types.Info, e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BinaryExpr, *ast.ParenExpr:
			return true
		case *ast.SelectorExpr:
			switch x.Sel.Name {
			case "O_RDONLY", "O_NONBLOCK", "O_NOFOLLOW", "O_CLOEXEC":
			default:
				ok = false
			}
			return false
		case *ast.Ident:
			ok = false
		}
		return true
	})
	return ok
}

// hasCall reports a call to pkg.name anywhere inside e.
func hasCall(info *types.Info, e ast.Node, pkg, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if obj := info.Uses[sel.Sel]; obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == pkg && obj.Name() == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// withOutput reports a huh form expression that calls WithOutput, directly
// or in what the variable it is was assigned.
func withOutput(info *types.Info, e ast.Expr, assigned map[types.Object][]ast.Expr, depth int) bool {
	if depth > 3 {
		return false
	}
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "WithOutput" {
			found = true
		}
		return !found
	})
	if found {
		return true
	}
	if id, ok := e.(*ast.Ident); ok {
		rhs := assigned[info.ObjectOf(id)]
		if len(rhs) == 0 {
			return false
		}
		for _, r := range rhs {
			if !withOutput(info, r, assigned, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// The sinks mask: what run prints on stdout and stderr, an --output
// report, and the terminal and reveal helpers.
func TestSinksMask(t *testing.T) {
	secret := "sink-test-" + "Secret-Value-9q"
	red := model.NewRedactor()
	red.Add(secret)
	var out, errb bytes.Buffer
	s := &sinks{red: red, out: red.Writer(&out), errw: red.Writer(&errb)}
	fmt.Fprintf(s.out, "value %s\nprompt %s", secret, secret)
	flush(s.out)
	fmt.Fprintln(s.errw, "hardshell: error quoting", secret)
	require.NotContains(t, out.String(), secret)
	require.Contains(t, out.String(), "prompt ")
	require.NotContains(t, errb.String(), secret)
	require.Nil(t, terminal(s.out), "a buffer is no terminal")
	require.Same(t, &out, revealWriter(s.out).(*bytes.Buffer), "--reveal writes under the mask")

	f, err := os.CreateTemp(t.TempDir(), "report")
	require.NoError(t, err)
	old := current
	current = s
	defer func() { current = old }()
	w := reportWriter(f)
	fmt.Fprintf(w, "{\"token\": %q}", secret)
	flush(w)
	require.NoError(t, f.Close())
	data, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	require.NotContains(t, string(data), secret)
}
