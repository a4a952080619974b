package audit

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"iter"
	"sync"
	"time"
)

// MinHMACKeyLen is the minimum HMAC key length [NewHMACChain] accepts.
const MinHMACKeyLen = 32

// chainTag separates the audit chain's hashes from any other use of the
// same key or hash function; the mode is part of it.
const (
	tagSHA256 = "autospot.audit.chain.v1.sha256\x00"
	tagHMAC   = "autospot.audit.chain.v1.hmac-sha256\x00"
)

// A Chain seals records into a hash chain and verifies chains. Each
// record's hash covers a canonical encoding of
//
//	tag ‖ u64 seq ‖ u32 len ‖ prev hash ‖ i64 unix-ms time ‖
//	u32 len ‖ action ‖ u32 len ‖ outcome ‖ u32 len ‖ actor ‖ u32 len ‖ data
//
// (big-endian integers, tag naming the version and mode), so editing,
// deleting, inserting or reordering a record breaks a link. With plain
// SHA-256 ([NewChain]) someone who can write the store can rewrite the
// whole tail consistently; keep the head (from [Store.Head]) elsewhere to
// detect that, or use a keyed chain ([NewHMACChain]) whose key the store
// never sees.
//
// A Chain is immutable and safe for concurrent use.
type Chain struct {
	key  []byte
	pool sync.Pool // of HMAC hash.Hash
	bufs sync.Pool // of *[]byte for the canonical encoding
}

func newBuf() any {
	b := make([]byte, 0, 1024)
	return &b
}

// NewChain returns an unkeyed SHA-256 chain.
func NewChain() *Chain {
	c := &Chain{}
	c.bufs.New = newBuf
	return c
}

// NewHMACChain returns a chain keyed with HMAC-SHA256. The key must be at
// least [MinHMACKeyLen] bytes (else [ErrWeakKey]); it is copied.
func NewHMACChain(key []byte) (*Chain, error) {
	if len(key) < MinHMACKeyLen {
		return nil, fmt.Errorf("%w: %d bytes, need %d", ErrWeakKey, len(key), MinHMACKeyLen)
	}
	c := &Chain{key: bytes.Clone(key)}
	c.pool.New = func() any { return hmac.New(sha256.New, c.key) }
	c.bufs.New = newBuf
	return c, nil
}

// Seal returns e as the record following head.
func (c *Chain) Seal(head Link, e Entry) Record {
	r := Record{
		Seq:      head.Seq + 1,
		Time:     time.UnixMilli(e.Time.UnixMilli()).UTC(),
		Action:   e.Action,
		Outcome:  e.Outcome,
		Actor:    e.Actor,
		Data:     e.Data,
		PrevHash: bytes.Clone(head.Hash),
	}
	r.Hash = c.Sum(r)
	return r
}

// Append seals e and appends it to st in the store's atomic step.
func (c *Chain) Append(ctx context.Context, st Store, e Entry) (Record, error) {
	return st.Append(ctx, func(head Link) (Record, error) { return c.Seal(head, e), nil })
}

// Sum computes r's hash from every field but Hash.
func (c *Chain) Sum(r Record) []byte {
	bp := c.bufs.Get().(*[]byte)
	defer c.bufs.Put(bp)
	b := (*bp)[:0]
	if c.key == nil {
		b = append(b, tagSHA256...)
	} else {
		b = append(b, tagHMAC...)
	}
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	b = appendField(b, r.PrevHash)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Time.UnixMilli()))
	b = appendField(b, r.Action)
	b = appendField(b, string(r.Outcome))
	b = appendField(b, r.Actor)
	b = appendField(b, r.Data)
	*bp = b
	if c.key == nil {
		sum := sha256.Sum256(b)
		return sum[:]
	}
	h := c.pool.Get().(hash.Hash)
	defer c.pool.Put(h)
	h.Reset()
	h.Write(b)
	return h.Sum(nil)
}

func appendField[T []byte | string](b []byte, p T) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
	return append(b, p...)
}

