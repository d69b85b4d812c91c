//go:build race

package model_test

// raceEnabled: the race detector makes sync.Pool drop what is put back at
// random, so allocation counts do not hold under it.
const raceEnabled = true
