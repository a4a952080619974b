package emissions

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CollRecords is the collection of [Mongo].
const CollRecords = "emission_records"

// Mongo is a [Repository] on MongoDB. Every filter names the driver, and
// only typed values reach a filter. Create it with [NewMongo]; it is safe
// for concurrent use.
type Mongo struct{ c *mongo.Collection }

var _ Repository = (*Mongo)(nil)

// NewMongo returns a repository in db and creates its index.
func NewMongo(ctx context.Context, db *mongo.Database) (*Mongo, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalid)
	}
	c := db.Collection(CollRecords)
	if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "driver", Value: 1}, {Key: "created_at", Value: -1}}}); err != nil {
		return nil, fmt.Errorf("emissions: index: %w", err)
	}
	return &Mongo{c: c}, nil
}

// Add implements [Repository].
func (m *Mongo) Add(ctx context.Context, r Record) error {
	if err := r.check(); err != nil {
		return err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if _, err := m.c.InsertOne(ctx, r); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return ErrInvalid
		}
		return fmt.Errorf("emissions: add: %w", err)
	}
	return nil
}

// Get implements [Repository].
func (m *Mongo) Get(ctx context.Context, driverID, id string) (Record, error) {
	var r Record
	err := m.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "driver", Value: driverID}}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("emissions: get: %w", err)
	}
	return r, nil
}

// List implements [Repository].
func (m *Mongo) List(ctx context.Context, driverID string, f Filter) ([]Record, error) {
	f, err := f.norm()
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "driver", Value: driverID}}
	if f.SessionID != "" {
		filter = append(filter, bson.E{Key: "session", Value: f.SessionID})
	}
	if f.Method != "" {
		filter = append(filter, bson.E{Key: "estimate.method", Value: string(f.Method)})
	}
	cur, err := m.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(f.Limit)))
	if err != nil {
		return nil, fmt.Errorf("emissions: list: %w", err)
	}
	out := []Record{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("emissions: list: %w", err)
	}
	return out, nil
}

// Delete implements [Repository].
func (m *Mongo) Delete(ctx context.Context, driverID, sessionID string) (int, error) {
	filter := bson.D{{Key: "driver", Value: driverID}}
	if sessionID != "" {
		filter = append(filter, bson.E{Key: "session", Value: sessionID})
	}
	res, err := m.c.DeleteMany(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("emissions: delete: %w", err)
	}
	return int(res.DeletedCount), nil
}
