package model

// cst is the lossless syntax tree of one file (see parse.go).
type cst struct{}
