package model

import (
	"encoding/base64"
	"sort"
	"strings"
	"unicode/utf8"
)

// The detectors behind Redactor.String. Each is one left-to-right pass over
// its input (no regular expressions), returning the byte ranges to mask.
// They run on the text itself and on up to two decoded views of it (JSON
// and JavaScript escapes, %XX URL encoding, HTML entities, ANSI escape
// sequences removed), so `<<EOF\nsk-…`, `token%3Dabc…` and a secret between
// colour codes are found; every range found in a view is mapped back to
// the bytes of the original text that produced it.

// span is a half-open byte range [a, b).
type span struct{ a, b int }

// found is a range of the original text to mask and the decoded value that
// was recognised there (what Learn registers).
type found struct {
	span
	value string
	kind  int // foundRegistered, foundStructural
}

const (
	foundRegistered = iota // a registered value (or one of its forms)
	foundStructural        // a value under a secret key, a token shape, a pattern
)

// vseg is one decoded sequence of a view: view bytes [v, v+n) come from
// parent bytes [o, o+on). Bytes between segments are copied unchanged.
type vseg struct{ v, n, o, on int }

// view is a text and how it maps onto its parent (nil parent: the
// original text).
type view struct {
	text   string
	parent *view
	segs   []vseg
}

// seg returns the index of the last segment starting at or before p, or -1.
func (w *view) seg(p int) int {
	return sort.Search(len(w.segs), func(i int) bool { return w.segs[i].v > p }) - 1
}

// startIn maps a start offset of w onto its parent.
func (w *view) startIn(p int) int {
	i := w.seg(p)
	if i < 0 {
		return p
	}
	s := w.segs[i]
	if p < s.v+s.n {
		return s.o
	}
	return s.o + s.on + (p - s.v - s.n)
}

// endIn maps an end offset (exclusive) of w onto its parent.
func (w *view) endIn(e int) int {
	if e <= 0 {
		return w.startIn(0)
	}
	p := e - 1
	i := w.seg(p)
	if i < 0 {
		return e
	}
	s := w.segs[i]
	if p < s.v+s.n {
		return s.o + s.on
	}
	return s.o + s.on + (p - s.v - s.n) + 1
}

// orig maps a span of w onto the original text.
func (w *view) orig(sp span) span {
	for v := w; v != nil; v = v.parent {
		if len(v.segs) == 0 {
			continue
		}
		sp = span{v.startIn(sp.a), v.endIn(sp.b)}
	}
	return sp
}

// decoder builds a view from its parent text.
type decoder struct {
	src  string
	out  []byte
	segs []vseg
	from int // first source byte not yet copied
}

func (d *decoder) emit(start, end int, repl string) {
	d.out = append(d.out, d.src[d.from:start]...)
	v := len(d.out)
	d.out = append(d.out, repl...)
	if k := len(d.segs) - 1; k >= 0 {
		if last := &d.segs[k]; last.v+last.n == v && last.o+last.on == start {
			// adjacent sequences share one segment: a range inside it then
			// maps onto the whole run (more masked, never less)
			last.n += len(repl)
			last.on += end - start
			d.from = end
			return
		}
	}
	d.segs = append(d.segs, vseg{v: v, n: len(repl), o: start, on: end - start})
	d.from = end
}

func (d *decoder) view(parent *view) *view {
	if len(d.segs) == 0 {
		return &view{text: d.src, parent: parent}
	}
	d.out = append(d.out, d.src[d.from:]...)
	return &view{text: string(d.out), parent: parent, segs: d.segs}
}

// ansiEnd returns the end of the terminal escape sequence starting with
// ESC at i: CSI (ESC [ digits/;/:/? … a letter, @ or ~) or a two-byte
// sequence (ESC 7, ESC M, ESC ] and ESC \ around an OSC…); an ESC that
// starts none of these is one byte. Only well-formed sequences are taken,
// so a stray ESC never swallows the text after it, and the text of an OSC
// (a title, a hyperlink) stays in the view.
func ansiEnd(s string, i int) int {
	j := i + 1
	if j >= len(s) {
		return j
	}
	switch c := s[j]; {
	case c == '[':
		k := j + 1
		for k < len(s) && (isDigit(s[k]) || s[k] == ';' || s[k] == ':' || s[k] == '?') {
			k++
		}
		if k < len(s) && (('a' <= s[k] && s[k] <= 'z') || ('A' <= s[k] && s[k] <= 'Z') || s[k] == '@' || s[k] == '~') {
			return k + 1
		}
	case c == '7' || c == '8' || c == '=' || c == '>' || c == 'c' || ('@' <= c && c <= '_'):
		return j + 1
	}
	return j
}

// stripANSI is the first view: the text without terminal escape sequences.
func stripANSI(s string) *view {
	if strings.IndexByte(s, 0x1b) < 0 && strings.IndexByte(s, 0x07) < 0 {
		return &view{text: s}
	}
	d := &decoder{src: s}
	for i := 0; i < len(s); {
		switch s[i] {
		case 0x1b:
			end := ansiEnd(s, i)
			d.emit(i, end, "")
			i = end
			continue
		case 0x07: // BEL ends an OSC
			d.emit(i, i+1, "")
		}
		i++
	}
	return d.view(nil)
}

