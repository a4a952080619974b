package profile

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CollProfiles is the MongoDB collection of [MongoStore].
const CollProfiles = "profiles"

// MongoStore is a [Store] in a MongoDB collection, one document per user
// keyed by the user id. Each write is a single-document replace (upsert),
// so several replicas can share it.
type MongoStore struct {
	c *driver.Collection
}

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store on db's "profiles" collection.
func NewMongoStore(db *driver.Database) *MongoStore {
	return &MongoStore{c: db.Collection(CollProfiles)}
}

type mongoRecord struct {
	ID     string `bson:"_id"`
	Record `bson:",inline"`
}

// Get implements [Store].
func (s *MongoStore) Get(ctx context.Context, userID string) (Record, error) {
	var m mongoRecord
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&m)
	if errors.Is(err, driver.ErrNoDocuments) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, err
	}
	m.Record.UserID = m.ID
	return m.Record, nil
}

// Put implements [Store].
func (s *MongoStore) Put(ctx context.Context, r Record) error {
	_, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.UserID}}, mongoRecord{ID: r.UserID, Record: r}, options.Replace().SetUpsert(true))
	return err
}

// Delete implements [Store].
func (s *MongoStore) Delete(ctx context.Context, userID string) error {
	_, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}})
	return err
}
