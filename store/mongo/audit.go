package mongo

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/audit"
)

var _ audit.Store = (*AuditStore)(nil)

// AuditStore implements [audit.Store] on the collection [CollAudit], one
// immutable document per record whose _id is the sequence number as 20
// decimal digits (so string order is sequence order and every lookup of
// one record is by _id).
//
// # Linear chain without transactions
//
// Append finds the head, seals the next record against it, checks it with
// [audit.CheckLink] and inserts it. The _id is unique, so when appenders
// on any number of replicas race for the same sequence number exactly one
// insert succeeds; each loser gets a duplicate-key error, waits a short
// jittered backoff, finds the new head and seals again (the seal function
// has no side effects). Records are never updated or deleted by this
// package, and a record is only ever inserted directly after the head it
// was sealed against, so the chain has no gaps and no forks. After
// [WithAttempts] lost races Append gives up with [ErrContention] and
// stores nothing.
//
// The head is found from a hint kept in memory (the last head this store
// saw; the first time, the highest _id): records hint+1, hint+2, hint+4 …
// are probed by _id until one is missing, one probe when no other replica
// appended in between.
//
// It is safe for concurrent use, also across processes.
// Get it from [Store.AuditStore]; the zero value is not usable.
type AuditStore struct {
	c        *driver.Collection
	attempts int

	mu   sync.Mutex
	hint *audit.Link // nil until first read
}

func newAuditStore(db *driver.Database, attempts int) *AuditStore {
	return &AuditStore{c: db.Collection(CollAudit), attempts: attempts}
}

// auditID is the _id of record seq.
func auditID(seq int64) string { return fmt.Sprintf("%020d", seq) }

// auditDoc is a record as stored. Data, PrevHash and Hash are binary so
// they round-trip byte for byte.
type auditDoc struct {
	ID      string        `bson:"_id"`
	Seq     int64         `bson:"seq"`
	Time    time.Time     `bson:"t"`
	Action  string        `bson:"action"`
	Outcome audit.Outcome `bson:"outcome"`
	Actor   string        `bson:"actor"`
	Data    []byte        `bson:"data"`
	Prev    []byte        `bson:"prev,omitempty"`
	Hash    []byte        `bson:"hash"`
}

func (d *auditDoc) record() audit.Record {
	return audit.Record{
		Seq: uint64(max(d.Seq, 0)), Time: d.Time.UTC(), Action: d.Action, Outcome: d.Outcome,
		Actor: d.Actor, Data: bytes.Clone(d.Data), PrevHash: bytes.Clone(d.Prev), Hash: bytes.Clone(d.Hash),
	}
}

// Append implements [audit.Store]; see the type's documentation.
func (s *AuditStore) Append(ctx context.Context, seal audit.SealFunc) (audit.Record, error) {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return audit.Record{}, err
		}
		head, err := s.Head(ctx)
		if err != nil {
			return audit.Record{}, err
		}
		r, err := seal(head)
		if err != nil {
			return audit.Record{}, err
		}
		if err := audit.CheckLink(head, r); err != nil {
			return audit.Record{}, err
		}
		seq, err := toInt64(r.Seq, "sequence")
		if err != nil {
			return audit.Record{}, fmt.Errorf("mongo: audit append: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return audit.Record{}, err
		}
		_, err = s.c.InsertOne(ctx, auditDoc{
			ID: auditID(seq), Seq: seq, Time: r.Time, Action: r.Action, Outcome: r.Outcome, Actor: r.Actor,
			Data: r.Data, Prev: r.PrevHash, Hash: r.Hash,
		})
		if err == nil {
			s.advance(audit.Link{Seq: r.Seq, Hash: bytes.Clone(r.Hash)})
			return r.Clone(), nil
		}
		if !driver.IsDuplicateKeyError(err) {
			return audit.Record{}, fmt.Errorf("mongo: audit append: %w", err)
		}
		if attempt+1 >= s.attempts {
			return audit.Record{}, fmt.Errorf("mongo: audit append: %w (%d attempts)", ErrContention, s.attempts)
		}
		if err := backoff(ctx, attempt); err != nil {
			return audit.Record{}, err
		}
	}
}

// advance moves the in-memory hint forward to l.
func (s *AuditStore) advance(l audit.Link) {
	s.mu.Lock()
	if s.hint == nil || l.Seq > s.hint.Seq {
		s.hint = &l
	}
	s.mu.Unlock()
}

