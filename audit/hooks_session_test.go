package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestHooksMainSession(t *testing.T) {
	const hooks = `enabled: true, token: "h00k-0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8ic", path: "/hooks"`
	cases := []struct {
		name, config string
		want         bool
		sev          model.Severity
		detail       []string
	}{
		{"gmail mapping into the main agent's main session", `{ hooks: { ` + hooks + `, mappings: [
      { id: "gmail", match: { path: "gmail" }, action: "agent", sessionKey: "agent:main:main", messageTemplate: "New mail: {{messages[0].subject}}" },
      { id: "ci", match: { path: "ci" }, action: "agent", sessionKey: "hook:ci" } ] } }`, true, model.Warn,
			[]string{`hooks.mappings[0].sessionKey="agent:main:main" (mapping gmail)`}},
		{"unsafe external content makes it critical", `{ hooks: { ` + hooks + `, mappings: [
      { match: { path: "forms" }, sessionKey: "main", allowUnsafeExternalContent: true } ] } }`, true, model.Critical,
			[]string{"(mapping forms)", "allowUnsafeExternalContent=true"}},
		{"defaultSessionKey main", `{ hooks: { ` + hooks + `, defaultSessionKey: "main" } }`, true, model.Warn,
			[]string{`hooks.defaultSessionKey="main"`}},
		{"custom session.mainKey", `{ session: { mainKey: "home" }, hooks: { ` + hooks + `, defaultSessionKey: "home" } }`, true, model.Warn, nil},
		{"request keys with an agent: prefix", `{ hooks: { ` + hooks + `, defaultSessionKey: "hook:ingress", allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:", "agent:"] } }`, true, model.Warn,
			[]string{`hooks.allowedSessionKeyPrefixes[1]="agent:" admits main-session keys`}},
		{"hook-scoped keys only", `{ hooks: { ` + hooks + `, defaultSessionKey: "hook:ingress", allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"],
      mappings: [ { match: { path: "gmail" }, sessionKey: "hook:gmail" } ] } }`, false, 0, nil},
		{"hooks disabled", `{ hooks: { enabled: false, defaultSessionKey: "main" } }`, false, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := checkRun(t, tc.config, auditkit.Options{})
			if !tc.want {
				requireNoHit(t, r, IDHooksMainSession)
				return
			}
			f := requireHit(t, r, IDHooksMainSession, tc.sev)
			for _, d := range tc.detail {
				require.Contains(t, f.Detail, d)
			}
			require.Positive(t, f.Line)
		})
	}
}
