package audit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// configPathIDs are check ids that are also the config key they judge;
// the key may be written as a literal wherever it is used as a path.
var configPathIDs = map[string]bool{IDMCPAppsEnabled: true}

// TestCheckIDsDeclaredOnce: every check id is a string literal in exactly
// one place, the ID constant in the audit file that declares the check;
// every Check uses its constant, and no other non-test Go file of the
// module spells the id out (they use audit.ID…, so a renamed or mistyped
// id is a compile error).
func TestCheckIDsDeclaredOnce(t *testing.T) {
	declared := map[string]bool{}
	for _, c := range Checks() {
		declared[c.ID] = true
	}
	consts := map[string]string{} // id → "file: name"
	fset := token.NewFileSet()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	var bad []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || strings.HasPrefix(n, ".") || n == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, "internal/tools/") {
			return nil // dev tools report on ids as data
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		inAudit := filepath.Dir(rel) == "audit"
		allowed := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, v := range n.Values {
					if lit, ok := v.(*ast.BasicLit); ok && inAudit {
						if id, _ := strconv.Unquote(lit.Value); declared[id] {
							if prev, dup := consts[id]; dup {
								bad = append(bad, id+": declared twice ("+prev+", "+rel+")")
							}
							consts[id] = rel + ": " + n.Names[i].Name
							allowed[lit] = true
						}
					}
				}
			case *ast.KeyValueExpr:
				// a check id field: always the constant, even for ids that
				// are also config keys
				if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "ID" || k.Name == "CheckID" || k.Name == "CheckIDs") {
					ast.Inspect(n.Value, func(m ast.Node) bool {
						if lit, ok := m.(*ast.BasicLit); ok {
							if id, _ := strconv.Unquote(lit.Value); declared[id] && !allowed[lit] {
								bad = append(bad, fset.Position(lit.Pos()).String()+": "+id+" as a literal check id")
								allowed[lit] = true // reported once
							}
						}
						return true
					})
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || allowed[n] {
					return true
				}
				if id, _ := strconv.Unquote(n.Value); declared[id] && !configPathIDs[id] {
					bad = append(bad, fset.Position(n.Pos()).String()+": "+id+" spelled out; use its ID constant")
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	for id := range declared {
		if _, ok := consts[id]; !ok {
			bad = append(bad, id+": no ID constant in audit/")
		}
	}
	require.Empty(t, bad)
}
