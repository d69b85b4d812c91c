package model

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// jsonInner is s as it appears inside a JSON string.
func jsonInner(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// encodings are the forms of a secret a leak check looks for.
func encodings(s string) []string {
	out := []string{s, jsonInner(s), url.QueryEscape(s), url.PathEscape(s), base64.StdEncoding.EncodeToString([]byte(s))}
	if len(s) >= 12 {
		out = append(out, s[len(s)-12:]) // its tail must not survive either
	}
	return out
}

func requireMasked(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, e := range encodings(s) {
			require.NotContainsf(t, out, e, "a form of %s survived in:\n%s", Mask(s), out)
		}
	}
}

// The forms issue 10 found leaking, each masked without registration.
func TestMaskTextIssueForms(t *testing.T) {
	pass := "Hunter2" + "-correct-horse"
	basic := base64.StdEncoding.EncodeToString([]byte("admin:" + pass))
	cookie := "sid=" + strings.Repeat("c0ffee", 4)
	cases := []struct {
		name, in string
		secrets  []string
		keep     []string
	}{
		{"JSON-escaped newline before a token", `{"command":"cat > key <<EOF\n` + fakeOpenAI + `\nEOF"}`, []string{fakeOpenAI}, []string{"cat > key <<EOF"}},
		{"JSON-escaped tab before a token", `{"text":"key:\t` + fakeOpenAI + `"}`, []string{fakeOpenAI}, nil},
		{"unicode-escaped newline", `{"text":"x\u000a` + fakeOpenAI + `"}`, []string{fakeOpenAI}, nil},
		{"double-escaped newline", `{"arguments":"{\"command\":\"echo \\n` + fakeOpenAI + `\"}"}`, []string{fakeOpenAI}, nil},
		{"%3D-encoded token", `GET /hook?x=1&token%3D` + fakeGateway + `&y=2`, []string{fakeGateway}, []string{"GET /hook"}},
		{"%3D-encoded password", `url=https%3A%2F%2Fh%2F%3Fpassword%3D` + pass, []string{pass}, nil},
		{"curl -u", `curl -u admin:` + pass + ` https://example.com`, []string{pass}, []string{"curl -u admin:", "https://example.com"}},
		{"curl --user=", `curl --user=admin:` + pass + ` -X POST`, []string{pass}, []string{"-X POST"}},
		{"curl -uUSER:PASS", `curl -uadmin:` + pass, []string{pass}, nil},
		{"Authorization: Basic", `Authorization: Basic ` + basic, []string{basic, pass}, []string{"Authorization: Basic "}},
		{"Basic in prose-free JSON", `{"h":"Basic ` + basic + `"}`, []string{basic}, nil},
		{"query password=", `https://h/login?user=bob&password=` + pass + `&next=/`, []string{pass}, []string{"user=bob"}},
		{"URL userinfo", `proxy: "http://bob:` + pass + `@10.0.0.1:3128"`, []string{pass}, []string{"10.0.0.1:3128"}},
		{"continued JSON5 string", "{\n  apiKey: \"" + pass[:8] + "\\\n" + pass[8:] + "\",\n}", []string{pass, pass[8:]}, []string{"apiKey"}},
		{"value on the next line", "{\n  \"apiKey\":\n    \"" + pass + "\",\n  mode: \"x\"\n}", []string{pass}, []string{`mode: "x"`}},
		{"apiKeys array", "{\n  apiKeys: [\n    \"" + pass + "\",\n    '" + fakeGateway + "',\n  ],\n  models: [\"gpt\"],\n}", []string{pass, fakeGateway}, []string{`"gpt"`}},
		{"apiKeys array on one line", `{apiKeys: ["` + pass + `", "` + fakeGateway + `"]}`, []string{pass, fakeGateway}, nil},
		{"nested headers", "{\n  headers: {\n    Authorization: \"Bearer " + fakeGateway + "\",\n    Cookie: \"" + cookie + "\",\n    'Set-Cookie': '" + cookie + "; Path=/',\n    \"Proxy-Authorization\": \"Basic " + basic + "\",\n    Accept: \"json\",\n  },\n}",
			[]string{fakeGateway, cookie, basic}, []string{`Accept: "json"`}},
		{"raw header lines", "Cookie: " + cookie + "; theme=dark\nSet-Cookie: " + cookie + "; HttpOnly\nProxy-Authorization: Basic " + basic + "\n", []string{cookie, basic}, nil},
		{"moved header env var", "OPENCLAW_MODELS_PROVIDERS_ACME_HEADERS_AUTHORIZATION='Basic " + basic + "'\n", []string{basic}, []string{"OPENCLAW_MODELS_PROVIDERS_ACME_HEADERS_AUTHORIZATION="}},
		{"plist env", "<key>OPENCLAW_GATEWAY_TOKEN</key>\n\t<string>" + fakeGateway + "</string>", []string{fakeGateway}, []string{"<key>OPENCLAW_GATEWAY_TOKEN</key>"}},
		{"ANSI around a token", "\x1b[1m" + fakeOpenAI + "\x1b[0m", []string{fakeOpenAI}, nil},
		{"ANSI between key and value", "\x1b[2mtoken:\x1b[0m \"" + pass + "\"", []string{pass}, nil},
		{"HTML-escaped", `&quot;apiKey&quot;: &quot;` + pass + `&quot;`, []string{pass}, nil},
		{"private key in a JSON string", `{"k":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nabc\n-----END PRIVATE KEY-----","n":1}`, []string{"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"}, []string{`"n":1`}},
		{"unquoted secret word", "{\n  token: " + pass + "\n}", []string{pass}, nil},
		{".env line in a diff", "-OPENCLAW_GATEWAY_TOKEN=" + fakeGateway + "\n+OPENCLAW_GATEWAY_TOKEN=" + pass + "\n", []string{fakeGateway, pass}, []string{"-OPENCLAW_GATEWAY_TOKEN="}},
		{"crypt hash", "root:$6$Zq3salt9$Wn0HashOfTheRootPasswordAAAAAAAAAAAAAAAAAAAA/:19000:0:99999:7:::", []string{"Zq3salt9", "Wn0HashOfTheRootPassword"}, []string{"root:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := MaskText(c.in)
			requireMasked(t, out, c.secrets...)
			for _, k := range c.keep {
				require.Contains(t, out, k)
			}
			require.Equal(t, out, MaskText(out), "masking must be idempotent")
		})
	}
}

