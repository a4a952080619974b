package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/auth"
)

var _ auth.ResetStore = (*ResetStore)(nil)

// ResetStore implements [auth.ResetStore] on [CollResetTokens]: one
// immutable document per token, {_id: hash, user, createdAt, expiresAt}.
// Consume deletes the document by _id and succeeds only if its delete
// removed it, so of concurrent Consumes exactly one succeeds. It is safe
// for concurrent use.
// Get it from [Store.ResetStore]; the zero value is not usable.
type ResetStore struct {
	c *driver.Collection
}

func newResetStore(db *driver.Database) *ResetStore {
	return &ResetStore{c: db.Collection(CollResetTokens)}
}

type resetDoc struct {
	Hash      string    `bson:"_id"`
	UserID    string    `bson:"user"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"exp"`
}

// Put implements [auth.ResetStore].
func (s *ResetStore) Put(ctx context.Context, t auth.ResetToken) error {
	_, err := s.c.InsertOne(ctx, resetDoc{Hash: t.Hash, UserID: t.UserID, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
	if driver.IsDuplicateKeyError(err) {
		return auth.ErrResetExists
	}
	if err != nil {
		return fmt.Errorf("mongo: put reset token: %w", err)
	}
	return nil
}

// Consume implements [auth.ResetStore]: read, check expiry at now, delete;
// the one caller whose delete removed the document wins.
func (s *ResetStore) Consume(ctx context.Context, hash string, now time.Time) (auth.ResetToken, error) {
	var d resetDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d)
	if notFound(err) {
		return auth.ResetToken{}, auth.ErrResetNotFound
	}
	if err != nil {
		return auth.ResetToken{}, fmt.Errorf("mongo: consume reset token: %w", err)
	}
	res, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: hash}})
	if err != nil {
		return auth.ResetToken{}, fmt.Errorf("mongo: consume reset token: %w", err)
	}
	if res.DeletedCount != 1 || !now.Before(d.ExpiresAt) {
		return auth.ResetToken{}, auth.ErrResetNotFound
	}
	return auth.ResetToken{Hash: d.Hash, UserID: d.UserID, CreatedAt: utc(d.CreatedAt), ExpiresAt: utc(d.ExpiresAt)}, nil
}

// DeleteUser implements [auth.ResetStore].
func (s *ResetStore) DeleteUser(ctx context.Context, userID string) (int, error) {
	res, err := s.c.DeleteMany(ctx, bson.D{{Key: "user", Value: userID}})
	if err != nil {
		return 0, fmt.Errorf("mongo: delete user's reset tokens: %w", err)
	}
	return int(res.DeletedCount), nil
}

// Prune deletes tokens that expired more than [PruneGrace] before now (the TTL index does the
// same where the server has one) and returns how many.
func (s *ResetStore) Prune(ctx context.Context, now time.Time) (int, error) {
	res, err := s.c.DeleteMany(ctx, pruneFilter(now))
	if err != nil {
		return 0, fmt.Errorf("mongo: prune reset tokens: %w", err)
	}
	return int(res.DeletedCount), nil
}