// needsDecode reports text a decoded view could differ from.
func needsDecode(s string) bool { return strings.ContainsAny(s, "\\%&+\x1b\a") }

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func hexN(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := 0; k < n; k++ {
		h := hexVal(s[i+k])
		if h < 0 {
			return 0, false
		}
		v = v<<4 | h
	}
	return v, true
}

var htmlEntities = map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'"}

// decodeView decodes JSON/JavaScript string escapes (\n \t \" \\ \/ \uXXXX
// \xXX, and a backslash before a line break, which JSON5 drops), %XX and
// "+" (URL query encoding), HTML entities and ANSI sequences in the
// parent's text.
func decodeView(parent *view) *view {
	s := parent.text
	d := &decoder{src: s}
	var rb [4]byte
	for i := 0; i < len(s); {
		switch s[i] {
		case 0x1b:
			end := ansiEnd(s, i)
			d.emit(i, end, "")
			i = end
			continue
		case 0x07:
			d.emit(i, i+1, "")
			i++
			continue
		case '\\':
			if i+1 >= len(s) {
				break
			}
			c := s[i+1]
			repl, n := "", 0
			switch c {
			case 'n':
				repl, n = "\n", 2
			case 't':
				repl, n = "\t", 2
			case 'r':
				repl, n = "\r", 2
			case 'b':
				repl, n = "\b", 2
			case 'f':
				repl, n = "\f", 2
			case 'v':
				repl, n = "\v", 2
			case '"', '\'', '\\', '/', '`':
				repl, n = s[i+1:i+2], 2
			case '\n':
				repl, n = "", 2
			case '\r':
				n = 2
				if i+2 < len(s) && s[i+2] == '\n' {
					n = 3
				}
			case 'x':
				if v, ok := hexN(s, i+2, 2); ok {
					repl, n = string(rb[:utf8.EncodeRune(rb[:], rune(v))]), 4
				}
			case 'u':
				if v, ok := hexN(s, i+2, 4); ok {
					n = 6
					r := rune(v)
					if 0xD800 <= r && r < 0xDC00 && i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
						if lo, ok := hexN(s, i+8, 4); ok && 0xDC00 <= lo && lo < 0xE000 {
							r = 0x10000 + (r-0xD800)<<10 + rune(lo-0xDC00)
							n = 12
						}
					}
					repl = string(rb[:utf8.EncodeRune(rb[:], r)])
				}
			}
			if n > 0 {
				d.emit(i, i+n, repl)
				i += n
				continue
			}
		case '+':
			// a space in a URL query (the text itself keeps its "+")
			d.emit(i, i+1, " ")
			i++
			continue
		case '%':
			if v, ok := hexN(s, i+1, 2); ok {
				rb[0] = byte(v)
				d.emit(i, i+3, string(rb[:1]))
				i += 3
				continue
			}
		case '&':
			if end := strings.IndexByte(s[i:min(len(s), i+10)], ';'); end > 1 {
				name := s[i+1 : i+end]
				repl, ok := htmlEntities[name]
				if !ok && len(name) > 1 && name[0] == '#' {
					v, n := 0, 0
					if name[1] == 'x' || name[1] == 'X' {
						v, ok = hexN(name, 2, len(name)-2)
						n = len(name) - 2
					} else {
						ok = true
						for k := 1; k < len(name); k++ {
							if !isDigit(name[k]) {
								ok = false
								break
							}
							v = v*10 + int(name[k]-'0')
						}
						n = len(name) - 1
					}
					if ok && n > 0 && v < 0x110000 {
						repl = string(rb[:utf8.EncodeRune(rb[:], rune(v))])
					} else {
						ok = false
					}
				}
				if ok {
					d.emit(i, i+end+1, repl)
					i += end + 1
					continue
				}
			}
		}
		i++
	}
	return d.view(parent)
}

// views returns the text and its decoded views (at most two decoding
// levels: a JSON string inside a JSON string is common in transcripts).
func views(s string) []*view {
	v0 := stripANSI(s)
	out := []*view{v0}
	if len(v0.segs) > 0 {
		// an escape sequence may also be a stray ESC before a secret
		out = append(out, &view{text: s})
	}
	cur := v0
	for level := 0; level < 2 && needsDecode(cur.text); level++ {
		next := decodeView(cur)
		if len(next.segs) == 0 {
			break
		}
		out = append(out, next)
		cur = next
	}
	return out
}

// detection collects the ranges found in one view.
type detection struct {
	t     string
	spans []span
	kinds []int
}

func (d *detection) add(a, b, kind int) {
	if a < b {
		d.spans = append(d.spans, span{a, b})
		d.kinds = append(d.kinds, kind)
	}
}

// ----- values under secret keys ---------------------------------------------

// maskable reports whether a value next to a secret key should be masked:
// not empty, not a literal like true/null, not a ${VAR} reference, not
// already masked.
func maskable(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "false", "null", "undefined", "{", "[", `""`, "''":
		return false
	}
	if strings.Contains(v, "…(") || len(EnvRefs(v)) > 0 || placeholder(v) {
		return false
	}
	return true
}

// placeholder reports a value that stands for a removed secret:
// "[secret removed by hardshell rotate]", "[REDACTED]", "<redacted>", "***".
func placeholder(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	return strings.HasPrefix(l, "[secret removed") || strings.HasPrefix(l, "[redacted") ||
		strings.HasPrefix(l, "<redacted") || strings.Trim(l, "*") == ""
}

