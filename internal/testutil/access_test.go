package testutil

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/internal/demo"
)

// The access-review fixtures testdata/access/regen.sh builds.
var accessFixtures = []string{
	"guide-devices", "guide-exec", "guide-open-star", "guide-pairing",
	"modern-devices", "modern-empty", "modern-exec", "modern-incident",
	"modern-open-star", "modern-pairing", "modern-pairing-wal",
}

func TestAccessFixturesAreComplete(t *testing.T) {
	entries, err := os.ReadDir(Testdata("access", "states"))
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
			require.FileExists(t, Testdata("access", "states", e.Name()+".modes"))
			require.FileExists(t, Testdata("access", "states", e.Name()+".asof"))
		}
	}
	sort.Strings(dirs)
	require.Equal(t, accessFixtures, dirs)
}

// TestCopyAccessStateKeepsOpenClawModes checks every fixture copies with
// exactly the modes its .modes file records, and that its reference time is
// a plausible past instant.
func TestCopyAccessStateKeepsOpenClawModes(t *testing.T) {
	for _, name := range accessFixtures {
		t.Run(name, func(t *testing.T) {
			dir, asof := CopyAccessState(t, name)
			require.True(t, asof.Before(time.Now()) && asof.Year() >= 2026, "asof %s", asof)
			p := Testdata("access", "states", name+".modes")
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			spec, err := demo.ParseModes(p, data)
			require.NoError(t, err)
			require.Empty(t, spec.Symlinks)
			n := 0
			require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				require.NoError(t, err)
				rel, err := filepath.Rel(dir, path)
				require.NoError(t, err)
				want, ok := spec.Modes[filepath.ToSlash(rel)]
				require.True(t, ok, "%s is not listed in %s", rel, p)
				require.Equal(t, want, Mode(t, path), rel)
				n++
				return nil
			}))
			require.Equal(t, len(spec.Modes), n, "every listed path exists")
		})
	}
}

// sqliteHeader is the part of a SQLite database header the fixtures promise
// (https://www.sqlite.org/fileformat.html#the_database_header).
type sqliteHeader struct {
	pageSize    int
	writeFormat byte // 2 = WAL
	readFormat  byte
	userVersion uint32
}

func readSQLiteHeader(t *testing.T, path string) (sqliteHeader, int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(data), 100, path)
	require.Equal(t, "SQLite format 3\x00", string(data[:16]), path)
	h := sqliteHeader{
		pageSize:    int(binary.BigEndian.Uint16(data[16:18])),
		writeFormat: data[18],
		readFormat:  data[19],
		userVersion: binary.BigEndian.Uint32(data[60:64]),
	}
	return h, int64(len(data))
}

// TestModernAccessFixturesAreOpenClaw2026_9StateDBs checks, from the file
// format alone, what OpenClaw 2026.9.6 left: a WAL-mode database at user
// version 18, checkpointed (no -wal) except in modern-pairing-wal, whose WAL
// holds the last approval.
func TestModernAccessFixturesAreOpenClaw2026_9StateDBs(t *testing.T) {
	for _, name := range accessFixtures {
		if !strings.HasPrefix(name, "modern-") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			dir, _ := CopyAccessState(t, name)
			db := filepath.Join(dir, "state", "openclaw.sqlite")
			h, size := readSQLiteHeader(t, db)
			require.Equal(t, sqliteHeader{pageSize: 4096, writeFormat: 2, readFormat: 2, userVersion: 18}, h)
			require.Zero(t, size%4096)
			if name != "modern-pairing-wal" {
				require.NoFileExists(t, db+"-wal")
				require.NoFileExists(t, db+"-shm")
				return
			}
			wal, err := os.ReadFile(db + "-wal")
			require.NoError(t, err)
			require.Greater(t, len(wal), 32, "the WAL holds frames")
			magic := binary.BigEndian.Uint32(wal[:4])
			require.Contains(t, []uint32{0x377f0682, 0x377f0683}, magic)
			require.Equal(t, uint32(4096), binary.BigEndian.Uint32(wal[8:12]), "WAL page size")
			require.FileExists(t, db+"-shm")
		})
	}
}

