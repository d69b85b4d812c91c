package model

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// style is how a file writes things, read off the file itself so that an
// inserted member looks like its neighbours.
type style struct {
	unit     string // one level of indentation
	nl       string // "\n" or "\r\n"
	quote    byte   // string quote
	bareKeys bool   // identifiers written without quotes
	keyQuote byte   // quote for keys that are quoted
	trailing bool   // a comma after the last member of a multi-line object
}

var bareKeyRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// style reads the file's habits; near (an object or array) refines them
// with the habits of the place the edit lands.
func (f *File) style(near *cnode) style {
	st := style{unit: "  ", nl: "\n", quote: '"', keyQuote: '"'}
	if bytes.Contains(f.Data, []byte("\r\n")) {
		st.nl = "\r\n"
	}
	st.unit = detectUnit(f.Data)
	var dq, sq, bare, quoted, trail, notrail int
	var walk func(cn *cnode)
	walk = func(cn *cnode) {
		switch cn.kind {
		case KindString:
			if cn.quote == '\'' {
				sq++
			} else {
				dq++
			}
		case KindObject:
			for _, m := range cn.members {
				switch m.keyQuote {
				case 0:
					bare++
				case '\'':
					sq++
					quoted++
				default:
					quoted++
				}
				walk(m.value)
			}
			if n := len(cn.members); n > 0 && f.multiline(cn) {
				if cn.members[n-1].comma >= 0 {
					trail++
				} else {
					notrail++
				}
			}
		case KindArray:
			for _, e := range cn.elems {
				walk(e.value)
			}
			if n := len(cn.elems); n > 0 && f.multiline(cn) {
				if cn.elems[n-1].comma >= 0 {
					trail++
				} else {
					notrail++
				}
			}
		}
	}
	walk(f.syntax().root)
	if sq > dq {
		st.quote, st.keyQuote = '\'', '\''
	}
	st.bareKeys = bare > quoted
	st.trailing = trail > notrail
	if near != nil {
		switch near.kind {
		case KindObject:
			if n := len(near.members); n > 0 {
				last := near.members[n-1]
				st.bareKeys = last.keyQuote == 0
				if last.keyQuote != 0 {
					st.keyQuote = last.keyQuote
				}
				if f.multiline(near) {
					st.trailing = last.comma >= 0
				}
			}
		case KindArray:
			if n := len(near.elems); n > 0 && f.multiline(near) {
				st.trailing = near.elems[n-1].comma >= 0
			}
		}
	}
	return st
}

// detectUnit finds the smallest indentation step the file uses.
func detectUnit(data []byte) string {
	best := 0
	tabs, spaces := 0, 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == 0 || i == len(line) || line[i] == '\r' || line[i] == '*' {
			continue
		}
		if line[0] == '\t' {
			tabs++
			continue
		}
		spaces++
		if best == 0 || i < best {
			best = i
		}
	}
	if tabs > spaces {
		return "\t"
	}
	if best == 0 {
		return "  "
	}
	return strings.Repeat(" ", best)
}

// multiline reports whether the members of cn sit on their own lines.
func (f *File) multiline(cn *cnode) bool {
	var first int
	switch {
	case cn.kind == KindObject && len(cn.members) > 0:
		first = cn.members[0].keyStart
	case cn.kind == KindArray && len(cn.elems) > 0:
		first = cn.elems[0].value.start
	default:
		return bytes.ContainsAny(f.Data[cn.open:cn.close], "\n\r")
	}
	return f.atLineStart(first)
}

// bom is 3 when the file starts with a UTF-8 BOM, else 0 (cst.bom, without
// the tree).
func (f *File) bom() int {
	if bytes.HasPrefix(f.Data, []byte("\xEF\xBB\xBF")) {
		return 3
	}
	return 0
}

// atLineStart reports only blanks between the line start and off.
func (f *File) atLineStart(off int) bool {
	for i := off - 1; i >= f.bom(); i-- {
		switch f.Data[i] {
		case ' ', '\t':
			continue
		case '\n', '\r':
			return true
		}
		return false
	}
	return true
}

