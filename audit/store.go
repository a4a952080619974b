package audit

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// Record is one stored audit record: the indexed fields, the complete JSON
// record (Data), and its place in the hash chain. Records are created by
// [Chain.Seal] and never modified.
type Record struct {
	// Seq is the record's position in the chain, from 1, without gaps.
	Seq uint64
	// Time is the event time, truncated to milliseconds, UTC.
	Time time.Time
	// Action, Outcome and Actor (the actor ID) are copied from the record
	// for queries.
	Action  string
	Outcome Outcome
	Actor   string
	// Data is the complete JSON record, exactly as the JSON sinks write it
	// (without the trailing newline).
	Data []byte
	// PrevHash is the Hash of record Seq-1; empty for Seq 1.
	PrevHash []byte
	// Hash is SHA-256 or HMAC-SHA256 over the canonical encoding of all the
	// fields above (see [Chain]).
	Hash []byte
}

// Entry is what is appended: a record before it is sealed into the chain.
type Entry struct {
	Time    time.Time
	Action  string
	Outcome Outcome
	Actor   string
	Data    []byte
}

// Link identifies the head of a chain: the sequence number and hash of its
// last record. The zero Link is the head of an empty chain.
type Link struct {
	Seq  uint64
	Hash []byte
}

// SealFunc turns the current head of a chain into the next record: a record
// with Seq head.Seq+1 and PrevHash head.Hash. [Chain.Append] passes one to
// [Store.Append].
type SealFunc func(head Link) (Record, error)

// Store persists the audit trail. Backends live in the store packages
// (store/memory, …) and must pass storetest.RunAuditStore. All methods are
// safe for concurrent use, also across processes sharing one backend.
type Store interface {
	// Append adds one record at the end of the chain in one atomic step:
	// it reads the current head, calls seal(head), checks the result with
	// [CheckLink] and stores it, so that concurrent appends (from any
	// number of goroutines or processes) still form one unbroken chain. A
	// backend with optimistic concurrency may call seal more than once;
	// seal has no side effects. An error from seal or a canceled ctx
	// stores nothing.
	Append(ctx context.Context, seal SealFunc) (Record, error)
	// Head returns the link of the last record (zero when empty).
	Head(ctx context.Context) (Link, error)
	// Query returns one page of records matching q.
	Query(ctx context.Context, q Query) (Page, error)
	// Range calls fn for each record with from <= Seq <= to, in sequence
	// order; to == 0 means up to the head. It stops at the first error fn
	// returns and returns it. It is what verification walks.
	Range(ctx context.Context, from, to uint64, fn func(Record) error) error
}

// Query page sizes.
const (
	DefaultQueryLimit = 100
	MaxQueryLimit     = 1000
)

// Query selects records. The zero Query selects every record, oldest
// first, [DefaultQueryLimit] per page.
type Query struct {
	// Since (inclusive) and Until (exclusive) bound the event time; zero
	// means unbounded.
	Since, Until time.Time
	// Actor, Action and Outcome, when not empty, must match exactly.
	Actor   string
	Action  string
	Outcome Outcome
	// Cursor continues a previous query: pass the previous [Page].Next.
	// Records strictly after it (in the query's order) are returned.
	Cursor uint64
	// Limit is the page size: 0 means [DefaultQueryLimit]; it is capped
	// at [MaxQueryLimit].
	Limit int
	// Descending returns newest first.
	Descending bool
}

// Page is one page of query results.
type Page struct {
	Records []Record
	// Next is the cursor for the next page; 0 when there are no more
	// matching records.
	Next uint64
}

// Normalize returns q with the limit defaulted and capped. Backends call it.
func (q Query) Normalize() Query {
	if q.Limit <= 0 {
		q.Limit = DefaultQueryLimit
	}
	q.Limit = min(q.Limit, MaxQueryLimit)
	return q
}

// Match reports whether r satisfies q's filters and lies beyond its
// cursor. Backends that filter in memory use it.
func (q Query) Match(r Record) bool {
	if q.Cursor != 0 {
		if !q.Descending && r.Seq <= q.Cursor || q.Descending && r.Seq >= q.Cursor {
			return false
		}
	}
	if !q.Since.IsZero() && r.Time.Before(q.Since) {
		return false
	}
	if !q.Until.IsZero() && !r.Time.Before(q.Until) {
		return false
	}
	return (q.Actor == "" || q.Actor == r.Actor) &&
		(q.Action == "" || q.Action == r.Action) &&
		(q.Outcome == "" || q.Outcome == r.Outcome)
}

// CheckLink reports whether r may be stored after head: r.Seq must be
// head.Seq+1 and r.PrevHash must equal head.Hash. It returns an error
// wrapping [ErrChainConflict] otherwise. Backends call it inside their
// atomic append step.
func CheckLink(head Link, r Record) error {
	if r.Seq != head.Seq+1 {
		return fmt.Errorf("%w: seq %d after head %d", ErrChainConflict, r.Seq, head.Seq)
	}
	if !bytes.Equal(r.PrevHash, head.Hash) {
		return fmt.Errorf("%w: prev hash does not match head %d", ErrChainConflict, head.Seq)
	}
	if len(r.Hash) == 0 {
		return fmt.Errorf("%w: record %d has no hash", ErrChainConflict, r.Seq)
	}
	return nil
}

// Clone returns a deep copy of r (backends return copies so that callers
// cannot alter stored records).
func (r Record) Clone() Record {
	r.Data = bytes.Clone(r.Data)
	r.PrevHash = bytes.Clone(r.PrevHash)
	r.Hash = bytes.Clone(r.Hash)
	return r
}

// Link returns the link that identifies r as a chain head.
func (r Record) Link() Link { return Link{Seq: r.Seq, Hash: r.Hash} }
