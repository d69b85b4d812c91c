package model

import (
	"strings"
	"unicode"
)

// This file is the one secret detector shared by diffs, the audit's
// plaintext-secret check and every output path (mask.go applies it). The key
// name comes first, then vendor token shapes (reference/anchors.md §E). The
// token shapes are a curated table after detect-secrets and gitleaks (both
// MIT), plus the providers OpenClaw's env examples use that they lack
// (OpenRouter, Groq, xAI).
//
// Nothing here is a regular expression: every check is a single pass over
// its input, so a multi-megabyte value costs linear time (issue 10: an 8 MB
// string took 5 s in Go's regexp engine).

// secretLastWords are the final words of a key name that mark its value as a
// secret: botToken, signingSecret, OPENCLAW_GATEWAY_PASSWORD, api_key,
// headers.Authorization, Cookie / Set-Cookie, apiKeys…
var secretLastWords = map[string]bool{
	"token": true, "secret": true, "password": true, "passwd": true,
	"passphrase": true, "apikey": true, "privatekey": true, "secretkey": true,
	"accesskey": true, "credential": true, "authorization": true, "cookie": true,
	"bearer": true,
	// plurals: arrays of secrets (apiKeys: [...], secrets: [...])
	"secrets": true, "passwords": true, "credentials": true, "apikeys": true,
	"cookies": true, "privatekeys": true,
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

// secretPluralPrefixes are the words before a final "keys" or "tokens" that
// make the list one of secrets (apiKeys, accessTokens), unlike maxTokens or
// sortKeys.
var secretPluralPrefixes = map[string]bool{
	"api": true, "access": true, "secret": true, "private": true, "signing": true,
	"encryption": true, "refresh": true, "auth": true, "bot": true, "app": true,
	"bearer": true, "gateway": true, "hook": true, "hooks": true, "webhook": true,
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

// maxKeyLen bounds the names IsSecretKey looks at: longer "keys" are text.
const maxKeyLen = 200

// IsSecretKey reports whether a config key, env var or header name holds a
// secret: token, password, secret, apiKey/api_key, botToken, appToken,
// signingSecret, accessToken, refreshToken, clientSecret, privateKey,
// webhookSecret, OPENAI_API_KEY, Authorization, Proxy-Authorization, Cookie,
// Set-Cookie, basicAuth, apiKeys, and any name whose last word is Token,
// Secret, Password or Key — except names that only point at a secret
// (tokenFile, keyRef, passwordFile, secretRef, tokenEnv…) or name a
// non-secret key (publicKey, sessionKey, maxTokens…).
func IsSecretKey(key string) bool {
	if len(key) > maxKeyLen {
		return false
	}
	if lowerWord(key) {
		// one lower-case word ("id", "workspace", "token"): what keyWords
		// would give, without building it (every key of the config is asked,
		// 100,000 of them on a config listing 50,000 agents)
		return secretWords(key, "")
	}
	return secretKeyWords(key)
}

// secretKeyWords is IsSecretKey on the words of any key.
func secretKeyWords(key string) bool {
	words := keyWords(key)
	// a trailing index does not change what a name holds: API_KEYS_0,
	// TOKEN_2, apiKey2
	for len(words) > 0 && strings.Trim(words[len(words)-1], "0123456789") == "" {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return false
	}
	words[len(words)-1] = strings.TrimRight(words[len(words)-1], "0123456789")
	prev := ""
	if len(words) >= 2 {
		prev = words[len(words)-2]
	}
	return secretWords(words[len(words)-1], prev)
}

// lowerWord reports a non-empty key of ASCII lower-case letters only.
func lowerWord(key string) bool {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return key != ""
}

// secretWords is IsSecretKey's rule on a key's last word and the word
// before it ("" when none).
func secretWords(last, prev string) bool {
	if secretLastWords[last] {
		return true
	}
	switch last {
	case "key", "pwd", "pass":
		// a bare "key" is usually an identifier
		return prev != "" && !notSecretKeyPrefixes[prev]
	case "keys", "tokens":
		return secretPluralPrefixes[prev]
	case "auth":
		return prev == "basic" || prev == "proxy" || prev == "http"
	}
	return false
}

// Byte classes of token bodies.
func isTokenByte(c byte) bool { // [A-Za-z0-9_-]
	return c == '_' || c == '-' || isAlnum(c)
}

func isAlnum(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isUpperOrDigit(c byte) bool { return ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') }

func isAlnumDash(c byte) bool { return c == '-' || isAlnum(c) } // [A-Za-z0-9-]

func isAlnumUnderscore(c byte) bool { return c == '_' || isAlnum(c) } // [A-Za-z0-9_]

// tokenShape is one vendor token: a literal prefix followed by a body of
// body bytes, at least min (and, when max > 0, for LooksLikeToken at most
// max) long. bounded shapes need a non-token byte (or the start) before the
// prefix when found inside text; the distinctive prefixes do not, so a token
// glued to a word is still masked.
type tokenShape struct {
	kind     string
	prefix   string
	body     func(byte) bool
	min, max int
	bounded  bool
}

// tokenShapes is ordered: more specific prefixes (sk-ant-, sk-or-) before
// the generic OpenAI sk-.
var tokenShapes = []tokenShape{
	{"anthropic", "sk-ant-", isTokenByte, 20, 0, false},
	{"openrouter", "sk-or-", isTokenByte, 20, 0, false},
	{"openai", "sk-", isTokenByte, 20, 0, true}, // sk-proj-, sk-svcacct-, sk-admin- included
	{"slack", "xoxa-", isAlnumDash, 10, 0, false},
	{"slack", "xoxb-", isAlnumDash, 10, 0, false},
	{"slack", "xoxp-", isAlnumDash, 10, 0, false},
	{"slack", "xoxo-", isAlnumDash, 10, 0, false},
	{"slack", "xoxs-", isAlnumDash, 10, 0, false},
	{"slack", "xoxr-", isAlnumDash, 10, 0, false},
	{"github", "ghp_", isAlnum, 36, 0, false},
	{"github", "gho_", isAlnum, 36, 0, false},
	{"github", "ghu_", isAlnum, 36, 0, false},
	{"github", "ghs_", isAlnum, 36, 0, false},
	{"github", "ghr_", isAlnum, 36, 0, false},
	{"github", "github_pat_", isAlnumUnderscore, 22, 0, false},
	{"google", "AIza", isTokenByte, 35, 35, false},
	{"huggingface", "hf_", isAlnum, 30, 0, true},
	{"groq", "gsk_", isAlnum, 20, 0, false},
	{"xai", "xai-", isAlnum, 40, 0, false},
	{"perplexity", "pplx-", isAlnum, 40, 0, false},
	{"gitlab", "glpat-", isTokenByte, 20, 0, false},
	{"npm", "npm_", isAlnum, 36, 36, true},
	{"stripe", "sk_live_", isAlnum, 16, 0, false},
	{"stripe", "rk_live_", isAlnum, 16, 0, false},
	{"stripe", "sk_test_", isAlnum, 16, 0, false},
	{"aws", "AKIA", isUpperOrDigit, 16, 16, true},
	{"aws", "ASIA", isUpperOrDigit, 16, 16, true},
}

// LooksLikeToken reports whether s (trimmed) has a known vendor token shape
// and which: anthropic, openai, openrouter, slack, slack-app, slack-webhook,
// telegram, discord, github, gitlab, google, huggingface, groq, xai,
// perplexity, npm, stripe, aws, jwt, private-key, url-basic-auth. Most
// shapes must be the whole value; a private key, a Slack webhook URL and a
// URL with a password count anywhere in it. ${VAR} references are never
// tokens.
func LooksLikeToken(s string) (kind string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(EnvRefs(s)) > 0 {
		return "", false
	}
	for _, t := range tokenShapes {
		if !strings.HasPrefix(s, t.prefix) {
			continue
		}
		n := runOf(s, len(t.prefix), t.body) - len(t.prefix)
		if n == len(s)-len(t.prefix) && n >= t.min && (t.max == 0 || n <= t.max) {
			return t.kind, true
		}
	}
	if end, ok := slackAppAt(s, 0); ok && end == len(s) {
		return "slack-app", true
	}
	if end, ok := telegramAt(s, 0, true); ok && end == len(s) {
		return "telegram", true
	}
	if strings.IndexByte(s, '.') > 0 {
		if end := runOf(s, 0, isDottedByte); end == len(s) {
			if kind := dottedKind(s); kind != "" {
				return kind, true
			}
		}
	}
	if slackWebhookAt(s) >= 0 {
		return "slack-webhook", true
	}
	if i := strings.Index(s, "-----BEGIN "); i >= 0 && privateKeyHeaderEnd(s, i) > 0 {
		return "private-key", true
	}
	if len(urlPasswords(s)) > 0 {
		return "url-basic-auth", true
	}
	return "", false
}

// runOf returns the end of the run of bytes accepted by ok starting at i.
func runOf(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

// slackAppAt matches xapp-<digits>-<10+ of [A-Za-z0-9-]> at i.
func slackAppAt(s string, i int) (int, bool) {
	if !strings.HasPrefix(s[i:], "xapp-") {
		return 0, false
	}
	j := runOf(s, i+5, isDigit)
	if j == i+5 || j >= len(s) || s[j] != '-' {
		return 0, false
	}
	end := runOf(s, j+1, isAlnumDash)
	return end, end-(j+1) >= 10
}

// telegramAt matches a bot token <8-10 digits>:<35 token bytes> whose digits
// start at i. exact requires the secret part to be exactly 35 bytes.
func telegramAt(s string, i int, exact bool) (int, bool) {
	j := runOf(s, i, isDigit)
	if n := j - i; n < 8 || n > 10 || j >= len(s) || s[j] != ':' {
		return 0, false
	}
	end := runOf(s, j+1, isTokenByte)
	n := end - (j + 1)
	return end, n == 35 || (!exact && n > 35)
}

// isDottedByte is [A-Za-z0-9_.-]: JWTs and Discord tokens.
func isDottedByte(c byte) bool { return c == '.' || isTokenByte(c) }

// dottedKind classifies a whole run of dotted bytes: a JWT
// (eyJ….….…, each part 8+) or a Discord bot token ([MNO]+23-25 . 6 . 27-38).
func dottedKind(run string) string {
	a, rest, ok1 := strings.Cut(run, ".")
	b, c, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.IndexByte(c, '.') >= 0 {
		return ""
	}
	return dottedParts(a, b, c)
}

// dottedParts classifies three dot-separated parts.
func dottedParts(a, b, c string) string {
	if strings.HasPrefix(a, "eyJ") && len(a) >= 11 && len(b) >= 8 && len(c) >= 8 {
		return "jwt"
	}
	if len(a) >= 24 && len(a) <= 26 && (a[0] == 'M' || a[0] == 'N' || a[0] == 'O') &&
		len(b) == 6 && len(c) >= 27 && len(c) <= 38 {
		return "discord"
	}
	return ""
}

// slackWebhookAt returns the start of the secret path of a Slack incoming
// webhook URL (hooks.slack.com/services/T…/B…/…) in s, or -1.
func slackWebhookAt(s string) int {
	const host = "hooks.slack.com/services/"
	i := strings.Index(s, host)
	if i < 0 {
		return -1
	}
	j := i + len(host)
	if end, ok := slackWebhookPath(s, j); ok && end > j {
		return j
	}
	return -1
}

// slackWebhookPath matches T<alnum>/B<alnum>/<alnum> at i.
func slackWebhookPath(s string, i int) (int, bool) {
	for n, lead := range []byte{'T', 'B', 0} {
		if lead != 0 {
			if i >= len(s) || s[i] != lead {
				return 0, false
			}
			i++
		}
		j := runOf(s, i, isAlnum)
		if j == i {
			return 0, false
		}
		i = j
		if n < 2 {
			if i >= len(s) || s[i] != '/' {
				return 0, false
			}
			i++
		}
	}
	return i, true
}

// privateKeyHeaderEnd returns the end of a "-----BEGIN … PRIVATE KEY-----"
// header starting at i, or -1.
func privateKeyHeaderEnd(s string, i int) int {
	j := i + len("-----BEGIN ")
	k := j
	for k < len(s) && (isUpperOrDigit(s[k]) || s[k] == ' ') && k-j < 64 {
		k++
	}
	label := s[j:k]
	if !strings.HasSuffix(label, "PRIVATE KEY") && !strings.HasSuffix(label, "PRIVATE KEY BLOCK") {
		return -1
	}
	if !strings.HasPrefix(s[k:], "-----") {
		return -1
	}
	return k + 5
}

// urlPasswords finds the password of every scheme://user:password@ in s, as
// [start, end) pairs. ${VAR} passwords are not secrets.
func urlPasswords(s string) [][2]int {
	var out [][2]int
	from := 0
	for {
		k := strings.Index(s[from:], "://")
		if k < 0 {
			return out
		}
		k += from
		from = k + 3
		// a scheme before it: [A-Za-z][A-Za-z0-9+.-]*
		st := k
		for st > 0 && (isAlnum(s[st-1]) || s[st-1] == '+' || s[st-1] == '.' || s[st-1] == '-') {
			st--
		}
		if st == k || !(('a' <= s[st] && s[st] <= 'z') || ('A' <= s[st] && s[st] <= 'Z')) {
			continue
		}
		// userinfo: [^/\s:@'"]+ ":" [^/\s@'"]+ "@"
		i := k + 3
		u := i
		for u < len(s) && !isURLStop(s[u]) && s[u] != ':' {
			u++
		}
		if u == i || u >= len(s) || s[u] != ':' {
			continue
		}
		p := u + 1
		q := p
		for q < len(s) && !isURLStop(s[q]) {
			q++
		}
		if q == p || q >= len(s) || s[q] != '@' {
			continue
		}
		if len(EnvRefs(s[p:q])) > 0 {
			continue
		}
		out = append(out, [2]int{p, q})
		from = q
	}
}

// isURLStop ends a URL's userinfo: / @ ' " and white space.
func isURLStop(c byte) bool {
	return c == '/' || c == '@' || c == '\'' || c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
