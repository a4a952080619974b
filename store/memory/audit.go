package memory

import (
	"context"
	"slices"
	"sync"

	"github.com/autospot/autospot/audit"
)

// AuditStore is an in-memory [audit.Store]: a slice of records guarded by
// a mutex, so appends are serialised and each record is sealed against the
// true head. Records are copied in and out. It is safe for concurrent use.
// Its contents die with the process: use it for tests and single-process
// servers that ship the trail elsewhere.
type AuditStore struct {
	mu   sync.RWMutex
	recs []audit.Record // recs[i].Seq == i+1
}

var _ audit.Store = (*AuditStore)(nil)

// NewAuditStore returns an empty store.
func NewAuditStore() *AuditStore { return &AuditStore{} }

// Append implements [audit.Store]: seal is called with the head while the
// store is locked.
func (s *AuditStore) Append(ctx context.Context, seal audit.SealFunc) (audit.Record, error) {
	if err := ctx.Err(); err != nil {
		return audit.Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	head := s.head()
	r, err := seal(head)
	if err != nil {
		return audit.Record{}, err
	}
	if err := audit.CheckLink(head, r); err != nil {
		return audit.Record{}, err
	}
	r = r.Clone()
	s.recs = append(s.recs, r)
	return r.Clone(), nil
}

func (s *AuditStore) head() audit.Link {
	if len(s.recs) == 0 {
		return audit.Link{}
	}
	return s.recs[len(s.recs)-1].Link()
}

// Head implements [audit.Store].
func (s *AuditStore) Head(ctx context.Context) (audit.Link, error) {
	if err := ctx.Err(); err != nil {
		return audit.Link{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := s.head()
	h.Hash = slices.Clone(h.Hash)
	return h, nil
}

// Query implements [audit.Store] with a scan.
func (s *AuditStore) Query(ctx context.Context, q audit.Query) (audit.Page, error) {
	if err := ctx.Err(); err != nil {
		return audit.Page{}, err
	}
	q = q.Normalize()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var p audit.Page
	n := len(s.recs)
	for i := range n {
		r := s.recs[i]
		if q.Descending {
			r = s.recs[n-1-i]
		}
		if !q.Match(r) {
			continue
		}
		if len(p.Records) == q.Limit {
			p.Next = p.Records[len(p.Records)-1].Seq
			break
		}
		p.Records = append(p.Records, r.Clone())
	}
	return p, nil
}

// Range implements [audit.Store]. fn runs without the lock held.
func (s *AuditStore) Range(ctx context.Context, from, to uint64, fn func(audit.Record) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if from == 0 {
		from = 1
	}
	s.mu.RLock()
	n := uint64(len(s.recs))
	if to == 0 || to > n {
		to = n
	}
	var recs []audit.Record
	if from <= to {
		recs = slices.Clone(s.recs[from-1 : to])
	}
	s.mu.RUnlock()
	for _, r := range recs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(r.Clone()); err != nil {
			return err
		}
	}
	return nil
}