// isWordByte: key names are made of these.
func isWordByte(b byte) bool {
	return b == '_' || b == '$' || b == '-' || b == '.' || isAlnum(b)
}

// isKeyByte: a key does not start right after one of these (it would be
// the middle of a word); "-" and "." may precede one (a diff line, a path).
func isKeyByte(b byte) bool { return b == '_' || b == '$' || isAlnum(b) }

func isKeyStart(b byte) bool {
	return b == '_' || b == '$' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

// isBareStop ends an unquoted value: white space , ; # } ] ' ".
func isBareStop(b byte) bool {
	return isSpace(b) || b == ',' || b == ';' || b == '#' || b == '}' || b == ']' || b == '\'' || b == '"'
}

// lineEnd returns the index of the end of the line containing i (before
// "\r\n" or "\n").
func lineEnd(s string, i int) int {
	k := strings.IndexByte(s[i:], '\n')
	if k < 0 {
		k = len(s) - i
	}
	e := i + k
	if e > i && s[e-1] == '\r' {
		e--
	}
	return e
}

// quotedEnd scans a quoted string starting at i (s[i] is the quote) on one
// line: it returns the end of its content and whether it was closed (then
// the closing quote is at contentEnd).
func quotedEnd(s string, i int) (contentEnd int, closed bool) {
	q := s[i]
	j := i + 1
	for j < len(s) {
		switch c := s[j]; {
		case c == q:
			return j, true
		case c == '\\' && j+1 < len(s) && s[j+1] != '\n' && s[j+1] != '\r':
			j += 2
		case c == '\n' || c == '\r':
			return j, false
		default:
			j++
		}
	}
	return j, false
}

// authSchemes are the words that open an Authorization value: the
// credential after them is the secret.
var authSchemes = map[string]bool{"bearer": true, "basic": true, "token": true, "digest": true, "apikey": true, "bot": true}

// secretValue adds the secret part of a value [a, b) under a secret key:
// after an auth scheme word ("Bearer …") only the credential.
func (d *detection) secretValue(a, b int) {
	t := d.t
	v := t[a:b]
	if !maskable(v) {
		return
	}
	if sp := strings.IndexAny(v, " \t"); sp > 0 && authSchemes[strings.ToLower(v[:sp])] {
		c := a + sp
		for c < b && isBlank(t[c]) {
			c++
		}
		if c < b {
			d.add(c, b, foundStructural)
			return
		}
	}
	d.add(a, b, foundStructural)
}

// proseWord reports an unquoted value that reads as a word of a sentence
// ("token: accepted", "secret: mode"): lower-case letters (and hyphens),
// shorter than 16, maybe with closing punctuation. A password like that is
// weak and rare, and one the run knows is masked as a registered value.
func proseWord(v string) bool {
	v = strings.TrimRight(v, ").,;:!?")
	if v == "" || len(v) >= 16 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(('a' <= c && c <= 'z') || (c == '-' && i > 0)) {
			return false
		}
	}
	return true
}

// cookieKey: the whole rest of the line is the secret (Cookie: a=1; b=2).
func cookieKey(key string) bool {
	w := keyWords(key)
	return len(w) > 0 && (w[len(w)-1] == "cookie" || w[len(w)-1] == "cookies")
}

// scanKeyValues masks values of secret keys written on one line: "key":
// "value", 'key': 'value', key: value, KEY=value, KEY="value" (env files,
// systemd Environment=, query strings), anywhere in the text, so that
// Environment=OPENCLAW_GATEWAY_TOKEN=abc and keys inside quoted text are
// found too.
func (d *detection) scanKeyValues() {
	t := d.t
	for i := 0; i < len(t); {
		c := t[i]
		var key string
		keyEnd := -1
		switch {
		case isKeyStart(c) && (i == 0 || !isKeyByte(t[i-1])):
			j := i + 1
			for j < len(t) && isWordByte(t[j]) {
				j++
			}
			key, keyEnd = t[i:j], j
		case (c == '"' || c == '\'') && (i == 0 || !isWordByte(t[i-1])):
			j := i + 1
			for j < len(t) && t[j] != c && t[j] != '\\' && t[j] != '\n' {
				j++
			}
			if j < len(t) && t[j] == c && j > i+1 {
				key, keyEnd = t[i+1:j], j+1
			}
		}
		if keyEnd < 0 {
			i++
			continue
		}
		next := d.keyValue(key, keyEnd, c == '"' || c == '\'')
		if next <= i {
			next = i + 1
		}
		if c == '"' || c == '\'' {
			if next == keyEnd {
				next = i + 1 // look inside a quoted string that is no key
			}
		}
		i = next
	}
}