// Prose around secret-looking words stays readable; values do not.
func TestMaskTextProse(t *testing.T) {
	for _, keep := range []string{
		"[ok] new gateway token: accepted (want accepted)",
		"OpenClaw config backup with the old secret: mode 0644 → 0600",
		"scripts that send the token (Authorization: Bearer) to /tools/invoke",
		"ws connect token=[secret removed by hardshell rotate] ok",
		"password: ***",
	} {
		require.Equal(t, keep, MaskText(keep))
	}
	for in, secret := range map[string]string{
		"password: hunter2":                  "hunter2",
		"token: abcdefghijklmnopqrstu":       "abcdefghijklmnopqrstu",
		`"token": "accepted"`:                "accepted",
		`token: "accepted"`:                  "accepted",
		"TOKEN=accepted":                     "accepted",
		"Authorization: Bearer abcdefgh1234": "abcdefgh1234",
		"apiKeys:\n  - accepted":             "",
	} {
		if secret != "" {
			require.NotContains(t, MaskText(in), secret, in)
		}
	}
}

func TestMaskTextValidJSONStaysValid(t *testing.T) {
	in := map[string]any{
		"text": "cat > k <<EOF\n" + fakeAnthropic + "\nEOF and \"quoted\" \\ " + fakeGitHub,
		"args": `{"apiKey":"` + fakeGateway + `"}`,
		"n":    1,
	}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	out := MaskText(string(b))
	var back map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &back), out)
	requireMasked(t, out, fakeAnthropic, fakeGitHub, fakeGateway)
}

func TestRedactorRegisteredForms(t *testing.T) {
	secret := "pl4nted" + "-Value_q9Z" // no shape, no key: only registration masks it
	r := NewRedactor()
	r.Add(secret, "abc", "  ", "${OPENCLAW_GATEWAY_TOKEN}")
	require.Equal(t, 1, r.Len(), "short values and references are not registered")
	for name, in := range map[string]string{
		"plain":        "the value is " + secret + ".",
		"glued":        "x" + secret + "y",
		"json":         `{"v":"` + jsonInner("say \""+secret+"\"") + `"}`,
		"url":          "q=" + url.QueryEscape("a b "+secret),
		"path escaped": "/x/" + url.PathEscape(secret+"/y"),
		"html":         html.EscapeString("<" + secret + ">"),
		"base64 at 0":  base64.StdEncoding.EncodeToString([]byte(secret + ":x")),
		"base64 at 1":  base64.StdEncoding.EncodeToString([]byte("u:" + secret)),
		"base64 at 2":  base64.StdEncoding.EncodeToString([]byte("us:" + secret + "!")),
		"base64url":    base64.URLEncoding.EncodeToString([]byte("??>" + secret)),
		"ansi":         "\x1b[31m" + secret + "\x1b[0m",
		"truncated":    "token = " + secret[:10] + "…",
		"cut at eol":   "token = " + secret[:13] + "\nnext",
		"wrapped":      "token = " + secret[:5] + "\n  " + secret[5:],
	} {
		out := r.String(in)
		require.NotContainsf(t, out, secret, "%s: %q", name, out)
		switch name {
		case "truncated":
			require.NotContains(t, out, secret[:10], name)
		case "cut at eol":
			require.NotContains(t, out, secret[:13], name)
		case "wrapped":
			require.NotContains(t, out, secret[5:], name)
		case "base64 at 0", "base64 at 1", "base64 at 2", "base64url":
			require.NotEqual(t, in, out, name)
		}
		require.Equal(t, out, r.String(out), "%s: idempotent", name)
	}
	require.Equal(t, "nothing here", r.String("nothing here"))
}

