package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestLoggingRedactOff(t *testing.T) {
	r := checkRun(t, `{ logging: { redactSensitive: "off" } }`, auditkit.Options{})
	f := requireHit(t, r, "logging.redact_off", model.Warn)
	require.Equal(t, model.FixSafe, f.Fix)
	require.Equal(t, 1, f.Line)
	require.Equal(t, []string{"logging.redactSensitive"}, f.Paths)

	for _, c := range []string{`{ logging: { redactSensitive: "tools" } }`, `{}`, `{ logging: { level: "debug" } }`} {
		requireNoHit(t, checkRun(t, c, auditkit.Options{}), "logging.redact_off")
	}
	// Through an include too.
	r = checkRun(t, `{ "$include": "./logging.json5" }`, auditkit.Options{Files: []auditkit.File{{Path: "logging.json5", Data: `{ logging: { redactSensitive: 'off' } }`}}})
	requireHit(t, r, "logging.redact_off", model.Warn)
}

func TestLoggingRedactPatternsMissing(t *testing.T) {
	const internal = `{
  models: { providers: { lab: { baseUrl: "http://10.0.4.20:8000/v1", apiKey: "${LAB_KEY}" }, ollama: { baseUrl: "http://127.0.0.1:11434" } } },
  browser: { profiles: { remote: { cdpUrl: "http://chrome.tail1234.ts.net:9222" } } },
  gateway: { remote: { url: "wss://gateway.example.com" } },
}`
	r := checkRun(t, internal, auditkit.Options{Env: map[string]string{"LAB_KEY": "x"}})
	f := requireHit(t, r, "logging.redact_patterns_missing", model.Info)
	require.Equal(t, []string{"logging.redactPatterns", "browser.profiles.remote.cdpUrl", "models.providers.lab.baseUrl"}, f.Paths)
	require.Contains(t, f.Detail, "host 10.0.4.20")
	require.NotContains(t, f.Detail, "127.0.0.1")
	require.NotContains(t, f.Detail, "example.com")
	require.Equal(t, 3, f.Line, "located at the first internal URL")

	// Patterns set, or redaction off (redact_off covers it), or only public/loopback URLs: quiet.
	withPatterns := `{ logging: { redactPatterns: ["tail1234\\.ts\\.net", "10\\.0\\.4\\.\\d+"] }, models: { providers: { lab: { baseUrl: "http://10.0.4.20:8000/v1" } } } }`
	requireNoHit(t, checkRun(t, withPatterns, auditkit.Options{}), "logging.redact_patterns_missing")
	off := `{ logging: { redactSensitive: "off" }, models: { providers: { lab: { baseUrl: "http://192.168.1.5:8000/v1" } } } }`
	r = checkRun(t, off, auditkit.Options{})
	requireNoHit(t, r, "logging.redact_patterns_missing")
	requireHit(t, r, "logging.redact_off", model.Warn)
	public := `{ models: { providers: { or: { baseUrl: "https://openrouter.ai/api/v1" }, local: { baseUrl: "http://localhost:11434" } } } }`
	requireNoHit(t, checkRun(t, public, auditkit.Options{}), "logging.redact_patterns_missing")
}

func TestLoggingInternalHost(t *testing.T) {
	for h, want := range map[string]bool{
		"10.1.2.3": true, "192.168.0.10": true, "172.16.5.5": true, "100.101.102.103": true, "fd00::1": true,
		"nas.local": true, "db.internal": true, "box.tail1234.ts.net": true, "router.home.arpa": true,
		"127.0.0.1": false, "::1": false, "localhost": false, "0.0.0.0": false, "8.8.8.8": false, "api.openai.com": false,
	} {
		require.Equal(t, want, loggingInternalHost(h), h)
	}
}
