//go:build race

package mem

// The race detector faults in shadow memory for every page written.
const raceEnabled = true
