// Command materialize copies a state-dir fixture (testdata/states/NAME) to
// DEST and applies its NAME.modes file: permission bits and symlinks, which
// git does not keep, through demo.CopyFixture (as testutil.CopyState does). Used
// by scripts/compat.sh and scripts/bench-vs-openclaw.sh.
//
//	go run ./internal/tools/materialize [-states DIR] NAME DEST
//
// DEST must not exist. Exit 2 on bad usage or a bad fixture.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hardshell/hardshell/internal/demo"
)

func main() {
	states := flag.String("states", "testdata/states", "dir holding the fixtures and their .modes files")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: materialize [-states DIR] NAME DEST")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := demo.CopyFixture(*states, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "materialize:", err)
		os.Exit(2)
	}
}
