package boltrepo

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
)

// Bucket names.
const (
	BucketMaps       = "parking.maps"
	BucketBuildings  = "parking.maps.bybuilding"
	BucketRates      = "parking.rates"
	BucketVersions   = "parking.maps.versions" // map id → 8-byte big-endian version
	fileMode         = 0o600
	defaultLockAwait = 2 * time.Second
)

// Store is a [parking.MapRepository] and [parking.RateRepository] on a
// bbolt file. Create it with [New] or [Open]; it is safe for concurrent
// use.
type Store struct {
	db    *bbolt.DB
	owned bool
	now   func() time.Time
}

var (
	_ parking.MapRepository  = (*Store)(nil)
	_ parking.RateRepository = (*Store)(nil)
)

// Option configures [New] and [Open].
type Option func(*Store)

// WithClock sets the clock that stamps UpdatedAt on every write (default
// time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns a Store on db, creating its buckets. The caller keeps
// owning db: [Store.Close] does not close it.
func New(db *bbolt.DB, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalidConfig)
	}
	s := &Store{db: db, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	err := db.Update(func(tx *bbolt.Tx) error {
		for _, b := range []string{BucketMaps, BucketBuildings, BucketRates, BucketVersions} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltrepo: create buckets: %w", err)
	}
	return s, nil
}

// Open opens (creating it with mode 0600 if needed) the bbolt file at
// path and returns a Store that owns it. A file locked by another process
// fails after two seconds.
func Open(path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty path", ErrInvalidConfig)
	}
	bo := *bbolt.DefaultOptions
	bo.Timeout = defaultLockAwait
	db, err := bbolt.Open(path, fileMode, &bo)
	if err != nil {
		return nil, fmt.Errorf("boltrepo: open %s: %w", path, err)
	}
	s, err := New(db, opts...)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// Close closes the file if [Open] opened it; for a Store from [New] it
// does nothing.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.db.Close()
}

// update runs fn in one read-write transaction; a context canceled before
// the commit rolls it back.
func (s *Store) update(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return ctx.Err()
	})
}

func (s *Store) view(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func buckets(tx *bbolt.Tx) (maps, byBuilding, rates *bbolt.Bucket, err error) {
	maps, byBuilding, rates = tx.Bucket([]byte(BucketMaps)), tx.Bucket([]byte(BucketBuildings)), tx.Bucket([]byte(BucketRates))
	if maps == nil || byBuilding == nil || rates == nil || tx.Bucket([]byte(BucketVersions)) == nil {
		return nil, nil, nil, fmt.Errorf("%w: bucket missing", ErrCorrupt)
	}
	return maps, byBuilding, rates, nil
}

// putVersion records a map's version in the version index (nil tx bucket
// is impossible after buckets succeeded).
func putVersion(tx *bbolt.Tx, id string, v int64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	return tx.Bucket([]byte(BucketVersions)).Put([]byte(id), b[:])
}

// MapVersion returns the current version of a map without decoding it,
// or [parking.ErrNotFound]. Routing uses it to reuse a cached graph.
func (s *Store) MapVersion(ctx context.Context, id string) (int64, error) {
	var v int64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if _, _, _, err := buckets(tx); err != nil {
			return err
		}
		raw := tx.Bucket([]byte(BucketVersions)).Get([]byte(id))
		if raw == nil {
			return parking.ErrNotFound
		}
		if len(raw) != 8 {
			return fmt.Errorf("%w: version of map %s", ErrCorrupt, id)
		}
		v = int64(binary.BigEndian.Uint64(raw))
		return nil
	})
	return v, err
}

// MapIDByBuilding returns the id of the map whose building name equals
// name case-insensitively, or [parking.ErrNotFound].
func (s *Store) MapIDByBuilding(ctx context.Context, name string) (string, error) {
	var id string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		_, byB, _, err := buckets(tx)
		if err != nil {
			return err
		}
		raw := byB.Get([]byte(parking.BuildingKey(name)))
		if raw == nil {
			return parking.ErrNotFound
		}
		id = string(raw)
		return nil
	})
	return id, err
}

func decodeMap(raw []byte) (*parking.Map, error) {
	m, err := parking.ParseMap(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return m, nil
}

// CreateMap implements [parking.MapRepository].
func (s *Store) CreateMap(ctx context.Context, m *parking.Map) (int64, error) {
	if m == nil || !parking.ValidID(m.ID) {
		return 0, &parking.ValidationError{Problems: []parking.Problem{{Path: "id", Msg: "a valid id is required to store a map"}}}
	}
	if m.Version != 0 {
		return 0, fmt.Errorf("%w: a new map has version 0", parking.ErrVersionConflict)
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	c := m.Clone()
	c.Version = 1
	c.UpdatedAt = s.now().UTC()
	raw, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		maps, byB, _, err := buckets(tx)
		if err != nil {
			return err
		}
		if maps.Get([]byte(c.ID)) != nil {
			return fmt.Errorf("%w: map id %q", parking.ErrDuplicate, c.ID)
		}
		key := []byte(parking.BuildingKey(c.Building))
		if byB.Get(key) != nil {
			return fmt.Errorf("%w: building %q already has a map", parking.ErrDuplicate, c.Building)
		}
		if err := maps.Put([]byte(c.ID), raw); err != nil {
			return err
		}
		if err := putVersion(tx, c.ID, 1); err != nil {
			return err
		}
		return byB.Put(key, []byte(c.ID))
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// GetMap implements [parking.MapRepository].
func (s *Store) GetMap(ctx context.Context, id string) (*parking.Map, error) {
	var out *parking.Map
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		maps, _, _, err := buckets(tx)
		if err != nil {
			return err
		}
		raw := maps.Get([]byte(id))
		if raw == nil {
			return parking.ErrNotFound
		}
		out, err = decodeMap(raw)
		return err
	})
	return out, err
}

// GetMapByBuilding implements [parking.MapRepository]: an exact lookup of
// [parking.BuildingKey](name).
func (s *Store) GetMapByBuilding(ctx context.Context, name string) (*parking.Map, error) {
	var out *parking.Map
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		maps, byB, _, err := buckets(tx)
		if err != nil {
			return err
		}
		id := byB.Get([]byte(parking.BuildingKey(name)))
		if id == nil {
			return parking.ErrNotFound
		}
		raw := maps.Get(id)
		if raw == nil {
			return fmt.Errorf("%w: building index names a missing map", ErrCorrupt)
		}
		out, err = decodeMap(raw)
		return err
	})
	return out, err
}

