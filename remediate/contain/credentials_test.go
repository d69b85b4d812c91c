package contain

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A channel bot token kept as a SecretRef is listed to rotate by hand, with
// where the ref keeps it (never a value), like a literal or a ${VAR}: the
// listing used to walk into the ref's {source, provider, id} object and
// find no secret key there.
func TestCredentialsListChannelSecretRefs(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	require.NoError(t, os.Mkdir(state, 0o700))
	const literal = "xoxb-1234567890-literal-bot-token"
	require.NoError(t, os.WriteFile(filepath.Join(state, "openclaw.json"), []byte(`{
  channels: {
    telegram: { botToken: { source: "env", provider: "default", id: "TELEGRAM_BOT_TOKEN" } },
    discord: { token: { source: "file", provider: "vault", id: "/discord/token" } },
    slack: {
      botToken: "`+literal+`",
      appToken: "${SLACK_APP_TOKEN}",
      accounts: { work: { botToken: { source: "exec", provider: "op", id: "slack-work" } } },
    },
  },
}`), 0o600))
	got := map[string]Credential{}
	for _, c := range Credentials(load(t, state)) {
		got[c.What+" @ "+c.Where] = c
	}
	want := []string{
		"telegram botToken @ channels.telegram.botToken (SecretRef env ${TELEGRAM_BOT_TOKEN}, in <state>/.env or the service environment)",
		"discord token @ channels.discord.token (SecretRef file: secrets.providers.vault, id /discord/token)",
		"slack botToken @ channels.slack.accounts.work.botToken (SecretRef exec: provider op, id slack-work)",
		"slack botToken @ channels.slack.botToken (plain text in the config)",
		"slack appToken @ channels.slack.appToken (${SLACK_APP_TOKEN}, in <state>/.env or the service environment)",
	}
	for _, w := range want {
		require.Contains(t, got, w, "listed: %v", got)
	}
	require.Equal(t, "@BotFather → /revoke, then put the new token in place", got[want[0]].How)
	for k, c := range got {
		require.NotContains(t, k+c.How, literal, "the listing never carries a value")
	}
}
