package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
)

// NewUser is an account created by an administrator.
type NewUser struct {
	Email, Username, FullName, Password string
	Roles                               []auth.Role
	// Facility is required for operators and refused for other roles.
	Facility string
}

// Provisioner creates accounts directly. Users and Hasher are required;
// Policy defaults to password.AutoSpot(), Rand to crypto/rand, Now to
// time.Now.
type Provisioner struct {
	Users  auth.UserStore
	Hasher *password.Hasher
	Policy *password.Policy
	Rand   io.Reader
	Now    func() time.Time
}

// CreateUser checks the password policy (with the user's details as
// context words), hashes the password and stores the user. A duplicate
// email or username is [ErrTaken]; a policy failure is a
// *password.PolicyError.
func (p *Provisioner) CreateUser(ctx context.Context, in NewUser) (auth.User, error) {
	if p.Users == nil || p.Hasher == nil {
		return auth.User{}, ErrIncomplete
	}
	email := auth.NormalizeEmail(in.Email)
	username := auth.NormalizeUsername(in.Username)
	name := strings.TrimSpace(in.FullName)
	operator := false
	for _, r := range in.Roles {
		operator = operator || r == auth.RoleOperator
	}
	if operator != (in.Facility != "") {
		return auth.User{}, fmt.Errorf("%w: a facility is required for operators and only for them", auth.ErrInvalidInput)
	}
	policy := password.AutoSpot()
	if p.Policy != nil {
		policy = *p.Policy
	}
	if err := auth.ValidateAccount(email, username, name, in.Password, policy); err != nil {
		return auth.User{}, err
	}
	hash, err := p.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return auth.User{}, err
	}
	rnd := p.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	id := make([]byte, 16)
	if _, err := io.ReadFull(rnd, id); err != nil {
		return auth.User{}, err
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	at := now().UTC().Truncate(time.Millisecond)
	u := auth.User{ID: hex.EncodeToString(id), Email: email, Username: username, FullName: name, PasswordHash: hash,
		Roles: in.Roles, Facility: in.Facility, CreatedAt: at, UpdatedAt: at}
	if err := p.Users.Create(ctx, u); err != nil {
		if errors.Is(err, auth.ErrEmailTaken) || errors.Is(err, auth.ErrUsernameTaken) {
			return auth.User{}, ErrTaken
		}
		return auth.User{}, err
	}
	return u, nil
}
