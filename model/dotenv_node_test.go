package model_test

import (
	"fmt"
	"testing"
	"unicode/utf8"

	"github.com/hardshell/hardshell/internal/testutil"
	"github.com/hardshell/hardshell/model"
)

// TestParseDotenvMatchesNode: ParseDotenv reads every tricky, generated and
// fuzz-found .env exactly as the real dotenv does. Files that are not UTF-8
// are left out: Node reads those bytes as U+FFFD, ParseDotenv keeps them.
func TestParseDotenvMatchesNode(t *testing.T) {
	parse := testutil.NodeDotenv(t)
	var in [][]byte
	for _, s := range testutil.DotenvTricky {
		in = append(in, []byte(s))
	}
	in = append(in, testutil.FuzzSeeds(t, "remediate", "FuzzDotenvRoundTrip")...)
	in = append(in, testutil.DotenvGenerated(3000, 10)...)
	var valid [][]byte
	for _, b := range in {
		if utf8.Valid(b) {
			valid = append(valid, b)
		}
	}
	want := parse(valid)
	for i, b := range valid {
		if got := model.ParseDotenv(b); fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("%q:\n ParseDotenv %q\n dotenv      %q", b, got, want[i])
		}
	}
}
