package subscription

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CollVersions is the collection of [Mongo].
const CollVersions = "subscription_versions"

// Mongo is a [Repository] on MongoDB. A subscription is a chain of
// immutable versions {_id: "<driver>/<n>"}; Put inserts version n+1, so
// of concurrent Puts from version n exactly one insert succeeds (unique
// _id) — no transactions and no atomic update needed, so it is correct on
// FerretDB v1 too. Create it with [NewMongo]; it is safe for concurrent
// use.
type Mongo struct{ c *mongo.Collection }

var _ Repository = (*Mongo)(nil)

// NewMongo returns a repository in db and creates its index.
func NewMongo(ctx context.Context, db *mongo.Database) (*Mongo, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalid)
	}
	c := db.Collection(CollVersions)
	if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "driver", Value: 1}, {Key: "n", Value: -1}}}); err != nil {
		return nil, fmt.Errorf("subscription: index: %w", err)
	}
	return &Mongo{c: c}, nil
}

type mongoRec struct {
	ID           string `bson:"_id"`
	Subscription `bson:",inline"`
}

// Get implements [Repository].
func (m *Mongo) Get(ctx context.Context, driverID string) (Subscription, error) {
	var r mongoRec
	err := m.c.FindOne(ctx, bson.D{{Key: "driver", Value: driverID}},
		options.FindOne().SetSort(bson.D{{Key: "driver", Value: 1}, {Key: "n", Value: -1}})).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return basic(driverID), nil
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("subscription: read: %w", err)
	}
	return r.Subscription, nil
}

// Put implements [Repository].
func (m *Mongo) Put(ctx context.Context, s Subscription) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	cur, err := m.Get(ctx, s.DriverID)
	if err != nil {
		return 0, err
	}
	if cur.Version != s.Version {
		return 0, ErrConflict
	}
	s.Version++
	s.ExpiresAt = s.ExpiresAt.UTC()
	if _, err := m.c.InsertOne(ctx, mongoRec{ID: fmt.Sprintf("%s/%d", s.DriverID, s.Version), Subscription: s}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return 0, ErrConflict
		}
		return 0, fmt.Errorf("subscription: write: %w", err)
	}
	return s.Version, nil
}

// Delete implements [Repository].
func (m *Mongo) Delete(ctx context.Context, driverID string) error {
	if _, err := m.c.DeleteMany(ctx, bson.D{{Key: "driver", Value: driverID}}); err != nil {
		return fmt.Errorf("subscription: delete: %w", err)
	}
	return nil
}
