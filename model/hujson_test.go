package model

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailscale/hujson"
)

// hujson (JWCC) is a second, independent parser for the configs OpenClaw
// itself writes and for hand-edited files that stay within JWCC. For every
// such corpus file our values must equal hujson's, and our edits must keep
// the file JWCC: an edit never introduces a bare key, a single quote or
// another JSON5-only construct into a file that had none.
func TestHujsonOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	jwcc, edits := 0, 0
	for _, root := range corpusRoots(t) {
		data, err := os.ReadFile(root)
		require.NoError(t, err)
		if _, err := hujson.Parse(data); err != nil {
			continue // JSON5-only constructs: hujson cannot read it
		}
		jwcc++
		path := copyTree(t, root)
		d, err := ParseFile(path)
		require.NoError(t, err)
		if len(d.Files) == 1 {
			require.Equal(t, hujsonValue(t, data), jsonRoundTrip(t, d.Root.Interface()), root)
		}
		for i := 0; i < 20; i++ {
			e, _ := randomEdit(rng, d)
			if e.Path == "" {
				continue
			}
			if s, ok := e.Value.(string); ok && s == "ünïcode ✓" {
				continue
			}
			out, err := d.Apply([]Edit{e})
			if err != nil {
				continue
			}
			for p, b := range out {
				if _, err := hujson.Parse(b); err != nil {
					t.Fatalf("%s: edit %+v made a JWCC file non-JWCC: %v\n%s", p, e, err, b)
				}
			}
			edits++
		}
	}
	require.GreaterOrEqual(t, jwcc, 8)
	t.Logf("%d JWCC configs agree with hujson; %d edits kept them JWCC", jwcc, edits)
}

func hujsonValue(t *testing.T, data []byte) any {
	v, err := hujson.Standardize(data)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(v, &out))
	return out
}

func jsonRoundTrip(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
