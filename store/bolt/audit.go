package bolt

import (
	"bytes"
	"context"
	"fmt"
	"math"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/audit"
)

var _ audit.Store = (*AuditStore)(nil)

// AuditStore implements [audit.Store] on a [DB]: records keyed by their
// 8-byte big-endian sequence number, so the chain's head is the last key,
// plus an index by actor for queries. Append reads the head, calls the seal
// function, checks the result with [audit.CheckLink] and stores it in one
// read-write transaction; bbolt has a single writer, so concurrent appends
// from any number of goroutines form one linear chain and seal is called
// exactly once per Append. One file is used by one process at a time (it
// is locked), so appends are linear across processes too. It is safe for
// concurrent use.
type AuditStore struct{ db *DB }

// AuditStore returns the audit store of db.
func (db *DB) AuditStore() *AuditStore { return &AuditStore{db: db} }

const recordVersion = 1

// rangeChunk is how many records Range reads per read transaction; fn
// runs between transactions, so a slow verifier never pins a snapshot of
// the whole file.
const rangeChunk = 256

func encodeRecord(r *audit.Record) []byte {
	e := newEncoder(recordVersion, 64+len(r.Action)+len(r.Outcome)+len(r.Actor)+len(r.Data)+len(r.PrevHash)+len(r.Hash))
	e.uint(r.Seq)
	e.time(r.Time)
	e.str(r.Action)
	e.str(string(r.Outcome))
	e.str(r.Actor)
	e.bytes(r.Data)
	e.bytes(r.PrevHash)
	e.bytes(r.Hash)
	return e.b
}

func decodeRecord(b []byte) (audit.Record, error) {
	d := newDecoder(b, "audit record", recordVersion)
	var r audit.Record
	r.Seq = d.uint()
	r.Time = d.time()
	r.Action = d.str()
	r.Outcome = audit.Outcome(d.str())
	r.Actor = d.str()
	r.Data = d.bytes()
	r.PrevHash = d.bytes()
	r.Hash = d.bytes()
	if err := d.done(); err != nil {
		return audit.Record{}, err
	}
	return r, nil
}

// head returns the link of the last record in recs.
func head(recs *bbolt.Bucket) (audit.Link, error) {
	k, v := recs.Cursor().Last()
	if k == nil {
		return audit.Link{}, nil
	}
	r, err := decodeRecord(v)
	if err != nil {
		return audit.Link{}, err
	}
	if len(k) != 8 || r.Seq != getU64(k) {
		return audit.Link{}, fmt.Errorf("%w: audit record under key %x has seq %d", ErrCorrupt, k, r.Seq)
	}
	return r.Link(), nil
}

// Append implements [audit.Store].
func (s *AuditStore) Append(ctx context.Context, seal audit.SealFunc) (audit.Record, error) {
	var out audit.Record
	err := s.db.update(ctx, "audit append", func(tx *bbolt.Tx) error {
		bs, err := buckets(tx, bucketAudit, bucketAuditActor)
		if err != nil {
			return err
		}
		h, err := head(bs[0])
		if err != nil {
			return err
		}
		r, err := seal(h)
		if err != nil {
			return err
		}
		if err := audit.CheckLink(h, r); err != nil {
			return err
		}
		key := u64(r.Seq)
		if err := bs[0].Put(key, encodeRecord(&r)); err != nil {
			return fmt.Errorf("bolt: audit append: %w", err)
		}
		if err := bs[1].Put(join(lp(r.Actor), key), nil); err != nil {
			return fmt.Errorf("bolt: audit append: %w", err)
		}
		out = r.Clone()
		return nil
	})
	if err != nil {
		return audit.Record{}, err
	}
	return out, nil
}

// Head implements [audit.Store].
func (s *AuditStore) Head(ctx context.Context) (audit.Link, error) {
	var h audit.Link
	err := s.db.view(ctx, "audit head", func(tx *bbolt.Tx) error {
		recs, err := bucket(tx, bucketAudit)
		if err != nil {
			return err
		}
		h, err = head(recs)
		return err
	})
	return h, err
}

