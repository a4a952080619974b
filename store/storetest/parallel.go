package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// exactlyOneWins runs op(0) … op(n-1) in parallel and fails t unless
// exactly one returns nil; every other must fail with an error matching
// lost. what names the operation in the failure.
func exactlyOneWins(t *testing.T, what string, n int, lost error, op func(i int) error) {
	t.Helper()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := op(i); err == nil {
				wins.Add(1)
			} else if !errors.Is(err, lost) {
				t.Errorf("%s %d: %v", what, i, err)
			}
		})
	}
	wg.Wait()
	if w := wins.Load(); w != 1 {
		t.Fatalf("%d of %d parallel %s won, want 1", w, n, what)
	}
}
