package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/fsys"
	"github.com/stretchr/testify/require"
)

const managedConfig = `{
  gateway: { mode: "local", bind: "lan" },
}
`

// managedLayout builds one real layout under root and returns the state dir
// and the options pointing DetectManaged at root's /proc and Nix store.
type managedLayout func(t *testing.T, root, state string)

func TestDetectManaged(t *testing.T) {
	cases := []struct {
		name     string
		layout   managedLayout
		kind     ManagedKind // "" = not managed
		evidence string
	}{
		{"plain file", func(t *testing.T, root, state string) {
			write(t, filepath.Join(state, "openclaw.json"), managedConfig)
		}, "", ""},
		{"nix-openclaw: a symlink into the store", func(t *testing.T, root, state string) {
			gen := filepath.Join(root, "nix", "store", "0c8bq4bx1h7z2v9sdl2v1mhn4wq7y8ic-openclaw.json")
			write(t, gen, managedConfig)
			require.NoError(t, os.Chmod(gen, 0o444))
			require.NoError(t, os.Symlink(gen, filepath.Join(state, "openclaw.json")))
		}, ManagedNix, "a symlink into /nix/store/…-openclaw.json"},
		{"Kubernetes ConfigMap volume", func(t *testing.T, root, state string) {
			ts := "..2026_12_05_15_02_11.3141592653"
			write(t, filepath.Join(state, ts, "openclaw.json"), managedConfig)
			require.NoError(t, os.Symlink(ts, filepath.Join(state, "..data")))
			require.NoError(t, os.Symlink("..data/openclaw.json", filepath.Join(state, "openclaw.json")))
		}, ManagedConfigMap, "a link to ..data/openclaw.json"},
		{"Ansible template header", func(t *testing.T, root, state string) {
			write(t, filepath.Join(state, "openclaw.json"), "// Ansible managed: templates/openclaw.json.j2 modified on 2026-11-30\n"+managedConfig)
		}, ManagedAnsible, `line 1 says "Ansible managed"`},
		{"read-only bind mount", func(t *testing.T, root, state string) {
			write(t, filepath.Join(state, "openclaw.json"), managedConfig)
			mi := "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
				"1234 22 8:1 /srv/openclaw " + strings.ReplaceAll(state, " ", `\040`) + " ro,nosuid,nodev,relatime - ext4 /dev/sda1 rw\n"
			write(t, filepath.Join(root, "proc", "self", "mountinfo"), mi)
		}, ManagedReadOnly, "on the read-only mount "},
		{"a rw mount below a ro one is writable", func(t *testing.T, root, state string) {
			write(t, filepath.Join(state, "openclaw.json"), managedConfig)
			mi := "22 1 8:1 / / ro,relatime - ext4 /dev/sda1 ro\n" +
				"1234 22 8:1 /x " + strings.ReplaceAll(state, " ", `\040`) + " rw,relatime - ext4 /dev/sda1 rw\n"
			write(t, filepath.Join(root, "proc", "self", "mountinfo"), mi)
		}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			state := filepath.Join(root, "home", "op one", ".openclaw")
			require.NoError(t, os.MkdirAll(state, 0o700))
			tc.layout(t, root, state)
			s, err := Load(LoadOptions{
				Locate:          LocateOptions{StateDirFlag: state, Getenv: func(string) string { return "" }},
				OpenClawVersion: func() string { return "" },
				Managed:         ManagedOptions{Proc: filepath.Join(root, "proc"), NixStore: filepath.Join(root, "nix", "store")},
			})
			require.NoError(t, err)
			require.NoError(t, s.DocErr)
			if tc.kind == "" {
				require.Empty(t, s.Managed)
				return
			}
			require.Len(t, s.Managed, 1)
			m := s.Managed[0]
			require.Equal(t, tc.kind, m.Kind)
			require.Contains(t, m.Evidence, tc.evidence)
			require.Same(t, &s.Managed[0], s.ManagedFor(filepath.Join(state, "openclaw.json")))
			if m.Real != "" {
				require.NotNil(t, s.ManagedFor(m.Real), "the resolved target is the same managed file")
			}
		})
	}
}

