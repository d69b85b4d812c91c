package cmdline

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each word survives a real POSIX shell as one argument, byte for byte.
func TestQuoteRoundTripsThroughSh(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH: the quoting is checked against a real shell")
	}
	words := []string{"plain", "with space", "it's", `a"b`, "$HOME", "`id`", "*.jsonl", "~/x", "#c", "a\nb", "", "x=$(y)", "back\\slash", "telegram:42"}
	for _, w := range words {
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(w)).Output()
		require.NoError(t, err, w)
		require.Equal(t, w, string(out), "Quote(%q) = %s", w, Quote(w))
	}
	require.Equal(t, "plain", Quote("plain"), "a plain word stays readable")
}

func TestCommandCarriesTheTarget(t *testing.T) {
	require.Equal(t, "hardshell restore 20261205-1", Target{}.Command("restore", "20261205-1"))
	require.Equal(t, "hardshell restore ID --state-dir '/tmp/a b' --config /tmp/c.json",
		Target{StateDir: "/tmp/a b", Config: "/tmp/c.json"}.Command("restore", "ID"))
	require.Equal(t, "OPENCLAW_STATE_DIR='/tmp/a b' openclaw config validate",
		Target{StateDir: "/tmp/a b"}.OpenClaw("config", "validate"))
}

// A placeholder reads as one (and fails unreplaced) instead of running as
// a literal quoted argument.
func TestJoinKeepsPlaceholders(t *testing.T) {
	require.Equal(t, "hardshell access revoke telegram <sender> --account default --host 'ops@gw one'",
		Target{Host: "ops@gw one"}.Command("access", "revoke", "telegram", "<sender>", "--account", "default"))
	require.Equal(t, "'<Sender>' '<a b>' '<>'", Join("<Sender>", "<a b>", "<>"), "only <lower-case-name> is a placeholder")
}

func TestOnHostAndStep(t *testing.T) {
	local := Target{StateDir: "/srv/oc"}
	for _, step := range []string{
		"openclaw gateway restart",
		"openclaw gateway restart  # new bind",
		"Recreate running sandboxes: `openclaw sandbox recreate --all`.",
		"Give every client the token (openclaw dashboard).",
	} {
		require.Equal(t, step, local.Step(step), "a local target keeps its steps byte for byte")
	}
	require.Equal(t, "openclaw gateway restart", local.OnHost("openclaw gateway restart"))

	r := Target{Host: "ops@gw"}
	require.Equal(t, "ssh -t ops@gw 'openclaw gateway restart'", r.OnHost("openclaw gateway restart"))
	require.Equal(t, "ssh -t ops@gw 'openclaw gateway restart'", r.Step("openclaw gateway restart"))
	require.Equal(t, "ssh -t ops@gw 'openclaw gateway restart'  # new bind", r.Step("openclaw gateway restart  # new bind"))
	require.Equal(t, "Approve senders with `ssh -t ops@gw 'openclaw pairing list telegram'` and `ssh -t ops@gw 'openclaw pairing approve telegram <code>'`.",
		r.Step("Approve senders with `openclaw pairing list telegram` and `openclaw pairing approve telegram <code>`."))
	require.Equal(t, "Check with `ssh -t ops@gw 'tailscale funnel status'` that no Funnel is left.", r.Step("Check with `tailscale funnel status` that no Funnel is left."))
	require.Equal(t, "a new value (`openssl rand -hex 24`) for `gateway.auth.token`", r.Step("a new value (`openssl rand -hex 24`) for `gateway.auth.token`"),
		"other quoted text is the sentence's")
	require.Equal(t, "odd `quote", r.Step("odd `quote"))
	require.Equal(t, `ssh -t 'it'\''s' 'openclaw gateway restart'`, Target{Host: "it's"}.OnHost("openclaw gateway restart"))
	require.Equal(t, "ssh -F /tmp/cfg -t ops@gw 'openclaw gateway restart'", Target{Host: "ops@gw", SSH: "ssh -F /tmp/cfg"}.OnHost("openclaw gateway restart"),
		"the run's HARDSHELL_SSH_COMMAND starts the line, so it reaches the host as the run did")
}
