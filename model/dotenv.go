package model

import (
	"strings"
	"unicode/utf8"
)

// DotenvEntry is one assignment the npm dotenv package (which OpenClaw uses
// for <state>/.env) reads from a file. Offsets are byte offsets into the
// bytes given to ScanDotenv.
type DotenvEntry struct {
	Key   string
	Value string // as dotenv returns it
	Line  int    // 1-based line of the key

	// Start is the start of the line holding "export" or the key; End is
	// the end of the line holding the value's last byte, line terminator
	// included (lines end at \n, \r\n, \r, U+2028 and U+2029, as in
	// dotenv). Removing [Start, End) removes the assignment and nothing else
	// that dotenv reads; the spans of two entries never overlap.
	Start, End int
	// [ValueStart, ValueEnd) is the value as written: quotes included,
	// surrounding blanks not; empty (at the place a value goes) when the
	// value is empty.
	ValueStart, ValueEnd int
}

// ParseDotenv parses .env content exactly as dotenv.parse (npm dotenv 17)
// does; later assignments of a key win. See ScanDotenv.
func ParseDotenv(data []byte) map[string]string {
	out := map[string]string{}
	for _, e := range ScanDotenv(data) {
		if e.Key == "__proto__" {
			continue // obj["__proto__"] = "…" is a no-op in JavaScript
		}
		out[e.Key] = e.Value
	}
	return out
}

// ScanDotenv returns every assignment dotenv.parse reads, in file order.
//
// dotenv is one JavaScript regular expression applied repeatedly (after
// \r\n and lone \r become \n):
//
//	^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$
//
// with the m flag, then trims the value, strips one pair of surrounding
// quotes (/^(['"`])([\s\S]*)\1$/mg) and, for a value that began with ",
// turns \n and \r into newline and carriage return. Go's regexp cannot run
// it as JavaScript does (\s, ^ and $ also know U+2028/U+2029 and the
// Unicode blanks, and \s crosses line ends), so this is a hand-written
// matcher of the same language with the same backtracking choices, linear
// in the input. Consequences worth knowing, all dotenv's own: blanks and
// even line ends may sit between key and "=", "KEY:" takes the next line as
// its value, a quoted value ends at the first unescaped matching quote that
// is followed only by blanks or a comment up to a line end (so an unclosed
// quote may take in the following lines up to such a quote), a quote that
// never closes that way is read as part of an unquoted value, backslash
// escapes other than \n and \r in "…" are kept as written. Bytes that are
// not UTF-8 are kept (Node would read them as U+FFFD).
func ScanDotenv(data []byte) []DotenvEntry {
	s, orig := dotenvNormalize(data)
	m := dotenvMatcher{s: s}
	var out []DotenvEntry
	for p := 0; p <= len(s); {
		k0 := m.skipSpace(p)
		e, ok := m.matchAt(k0)
		if !ok {
			// Every attempt that starts in the same run of blanks reaches
			// k0 and fails the same way: go on after the line holding k0.
			p = m.lineStartAfter(k0)
			continue
		}
		out = append(out, e.entry(s, orig))
		p = m.lineStartAt(e.end)
	}
	return out
}

