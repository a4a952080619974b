package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names of [Mongo].
const (
	CollSessions = "parking_sessions"
	CollClaims   = "session_claims" // _id = claim key (driver, vehicle or building/level/slot)
	CollEnds     = "session_ends"   // _id = session id: the single end of a session
	CollExits    = "session_exits"  // _id = session id + version: the planned exit's history
)

// maxExitTries bounds the retries of an exit change that keeps losing the
// race for the next version.
const maxExitTries = 16

// StaleStart is how long a start may stay half-done (its claims taken but
// the session not yet active) before another start may reclaim them; only
// a process that died mid-start leaves one.
const StaleStart = time.Minute

// statusStarting marks a MongoDB session whose claims are being taken.
const statusStarting Status = "starting"

// Mongo is a [Repository] on MongoDB that relies only on inserts checked
// by a unique _id (no transactions, no atomic updates), so it is correct
// on FerretDB v1 too. Create it with [NewMongo]; it is safe for
// concurrent use.
//
// # Design
//
// Start inserts the session (status "starting"), then one claim document
// per key — {_id: "driver␀<id>"}, {_id: "vehicle␀<plate>"}, {_id:
// "slot␀<building>␀<level>␀<slot>"} — each referring to the session, then
// marks the session active. A duplicate key means someone holds that
// claim: unless the holder's session is ended, missing, or a start that
// died more than [StaleStart] ago (then the stale claim is deleted by id
// and session, and the insert retried), the start undoes what it inserted
// and fails. End inserts {_id: session id} into the ends collection —
// only one end wins — then marks the session ended and deletes its
// claims. Reads treat a session with an end document as ended, so a
// process dying between the steps never revives a session.
//
// The planned exit of an active session ([Mongo.SetExit]) is a chain of
// immutable versions {_id: "<session>␀<n>", session, n, exit, final}:
// SetExit inserts version n+1 (a duplicate _id means a concurrent change
// took it: re-read and retry), and End first inserts a final version n+1
// carrying the exit it ends with (the one it names, else the newest
// version's) before it inserts the end document. So an exit change and an
// end are ordered by the chain: a change that took a version before the
// final one is the exit End uses, and a change that finds a final
// version fails with [ErrNotActive]. An End that died after its final
// version is completed by the next End (the final version's exit wins).
type Mongo struct {
	sessions, claims, ends, exits *mongo.Collection
}

var _ Repository = (*Mongo)(nil)

// NewMongo returns a repository in db and creates its indexes.
func NewMongo(ctx context.Context, db *mongo.Database) (*Mongo, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalid)
	}
	m := &Mongo{sessions: db.Collection(CollSessions), claims: db.Collection(CollClaims), ends: db.Collection(CollEnds), exits: db.Collection(CollExits)}
	for _, ix := range []struct {
		c *mongo.Collection
		k bson.D
	}{
		{m.sessions, bson.D{{Key: "driver", Value: 1}, {Key: "started_at", Value: -1}}},
		{m.sessions, bson.D{{Key: "facility", Value: 1}, {Key: "status", Value: 1}}},
		{m.claims, bson.D{{Key: "session", Value: 1}}},
		{m.exits, bson.D{{Key: "session", Value: 1}, {Key: "n", Value: -1}}},
	} {
		if _, err := ix.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.k}); err != nil {
			return nil, fmt.Errorf("session: index: %w", err)
		}
	}
	return m, nil
}

type claimDoc struct {
	ID      string    `bson:"_id"`
	Session string    `bson:"session"`
	At      time.Time `bson:"at"`
}

type endDoc struct {
	ID   string    `bson:"_id"`
	At   time.Time `bson:"at"`
	Exit string    `bson:"exit,omitempty"`
}

type exitDoc struct {
	ID      string `bson:"_id"`
	Session string `bson:"session"`
	N       int64  `bson:"n"`
	Exit    string `bson:"exit"`
	Final   bool   `bson:"final,omitempty"`
}

// latestExit returns the newest exit version of a session (N = 0 when it
// has none).
func (m *Mongo) latestExit(ctx context.Context, id string) (exitDoc, error) {
	var e exitDoc
	err := m.exits.FindOne(ctx, bson.D{{Key: "session", Value: id}}, options.FindOne().SetSort(bson.D{{Key: "n", Value: -1}})).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return exitDoc{}, nil
	}
	if err != nil {
		return exitDoc{}, fmt.Errorf("session: read exit: %w", err)
	}
	return e, nil
}

