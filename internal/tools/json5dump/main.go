// Command json5dump parses one JSON5 file with hardshell's parser
// (model.ParseValue, no $include resolution) and prints it as canonical
// JSON: compact, object keys sorted by UTF-16 code units, numbers formatted
// like JavaScript's Number.prototype.toString, NaN and ±Infinity as null —
// exactly what JSON.stringify prints for the same value with sorted keys.
// scripts/json5-differential.sh compares it with the npm json5 package.
//
// Usage: json5dump FILE
package main

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hardshell/hardshell/model"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: json5dump FILE")
		os.Exit(2)
	}
	name := os.Args[1]
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "json5dump:", err)
		os.Exit(1)
	}
	n, err := model.ParseValue(name, data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "json5dump:", err)
		os.Exit(1)
	}
	var b strings.Builder
	writeCanonical(&b, n.Interface())
	b.WriteByte('\n')
	os.Stdout.WriteString(b.String())
}

// writeCanonical writes v (map[string]any, []any, float64, string, bool,
// nil) as JSON.stringify would, with sorted keys.
func writeCanonical(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		b.WriteString(jsNumber(x))
	case string:
		writeString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return utf16Less(keys[i], keys[j]) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			writeCanonical(b, x[k])
		}
		b.WriteByte('}')
	default:
		panic(fmt.Sprintf("json5dump: unexpected %T from Node.Interface", v))
	}
}

// utf16Less orders strings as JavaScript's default sort does.
func utf16Less(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// jsNumber formats f like JavaScript's Number::toString (ECMA-262
// 6.1.6.1.20), with JSON.stringify's null for non-finite values.
func jsNumber(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	if f == 0 {
		return "0" // also -0
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// Shortest round-trip digits: "d.ddde±x".
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k, n := len(digits), exp+1 // value = 0.digits × 10^n
	var s string
	switch {
	case k <= n && n <= 21:
		s = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		s = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		s = "0." + strings.Repeat("0", -n) + digits
	default:
		s = digits[:1]
		if k > 1 {
			s += "." + digits[1:]
		}
		if n-1 >= 0 {
			s += "e+" + strconv.Itoa(n-1)
		} else {
			s += "e-" + strconv.Itoa(1-n)
		}
	}
	return sign + s
}

// writeString quotes s as JSON.stringify does: \" \\ \b \f \n \r \t, other
// controls as \u00xx, everything else (U+2028/2029 included) literally.
// Invalid UTF-8 bytes become U+FFFD, as Node's utf8 decoding does.
func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