// ListMaps implements [parking.MapRepository]. It walks the building
// index, so the result is sorted by building key.
func (s *Store) ListMaps(ctx context.Context, facilityID string) ([]*parking.Map, error) {
	out := []*parking.Map{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		maps, byB, _, err := buckets(tx)
		if err != nil {
			return err
		}
		return byB.ForEach(func(_, id []byte) error {
			raw := maps.Get(id)
			if raw == nil {
				return fmt.Errorf("%w: building index names a missing map", ErrCorrupt)
			}
			m, err := decodeMap(raw)
			if err != nil {
				return err
			}
			if facilityID == "" || m.FacilityID == facilityID {
				out = append(out, m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		return parking.BuildingKey(out[i].Building) < parking.BuildingKey(out[j].Building)
	})
	return out, nil
}

// UpdateMap implements [parking.MapRepository].
func (s *Store) UpdateMap(ctx context.Context, m *parking.Map) (int64, error) {
	if m == nil {
		return 0, parking.ErrNotFound
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	c := m.Clone()
	c.Version = m.Version + 1
	c.UpdatedAt = s.now().UTC()
	raw, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		maps, byB, _, err := buckets(tx)
		if err != nil {
			return err
		}
		oldRaw := maps.Get([]byte(c.ID))
		if oldRaw == nil {
			return parking.ErrNotFound
		}
		old, err := decodeMap(oldRaw)
		if err != nil {
			return err
		}
		if old.Version != m.Version {
			return fmt.Errorf("%w: stored version %d, update based on %d", parking.ErrVersionConflict, old.Version, m.Version)
		}
		if old.FacilityID != c.FacilityID {
			return &parking.ValidationError{Problems: []parking.Problem{{Path: "facility_id", Msg: "the facility of a map cannot change"}}}
		}
		oldKey, newKey := []byte(parking.BuildingKey(old.Building)), []byte(parking.BuildingKey(c.Building))
		if string(oldKey) != string(newKey) {
			if byB.Get(newKey) != nil {
				return fmt.Errorf("%w: building %q already has a map", parking.ErrDuplicate, c.Building)
			}
			if err := byB.Delete(oldKey); err != nil {
				return err
			}
			if err := byB.Put(newKey, []byte(c.ID)); err != nil {
				return err
			}
		}
		if err := putVersion(tx, c.ID, c.Version); err != nil {
			return err
		}
		return maps.Put([]byte(c.ID), raw)
	})
	if err != nil {
		return 0, err
	}
	return c.Version, nil
}

// DeleteMap implements [parking.MapRepository].
func (s *Store) DeleteMap(ctx context.Context, id string, version int64) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		maps, byB, _, err := buckets(tx)
		if err != nil {
			return err
		}
		raw := maps.Get([]byte(id))
		if raw == nil {
			return parking.ErrNotFound
		}
		old, err := decodeMap(raw)
		if err != nil {
			return err
		}
		if old.Version != version {
			return fmt.Errorf("%w: stored version %d, delete based on %d", parking.ErrVersionConflict, old.Version, version)
		}
		if err := maps.Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket([]byte(BucketVersions)).Delete([]byte(id)); err != nil {
			return err
		}
		return byB.Delete([]byte(parking.BuildingKey(old.Building)))
	})
}

func decodeTable(raw []byte) (*fare.Table, error) {
	var t fare.Table
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &t, nil
}

// GetRates implements [parking.RateRepository].
func (s *Store) GetRates(ctx context.Context, facilityID string) (*fare.Table, error) {
	var out *fare.Table
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		_, _, rates, err := buckets(tx)
		if err != nil {
			return err
		}
		raw := rates.Get([]byte(facilityID))
		if raw == nil {
			return parking.ErrNotFound
		}
		out, err = decodeTable(raw)
		return err
	})
	return out, err
}

// PutRates implements [parking.RateRepository].
func (s *Store) PutRates(ctx context.Context, facilityID string, t *fare.Table) (int64, error) {
	if !parking.ValidID(facilityID) {
		return 0, &parking.ValidationError{Problems: []parking.Problem{{Path: "facility_id", Msg: "invalid facility id"}}}
	}
	if t == nil {
		return 0, fare.ErrInvalidRates
	}
	if err := t.Validate(); err != nil {
		return 0, err
	}
	c := t.Clone()
	c.Version = t.Version + 1
	c.UpdatedAt = s.now().UTC()
	raw, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		_, _, rates, err := buckets(tx)
		if err != nil {
			return err
		}
		var cur int64
		if old := rates.Get([]byte(facilityID)); old != nil {
			ot, err := decodeTable(old)
			if err != nil {
				return err
			}
			cur = ot.Version
		}
		if t.Version != cur {
			return fmt.Errorf("%w: stored version %d, write based on %d", parking.ErrVersionConflict, cur, t.Version)
		}
		return rates.Put([]byte(facilityID), raw)
	})
	if err != nil {
		return 0, err
	}
	return c.Version, nil
}
