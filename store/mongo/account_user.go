package mongo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/auth"
)

var _ auth.UserStore = (*UserStore)(nil)

// UserStore implements [auth.UserStore] as a register per user (see the
// package documentation, "Atomicity"):
//
//   - [CollUsers]: one head document per user, {_id: id, email,
//     emailSealed, username, fullName, createdAt, v, s: {pw, roles,
//     facility, updatedAt, lockedUntil, name}}, inserted by Create under
//     two unique indexes (email, username): of concurrent creates with
//     one email exactly one insert succeeds, and Delete frees both at
//     once. emailSealed is omitted when empty, so documents written
//     without email protection look as before. The full name lives in
//     the mutable part (s.name) so that UpdateFullName is a
//     compare-and-swap like the others; head documents written before it
//     existed keep their name in fullName, which s.name overrides once
//     set.
//   - [CollUserVersions]: one immutable document per change of the
//     mutable part s. UpdatePasswordHash is a compare-and-swap: it reads
//     the newest version, compares the hash, and inserts the next version.
//
// Lookups are by _id, or by the indexed email or username. Every filter is
// built from the typed arguments (strings compared exactly); the search
// text of List is quoted with [regexp.QuoteMeta]. It is safe for
// concurrent use.
// Get it from [Store.UserStore]; the zero value is not usable.
type UserStore struct {
	reg      register
	attempts int
}

func newUserStore(db *driver.Database, attempts int) *UserStore {
	return &UserStore{
		reg:      register{heads: db.Collection(CollUsers), versions: db.Collection(CollUserVersions)},
		attempts: attempts,
	}
}

type userDoc struct {
	ID        string    `bson:"_id"`
	Email     string    `bson:"email"`
	Sealed    string    `bson:"emailSealed,omitempty"`
	Username  string    `bson:"username"`
	FullName  string    `bson:"fullName,omitempty"`
	CreatedAt time.Time `bson:"createdAt"`
	Inc       string    `bson:"inc"` // see chainKey
	V         int64     `bson:"v"`
	S         userState `bson:"s"`
}

// userState is the part of a user that changes.
type userState struct {
	PasswordHash string      `bson:"pw"`
	Roles        []auth.Role `bson:"roles,omitempty"`
	Facility     string      `bson:"facility,omitempty"`
	UpdatedAt    time.Time   `bson:"updatedAt,omitempty"`
	LockedUntil  time.Time   `bson:"lockedUntil,omitempty"`
	// FullName, when present, is the current name (see UpdateFullName);
	// absent, the head's fullName is.
	FullName *string `bson:"name,omitempty"`
}

func (d *userDoc) user(st userState) auth.User {
	name := d.FullName
	if st.FullName != nil {
		name = *st.FullName
	}
	return auth.User{
		ID: d.ID, Email: d.Email, EmailSealed: d.Sealed, Username: d.Username, FullName: name,
		PasswordHash: st.PasswordHash, Roles: slices.Clone(st.Roles), Facility: st.Facility,
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(st.UpdatedAt), LockedUntil: utc(st.LockedUntil),
	}
}

// Create implements [auth.UserStore]: one insert. A duplicate key is
// classified by looking the conflicting keys up (id, then email, then
// username), since servers differ in how they name the violated index.
func (s *UserStore) Create(ctx context.Context, u auth.User) error {
	d := userDoc{
		ID: u.ID, Email: u.Email, Sealed: u.EmailSealed, Username: u.Username, FullName: u.FullName, CreatedAt: u.CreatedAt, Inc: newIncarnation(),
		S: userState{PasswordHash: u.PasswordHash, Roles: u.Roles, Facility: u.Facility, UpdatedAt: u.UpdatedAt, LockedUntil: u.LockedUntil},
	}
	for range 3 {
		_, err := s.reg.heads.InsertOne(ctx, d)
		if err == nil {
			return nil
		}
		if !driver.IsDuplicateKeyError(err) {
			return fmt.Errorf("mongo: create user: %w", err)
		}
		for _, k := range []struct {
			field, value string
			err          error
		}{{"_id", u.ID, auth.ErrUserExists}, {"email", u.Email, auth.ErrEmailTaken}, {"username", u.Username, auth.ErrUsernameTaken}} {
			n, err := s.reg.heads.CountDocuments(ctx, bson.D{{Key: k.field, Value: k.value}}, options.Count().SetLimit(1))
			if err != nil {
				return fmt.Errorf("mongo: create user: %w", err)
			}
			if n > 0 {
				return k.err
			}
		}
		// The conflicting user was deleted in between: try again.
	}
	return fmt.Errorf("mongo: create user: %w", ErrContention)
}

