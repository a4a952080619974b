package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.ResetStore = (*ResetStore)(nil)

const (
	kindReset     = "reset"
	kindResetUser = "reset-user"
)

// ResetStore is an [auth.ResetStore] on Redis: one hash per token (keyed
// by the token's hash) and, per user, a set of the user's token keys for
// DeleteUser. Put (insert unless present, and index), Consume (delete,
// then check expiry) and DeleteUser are one Lua script each, so of
// concurrent Consumes exactly one succeeds. Get one from [Store.Resets]; the zero value is not usable.
// It is safe for concurrent use.
//
// DeleteUser's script deletes keys it reads from the user's set; under
// Redis Cluster use a hash-tagged prefix ([WithPrefix]).
type ResetStore struct{ s *Store }

// Resets returns the store's [auth.ResetStore].
func (s *Store) Resets() *ResetStore { return &ResetStore{s: s} }

// Put implements [auth.ResetStore] with one script; a duplicate hash is
// [auth.ErrResetExists].
func (r *ResetStore) Put(ctx context.Context, t auth.ResetToken) error {
	n, err := r.s.scripts.resetPut.Run(ctx, r.s.client,
		[]string{r.s.key(kindReset, t.Hash), r.s.key(kindResetUser, t.UserID)},
		r.s.spanTTL(t.CreatedAt, t.ExpiresAt),
		"h", t.Hash, "u", t.UserID, "ca", ms(t.CreatedAt), "ea", ms(t.ExpiresAt)).Int()
	if err != nil {
		return fmt.Errorf("redis: put reset token: %w", err)
	}
	if n != 1 {
		return auth.ErrResetExists
	}
	return nil
}

// Consume implements [auth.ResetStore] with one script. An expired token
// is removed and reported as [auth.ErrResetNotFound].
func (r *ResetStore) Consume(ctx context.Context, hash string, now time.Time) (auth.ResetToken, error) {
	reply, err := r.s.scripts.resetConsume.Run(ctx, r.s.client, []string{r.s.key(kindReset, hash)}, now.UnixMilli()).StringSlice()
	if err != nil {
		return auth.ResetToken{}, fmt.Errorf("redis: consume reset token: %w", err)
	}
	status, rec, err := parseReply(reply)
	if err != nil {
		return auth.ResetToken{}, err
	}
	switch status {
	case "notfound":
		return auth.ResetToken{}, auth.ErrResetNotFound
	case "ok":
		var t auth.ResetToken
		var errs [4]error
		t.Hash, errs[0] = rec.field("h")
		t.UserID, errs[1] = rec.field("u")
		t.CreatedAt, errs[2] = rec.time("ca")
		t.ExpiresAt, errs[3] = rec.time("ea")
		if err := errors.Join(errs[:]...); err != nil {
			return auth.ResetToken{}, err
		}
		return t, nil
	}
	return auth.ResetToken{}, fmt.Errorf("%w: consume status %q", ErrUnexpectedReply, status)
}

// DeleteUser implements [auth.ResetStore] with one script.
func (r *ResetStore) DeleteUser(ctx context.Context, userID string) (int, error) {
	n, err := r.s.scripts.resetDeleteUser.Run(ctx, r.s.client, []string{r.s.key(kindResetUser, userID)}, userID).Int()
	if err != nil {
		return 0, fmt.Errorf("redis: delete reset tokens: %w", err)
	}
	return n, nil
}
