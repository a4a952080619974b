package mongorepo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
)

// Collection names.
const (
	CollMapVersions  = "parking_map_versions"
	CollBuildings    = "parking_buildings"
	CollRateVersions = "parking_rate_versions"
)

// StaleClaim is how old a building-name claim must be before a writer may
// take it over when the map it names does not carry that name (a writer
// crashed between claiming the name and writing the map).
const StaleClaim = time.Minute

// Store is a [parking.MapRepository] and [parking.RateRepository] on one
// MongoDB database. Create it with [New]; it is safe for concurrent use.
type Store struct {
	maps, buildings, rates *driver.Collection
	now                    func() time.Time
}

var (
	_ parking.MapRepository  = (*Store)(nil)
	_ parking.RateRepository = (*Store)(nil)
)

// Option configures [New].
type Option func(*Store)

// WithClock sets the clock used for UpdatedAt and claim ages (default
// time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns a Store on db. It does not touch the server; call
// [Store.EnsureIndexes] once at start-up.
func New(db *driver.Database, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalidConfig)
	}
	s := &Store{
		maps:      db.Collection(CollMapVersions),
		buildings: db.Collection(CollBuildings),
		rates:     db.Collection(CollRateVersions),
		now:       time.Now,
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s, nil
}

// EnsureIndexes creates the secondary index on the building claims'
// facility (used by ListMaps). Uniqueness needs no index beyond _id.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	_, err := s.buildings.Indexes().CreateOne(ctx, driver.IndexModel{
		Keys:    bson.D{{Key: "fac", Value: 1}},
		Options: options.Index().SetName(CollBuildings + "_fac"),
	})
	if err != nil {
		return fmt.Errorf("mongorepo: create index: %w", err)
	}
	return nil
}

// versionDoc is one immutable version of a map or rate table.
type versionDoc struct {
	ID   string `bson:"_id"`
	Key  string `bson:"k"` // map id or facility id
	V    int64  `bson:"v"`
	Fac  string `bson:"fac,omitempty"`
	BKey string `bson:"bkey,omitempty"`
	Del  bool   `bson:"del,omitempty"` // tombstone
	J    []byte `bson:"j,omitempty"`   // the JSON document; emptied when superseded
}

type claimDoc struct {
	ID  string    `bson:"_id"` // parking.BuildingKey
	Map string    `bson:"map"`
	Fac string    `bson:"fac"`
	At  time.Time `bson:"at"`
}

func versionID(key string, v int64) string { return fmt.Sprintf("%s/%020d", key, v) }

// latest returns the newest version under key, found false when none.
func latest(ctx context.Context, c *driver.Collection, key string) (versionDoc, bool, error) {
	var d versionDoc
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: key + "/"}, {Key: "$lt", Value: key + "0"}}}}
	err := c.FindOne(ctx, filter, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&d)
	if errors.Is(err, driver.ErrNoDocuments) {
		return versionDoc{}, false, nil
	}
	if err != nil {
		return versionDoc{}, false, fmt.Errorf("mongorepo: read: %w", err)
	}
	return d, true, nil
}

// latestHead is latest without the document body.
func latestHead(ctx context.Context, c *driver.Collection, key string) (versionDoc, bool, error) {
	var d versionDoc
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: key + "/"}, {Key: "$lt", Value: key + "0"}}}}
	opts := options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}}).SetProjection(bson.D{{Key: "j", Value: 0}})
	err := c.FindOne(ctx, filter, opts).Decode(&d)
	if errors.Is(err, driver.ErrNoDocuments) {
		return versionDoc{}, false, nil
	}
	if err != nil {
		return versionDoc{}, false, fmt.Errorf("mongorepo: read: %w", err)
	}
	return d, true, nil
}

// MapVersion returns the current version of a map without transferring
// or decoding its document, or [parking.ErrNotFound]. Routing uses it to
// reuse a cached graph.
func (s *Store) MapVersion(ctx context.Context, id string) (int64, error) {
	if !parking.ValidID(id) {
		return 0, parking.ErrNotFound
	}
	d, ok, err := latestHead(ctx, s.maps, id)
	if err != nil {
		return 0, err
	}
	if !ok || d.Del {
		return 0, parking.ErrNotFound
	}
	return d.V, nil
}

// MapIDByBuilding returns the id of the map whose current version has the
// building name name (case-insensitively), or [parking.ErrNotFound].
func (s *Store) MapIDByBuilding(ctx context.Context, name string) (string, error) {
	key := parking.BuildingKey(name)
	var c claimDoc
	if err := s.buildings.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&c); err != nil {
		if errors.Is(err, driver.ErrNoDocuments) {
			return "", parking.ErrNotFound
		}
		return "", fmt.Errorf("mongorepo: read claim: %w", err)
	}
	if !parking.ValidID(c.Map) {
		return "", parking.ErrNotFound
	}
	d, ok, err := latestHead(ctx, s.maps, c.Map)
	if err != nil {
		return "", err
	}
	if !ok || d.Del || d.BKey != key {
		return "", parking.ErrNotFound
	}
	return c.Map, nil
}

