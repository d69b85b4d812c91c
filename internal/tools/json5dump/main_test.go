package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Expected strings are what node prints for String(x) / JSON.stringify(x).
func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", math.Copysign(0, -1): "0", 1: "1", -1: "-1", 18789: "18789", 0.5: "0.5", .7: "0.7",
		0.30000000000000004: "0.30000000000000004", 1e20: "100000000000000000000", 1e21: "1e+21",
		123456789012345680000: "123456789012345680000", 1e-6: "0.000001", 1e-7: "1e-7",
		1.5e-7: "1.5e-7", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
		104857600: "104857600", 300000: "300000", -0.25: "-0.25",
		1.2345e21: "1.2345e+21", 123.456: "123.456", 0.000123: "0.000123",
		math.NaN(): "null", math.Inf(1): "null", math.Inf(-1): "null",
	} {
		require.Equal(t, want, jsNumber(f), "%v", f)
	}
}

func TestCanonical(t *testing.T) {
	var b strings.Builder
	writeCanonical(&b, map[string]any{
		"b":          []any{1.0, "x\n\"\t\u0001\u2028é", nil, true},
		"a":          map[string]any{"z": false, "": 2.0},
		"\U0001F600": 1.0, "\uff00": 2.0, // UTF-16 order: surrogate D83D < FF00
	})
	require.Equal(t, `{"a":{"":2,"z":false},"b":[1,"x\n\"\t\u0001`+"\u2028é"+`",null,true],"`+"\U0001F600"+`":1,"`+"\uff00"+`":2}`, b.String())
}
