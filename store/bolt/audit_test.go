package bolt_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
)

// Queries with an actor walk the actor index; its pagination must agree
// with the full scan's in both directions, also for actors whose names
// are prefixes of one another.
func TestAuditActorIndexPagination(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t).AuditStore()
	chain := audit.NewChain()
	actors := []string{"bob", "bobby", "", "bo"}
	for i := range 20 {
		e := audit.Entry{Time: base.Add(time.Duration(i) * time.Second), Action: "a.b", Outcome: audit.OutcomeSuccess, Actor: actors[i%len(actors)], Data: []byte("{}")}
		if _, err := chain.Append(ctx, s, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, actor := range []string{"bob", "bobby", "bo"} {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/desc=%v", actor, desc), func(t *testing.T) {
				full, err := s.Query(ctx, audit.Query{Actor: actor, Descending: desc})
				if err != nil || len(full.Records) != 5 {
					t.Fatalf("full query: %d records, %v", len(full.Records), err)
				}
				var paged []uint64
				q := audit.Query{Actor: actor, Descending: desc, Limit: 2}
				for range 10 {
					p, err := s.Query(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range p.Records {
						if r.Actor != actor {
							t.Fatalf("record %d of actor %q in a query for %q", r.Seq, r.Actor, actor)
						}
						paged = append(paged, r.Seq)
					}
					if p.Next == 0 {
						break
					}
					q.Cursor = p.Next
				}
				var want []uint64
				for _, r := range full.Records {
					want = append(want, r.Seq)
				}
				if fmt.Sprint(paged) != fmt.Sprint(want) {
					t.Fatalf("pages %v, full query %v", paged, want)
				}
			})
		}
	}
}
