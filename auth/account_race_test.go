//go:build race

package auth_test

// raceEnabled reports whether the race detector is on: it slows bcrypt
// about tenfold, so timing tests lower the cost to keep the same duration.
const raceEnabled = true
