package redis

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.PendingStore = (*PendingStore)(nil)

const kindPending = "pending"

// PendingStore is an [auth.PendingStore] on Redis: one hash per email.
// Take (compare the ticket, check expiry, delete) is one Lua script, so of
// concurrent Takes exactly one succeeds. The script compares SHA-256
// hashes of the tickets, never the tickets, so its timing says nothing
// useful about a stored ticket. Get one from [Store.Pending]; the zero
// value is not usable. It is safe
// for concurrent use.
//
// Expiry is decided by the now passed to Take and Get; the key's TTL
// (ExpiresAt − CreatedAt plus the cleanup grace) only frees memory.
type PendingStore struct{ s *Store }

// Pending returns the store's [auth.PendingStore].
func (s *Store) Pending() *PendingStore { return &PendingStore{s: s} }

func ticketHash(ticket string) []byte {
	sum := sha256.Sum256([]byte(ticket))
	return sum[:]
}

// Put implements [auth.PendingStore] with one script that replaces the
// registration held for the email.
func (p *PendingStore) Put(ctx context.Context, r auth.PendingRegistration) error {
	err := p.s.scripts.putRecord.Run(ctx, p.s.client, []string{p.s.key(kindPending, r.Email)},
		p.s.spanTTL(r.CreatedAt, r.ExpiresAt),
		"e", r.Email, "tk", r.Ticket, "th", ticketHash(r.Ticket), "u", r.Username, "fn", r.FullName,
		"ph", r.PasswordHash, "ca", ms(r.CreatedAt), "ea", ms(r.ExpiresAt)).Err()
	if err != nil {
		return fmt.Errorf("redis: put pending registration: %w", err)
	}
	return nil
}

// Take implements [auth.PendingStore] with one script.
func (p *PendingStore) Take(ctx context.Context, email, ticket string, now time.Time) (auth.PendingRegistration, error) {
	reply, err := p.s.scripts.pendingTake.Run(ctx, p.s.client, []string{p.s.key(kindPending, email)},
		ticketHash(ticket), now.UnixMilli()).StringSlice()
	if err != nil {
		return auth.PendingRegistration{}, fmt.Errorf("redis: take pending registration: %w", err)
	}
	status, r, err := parseReply(reply)
	if err != nil {
		return auth.PendingRegistration{}, err
	}
	switch status {
	case "notfound":
		return auth.PendingRegistration{}, auth.ErrPendingNotFound
	case "ok":
		return decodePending(r)
	}
	return auth.PendingRegistration{}, fmt.Errorf("%w: take status %q", ErrUnexpectedReply, status)
}

// Get implements [auth.PendingStore] with one HGETALL; the expiry is
// compared with now after the (atomic) read.
func (p *PendingStore) Get(ctx context.Context, email string, now time.Time) (auth.PendingRegistration, error) {
	m, err := p.s.client.HGetAll(ctx, p.s.key(kindPending, email)).Result()
	if err != nil {
		return auth.PendingRegistration{}, fmt.Errorf("redis: get pending registration: %w", err)
	}
	if len(m) == 0 {
		return auth.PendingRegistration{}, auth.ErrPendingNotFound
	}
	r, err := decodePending(record(m))
	if err != nil {
		return auth.PendingRegistration{}, err
	}
	if !now.Before(r.ExpiresAt) {
		return auth.PendingRegistration{}, auth.ErrPendingNotFound
	}
	return r, nil
}

func decodePending(r record) (auth.PendingRegistration, error) {
	var p auth.PendingRegistration
	var errs [7]error
	p.Email, errs[0] = r.field("e")
	p.Ticket, errs[1] = r.field("tk")
	p.Username, errs[2] = r.field("u")
	p.FullName, errs[3] = r.field("fn")
	p.PasswordHash, errs[4] = r.field("ph")
	p.CreatedAt, errs[5] = r.time("ca")
	p.ExpiresAt, errs[6] = r.time("ea")
	if err := errors.Join(errs[:]...); err != nil {
		return auth.PendingRegistration{}, err
	}
	return p, nil
}

// Delete implements [auth.PendingStore] with one DEL.
func (p *PendingStore) Delete(ctx context.Context, email string) error {
	if err := p.s.client.Del(ctx, p.s.key(kindPending, email)).Err(); err != nil {
		return fmt.Errorf("redis: delete pending registration: %w", err)
	}
	return nil
}
