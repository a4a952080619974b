package mongo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/auth"
)

var _ auth.RefreshStore = (*RefreshStore)(nil)

// RefreshStore implements [auth.RefreshStore] as a register per family
// (see the package documentation, "Atomicity"):
//
//   - [CollFamilies]: one head document per family, {_id: family id, user,
//     roles, facility, epoch, createdAt, expiresAt, v: generation, s:
//     {head, prev, salt, rotatedAt}}, inserted by CreateFamily.
//   - [CollRotations]: one immutable document per rotation, {_id:
//     "<family>/<generation>", s: …}. Inserting it claims the generation:
//     of any number of concurrent rotations of one head exactly one
//     succeeds, whichever replica sent it.
//   - [CollFamilyRevocations]: at most one document per family, {_id:
//     family id, at, reason}; the first insert wins, so the first time and
//     reason are kept.
//
// Expiry is checked on every rotation against the rotation's own time.
// It is safe for concurrent use.
// Get it from [Store.RefreshStore]; the zero value is not usable.
type RefreshStore struct {
	reg  register
	revs *driver.Collection
}

func newRefreshStore(db *driver.Database) *RefreshStore {
	return &RefreshStore{
		reg:  register{heads: db.Collection(CollFamilies), versions: db.Collection(CollRotations)},
		revs: db.Collection(CollFamilyRevocations),
	}
}

// familyDoc is a family's head document. Times are BSON dates
// (milliseconds, the precision auth hands to stores); zero times are
// omitted.
type familyDoc struct {
	ID        string      `bson:"_id"`
	UserID    string      `bson:"user"`
	Roles     []auth.Role `bson:"roles,omitempty"`
	Facility  string      `bson:"facility,omitempty"`
	Epoch     int64       `bson:"epoch"`
	CreatedAt time.Time   `bson:"createdAt"`
	ExpiresAt time.Time   `bson:"expiresAt"`
	Inc       string      `bson:"inc"` // see chainKey
	V         int64       `bson:"v"`   // generation
	S         rotState    `bson:"s"`
	Exp       time.Time   `bson:"exp"` // = ExpiresAt, for clean-up
}

// rotState is the part of a family that rotations change.
type rotState struct {
	Head      string    `bson:"head"`
	Prev      string    `bson:"prev,omitempty"`
	Salt      string    `bson:"salt,omitempty"`
	RotatedAt time.Time `bson:"rotatedAt,omitempty"`
}

// familyRevocationDoc is a family's revocation.
type familyRevocationDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user"`
	At        time.Time `bson:"at"`
	Reason    string    `bson:"reason"`
	ExpiresAt time.Time `bson:"exp"` // the family's, for clean-up
}

func toInt64(v uint64, what string) (int64, error) {
	if v > math.MaxInt64 {
		return 0, fmt.Errorf("%w: %s %d does not fit a BSON int64", ErrInvalidConfig, what, v)
	}
	return int64(v), nil
}

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// CreateFamily implements [auth.RefreshStore]: one insert; the duplicate
// id error becomes [auth.ErrFamilyExists]. A family handed over already
// revoked also gets its revocation document.
func (s *RefreshStore) CreateFamily(ctx context.Context, f auth.Family) error {
	epoch, err := toInt64(f.Epoch, "epoch")
	if err != nil {
		return fmt.Errorf("mongo: create family: %w", err)
	}
	gen, err := toInt64(f.Generation, "generation")
	if err != nil {
		return fmt.Errorf("mongo: create family: %w", err)
	}
	d := familyDoc{
		ID: f.ID, UserID: f.UserID, Roles: f.Roles, Facility: f.Facility, Epoch: epoch,
		CreatedAt: f.CreatedAt, ExpiresAt: f.ExpiresAt, Inc: newIncarnation(), V: gen, Exp: f.ExpiresAt,
		S: rotState{Head: f.Head, Prev: f.Prev, Salt: f.Salt, RotatedAt: f.RotatedAt},
	}
	if _, err := s.reg.heads.InsertOne(ctx, d); err != nil {
		if driver.IsDuplicateKeyError(err) {
			return auth.ErrFamilyExists
		}
		return fmt.Errorf("mongo: create family: %w", err)
	}
	if !f.RevokedAt.IsZero() {
		if _, err := s.revoke(ctx, f.ID, f.UserID, f.ExpiresAt, f.RevokedAt, f.RevokeReason); err != nil {
			return fmt.Errorf("mongo: create family: %w", err)
		}
	}
	return nil
}

// Family implements [auth.RefreshStore].
func (s *RefreshStore) Family(ctx context.Context, id string) (auth.Family, error) {
	f, _, err := s.load(ctx, id)
	if err != nil && !errors.Is(err, auth.ErrFamilyNotFound) {
		return auth.Family{}, fmt.Errorf("mongo: read family: %w", err)
	}
	return f, err
}

// load reads a family: its head, newest rotation and revocation. A
// missing family is auth.ErrFamilyNotFound (unwrapped).
func (s *RefreshStore) load(ctx context.Context, id string) (auth.Family, version, error) {
	var d familyDoc
	cur, err := s.reg.load(ctx, id, &d)
	if err != nil {
		return auth.Family{}, version{}, err
	}
	if !cur.found {
		return auth.Family{}, version{}, auth.ErrFamilyNotFound
	}
	var st rotState
	if err := bson.Unmarshal(cur.s, &st); err != nil {
		return auth.Family{}, version{}, err
	}
	f := auth.Family{
		ID: d.ID, UserID: d.UserID, Roles: d.Roles, Facility: d.Facility,
		Epoch: uint64(max(d.Epoch, 0)), CreatedAt: utc(d.CreatedAt), ExpiresAt: utc(d.ExpiresAt),
		Head: st.Head, Prev: st.Prev, RotatedAt: utc(st.RotatedAt), Salt: st.Salt,
		Generation: uint64(max(cur.v, 0)),
	}
	var v familyRevocationDoc
	err = s.revs.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&v)
	switch {
	case err == nil:
		f.RevokedAt, f.RevokeReason = utc(v.At), v.Reason
	case !notFound(err):
		return auth.Family{}, version{}, err
	}
	return f, cur, nil
}

