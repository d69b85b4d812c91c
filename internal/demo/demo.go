// Package demo carries a built-in, dangerously configured OpenClaw state dir
// for `hardshell demo`: realistic enough that every major finding fires, and
// entirely fake (no real tokens, keys or sessions).
package demo

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

//go:embed all:state
var stateFS embed.FS

//go:embed state.modes
var modesFile []byte

// ReadmeName is the note Materialize leaves in the demo state dir.
const ReadmeName = "README-DEMO.txt"

const readme = `hardshell DEMO state dir
========================

This directory was written by "hardshell demo". It imitates an OpenClaw
state dir (~/.openclaw) that was configured dangerously on purpose:
the gateway listens on the LAN with a 9-character token, Telegram DMs are
open to anyone, elevated (host) exec is allowed for "*", the sandbox is off,
mDNS broadcasts everything, log redaction is off, a plugin is installed
without an allowlist, and file permissions are loose.

Everything in it is FAKE: the bot tokens, API keys, WhatsApp session and
chat transcripts are made up and grant access to nothing. Nothing here is
connected to a running gateway. Delete the directory when you are done.
`

// FS returns the embedded demo state dir (rooted at the state dir).
func FS() fs.FS {
	sub, err := fs.Sub(stateFS, "state")
	if err != nil {
		panic(err) // the embed pattern guarantees "state" exists
	}
	return sub
}

// Modes returns the parsed modes spec of the demo state dir.
func Modes() (*ModeSpec, error) { return ParseModes("state.modes", modesFile) }

// Materialize writes the demo state dir to <dir>/.openclaw, applies its
// (loose) modes, adds README-DEMO.txt, and returns the state dir path. dir
// must exist; <dir>/.openclaw must not.
func Materialize(dir string) (stateDir string, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("demo: %s is not a directory", dir)
	}
	stateDir = filepath.Join(dir, ".openclaw")
	if _, err := os.Lstat(stateDir); err == nil {
		return "", fmt.Errorf("demo: %s already exists; refusing to overwrite it", stateDir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("demo: %w", err)
	}
	spec, err := Modes()
	if err != nil {
		return "", err
	}
	err = writeTree(FS(), stateDir)
	if err == nil {
		err = os.WriteFile(filepath.Join(stateDir, ReadmeName), []byte(readme), 0o644)
	}
	if err == nil {
		spec.Modes[path.Clean(ReadmeName)] = 0o644
		err = spec.Apply(stateDir)
	}
	if err != nil {
		return "", fmt.Errorf("demo: write %s: %w", stateDir, err)
	}
	return stateDir, nil
}
