package model

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Mask hides a secret: at most 4 leading characters plus the length, e.g.
// "sk-a…(51 chars)". Short secrets (under 12 characters) show no prefix at
// all, so a weak token such as "hook" is never printed; neither does a
// secret that starts with anything but letters, digits, "-", "_" or ".",
// so a mask never carries a quote, a backslash or an escape into the text
// it sits in.
func Mask(secret string) string {
	n := utf8.RuneCountInString(secret)
	if n == 0 {
		return `""`
	}
	if n < 12 {
		return fmt.Sprintf("…(%d chars)", n)
	}
	prefix := secret[:4]
	for i := 0; i < len(prefix); i++ {
		if c := prefix[i]; !(isAlnum(c) || c == '-' || c == '_' || c == '.') {
			return fmt.Sprintf("…(%d chars)", n)
		}
	}
	return fmt.Sprintf("%s…(%d chars)", prefix, n)
}

// Excerpt is how an error message quotes input: a short lower-case word
// (an enum value such as "loopback") quoted as is, anything else masked. A
// parse error at an unquoted secret must not print the secret.
func Excerpt(s string) string {
	plain := len(s) <= 12
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = ('a' <= c && c <= 'z') || c == '-' || c == '_' || c == '.'
	}
	if plain && s != "" && MaskText(s) == s {
		return strconv.Quote(s)
	}
	return Mask(s)
}

// Redactor is the one mask every byte hardshell prints or writes for
// people passes through (stdout, stderr, diffs, the TUI, reports, error
// messages), the way CI systems mask their registered secrets:
//
//   - every registered value (config secrets after ${VAR} substitution,
//     .env values, SecretRef files, auth profiles, credentials, service
//     environments, old and new rotated tokens) wherever it appears — also
//     JSON-escaped, URL-encoded, HTML-escaped or in base64, and when a
//     display cut it short;
//   - values under secret-looking keys in any JSON5, env, plist or header
//     form (a value on the line after its key, a string continued over
//     lines, arrays, nested headers);
//   - vendor token shapes and credentials recognised by their context
//     (Bearer, Basic, curl -u, URL userinfo, private key blocks).
//
// Detection also runs on the text with JSON escapes, %XX, HTML entities and
// ANSI codes decoded, so `<<EOF\nsk-…` or `token%3D…` is no disguise. Every
// pass is linear in the text. A nil *Redactor masks by structure and shape
// only (MaskText). It is safe for concurrent use.
type Redactor struct {
	mu     sync.RWMutex
	values map[string]bool
	forms  []secretForm // every form of every value
	index  *regIndex    // of forms; replaced, never changed, on Add
}

// secretForm is one text the redactor looks for.
type secretForm struct {
	text   string
	base64 bool // a base64 rendering (no truncation rules)
}

// MinRegistered is the shortest value Add registers: shorter ones would
// mask ordinary words everywhere (they are still masked under secret keys).
const MinRegistered = 6

// NewRedactor returns an empty redactor.
func NewRedactor() *Redactor { return &Redactor{values: map[string]bool{}} }

// MaskText masks secrets inside free text by structure and shape alone (no
// registered values): see Redactor. ${VAR} references and SecretRef ids are
// never masked, and masking masked text changes nothing.
func MaskText(s string) string { return (*Redactor)(nil).String(s) }

// registrable reports whether v may be registered: long enough, not a
// literal, a ${VAR} or something a mask itself is made of.
func registrable(v string) bool {
	if len(v) < 3 || !maskable(v) {
		return false
	}
	return !inMaskTail(v)
}

// inMaskTail reports a value that can be part of a mask's "(12 chars)":
// registering it would mask the masks.
func inMaskTail(v string) bool {
	const tail = " chars)"
	if strings.Contains(tail, v) {
		return true
	}
	w := strings.TrimPrefix(v, "(")
	d := runOf(w, 0, isDigit)
	if d == len(w) && len(w) == len(v) {
		return false // digits alone: a number, not a mask
	}
	return strings.HasPrefix(tail, w[d:])
}

// Add registers secret values (values too short or not secret-like are
// ignored; a multi-line value registers each of its long lines too).
func (r *Redactor) Add(values ...string) { r.add(MinRegistered, values) }

// AddKnown registers values known to be secrets (the old and new tokens of
// a rotation) down to 3 characters: a weak old token is masked even where
// it mangles an ordinary word.
func (r *Redactor) AddKnown(values ...string) { r.add(3, values) }