// Head implements [audit.Store]; see the type's documentation.
func (s *AuditStore) Head(ctx context.Context) (audit.Link, error) {
	s.mu.Lock()
	hint := s.hint
	s.mu.Unlock()
	if hint == nil {
		var d struct {
			Seq  int64  `bson:"seq"`
			Hash []byte `bson:"hash"`
		}
		err := s.c.FindOne(ctx, bson.D{},
			options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}}).SetProjection(bson.D{{Key: "seq", Value: 1}, {Key: "hash", Value: 1}})).Decode(&d)
		switch {
		case notFound(err):
			hint = &audit.Link{}
		case err != nil:
			return audit.Link{}, fmt.Errorf("mongo: audit head: %w", err)
		default:
			hint = &audit.Link{Seq: uint64(max(d.Seq, 0)), Hash: d.Hash}
		}
	}
	head := *hint
	from, err := toInt64(head.Seq, "sequence")
	if err != nil {
		return audit.Link{}, fmt.Errorf("mongo: audit head: %w", err)
	}
	_, err = gallop(from, func(n int64) (bool, error) {
		var d struct {
			Hash []byte `bson:"hash"`
		}
		err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: auditID(n)}},
			options.FindOne().SetProjection(bson.D{{Key: "hash", Value: 1}})).Decode(&d)
		if notFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		head = audit.Link{Seq: uint64(n), Hash: d.Hash}
		return true, nil
	})
	if err != nil {
		return audit.Link{}, fmt.Errorf("mongo: audit head: %w", err)
	}
	s.advance(head)
	head.Hash = bytes.Clone(head.Hash)
	return head, nil
}

// Query implements [audit.Store]. The filter is built from the query's
// typed fields only (exact string matches, time bounds, the cursor), and
// results come in _id order.
func (s *AuditStore) Query(ctx context.Context, q audit.Query) (audit.Page, error) {
	q = q.Normalize()
	filter := bson.D{}
	if q.Cursor != 0 {
		cur, err := toInt64(q.Cursor, "cursor")
		if err != nil {
			return audit.Page{}, fmt.Errorf("mongo: audit query: %w", err)
		}
		op := "$gt"
		if q.Descending {
			op = "$lt"
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: op, Value: auditID(cur)}}})
	}
	var tb bson.D
	if !q.Since.IsZero() {
		tb = append(tb, bson.E{Key: "$gte", Value: q.Since})
	}
	if !q.Until.IsZero() {
		tb = append(tb, bson.E{Key: "$lt", Value: q.Until})
	}
	if tb != nil {
		filter = append(filter, bson.E{Key: "t", Value: tb})
	}
	for _, f := range []struct{ key, val string }{{"actor", q.Actor}, {"action", q.Action}, {"outcome", string(q.Outcome)}} {
		if f.val != "" {
			filter = append(filter, bson.E{Key: f.key, Value: f.val})
		}
	}
	dir := 1
	if q.Descending {
		dir = -1
	}
	cur, err := s.c.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "_id", Value: dir}}).
		SetLimit(int64(q.Limit)+1))
	if err != nil {
		return audit.Page{}, fmt.Errorf("mongo: audit query: %w", err)
	}
	defer cur.Close(ctx)
	var p audit.Page
	for cur.Next(ctx) {
		if len(p.Records) == q.Limit {
			p.Next = p.Records[len(p.Records)-1].Seq
			break
		}
		var d auditDoc
		if err := cur.Decode(&d); err != nil {
			return audit.Page{}, fmt.Errorf("mongo: audit query: %w", err)
		}
		p.Records = append(p.Records, d.record())
	}
	if err := cur.Err(); err != nil {
		return audit.Page{}, fmt.Errorf("mongo: audit query: %w", err)
	}
	return p, nil
}

// Range implements [audit.Store] with one cursor in _id order; fn runs
// while the cursor is open, so a slow fn holds a server cursor, not a lock.
func (s *AuditStore) Range(ctx context.Context, from, to uint64, fn func(audit.Record) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	from = max(from, 1)
	f, err := toInt64(from, "range start")
	if err != nil {
		return fmt.Errorf("mongo: audit range: %w", err)
	}
	bounds := bson.D{{Key: "$gte", Value: auditID(f)}}
	if to != 0 {
		if to < from {
			return nil
		}
		t, err := toInt64(to, "range end")
		if err != nil {
			return fmt.Errorf("mongo: audit range: %w", err)
		}
		bounds = append(bounds, bson.E{Key: "$lte", Value: auditID(t)})
	}
	cur, err := s.c.Find(ctx, bson.D{{Key: "_id", Value: bounds}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongo: audit range: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d auditDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: audit range: %w", err)
		}
		if err := fn(d.record()); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: audit range: %w", err)
	}
	return nil
}