// trim empties the documents of versions older than v (best effort: only
// storage is at stake).
func trim(ctx context.Context, c *driver.Collection, key string, v int64) {
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: key + "/"}, {Key: "$lt", Value: versionID(key, v)}}}}
	_, _ = c.UpdateMany(ctx, filter, bson.D{{Key: "$unset", Value: bson.D{{Key: "j", Value: ""}}}})
}

func decodeMap(d versionDoc) (*parking.Map, error) {
	m, err := parking.ParseMap(d.J)
	if err != nil {
		return nil, fmt.Errorf("%w: map version %s: %v", ErrCorrupt, d.ID, err)
	}
	m.Version = d.V
	return m, nil
}

// current returns the live map with the given id.
func (s *Store) current(ctx context.Context, id string) (versionDoc, *parking.Map, error) {
	if !parking.ValidID(id) {
		return versionDoc{}, nil, parking.ErrNotFound
	}
	d, ok, err := latest(ctx, s.maps, id)
	if err != nil {
		return versionDoc{}, nil, err
	}
	if !ok || d.Del {
		return versionDoc{}, nil, parking.ErrNotFound
	}
	m, err := decodeMap(d)
	return d, m, err
}

// claim takes the building key for map id, reclaiming a stale claim.
func (s *Store) claim(ctx context.Context, key, id, fac, building string) error {
	for attempt := 0; attempt < 2; attempt++ {
		_, err := s.buildings.InsertOne(ctx, claimDoc{ID: key, Map: id, Fac: fac, At: s.now().UTC()})
		if err == nil {
			return nil
		}
		if !driver.IsDuplicateKeyError(err) {
			return fmt.Errorf("mongorepo: claim building: %w", err)
		}
		var c claimDoc
		if err := s.buildings.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&c); err != nil {
			if errors.Is(err, driver.ErrNoDocuments) {
				continue // released meanwhile
			}
			return fmt.Errorf("mongorepo: read claim: %w", err)
		}
		if s.now().Sub(c.At) < StaleClaim {
			break
		}
		d, _, err := s.current(ctx, c.Map)
		if err == nil && d.BKey == key {
			break
		}
		if err != nil && !errors.Is(err, parking.ErrNotFound) {
			return err
		}
		_, _ = s.buildings.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "map", Value: c.Map}, {Key: "at", Value: c.At}})
	}
	return fmt.Errorf("%w: building %q already has a map", parking.ErrDuplicate, building)
}

func (s *Store) release(ctx context.Context, key, id string) {
	_, _ = s.buildings.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: key}, {Key: "map", Value: id}})
}

func (s *Store) insertVersion(ctx context.Context, m *parking.Map, v int64) error {
	c := m.Clone()
	c.Version = v
	c.UpdatedAt = s.now().UTC()
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = s.maps.InsertOne(ctx, versionDoc{ID: versionID(c.ID, v), Key: c.ID, V: v, Fac: c.FacilityID, BKey: parking.BuildingKey(c.Building), J: raw})
	return err
}

// CreateMap implements [parking.MapRepository].
func (s *Store) CreateMap(ctx context.Context, m *parking.Map) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m == nil || !parking.ValidID(m.ID) {
		return 0, &parking.ValidationError{Problems: []parking.Problem{{Path: "id", Msg: "a valid id is required to store a map"}}}
	}
	if m.Version != 0 {
		return 0, fmt.Errorf("%w: a new map has version 0", parking.ErrVersionConflict)
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	key := parking.BuildingKey(m.Building)
	if err := s.claim(ctx, key, m.ID, m.FacilityID, m.Building); err != nil {
		return 0, err
	}
	if err := s.insertVersion(ctx, m, 1); err != nil {
		s.release(ctx, key, m.ID)
		if driver.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("%w: map id %q", parking.ErrDuplicate, m.ID)
		}
		return 0, fmt.Errorf("mongorepo: create map: %w", err)
	}
	return 1, nil
}

// GetMap implements [parking.MapRepository].
func (s *Store) GetMap(ctx context.Context, id string) (*parking.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, m, err := s.current(ctx, id)
	return m, err
}

// GetMapByBuilding implements [parking.MapRepository]: the claim of
// [parking.BuildingKey](name), looked up by _id, then the map it names.
func (s *Store) GetMapByBuilding(ctx context.Context, name string) (*parking.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := parking.BuildingKey(name)
	var c claimDoc
	if err := s.buildings.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&c); err != nil {
		if errors.Is(err, driver.ErrNoDocuments) {
			return nil, parking.ErrNotFound
		}
		return nil, fmt.Errorf("mongorepo: read claim: %w", err)
	}
	d, m, err := s.current(ctx, c.Map)
	if err != nil {
		return nil, err
	}
	if d.BKey != key {
		return nil, parking.ErrNotFound // a rename in flight, or a stale claim
	}
	return m, nil
}