// fromHead completes a head document read by a query with the newest
// version of its mutable part.
func (s *UserStore) fromHead(ctx context.Context, raw bson.Raw) (auth.User, error) {
	var d userDoc
	var h headFields
	if err := bson.Unmarshal(raw, &d); err != nil {
		return auth.User{}, err
	}
	if err := bson.Unmarshal(raw, &h); err != nil {
		return auth.User{}, err
	}
	cur, err := s.reg.gallop(ctx, version{chain: chainKey(d.ID, h.Inc), v: h.V, s: h.S, found: true})
	if err != nil {
		return auth.User{}, err
	}
	var st userState
	if err := bson.Unmarshal(cur.s, &st); err != nil {
		return auth.User{}, err
	}
	return d.user(st), nil
}

func (s *UserStore) by(ctx context.Context, field, value string) (auth.User, error) {
	raw, err := s.reg.heads.FindOne(ctx, bson.D{{Key: field, Value: value}}).Raw()
	if notFound(err) {
		return auth.User{}, auth.ErrUserNotFound
	}
	if err == nil {
		var u auth.User
		if u, err = s.fromHead(ctx, raw); err == nil {
			return u, nil
		}
	}
	return auth.User{}, fmt.Errorf("mongo: read user: %w", err)
}

// ByID implements [auth.UserStore].
func (s *UserStore) ByID(ctx context.Context, id string) (auth.User, error) {
	return s.by(ctx, "_id", id)
}

// ByEmail implements [auth.UserStore]; email is compared exactly.
func (s *UserStore) ByEmail(ctx context.Context, email string) (auth.User, error) {
	return s.by(ctx, "email", email)
}

// ByUsername implements [auth.UserStore]; username is compared exactly.
func (s *UserStore) ByUsername(ctx context.Context, username string) (auth.User, error) {
	return s.by(ctx, "username", username)
}

// change applies fn to the newest state of user id and swaps the result
// in, retrying when a concurrent change won. fn may refuse with an error.
func (s *UserStore) change(ctx context.Context, op, id string, fn func(*userState) error) error {
	return s.changeWithHead(ctx, op, id, nil, fn)
}

// changeWithHead is change that also decodes the head document into head
// (when not nil) before calling fn.
func (s *UserStore) changeWithHead(ctx context.Context, op, id string, head *userDoc, fn func(*userState) error) error {
	err := retry(ctx, s.attempts, func() (bool, error) {
		var h any
		if head != nil {
			*head = userDoc{}
			h = head
		}
		cur, err := s.reg.load(ctx, id, h)
		if err != nil {
			return false, err
		}
		if !cur.found {
			return false, auth.ErrUserNotFound
		}
		var st userState
		if err := bson.Unmarshal(cur.s, &st); err != nil {
			return false, err
		}
		if err := fn(&st); err != nil {
			return false, err
		}
		return s.reg.swap(ctx, id, cur, st, time.Time{})
	})
	if err != nil && !errors.Is(err, auth.ErrUserNotFound) && !errors.Is(err, auth.ErrUserChanged) {
		return fmt.Errorf("mongo: %s: %w", op, err)
	}
	return err
}

