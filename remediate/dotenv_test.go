package remediate

import (
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestUpsertDotenv(t *testing.T) {
	for _, tc := range []struct{ name, in, key, value, want string }{
		{"CRLF kept", "A=1\r\nK=old\r\n", "K", "v", "A=1\r\nK=v\r\n"},
		{"appended after a last line without newline", "A=1", "K", "v", "A=1\nK=v\n"},
		{"appended with CRLF", "A=1\r\n", "K", "v", "A=1\r\nK=v\r\n"},
		{"later duplicate dropped, comment kept", "K=1\n# c\nK=2\n", "K", "v", "K=v\n# c\n"},
		{"quoted when it has a space (single quotes: literal in dotenv)", "", "K", "a b", "K='a b'\n"},
		{"empty value quoted", "", "K", "", "K=''\n"},
		{"export and indent kept", "# keep me\n  export K=old\nOTHER=1\n", "K", "v", "# keep me\n  export K=v\nOTHER=1\n"},
		{"key and separator spelled as written", "K = old\nL: old # c\n", "K", "v", "K = v\nL: old # c\n"},
		{"trailing comment kept", "K='old' # rotated\n", "K", "v", "K=v # rotated\n"},
		{"prefix of another key untouched", "KK=1\nexporter=2\n", "K", "v", "KK=1\nexporter=2\nK=v\n"},
		{"commented-out key untouched", "# K=old\n", "K", "v", "# K=old\nK=v\n"},
		{"multi-line old value replaced whole", "A=1\nK=\"old\nstill old\"\nB=2\n", "K", "v", "A=1\nK=v\nB=2\n"},
		// Found by FuzzDotenvRoundTrip: the old writer matched "K\r=…" and
		// "K\f=…" as K's line (TrimSpace) while the reader did not; dotenv
		// reads both as K (\s* before "=", lone \r is a line break).
		{"lone CR before =", "K\r=old\nA=1\n", "K", "v", "K\r=v\nA=1\n"},
		{"form feed before =", "K\f=old\n", "K", "v", "K\f=v\n"},
		// An unclosed quote before the end: appending 'v' there would close
		// it and swallow the new line, so the single quotes move aside.
		{"unclosed quote not closed by the new value", "A='open\n", "K", "\nv", "A='open\nK=`\nv`\n"},
		// "B:" takes the next line as its value: a blank line keeps B empty.
		{"colon line before the end", "A=1\nB:\n", "K", "v", "A=1\nB:\n\nK=v\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := UpsertDotenv([]byte(tc.in), tc.key, tc.value)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(out))
			require.Equal(t, tc.value, model.ParseDotenv(out)[tc.key], "dotenv reads back the value written")
		})
	}
}

// Every value a fix may move to .env reads back exactly, including the
// backslashes, quotes and tabs a strconv.Quote-style escape used to corrupt.
func TestUpsertDotenvQuotedValueReadsBack(t *testing.T) {
	for _, v := range []string{"has#hash", "with$dollar", "a=b", "it's", "back`tick", "two words",
		`a\b`, `say "hi"`, "tab\there", `C:\Users\me`, `it's "quoted"`, "`it's`", `\n stays literal`, "p@ss w0rd!#$",
		"a'b\"c`d\\n", " padded ", "trailing\\", "line\nbreak", "\u00a0nbsp\u00a0", "'quoted'", "x\u2028'y'"} {
		out, err := UpsertDotenv([]byte("X=1\n"), "K", v)
		require.NoError(t, err, "%q", v)
		require.Equal(t, v, model.ParseDotenv(out)["K"], "%q in %q", v, out)
		require.Equal(t, "1", model.ParseDotenv(out)["X"])
	}
}