// lineStart is the offset where the line holding off begins.
func (f *File) lineStart(off int) int {
	i := off
	for i > 0 && f.Data[i-1] != '\n' && f.Data[i-1] != '\r' {
		i--
	}
	if bom := f.bom(); i == 0 && bom > 0 && off >= bom {
		return bom
	}
	return i
}

// lineIndent is the leading white space of the line holding off.
func (f *File) lineIndent(off int) string {
	s := f.lineStart(off)
	e := s
	for e < len(f.Data) && (f.Data[e] == ' ' || f.Data[e] == '\t') {
		e++
	}
	return string(f.Data[s:e])
}

// lineEnd returns where to put text after off on the same line: past blanks
// and comments that end on this line, before the line break. ok is false
// when something else follows on the line (another member, an open block
// comment): the caller inserts right at off instead.
func (f *File) lineEnd(off int) (end int, ok bool) {
	i := off
	for i < len(f.Data) {
		c := f.Data[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\n' || c == '\r':
			return i, true
		case c == '/' && i+1 < len(f.Data) && f.Data[i+1] == '/':
			for i < len(f.Data) && f.Data[i] != '\n' && f.Data[i] != '\r' {
				i++
			}
			return i, true
		case c == '/' && i+1 < len(f.Data) && f.Data[i+1] == '*':
			j := bytes.Index(f.Data[i+2:], []byte("*/"))
			if j < 0 || bytes.ContainsAny(f.Data[i:i+2+j], "\n\r") {
				return off, false
			}
			i += 2 + j + 2
		default:
			return off, false
		}
	}
	return i, true
}

// commentAfter returns the start of a comment that follows off on the same
// line (after blanks), or -1.
func (f *File) commentAfter(off int) int {
	i := off
	for i < len(f.Data) && (f.Data[i] == ' ' || f.Data[i] == '\t') {
		i++
	}
	if i+1 < len(f.Data) && f.Data[i] == '/' && (f.Data[i+1] == '/' || f.Data[i+1] == '*') {
		return i
	}
	return -1
}

// insertMember returns the file bytes with key: v added to object cn.
func (f *File) insertMember(cn *cnode, key string, v any) ([]byte, error) {
	st := f.style(cn)
	src := f.Data
	if len(cn.members) == 0 {
		return f.insertFirst(cn, st, st.key(key)+": ", v)
	}
	last := cn.members[len(cn.members)-1]
	if f.multiline(cn) {
		indent := f.lineIndent(last.keyStart)
		val, err := st.render(v, indent, false)
		if err != nil {
			return nil, err
		}
		member := st.key(key) + ": " + val
		if last.comma >= 0 {
			if st.trailing {
				member += ","
			}
			end, ok := f.lineEnd(last.comma + 1)
			if !ok {
				return splice(src, last.comma+1, last.comma+1, " "+member), nil
			}
			return splice(src, end, end, st.nl+indent+member), nil
		}
		end, ok := f.lineEnd(last.value.end)
		if !ok {
			return splice(src, last.value.end, last.value.end, ", "+member), nil
		}
		out := splice(src, last.value.end, last.value.end, ",")
		end++
		return splice(out, end, end, st.nl+indent+member), nil
	}
	val, err := st.render(v, "", true)
	if err != nil {
		return nil, err
	}
	member := st.key(key) + ": " + val
	if last.comma >= 0 {
		return splice(src, last.comma+1, last.comma+1, " "+member+","), nil
	}
	return splice(src, last.value.end, last.value.end, ", "+member), nil
}

// insertElem returns the file bytes with v appended to array cn.
func (f *File) insertElem(cn *cnode, v any) ([]byte, error) {
	st := f.style(cn)
	src := f.Data
	if len(cn.elems) == 0 {
		return f.insertFirst(cn, st, "", v)
	}
	last := cn.elems[len(cn.elems)-1]
	if f.multiline(cn) {
		indent := f.lineIndent(last.value.start)
		val, err := st.render(v, indent, false)
		if err != nil {
			return nil, err
		}
		if last.comma >= 0 {
			if st.trailing {
				val += ","
			}
			end, ok := f.lineEnd(last.comma + 1)
			if !ok {
				return splice(src, last.comma+1, last.comma+1, " "+val), nil
			}
			return splice(src, end, end, st.nl+indent+val), nil
		}
		end, ok := f.lineEnd(last.value.end)
		if !ok {
			return splice(src, last.value.end, last.value.end, ", "+val), nil
		}
		out := splice(src, last.value.end, last.value.end, ",")
		end++
		return splice(out, end, end, st.nl+indent+val), nil
	}
	val, err := st.render(v, "", true)
	if err != nil {
		return nil, err
	}
	if last.comma >= 0 {
		return splice(src, last.comma+1, last.comma+1, " "+val+","), nil
	}
	return splice(src, last.value.end, last.value.end, ", "+val), nil
}