// appendExit inserts version n+1 of a session's exit; taken reports that
// a concurrent writer holds it.
func (m *Mongo) appendExit(ctx context.Context, id string, prev exitDoc, exit string, final bool) (taken bool, err error) {
	n := prev.N + 1
	_, err = m.exits.InsertOne(ctx, exitDoc{ID: fmt.Sprintf("%s\x00%d", id, n), Session: id, N: n, Exit: exit, Final: final})
	if mongo.IsDuplicateKeyError(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("session: exit: %w", err)
	}
	return false, nil
}

// overlayExit sets an active session's exit to the newest exit version.
func (m *Mongo) overlayExit(ctx context.Context, s *Session) error {
	if s.Status != StatusActive {
		return nil
	}
	e, err := m.latestExit(ctx, s.ID)
	if err != nil {
		return err
	}
	if e.N > 0 {
		s.ExitID = e.Exit
	}
	return nil
}

func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// load returns a session with its end applied.
func (m *Mongo) load(ctx context.Context, id string) (Session, bool, error) {
	var s Session
	err := m.sessions.FindOne(ctx, byID(id)).Decode(&s)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("session: read: %w", err)
	}
	if s.Status != StatusEnded {
		var e endDoc
		err := m.ends.FindOne(ctx, byID(id)).Decode(&e)
		switch {
		case err == nil:
			endIn(&s, e.At, e.Exit)
		case !errors.Is(err, mongo.ErrNoDocuments):
			return s, false, fmt.Errorf("session: read end: %w", err)
		}
	}
	if err := m.overlayExit(ctx, &s); err != nil {
		return s, false, err
	}
	return s, true, nil
}

// stale reports whether the claim held under key belongs to no live
// session, and if so deletes it.
func (m *Mongo) reapStale(ctx context.Context, key string, now time.Time) (bool, error) {
	var c claimDoc
	err := m.claims.FindOne(ctx, byID(key)).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return true, nil // released meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("session: read claim: %w", err)
	}
	s, ok, err := m.load(ctx, c.Session)
	if err != nil {
		return false, err
	}
	if ok && (s.Status == StatusActive || s.Status == statusStarting && now.Sub(c.At) < StaleStart) {
		return false, nil
	}
	_, err = m.claims.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "session", Value: c.Session}})
	if err != nil {
		return false, fmt.Errorf("session: release stale claim: %w", err)
	}
	return true, nil
}

// Start implements [Repository].
func (m *Mongo) Start(ctx context.Context, s Session) error {
	if err := s.check(); err != nil {
		return err
	}
	s.StartedAt = s.StartedAt.UTC()
	doc := s
	doc.Status = statusStarting
	if _, err := m.sessions.InsertOne(ctx, doc); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return ErrInvalid
		}
		return fmt.Errorf("session: insert: %w", err)
	}
	keys := claimsOf(&s)
	taken := 0
	fail := func(err error) error {
		// Undo by id and owner, so nothing of another session is touched.
		bg := context.WithoutCancel(ctx)
		for _, k := range keys[:taken] {
			_, _ = m.claims.DeleteOne(bg, bson.D{{Key: "_id", Value: k}, {Key: "session", Value: s.ID}})
		}
		_, _ = m.sessions.DeleteOne(bg, bson.D{{Key: "_id", Value: s.ID}, {Key: "status", Value: statusStarting}})
		return err
	}
	for i, k := range keys {
		for try := 0; ; try++ {
			_, err := m.claims.InsertOne(ctx, claimDoc{ID: k, Session: s.ID, At: s.StartedAt})
			if err == nil {
				break
			}
			if !mongo.IsDuplicateKeyError(err) || try >= 2 {
				if mongo.IsDuplicateKeyError(err) {
					return fail(claimErr(i))
				}
				return fail(fmt.Errorf("session: claim: %w", err))
			}
			stale, err := m.reapStale(ctx, k, s.StartedAt)
			if err != nil {
				return fail(err)
			}
			if !stale {
				return fail(claimErr(i))
			}
		}
		taken++
	}
	if _, err := m.sessions.UpdateOne(ctx, byID(s.ID), bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: StatusActive}}}}); err != nil {
		return fail(fmt.Errorf("session: activate: %w", err))
	}
	return nil
}

