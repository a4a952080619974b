package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/auth"
)

var _ auth.RevocationStore = (*RevocationStore)(nil)

// Key kinds of the revocation store.
const (
	kindEpoch   = "rev:epoch"
	kindSession = "rev:session"
)

// RevocationStore is an [auth.RevocationStore] on Redis: per-user epochs
// (INCR on a key without TTL) and logged-out sessions (a key holding the
// time the session stays revoked until, with a TTL as clean-up). Get one
// from [Store.Revocations]; the zero value is not usable. It is safe for concurrent use.
//
// Epochs must never be lost: a Redis that evicts keys (maxmemory-policy
// other than noeviction) or restarts without persistence puts every epoch
// back to 0, and tokens revoked by logout-all become valid again until
// they expire. See the package documentation, "Durability".
type RevocationStore struct{ s *Store }

// Revocations returns the store's [auth.RevocationStore].
func (s *Store) Revocations() *RevocationStore { return &RevocationStore{s: s} }

// Status implements [auth.RevocationStore] with one MGET of the epoch and
// the session entry (one GET with no session). The session's until time
// is compared with now, the caller's clock: the key's TTL never decides.
func (r *RevocationStore) Status(ctx context.Context, userID, sessionID string, now time.Time) (auth.RevocationStatus, error) {
	if sessionID == "" {
		v, err := r.s.client.Get(ctx, r.s.key(kindEpoch, userID)).Result()
		if errors.Is(err, goredis.Nil) {
			return auth.RevocationStatus{}, nil
		}
		if err != nil {
			return auth.RevocationStatus{}, fmt.Errorf("redis: revocation status: %w", err)
		}
		ep, err := parseEpoch(v)
		return auth.RevocationStatus{Epoch: ep}, err
	}
	vals, err := r.s.client.MGet(ctx, r.s.key(kindEpoch, userID), r.s.key(kindSession, sessionID)).Result()
	if err != nil {
		return auth.RevocationStatus{}, fmt.Errorf("redis: revocation status: %w", err)
	}
	if len(vals) != 2 {
		return auth.RevocationStatus{}, fmt.Errorf("%w: MGET returned %d values", ErrUnexpectedReply, len(vals))
	}
	var st auth.RevocationStatus
	if v, ok := vals[0].(string); ok {
		if st.Epoch, err = parseEpoch(v); err != nil {
			return auth.RevocationStatus{}, err
		}
	} else if vals[0] != nil {
		return auth.RevocationStatus{}, fmt.Errorf("%w: epoch of type %T", ErrUnexpectedReply, vals[0])
	}
	if v, ok := vals[1].(string); ok {
		until, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return auth.RevocationStatus{}, fmt.Errorf("%w: session entry %q", ErrUnexpectedReply, v)
		}
		st.SessionRevoked = now.UnixMilli() < until
	} else if vals[1] != nil {
		return auth.RevocationStatus{}, fmt.Errorf("%w: session entry of type %T", ErrUnexpectedReply, vals[1])
	}
	return st, nil
}

func parseEpoch(v string) (uint64, error) {
	ep, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: epoch %q", ErrUnexpectedReply, v)
	}
	return ep, nil
}

// BumpEpoch implements [auth.RevocationStore] with one INCR. The key has
// no TTL: an epoch must never go back.
func (r *RevocationStore) BumpEpoch(ctx context.Context, userID string) (uint64, error) {
	n, err := r.s.client.Incr(ctx, r.s.key(kindEpoch, userID)).Result()
	if err != nil {
		return 0, fmt.Errorf("redis: bump epoch: %w", err)
	}
	if n < 1 {
		return 0, fmt.Errorf("%w: epoch %d after INCR", ErrUnexpectedReply, n)
	}
	return uint64(n), nil
}

// RevokeSession implements [auth.RevocationStore] with one script that
// keeps the later until. The key lives until `until` plus the cleanup
// grace, measured from the store's clock ([WithClock],
// [WithCleanupGrace]).
func (r *RevocationStore) RevokeSession(ctx context.Context, sessionID string, until time.Time) error {
	ttl := r.s.ttl(until).Milliseconds()
	err := r.s.scripts.revokeSession.Run(ctx, r.s.client,
		[]string{r.s.key(kindSession, sessionID)}, until.UnixMilli(), ttl).Err()
	if err != nil {
		return fmt.Errorf("redis: revoke session: %w", err)
	}
	return nil
}
