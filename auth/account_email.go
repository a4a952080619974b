package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EmailProtector keeps email addresses confidential at rest while users
// stay findable by address: Index is a keyed, deterministic blind index
// (equal addresses, equal indexes; nothing about the address without the
// key) and Seal/Open an authenticated encryption bound to the user id.
// The server's adapter uses cryptofield's BlindIndex and Keyring; auth
// itself holds no key. Implementations must be safe for concurrent use.
type EmailProtector interface {
	// Index returns the blind index of a normalised address (see
	// [NormalizeEmail]). It must be deterministic and must not contain
	// the address.
	Index(email string) string
	// Seal encrypts the normalised address of user userID, bound to the
	// id so that a sealed value copied to another user does not open.
	Seal(userID, email string) (string, error)
	// Open reverses Seal for the same userID.
	Open(userID, sealed string) (string, error)
}

// EmailProtectedUsers is a [UserStore] that stores every user's email as
// its blind index (in [User.Email], the store's unique key) and the sealed
// address (in [User.EmailSealed]), and hands out users with the address
// opened again. Callers see the same contract as a plain UserStore: they
// create, look up and receive users with the address in User.Email, so
// [Accounts] and any other code creating users (an administrator's
// provisioning) work unchanged on top of it.
//
// Differences from the store underneath:
//   - List: a Search containing "@" matches one exact address (through the
//     index); any other Search is a case-insensitive substring of the
//     username or full name only (the stored email is an index, not text).
//     Such pages may hold fewer users than the limit while Next is set.
//   - Users stored without a sealed email (before protection was enabled)
//     are returned as stored, but are not found by ByEmail until
//     [EmailProtectedUsers.MigratePlaintext] moves them.
//
// Create it with [NewEmailProtectedUsers]; [WithEmailProtection] wraps the
// accounts' user store in one. It is safe for concurrent use when the
// store and the protector are.
type EmailProtectedUsers struct {
	inner UserStore
	p     EmailProtector
}

var _ UserStore = (*EmailProtectedUsers)(nil)

// NewEmailProtectedUsers returns users wrapped with email protection p.
// Both are required. Wrapping an *EmailProtectedUsers again is refused:
// the index would be indexed twice.
func NewEmailProtectedUsers(users UserStore, p EmailProtector) (*EmailProtectedUsers, error) {
	if users == nil || p == nil {
		return nil, fmt.Errorf("%w: nil user store or email protector", ErrInvalidConfig)
	}
	if _, ok := users.(*EmailProtectedUsers); ok {
		return nil, fmt.Errorf("%w: user store already has email protection", ErrInvalidConfig)
	}
	return &EmailProtectedUsers{inner: users, p: p}, nil
}

// Unwrap returns the store underneath, which holds indexes and sealed
// addresses.
func (s *EmailProtectedUsers) Unwrap() UserStore { return s.inner }

// Index returns the stored key of a normalised address.
func (s *EmailProtectedUsers) Index(email string) string { return s.p.Index(email) }

// open replaces the stored index of u by the opened address. A user
// without a sealed address (stored before protection) is returned as is.
func (s *EmailProtectedUsers) open(u User) (User, error) {
	if u.EmailSealed == "" {
		return u, nil
	}
	addr, err := s.p.Open(u.ID, u.EmailSealed)
	if err != nil {
		return User{}, fmt.Errorf("%w: user %s: %w", ErrSealedEmail, u.ID, err)
	}
	// The index and the sealed address are written together; a record
	// whose two disagree was altered.
	if s.p.Index(addr) != u.Email {
		return User{}, fmt.Errorf("%w: user %s: address does not match its index", ErrSealedEmail, u.ID)
	}
	u.Email = addr
	return u, nil
}

func (s *EmailProtectedUsers) opened(u User, err error) (User, error) {
	if err != nil {
		return User{}, err
	}
	return s.open(u)
}

// Create implements [UserStore]: u.Email (normalised) is stored as its
// index, sealed into EmailSealed under u.ID. Uniqueness of the email is
// the store's uniqueness of the index.
func (s *EmailProtectedUsers) Create(ctx context.Context, u User) error {
	if u.ID == "" || u.Email == "" {
		return fmt.Errorf("%w: create user: empty id or email", ErrInvalidInput)
	}
	sealed, err := s.p.Seal(u.ID, u.Email)
	if err != nil {
		return fmt.Errorf("auth: seal email: %w", err)
	}
	u.Email, u.EmailSealed = s.p.Index(u.Email), sealed
	return s.inner.Create(ctx, u)
}

// ByID implements [UserStore].
func (s *EmailProtectedUsers) ByID(ctx context.Context, id string) (User, error) {
	return s.opened(s.inner.ByID(ctx, id))
}

// ByEmail implements [UserStore]: the store is searched for the index of
// email.
func (s *EmailProtectedUsers) ByEmail(ctx context.Context, email string) (User, error) {
	return s.opened(s.inner.ByEmail(ctx, s.p.Index(email)))
}

// ByUsername implements [UserStore].
func (s *EmailProtectedUsers) ByUsername(ctx context.Context, username string) (User, error) {
	return s.opened(s.inner.ByUsername(ctx, username))
}

// UpdatePasswordHash implements [UserStore].
func (s *EmailProtectedUsers) UpdatePasswordHash(ctx context.Context, id, oldHash, newHash string, at time.Time) error {
	return s.inner.UpdatePasswordHash(ctx, id, oldHash, newHash, at)
}

// UpdateFullName implements [UserStore].
func (s *EmailProtectedUsers) UpdateFullName(ctx context.Context, id, oldName, newName string) error {
	return s.inner.UpdateFullName(ctx, id, oldName, newName)
}

