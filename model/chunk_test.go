package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// bigJSON is a JSON config of n agents, each on its own line, large enough
// that every chunk of the parser and the loader grows past 256 places.
func bigJSON(n int) string {
	var b strings.Builder
	b.WriteString("{\n\"list\": [\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"id": "agent-%d", "n": %d, "tags": ["a", "b%d", true, null], "x": {"y": %d}}`, i, i, i, -i)
	}
	b.WriteString("\n],\n\"tail\": \"" + strings.Repeat("z", 100_000) + "\"\n}\n")
	return b.String()
}

// A large config parses to the same values as encoding/json reads, with
// every agent on its own line, and no list shares room with the next one.
func TestLargeConfigFromChunks(t *testing.T) {
	src := bigJSON(20_000)
	var want any
	require.NoError(t, json.Unmarshal([]byte(src), &want))
	n, err := ParseValue("big.json", []byte(src))
	require.NoError(t, err)
	require.Equal(t, want, n.Interface())
	list := n.Get("list")
	require.Len(t, list.Elems, 20_000)
	require.Equal(t, len(list.Elems), cap(list.Elems))
	for i, e := range list.Elems {
		require.Equal(t, i+3, e.Pos.Line)
		require.Equal(t, len(e.Members), cap(e.Members))
		tags := e.Get("tags")
		require.Equal(t, len(tags.Elems), cap(tags.Elems))
	}
}

// An $include early in a large file resolves into the same view as the
// same content written in one file: the loader's chunks for the included
// file and for the rest of the including one do not overlap.
func TestLargeIncludeFromChunks(t *testing.T) {
	dir := t.TempDir()
	inc := bigJSON(5_000)
	root := "{\n\"a\": {\"$include\": \"./inc.json\"},\n\"b\": " + bigJSON(8_000) + "}\n"
	flat := "{\n\"a\": " + inc + ",\n\"b\": " + bigJSON(8_000) + "}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inc.json"), []byte(inc), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "openclaw.json"), []byte(root), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flat.json"), []byte(flat), 0o600))
	d, err := ParseFile(filepath.Join(dir, "openclaw.json"))
	require.NoError(t, err)
	f, err := ParseFile(filepath.Join(dir, "flat.json"))
	require.NoError(t, err)
	require.Equal(t, f.Root.Interface(), d.Root.Interface())
	require.Equal(t, filepath.Join(dir, "inc.json"), d.Get("a.list").Elems[4_999].Pos.File)
	require.Equal(t, 5_002, d.Get("a.list").Elems[4_999].Pos.Line)
	require.Equal(t, 8_004, d.Get("b.list").Elems[7_999].Pos.Line)
}