func (r *Redactor) add(minLen int, values []string) {
	if r == nil {
		return
	}
	var fresh []string
	for _, v := range values {
		for _, c := range candidates(v) {
			if len(c) >= minLen && registrable(c) {
				fresh = append(fresh, c)
			}
		}
	}
	if len(fresh) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.values == nil {
		r.values = map[string]bool{}
	}
	changed := false
	for _, v := range fresh {
		if !r.values[v] {
			r.values[v] = true
			changed = true
			r.forms = append(r.forms, formsOf(v)...)
		}
	}
	if changed {
		r.index = newRegIndex(r.forms)
	}
}

// candidates are v, v trimmed, each long line of a multi-line v, and the
// credentials inside v: after an auth scheme ("Basic …", "Bearer …"), the
// password of base64 user:password, the password of a URL's userinfo.
func candidates(v string) []string {
	out := []string{v}
	t := strings.TrimSpace(v)
	if t != v {
		out = append(out, t)
	}
	cred := t
	if sp := strings.IndexAny(t, " \t"); sp > 0 && authSchemes[strings.ToLower(t[:sp])] {
		cred = strings.TrimSpace(t[sp+1:])
		out = append(out, cred)
	}
	if pass := basicPassword(cred); pass != "" {
		out = append(out, pass)
	}
	for _, p := range urlPasswords(t) {
		out = append(out, t[p[0]:p[1]])
	}
	if strings.ContainsAny(v, "\r\n") {
		for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if l = strings.TrimSpace(l); len(l) >= 16 {
				out = append(out, l)
			}
		}
	}
	return out
}

// formsOf lists what v looks like in text beyond itself: forms a decoded
// view would not turn back into v (URL query encoding of spaces, base64 at
// each of the three byte alignments, in both alphabets).
func formsOf(v string) []secretForm {
	out := []secretForm{{text: v}}
	if q := url.QueryEscape(v); q != v && strings.Contains(q, "+") {
		out = append(out, secretForm{text: q})
	}
	for align := 0; align < 3; align++ {
		core := base64Core(v, align)
		if len(core) < 8 {
			continue
		}
		out = append(out, secretForm{text: core, base64: true})
		if u := strings.NewReplacer("+", "-", "/", "_").Replace(core); u != core {
			out = append(out, secretForm{text: u, base64: true})
		}
	}
	return out
}

// base64Core is the part of base64(x + v + y) that depends only on v when v
// starts at byte offset align (mod 3) of the encoded data.
func base64Core(v string, align int) string {
	enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", align) + v))
	start := []int{0, 2, 3}[align] // characters that mix in the bytes before v
	total := align + len(v)
	full := total / 3 * 4
	switch total % 3 { // characters of the last group that v alone decides
	case 1:
		full++
	case 2:
		full += 2
	}
	if start >= full {
		return ""
	}
	return enc[start:full]
}

// Absorb registers every value of o in r.
func (r *Redactor) Absorb(o *Redactor) {
	if r == nil || o == nil || r == o {
		return
	}
	o.mu.RLock()
	vals := make([]string, 0, len(o.values))
	for v := range o.values {
		vals = append(vals, v)
	}
	o.mu.RUnlock()
	r.Add(vals...)
}

// Len is the number of registered values.
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.values)
}

func (r *Redactor) snapshot() *regIndex {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.index
}

// String returns s with every secret masked.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	return apply(s, detect(s, r.snapshot(), false))
}

// Bytes is String for bytes.
func (r *Redactor) Bytes(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	s := string(b)
	out := r.String(s)
	if out == s {
		return b
	}
	return []byte(out)
}

// Error masks an error's message.
func (r *Redactor) Error(err error) string {
	if err == nil {
		return ""
	}
	return r.String(err.Error())
}

// Source masks a whole file shown in a diff: like String, plus .env syntax
// (a quoted value over several lines). The result has the same lines as
// data: a masked value over several lines is masked line by line.
func (r *Redactor) Source(data []byte) string {
	s := string(data)
	if s == "" {
		return s
	}
	return apply(s, detect(s, r.snapshot(), true))
}

// Learn registers every value the structure, shape and pattern rules find
// in text (a .env file, a service file, a credentials file), so that the
// value is masked wherever else it turns up, with or without its key.
func (r *Redactor) Learn(text string) {
	if r == nil || text == "" {
		return
	}
	var vals []string
	for _, f := range detect(text, nil, true) {
		if f.kind == foundStructural {
			vals = append(vals, f.value)
		}
	}
	r.Add(vals...)
}