// Query implements [audit.Store]. A query with an Actor walks that actor's
// index; any other walks the records in sequence order from the cursor.
// The other filters are applied to each record read.
func (s *AuditStore) Query(ctx context.Context, q audit.Query) (audit.Page, error) {
	q = q.Normalize()
	var p audit.Page
	err := s.db.view(ctx, "audit query", func(tx *bbolt.Tx) error {
		p = audit.Page{}
		bs, err := buckets(tx, bucketAudit, bucketAuditActor)
		if err != nil {
			return err
		}
		recs, idx, prefix := bs[0], bs[0], []byte(nil)
		if q.Actor != "" {
			idx, prefix = bs[1], lp(q.Actor)
		}
		return walk(idx, prefix, q.Cursor, q.Descending, func(seq []byte) (bool, error) {
			v := recs.Get(seq)
			if v == nil {
				return false, fmt.Errorf("%w: audit index names missing record %x", ErrCorrupt, seq)
			}
			r, err := decodeRecord(v)
			if err != nil {
				return false, err
			}
			if !q.Match(r) {
				return true, nil
			}
			if len(p.Records) == q.Limit {
				p.Next = p.Records[len(p.Records)-1].Seq
				return false, nil
			}
			p.Records = append(p.Records, r)
			return true, ctx.Err()
		})
	})
	if err != nil {
		return audit.Page{}, err
	}
	return p, nil
}

// walk calls fn with the 8-byte sequence number of each key of b that
// starts with prefix and lies strictly beyond cursor (in the walk's
// direction; 0 means from the start), until fn returns false or an error.
func walk(b *bbolt.Bucket, prefix []byte, cursor uint64, desc bool, fn func(seq []byte) (bool, error)) error {
	c := b.Cursor()
	var k []byte
	switch {
	case !desc && cursor == 0:
		k, _ = c.Seek(prefix)
	case !desc:
		if cursor == math.MaxUint64 {
			return nil
		}
		k, _ = c.Seek(join(prefix, u64(cursor+1)))
	default:
		// The first key not to return: beyond every key of the prefix
		// (8 bytes of sequence number follow it) or the cursor.
		start := join(prefix, u64(math.MaxUint64), []byte{0})
		if cursor != 0 {
			start = join(prefix, u64(cursor))
		}
		if k, _ = c.Seek(start); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k = step(c, desc) {
		seq := k[len(prefix):]
		if len(seq) != 8 {
			return fmt.Errorf("%w: audit key %x", ErrCorrupt, k)
		}
		more, err := fn(seq)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func step(c *bbolt.Cursor, desc bool) []byte {
	if desc {
		k, _ := c.Prev()
		return k
	}
	k, _ := c.Next()
	return k
}

// Range implements [audit.Store]. Records are read rangeChunk at a time,
// each chunk in its own read transaction, and fn runs outside any
// transaction, so it may itself use the store (append, say).
func (s *AuditStore) Range(ctx context.Context, from, to uint64, fn func(audit.Record) error) error {
	if from == 0 {
		from = 1
	}
	for {
		var chunk []audit.Record
		err := s.db.view(ctx, "audit range", func(tx *bbolt.Tx) error {
			recs, err := bucket(tx, bucketAudit)
			if err != nil {
				return err
			}
			c := recs.Cursor()
			for k, v := c.Seek(u64(from)); k != nil && len(chunk) < rangeChunk; k, v = c.Next() {
				if len(k) != 8 {
					return fmt.Errorf("%w: audit key %x", ErrCorrupt, k)
				}
				if to != 0 && getU64(k) > to {
					break
				}
				r, err := decodeRecord(v)
				if err != nil {
					return err
				}
				chunk = append(chunk, r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range chunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(chunk) < rangeChunk {
			return nil
		}
		last := chunk[len(chunk)-1].Seq
		if last == math.MaxUint64 || (to != 0 && last >= to) {
			return nil
		}
		from = last + 1
	}
}
