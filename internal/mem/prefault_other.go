//go:build !linux

package mem

// Prefault does nothing here: the pages are faulted in as s is written.
func Prefault[T any](s []T) {}