// keyValue handles a key ending at keyEnd: when "=" or ":" and a value
// follow on the line and the key is secret, the value is masked and the
// scan goes on after it; otherwise it goes on after the key.
func (d *detection) keyValue(key string, keyEnd int, quotedKey bool) int {
	t := d.t
	k := keyEnd
	for k < len(t) && isBlank(t[k]) {
		k++
	}
	if k >= len(t) || (t[k] != ':' && t[k] != '=') {
		return keyEnd
	}
	if !IsSecretKey(key) {
		return keyEnd
	}
	// "token: accepted" in a sentence: an unquoted word after an unquoted
	// key and a colon is a value only when it does not read as prose
	prose := !quotedKey && t[k] == ':'
	k++
	for k < len(t) && isBlank(t[k]) {
		k++
	}
	if k >= len(t) {
		return k
	}
	switch c := t[k]; {
	case c == '"' || c == '\'':
		end, closed := quotedEnd(t, k)
		d.secretValue(k+1, end)
		if closed {
			return end + 1
		}
		return end
	case c == '\n' || c == '\r':
		return k
	case (c == '[' || c == '<') && placeholder(t[k:lineEnd(t, k)]):
		return k + 1 // "[secret removed by hardshell rotate]" stands for no secret
	case cookieKey(key):
		e := lineEnd(t, k)
		d.secretValue(k, e)
		return e
	default:
		e := k
		for e < len(t) && !isBareStop(t[e]) {
			e++
		}
		// "Authorization: Bearer abc": the scheme word, then the credential
		if authSchemes[strings.ToLower(strings.TrimRight(t[k:e], ").,;"))] {
			c := e
			for c < len(t) && isBlank(t[c]) {
				c++
			}
			ce := c
			for ce < len(t) && !isBareStop(t[ce]) {
				ce++
			}
			if ce > c && maskable(t[c:ce]) && !(prose && proseWord(t[c:ce])) {
				d.add(c, ce, foundStructural)
				return ce
			}
			return e
		}
		if !(prose && proseWord(t[k:e])) {
			d.secretValue(k, e)
		}
		return k // the value may hold a key itself (TOKEN=apiKey: "…")
	}
}

// scanPlist masks <key>NAME</key><string>VALUE</string> pairs (launchd
// EnvironmentVariables) whose NAME is a secret key.
func (d *detection) scanPlist() {
	t := d.t
	for from := 0; ; {
		k := strings.Index(t[from:], "<key>")
		if k < 0 {
			return
		}
		i := from + k + len("<key>")
		from = i
		e := strings.Index(t[i:min(len(t), i+maxKeyLen)], "</key>")
		if e < 0 {
			continue
		}
		name := strings.TrimSpace(t[i : i+e])
		j := i + e + len("</key>")
		for j < len(t) && isSpace(t[j]) {
			j++
		}
		if !strings.HasPrefix(t[j:], "<string>") || !IsSecretKey(name) {
			continue
		}
		vs := j + len("<string>")
		ve := strings.Index(t[vs:], "</string>")
		if ve < 0 {
			ve = lineEnd(t, vs) - vs
		}
		d.secretValue(vs, vs+ve)
		from = vs + ve
	}
}

// scanStructure follows JSON5 structure across lines: a value on the line
// after its key, a string continued with a backslash over several lines,
// every element of an array under a secret key (apiKeys: [...]), nested
// objects (headers: {Authorization: …}). It is tolerant: on text that is
// not JSON5 it finds less, never panics, and stays linear.
func (d *detection) scanStructure() {
	t := d.t
	const maxDepth = 256
	var stack []bool // per open [ or {: true for an array of secrets
	over := 0        // nesting beyond maxDepth
	// expect: a key and its ":" or "=" were seen, the next scalar is its
	// value. After "=" (env files, query strings) the value is on the same
	// line; after ":" it may be on a later line, unless the token there is
	// itself a key (YAML-style nesting).
	expect, secretKey, afterEquals, crossed, quotedKey := false, false, false, false, false
	inSecretArray := func() bool { return over == 0 && len(stack) > 0 && stack[len(stack)-1] }
	push := func(secret bool) {
		if len(stack) >= maxDepth {
			over++
			return
		}
		stack = append(stack, secret)
	}
	pop := func() {
		switch {
		case over > 0:
			over--
		case len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	// value handles a scalar [a, b).
	value := func(a, b int) {
		switch {
		case expect:
			expect = false
			if secretKey {
				d.secretValue(a, b)
			}
		case inSecretArray():
			d.secretValue(a, b)
		}
	}
	// key checks for a ":" or "=" after the token ending at j; when there
	// is one, the token [a, b) is a key and key returns the offset after
	// the separator.
	key := func(a, b, j int) (int, bool) {
		if (expect && !crossed) || inSecretArray() {
			return 0, false
		}
		for j < len(t) && isBlank(t[j]) { // a key's ":" is on its line
			j++
		}
		if j >= len(t) || (t[j] != ':' && t[j] != '=') {
			return 0, false
		}
		expect, secretKey, afterEquals, crossed = true, IsSecretKey(t[a:b]), t[j] == '=', false
		quotedKey = a > 0 && (t[a-1] == '"' || t[a-1] == '\'')
		return j + 1, true
	}
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case isSpace(c):
			if c == '\n' && expect {
				if afterEquals {
					expect = false
				}
				crossed = true
			}
			i++
		case c == '/' && i+1 < len(t) && t[i+1] == '/' && commentStart(t, i):
			i = lineEnd(t, i)
		case c == '/' && i+1 < len(t) && t[i+1] == '*' && commentStart(t, i):
			k := strings.Index(t[i+2:], "*/")
			if k < 0 {
				i += 2 // not a comment in text that never closes it
				continue
			}
			i += k + 4
		case c == '"' || c == '\'':
			end, closed := structString(t, i)
			if !closed {
				// a stray quote, not a string: look at what follows it
				expect = false
				i++
				continue
			}
			if k, ok := key(i+1, end, end+1); ok {
				i = k
				continue
			}
			value(i+1, end)
			i = end + 1
		case c == '{':
			push(false)
			expect = false
			i++
		case c == '[':
			// after "=" (env, query string) there are no arrays: "[…]" is text
			push((expect && secretKey && !afterEquals) || inSecretArray())
			expect = false
			i++
		case c == '}' || c == ']':
			pop()
			expect = false
			i++
		case c == ',' || c == ':' || c == '=' || c == ';':
			expect = false
			i++
		default:
			j := i
			for j < len(t) && !isSpace(t[j]) && !isStructStop(t[j]) {
				j++
			}
			if j == i {
				expect = false
				i++
				continue
			}
			j = maskEnd(t, i, j)
			if k, ok := key(i, j, j); ok {
				i = k
				continue
			}
			if expect && secretKey && authSchemes[strings.ToLower(strings.TrimRight(t[i:j], ").,;"))] {
				i = j // "Authorization: Bearer abc": the credential comes next
				continue
			}
			if expect && !quotedKey && !afterEquals && !inSecretArray() && proseWord(t[i:j]) {
				expect = false // "token: accepted": a sentence, not a value
				i = j
				continue
			}
			value(i, j)
			i = j
		}
	}
}

