package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A register is one mutable record (a user's credentials, an OTP code, an
// attempt counter …) kept as a chain of immutable versions, so that every
// change is a compare-and-swap built on the one write that is atomic on
// every MongoDB-wire server: inserting a document with a unique _id.
//
//   - Version n of key k is the document {_id: "k/<n, 20 digits>", k, v: n,
//     s: state, exp} in the versions collection. Writing version n+1
//     after reading version n is the swap: of concurrent writers that read
//     the same version, exactly one insert succeeds; the others get a
//     duplicate-key error and re-read.
//   - The head document {_id: k, v, s, exp, …} in the heads collection is a
//     copy of a recent version, updated after each successful swap
//     (where the record has other, immutable fields — a user's email — they
//     live here too, under unique indexes). It is only a starting point:
//     a reader takes the head and then probes k/v+1, k/v+2, k/v+4 … by _id
//     (a galloping search, one probe when the head is current), so a
//     head that lags, or even went back, never yields a stale read.
//
// Versions above any existing version are contiguous (version n+1 is only
// written after version n was read), which is what makes the search
// valid. exp, the clean-up time, never decreases along a chain, so TTL
// indexes and Prune remove old versions oldest first; a version is only
// removed once its state has expired, when every query already reads it
// as absent.
type register struct {
	heads, versions *driver.Collection
	// upsertHead creates the head on the first write; false for records
	// whose head is created explicitly and whose absence means "no such
	// record" (users, refresh families).
	upsertHead bool
}

// version is a register's state as read.
type version struct {
	chain string // key of the versions: see chainKey
	v     int64
	s     bson.Raw // nil: never written, or deleted (a tombstone)
	exp   time.Time
	found bool // the head document exists
}

type headFields struct {
	Inc string    `bson:"inc,omitempty"`
	V   int64     `bson:"v"`
	S   bson.Raw  `bson:"s,omitempty"`
	Exp time.Time `bson:"exp,omitempty"`
}

// chainKey is the key the versions of a record are filed under. Records
// whose head is created explicitly (users, refresh families) get a random
// incarnation at creation, so that a record deleted and created again
// under the same id never sees a version of its predecessor — not even
// one a writer that read the old record inserted after the delete.
func chainKey(key, inc string) string {
	if inc == "" {
		return key
	}
	return key + "@" + inc
}

// newIncarnation returns a random incarnation (16 hex digits).
func newIncarnation() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return hex.EncodeToString(b)
}

type versionDoc struct {
	ID  string    `bson:"_id"`
	K   string    `bson:"k"`
	V   int64     `bson:"v"`
	S   bson.Raw  `bson:"s,omitempty"`
	Exp time.Time `bson:"exp,omitempty"`
}

// versionID is the _id of version n of key: the fixed-width suffix makes
// it unambiguous whatever the key contains.
func versionID(key string, n int64) string { return fmt.Sprintf("%s/%020d", key, n) }

// load reads the register: its head (decoded also into head when not nil)
// and then the newest version beyond it.
func (r *register) load(ctx context.Context, key string, head any) (version, error) {
	raw, err := r.heads.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Raw()
	cur := version{chain: key}
	switch {
	case err == nil:
		var h headFields
		if err := bson.Unmarshal(raw, &h); err != nil {
			return version{}, err
		}
		if head != nil {
			if err := bson.Unmarshal(raw, head); err != nil {
				return version{}, err
			}
		}
		cur = version{chain: chainKey(key, h.Inc), v: h.V, s: h.S, exp: h.Exp, found: true}
	case notFound(err):
		if !r.upsertHead {
			return version{}, nil
		}
	default:
		return version{}, err
	}
	return r.gallop(ctx, cur)
}

// loadState reads the register's newest version, as load, and decodes its
// state; st is nil when there is none (never written, or a tombstone).
func loadState[T any](ctx context.Context, r *register, key string) (cur version, st *T, err error) {
	cur, err = r.load(ctx, key, nil)
	if err != nil || cur.s == nil {
		return cur, nil, err
	}
	st = new(T)
	if err := bson.Unmarshal(cur.s, st); err != nil {
		return cur, nil, err
	}
	return cur, st, nil
}

// probe reads version n of chain.
func (r *register) probe(ctx context.Context, chain string, n int64) (versionDoc, bool, error) {
	var d versionDoc
	err := r.versions.FindOne(ctx, bson.D{{Key: "_id", Value: versionID(chain, n)}}).Decode(&d)
	if notFound(err) {
		return versionDoc{}, false, nil
	}
	return d, err == nil, err
}

// gallop finds the newest version at or after cur.v.
func (r *register) gallop(ctx context.Context, cur version) (version, error) {
	_, err := gallop(cur.v, func(n int64) (bool, error) {
		d, ok, err := r.probe(ctx, cur.chain, n)
		if ok {
			cur.v, cur.s, cur.exp = d.V, d.S, d.Exp
		}
		return ok, err
	})
	return cur, err
}