// Verify walks st from sequence number from to to (0 = the head) and
// returns the link of the last record checked. The first broken link is
// returned as a [*ChainError] (matching [ErrTampered]). For from > 1 the
// record before from is read as the anchor, and its own hash is checked
// too. Deleting records at the very end is only visible against a head
// kept elsewhere: compare the returned Link with it.
func (c *Chain) Verify(ctx context.Context, st Store, from, to uint64) (Link, error) {
	if from == 0 {
		from = 1
	}
	if to != 0 && to < from {
		return Link{}, fmt.Errorf("%w: %d..%d", ErrInvalidRange, from, to)
	}
	anchorSeq := from - 1
	var v verifier
	v.c = c
	v.want = 1
	start := from
	if anchorSeq > 0 {
		start = anchorSeq
		v.anchorSeq = anchorSeq
		v.needAnchor = true
	}
	errStop := errors.New("stop")
	err := st.Range(ctx, start, to, func(r Record) error {
		if err := v.next(r); err != nil {
			return errStop
		}
		return nil
	})
	if v.err != nil {
		return v.head, v.err
	}
	if err != nil {
		return v.head, fmt.Errorf("audit: verify: %w", err)
	}
	if err := v.finish(); err != nil {
		return v.head, err
	}
	if v.needAnchor && v.seen == 0 {
		return Link{}, fmt.Errorf("%w: record %d does not exist", ErrInvalidRange, anchorSeq)
	}
	if v.needAnchor {
		return Link{}, &ChainError{Seq: anchorSeq, Reason: ReasonMissing, Detail: "anchor record not found"}
	}
	return v.head, nil
}

// VerifySeq checks records given in storage order against the anchor (the
// link of the record before the first one; the zero Link when the first
// record should be seq 1) and returns the link of the last record. It
// reports the first broken link as a [*ChainError].
func (c *Chain) VerifySeq(anchor Link, records iter.Seq[Record]) (Link, error) {
	v := verifier{c: c, head: anchor, want: anchor.Seq + 1}
	for r := range records {
		if err := v.next(r); err != nil {
			return v.head, err
		}
	}
	return v.head, v.finish()
}

type verifier struct {
	c          *Chain
	head       Link
	want       uint64
	anchorSeq  uint64
	needAnchor bool
	seen       int
	pending    *ChainError // a gap, reclassified as reorder if the missing record follows
	err        error
}

func (v *verifier) fail(e *ChainError) error {
	v.err = e
	return e
}

func (v *verifier) next(r Record) error {
	v.seen++
	if v.needAnchor {
		if r.Seq != v.anchorSeq {
			return v.fail(&ChainError{Seq: v.anchorSeq, Reason: ReasonMissing, Detail: fmt.Sprintf("anchor not found, found seq %d", r.Seq)})
		}
		if !hmac.Equal(v.c.Sum(r), r.Hash) {
			return v.fail(&ChainError{Seq: r.Seq, Reason: ReasonHash})
		}
		v.needAnchor = false
		v.head = r.Link()
		v.want = r.Seq + 1
		return nil
	}
	if v.pending != nil {
		if r.Seq == v.pending.Seq {
			v.pending.Reason = ReasonOrder
			v.pending.Detail = fmt.Sprintf("seq %d found after a later record", r.Seq)
		}
		return v.fail(v.pending)
	}
	switch {
	case r.Seq > v.want:
		v.pending = &ChainError{Seq: v.want, Reason: ReasonMissing, Detail: fmt.Sprintf("found seq %d", r.Seq)}
		return nil
	case r.Seq < v.want:
		return v.fail(&ChainError{Seq: r.Seq, Reason: ReasonOrder, Detail: fmt.Sprintf("expected seq %d", v.want)})
	}
	if !bytes.Equal(r.PrevHash, v.head.Hash) {
		return v.fail(&ChainError{Seq: r.Seq, Reason: ReasonLink})
	}
	if !hmac.Equal(v.c.Sum(r), r.Hash) {
		return v.fail(&ChainError{Seq: r.Seq, Reason: ReasonHash})
	}
	v.head = r.Link()
	v.want = r.Seq + 1
	return nil
}

func (v *verifier) finish() error {
	if v.err != nil {
		return v.err
	}
	if v.pending != nil {
		return v.fail(v.pending)
	}
	return nil
}
