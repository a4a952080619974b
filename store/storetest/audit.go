package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
)

// auditBase is the audit suite's clock origin (UTC, millisecond precision).
var auditBase = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func auditEntry(i int, actor, action string, outcome audit.Outcome) audit.Entry {
	return audit.Entry{
		Time:    auditBase.Add(time.Duration(i) * time.Minute),
		Action:  action,
		Outcome: outcome,
		Actor:   actor,
		Data:    fmt.Appendf(nil, `{"i":%d,"action":%q}`, i, action),
	}
}

// RunAuditStore runs the [audit.Store] conformance suite. newStore must
// return a new, empty store each time it is called. It checks appending
// (sequence numbers, links, byte-exact round trips, the store's own check
// of what seal returns), queries (each filter, time bounds, pagination both
// ways), ranges, cancellation, and that concurrent appends form one
// unbroken chain that [audit.Chain.Verify] accepts, plain and keyed. Run it
// under -race.
func RunAuditStore(t *testing.T, newStore func(t *testing.T) audit.Store) {
	t.Helper()
	ctx := context.Background()
	chain := audit.NewChain()

	appendN := func(t *testing.T, s audit.Store, entries ...audit.Entry) []audit.Record {
		t.Helper()
		out := make([]audit.Record, 0, len(entries))
		for _, e := range entries {
			r, err := chain.Append(ctx, s, e)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			out = append(out, r)
		}
		return out
	}
	seqs := func(rs []audit.Record) []uint64 {
		out := make([]uint64, len(rs))
		for i, r := range rs {
			out[i] = r.Seq
		}
		return out
	}
	eqSeqs := func(t *testing.T, what string, got []audit.Record, want ...uint64) {
		t.Helper()
		g := seqs(got)
		if fmt.Sprint(g) != fmt.Sprint(want) {
			t.Fatalf("%s: seqs %v, want %v", what, g, want)
		}
	}
	// fixture: 10 records over 10 minutes, two actors, three actions.
	fixture := func(t *testing.T, s audit.Store) []audit.Record {
		t.Helper()
		var es []audit.Entry
		for i := range 10 {
			actor := "alice"
			if i%2 == 1 {
				actor = "bob"
			}
			action, outcome := audit.ActionLogin, audit.OutcomeSuccess
			switch i % 3 {
			case 1:
				outcome = "failure"
			case 2:
				action = "user.delete"
			}
			es = append(es, auditEntry(i, actor, action, outcome))
		}
		return appendN(t, s, es...)
	}

	cases := []struct {
		name string
		run  func(t *testing.T, s audit.Store)
	}{
		{"empty store", func(t *testing.T, s audit.Store) {
			h, err := s.Head(ctx)
			if err != nil || h.Seq != 0 || len(h.Hash) != 0 {
				t.Fatalf("Head = %+v, %v; want zero", h, err)
			}
			p, err := s.Query(ctx, audit.Query{})
			if err != nil || len(p.Records) != 0 || p.Next != 0 {
				t.Fatalf("Query = %+v, %v; want empty", p, err)
			}
			calls := 0
			if err := s.Range(ctx, 1, 0, func(audit.Record) error { calls++; return nil }); err != nil || calls != 0 {
				t.Fatalf("Range: %d calls, %v", calls, err)
			}
			if h, err := chain.Verify(ctx, s, 1, 0); err != nil || h.Seq != 0 {
				t.Fatalf("Verify empty = %+v, %v", h, err)
			}
		}},
		{"append assigns sequence and links", func(t *testing.T, s audit.Store) {
			rs := fixture(t, s)
			for i, r := range rs {
				if r.Seq != uint64(i+1) {
					t.Fatalf("record %d has seq %d", i, r.Seq)
				}
				if i == 0 && len(r.PrevHash) != 0 {
					t.Fatalf("first record has prev hash %x", r.PrevHash)
				}
				if i > 0 && !bytes.Equal(r.PrevHash, rs[i-1].Hash) {
					t.Fatalf("record %d not linked to %d", r.Seq, rs[i-1].Seq)
				}
			}
			h, err := s.Head(ctx)
			if err != nil || h.Seq != 10 || !bytes.Equal(h.Hash, rs[9].Hash) {
				t.Fatalf("Head = %+v, %v; want seq 10", h, err)
			}
			if got, err := chain.Verify(ctx, s, 0, 0); err != nil || got.Seq != 10 || !bytes.Equal(got.Hash, h.Hash) {
				t.Fatalf("Verify = %+v, %v", got, err)
			}
			if got, err := chain.Verify(ctx, s, 4, 7); err != nil || got.Seq != 7 {
				t.Fatalf("Verify(4,7) = %+v, %v", got, err)
			}
		}},
		{"records round-trip exactly", func(t *testing.T, s audit.Store) {
			e := audit.Entry{
				Time:    time.Date(2025, 6, 1, 12, 0, 0, 987_654_321, time.FixedZone("x", 3600)),
				Action:  "auth.login",
				Outcome: "failure",
				Actor:   "ünïcødé\r\n@example.com",
				Data:    []byte("{\"msg\":\"a\\r\\nlevel=INFO\",\"raw\":\"\u2028\xff\"}"),
			}
			want := appendN(t, s, e)[0]
			if !want.Time.Equal(time.UnixMilli(e.Time.UnixMilli())) {
				t.Fatalf("sealed time %v not truncated to ms", want.Time)
			}
			var got []audit.Record
			if err := s.Range(ctx, 1, 1, func(r audit.Record) error { got = append(got, r); return nil }); err != nil || len(got) != 1 {
				t.Fatalf("Range: %d records, %v", len(got), err)
			}
			g := got[0]
			if g.Seq != want.Seq || !g.Time.Equal(want.Time) || g.Action != want.Action || g.Outcome != want.Outcome ||
				g.Actor != want.Actor || !bytes.Equal(g.Data, e.Data) || !bytes.Equal(g.Hash, want.Hash) || len(g.PrevHash) != 0 {
				t.Fatalf("round trip\n got %+v\nwant %+v", g, want)
			}
			p, err := s.Query(ctx, audit.Query{Actor: e.Actor})
			if err != nil || len(p.Records) != 1 || !bytes.Equal(p.Records[0].Data, e.Data) {
				t.Fatalf("Query by unusual actor: %+v, %v", p, err)
			}
		}},
		{"returned records are copies", func(t *testing.T, s audit.Store) {
			r := appendN(t, s, auditEntry(1, "alice", "a.b", "success"))[0]
			r.Data[0] = 'X'
			r.Hash[0] ^= 0xff
			p, err := s.Query(ctx, audit.Query{})
			if err != nil || len(p.Records) != 1 {
				t.Fatalf("Query: %+v, %v", p, err)
			}
			p.Records[0].Data[1] = 'Y'
			if _, err := chain.Verify(ctx, s, 1, 0); err != nil {
				t.Fatalf("mutating returned records changed the store: %v", err)
			}
		}},
		{"store rejects a record that does not extend the head", func(t *testing.T, s audit.Store) {
			appendN(t, s, auditEntry(1, "alice", "a.b", "success"))
			bad := []struct {
				name string
				seal audit.SealFunc
			}{
				{"wrong seq", func(h audit.Link) (audit.Record, error) {
					r := chain.Seal(h, auditEntry(2, "x", "a.b", "success"))
					r.Seq += 5
					return r, nil
				}},
				{"wrong prev hash", func(h audit.Link) (audit.Record, error) {
					return chain.Seal(audit.Link{Seq: h.Seq, Hash: []byte("forged")}, auditEntry(2, "x", "a.b", "success")), nil
				}},
				{"fork from genesis", func(audit.Link) (audit.Record, error) {
					return chain.Seal(audit.Link{}, auditEntry(2, "x", "a.b", "success")), nil
				}},
			}
			for _, b := range bad {
				if _, err := s.Append(ctx, b.seal); !errors.Is(err, audit.ErrChainConflict) {
					t.Fatalf("%s: Append = %v, want ErrChainConflict", b.name, err)
				}
			}
			sealErr := errors.New("seal failed")
			if _, err := s.Append(ctx, func(audit.Link) (audit.Record, error) { return audit.Record{}, sealErr }); !errors.Is(err, sealErr) {
				t.Fatalf("seal error: Append = %v", err)
			}
			if h, _ := s.Head(ctx); h.Seq != 1 {
				t.Fatalf("rejected appends changed the head to %d", h.Seq)
			}
			if _, err := chain.Verify(ctx, s, 1, 0); err != nil {
				t.Fatal(err)
			}
		}},
		{"canceled context stores nothing", func(t *testing.T, s audit.Store) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := chain.Append(cctx, s, auditEntry(1, "a", "a.b", "success")); !errors.Is(err, context.Canceled) {
				t.Fatalf("Append with canceled ctx = %v", err)
			}
			if h, _ := s.Head(ctx); h.Seq != 0 {
				t.Fatalf("canceled append stored seq %d", h.Seq)
			}
		}},
		{"query filters", func(t *testing.T, s audit.Store) {
			fixture(t, s)
			tests := []struct {
				name string
				q    audit.Query
				want []uint64
			}{
				{"all", audit.Query{}, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
				{"actor", audit.Query{Actor: "bob"}, []uint64{2, 4, 6, 8, 10}},
				{"action", audit.Query{Action: "user.delete"}, []uint64{3, 6, 9}},
				{"outcome", audit.Query{Outcome: "failure"}, []uint64{2, 5, 8}},
				{"actor+outcome", audit.Query{Actor: "bob", Outcome: "failure"}, []uint64{2, 8}},
				{"action+actor", audit.Query{Action: audit.ActionLogin, Actor: "alice"}, []uint64{1, 5, 7}},
				{"since inclusive", audit.Query{Since: auditBase.Add(7 * time.Minute)}, []uint64{8, 9, 10}},
				{"until exclusive", audit.Query{Until: auditBase.Add(2 * time.Minute)}, []uint64{1, 2}},
				{"window", audit.Query{Since: auditBase.Add(3 * time.Minute), Until: auditBase.Add(6 * time.Minute)}, []uint64{4, 5, 6}},
				{"window+actor", audit.Query{Since: auditBase.Add(3 * time.Minute), Until: auditBase.Add(6 * time.Minute), Actor: "alice"}, []uint64{5}},
				{"no match", audit.Query{Actor: "carol"}, nil},
				{"descending", audit.Query{Actor: "alice", Descending: true}, []uint64{9, 7, 5, 3, 1}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p, err := s.Query(ctx, tt.q)
					if err != nil {
						t.Fatal(err)
					}
					eqSeqs(t, "Query", p.Records, tt.want...)
					if p.Next != 0 {
						t.Fatalf("Next = %d on a complete page", p.Next)
					}
				})
			}
		}},
		{"pagination", func(t *testing.T, s audit.Store) {
			fixture(t, s)
			for _, desc := range []bool{false, true} {
				for _, limit := range []int{1, 3, 5, 10} {
					t.Run(fmt.Sprintf("desc=%v/limit=%d", desc, limit), func(t *testing.T) {
						var all []audit.Record
						q := audit.Query{Limit: limit, Descending: desc}
						for pages := 0; ; pages++ {
							if pages > 20 {
								t.Fatal("pagination does not terminate")
							}
							p, err := s.Query(ctx, q)
							if err != nil {
								t.Fatal(err)
							}
							if len(p.Records) > limit {
								t.Fatalf("page of %d > limit %d", len(p.Records), limit)
							}
							all = append(all, p.Records...)
							if p.Next == 0 {
								break
							}
							if len(p.Records) != limit {
								t.Fatalf("short page (%d) with Next %d", len(p.Records), p.Next)
							}
							q.Cursor = p.Next
						}
						want := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
						if desc {
							want = []uint64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
						}
						eqSeqs(t, "pages", all, want...)
					})
				}
			}
			p, err := s.Query(ctx, audit.Query{Outcome: "failure", Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			eqSeqs(t, "filtered page 1", p.Records, 2, 5)
			if p.Next == 0 {
				t.Fatal("Next = 0 with a match left")
			}
			p, err = s.Query(ctx, audit.Query{Outcome: "failure", Limit: 2, Cursor: p.Next})
			if err != nil {
				t.Fatal(err)
			}
			eqSeqs(t, "filtered page 2", p.Records, 8)
			if p.Next != 0 {
				t.Fatalf("Next = %d after the last match", p.Next)
			}
		}},
		{"limit is capped", func(t *testing.T, s audit.Store) {
			es := make([]audit.Entry, audit.MaxQueryLimit+5)
			for i := range es {
				es[i] = audit.Entry{Time: auditBase, Action: "a.b", Outcome: "success", Data: []byte("{}")}
			}
			appendN(t, s, es...)
			p, err := s.Query(ctx, audit.Query{Limit: audit.MaxQueryLimit * 10})
			if err != nil || len(p.Records) != audit.MaxQueryLimit || p.Next == 0 {
				t.Fatalf("huge limit: %d records, next %d, %v", len(p.Records), p.Next, err)
			}
			p, err = s.Query(ctx, audit.Query{})
			if err != nil || len(p.Records) != audit.DefaultQueryLimit {
				t.Fatalf("default limit: %d records, %v", len(p.Records), err)
			}
		}},
		{"range", func(t *testing.T, s audit.Store) {
			fixture(t, s)
			collect := func(from, to uint64) []audit.Record {
				var out []audit.Record
				if err := s.Range(ctx, from, to, func(r audit.Record) error { out = append(out, r); return nil }); err != nil {
					t.Fatalf("Range(%d,%d): %v", from, to, err)
				}
				return out
			}
			eqSeqs(t, "Range(3,5)", collect(3, 5), 3, 4, 5)
			eqSeqs(t, "Range(8,0)", collect(8, 0), 8, 9, 10)
			eqSeqs(t, "Range(0,2)", collect(0, 2), 1, 2)
			eqSeqs(t, "Range(9,100)", collect(9, 100), 9, 10)
			eqSeqs(t, "Range(11,0)", collect(11, 0))
			stop := errors.New("stop")
			n := 0
			err := s.Range(ctx, 1, 0, func(audit.Record) error { n++; return stop })
			if !errors.Is(err, stop) || n != 1 {
				t.Fatalf("Range did not stop at fn's error: %d calls, %v", n, err)
			}
		}},
		{"concurrent appends keep one unbroken chain", func(t *testing.T, s audit.Store) {
			const workers, each = 8, 40
			var wg sync.WaitGroup
			errs := make(chan error, workers*each)
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						if _, err := chain.Append(ctx, s, auditEntry(i, fmt.Sprintf("w%d", w), "a.b", "success")); err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatalf("concurrent Append: %v", err)
			}
			h, err := chain.Verify(ctx, s, 1, 0)
			if err != nil {
				t.Fatalf("chain broken by concurrent appends: %v", err)
			}
			if h.Seq != workers*each {
				t.Fatalf("head %d, want %d", h.Seq, workers*each)
			}
			for w := range workers {
				p, err := s.Query(ctx, audit.Query{Actor: fmt.Sprintf("w%d", w)})
				if err != nil || len(p.Records) != each {
					t.Fatalf("worker %d: %d records, %v", w, len(p.Records), err)
				}
			}
		}},
		{"keyed chain", func(t *testing.T, s audit.Store) {
			key := bytes.Repeat([]byte{7}, 32)
			keyed, err := audit.NewHMACChain(key)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				if _, err := keyed.Append(ctx, s, auditEntry(i, "alice", "a.b", "success")); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := keyed.Verify(ctx, s, 1, 0); err != nil {
				t.Fatalf("keyed chain: %v", err)
			}
			other, _ := audit.NewHMACChain(bytes.Repeat([]byte{8}, 32))
			var ce *audit.ChainError
			if _, err := other.Verify(ctx, s, 1, 0); !errors.As(err, &ce) || ce.Seq != 1 || ce.Reason != audit.ReasonHash {
				t.Fatalf("wrong key verified: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, newStore(t))
		})
	}
}
