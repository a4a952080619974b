package qrscan

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CollScans is the collection of [Mongo].
const CollScans = "qr_scans"

// Mongo is a [Repository] on MongoDB (or FerretDB). Records are inserted
// with their derived unique _id and never updated, so deduplication is
// the server's unique _id, not a conditional update. Every filter names
// the driver. Create it with [NewMongo].
type Mongo struct{ c *mongo.Collection }

var _ Repository = (*Mongo)(nil)

// NewMongo returns a repository in db and creates its index.
func NewMongo(ctx context.Context, db *mongo.Database) (*Mongo, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalid)
	}
	c := db.Collection(CollScans)
	if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "driver", Value: 1}, {Key: "scanned_at", Value: -1}}}); err != nil {
		return nil, fmt.Errorf("qrscan: index: %w", err)
	}
	return &Mongo{c: c}, nil
}

// Add implements [Repository].
func (m *Mongo) Add(ctx context.Context, r Record) (bool, error) {
	r, err := r.norm()
	if err != nil {
		return false, err
	}
	if _, err := m.c.InsertOne(ctx, r); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return false, nil
		}
		return false, fmt.Errorf("qrscan: add: %w", err)
	}
	return true, nil
}

// List implements [Repository].
func (m *Mongo) List(ctx context.Context, driverID string, limit int) ([]Record, error) {
	limit, err := normLimit(limit)
	if err != nil {
		return nil, err
	}
	cur, err := m.c.Find(ctx, bson.D{{Key: "driver", Value: driverID}},
		options.Find().SetSort(bson.D{{Key: "scanned_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("qrscan: list: %w", err)
	}
	out := []Record{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("qrscan: list: %w", err)
	}
	for i := range out {
		out[i].ExpiresAt, out[i].ScannedAt = out[i].ExpiresAt.UTC(), out[i].ScannedAt.UTC()
	}
	return out, nil
}

// DeleteDriver implements [Repository].
func (m *Mongo) DeleteDriver(ctx context.Context, driverID string) (int, error) {
	res, err := m.c.DeleteMany(ctx, bson.D{{Key: "driver", Value: driverID}})
	if err != nil {
		return 0, fmt.Errorf("qrscan: delete: %w", err)
	}
	return int(res.DeletedCount), nil
}