// End implements [Repository].
func (m *Mongo) End(ctx context.Context, driverID, id string, at time.Time, exitID string) (Session, error) {
	s, ok, err := m.load(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if !ok || s.DriverID != driverID || s.Status == statusStarting {
		return Session{}, ErrNotFound
	}
	if s.Status != StatusActive {
		return Session{}, ErrNotActive
	}
	at = at.UTC()
	// Close the exit chain: the final version fixes the exit this end
	// uses and refuses later exit changes.
	named := exitID
	for try := 0; ; try++ {
		e, err := m.latestExit(ctx, id)
		if err != nil {
			return Session{}, err
		}
		if e.Final { // an end that died or is racing: its exit stands
			exitID = e.Exit
			break
		}
		exitID = named
		if exitID == "" {
			exitID = s.ExitID
			if e.N > 0 {
				exitID = e.Exit
			}
		}
		taken, err := m.appendExit(ctx, id, e, exitID, true)
		if err != nil {
			return Session{}, err
		}
		if !taken {
			break
		}
		if try >= maxExitTries {
			return Session{}, ErrContention
		}
	}
	if _, err := m.ends.InsertOne(ctx, endDoc{ID: id, At: at, Exit: exitID}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return Session{}, ErrNotActive
		}
		return Session{}, fmt.Errorf("session: end: %w", err)
	}
	endIn(&s, at, exitID)
	set := bson.D{{Key: "status", Value: StatusEnded}, {Key: "ended_at", Value: at}}
	if exitID != "" {
		set = append(set, bson.E{Key: "exit", Value: exitID})
	}
	if _, err := m.sessions.UpdateOne(ctx, byID(id), bson.D{{Key: "$set", Value: set}}); err != nil {
		return Session{}, fmt.Errorf("session: end: %w", err)
	}
	if _, err := m.claims.DeleteMany(ctx, bson.D{{Key: "session", Value: id}}); err != nil {
		return Session{}, fmt.Errorf("session: release: %w", err)
	}
	return s, nil
}

// SetExit implements [Repository].
func (m *Mongo) SetExit(ctx context.Context, driverID, id, exitID string) (Session, error) {
	if err := checkExit(exitID); err != nil {
		return Session{}, err
	}
	s, err := m.Get(ctx, driverID, id)
	if err != nil {
		return Session{}, err
	}
	if s.Status != StatusActive {
		return Session{}, ErrNotActive
	}
	for try := 0; try < maxExitTries; try++ {
		e, err := m.latestExit(ctx, id)
		if err != nil {
			return Session{}, err
		}
		if e.Final {
			return Session{}, ErrNotActive
		}
		taken, err := m.appendExit(ctx, id, e, exitID, false)
		if err != nil {
			return Session{}, err
		}
		if !taken {
			s.ExitID = exitID
			return s, nil
		}
	}
	return Session{}, ErrContention
}

// SetOutcome implements [Repository].
func (m *Mongo) SetOutcome(ctx context.Context, driverID, id string, o Outcome) (Session, error) {
	s, err := m.Get(ctx, driverID, id)
	if err != nil {
		return Session{}, err
	}
	_, err = m.sessions.UpdateOne(ctx, byID(id), bson.D{{Key: "$set", Value: bson.D{
		{Key: "fare", Value: o.FareCents}, {Key: "payment", Value: o.Payment},
		{Key: "tx", Value: o.TransactionID}, {Key: "emission", Value: o.EmissionRecordID},
	}}})
	if err != nil {
		return Session{}, fmt.Errorf("session: outcome: %w", err)
	}
	s.Outcome = o
	return s, nil
}

// Get implements [Repository].
func (m *Mongo) Get(ctx context.Context, driverID, id string) (Session, error) {
	s, ok, err := m.load(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if !ok || s.DriverID != driverID || s.Status == statusStarting {
		return Session{}, ErrNotFound
	}
	return s, nil
}

// Active implements [Repository].
func (m *Mongo) Active(ctx context.Context, driverID string) (Session, error) {
	var c claimDoc
	err := m.claims.FindOne(ctx, byID(driverClaim(driverID))).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: read claim: %w", err)
	}
	s, ok, err := m.load(ctx, c.Session)
	if err != nil {
		return Session{}, err
	}
	if !ok || s.Status != StatusActive || s.DriverID != driverID {
		return Session{}, ErrNotFound
	}
	return s, nil
}