// TestGuideAccessFixturesAreOpenClaw2026_2Stores checks the 2026.2.1 JSON
// stores parse with the shapes that release writes.
func TestGuideAccessFixturesAreOpenClaw2026_2Stores(t *testing.T) {
	read := func(t *testing.T, path string, v any) {
		t.Helper()
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, v), path)
	}
	type request struct {
		ID, Code, CreatedAt, LastSeenAt string
	}
	for _, name := range []string{"guide-pairing", "guide-open-star"} {
		dir, _ := CopyAccessState(t, name)
		var allow struct {
			Version   int
			AllowFrom []string
		}
		read(t, filepath.Join(dir, "credentials", "telegram-allowFrom.json"), &allow)
		require.Equal(t, 1, allow.Version)
		require.Len(t, allow.AllowFrom, 2, name)
		var pairing struct {
			Version  int
			Requests []request
		}
		read(t, filepath.Join(dir, "credentials", "telegram-pairing.json"), &pairing)
		require.Equal(t, 1, pairing.Version)
		for _, r := range pairing.Requests {
			require.Regexp(t, `^[A-HJ-NP-Z2-9]{8}$`, r.Code)
			_, err := time.Parse(time.RFC3339Nano, r.CreatedAt)
			require.NoError(t, err)
		}
		if name == "guide-pairing" {
			require.Len(t, pairing.Requests, 2)
		}
	}
	dir, _ := CopyAccessState(t, "guide-devices")
	var pending, paired map[string]map[string]any
	read(t, filepath.Join(dir, "devices", "pending.json"), &pending)
	read(t, filepath.Join(dir, "devices", "paired.json"), &paired)
	require.Len(t, pending, 1)
	require.Len(t, paired, 3) // the CLI itself (silently paired), the node host, the laptop TUI
	dir, _ = CopyAccessState(t, "guide-exec")
	var approvals struct {
		Version int
		Agents  map[string]struct{ Allowlist []struct{ Pattern string } }
	}
	read(t, filepath.Join(dir, "exec-approvals.json"), &approvals)
	require.Equal(t, 1, approvals.Version)
	require.NotEmpty(t, approvals.Agents["main"].Allowlist)
}

// The only private key in the fixtures is the RFC 8032 test key that
// regen.sh puts in place of the gateway's own identity.
const rfc8032TestKey = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"

// tokenValue finds `"token": "<value>"` in JSON text, compact or indented.
var tokenValue = regexp.MustCompile(`"token":\s?"([^"]*)"`)

// TestAccessFixturesHoldOnlyFakeSecrets scans every byte of every fixture
// (database pages included) for the secrets a real run leaves: private keys
// and tokens must be the fixtures' fake ones.
func TestAccessFixturesHoldOnlyFakeSecrets(t *testing.T) {
	// FAKE-…: regen.sh's device/socket tokens; fa4e0…: its 2026.2.1 device
	// tokens; 0123…cdef: the fixtures' gateway token; fp:<12 hex>: OpenClaw's
	// own short fingerprint of an authored config value (config health).
	fakeToken := regexp.MustCompile(`^(FAKE-[A-Za-z0-9_-]+|fa4e0{28}|0123456789abcdef0123456789abcdef0123456789abcdef|fp:[0-9a-f]{12})$`)
	files := 0
	require.NoError(t, filepath.WalkDir(Testdata("access", "states"), func(path string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		files++
		for rest := data; ; {
			i := bytes.Index(rest, []byte("-----BEGIN PRIVATE KEY-----"))
			if i < 0 {
				break
			}
			rest = rest[i+len("-----BEGIN PRIVATE KEY-----"):]
			// PEM text in a DB page, or after a JSON-escaped newline in identity/device.json
			body := strings.TrimPrefix(strings.TrimSpace(string(rest[:min(len(rest), 66)])), `\n`)
			require.Equal(t, rfc8032TestKey, body[:min(len(body), len(rfc8032TestKey))], "%s holds a private key that is not the RFC 8032 test key", path)
		}
		for _, m := range tokenValue.FindAllSubmatch(data, -1) {
			require.Regexp(t, fakeToken, string(m[1]), "%s holds a token that is not a fixture fake", path)
		}
		return nil
	}))
	require.Greater(t, files, 20)
}

// TestAccessRealOutputsAreClean checks the recorded real-CLI runs: each has
// its command, exit 0, JSON on stdout, and no startup-migration refusal.
func TestAccessRealOutputsAreClean(t *testing.T) {
	for _, version := range []string{"2026.9.6", "2026.2.1"} {
		runs, err := filepath.Glob(Testdata("access", "real", version, "*.rc"))
		require.NoError(t, err)
		require.NotEmpty(t, runs, version)
		for _, rc := range runs {
			base := strings.TrimSuffix(rc, ".rc")
			code, err := os.ReadFile(rc)
			require.NoError(t, err)
			require.Equal(t, "0", strings.TrimSpace(string(code)), base)
			require.FileExists(t, base+".cmd")
			out, err := os.ReadFile(base + ".json")
			require.NoError(t, err)
			require.True(t, json.Valid(out), "%s.json is not JSON", base)
			stderr, err := os.ReadFile(base + ".stderr")
			require.NoError(t, err)
			require.NotContains(t, string(stderr), "did not complete cleanly", base)
		}
	}
}