// detect runs every detector on s and its decoded views and returns the
// ranges of s to mask, sorted.
func detect(s string, reg *regIndex, source bool) []found {
	var out []found
	if !needsDecode(s) {
		// nothing to decode or strip (no escape, %, &, +, ESC or BEL): the
		// text is its only view, so none is built; the finish phase
		// redacts some 80,000 short strings per 50k-agent audit
		out = detectIn(s, nil, reg, source, out)
	} else {
		for _, v := range views(s) {
			out = detectIn(v.text, v, reg, source, out)
		}
	}
	if len(out) < 2 {
		return out
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].a != out[j].a {
			return out[i].a < out[j].a
		}
		return out[i].b > out[j].b
	})
	return out
}

// detectIn runs every detector on the text t of view v (nil: t is the
// original text) and appends what it finds, mapped onto the original.
func detectIn(t string, v *view, reg *regIndex, source bool, out []found) []found {
	d := &detection{t: t}
	d.scanRegistered(reg)
	d.scanKeyValues()
	d.scanPlist()
	d.scanStructure()
	if source {
		d.scanDotenv()
	}
	d.scanPatterns()
	d.scanShapes()
	for i, sp := range d.spans {
		at := sp
		if v != nil {
			at = v.orig(sp)
		}
		out = append(out, found{span: at, value: t[sp.a:sp.b], kind: d.kinds[i]})
	}
	return out
}

// apply replaces each range (overlapping ones merged) with its mask.
func apply(s string, fs []found) string {
	if len(fs) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for i := 0; i < len(fs); {
		a, e := fs[i].a, fs[i].b
		j := i + 1
		for j < len(fs) && fs[j].a < e {
			e = max(e, fs[j].b)
			j++
		}
		a = max(a, last)
		if a < e {
			b.WriteString(s[last:a])
			maskLines(&b, s[a:e])
			last = e
		}
		i = j
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskLines writes the mask of v, one mask per line of it, so masked text
// has the lines of the original (a diff of masked files lines up with the
// files).
func maskLines(b *strings.Builder, v string) {
	for v != "" {
		k := strings.IndexByte(v, '\n')
		if k < 0 {
			b.WriteString(Mask(v))
			return
		}
		line := v[:k]
		end := "\n"
		if strings.HasSuffix(line, "\r") {
			line, end = line[:len(line)-1], "\r\n"
		}
		if line != "" {
			b.WriteString(Mask(line))
		}
		b.WriteString(end)
		v = v[k+1:]
	}
}

// maxPending bounds what a Writer holds back waiting for a line end.
const maxPending = 1 << 20

// Writer masks what goes through it. It masks whole lines (all the
// complete lines of one Write together, so a block written at once is
// masked as a block) and holds back an unfinished line until the next line
// end or Flush.
type Writer struct {
	r   *Redactor
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

// Writer returns a masking writer to w.
func (r *Redactor) Writer(w io.Writer) *Writer { return &Writer{r: r, w: w} }

// Write masks and forwards every complete line of p (with what was held
// back); it reports len(p) written on success.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		// nothing held back (a whole report written at once): mask p's
		// complete lines in place, without first copying megabytes into
		// buf; only an unfinished last line is kept
		if cut := bytes.LastIndexByte(p, '\n') + 1; cut > 0 {
			out := w.r.Bytes(p[:cut])
			w.buf = append(w.buf, p[cut:]...)
			if _, err := w.w.Write(out); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	w.buf = append(w.buf, p...)
	cut := bytes.LastIndexByte(w.buf, '\n') + 1
	if cut == 0 && len(w.buf) < maxPending {
		return len(p), nil
	}
	if cut == 0 {
		cut = len(w.buf)
	}
	out := w.r.Bytes(w.buf[:cut])
	// written before buf is compacted: with nothing to mask out is buf
	// itself, and moving the held-back line to its front would overwrite
	// the lines being written
	_, err := w.w.Write(out)
	rest := copy(w.buf, w.buf[cut:])
	w.buf = w.buf[:rest]
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush masks and forwards what is held back (a prompt without a line
// end).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	out := w.r.Bytes(w.buf)
	w.buf = w.buf[:0]
	_, err := w.w.Write(out)
	return err
}

// File is the terminal or file under w (nil when it is none), for terminal
// checks: bytes for it still go through w.
func (w *Writer) File() *os.File {
	f, _ := w.w.(*os.File)
	return f
}

// Redactor is the redactor w masks with.
func (w *Writer) Redactor() *Redactor { return w.r }

// Unwrap is the writer under w. Writing to it bypasses the mask: only for
// what the user asked to see in full (config get --reveal).
func (w *Writer) Unwrap() io.Writer { return w.w }