// dotenvNormalize turns \r\n and lone \r into \n, as dotenv does first, and
// maps each offset of the result back to data (nil: the identity).
func dotenvNormalize(data []byte) (string, []int) {
	if !strings.Contains(string(data), "\r") {
		return string(data), nil
	}
	var b strings.Builder
	b.Grow(len(data))
	orig := make([]int, 0, len(data)+1)
	for i := 0; i < len(data); i++ {
		orig = append(orig, i)
		if data[i] == '\r' {
			b.WriteByte('\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			continue
		}
		b.WriteByte(data[i])
	}
	orig = append(orig, len(data))
	return b.String(), orig
}

type dotenvMatcher struct {
	s string
	// next unescaped quote at or after from, per quote character, reused
	// while the search start moves forward (keeps unclosed quotes linear).
	qFrom, qAt [3]int
}

// dotenvMatch is one match in normalized offsets.
type dotenvMatch struct {
	tok, key, keyEnd int // first token ("export" or key), key span
	valStart, valEnd int // value as written
	value            string
	end              int // end of the regexp match
}

func (m *dotenvMatch) entry(s string, orig []int) DotenvEntry {
	at := func(i int) int {
		if orig == nil {
			return i
		}
		return orig[i]
	}
	start := m.tok
	for start > 0 && !jsLineStart(s, start) {
		start--
	}
	end := m.valEnd
	if end > m.valStart {
		end-- // the value's last byte
	}
	for end < len(s) {
		if n := jsLineEndAt(s, end); n > 0 {
			end += n
			break
		}
		end++
	}
	return DotenvEntry{
		Key: s[m.key:m.keyEnd], Value: m.value,
		Line:  strings.Count(s[:m.key], "\n") + 1,
		Start: at(start), End: at(end),
		ValueStart: at(m.valStart), ValueEnd: at(m.valEnd),
	}
}

// jsSpaceAt reports the size of the JavaScript \s character at i (0: none).
func jsSpaceAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch c := s[i]; {
	case c == ' ' || (c >= '\t' && c <= '\r'):
		return 1
	case c < utf8.RuneSelf:
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == 0xa0, r == 0x1680, r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029,
		r == 0x202f, r == 0x205f, r == 0x3000, r == 0xfeff:
		return n
	}
	return 0
}

// jsLineEndAt reports the size of the JavaScript line terminator at i.
func jsLineEndAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if s[i] == '\n' || s[i] == '\r' {
		return 1
	}
	if strings.HasPrefix(s[i:], "\u2028") || strings.HasPrefix(s[i:], "\u2029") {
		return 3
	}
	return 0
}

// jsLineStart reports whether ^ (multiline) holds at i.
func jsLineStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	c := s[i-1]
	return c == '\n' || c == '\r' ||
		(i >= 3 && (strings.HasSuffix(s[:i], "\u2028") || strings.HasSuffix(s[:i], "\u2029")))
}

func (m *dotenvMatcher) skipSpace(i int) int {
	for {
		n := jsSpaceAt(m.s, i)
		if n == 0 {
			return i
		}
		i += n
	}
}

// lineStartAt is the first line start at or after i (len+1: none).
func (m *dotenvMatcher) lineStartAt(i int) int {
	if i <= len(m.s) && jsLineStart(m.s, i) {
		return i
	}
	return m.lineStartAfter(i)
}

// lineStartAfter is the first line start after i (len+1: none).
func (m *dotenvMatcher) lineStartAfter(i int) int {
	for ; i < len(m.s); i++ {
		if n := jsLineEndAt(m.s, i); n > 0 {
			return i + n
		}
	}
	return len(m.s) + 1
}

// matchAt matches from k0, the first non-blank of an attempt.
func (m *dotenvMatcher) matchAt(k0 int) (dotenvMatch, bool) {
	if strings.HasPrefix(m.s[k0:], "export") && jsSpaceAt(m.s, k0+6) > 0 {
		if r, ok := m.matchKey(k0, m.skipSpace(k0+6)); ok {
			return r, true
		}
	}
	return m.matchKey(k0, k0)
}

func dotenvKeyByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (m *dotenvMatcher) matchKey(tok, k int) (dotenvMatch, bool) {
	s := m.s
	ke := k
	for ke < len(s) && dotenvKeyByte(s[ke]) {
		ke++
	}
	if ke == k {
		return dotenvMatch{}, false
	}
	var v int
	if j := m.skipSpace(ke); j < len(s) && s[j] == '=' {
		v = j + 1 // \s*=\s*? : the lazy blanks take nothing (see value)
	} else if ke < len(s) && s[ke] == ':' && jsSpaceAt(s, ke+1) > 0 {
		v = ke + 1 + jsSpaceAt(s, ke+1) // :\s+? takes exactly one
	} else {
		return dotenvMatch{}, false
	}
	r := m.value(v)
	r.tok, r.key, r.keyEnd = tok, k, ke
	return r, true
}