// UpdateEmail implements [UserStore] for addresses: oldEmail and newEmail
// are normalised addresses, stored as their indexes, and newEmail is
// sealed under id (the newSealed argument is ignored).
func (s *EmailProtectedUsers) UpdateEmail(ctx context.Context, id, oldEmail, newEmail, _ string) error {
	sealed, err := s.p.Seal(id, newEmail)
	if err != nil {
		return fmt.Errorf("auth: seal email: %w", err)
	}
	return s.inner.UpdateEmail(ctx, id, s.p.Index(oldEmail), s.p.Index(newEmail), sealed)
}

// MigratePlaintext moves every user stored without a sealed email (stored
// before email protection was enabled) under protection: its stored
// address is replaced by the index and the sealed address, each with one
// compare-and-swap ([UserStore.UpdateEmail]), so it is safe to run while
// the store is in use and to run again. It returns how many users it
// moved. It reads every user, page by page.
func (s *EmailProtectedUsers) MigratePlaintext(ctx context.Context) (int, error) {
	moved := 0
	after := ""
	for {
		page, err := s.inner.List(ctx, UserQuery{After: after, Limit: MaxUserPageSize})
		if err != nil {
			return moved, fmt.Errorf("auth: migrate emails: %w", err)
		}
		for _, u := range page.Users {
			if u.EmailSealed != "" {
				continue
			}
			addr := NormalizeEmail(u.Email)
			sealed, err := s.p.Seal(u.ID, addr)
			if err != nil {
				return moved, fmt.Errorf("auth: migrate emails: seal: %w", err)
			}
			err = s.inner.UpdateEmail(ctx, u.ID, u.Email, s.p.Index(addr), sealed)
			switch {
			case err == nil:
				moved++
			case errors.Is(err, ErrUserChanged), errors.Is(err, ErrUserNotFound):
				// Moved or deleted meanwhile.
			default:
				return moved, fmt.Errorf("auth: migrate emails: user %s: %w", u.ID, err)
			}
		}
		if page.Next == "" {
			return moved, nil
		}
		after = page.Next
	}
}

// UpdateRoles implements [UserStore].
func (s *EmailProtectedUsers) UpdateRoles(ctx context.Context, id string, roles []Role, facility string, at time.Time) error {
	return s.inner.UpdateRoles(ctx, id, roles, facility, at)
}

// SetLockedUntil implements [UserStore].
func (s *EmailProtectedUsers) SetLockedUntil(ctx context.Context, id string, until, at time.Time) error {
	return s.inner.SetLockedUntil(ctx, id, until, at)
}

// Delete implements [UserStore].
func (s *EmailProtectedUsers) Delete(ctx context.Context, id string) error {
	return s.inner.Delete(ctx, id)
}

// List implements [UserStore], with the search rules in the type's
// documentation.
func (s *EmailProtectedUsers) List(ctx context.Context, q UserQuery) (UserPage, error) {
	if strings.Contains(q.Search, "@") {
		u, err := s.ByEmail(ctx, NormalizeEmail(q.Search))
		switch {
		case errors.Is(err, ErrUserNotFound):
			return UserPage{}, nil
		case err != nil:
			return UserPage{}, err
		}
		if (q.After != "" && u.ID <= q.After) || (q.Role != "" && !slices.Contains(u.Roles, q.Role)) {
			return UserPage{}, nil
		}
		return UserPage{Users: []User{u}}, nil
	}
	page, err := s.inner.List(ctx, q)
	if err != nil {
		return UserPage{}, err
	}
	needle := strings.ToLower(q.Search)
	out := make([]User, 0, len(page.Users))
	for _, u := range page.Users {
		if needle != "" && u.EmailSealed != "" &&
			!strings.Contains(strings.ToLower(u.Username), needle) &&
			!strings.Contains(strings.ToLower(u.FullName), needle) {
			continue // matched only the index
		}
		if u, err = s.open(u); err != nil {
			return UserPage{}, err
		}
		out = append(out, u)
	}
	page.Users = out
	return page, nil
}

// WithEmailProtection stores email addresses as a blind index plus a
// sealed copy (see [EmailProtector] and [EmailProtectedUsers]): the user
// store is wrapped in an [EmailProtectedUsers] (unless it already is one),
// and every other record the account flows key by email — pending
// registrations, one-time codes and their daily try counts, send
// throttles, lockout counters of unknown identifiers — is keyed by the
// index instead of the address. Account [Event]s carry
// "email-index:<index>" instead of an email identifier. Emails are sent to
// the opened address, or, during registration (when no user exists yet),
// to the address the client presented with the request; so a pending
// registration never stores the address. Without this option addresses
// are stored and keyed in clear, as before.
func WithEmailProtection(p EmailProtector) AccountsOption {
	return func(a *Accounts) error {
		if p == nil {
			return fmt.Errorf("%w: nil email protector", ErrInvalidConfig)
		}
		a.emailProt = p
		return nil
	}
}

// EventEmailPrefix starts the [Event] Identifier of an email address under
// [WithEmailProtection]: the rest is the address's blind index.
const EventEmailPrefix = "email-index:"

// emailKey is the form under which records other than users are keyed by
// the normalised address email: the address itself, or its blind index
// under email protection.
func (a *Accounts) emailKey(email string) string {
	if a.emailProt == nil {
		return email
	}
	return a.emailProt.Index(email)
}

// eventIdentifier hides an email identifier behind its index under email
// protection. Usernames (no "@") are kept.
func (a *Accounts) eventIdentifier(identifier string) string {
	if a.emailProt == nil || !strings.Contains(identifier, "@") {
		return identifier
	}
	return EventEmailPrefix + a.emailProt.Index(NormalizeEmail(identifier))
}