// maskEnd extends a bare word [i, j) that holds the start of a mask
// ("abcd…(12") over the rest of it (" chars)"), so masked text reads as one
// value.
func maskEnd(t string, i, j int) int {
	k := strings.Index(t[i:j], "…(")
	if k < 0 {
		return j
	}
	d := runOf(t, i+k+len("…("), isDigit)
	if d == j && strings.HasPrefix(t[j:], " chars)") {
		return j + len(" chars)")
	}
	return j
}

// commentStart reports a // or /* at i that starts a comment: at the start
// of a line or after white space or punctuation (not the "//" of a URL).
func commentStart(t string, i int) bool {
	if i == 0 {
		return true
	}
	switch t[i-1] {
	case ' ', '\t', '\n', '\r', ',', '{', '[', '(':
		return true
	}
	return false
}

// isStructStop ends a bare word in scanStructure.
func isStructStop(c byte) bool {
	switch c {
	case '{', '}', '[', ']', ',', ':', '=', ';', '"', '\'':
		return true
	}
	return false
}

// structString scans a JSON5 string at i whose content may continue over
// lines with a backslash before the line break; an unescaped line break
// ends it unclosed.
func structString(s string, i int) (contentEnd int, closed bool) {
	q := s[i]
	j := i + 1
	for j < len(s) {
		switch c := s[j]; {
		case c == q:
			return j, true
		case c == '\\' && j+1 < len(s):
			if s[j+1] == '\r' && j+2 < len(s) && s[j+2] == '\n' {
				j += 3
			} else {
				j += 2
			}
		case c == '\n' || c == '\r':
			return j, false
		default:
			j++
		}
	}
	return j, false
}