func (m *Mongo) find(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]Session, error) {
	cur, err := m.sessions.Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("session: list: %w", err)
	}
	out := []Session{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("session: list: %w", err)
	}
	for i := range out {
		if out[i].Status == StatusActive {
			var e endDoc
			if err := m.ends.FindOne(ctx, byID(out[i].ID)).Decode(&e); err == nil {
				endIn(&out[i], e.At, e.Exit)
			}
			if err := m.overlayExit(ctx, &out[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// History implements [Repository].
func (m *Mongo) History(ctx context.Context, driverID string, limit, offset int) ([]Session, int, error) {
	if err := checkPage(limit, offset); err != nil {
		return nil, 0, err
	}
	filter := bson.D{{Key: "driver", Value: driverID}, {Key: "status", Value: bson.D{{Key: "$ne", Value: statusStarting}}}}
	n, err := m.sessions.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, fmt.Errorf("session: count: %w", err)
	}
	out, err := m.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "started_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(int64(offset)).SetLimit(int64(limit)))
	return out, int(n), err
}

// ActiveInFacility implements [Repository]. The building is compared in
// Go, never through a regular expression.
func (m *Mongo) ActiveInFacility(ctx context.Context, facilityID, building string) ([]Session, error) {
	all, err := m.find(ctx, bson.D{{Key: "facility", Value: facilityID}, {Key: "status", Value: StatusActive}}, options.Find())
	if err != nil {
		return nil, err
	}
	out := []Session{}
	for i := range all {
		if all[i].Status == StatusActive && inBuilding(&all[i], building) {
			out = append(out, all[i])
		}
	}
	sortOldest(out)
	return out, nil
}

// Count implements [Repository].
func (m *Mongo) Count(ctx context.Context, facilityID string) (Counts, error) {
	base := bson.D{}
	if facilityID != "" {
		base = append(base, bson.E{Key: "facility", Value: facilityID})
	}
	total, err := m.sessions.CountDocuments(ctx, append(base, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: statusStarting}}}))
	if err != nil {
		return Counts{}, fmt.Errorf("session: count: %w", err)
	}
	act, err := m.ActiveInFacility(ctx, facilityID, "")
	if facilityID == "" {
		var n int64
		n, err = m.claims.CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: "slot\x00"}, {Key: "$lt", Value: "slot\x01"}}}})
		return Counts{Total: int(total), Active: int(n)}, err
	}
	return Counts{Total: int(total), Active: len(act)}, err
}

// DeleteDriver implements [Repository]. Claims are released by session
// id, so a concurrent start of another driver is never touched.
func (m *Mongo) DeleteDriver(ctx context.Context, driverID string) (int, error) {
	cur, err := m.sessions.Find(ctx, bson.D{{Key: "driver", Value: driverID}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, fmt.Errorf("session: delete: %w", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, fmt.Errorf("session: delete: %w", err)
	}
	list := bson.A{}
	for _, d := range ids {
		list = append(list, d.ID)
	}
	if len(list) == 0 {
		return 0, nil
	}
	in := bson.D{{Key: "$in", Value: list}}
	if _, err := m.claims.DeleteMany(ctx, bson.D{{Key: "session", Value: in}}); err != nil {
		return 0, fmt.Errorf("session: delete claims: %w", err)
	}
	if _, err := m.ends.DeleteMany(ctx, bson.D{{Key: "_id", Value: in}}); err != nil {
		return 0, fmt.Errorf("session: delete ends: %w", err)
	}
	if _, err := m.exits.DeleteMany(ctx, bson.D{{Key: "session", Value: in}}); err != nil {
		return 0, fmt.Errorf("session: delete exits: %w", err)
	}
	res, err := m.sessions.DeleteMany(ctx, bson.D{{Key: "_id", Value: in}})
	if err != nil {
		return 0, fmt.Errorf("session: delete: %w", err)
	}
	return int(res.DeletedCount), nil
}
