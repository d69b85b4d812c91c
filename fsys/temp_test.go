package fsys

import (
	"path/filepath"
	"testing"
)

// IsTempName knows exactly the names NewTempName makes.
func TestIsTempName(t *testing.T) {
	for range 20 {
		if n := filepath.Base(NewTempName("/s/openclaw.json")); !IsTempName(n) {
			t.Fatalf("%s is a temp name", n)
		}
	}
	for name, want := range map[string]bool{
		".x.hardshell-0123456789ab.tmp":     true,
		".a.b.hardshell-0123456789ab.tmp":   true,
		"..hardshell-0123456789ab.tmp":      false, // no base
		".x.hardshell-0123456789aB.tmp":     false,
		".x.hardshell-0123456789a.tmp":      false,
		"x.hardshell-0123456789ab.tmp":      false,
		".x.hardshell-0123456789ab.tmp.bak": false,
		"0001.jsonl":                        false,
		".tmp":                              false,
		"":                                  false,
	} {
		if got := IsTempName(name); got != want {
			t.Errorf("IsTempName(%q) = %v, want %v", name, got, want)
		}
	}
}
