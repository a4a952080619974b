package memory

// pruneEvery is how many writes a store takes between its sweeps of
// expired entries: every store here prunes on write, so memory stays
// bounded without a background goroutine.
const pruneEvery = 1024

// deleteExpired deletes the entries of m for which expired is true and
// returns how many.
func deleteExpired[K comparable, V any](m map[K]V, expired func(V) bool) int {
	n := 0
	for k, v := range m {
		if expired(v) {
			delete(m, k)
			n++
		}
	}
	return n
}
