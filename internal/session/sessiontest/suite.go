// Package sessiontest is the conformance suite of [session.Repository]:
// every backend runs [Run].
package sessiontest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func at(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }

func mk(id, driver, plate, slot string, i int) session.Session {
	return session.Session{
		ID: id, DriverID: driver, Vehicle: plate, FacilityID: "fac1", MapID: "m1",
		Slot:       parking.SlotRef{Building: "Westfield Sydney", Level: 1, ID: slot},
		EntranceID: "E1", Status: session.StatusActive, StartedAt: at(i),
	}
}

// Run runs the suite; newRepo returns an empty repository per call.
func Run(t *testing.T, newRepo func(t *testing.T) session.Repository) {
	t.Run("StartActiveEnd", func(t *testing.T) { testLifecycle(t, newRepo(t)) })
	t.Run("OneActivePerDriverVehicleSlot", func(t *testing.T) { testUnique(t, newRepo(t)) })
	t.Run("OwnedByDriver", func(t *testing.T) { testOwned(t, newRepo(t)) })
	t.Run("HistoryAndFacility", func(t *testing.T) { testHistory(t, newRepo(t)) })
	t.Run("Invalid", func(t *testing.T) { testInvalid(t, newRepo(t)) })
	t.Run("ConcurrentStartsOnOneSlot", func(t *testing.T) { testRaceSlot(t, newRepo(t)) })
	t.Run("ConcurrentStartsOfOneDriver", func(t *testing.T) { testRaceDriver(t, newRepo(t)) })
	t.Run("ConcurrentEnds", func(t *testing.T) { testRaceEnd(t, newRepo(t)) })
	t.Run("DeleteDriver", func(t *testing.T) { testDeleteDriver(t, newRepo(t)) })
	t.Run("SetExit", func(t *testing.T) { testSetExit(t, newRepo(t)) })
	t.Run("ConcurrentSetExitAndEnd", func(t *testing.T) { testRaceSetExit(t, newRepo(t)) })
}