// RotateFamily implements [auth.RefreshStore]: it reads the family,
// checks the preconditions in the interface's order of precedence, and
// inserts the rotation document for the next generation. A duplicate key
// means another rotation of the same head won; the family is read again
// and reported as it is now (stale, or revoked).
func (s *RefreshStore) RotateFamily(ctx context.Context, r auth.Rotation) (auth.Family, error) {
	const attempts = 3 // after a lost race the head has moved: one re-read classifies it
	for range attempts {
		f, cur, err := s.load(ctx, r.FamilyID)
		switch {
		case errors.Is(err, auth.ErrFamilyNotFound):
			return auth.Family{}, err
		case err != nil:
			return auth.Family{}, fmt.Errorf("mongo: rotate family: %w", err)
		case !f.RevokedAt.IsZero():
			return f, auth.ErrFamilyRevoked
		case !r.Now.Before(f.ExpiresAt):
			return f, auth.ErrFamilyExpired
		case f.Head != r.Presented:
			return f, auth.ErrStaleRefresh
		}
		won, err := s.reg.swap(ctx, f.ID, cur, rotState{Head: r.Next, Prev: r.Presented, Salt: r.Salt, RotatedAt: r.Now}, f.ExpiresAt)
		if err != nil {
			return f, fmt.Errorf("mongo: rotate family: %w", err)
		}
		if won {
			f.Prev, f.Head, f.RotatedAt, f.Salt, f.Generation = r.Presented, r.Next, r.Now, r.Salt, uint64(cur.v+1)
			return f, nil
		}
	}
	f, _, err := s.load(ctx, r.FamilyID)
	if err != nil {
		return auth.Family{}, fmt.Errorf("mongo: rotate family: %w", err)
	}
	return f, auth.ErrStaleRefresh
}

// revoke inserts the revocation document; it reports whether this call
// revoked the family (false: it already was).
func (s *RefreshStore) revoke(ctx context.Context, id, user string, expires, at time.Time, reason string) (bool, error) {
	_, err := s.revs.InsertOne(ctx, familyRevocationDoc{ID: id, UserID: user, At: at, Reason: reason, ExpiresAt: expires})
	switch {
	case err == nil:
		return true, nil
	case driver.IsDuplicateKeyError(err):
		return false, nil
	default:
		return false, err
	}
}

// familyKey is what revocation needs of a family document.
type familyKey struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

var familyKeyProjection = bson.D{{Key: "user", Value: 1}, {Key: "expiresAt", Value: 1}}

// RevokeFamily implements [auth.RefreshStore]: the revocation document is
// inserted once; revoking again keeps the first time and reason.
func (s *RefreshStore) RevokeFamily(ctx context.Context, id string, at time.Time, reason string) error {
	var k familyKey
	err := s.reg.heads.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(familyKeyProjection)).Decode(&k)
	if notFound(err) {
		return auth.ErrFamilyNotFound
	}
	if err != nil {
		return fmt.Errorf("mongo: revoke family: %w", err)
	}
	if _, err := s.revoke(ctx, k.ID, k.UserID, k.ExpiresAt, at, reason); err != nil {
		return fmt.Errorf("mongo: revoke family: %w", err)
	}
	return nil
}

// RevokeUserFamilies implements [auth.RefreshStore]: it revokes each of
// the user's families in turn and counts those it revoked itself.
func (s *RefreshStore) RevokeUserFamilies(ctx context.Context, userID string, at time.Time, reason string) (int, error) {
	cur, err := s.reg.heads.Find(ctx, bson.D{{Key: "user", Value: userID}}, options.Find().SetProjection(familyKeyProjection))
	if err != nil {
		return 0, fmt.Errorf("mongo: revoke user families: %w", err)
	}
	var keys []familyKey
	if err := cur.All(ctx, &keys); err != nil {
		return 0, fmt.Errorf("mongo: revoke user families: %w", err)
	}
	n := 0
	for _, k := range keys {
		ok, err := s.revoke(ctx, k.ID, k.UserID, k.ExpiresAt, at, reason)
		if err != nil {
			return n, fmt.Errorf("mongo: revoke user families: %w", err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Prune deletes the families (with their rotations and revocations) whose
// absolute lifetime ended more than [PruneGrace] before now and returns how many families it
// deleted. TTL indexes do the same on servers that have them (see
// [Store.EnsureIndexes]); a pruned family reads as unknown, which auth
// treats as invalid, exactly like an expired one.
func (s *RefreshStore) Prune(ctx context.Context, now time.Time) (int, error) {
	n, err := s.reg.prune(ctx, now)
	if err != nil {
		return n, fmt.Errorf("mongo: prune families: %w", err)
	}
	if _, err := s.revs.DeleteMany(ctx, pruneFilter(now)); err != nil {
		return n, fmt.Errorf("mongo: prune families: %w", err)
	}
	return n, nil
}