// value matches the optional value group and the rest of the pattern from
// v. It always succeeds: when the group cannot match, it is empty and the
// tail matches (v is at "#", a line end or the end, or blanks lead there).
func (m *dotenvMatcher) value(v int) dotenvMatch {
	s := m.s
	if w := m.skipSpace(v); w < len(s) && (s[w] == '\'' || s[w] == '"' || s[w] == '`') {
		q := s[w]
		q1 := m.unescapedQuote(q, w+1)
		limit := len(s)
		if q1 >= 0 {
			limit = q1
			if end, ok := m.tail(q1 + 1); ok {
				return m.quoted(w, q1, end)
			}
		}
		// Backtracking: the escaped quotes before limit, last first.
		for c := limit - 1; c > w+1; c-- {
			if s[c] == q && s[c-1] == '\\' {
				if end, ok := m.tail(c + 1); ok {
					return m.quoted(w, c, end)
				}
			}
		}
	}
	j := v
	for j < len(s) && s[j] != '#' && s[j] != '\n' && s[j] != '\r' {
		j++
	}
	end, _ := m.tail(j)
	a, b := jsTrimSpan(s, v, j)
	return dotenvMatch{valStart: a, valEnd: b, value: dotenvUnquote(s[a:b]), end: end}
}

func (m *dotenvMatcher) quoted(open, close, end int) dotenvMatch {
	return dotenvMatch{valStart: open, valEnd: close + 1, value: dotenvUnquote(m.s[open : close+1]), end: end}
}

// unescapedQuote is the first q at or after from not preceded by a
// backslash, or -1.
func (m *dotenvMatcher) unescapedQuote(q byte, from int) int {
	k := strings.IndexByte("'\"`", q)
	if m.qFrom[k] != 0 && from >= m.qFrom[k] && (m.qAt[k] < 0 || from <= m.qAt[k]) {
		return m.qAt[k]
	}
	at := -1
	for j := from; j < len(m.s); {
		i := strings.IndexByte(m.s[j:], q)
		if i < 0 {
			break
		}
		j += i
		if m.s[j-1] != '\\' {
			at = j
			break
		}
		j++
	}
	m.qFrom[k], m.qAt[k] = from, at
	return at
}

// tail matches \s*(?:#.*)?$ at i and returns where the match ends.
func (m *dotenvMatcher) tail(i int) (int, bool) {
	s := m.s
	e := m.skipSpace(i)
	if e == len(s) {
		return e, true
	}
	if s[e] == '#' {
		for e < len(s) && jsLineEndAt(s, e) == 0 {
			e++
		}
		return e, true
	}
	// Give blanks back until $ holds: before the last line end in them.
	last := -1
	for j := i; j < e; j++ {
		if jsLineEndAt(s, j) > 0 {
			last = j
		}
	}
	return last, last >= 0
}

// jsTrimSpan is [a, b) without leading and trailing JavaScript blanks.
func jsTrimSpan(s string, a, b int) (int, int) {
	for a < b {
		n := jsSpaceAt(s[:b], a)
		if n == 0 {
			break
		}
		a += n
	}
	for b > a {
		r, n := utf8.DecodeLastRuneInString(s[a:b])
		if r == utf8.RuneError || jsSpaceAt(s[:b], b-n) != n {
			break
		}
		b -= n
	}
	return a, b
}

// dotenvUnquote is dotenv's treatment of a trimmed value: strip a pair of
// quotes (value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2'), where ^ and $ are
// line starts and ends), then expand \n and \r when it began with ".
func dotenvUnquote(v string) string {
	if v == "" {
		return v
	}
	// For each quote, the last one that ends a line: the greedy [\s\S]*
	// always closes there.
	var lastEnd [3]int
	for k, q := range []byte("'\"`") {
		lastEnd[k] = -1
		for j := len(v) - 1; j >= 0; j-- {
			if v[j] == q && (j+1 == len(v) || jsLineEndAt(v, j+1) > 0) {
				lastEnd[k] = j
				break
			}
		}
	}
	var b strings.Builder
	done := 0
	for p := 0; p < len(v); p++ {
		k := strings.IndexByte("'\"`", v[p])
		if k < 0 || !jsLineStart(v, p) || lastEnd[k] <= p {
			continue
		}
		b.WriteString(v[done:p])
		b.WriteString(v[p+1 : lastEnd[k]])
		done = lastEnd[k] + 1
		p = lastEnd[k]
	}
	out := v
	if done > 0 {
		b.WriteString(v[done:])
		out = b.String()
	}
	if v[0] == '"' {
		out = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(out)
	}
	return out
}
