package bolt

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.UserStore = (*UserStore)(nil)

// UserStore implements [auth.UserStore] on a [DB]: users keyed by id, and
// two unique indexes, email → id and username → id. Create checks the id
// and both indexes and writes all three in one transaction, so of any
// number of concurrent creates with one email exactly one succeeds, and an
// index never names a user that does not exist. List walks the users in id
// order from the cursor and filters as it goes. It is safe for concurrent
// use.
type UserStore struct{ db *DB }

// UserStore returns the user store of db.
func (db *DB) UserStore() *UserStore { return &UserStore{db: db} }

// User records: version 1 is the original layout; version 2 appends
// EmailSealed. A user without a sealed email is still written as version
// 1, so a store used without email protection keeps today's format (and
// an older binary can read it); both versions are read.
const (
	userVersion       = 1
	userVersionSealed = 2
)

func encodeUser(u *auth.User) []byte {
	v := byte(userVersion)
	if u.EmailSealed != "" {
		v = userVersionSealed
	}
	e := newEncoder(v, 96+len(u.ID)+len(u.Email)+len(u.EmailSealed)+len(u.Username)+len(u.FullName)+len(u.PasswordHash)+len(u.Facility))
	e.str(u.ID)
	e.str(u.Email)
	e.str(u.Username)
	e.str(u.FullName)
	e.str(u.PasswordHash)
	e.strs(rolesToStrings(u.Roles))
	e.str(u.Facility)
	e.time(u.CreatedAt)
	e.time(u.UpdatedAt)
	e.time(u.LockedUntil)
	if v == userVersionSealed {
		e.str(u.EmailSealed)
	}
	return e.b
}

