package model_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestParseDotenv(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"plain", "A=1\nB = two \n", map[string]string{"A": "1", "B": "two"}},
		{"comments and blanks", "# c\n\n  # indented\nA=1 # trailing\nB=x#y\n", map[string]string{"A": "1", "B": "x"}},
		{"export prefix", "export A=1\nexport\tB=2\nexporter=3\n", map[string]string{"A": "1", "B": "2", "exporter": "3"}},
		{"quotes", `A="x # not a comment"` + "\nB='single $X'\nC=`back`\nD=\"\"\n", map[string]string{"A": "x # not a comment", "B": "single $X", "C": "back", "D": ""}},
		{"double quotes expand newlines, single do not", `A="l1\nl2"` + "\n" + `B='l1\nl2'` + "\n", map[string]string{"A": "l1\nl2", "B": `l1\nl2`}},
		{"multi-line quoted value", "A=\"line1\nline2\"\nB=2\n", map[string]string{"A": "line1\nline2", "B": "2"}},
		{"escaped quote inside", `A="say \"hi\""` + "\n", map[string]string{"A": `say \"hi\"`}},
		{"unterminated quote keeps the line", "A=\"open\nB=2\n", map[string]string{"A": "\"open", "B": "2"}},
		{"colon form and CRLF", "A: 1\r\nB=2\r\n", map[string]string{"A": "1", "B": "2"}},
		{"junk lines skipped", "not a pair\n=novalue\nA=1\n", map[string]string{"A": "1"}},
		{"last wins", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"empty value", "A=\nB=2", map[string]string{"A": "", "B": "2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, model.ParseDotenv([]byte(tc.in)))
		})
	}
}

func TestNewEnv(t *testing.T) {
	state := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(state, ".env"), []byte("FROM_DOT=dot\nBOTH=dot\nEMPTY_PROC=dot\nBLANK_DOT=\nCFG_VS_DOT=dot\n"), 0o600))
	cfg := filepath.Join(state, "openclaw.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{
  env: {
    FROM_CFG: "cfg",
    OVERRIDE: "direct",
    BLANK_DOT: "cfg-fills-blank",
    CFG_VS_DOT: "cfg",
    NUM: 5,
    vars: { FROM_VARS: "vars", OVERRIDE: "vars", EMPTY_VAR: "" },
    shellEnv: { enabled: true },
  },
}`), 0o600))
	doc, err := model.ParseFile(cfg)
	require.NoError(t, err)

	proc := map[string]string{"BOTH": "proc", "EMPTY_PROC": "", "ONLY_PROC": "p"}
	env := model.NewEnv(func(k string) (string, bool) { v, ok := proc[k]; return v, ok }, state, doc)

	tests := []struct {
		key  string
		want string
		ok   bool
	}{
		{"ONLY_PROC", "p", true},
		{"BOTH", "proc", true},      // process beats .env
		{"EMPTY_PROC", "", true},    // set-but-empty is not overridden by .env
		{"FROM_DOT", "dot", true},   // .env fills unset
		{"CFG_VS_DOT", "dot", true}, // config only fills unset/blank
		{"BLANK_DOT", "cfg-fills-blank", true},
		{"FROM_CFG", "cfg", true},
		{"FROM_VARS", "vars", true},
		{"OVERRIDE", "direct", true}, // env.KEY wins over env.vars.KEY
		{"EMPTY_VAR", "", false},     // empty config values are skipped
		{"NUM", "", false},           // only string values
		{"shellEnv", "", false},
		{"MISSING", "", false},
	}
	for _, tc := range tests {
		v, ok := env(tc.key)
		require.Equal(t, tc.ok, ok, tc.key)
		require.Equal(t, tc.want, v, tc.key)
	}
}

func TestNewEnvDotenvLinks(t *testing.T) {
	root := t.TempDir()
	state := filepath.Join(root, "state")
	require.NoError(t, os.MkdirAll(state, 0o700))
	outside := filepath.Join(root, "outside.env")
	require.NoError(t, os.WriteFile(outside, []byte("LEAK=1\n"), 0o600))
	none := func(string) (string, bool) { return "", false }

	// A .env linking out of the state dir is not read.
	require.NoError(t, os.Symlink(outside, filepath.Join(state, ".env")))
	_, ok := model.NewEnv(none, state, nil)("LEAK")
	require.False(t, ok)

	// A .env linking to a file inside the state dir is.
	require.NoError(t, os.Remove(filepath.Join(state, ".env")))
	require.NoError(t, os.WriteFile(filepath.Join(state, "real.env"), []byte("IN=1\n"), 0o600))
	require.NoError(t, os.Symlink("real.env", filepath.Join(state, ".env")))
	v, ok := model.NewEnv(none, state, nil)("IN")
	require.True(t, ok)
	require.Equal(t, "1", v)

	// No .env, no doc: only the process.
	t.Setenv("HARDSHELL_TEST_ENV", "x")
	v, ok = model.NewEnv(nil, t.TempDir(), nil)("HARDSHELL_TEST_ENV")
	require.True(t, ok)
	require.Equal(t, "x", v)
}