// UpdatePasswordHash implements [auth.UserStore] as a compare-and-swap on
// the user's newest version.
func (s *UserStore) UpdatePasswordHash(ctx context.Context, id, oldHash, newHash string, at time.Time) error {
	return s.change(ctx, "update password hash", id, func(st *userState) error {
		if st.PasswordHash != oldHash {
			return auth.ErrUserChanged
		}
		st.PasswordHash, st.UpdatedAt = newHash, at
		return nil
	})
}

// UpdateFullName implements [auth.UserStore] as a compare-and-swap on the
// user's newest version.
func (s *UserStore) UpdateFullName(ctx context.Context, id, oldName, newName string) error {
	var head userDoc
	return s.changeWithHead(ctx, "update full name", id, &head, func(st *userState) error {
		cur := head.FullName
		if st.FullName != nil {
			cur = *st.FullName
		}
		if cur != oldName {
			return auth.ErrUserChanged
		}
		st.FullName = &newName
		return nil
	})
}

// emailMoveTTL bounds how long an UpdateEmail claim (see UpdateEmail)
// blocks other moves of the same user if its holder never removes it.
const emailMoveTTL = time.Minute

// UpdateEmail implements [auth.UserStore]. The email lives in the head
// document under its unique index, which only an update can change, and
// updates are not atomic on every server (see "Atomicity"). So a move
// first claims the user by inserting a claim document under a unique _id
// (in the user's version collection, filed under its chain, so Delete
// removes it): of concurrent moves exactly one holds the claim; it checks
// the stored email, updates the head (filter on id and old email, under
// the unique email index), and removes the claim. A claim left by a
// crashed mover lapses after a minute. A concurrent change of the user's
// password, roles or lock only refreshes the head's copy of the mutable
// part, which on a server whose updates are read-modify-write may race
// with the move's update; this is meant for the one-off migration of
// users under email protection.
func (s *UserStore) UpdateEmail(ctx context.Context, id, oldEmail, newEmail, newSealed string) error {
	var h struct {
		Inc   string `bson:"inc"`
		Email string `bson:"email"`
	}
	err := s.reg.heads.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "inc", Value: 1}, {Key: "email", Value: 1}})).Decode(&h)
	switch {
	case notFound(err):
		return auth.ErrUserNotFound
	case err != nil:
		return fmt.Errorf("mongo: update email: %w", err)
	case h.Email != oldEmail:
		return auth.ErrUserChanged
	}
	chain := chainKey(id, h.Inc)
	claimID := chain + "/email-move"
	now := time.Now().UTC()
	claimed := false
	for range 2 {
		_, err := s.reg.versions.InsertOne(ctx, versionDoc{ID: claimID, K: chain, V: -1, Exp: now.Add(emailMoveTTL)})
		if err == nil {
			claimed = true
			break
		}
		if !driver.IsDuplicateKeyError(err) {
			return fmt.Errorf("mongo: update email: %w", err)
		}
		var c versionDoc
		if err := s.reg.versions.FindOne(ctx, bson.D{{Key: "_id", Value: claimID}}).Decode(&c); err != nil && !notFound(err) {
			return fmt.Errorf("mongo: update email: %w", err)
		} else if err == nil && !c.Exp.Before(now) {
			return auth.ErrUserChanged // another move holds the claim
		} else if err == nil {
			_, _ = s.reg.versions.DeleteOne(ctx, bson.D{{Key: "_id", Value: claimID}, {Key: "exp", Value: c.Exp}})
		}
	}
	if !claimed {
		return auth.ErrUserChanged
	}
	defer func() {
		_, _ = s.reg.versions.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: claimID}})
	}()
	upd := bson.D{{Key: "$set", Value: bson.D{{Key: "email", Value: newEmail}, {Key: "emailSealed", Value: newSealed}}}}
	if newSealed == "" {
		upd = bson.D{
			{Key: "$set", Value: bson.D{{Key: "email", Value: newEmail}}},
			{Key: "$unset", Value: bson.D{{Key: "emailSealed", Value: ""}}},
		}
	}
	res, err := s.reg.heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "email", Value: oldEmail}}, upd)
	if err != nil {
		// Servers differ in how they report a unique-index violation on
		// update (FerretDB: an internal error), so look the key up.
		n, cerr := s.reg.heads.CountDocuments(ctx, bson.D{{Key: "email", Value: newEmail}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: id}}}}, options.Count().SetLimit(1))
		if cerr == nil && n > 0 {
			return auth.ErrEmailTaken
		}
		return fmt.Errorf("mongo: update email: %w", err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	n, err := s.reg.heads.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}}, options.Count().SetLimit(1))
	switch {
	case err != nil:
		return fmt.Errorf("mongo: update email: %w", err)
	case n == 0:
		return auth.ErrUserNotFound
	}
	return auth.ErrUserChanged
}

