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
