package model

import (
	"bytes"
	"strings"
	"testing"
)

// A Writer passes text through unchanged but for masks, however the text
// is cut into writes: complete lines followed by an unfinished one in the
// same write, a line over several writes, a prompt ended by Flush.
func TestWriterKeepsTextAcrossWrites(t *testing.T) {
	const secret = "hunter2-secret-value"
	r := NewRedactor()
	r.Add(secret)
	text := "hello\nworld, a longer line\nthe token is " + secret + " here\nshort\n\nlast line without end"
	want := strings.ReplaceAll(text, secret, Mask(secret))
	for _, size := range []int{1, 2, 3, 5, 8, 13, 40, len(text)} {
		for _, held := range []bool{false, true} {
			var out bytes.Buffer
			w := r.Writer(&out)
			if held { // something held back before the first cut
				if _, err := w.Write([]byte("pre")); err != nil {
					t.Fatal(err)
				}
			}
			for rest := text; rest != ""; {
				k := min(size, len(rest))
				if n, err := w.Write([]byte(rest[:k])); err != nil || n != k {
					t.Fatalf("Write = %d, %v", n, err)
				}
				rest = rest[k:]
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			exp := want
			if held {
				exp = "pre" + want
			}
			if out.String() != exp {
				t.Errorf("pieces of %d (held %v): got %q, want %q", size, held, out.String(), exp)
			}
		}
	}
}