// scanDotenv masks secret values in .env syntax (KEY=value), where a quoted
// value may span lines (KEY="line 1
// line 2") and an unquoted one runs to the end of the line or a " #".
func (d *detection) scanDotenv() {
	t := d.t
	for i := 0; i < len(t); {
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		if i >= len(t) {
			return
		}
		ls := i
		if strings.HasPrefix(t[i:], "export ") {
			i += len("export ")
			for i < len(t) && isBlank(t[i]) {
				i++
			}
		}
		ks := i
		for i < len(t) && (isAlnum(t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-') {
			i++
		}
		key := t[ks:i]
		for i < len(t) && isBlank(t[i]) {
			i++
		}
		if key == "" || i >= len(t) || t[i] != '=' || !IsSecretKey(key) {
			if i == ls {
				i++
			}
			i = lineEnd(t, i)
			continue
		}
		i++
		for i < len(t) && isBlank(t[i]) {
			i++
		}
		if i < len(t) && (t[i] == '"' || t[i] == '\'' || t[i] == '`') {
			q := t[i]
			j := i + 1
			for j < len(t) && t[j] != q {
				if t[j] == '\\' && j+1 < len(t) {
					j++
				}
				j++
			}
			if j >= len(t) {
				// no closing quote: dotenv takes the rest of the line
				e := lineEnd(t, i)
				d.secretValue(i+1, e)
				i = e
				continue
			}
			d.secretValue(i+1, j)
			i = j
			if i < len(t) {
				i++
			}
			i = lineEnd(t, i)
			continue
		}
		e := lineEnd(t, i)
		v := i
		for v < e && !(t[v] == '#' && v > i && isBlank(t[v-1])) {
			v++
		}
		for v > i && isBlank(t[v-1]) {
			v--
		}
		d.secretValue(i, v)
		i = e
	}
}

// ----- patterns --------------------------------------------------------------

// wordFinder yields the occurrences of a word spelled in lower case, Title
// case or upper case, in order, each spelling searched once.
type wordFinder struct {
	t    string
	w    [3]string
	next [3]int // next occurrence of each spelling; -1: none left; -2: not searched
}

func newWordFinder(t string, w [3]string) *wordFinder {
	return &wordFinder{t: t, w: w, next: [3]int{-2, -2, -2}}
}

// from returns the first occurrence at or after from, or -1.
func (f *wordFinder) from(from int) int {
	best := -1
	for i, w := range f.w {
		if f.next[i] == -2 || (f.next[i] >= 0 && f.next[i] < from) {
			f.next[i] = -1
			if k := strings.Index(f.t[from:], w); k >= 0 {
				f.next[i] = from + k
			}
		}
		if n := f.next[i]; n >= 0 && (best < 0 || n < best) {
			best = n
		}
	}
	return best
}

var (
	bearerWords = [3]string{"bearer", "Bearer", "BEARER"}
	basicWords  = [3]string{"basic", "Basic", "BASIC"}
)

func isCredByte(c byte) bool { // [A-Za-z0-9._~+/=-]
	return isAlnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-'
}

func isB64Byte(c byte) bool { return isAlnum(c) || c == '+' || c == '/' || c == '-' || c == '_' }

// scanPatterns masks credentials recognised by their context: "Bearer …",
// "Basic <base64 of user:pass>", --token/--password style flags,
// curl -u user:PASS, scheme://user:PASS@, private key blocks and lines of
// PEM key material.
func (d *detection) scanPatterns() {
	t := d.t

	// Bearer <8+ credential bytes>
	bearer := newWordFinder(t, bearerWords)
	for from := 0; ; {
		i := bearer.from(from)
		if i < 0 {
			break
		}
		from = i + 6
		if i > 0 && isAlnum(t[i-1]) {
			continue
		}
		j := from
		for j < len(t) && isSpace(t[j]) {
			j++
		}
		if j == from {
			continue
		}
		e := runOf(t, j, isCredByte)
		if e-j >= 8 && maskable(t[j:e]) {
			d.add(j, e, foundStructural)
			from = e
		}
	}
	// Basic <base64 that decodes to user:pass>
	basic := newWordFinder(t, basicWords)
	for from := 0; ; {
		i := basic.from(from)
		if i < 0 {
			break
		}
		from = i + 5
		if i > 0 && isAlnum(t[i-1]) {
			continue
		}
		j := from
		for j < len(t) && isSpace(t[j]) {
			j++
		}
		if j == from {
			continue
		}
		e := runOf(t, j, isB64Byte)
		for e < len(t) && t[e] == '=' {
			e++
		}
		if e-j >= 8 && basicCredential(t[j:e]) {
			d.add(j, e, foundStructural)
			from = e
		}
	}
	// --token abc, --password=abc; curl -u / --user user:PASS, -uuser:PASS
	for from := 0; ; {
		k := strings.IndexByte(t[from:], '-')
		if k < 0 {
			break
		}
		i := from + k
		from = i + 1
		if i > 0 && !isSpace(t[i-1]) && t[i-1] != '\'' && t[i-1] != '"' && t[i-1] != '(' {
			continue
		}
		long := i+1 < len(t) && t[i+1] == '-'
		j := i + 1
		if long {
			j++
		}
		ne := runOf(t, j, isAlnumDash)
		name := t[j:ne]
		if name == "" {
			continue
		}
		user, attached := false, false
		switch {
		case long && (name == "user" || name == "proxy-user"):
			user = true
		case long && IsSecretKey(name):
		case !long && name == "u":
			user = true
		case !long && name[0] == 'u':
			user, attached = true, true // -uuser:PASS
		default:
			from = ne
			continue
		}
		v := ne
		switch {
		case attached:
			v = i + 2
		case v < len(t) && t[v] == '=':
			v++
		case v < len(t) && isBlank(t[v]):
			for v < len(t) && isBlank(t[v]) {
				v++
			}
		default:
			from = ne
			continue
		}
		if v >= len(t) {
			break
		}
		e := v
		if q := t[v]; q == '\'' || q == '"' {
			v++
			ce, _ := quotedEnd(t, v-1)
			e = ce
		} else {
			if !user && t[v] == '-' {
				from = ne
				continue
			}
			for e < len(t) && !isSpace(t[e]) && t[e] != '\'' && t[e] != '"' {
				e++
			}
		}
		if user {
			if c := strings.IndexByte(t[v:e], ':'); c >= 0 && v+c+1 < e && maskable(t[v+c+1:e]) {
				d.add(v+c+1, e, foundStructural)
			}
		} else if maskable(t[v:e]) {
			d.add(v, e, foundStructural)
		}
		from = max(e, ne)
	}
	// crypt(3) password hashes: $6$salt$hash, $2b$12$…, $argon2id$v=19$…
	for from := 0; ; {
		k := strings.IndexByte(t[from:], '$')
		if k < 0 {
			break
		}
		i := from + k
		from = i + 1
		id := t[i+1 : i+1+runOf(t[i+1:], 0, isAlnum)]
		if !cryptIDs[id] || i+1+len(id) >= len(t) || t[i+1+len(id)] != '$' {
			continue
		}
		e := runOf(t, i, isCryptByte)
		if e-i >= 20 {
			d.add(i, e, foundStructural)
			from = e
		}
	}
	// scheme://user:PASS@
	for _, p := range urlPasswords(t) {
		d.add(p[0], p[1], foundStructural)
	}
	// private key blocks: from the BEGIN line to the END line (or the end
	// of the text when it is cut off)
	for from := 0; ; {
		k := strings.Index(t[from:], "-----BEGIN ")
		if k < 0 {
			break
		}
		i := from + k
		from = i + 11
		he := privateKeyHeaderEnd(t, i)
		if he < 0 {
			continue
		}
		end := len(t)
		if e := strings.Index(t[he:], "-----END "); e >= 0 {
			end = he + e + len("-----END ")
			if c := strings.Index(t[end:min(len(t), end+80)], "-----"); c >= 0 {
				end += c + 5
			} else {
				end = lineEnd(t, end)
			}
		}
		d.add(i, end, foundStructural)
		from = end
	}
	// a line of base64 key material (PEM bodies are 64 columns)
	for ls := 0; ls < len(t); {
		le := lineEnd(t, ls)
		a := ls
		if a < le && (t[a] == '-' || t[a] == '+' || t[a] == ' ') {
			a++
		}
		for a < le && isBlank(t[a]) {
			a++
		}
		b := a
		for b < le && (isAlnum(t[b]) || t[b] == '+' || t[b] == '/') {
			b++
		}
		n := b - a
		for p := 0; b < le && t[b] == '=' && p < 2; p++ {
			b++
		}
		e := b
		for e < le && isBlank(t[e]) {
			e++
		}
		if n >= 60 && e == le {
			d.add(a, b, foundStructural)
		}
		ls = le
		if ls < len(t) && t[ls] == '\r' {
			ls++
		}
		if ls < len(t) {
			ls++
		}
	}
}

// cryptIDs are the ids of crypt(3) hash schemes.
var cryptIDs = map[string]bool{"1": true, "2a": true, "2b": true, "2y": true, "5": true, "6": true, "7": true,
	"y": true, "gy": true, "sha1": true, "md5": true, "argon2i": true, "argon2id": true, "scrypt": true, "pbkdf2": true}

func isCryptByte(c byte) bool {
	return isAlnum(c) || c == '$' || c == '.' || c == '/' || c == '=' || c == ',' || c == '+' || c == '-' || c == '_'
}

// basicCredential reports base64 that decodes to user:password.
func basicCredential(b64 string) bool { return basicPassword(b64) != "" }

// basicPassword is the password of base64 that decodes to user:password,
// or "".
func basicPassword(b64 string) string {
	if len(b64) < 8 || len(b64) > 1024 {
		return ""
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(b64); err == nil {
			if c := strings.IndexByte(string(raw), ':'); c > 0 && c < len(raw)-1 && utf8.Valid(raw) {
				return string(raw[c+1:])
			}
		}
	}
	return ""
}

// shapeStarts indexes tokenShapes by their first byte.
var shapeStarts = func() [256][]int {
	var idx [256][]int
	for i, s := range tokenShapes {
		idx[s.prefix[0]] = append(idx[s.prefix[0]], i)
	}
	return idx
}()

// shapeNext is, for each first byte, the set of second bytes of the
// tokenShapes prefixes starting with it (a 256-bit set).
var shapeNext = func() [256][4]uint64 {
	var next [256][4]uint64
	for _, s := range tokenShapes {
		if len(s.prefix) < 2 {
			panic("model: token shape prefix " + s.prefix + " is shorter than the two bytes scanShapes looks at")
		}
		c, n := s.prefix[0], s.prefix[1]
		next[c][n>>6] |= 1 << (n & 63)
	}
	return next
}()

// scanShapes masks every vendor token shape in the text (the whole run of
// token bytes after a known prefix), Telegram bot tokens, JWTs, Discord
// tokens and Slack webhook paths.
func (d *detection) scanShapes() {
	t := d.t
	skip := 0 // shapes ending before skip were masked already
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == 'x' && strings.HasPrefix(t[i:], "xapp-") {
			if end, ok := slackAppAt(t, i); ok {
				d.add(i, end, foundStructural)
				skip = max(skip, end)
			}
		}
		if c == ':' && i >= 8 {
			// digits before the colon: a Telegram bot token
			st := i
			for st > 0 && i-st < 11 && isDigit(t[st-1]) {
				st--
			}
			if (st == 0 || !isTokenByte(t[st-1])) && i-st >= 8 {
				if end, ok := telegramAt(t, st, false); ok {
					d.add(st, end, foundStructural)
				}
			}
		}
		if i < skip {
			continue
		}
		// every prefix is 3+ bytes: most letters that start one ("s" of
		// "sessions") are ruled out by the next byte, without a HasPrefix
		// per shape
		if i+1 >= len(t) || shapeNext[c][t[i+1]>>6]&(1<<(t[i+1]&63)) == 0 {
			continue
		}
		for _, si := range shapeStarts[c] {
			sh := &tokenShapes[si]
			if !strings.HasPrefix(t[i:], sh.prefix) {
				continue
			}
			if sh.bounded && i > 0 && isTokenByte(t[i-1]) {
				continue
			}
			end := runOf(t, i+len(sh.prefix), sh.body)
			if end-(i+len(sh.prefix)) >= sh.min {
				// the whole run of token bytes is masked, whatever the
				// shape's own body alphabet
				end = runOf(t, end, isTokenByte)
				d.add(i, end, foundStructural)
				skip = max(skip, end)
				break
			}
		}
	}
	// JWTs and Discord tokens: three dotted parts inside a run of
	// [A-Za-z0-9_.-]
	for i := 0; i < len(t); {
		if !isDottedByte(t[i]) {
			i++
			continue
		}
		e := runOf(t, i, isDottedByte)
		if strings.Count(t[i:e], ".") >= 2 {
			d.dotted(i, e)
		}
		i = e
	}
	if j := slackWebhookAt(t); j >= 0 {
		for from := 0; ; {
			k := strings.Index(t[from:], "hooks.slack.com/services/")
			if k < 0 {
				break
			}
			p := from + k + len("hooks.slack.com/services/")
			if end, ok := slackWebhookPath(t, p); ok {
				d.add(p, end, foundStructural)
				from = end
			} else {
				from = p
			}
		}
	}
}

