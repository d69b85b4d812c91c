//go:build !linux

// Package mem holds memory helpers for the few large arrays hardshell
// fills whole.
package mem

// Prefault does nothing here: the pages are faulted in as s is written.
func Prefault[T any](s []T) {}
