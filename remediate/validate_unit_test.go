package remediate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The two verdict shapes the real CLIs print (see testdata/compat).
func TestParseValidatorOutputs(t *testing.T) {
	msgs, ok := parseValidateJSON([]byte(`{"valid":true,"path":"/x/openclaw.json","warnings":[]}`))
	require.True(t, ok)
	require.Empty(t, msgs)

	msgs, ok = parseValidateJSON([]byte("some banner\n" + `{"ok":false,"valid":false,"issues":[{"path":"gateway.controlUi","message":"Unrecognized key: \"allowInsecureAuth\""}]}`))
	require.True(t, ok)
	require.Equal(t, []string{`openclaw config validate: gateway.controlUi: Unrecognized key: "allowInsecureAuth"`}, msgs)

	_, ok = parseValidateJSON([]byte("error: unknown option '--json'"))
	require.False(t, ok)
	require.True(t, looksUnknownCommand([]byte("error: unknown option '--json'")))

	msgs, ok = parseLoaderProblems([]byte("Config invalid\nFile: ~/.openclaw/openclaw.json\nProblem:\n  - gateway.auth: Unrecognized key: \"rateLimit\"\n  - <root>: Unrecognized key: \"bogus\"\n\nRun: openclaw doctor --fix\n"))
	require.True(t, ok)
	require.Equal(t, []string{`openclaw config: gateway.auth: Unrecognized key: "rateLimit"`, `openclaw config: <root>: Unrecognized key: "bogus"`}, msgs)

	_, ok = parseLoaderProblems([]byte("Config path not found: meta\n"))
	require.False(t, ok)
}