// dotted checks every three consecutive dot-separated parts of the run
// [a, b) for a JWT or a Discord token.
func (d *detection) dotted(a, b int) {
	t := d.t
	starts := []int{a}
	for i := a; i < b; i++ {
		if t[i] == '.' {
			starts = append(starts, i+1)
		}
	}
	starts = append(starts, b+1) // so part k is t[starts[k] : starts[k+1]-1]
	for k := 0; k+3 < len(starts); k++ {
		if dottedParts(t[starts[k]:starts[k+1]-1], t[starts[k+1]:starts[k+2]-1], t[starts[k+2]:starts[k+3]-1]) != "" {
			d.add(starts[k], starts[k+3]-1, foundStructural)
		}
	}
}

// ----- registered values ---------------------------------------------------

// regKeyLen is the length of the window the registered-value index hashes:
// every form is at least this long (MinRegistered).
const regKeyLen = 6

// regIndex finds every registered form in one pass over a text: a rolling
// 6-byte window is looked up in a bit filter, and only on a hit in the map
// of form starts. A value's last 12 bytes are indexed too, for a value
// wrapped onto a new line.
type regIndex struct {
	bits  []uint64
	shift uint
	keys  map[uint64][]regEntry
	short []string // forms under regKeyLen bytes (AddKnown), searched one by one
}