func TestRedactorWriter(t *testing.T) {
	secret := "wr1ter" + "-Secret-xyz"
	r := NewRedactor()
	r.Add(secret)
	var buf bytes.Buffer
	w := r.Writer(&buf)
	// a secret split over two writes is masked once the line is complete
	fmt.Fprint(w, "a: "+secret[:6])
	require.Empty(t, buf.String(), "an unfinished line is held back")
	fmt.Fprint(w, secret[6:]+"\nprompt [y/N] ")
	require.NotContains(t, buf.String(), secret)
	require.Contains(t, buf.String(), "a: ")
	require.NoError(t, w.Flush())
	require.True(t, strings.HasSuffix(buf.String(), "prompt [y/N] "))
	// a multi-line block in one write is masked as a block
	buf.Reset()
	fmt.Fprint(w, "{\n  \"apiKey\":\n    \"next-line-value-123\"\n}\n")
	require.NotContains(t, buf.String(), "next-line-value-123")
	require.Nil(t, w.File())
}

func TestRedactorSourceDotenv(t *testing.T) {
	env := "A=1\nSLACK_BOT_TOKEN=\"line-one-secret\nline-two-secret\"\nB=2\nexport API_KEY= spaced secret value # note\n"
	out := NewRedactor().Source([]byte(env))
	requireMasked(t, out, "line-one-secret", "line-two-secret", "spaced secret value")
	require.Contains(t, out, "A=1")
	require.Contains(t, out, "B=2")
	require.Contains(t, out, "# note")
}

func TestRedactorLearn(t *testing.T) {
	r := NewRedactor()
	r.Learn("OPENCLAW_GATEWAY_PASSWORD=learned-pass-777\nPORT=18789\n")
	require.Equal(t, 1, r.Len())
	require.Equal(t, "echo "+Mask("learned-pass-777"), r.String("echo learned-pass-777"))
}

func TestExcerpt(t *testing.T) {
	require.Equal(t, `"tru"`, Excerpt("tru"))
	require.Equal(t, `"loopback"`, Excerpt("loopback"))
	for _, w := range []string{"hunter2hunter2", fakeGateway, "hunter2", "Secret", "abcdefghijklmn"} {
		require.NotContains(t, Excerpt(w), w)
	}
}

// A parse error never quotes an unquoted secret word.
func TestParseErrorMasksTheWord(t *testing.T) {
	for _, src := range []string{
		"{\n  gateway: {auth: {token: hunter2}}\n}",
		"{\n  apiKeys: [s3cretword]\n}",
		"{\n  note: " + fakeGateway + "\n}",
	} {
		_, err := ParseValue("openclaw.json", []byte(src))
		require.Error(t, err)
		for _, w := range []string{"hunter2", "s3cretword", fakeGateway} {
			require.NotContains(t, err.Error(), w)
		}
		require.Contains(t, err.Error(), "openclaw.json:2:")
	}
}

