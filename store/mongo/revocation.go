package mongo

import (
	"context"
	"fmt"
	"math"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/auth"
)

var _ auth.RevocationStore = (*RevocationStore)(nil)

// RevocationStore implements [auth.RevocationStore] with two registers
// (see the package documentation, "Atomicity"):
//
//   - per user, in [CollEpochs] and [CollEpochVersions]: the version
//     number is the epoch, so BumpEpoch is one swap and concurrent bumps
//     each get a distinct epoch;
//   - per session, in [CollSessions] and [CollSessionVersions]: {until}.
//     RevokeSession swaps in a later until and leaves a later one alone.
//
// Status compares until with the caller's now after reading: an entry
// whose time has passed reads as not revoked whether or not clean-up has
// removed it. It is safe for concurrent use.
// Get it from [Store.RevocationStore]; the zero value is not usable.
type RevocationStore struct {
	epochs, sessions register
	attempts         int
}

func newRevocationStore(db *driver.Database, attempts int) *RevocationStore {
	return &RevocationStore{
		epochs:   register{heads: db.Collection(CollEpochs), versions: db.Collection(CollEpochVersions), upsertHead: true},
		sessions: register{heads: db.Collection(CollSessions), versions: db.Collection(CollSessionVersions), upsertHead: true},
		attempts: attempts,
	}
}

type sessionState struct {
	Until time.Time `bson:"until"`
}

func (s *RevocationStore) session(ctx context.Context, sessionID string) (version, time.Time, error) {
	cur, st, err := loadState[sessionState](ctx, &s.sessions, sessionID)
	if st == nil {
		return cur, time.Time{}, err
	}
	return cur, st.Until, nil
}

// Status implements [auth.RevocationStore]. The epoch and the session are
// read concurrently: it runs on every authenticated request.
func (s *RevocationStore) Status(ctx context.Context, userID, sessionID string, now time.Time) (auth.RevocationStatus, error) {
	var (
		until   time.Time
		sessErr error
		done    = make(chan struct{})
	)
	if sessionID != "" {
		go func() {
			defer close(done)
			_, until, sessErr = s.session(ctx, sessionID)
		}()
	} else {
		close(done)
	}
	e, err := s.epochs.load(ctx, userID, nil)
	<-done
	if err == nil {
		err = sessErr
	}
	if err != nil {
		return auth.RevocationStatus{}, fmt.Errorf("mongo: revocation status: %w", err)
	}
	return auth.RevocationStatus{Epoch: uint64(max(e.v, 0)), SessionRevoked: now.Before(until)}, nil
}

// BumpEpoch implements [auth.RevocationStore]: one swap to the next
// version, retried (jittered, bounded by [WithAttempts]) when a concurrent
// bump won.
func (s *RevocationStore) BumpEpoch(ctx context.Context, userID string) (uint64, error) {
	var epoch int64
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, err := s.epochs.load(ctx, userID, nil)
		if err != nil {
			return false, err
		}
		if cur.v == math.MaxInt64 {
			return false, fmt.Errorf("epoch overflow")
		}
		won, err := s.epochs.swap(ctx, userID, cur, nil, time.Time{})
		epoch = cur.v + 1
		return won, err
	})
	if err != nil {
		return 0, fmt.Errorf("mongo: bump epoch: %w", err)
	}
	return uint64(epoch), nil
}

// RevokeSession implements [auth.RevocationStore].
func (s *RevocationStore) RevokeSession(ctx context.Context, sessionID string, until time.Time) error {
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, old, err := s.session(ctx, sessionID)
		if err != nil {
			return false, err
		}
		if !until.After(old) {
			return true, nil
		}
		return s.sessions.swap(ctx, sessionID, cur, sessionState{Until: until}, until)
	})
	if err != nil {
		return fmt.Errorf("mongo: revoke session: %w", err)
	}
	return nil
}

// Prune deletes the session revocations that lapsed more than [PruneGrace] before now and
// returns how many (TTL indexes do the same where the server has them).
// Epochs are kept: they are small and must never go back.
func (s *RevocationStore) Prune(ctx context.Context, now time.Time) (int, error) {
	n, err := s.sessions.prune(ctx, now)
	if err != nil {
		return n, fmt.Errorf("mongo: prune sessions: %w", err)
	}
	return n, nil
}
