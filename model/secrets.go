package model

import (
	"regexp"
	"strings"
	"unicode"
)

// This file is the one secret detector shared by diffs, the audit's
// plaintext-secret check and every output path. Detection order follows
// reference/anchors.md §E: the key name first, then vendor token shapes.
// Token shapes are a curated table after detect-secrets and gitleaks (both
// MIT), plus the providers OpenClaw's env examples use that they lack
// (OpenRouter, Groq, xAI).

// secretLastWords are the final words of a key name that mark its value as a
// secret: botToken, signingSecret, OPENCLAW_GATEWAY_PASSWORD, api_key…
var secretLastWords = map[string]bool{
	"token": true, "secret": true, "password": true, "passwd": true,
	"passphrase": true, "apikey": true, "privatekey": true, "secretkey": true,
	"accesskey": true, "credential": true,
}

// notSecretKeyPrefixes are the words before a final "key" that make it an
// identifier rather than a secret (publicKey, sessionKey, mainKey…).
var notSecretKeyPrefixes = map[string]bool{
	"public": true, "session": true, "main": true, "sort": true, "primary": true,
	"cache": true, "idempotency": true, "partition": true, "routing": true,
	"group": true, "hot": true, "shortcut": true, "foreign": true, "lookup": true,
	"dedupe": true, "dedup": true, "map": true, "hash": true, "object": true,
	"storage": true, "thread": true, "conversation": true, "queue": true,
	"rate": true, "limit": true, "config": true, "i18n": true, "translation": true,
}

// notSecretLastWords end names that point at a secret without being one.
var notSecretLastWords = map[string]bool{
	"tokens": true, // maxTokens, contextTokens
}

