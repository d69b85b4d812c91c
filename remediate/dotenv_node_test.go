package remediate

import (
	"fmt"
	"maps"
	"testing"
	"unicode/utf8"

	"github.com/hardshell/hardshell/internal/testutil"
)

// TestUpsertDotenvMatchesNode: what UpsertDotenv writes, the real dotenv
// reads with the new value for the key and every other variable as it read
// them in the original, over the tricky, generated and fuzz-found files.
func TestUpsertDotenvMatchesNode(t *testing.T) {
	parse := testutil.NodeDotenv(t)
	var in [][]byte
	for _, s := range testutil.DotenvTricky {
		in = append(in, []byte(s))
	}
	in = append(in, testutil.FuzzSeeds(t, "remediate", "FuzzDotenvRoundTrip")...)
	in = append(in, testutil.DotenvGenerated(500, 11)...)
	sets := [][2]string{{"K", "tok_3n-9.+/="}, {"A", "it's a `b`"}, {"B", "\nline\n"}, {"K", "a'b\"c`d"}, {"export", " x#y "}}

	// files holds each original followed by what each upsert wrote into it;
	// upsert[i] is that upsert for files[i], or nil for an original.
	type upsert struct {
		orig     int
		key, val string
	}
	var files [][]byte
	var ups []*upsert
	written := 0
	for _, b := range in {
		if !utf8.Valid(b) {
			continue // Node reads such bytes as U+FFFD
		}
		orig := len(files)
		files, ups = append(files, b), append(ups, nil)
		for _, kv := range sets {
			out, err := UpsertDotenv(b, kv[0], kv[1])
			if err != nil {
				continue // when and how it refuses is FuzzDotenvRoundTrip's business
			}
			files, ups = append(files, out), append(ups, &upsert{orig, kv[0], kv[1]})
			written++
		}
	}
	got := parse(files)
	for i, u := range ups {
		if u == nil {
			continue
		}
		want := maps.Clone(got[u.orig])
		want[u.key] = u.val
		if fmt.Sprint(got[i]) != fmt.Sprint(want) {
			t.Errorf("%s=%q into %q:\n wrote %q\n dotenv reads %q\n want %q", u.key, u.val, files[u.orig], files[i], got[i], want)
		}
	}
	t.Logf("%d files, %d upserts checked against dotenv", len(files)-written, written)
}