func TestManagedNixModeEnv(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".openclaw")
	write(t, filepath.Join(state, "openclaw.json"), managedConfig)
	s, err := Load(LoadOptions{
		Locate:          LocateOptions{StateDirFlag: state, Getenv: func(k string) string { return map[string]string{"OPENCLAW_NIX_MODE": "1"}[k] }},
		OpenClawVersion: func() string { return "" },
		Managed:         ManagedOptions{Proc: t.TempDir(), NixStore: t.TempDir()},
	})
	require.NoError(t, err)
	require.Len(t, s.Managed, 1)
	require.Equal(t, ManagedNix, s.Managed[0].Kind)
}

func TestManagedSourceChange(t *testing.T) {
	edits := []Edit{
		{Op: OpSet, Path: "gateway.bind", Value: "loopback"},
		{Op: OpSet, Path: "gateway.auth", Value: Obj{{"mode", "token"}, {"token", Raw(`"${OPENCLAW_GATEWAY_TOKEN}"`)}}},
		{Op: OpSet, Path: `channels["my.bot"].dmPolicy`, Value: "pairing"},
		{Op: OpSet, Path: "tools.deny", Value: []any{"group:runtime", "browser"}},
		{Op: OpUnset, Path: "gateway.controlUi.dangerouslyDisableDeviceAuth"},
	}
	nix := Managed{Kind: ManagedNix, File: "/s/openclaw.json"}.SourceChange(edits)
	require.Equal(t, `  programs.openclaw.config.gateway.bind = "loopback";
  programs.openclaw.config.gateway.auth = { mode = "token"; token = "\${OPENCLAW_GATEWAY_TOKEN}"; };
  programs.openclaw.config.channels."my.bot".dmPolicy = "pairing";
  programs.openclaw.config.tools.deny = [ "group:runtime" "browser" ];
  # remove programs.openclaw.config.gateway.controlUi.dangerouslyDisableDeviceAuth (delete the assignment)`, nix)

	cm := Managed{Kind: ManagedConfigMap, File: "/s/openclaw.json"}.SourceChange(edits[:2])
	require.Contains(t, cm, `  gateway.bind = "loopback"`)
	require.Contains(t, cm, `as a JSON merge patch of the openclaw.json key: {"gateway":{"auth":{"mode":"token","token":"${OPENCLAW_GATEWAY_TOKEN}"},"bind":"loopback"}}`)

	idx := Managed{Kind: ManagedNix}.SourceChange([]Edit{{Op: OpSet, Path: "agents.list[2].sandbox.mode", Value: "all"}})
	require.Contains(t, idx, `# agents.list[2].sandbox.mode = "all" (a list element`)

	err := error(&ManagedError{Managed: Managed{Kind: ManagedNix, File: "/s/openclaw.json", Evidence: "a symlink into /nix/store/…-openclaw.json"}, Change: nix})
	var me *ManagedError
	require.True(t, errors.As(err, &me))
	require.Contains(t, err.Error(), "nothing was written")
	require.Contains(t, err.Error(), "programs.openclaw.config.gateway.bind")
}

func TestManagedReadsThroughFS(t *testing.T) {
	// the detector only uses the fsys seam: a recorder in front sees no
	// whole-file input for the mount table (it is streamed, as evidence)
	root := t.TempDir()
	write(t, filepath.Join(root, "proc", "self", "mountinfo"), "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n")
	cfg := filepath.Join(root, "openclaw.json")
	write(t, cfg, managedConfig)
	r := fsys.NewRecorder(fsys.Local{})
	require.Nil(t, DetectManaged(r, cfg, []byte(managedConfig), ManagedOptions{Proc: filepath.Join(root, "proc"), NixStore: filepath.Join(root, "nix")}))
	require.Empty(t, r.Inputs())
}

func write(t *testing.T, path, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
}