// keyWords splits a key name into lower-case words at camelCase boundaries
// and at _, -, . and spaces: "OPENAI_API_KEY" → [openai api key],
// "botToken" → [bot token], "APIKey" → [api key].
func keyWords(key string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ' || r == '$':
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// IsSecretKey reports whether a config key, env var or header name holds a
// secret: token, password, secret, apiKey/api_key, botToken, appToken,
// signingSecret, accessToken, refreshToken, clientSecret, privateKey,
// webhookSecret, OPENAI_API_KEY, and any name whose last word is Token,
// Secret, Password or Key — except names that only point at a secret
// (tokenFile, keyRef, passwordFile, secretRef, tokenEnv…) or name a
// non-secret key (publicKey, sessionKey, maxTokens…).
func IsSecretKey(key string) bool {
	words := keyWords(key)
	if len(words) == 0 {
		return false
	}
	last := words[len(words)-1]
	if notSecretLastWords[last] {
		return false
	}
	if secretLastWords[last] {
		return true
	}
	if last == "key" || last == "pwd" || last == "pass" {
		if len(words) < 2 {
			return false // a bare "key" is usually an identifier
		}
		return !notSecretKeyPrefixes[words[len(words)-2]]
	}
	return false
}

// tokenShape is one vendor token pattern. The secret is submatch 1; the
// pattern may consume one boundary character on either side.
type tokenShape struct {
	kind string
	re   *regexp.Regexp
	// whole: LooksLikeToken requires the secret to be the whole value.
	// Otherwise (private keys, URL credentials) containing it is enough.
	whole bool
}

const (
	lb = `(?:^|[^A-Za-z0-9_-])` // left boundary
	rb = `(?:$|[^A-Za-z0-9_-])` // right boundary
)

// tokenShapes is ordered: more specific prefixes (sk-ant-, sk-or-) before
// the generic OpenAI sk-.
var tokenShapes = []tokenShape{
	{"anthropic", regexp.MustCompile(lb + `(sk-ant-[A-Za-z0-9_-]{20,})` + rb), true},
	{"openrouter", regexp.MustCompile(lb + `(sk-or-[A-Za-z0-9_-]{20,})` + rb), true},
	{"openai", regexp.MustCompile(lb + `(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})` + rb), true},
	{"slack-webhook", regexp.MustCompile(`(?:https?://)?hooks\.slack\.com/services/(T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+)`), false},
	{"slack", regexp.MustCompile(lb + `(xox[abposr]-[A-Za-z0-9-]{10,})` + rb), true},
	{"slack-app", regexp.MustCompile(lb + `(xapp-[0-9]+-[A-Za-z0-9-]{10,})` + rb), true},
	{"telegram", regexp.MustCompile(`(?:^|[^0-9A-Za-z_-])([0-9]{8,10}:[A-Za-z0-9_-]{35})` + rb), true},
	{"discord", regexp.MustCompile(lb + `([MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})` + rb), true},
	{"github", regexp.MustCompile(lb + `(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})` + rb), true},
	{"google", regexp.MustCompile(lb + `(AIza[0-9A-Za-z_-]{35})` + rb), true},
	{"huggingface", regexp.MustCompile(lb + `(hf_[A-Za-z0-9]{30,})` + rb), true},
	{"groq", regexp.MustCompile(lb + `(gsk_[A-Za-z0-9]{20,})` + rb), true},
	{"xai", regexp.MustCompile(lb + `(xai-[A-Za-z0-9]{40,})` + rb), true},
	{"perplexity", regexp.MustCompile(lb + `(pplx-[A-Za-z0-9]{40,})` + rb), true},
	{"jwt", regexp.MustCompile(lb + `(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})` + rb), true},
	{"private-key", regexp.MustCompile(`(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*)`), false},
	{"url-basic-auth", regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@'"]+:([^/\s@'"]+)@`), false},
}

// LooksLikeToken reports whether s (trimmed) has a known vendor token shape
// and which: anthropic, openai, openrouter, slack, slack-app, slack-webhook,
// telegram, discord, github, google, huggingface, groq, xai, perplexity,
// jwt, private-key, url-basic-auth. ${VAR} references are never tokens.
func LooksLikeToken(s string) (kind string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(EnvRefs(s)) > 0 {
		return "", false
	}
	for _, t := range tokenShapes {
		m := t.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		if !t.whole || (m[2] == 0 && m[3] == len(s)) {
			return t.kind, true
		}
	}
	return "", false
}

// kvRe finds a key followed by its value: "key": "value", 'key': 'value',
// key: value, KEY=value, KEY="value". Groups: 1-3 the key (double-quoted,
// single-quoted, bare), 4-6 the value (double-quoted, single-quoted, bare).
var kvRe = regexp.MustCompile(`(?:"([^"\\\n]+)"|'([^'\\\n]+)'|([A-Za-z_$][A-Za-z0-9_$.-]*))\s*[:=]\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|([^\s,;#}\]'"]+))`)

// flagRe finds a command-line flag carrying a secret: --token abc, --password=abc.
var flagRe = regexp.MustCompile(`--([A-Za-z][A-Za-z0-9-]*)(?:=|\s+)([^\s'"-][^\s'"]*)`)

// bearerRe finds an HTTP bearer credential.
var bearerRe = regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9._~+/-]{8,}=*)`)

// pemBodyRe is a line of base64 key material (PEM bodies are 64 columns).
var pemBodyRe = regexp.MustCompile(`^([-+ ]?\s*)([A-Za-z0-9+/]{60,}={0,2})(\s*)$`)

// maskedRe recognises output of Mask so MaskText is idempotent.
var maskedRe = regexp.MustCompile(`^…\(\d+ chars\)`)

// maskable reports whether a value found next to a secret key should be
// masked: not empty, not a ${VAR} reference, not a literal like true/null,
// not already masked.
func maskable(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "false", "null", "undefined", "{", "[", `""`, "''":
		return false
	}
	if len(EnvRefs(v)) > 0 || strings.Contains(v, "…(") {
		return false
	}
	return true
}

// MaskText masks secrets inside free text — a line of a diff, a log line,
// a finding's detail: the value of every secret key in `key: "value"`,
// `"key": 'value'` and `KEY=value` (env files, systemd Environment=), the
// value of --token/--password style flags and bearer credentials, and every
// token-shaped substring. Values are replaced with Mask(value); quotes and
// everything else are kept. ${VAR} references and SecretRef ids are never
// masked, and masking already-masked text changes nothing.
func MaskText(s string) string {
	if s == "" {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		body := strings.TrimRight(l, "\r\n")
		lines[i] = maskLine(body) + l[len(body):]
	}
	return strings.Join(lines, "")
}

// maskLine masks one line without its line ending.
func maskLine(s string) string {
	s = maskKeyValues(s)
	s = replaceGroup(s, flagRe, 2, func(m []string) bool { return IsSecretKey(m[1]) })
	s = replaceGroup(s, bearerRe, 1, nil)
	for _, t := range tokenShapes {
		s = replaceGroup(s, t.re, 1, nil)
	}
	if m := pemBodyRe.FindStringSubmatch(s); m != nil {
		s = m[1] + Mask(m[2]) + m[3]
	}
	return s
}

// maskKeyValues masks the values of secret keys. It scans key by key so that
// `Environment=OPENCLAW_GATEWAY_TOKEN=abc` finds the inner key too.
func maskKeyValues(s string) string {
	var out strings.Builder
	pos := 0
	for pos < len(s) {
		m := kvRe.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			break
		}
		key, keyEnd := "", 0
		for g := 1; g <= 3; g++ {
			if m[2*g] >= 0 {
				key, keyEnd = s[pos+m[2*g]:pos+m[2*g+1]], m[2*g+1]
				break
			}
		}
		// the key must start at a boundary (not in the middle of a word)
		keyStart := m[0]
		atBoundary := pos+keyStart == 0 || !isWordByte(s[pos+keyStart-1])
		vs, ve := -1, -1
		for g := 4; g <= 6; g++ {
			if m[2*g] >= 0 {
				vs, ve = m[2*g], m[2*g+1]
				break
			}
		}
		if atBoundary && vs >= 0 && IsSecretKey(key) {
			val := s[pos+vs : pos+ve]
			if maskable(val) && !maskedRe.MatchString(val) {
				out.WriteString(s[pos : pos+vs])
				out.WriteString(Mask(val))
				pos += ve
				continue
			}
		}
		if keyEnd == 0 {
			keyEnd = m[1]
		}
		out.WriteString(s[pos : pos+keyEnd])
		pos += keyEnd
	}
	out.WriteString(s[pos:])
	return out.String()
}

func isWordByte(b byte) bool {
	return b == '_' || b == '$' || b == '-' || b == '.' ||
		('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

// replaceGroup replaces submatch g of every match of re with its mask, when
// ok (if given) accepts the match and the text is maskable.
func replaceGroup(s string, re *regexp.Regexp, g int, ok func(m []string) bool) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var out strings.Builder
	last := 0
	for _, m := range idx {
		if m[2*g] < 0 {
			continue
		}
		if ok != nil {
			sub := make([]string, len(m)/2)
			for i := range sub {
				if m[2*i] >= 0 {
					sub[i] = s[m[2*i]:m[2*i+1]]
				}
			}
			if !ok(sub) {
				continue
			}
		}
		val := s[m[2*g]:m[2*g+1]]
		if !maskable(val) {
			continue
		}
		out.WriteString(s[last:m[2*g]])
		out.WriteString(Mask(val))
		last = m[2*g+1]
	}
	out.WriteString(s[last:])
	return out.String()
}