// testSetExit: only the owner's active session takes an exit; End keeps
// it unless it names another; an ended session's exit is frozen.
func testSetExit(t *testing.T, r session.Repository) {
	ctx := context.Background()
	if err := r.Start(ctx, mk("s1", "d1", "AAA", "1A", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetExit(ctx, "d2", "s1", "X1"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("another driver's session: %v", err)
	}
	if _, err := r.SetExit(ctx, "d1", "nope", "X1"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
	for _, bad := range []string{"", "X\x00", string(make([]byte, 65))} {
		if _, err := r.SetExit(ctx, "d1", "s1", bad); !errors.Is(err, session.ErrInvalid) {
			t.Fatalf("exit %q: %v", bad, err)
		}
	}
	for _, x := range []string{"X1", "X2"} {
		s, err := r.SetExit(ctx, "d1", "s1", x)
		if err != nil || s.ExitID != x || s.Status != session.StatusActive {
			t.Fatalf("set %s: %+v %v", x, s, err)
		}
	}
	if s, _ := r.Get(ctx, "d1", "s1"); s.ExitID != "X2" {
		t.Fatalf("get: exit %q", s.ExitID)
	}
	if s, _ := r.Active(ctx, "d1"); s.ExitID != "X2" {
		t.Fatalf("active: exit %q", s.ExitID)
	}
	if act, _ := r.ActiveInFacility(ctx, "fac1", ""); len(act) != 1 || act[0].ExitID != "X2" {
		t.Fatalf("facility: %+v", act)
	}
	ended, err := r.End(ctx, "d1", "s1", at(5), "")
	if err != nil || ended.ExitID != "X2" {
		t.Fatalf("end keeps the planned exit: %+v %v", ended, err)
	}
	if _, err := r.SetExit(ctx, "d1", "s1", "X3"); !errors.Is(err, session.ErrNotActive) {
		t.Fatalf("exit of an ended session: %v", err)
	}
	if s, _ := r.Get(ctx, "d1", "s1"); s.ExitID != "X2" || s.Status != session.StatusEnded {
		t.Fatalf("after a refused change: %+v", s)
	}
	if h, _, _ := r.History(ctx, "d1", 10, 0); len(h) != 1 || h[0].ExitID != "X2" {
		t.Fatalf("history: %+v", h)
	}
	// End's exit overrides the planned one.
	if err := r.Start(ctx, mk("s2", "d1", "AAA", "1A", 6)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetExit(ctx, "d1", "s2", "X1"); err != nil {
		t.Fatal(err)
	}
	if ended, err := r.End(ctx, "d1", "s2", at(7), "X9"); err != nil || ended.ExitID != "X9" {
		t.Fatalf("end names an exit: %+v %v", ended, err)
	}
	if s, _ := r.Get(ctx, "d1", "s2"); s.ExitID != "X9" {
		t.Fatalf("stored exit %q, want X9", s.ExitID)
	}
}

// testRaceSetExit: exit changes racing an end either happen before it
// (and the ended session has the exit of one that succeeded) or fail with
// ErrNotActive; a successful change is never lost.
func testRaceSetExit(t *testing.T, r session.Repository) {
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		id := fmt.Sprint("s", round)
		if err := r.Start(ctx, mk(id, "d1", "AAA", "1A", round*10)); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		ok := map[string]bool{}
		_, errs := race(9, func(i int) error {
			if i == 4 {
				_, err := r.End(ctx, "d1", id, at(round*10+5), "")
				return err
			}
			x := fmt.Sprint("X", i)
			_, err := r.SetExit(ctx, "d1", id, x)
			if err == nil {
				mu.Lock()
				ok[x] = true
				mu.Unlock()
			}
			return err
		})
		for _, err := range errs {
			if !errors.Is(err, session.ErrNotActive) {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		s, err := r.Get(ctx, "d1", id)
		if err != nil || s.Status != session.StatusEnded {
			t.Fatalf("round %d: %+v %v", round, s, err)
		}
		if s.ExitID == "" && len(ok) > 0 || s.ExitID != "" && !ok[s.ExitID] {
			t.Fatalf("round %d: ended with exit %q; successful changes %v", round, s.ExitID, ok)
		}
	}
}

func testDeleteDriver(t *testing.T, r session.Repository) {
	ctx := context.Background()
	if err := r.Start(ctx, mk("s1", "d1", "AAA", "1A", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.End(ctx, "d1", "s1", at(1), ""); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, mk("s2", "d1", "AAA", "1A", 2)); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, mk("o1", "d2", "BBB", "1B", 2)); err != nil {
		t.Fatal(err)
	}
	if n, err := r.DeleteDriver(ctx, "d1"); err != nil || n != 2 {
		t.Fatalf("deleted %d %v", n, err)
	}
	if h, n, _ := r.History(ctx, "d1", 10, 0); len(h) != 0 || n != 0 {
		t.Fatalf("history after delete %v", h)
	}
	// The active session's claims are released: slot, driver and vehicle.
	if err := r.Start(ctx, mk("s3", "d3", "AAA", "1A", 3)); err != nil {
		t.Fatalf("claims survive deletion: %v", err)
	}
	if a, err := r.Active(ctx, "d2"); err != nil || a.ID != "o1" {
		t.Fatalf("another driver's session touched: %+v %v", a, err)
	}
}

func testLifecycle(t *testing.T, r session.Repository) {
	ctx := context.Background()
	if _, err := r.Active(ctx, "d1"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("no session yet: %v", err)
	}
	if err := r.Start(ctx, mk("s1", "d1", "ABC123", "1A", 0)); err != nil {
		t.Fatal(err)
	}
	a, err := r.Active(ctx, "d1")
	if err != nil || a.ID != "s1" || a.Status != session.StatusActive || a.EndedAt != nil || a.Slot.ID != "1A" || !a.StartedAt.Equal(at(0)) {
		t.Fatalf("active %+v %v", a, err)
	}
	e, err := r.End(ctx, "d1", "s1", at(90), "X1")
	if err != nil || e.Status != session.StatusEnded || e.EndedAt == nil || !e.EndedAt.Equal(at(90)) || e.ExitID != "X1" {
		t.Fatalf("end %+v %v", e, err)
	}
	if _, err := r.End(ctx, "d1", "s1", at(91), ""); !errors.Is(err, session.ErrNotActive) {
		t.Fatalf("second end: %v", err)
	}
	if _, err := r.Active(ctx, "d1"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("active after end: %v", err)
	}
	o := session.Outcome{FareCents: 1440, Payment: session.PaymentPaid, TransactionID: "tx_1", EmissionRecordID: "em1"}
	if s, err := r.SetOutcome(ctx, "d1", "s1", o); err != nil || s.Outcome != o {
		t.Fatalf("outcome %+v %v", s, err)
	}
	g, err := r.Get(ctx, "d1", "s1")
	if err != nil || g.Outcome != o || g.Status != session.StatusEnded || g.ExitID != "X1" {
		t.Fatalf("get %+v %v", g, err)
	}
	// Everything was released: the same driver, vehicle and slot start again.
	if err := r.Start(ctx, mk("s2", "d1", "ABC123", "1A", 100)); err != nil {
		t.Fatalf("restart after end: %v", err)
	}
}

func testUnique(t *testing.T, r session.Repository) {
	ctx := context.Background()
	if err := r.Start(ctx, mk("s1", "d1", "AAA", "1A", 0)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		s    session.Session
		want error
	}{
		{"same driver", mk("s2", "d1", "BBB", "1B", 1), session.ErrDriverActive},
		{"same vehicle", mk("s3", "d2", "AAA", "1B", 1), session.ErrVehicleActive},
		{"same slot", mk("s4", "d2", "BBB", "1A", 1), session.ErrSlotTaken},
		{"same slot, building in other case", func() session.Session {
			s := mk("s5", "d2", "BBB", "1A", 1)
			s.Slot.Building = "WESTFIELD SYDNEY"
			return s
		}(), session.ErrSlotTaken},
		{"reused id", mk("s1", "d9", "ZZZ", "2A", 1), session.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := r.Start(ctx, c.s); !errors.Is(err, c.want) {
				t.Fatalf("%v, want %v", err, c.want)
			}
		})
	}
	// A failed start leaves nothing: d2 and BBB are free.
	if err := r.Start(ctx, mk("s6", "d2", "BBB", "1B", 2)); err != nil {
		t.Fatalf("start after refusals: %v", err)
	}
	other := mk("s7", "d3", "CCC", "1A", 3)
	other.Slot.Level = 2 // same id on another level is another slot
	if err := r.Start(ctx, other); err != nil {
		t.Fatalf("other level: %v", err)
	}
}

func testOwned(t *testing.T, r session.Repository) {
	ctx := context.Background()
	if err := r.Start(ctx, mk("s1", "d1", "AAA", "1A", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(ctx, "d2", "s1"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("another driver reads: %v", err)
	}
	if _, err := r.End(ctx, "d2", "s1", at(1), ""); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("another driver ends: %v", err)
	}
	if _, err := r.SetOutcome(ctx, "d2", "s1", session.Outcome{FareCents: 1}); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("another driver sets outcome: %v", err)
	}
	if h, n, err := r.History(ctx, "d2", 10, 0); err != nil || len(h) != 0 || n != 0 {
		t.Fatalf("another driver's history %v %d %v", h, n, err)
	}
	if a, err := r.Active(ctx, "d1"); err != nil || a.ID != "s1" {
		t.Fatalf("owner lost the session: %v", err)
	}
}

func testHistory(t *testing.T, r session.Repository) {
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		id := fmt.Sprint("s", i)
		if err := r.Start(ctx, mk(id, "d1", "AAA", "1A", i*10)); err != nil {
			t.Fatal(err)
		}
		if i < 4 {
			if _, err := r.End(ctx, "d1", id, at(i*10+5), ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := mk("o1", "d2", "BBB", "1B", 60)
	other.FacilityID = "fac2"
	other.Slot.Building = "Elsewhere"
	if err := r.Start(ctx, other); err != nil {
		t.Fatal(err)
	}
	h, n, err := r.History(ctx, "d1", 2, 1)
	if err != nil || n != 5 || len(h) != 2 || h[0].ID != "s3" || h[1].ID != "s2" {
		t.Fatalf("history %+v %d %v", h, n, err)
	}
	if _, _, err := r.History(ctx, "d1", 101, 0); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("limit 101: %v", err)
	}
	act, err := r.ActiveInFacility(ctx, "fac1", "")
	if err != nil || len(act) != 1 || act[0].ID != "s4" {
		t.Fatalf("facility active %+v %v", act, err)
	}
	if act, _ := r.ActiveInFacility(ctx, "fac1", "westfield sydney"); len(act) != 1 {
		t.Fatalf("building filter (case-insensitive) %+v", act)
	}
	if act, _ := r.ActiveInFacility(ctx, "fac1", "Westfield"); len(act) != 0 {
		t.Fatalf("building filter matched a prefix %+v", act)
	}
	if c, err := r.Count(ctx, "fac1"); err != nil || c.Total != 5 || c.Active != 1 {
		t.Fatalf("count %+v %v", c, err)
	}
	if c, err := r.Count(ctx, ""); err != nil || c.Total != 6 || c.Active != 2 {
		t.Fatalf("platform count %+v %v", c, err)
	}
}

func testInvalid(t *testing.T, r session.Repository) {
	ctx := context.Background()
	for name, mut := range map[string]func(*session.Session){
		"no id":      func(s *session.Session) { s.ID = "" },
		"no driver":  func(s *session.Session) { s.DriverID = "" },
		"no vehicle": func(s *session.Session) { s.Vehicle = "" },
		"no slot":    func(s *session.Session) { s.Slot.ID = "" },
		"ended":      func(s *session.Session) { s.Status = session.StatusEnded },
		"no time":    func(s *session.Session) { s.StartedAt = time.Time{} },
	} {
		t.Run(name, func(t *testing.T) {
			s := mk("s1", "d1", "AAA", "1A", 0)
			mut(&s)
			if err := r.Start(ctx, s); !errors.Is(err, session.ErrInvalid) {
				t.Fatalf("%v, want ErrInvalid", err)
			}
		})
	}
}

func race(n int, f func(i int) error) (wins int64, errs []error) {
	var wg sync.WaitGroup
	var w atomic.Int64
	var mu sync.Mutex
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(i); err == nil {
				w.Add(1)
			} else {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return w.Load(), errs
}

func testRaceSlot(t *testing.T, r session.Repository) {
	ctx := context.Background()
	wins, errs := race(20, func(i int) error {
		return r.Start(ctx, mk(fmt.Sprint("s", i), fmt.Sprint("d", i), fmt.Sprint("P", i), "1A", 0))
	})
	if wins != 1 {
		t.Fatalf("%d drivers got slot 1A, want 1", wins)
	}
	for _, err := range errs {
		if !errors.Is(err, session.ErrSlotTaken) {
			t.Fatalf("loser: %v", err)
		}
	}
	if act, _ := r.ActiveInFacility(ctx, "fac1", ""); len(act) != 1 {
		t.Fatalf("%d active sessions", len(act))
	}
}

func testRaceDriver(t *testing.T, r session.Repository) {
	ctx := context.Background()
	wins, errs := race(12, func(i int) error {
		return r.Start(ctx, mk(fmt.Sprint("s", i), "d1", "AAA", fmt.Sprint("S", i), 0))
	})
	if wins != 1 {
		t.Fatalf("one driver got %d sessions", wins)
	}
	for _, err := range errs {
		if !errors.Is(err, session.ErrDriverActive) && !errors.Is(err, session.ErrVehicleActive) {
			t.Fatalf("loser: %v", err)
		}
	}
	// Every losing start released its slot.
	for i := 0; i < 12; i++ {
		s := mk(fmt.Sprint("x", i), fmt.Sprint("e", i), fmt.Sprint("Q", i), fmt.Sprint("S", i), 1)
		err := r.Start(ctx, s)
		if err != nil && !errors.Is(err, session.ErrSlotTaken) {
			t.Fatal(err)
		}
	}
	if act, _ := r.ActiveInFacility(ctx, "fac1", ""); len(act) != 12 {
		t.Fatalf("%d active after refilling 12 slots", len(act))
	}
}

func testRaceEnd(t *testing.T, r session.Repository) {
	ctx := context.Background()
	if err := r.Start(ctx, mk("s1", "d1", "AAA", "1A", 0)); err != nil {
		t.Fatal(err)
	}
	wins, errs := race(10, func(i int) error {
		_, err := r.End(ctx, "d1", "s1", at(10+i), "")
		return err
	})
	if wins != 1 {
		t.Fatalf("%d ends succeeded", wins)
	}
	for _, err := range errs {
		if !errors.Is(err, session.ErrNotActive) {
			t.Fatalf("loser: %v", err)
		}
	}
}
