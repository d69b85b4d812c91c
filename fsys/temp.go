package fsys

import (
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"strings"
)

// Temp files of an atomic write are named ".<base>.hardshell-<12 hex>.tmp"
// and live beside the file they replace (so the rename stays on one file
// system). A crash can leave one behind; this is the one definition of the
// name, used to create them, to clean them up, and by the audit to report
// them.
var tempName = regexp.MustCompile(`^\..+\.hardshell-[0-9a-f]{12}\.tmp$`)

// IsTempName reports whether name (a base name) is a hardshell temp file.
// The survey asks for every file it lists (100,000 transcripts): names
// that cannot match are told apart without running the expression.
func IsTempName(name string) bool {
	if len(name) < len(".x.hardshell-000000000000.tmp") || name[0] != '.' || !strings.HasSuffix(name, ".tmp") {
		return false
	}
	return tempName.MatchString(name)
}

// NewTempName is a fresh temp file name beside target (crypto/rand).
func NewTempName(target string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	dir, base := filepath.Split(target)
	return filepath.Join(dir, "."+base+".hardshell-"+hex.EncodeToString(b[:])+".tmp")
}
