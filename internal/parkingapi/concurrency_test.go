package parkingapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentMapUpdates: eight operators' edits based on one version,
// sent at once over HTTP, leave exactly one winner (200) and seven 409s,
// on every backend.
func TestConcurrentMapUpdates(t *testing.T) {
	for _, backend := range []string{"memory", "bolt", "mongo"} {
		t.Run(backend, func(t *testing.T) {
			h := newHarness(t, harnessOpts{backend: backend})
			m, err := h.store.GetMap(t.Context(), mapA)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal(m)
			var wg sync.WaitGroup
			codes := make(chan int, 8)
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := h.do(opA, http.MethodPut, "/parking/maps/mapA", strings.NewReader(string(body)), "application/json")
					codes <- r.status
				}()
			}
			wg.Wait()
			close(codes)
			count := map[int]int{}
			for c := range codes {
				count[c]++
			}
			if count[http.StatusOK] != 1 || count[http.StatusConflict] != 7 {
				t.Fatalf("statuses %v, want one 200 and seven 409", count)
			}
			if v, err := h.store.GetMap(t.Context(), mapA); err != nil || v.Version != 2 {
				t.Fatalf("after the race: %v, %v", v, err)
			}
		})
	}
}
