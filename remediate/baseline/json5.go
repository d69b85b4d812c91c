package baseline

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/hardshell/hardshell/model"
)

// A tiny JSON5 writer for the generated file: ordered objects whose
// members may carry a comment, bare keys, two-space indent, short scalar
// arrays on one line. The model's editor keeps comments of an existing
// file; this writes a new one.

// field is one object member with the comment written above it.
type field struct {
	key     string
	comment string
	val     any // string, bool, int, []any, obj, raw
}

// obj is an ordered object.
type obj []field

// objOf is a model.Obj as an obj (values as they are; nested model.Obj
// become obj too).
func objOf(m model.Obj) obj {
	o := make(obj, len(m))
	for i, kv := range m {
		v := kv.Value
		if n, ok := v.(model.Obj); ok {
			v = objOf(n)
		}
		o[i] = field{key: kv.Key, val: v}
	}
	return o
}

// raw is written verbatim.
type raw string

var identRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`) })

func writeKey(b *bytes.Buffer, k string) {
	if identRe().MatchString(k) {
		b.WriteString(k)
		return
	}
	writeString(b, k)
}

func writeString(b *bytes.Buffer, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

const indentUnit = "  "

// wrapComment splits text into "// " lines of at most width columns.
func wrapComment(b *bytes.Buffer, indent, text string, width int) {
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		line := ""
		flush := func() {
			b.WriteString(indent + "//")
			if line != "" {
				b.WriteString(" " + line)
			}
			b.WriteByte('\n')
			line = ""
		}
		for _, w := range words {
			if line != "" && len(indent)+3+len(line)+1+len(w) > width {
				flush()
			}
			if line == "" {
				line = w
			} else {
				line += " " + w
			}
		}
		flush()
	}
}

func inlineable(v []any) bool {
	for _, e := range v {
		switch e.(type) {
		case obj, []any:
			return false
		}
	}
	return true
}

func writeValue(b *bytes.Buffer, v any, indent string, col int) {
	switch x := v.(type) {
	case string:
		writeString(b, x)
	case raw:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case obj:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		in := indent + indentUnit
		for i, f := range x {
			if f.comment != "" {
				if i > 0 {
					b.WriteByte('\n')
				}
				wrapComment(b, in, f.comment, 100)
			}
			b.WriteString(in)
			writeKey(b, f.key)
			b.WriteString(": ")
			writeValue(b, f.val, in, len(in)+len(f.key)+2)
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		if inlineable(x) {
			var one bytes.Buffer
			one.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					one.WriteString(", ")
				}
				writeValue(&one, e, indent, 0)
			}
			one.WriteByte(']')
			if col+one.Len() <= 100 {
				b.Write(one.Bytes())
				return
			}
		}
		b.WriteString("[\n")
		in := indent + indentUnit
		for i, e := range x {
			b.WriteString(in)
			writeValue(b, e, in, len(in))
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		// only the types above are built by this package
		b.WriteString("null")
	}
}