func decodeUser(b []byte) (auth.User, error) {
	v := byte(userVersion)
	if len(b) > 0 && b[0] == userVersionSealed {
		v = userVersionSealed
	}
	d := newDecoder(b, "user", v)
	var u auth.User
	u.ID = d.str()
	u.Email = d.str()
	u.Username = d.str()
	u.FullName = d.str()
	u.PasswordHash = d.str()
	u.Roles = stringsToRoles(d.strs())
	u.Facility = d.str()
	u.CreatedAt = d.time()
	u.UpdatedAt = d.time()
	u.LockedUntil = d.time()
	if v == userVersionSealed {
		u.EmailSealed = d.str()
	}
	if err := d.done(); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

func rolesToStrings(rs []auth.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func stringsToRoles(ss []string) []auth.Role {
	if ss == nil {
		return nil
	}
	out := make([]auth.Role, len(ss))
	for i, s := range ss {
		out[i] = auth.Role(s)
	}
	return out
}

type userBuckets struct{ byID, byEmail, byUsername *bbolt.Bucket }

func openUserBuckets(tx *bbolt.Tx) (userBuckets, error) {
	bs, err := buckets(tx, bucketUsers, bucketUsersEmail, bucketUsersUsername)
	if err != nil {
		return userBuckets{}, err
	}
	return userBuckets{bs[0], bs[1], bs[2]}, nil
}

// get returns the user with id, or [auth.ErrUserNotFound].
func (b userBuckets) get(id []byte) (auth.User, error) {
	u, ok, err := getRecord(b.byID, id, decodeUser)
	if err == nil && !ok {
		err = auth.ErrUserNotFound
	}
	return u, err
}

// deleteIfOwned deletes the index entry key of idx only if it names the
// user id: an entry another user holds stays.
func deleteIfOwned(idx *bbolt.Bucket, key string, id []byte) error {
	if !bytes.Equal(idx.Get([]byte(key)), id) {
		return nil
	}
	return idx.Delete([]byte(key))
}

// Create implements [auth.UserStore]. An empty id, email or username is
// an error.
func (s *UserStore) Create(ctx context.Context, u auth.User) error {
	if u.ID == "" || u.Email == "" || u.Username == "" {
		return fmt.Errorf("bolt: create user: empty id, email or username")
	}
	return s.db.update(ctx, "create user", func(tx *bbolt.Tx) error {
		b, err := openUserBuckets(tx)
		if err != nil {
			return err
		}
		id := []byte(u.ID)
		switch {
		case b.byID.Get(id) != nil:
			return auth.ErrUserExists
		case b.byEmail.Get([]byte(u.Email)) != nil:
			return auth.ErrEmailTaken
		case b.byUsername.Get([]byte(u.Username)) != nil:
			return auth.ErrUsernameTaken
		}
		if err := b.byID.Put(id, encodeUser(&u)); err != nil {
			return wrap("create user", err)
		}
		if err := b.byEmail.Put([]byte(u.Email), id); err != nil {
			return wrap("create user", err)
		}
		return wrap("create user", b.byUsername.Put([]byte(u.Username), id))
	})
}

// ByID implements [auth.UserStore].
func (s *UserStore) ByID(ctx context.Context, id string) (auth.User, error) {
	return s.lookup(ctx, "user by id", func(userBuckets) []byte { return []byte(id) })
}

// ByEmail implements [auth.UserStore]: one index read and one record read
// in one read-only transaction.
func (s *UserStore) ByEmail(ctx context.Context, email string) (auth.User, error) {
	return s.lookup(ctx, "user by email", func(b userBuckets) []byte { return b.byEmail.Get([]byte(email)) })
}

// ByUsername implements [auth.UserStore].
func (s *UserStore) ByUsername(ctx context.Context, username string) (auth.User, error) {
	return s.lookup(ctx, "user by username", func(b userBuckets) []byte { return b.byUsername.Get([]byte(username)) })
}

func (s *UserStore) lookup(ctx context.Context, op string, id func(userBuckets) []byte) (auth.User, error) {
	var u auth.User
	err := s.db.view(ctx, op, func(tx *bbolt.Tx) error {
		b, err := openUserBuckets(tx)
		if err != nil {
			return err
		}
		k := id(b)
		if len(k) == 0 {
			return auth.ErrUserNotFound
		}
		u, err = b.get(k)
		return err
	})
	if err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// modify applies f to the stored user in one transaction.
func (s *UserStore) modify(ctx context.Context, op, id string, f func(u *auth.User) error) error {
	return s.db.update(ctx, op, func(tx *bbolt.Tx) error {
		b, err := openUserBuckets(tx)
		if err != nil {
			return err
		}
		u, err := b.get([]byte(id))
		if err != nil {
			return err
		}
		if err := f(&u); err != nil {
			return err
		}
		return wrap(op, b.byID.Put([]byte(id), encodeUser(&u)))
	})
}

// UpdatePasswordHash implements [auth.UserStore]: compare and swap in one
// transaction.
func (s *UserStore) UpdatePasswordHash(ctx context.Context, id, oldHash, newHash string, at time.Time) error {
	return s.modify(ctx, "update password hash", id, func(u *auth.User) error {
		if u.PasswordHash != oldHash {
			return auth.ErrUserChanged
		}
		u.PasswordHash, u.UpdatedAt = newHash, at
		return nil
	})
}

// UpdateFullName implements [auth.UserStore]: compare and swap in one
// transaction.
func (s *UserStore) UpdateFullName(ctx context.Context, id, oldName, newName string) error {
	return s.modify(ctx, "update full name", id, func(u *auth.User) error {
		if u.FullName != oldName {
			return auth.ErrUserChanged
		}
		u.FullName = newName
		return nil
	})
}

// UpdateEmail implements [auth.UserStore]: the record and the email
// index change in one transaction.
func (s *UserStore) UpdateEmail(ctx context.Context, id, oldEmail, newEmail, newSealed string) error {
	if newEmail == "" {
		return fmt.Errorf("bolt: update email: empty email")
	}
	return s.db.update(ctx, "update email", func(tx *bbolt.Tx) error {
		b, err := openUserBuckets(tx)
		if err != nil {
			return err
		}
		k := []byte(id)
		u, err := b.get(k)
		switch {
		case err != nil:
			return err
		case u.Email != oldEmail:
			return auth.ErrUserChanged
		}
		if other := b.byEmail.Get([]byte(newEmail)); other != nil && !bytes.Equal(other, k) {
			return auth.ErrEmailTaken
		}
		if err := deleteIfOwned(b.byEmail, u.Email, k); err != nil {
			return wrap("update email", err)
		}
		u.Email, u.EmailSealed = newEmail, newSealed
		if err := b.byID.Put(k, encodeUser(&u)); err != nil {
			return wrap("update email", err)
		}
		return wrap("update email", b.byEmail.Put([]byte(newEmail), k))
	})
}

// UpdateRoles implements [auth.UserStore].
func (s *UserStore) UpdateRoles(ctx context.Context, id string, roles []auth.Role, facility string, at time.Time) error {
	return s.modify(ctx, "update roles", id, func(u *auth.User) error {
		u.Roles, u.Facility, u.UpdatedAt = slices.Clone(roles), facility, at
		return nil
	})
}

// SetLockedUntil implements [auth.UserStore].
func (s *UserStore) SetLockedUntil(ctx context.Context, id string, until, at time.Time) error {
	return s.modify(ctx, "set locked until", id, func(u *auth.User) error {
		u.LockedUntil, u.UpdatedAt = until, at
		return nil
	})
}

// Delete implements [auth.UserStore]: the user and both index entries go
// in one transaction.
func (s *UserStore) Delete(ctx context.Context, id string) error {
	return s.db.update(ctx, "delete user", func(tx *bbolt.Tx) error {
		b, err := openUserBuckets(tx)
		if err != nil {
			return err
		}
		k := []byte(id)
		u, err := b.get(k)
		if err != nil {
			return err
		}
		if err := deleteIfOwned(b.byEmail, u.Email, k); err != nil {
			return wrap("delete user", err)
		}
		if err := deleteIfOwned(b.byUsername, u.Username, k); err != nil {
			return wrap("delete user", err)
		}
		return wrap("delete user", b.byID.Delete(k))
	})
}

// List implements [auth.UserStore]. It walks users in id order from
// q.After and decodes each to filter it, so a search costs a scan of the
// users after the cursor (bounded by the page only when most users match):
// fine for the user counts one embedded file serves.
func (s *UserStore) List(ctx context.Context, q auth.UserQuery) (auth.UserPage, error) {
	limit := q.PageLimit()
	needle := strings.ToLower(q.Search)
	var page auth.UserPage
	err := s.db.view(ctx, "list users", func(tx *bbolt.Tx) error {
		page = auth.UserPage{}
		b, err := openUserBuckets(tx)
		if err != nil {
			return err
		}
		c := b.byID.Cursor()
		k, v := c.First()
		if q.After != "" {
			k, v = c.Seek([]byte(q.After))
			if k != nil && string(k) == q.After {
				k, v = c.Next()
			}
		}
		for n := 0; k != nil; k, v = c.Next() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			u, err := decodeUser(v)
			if err != nil {
				return err
			}
			if q.Role != "" && !slices.Contains(u.Roles, q.Role) {
				continue
			}
			if needle != "" && !strings.Contains(strings.ToLower(u.Email), needle) &&
				!strings.Contains(strings.ToLower(u.Username), needle) &&
				!strings.Contains(strings.ToLower(u.FullName), needle) {
				continue
			}
			if len(page.Users) == limit {
				page.Next = page.Users[limit-1].ID
				return nil
			}
			page.Users = append(page.Users, u)
		}
		return nil
	})
	if err != nil {
		return auth.UserPage{}, err
	}
	return page, nil
}