// insertFirst fills an empty object or array.
func (f *File) insertFirst(cn *cnode, st style, prefix string, v any) ([]byte, error) {
	src := f.Data
	base := f.lineIndent(cn.open)
	inner := src[cn.open+1 : cn.close]
	if !bytes.ContainsAny(inner, "\n\r") {
		val, err := st.render(v, base, true)
		if err != nil {
			return nil, err
		}
		if strings.Contains(val, "\n") || len(bytes.TrimSpace(inner)) > 0 {
			// A multi-line value, or a comment inside {}: open it up.
			val, err = st.render(v, base+st.unit, false)
			if err != nil {
				return nil, err
			}
			text := st.nl + base + st.unit + prefix + val
			if st.trailing {
				text += ","
			}
			return splice(src, cn.close, cn.close, text+st.nl+base), nil
		}
		open := ""
		if cn.kind == KindObject {
			open = " "
		}
		return splice(src, cn.open+1, cn.close, open+prefix+val+open), nil
	}
	indent := base + st.unit
	val, err := st.render(v, indent, false)
	if err != nil {
		return nil, err
	}
	text := indent + prefix + val
	if st.trailing {
		text += ","
	}
	ls := f.lineStart(cn.close)
	if f.atLineStart(cn.close) {
		return splice(src, ls, ls, text+st.nl), nil
	}
	return splice(src, cn.close, cn.close, st.nl+text+st.nl+base), nil
}

// removeMember returns data with member i of object cn removed, keeping the
// comments around it and leaving no dangling comma.
func (f *File) removeMember(data []byte, cn *cnode, i int) []byte {
	m := cn.members[i]
	var prevComma = -1
	if i > 0 {
		prevComma = cn.members[i-1].comma
	}
	return f.removeSpan(data, cn, m.keyStart, m.value.end, m.comma, prevComma, i == len(cn.members)-1, len(cn.members))
}

// removeElem returns the file bytes with element i of array cn removed.
func (f *File) removeElem(cn *cnode, i int) []byte {
	e := cn.elems[i]
	var prevComma = -1
	if i > 0 {
		prevComma = cn.elems[i-1].comma
	}
	return f.removeSpan(f.Data, cn, e.value.start, e.value.end, e.comma, prevComma, i == len(cn.elems)-1, len(cn.elems))
}

func (f *File) removeSpan(data []byte, cn *cnode, start, vend, comma, prevComma int, isLast bool, count int) []byte {
	after := vend
	if comma >= 0 {
		after = comma + 1
	}
	// Comments inside the removed entry are kept: a fix never loses one.
	kept := strings.Join(commentsIn(data, start, after), " ")
	// The habit is "no trailing comma" when the removed last entry had none:
	// then the new last entry must lose its comma too.
	fixPrev := isLast && comma < 0 && prevComma >= 0
	if f.atLineStart(start) {
		if end, ok := f.lineEnd(after); ok {
			var out []byte
			switch c := f.commentAfter(after); {
			case c >= 0 && kept != "":
				out = splice(data, start, c, kept+" ")
			case c >= 0:
				// Keep a comment that shares the line; drop only the entry.
				out = splice(data, start, c, "")
			case kept != "":
				out = splice(data, start, end, kept)
			default:
				ls := f.lineStart(start)
				le := end
				if le < len(data) && data[le] == '\r' {
					le++
				}
				if le < len(data) && data[le] == '\n' {
					le++
				}
				out = splice(data, ls, le, "")
			}
			if fixPrev {
				out = splice(out, prevComma, prevComma+1, "")
			}
			return out
		}
	}
	if kept != "" {
		kept += " "
	}
	// Inline: take the entry with the comma and blanks that follow it, or
	// with the comma before it when it is last.
	if count == 1 {
		return splice(data, cn.open+1, cn.close, kept)
	}
	if comma >= 0 && !isLast {
		e := after
		for e < len(data) && (data[e] == ' ' || data[e] == '\t') {
			e++
		}
		return splice(data, start, e, kept)
	}
	if prevComma >= 0 {
		if comma >= 0 {
			// last with a trailing comma: the previous comma becomes the trailing one
			return splice(data, prevComma+1, after, " "+strings.TrimSpace(kept))
		}
		return splice(data, prevComma, vend, strings.TrimRight(" "+kept, " "))
	}
	return splice(data, start, after, kept)
}