// A value no spelling carries, a bad name, or a file whose mistakes would
// let the change alter another variable: an error naming what to fix, never
// the value, and never a silently changed neighbour.
func TestUpsertDotenvRefuses(t *testing.T) {
	for _, tc := range []struct{ name, in, key, value, msg string }{
		{"all three quotes and a hash", "", "K", "a'b\"c`d #x", "cannot be written to .env without changing it"},
		{"carriage return", "", "K", "a\rb", "carriage return"},
		{"bad name", "", "K=1", "v", "a name there is made of"},
		// Every quote character is open above K, and the value starts with
		// a line break, so each spelling in place would close one of them;
		// and K's own line holds the quote that keeps A from closing on the
		// last line, so K cannot move either.
		{"every quote open above", "A='x\nB=`x\nC=\"x\nK='y' z\n' \n", "K", "\nsecret", "near line 1 (A)"},
		{"__proto__", "", "__proto__", "v", "JavaScript"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := UpsertDotenv([]byte(tc.in), tc.key, tc.value)
			require.Error(t, err)
			require.Nil(t, out)
			require.Contains(t, err.Error(), tc.msg)
			require.NotContains(t, err.Error(), "secret")
		})
	}
}

// FuzzDotenvRoundTrip: whatever the existing file holds, after upserting
// key=value the file reads back (as dotenv reads it) with exactly value for
// key and every other variable as in the original — or the writer refuses.
// It refuses only when it must: a name dotenv cannot hold, a value no
// spelling carries, or another variable in the way (then the value alone,
// written to an empty file, must work).
func FuzzDotenvRoundTrip(f *testing.F) {
	for _, s := range []struct{ data, key, value string }{
		{"A=1\nK=old\n", "K", "new"},
		{"K\r=old\nA=1\n", "K", "v"},
		{"K\f=old\n", "K", "v w"},
		{"A=\"open\nK=old\n", "K", "\"x"},
		{"A='open\n", "K", "\nv'"},
		{"B:\n", "K", "v"},
		{"export K='a'\r\n# c\r\nK=\"b\nc\"\r\n", "K", "it's `x`"},
		{"A=1#c\u2028K=2\nK=3", "K", "x\u2028'y'"},
		{"K=`a\\`\n\n'b'", "K", "a\\"},
	} {
		f.Add([]byte(s.data), s.key, s.value)
	}
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		if len(data) > 4096 || len(value) > 256 {
			return // each run stays cheap; size adds no new shapes
		}
		before := model.ParseDotenv(data)
		if dotenvName(key) != nil {
			if out, err := UpsertDotenv(data, key, value); err == nil || out != nil {
				t.Fatalf("wrote a variable named %q", key)
			}
			// Spend the run on a name that can be written: one the file
			// already sets (the in-place path) or a new one.
			key = "K"
			if es := model.ScanDotenv(data); len(es) > 0 && len(value)%3 != 0 {
				key = es[len(value)%len(es)].Key
			}
			if dotenvName(key) != nil {
				return
			}
		}
		out, err := UpsertDotenv(data, key, value)
		if err != nil {
			if out != nil {
				t.Fatalf("error with output: %v", err)
			}
			if len(value) >= 12 && !strings.Contains(string(data)+key, value) && strings.Contains(err.Error(), value) {
				t.Fatalf("the error quotes the value: %v", err)
			}
			if dotenvName(key) == nil && len(dotenvForms(value)) > 0 {
				if _, err := UpsertDotenv(nil, key, value); err != nil {
					t.Fatalf("refused %q=%q even in an empty file: %v", key, value, err)
				}
				if !strings.Contains(err.Error(), "fix it by hand") {
					t.Fatalf("refused without naming the cause: %v", err)
				}
			}
			return
		}
		after := model.ParseDotenv(out)
		if got, ok := after[key]; !ok || got != value {
			t.Fatalf("%q reads back as %q (present %v), want %q\nin:  %q\nout: %q", key, got, ok, value, data, out)
		}
		for k, v := range before {
			if k != key && after[k] != v {
				t.Fatalf("%q changed from %q to %q\nin:  %q\nout: %q", k, v, after[k], data, out)
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok && k != key {
				t.Fatalf("%q appeared\nin:  %q\nout: %q", k, data, out)
			}
		}
	})
}
