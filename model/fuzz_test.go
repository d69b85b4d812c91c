package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func addCorpusSeeds(f *testing.F) {
	_ = filepath.WalkDir(corpusDir(f), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json5")) {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
}

// FuzzParse: any bytes either parse into a value whose positions lie inside
// the input, or fail with an *InputError that has a position. Never a panic.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Add([]byte(`{a:'x\
y', b:[.5,+Infinity,NaN,0x1F,], "c":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseValue("fuzz.json5", data)
		if err != nil {
			ie, ok := err.(*InputError)
			if !ok || ie.Line < 1 || ie.Col < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		for _, l := range leaves(n, "") {
			if l.node.Pos.Offset < 0 || l.node.Pos.Offset >= len(data) {
				t.Fatalf("position %d outside input of %d bytes", l.node.Pos.Offset, len(data))
			}
		}
		_ = n.Interface()
	})
}

// FuzzEdit: for any parseable input and any edit, Apply either refuses or
// produces bytes that parse, hold the new value and keep every comment.
func FuzzEdit(f *testing.F) {
	_ = filepath.WalkDir(corpusDir(f), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json5")) {
			if data, err := os.ReadFile(p); err == nil && !strings.Contains(string(data), "$include") {
				f.Add(data, uint16(3), uint8(0), "loopback")
				f.Add(data, uint16(7), uint8(1), "x")
				f.Add(data, uint16(11), uint8(2), "")
				f.Add(data, uint16(1), uint8(3), "*")
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte, pick uint16, op uint8, val string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "openclaw.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := ParseFile(p)
		if err != nil {
			return
		}
		var e Edit
		ls := leaves(d.Root, "")
		cs := containers(d.Root, "")
		switch op % 4 {
		case 0:
			if len(ls) == 0 {
				return
			}
			e = Edit{Op: OpSet, Path: ls[int(pick)%len(ls)].path, Value: val}
		case 1:
			if len(cs) == 0 || cs[int(pick)%len(cs)].node.Kind != KindObject {
				return
			}
			e = Edit{Op: OpSet, Path: Child(cs[int(pick)%len(cs)].path, "hsFuzz"), Value: Obj{{Key: "k", Value: val}}}
		case 2:
			if len(ls) == 0 {
				return
			}
			e = Edit{Op: OpUnset, Path: ls[int(pick)%len(ls)].path}
		default:
			if len(cs) == 0 || cs[int(pick)%len(cs)].node.Kind != KindArray {
				return
			}
			e = Edit{Op: OpAppend, Path: cs[int(pick)%len(cs)].path, Value: val}
		}
		if e.Path == "" {
			return
		}
		out, err := d.Apply([]Edit{e})
		if err != nil {
			return
		}
		b, ok := out[p]
		if !ok {
			return
		}
		if _, err := ParseValue("edited", b); err != nil {
			t.Fatalf("edit %+v produced unparseable bytes: %v\n%s", e, err, b)
		}
		if countComments(data) != countComments(b) {
			t.Fatalf("edit %+v lost a comment\n%s", e, b)
		}
	})
}