func TestMaskNeverCarriesEscapes(t *testing.T) {
	for _, s := range []string{`\"abcdefghijklmno`, `ab"cdefghijklmnop`, "%3Dabcdefghijklm", "\x1b[0mabcdefghijk"} {
		m := Mask(s)
		require.NotContains(t, m, `\`)
		require.NotContains(t, m, `"`)
		require.NotContains(t, m, "%")
		require.NotContains(t, m, "\x1b")
	}
}

// FuzzRedactor: a planted secret — registered, of a known vendor shape, or
// under a secret key — never survives, whatever surrounds it: escapes,
// encodings, line breaks, ANSI codes, other text.
func FuzzRedactor(f *testing.F) {
	f.Add("prefix", "suffix", "seedvalue0123456789", uint8(0), uint8(0), uint8(0))
	f.Add(`{"a":"`, `"}`, "Zz9-yY8_xX7+wW6/vV5=", uint8(1), uint8(1), uint8(2))
	f.Add("EOF\\", "\\n", "abcdefghijklmnopqrstuvwxyz", uint8(2), uint8(3), uint8(5))
	f.Add("%", "&", "0123456789abcdef", uint8(1), uint8(7), uint8(4))
	f.Add("\x1b[", "'\"", "QQQQQQQQQQQQQQQQQQQQQQ", uint8(0), uint8(5), uint8(6))
	f.Fuzz(func(t *testing.T, prefix, suffix, seed string, mode, wrap, form uint8) {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		if len(seed) < 12 || len(seed) > 64 || len(prefix) > 200 || len(suffix) > 200 {
			return
		}
		raw := make([]byte, len(seed))
		for i := range raw {
			raw[i] = alphabet[int(seed[i])%len(alphabet)]
		}
		v := string(raw)
		r := NewRedactor()
		var planted string
		switch mode % 3 {
		case 0: // registered: any surroundings at all, glued on
			r.Add(v)
			planted = v
		case 1: // a vendor shape, at a token boundary
			shapes := []string{"sk-ant-api03-", "sk-proj-", "sk-or-v1-", "ghp_", "github_pat_", "xoxb-1-", "glpat-", "gsk_"}
			v = shapes[int(form)%len(shapes)] + v + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
			planted = " " + v + " "
		case 2: // under a secret key, in one of its written forms
			forms := []string{
				`"apiKey": "` + v + `"`, `apiKey: '` + v + `'`, `API_KEY=` + v, "token:\n    \"" + v + "\"",
				"apiKeys: [\n  \"x1\",\n  \"" + v + "\"\n]", `headers: {Authorization: "Bearer ` + v + `"}`,
				"password: \"" + v[:6] + "\\\n" + v[6:] + "\"", `--token ` + v, `curl -u me:` + v + ` x`,
				`https://me:` + v + `@host/`, "Cookie: s=" + v, "<key>DB_PASSWORD</key><string>" + v + "</string>",
			}
			planted = "\n" + forms[int(form)%len(forms)] + "\n"
		}
		tail := v[len(v)-10:]
		if strings.Contains(prefix+suffix, tail) {
			return
		}
		var body string
		switch wrap % 9 {
		case 0:
			body = planted
		case 1: // inside a JSON string
			body = `{"text":"` + jsonInner(planted) + `"}`
		case 2: // inside a JSON string inside a JSON string
			body = `{"args":"` + jsonInner(`{"text":"`+jsonInner(planted)+`"}`) + `"}`
		case 3: // URL query encoding
			body = "?q=" + url.QueryEscape(planted)
		case 4: // ANSI colours around
			body = "\x1b[1;31m" + planted + "\x1b[0m"
		case 5: // CRLF line breaks
			body = strings.ReplaceAll(planted, "\n", "\r\n")
		case 6: // HTML escaped
			body = html.EscapeString(planted)
		case 7: // JSON-escaped line breaks, unquoted
			body = strings.ReplaceAll(planted, "\n", `\n`)
		case 8: // URL path escaping
			body = url.PathEscape(planted)
		}
		if mode%3 == 2 {
			// a structural form owns its lines: the surroundings may not
			// continue a string or a comment into them
			prefix = strings.TrimRight(prefix, "\\") + "\n"
			suffix = "\n" + suffix
		}
		out := r.String(prefix + body + suffix)
		for _, e := range []string{v, jsonInner(v), url.QueryEscape(v), tail} {
			if strings.Contains(out, e) {
				t.Fatalf("planted %q survived (mode %d, wrap %d):\nin:  %q\nout: %q", v, mode%3, wrap%9, prefix+body+suffix, out)
			}
		}
		if r.String(out) != out {
			t.Fatalf("not idempotent: %q → %q", out, r.String(out))
		}
	})
}

// bigText is n bytes of base64-like text with a few secrets and escapes in
// it: every byte is a token byte, the worst case for the shape scan.
func bigText(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = alphabet[x%64]
		if i%4096 == 0 {
			b[i] = '\\'
		}
	}
	return string(b)
}

// BenchmarkRedact8MB: the redactor is linear and small on an 8 MB value
// (issue 10).
//
//	go test ./model -run '^$' -bench Redact8MB -benchtime 3x -benchmem
func BenchmarkRedact8MB(b *testing.B) {
	s := bigText(8 << 20)
	r := NewRedactor()
	for i := 0; i < 20; i++ {
		r.Add(fmt.Sprintf("registered-secret-%02d-%s", i, fakeGateway))
	}
	b.SetBytes(int64(len(s)))
	b.ResetTimer()
	for b.Loop() {
		_ = r.String(s)
	}
}
