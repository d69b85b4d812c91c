package model

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// A config listing 50,000 agents has some 150,000 nodes: a field added to
// Node must not push it past its 160-byte malloc size class unnoticed.
func TestNodeSize(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(Node{}), uintptr(160))
}

// The survey keeps five FileInfo per agent dir (50,000 on a large gateway).
func TestFileInfoSize(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(FileInfo{}), uintptr(80))
}