// gallop returns the highest n >= lo for which exists(n) holds, given
// that exists(lo) holds (or lo is 0) and that the numbers that exist above
// lo are contiguous. It probes lo+1, lo+2, lo+4 … until one is missing,
// then binary-searches the last gap: one probe when lo is already the
// highest. The last call of exists that reports true is for the result
// (lo only moves up on a true probe), so a caller can keep what each true
// probe read.
func gallop(lo int64, exists func(n int64) (bool, error)) (int64, error) {
	step := int64(1)
	var hi int64
	for {
		ok, err := exists(lo + step)
		if err != nil {
			return 0, err
		}
		if !ok {
			hi = lo + step
			break
		}
		lo += step
		step *= 2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := exists(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// nextExp is the clean-up time of the version after cur whose state
// stops mattering at stateExp. Zero means never, and stays never along a
// chain; otherwise the later time wins, so exp never decreases.
func nextExp(cur version, stateExp time.Time) time.Time {
	switch {
	case cur.v == 0:
		return stateExp
	case cur.exp.IsZero() || stateExp.IsZero():
		return time.Time{}
	case cur.exp.After(stateExp):
		return cur.exp
	}
	return stateExp
}

// swap writes state (nil: a tombstone) as the version after cur. It
// reports false, with no error, when a concurrent writer got there first;
// the caller re-reads and decides again. stateExp is when the state
// stops mattering (zero: never; a tombstone passes cur.exp); see nextExp.
func (r *register) swap(ctx context.Context, key string, cur version, state any, stateExp time.Time) (bool, error) {
	var s bson.Raw
	if state != nil {
		b, err := bson.Marshal(state)
		if err != nil {
			return false, err
		}
		s = b
	}
	exp := nextExp(cur, stateExp)
	n := cur.v + 1
	_, err := r.versions.InsertOne(ctx, versionDoc{ID: versionID(cur.chain, n), K: cur.chain, V: n, S: s, Exp: exp})
	if driver.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r.updateHead(ctx, key, n, s, exp)
	return true, nil
}

// updateHead copies version n into the head. It is only an optimisation
// (readers probe past the head, and tolerate a head that went back), so
// its errors are ignored: the version document is already the truth. The
// filter is the _id alone, so that servers that push down only _id
// lookups (FerretDB v1) find the head without a scan; a concurrent, slower
// update may therefore leave an older version in the head, which costs
// readers one or two extra probes until the next change.
func (r *register) updateHead(ctx context.Context, key string, n int64, s bson.Raw, exp time.Time) {
	set := bson.D{{Key: "v", Value: n}}
	var unset bson.D
	if s != nil {
		set = append(set, bson.E{Key: "s", Value: s})
	} else {
		unset = append(unset, bson.E{Key: "s", Value: ""})
	}
	if !exp.IsZero() {
		set = append(set, bson.E{Key: "exp", Value: exp})
	} else {
		unset = append(unset, bson.E{Key: "exp", Value: ""})
	}
	update := bson.D{{Key: "$set", Value: set}}
	if unset != nil {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	_, _ = r.heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}}, update, options.UpdateOne().SetUpsert(r.upsertHead))
}

// remove deletes the head and every version of key and reports whether
// the head existed. Used where a record is deleted for good (users);
// registers with a tombstone state use swap instead.
func (r *register) remove(ctx context.Context, key string) (bool, error) {
	var h headFields
	err := r.heads.FindOne(ctx, bson.D{{Key: "_id", Value: key}}, options.FindOne().SetProjection(bson.D{{Key: "inc", Value: 1}, {Key: "v", Value: 1}})).Decode(&h)
	if notFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res, err := r.heads.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	if err != nil {
		return false, err
	}
	if _, err := r.versions.DeleteMany(ctx, bson.D{{Key: "k", Value: chainKey(key, h.Inc)}}); err != nil {
		return res.DeletedCount > 0, err
	}
	return res.DeletedCount > 0, nil
}

// prune deletes heads and versions whose clean-up time is more than
// [PruneGrace] before now. Versions go first, so a head is never missing
// while a live version of its chain is kept.
func (r *register) prune(ctx context.Context, now time.Time) (int, error) {
	expired := pruneFilter(now)
	if _, err := r.versions.DeleteMany(ctx, expired); err != nil {
		return 0, err
	}
	res, err := r.heads.DeleteMany(ctx, expired)
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}

// retry runs op until it reports done, at most attempts times, with a
// jittered backoff between tries. op returns done=false after losing a
// swap.
func retry(ctx context.Context, attempts int, op func() (done bool, err error)) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		done, err := op()
		if err != nil || done {
			return err
		}
		if attempt+1 >= attempts {
			return fmt.Errorf("%w (%d attempts)", ErrContention, attempts)
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}