type regEntry struct {
	form *secretForm
	tail bool // the key starts the value's last 12 bytes
}

func regKey(s string, i int) uint64 {
	_ = s[i+regKeyLen-1]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 | uint64(s[i+4])<<32 | uint64(s[i+5])<<40
}

func (x *regIndex) slot(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> x.shift }

func newRegIndex(forms []secretForm) *regIndex {
	if len(forms) == 0 {
		return nil
	}
	x := &regIndex{keys: map[uint64][]regEntry{}}
	nbits := 1 << 12
	for nbits < 16*2*len(forms) {
		nbits <<= 1
	}
	x.bits = make([]uint64, nbits/64)
	x.shift = uint(64 - bitsLen(nbits))
	put := func(key string, e regEntry) {
		k := regKey(key, 0)
		x.keys[k] = append(x.keys[k], e)
		h := x.slot(k)
		x.bits[h>>6] |= 1 << (h & 63)
	}
	for i := range forms {
		f := &forms[i]
		if len(f.text) < regKeyLen {
			x.short = append(x.short, f.text)
			continue
		}
		put(f.text, regEntry{form: f})
		if !f.base64 && len(f.text) > 12 {
			put(f.text[len(f.text)-12:], regEntry{form: f, tail: true})
		}
	}
	return x
}

func bitsLen(n int) int {
	b := 0
	for ; n > 1; n >>= 1 {
		b++
	}
	return b
}

// scanRegistered masks every registered form, and a registered value cut
// short by truncation ("…" or "..." after 8+ of its first bytes, or the
// end of a line after 12+) or wrapped onto a new line (12+ of its last
// bytes at the start of a line). Overlapping finds are merged as they are
// made, so repetitive text cannot multiply them.
func (d *detection) scanRegistered(x *regIndex) {
	if x == nil {
		return
	}
	t := d.t
	cur := span{-1, -1}
	flush := func() {
		if cur.a >= 0 {
			d.add(cur.a, cur.b, foundRegistered)
		}
	}
	hit := func(a, b int) {
		if cur.a >= 0 && a <= cur.b {
			cur.b = max(cur.b, b)
			return
		}
		flush()
		cur = span{a, b}
	}
	for _, f := range x.short {
		for from := 0; ; {
			k := strings.Index(t[from:], f)
			if k < 0 {
				break
			}
			d.add(from+k, from+k+len(f), foundRegistered)
			from += k + len(f)
		}
	}
	for i := 0; i+regKeyLen <= len(t); i++ {
		k := regKey(t, i)
		h := x.slot(k)
		if x.bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, e := range x.keys[k] {
			s := e.form.text
			if e.tail {
				tail := s[len(s)-12:]
				if !strings.HasPrefix(t[i:], tail) {
					continue
				}
				end := i + 12
				n := 12
				for n < len(s) && end-n-1 >= 0 && t[end-n-1] == s[len(s)-n-1] {
					n++
				}
				st := end - n
				ls := st
				for ls > 0 && isBlank(t[ls-1]) {
					ls--
				}
				if n < len(s) && (ls == 0 || t[ls-1] == '\n') {
					hit(st, end)
				}
				continue
			}
			n := 0
			for n < len(s) && i+n < len(t) && t[i+n] == s[n] {
				n++
			}
			if n == len(s) {
				hit(i, i+n)
				continue
			}
			if e.form.base64 || n < 8 {
				continue
			}
			rest := t[i+n:]
			if strings.HasPrefix(rest, "…") || strings.HasPrefix(rest, "...") ||
				(n >= 12 && (rest == "" || rest[0] == '\n' || rest[0] == '\r' || rest[0] == 0x1b)) {
				hit(i, i+n)
			}
		}
	}
	flush()
}
