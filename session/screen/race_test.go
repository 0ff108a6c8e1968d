//go:build race

package screen

// raceEnabled: the race detector slows the random comparisons tenfold.
const raceEnabled = true