// commentsIn returns the comments between start and end, outside strings.
func commentsIn(data []byte, start, end int) []string {
	var out []string
	for i := start; i < end; i++ {
		switch c := data[i]; {
		case c == '"' || c == '\'':
			for i++; i < end && data[i] != c; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case c == '/' && i+1 < end && data[i+1] == '/':
			j := i
			for j < len(data) && data[j] != '\n' && data[j] != '\r' {
				j++
			}
			out = append(out, string(data[i:j]))
			i = j
		case c == '/' && i+1 < end && data[i+1] == '*':
			j := bytes.Index(data[i+2:], []byte("*/"))
			if j < 0 {
				return out
			}
			out = append(out, string(data[i:i+2+j+2]))
			i += 2 + j + 1
		}
	}
	return out
}

// key renders an object key.
func (st style) key(k string) string {
	if st.bareKeys && bareKeyRe.MatchString(k) {
		return k
	}
	st.quote = st.keyQuote // st is a copy: the value quote is unaffected
	return st.quoteString(k)
}

// quoteString renders s with the style's quote.
func (st style) quoteString(s string) string {
	q := st.quote
	if q == 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// render writes v as JSON5 in the style. indent is the indentation of the
// line the value starts on; inline asks for a one-line rendering.
func (st style) render(v any, indent string, inline bool) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return formatNumber(x), nil
	case string:
		return st.quoteString(x), nil
	case Raw:
		if _, err := ParseValue("value", []byte(x)); err != nil {
			return "", err
		}
		return string(x), nil
	case []string:
		a := make([]any, len(x))
		for i, s := range x {
			a[i] = s
		}
		return st.render(a, indent, inline)
	case []any:
		if len(x) == 0 {
			return "[]", nil
		}
		parts := make([]string, len(x))
		short := true
		for i, e := range x {
			s, err := st.render(e, indent+st.unit, inline)
			if err != nil {
				return "", err
			}
			parts[i] = s
			if strings.Contains(s, "\n") {
				short = false
			}
		}
		one := "[" + strings.Join(parts, ", ") + "]"
		if inline || (short && len(one) <= 72) {
			return one, nil
		}
		var b strings.Builder
		b.WriteString("[")
		for i, p := range parts {
			b.WriteString(st.nl + indent + st.unit + p)
			if i < len(parts)-1 || st.trailing {
				b.WriteString(",")
			}
		}
		b.WriteString(st.nl + indent + "]")
		return b.String(), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(Obj, 0, len(keys))
		for _, k := range keys {
			o = append(o, Field{Key: k, Value: x[k]})
		}
		return st.render(o, indent, inline)
	case Obj:
		if len(x) == 0 {
			return "{}", nil
		}
		if inline {
			parts := make([]string, len(x))
			for i, fl := range x {
				s, err := st.render(fl.Value, indent, true)
				if err != nil {
					return "", err
				}
				parts[i] = st.key(fl.Key) + ": " + s
			}
			return "{ " + strings.Join(parts, ", ") + " }", nil
		}
		var b strings.Builder
		b.WriteString("{")
		for i, fl := range x {
			s, err := st.render(fl.Value, indent+st.unit, false)
			if err != nil {
				return "", err
			}
			b.WriteString(st.nl + indent + st.unit + st.key(fl.Key) + ": " + s)
			if i < len(x)-1 || st.trailing {
				b.WriteString(",")
			}
		}
		b.WriteString(st.nl + indent + "}")
		return b.String(), nil
	}
	return "", fmt.Errorf("cannot write a value of type %T", v)
}

func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