// UpdateRoles implements [auth.UserStore].
func (s *UserStore) UpdateRoles(ctx context.Context, id string, roles []auth.Role, facility string, at time.Time) error {
	return s.change(ctx, "update roles", id, func(st *userState) error {
		st.Roles, st.Facility, st.UpdatedAt = slices.Clone(roles), facility, at
		return nil
	})
}

// SetLockedUntil implements [auth.UserStore].
func (s *UserStore) SetLockedUntil(ctx context.Context, id string, until, at time.Time) error {
	return s.change(ctx, "set locked until", id, func(st *userState) error {
		st.LockedUntil, st.UpdatedAt = until, at
		return nil
	})
}

// Delete implements [auth.UserStore]: deleting the head frees the email
// and username at once; the user's versions go with it.
func (s *UserStore) Delete(ctx context.Context, id string) error {
	ok, err := s.reg.remove(ctx, id)
	if err != nil {
		return fmt.Errorf("mongo: delete user: %w", err)
	}
	if !ok {
		return auth.ErrUserNotFound
	}
	return nil
}

// List implements [auth.UserStore]. Search is a literal, case-insensitive
// substring of email, username or full name: it is quoted with
// [regexp.QuoteMeta] before it becomes a $regex, so no text can act as a
// pattern or an operator. The role and search filters match the user's
// head document and are checked again on the newest version (a full name
// changed since the head was last refreshed is not matched under its old
// value).
func (s *UserStore) List(ctx context.Context, q auth.UserQuery) (auth.UserPage, error) {
	limit := q.PageLimit()
	needle := strings.ToLower(q.Search)
	filter := bson.D{}
	if q.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.After}}})
	}
	if q.Role != "" {
		filter = append(filter, bson.E{Key: "s.roles", Value: string(q.Role)})
	}
	if q.Search != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(q.Search), Options: "i"}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "email", Value: re}},
			bson.D{{Key: "username", Value: re}},
			bson.D{{Key: "fullName", Value: re}},
			bson.D{{Key: "s.name", Value: re}},
		}})
	}
	cur, err := s.reg.heads.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)+1))
	if err != nil {
		return auth.UserPage{}, fmt.Errorf("mongo: list users: %w", err)
	}
	defer cur.Close(ctx)
	var p auth.UserPage
	more := false
	for cur.Next(ctx) {
		if len(p.Users) == limit {
			more = true
			break
		}
		u, err := s.fromHead(ctx, cur.Current)
		if err != nil {
			return auth.UserPage{}, fmt.Errorf("mongo: list users: %w", err)
		}
		if q.Role != "" && !slices.Contains(u.Roles, q.Role) {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(u.Email), needle) &&
			!strings.Contains(strings.ToLower(u.Username), needle) &&
			!strings.Contains(strings.ToLower(u.FullName), needle) {
			continue // matched a name changed since
		}
		p.Users = append(p.Users, u)
	}
	if err := cur.Err(); err != nil {
		return auth.UserPage{}, fmt.Errorf("mongo: list users: %w", err)
	}
	if more && len(p.Users) > 0 {
		p.Next = p.Users[len(p.Users)-1].ID
	}
	return p, nil
}
