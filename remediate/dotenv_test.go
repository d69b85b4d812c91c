package remediate

import (
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
		{"key spelled as written", "K = old\n", "K", "v", "K =v\n"},
		{"prefix of another key untouched", "KK=1\nexporter=2\n", "K", "v", "KK=1\nexporter=2\nK=v\n"},
		{"commented-out key untouched", "# K=old\n", "K", "v", "# K=old\nK=v\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := UpsertDotenv([]byte(tc.in), tc.key, tc.value)
			require.Equal(t, tc.want, string(out))
			require.Equal(t, tc.value, model.ParseDotenv(out)[tc.key], "dotenv reads back the value written")
		})
	}
}

// Every value a fix may move to .env reads back exactly, including the
// backslashes, quotes and tabs a strconv.Quote-style escape used to corrupt.
func TestUpsertDotenvQuotedValueReadsBack(t *testing.T) {
	for _, v := range []string{"has#hash", "with$dollar", "a=b", "it's", "back`tick", "two words",
		`a\b`, `say "hi"`, "tab\there", `C:\Users\me`, `it's "quoted"`, "`it's`", `\n stays literal`, "p@ss w0rd!#$"} {
		require.True(t, DotenvRoundTrips(v), "%q", v)
		out := UpsertDotenv([]byte("X=1\n"), "K", v)
		require.Equal(t, v, model.ParseDotenv(out)["K"], "%q in %q", v, out)
		require.Equal(t, "1", model.ParseDotenv(out)["X"])
	}
	// A value mixing all three quote characters cannot be written losslessly:
	// callers refuse it instead of corrupting the secret.
	require.False(t, DotenvRoundTrips("a'b\"c`d\\n"))
}
