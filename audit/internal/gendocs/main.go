// Command gendocs writes docs/checks.md from the audit registry:
//
//	go run ./audit/internal/gendocs -o docs/checks.md
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/hardshell/hardshell/audit"
)

func main() {
	out := flag.String("o", "docs/checks.md", "output file (- for stdout)")
	flag.Parse()
	var b bytes.Buffer
	if err := audit.WriteDocs(&b); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	if *out == "-" {
		_, _ = os.Stdout.Write(b.Bytes())
		return
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