// ListMaps implements [parking.MapRepository].
func (s *Store) ListMaps(ctx context.Context, facilityID string) ([]*parking.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	filter := bson.D{}
	if facilityID != "" {
		filter = bson.D{{Key: "fac", Value: facilityID}}
	}
	cur, err := s.buildings.Find(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("mongorepo: list: %w", err)
	}
	var claims []claimDoc
	if err := cur.All(ctx, &claims); err != nil {
		return nil, fmt.Errorf("mongorepo: list: %w", err)
	}
	out := []*parking.Map{}
	for _, c := range claims {
		d, m, err := s.current(ctx, c.Map)
		if errors.Is(err, parking.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if d.BKey == c.ID && (facilityID == "" || m.FacilityID == facilityID) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return parking.BuildingKey(out[i].Building) < parking.BuildingKey(out[j].Building)
	})
	return out, nil
}

// UpdateMap implements [parking.MapRepository].
func (s *Store) UpdateMap(ctx context.Context, m *parking.Map) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m == nil {
		return 0, parking.ErrNotFound
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	d, old, err := s.current(ctx, m.ID)
	if err != nil {
		return 0, err
	}
	if d.V != m.Version {
		return 0, fmt.Errorf("%w: stored version %d, update based on %d", parking.ErrVersionConflict, d.V, m.Version)
	}
	if old.FacilityID != m.FacilityID {
		return 0, &parking.ValidationError{Problems: []parking.Problem{{Path: "facility_id", Msg: "the facility of a map cannot change"}}}
	}
	oldKey, newKey := d.BKey, parking.BuildingKey(m.Building)
	renamed := oldKey != newKey
	if renamed {
		if err := s.claim(ctx, newKey, m.ID, m.FacilityID, m.Building); err != nil {
			return 0, err
		}
	}
	if err := s.insertVersion(ctx, m, d.V+1); err != nil {
		if renamed {
			s.release(ctx, newKey, m.ID)
		}
		if driver.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("%w: map %s changed since version %d", parking.ErrVersionConflict, m.ID, d.V)
		}
		return 0, fmt.Errorf("mongorepo: update map: %w", err)
	}
	if renamed {
		s.release(ctx, oldKey, m.ID)
	}
	trim(ctx, s.maps, m.ID, d.V+1)
	return d.V + 1, nil
}

// DeleteMap implements [parking.MapRepository]. It writes a tombstone
// version and releases the building name.
func (s *Store) DeleteMap(ctx context.Context, id string, version int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d, _, err := s.current(ctx, id)
	if err != nil {
		return err
	}
	if d.V != version {
		return fmt.Errorf("%w: stored version %d, delete based on %d", parking.ErrVersionConflict, d.V, version)
	}
	_, err = s.maps.InsertOne(ctx, versionDoc{ID: versionID(id, d.V+1), Key: id, V: d.V + 1, Fac: d.Fac, Del: true})
	if driver.IsDuplicateKeyError(err) {
		return fmt.Errorf("%w: map %s changed since version %d", parking.ErrVersionConflict, id, d.V)
	}
	if err != nil {
		return fmt.Errorf("mongorepo: delete map: %w", err)
	}
	s.release(ctx, d.BKey, id)
	trim(ctx, s.maps, id, d.V+1)
	return nil
}

// GetRates implements [parking.RateRepository].
func (s *Store) GetRates(ctx context.Context, facilityID string) (*fare.Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !parking.ValidID(facilityID) {
		return nil, parking.ErrNotFound
	}
	d, ok, err := latest(ctx, s.rates, facilityID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, parking.ErrNotFound
	}
	var t fare.Table
	if err := json.Unmarshal(d.J, &t); err != nil {
		return nil, fmt.Errorf("%w: rates %s: %v", ErrCorrupt, d.ID, err)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("%w: rates %s: %v", ErrCorrupt, d.ID, err)
	}
	t.Version = d.V
	return &t, nil
}

// PutRates implements [parking.RateRepository].
func (s *Store) PutRates(ctx context.Context, facilityID string, t *fare.Table) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !parking.ValidID(facilityID) {
		return 0, &parking.ValidationError{Problems: []parking.Problem{{Path: "facility_id", Msg: "invalid facility id"}}}
	}
	if t == nil {
		return 0, fare.ErrInvalidRates
	}
	if err := t.Validate(); err != nil {
		return 0, err
	}
	d, ok, err := latest(ctx, s.rates, facilityID)
	if err != nil {
		return 0, err
	}
	var cur int64
	if ok {
		cur = d.V
	}
	if t.Version != cur {
		return 0, fmt.Errorf("%w: stored version %d, write based on %d", parking.ErrVersionConflict, cur, t.Version)
	}
	c := t.Clone()
	c.Version = cur + 1
	c.UpdatedAt = s.now().UTC()
	raw, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	_, err = s.rates.InsertOne(ctx, versionDoc{ID: versionID(facilityID, cur+1), Key: facilityID, V: cur + 1, J: raw})
	if driver.IsDuplicateKeyError(err) {
		return 0, fmt.Errorf("%w: rates of %s changed since version %d", parking.ErrVersionConflict, facilityID, cur)
	}
	if err != nil {
		return 0, fmt.Errorf("mongorepo: put rates: %w", err)
	}
	trim(ctx, s.rates, facilityID, cur+1)
	return cur + 1, nil
}
