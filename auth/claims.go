package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenType tells access tokens from refresh tokens. It is carried in the
// "typ" claim and checked on every verification, so one can never be used
// as the other.
type TokenType string

// The two token types.
const (
	TypeAccess  TokenType = "access"
	TypeRefresh TokenType = "refresh"
)

// Claims are the claims of an AutoSpot access or refresh token.
//
// Registered claims: sub (user id), iss, aud, iat, nbf, exp (always set and
// required), jti (random, 128 bits). Private claims are listed on the
// fields. Refresh tokens carry no roles, facility or CSRF token.
type Claims struct {
	jwt.RegisteredClaims

	// Type is "access" or "refresh" (claim "typ").
	Type TokenType `json:"typ"`
	// Session is the refresh-token family (login session) id (claim "sid").
	Session string `json:"sid"`
	// Roles are the subject's roles at issue time (claim "roles").
	Roles []Role `json:"roles,omitempty"`
	// Facility scopes an operator to one car park (claim "fac"; the original
	// application's keyID).
	Facility string `json:"fac,omitempty"`
	// CSRF is the double-submit token for access tokens carried in a cookie
	// (claim "csrf"). See [Service.Authenticate].
	CSRF string `json:"csrf,omitempty"`
	// Epoch is the user's revocation epoch at issue time (claim "ep"); a
	// token whose epoch is below the user's current one is revoked.
	Epoch uint64 `json:"ep,omitempty"`
}

var errClaims = errors.New("auth: missing sub, sid or typ claim")

// Validate implements [jwt.ClaimsValidator]; the parser calls it after the
// registered-claim checks.
func (c *Claims) Validate() error {
	if c.Subject == "" || c.Session == "" {
		return errClaims
	}
	if c.Type != TypeAccess && c.Type != TypeRefresh {
		return errClaims
	}
	return nil
}

// HasRole reports whether the token carries role r.
func (c *Claims) HasRole(r Role) bool {
	for _, have := range c.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Subject is who a token pair is issued to.
type Subject struct {
	// ID is the stable user id (claim "sub"). Required; at most 256 bytes.
	ID string
	// Roles are the user's roles; see [Role].
	Roles []Role
	// Facility is the facility an operator is scoped to. Required when Roles
	// contains [RoleOperator].
	Facility string
}

// Pair is what [Service.IssuePair] and [Service.Refresh] return.
//
// Hand AccessToken, RefreshToken and CSRFToken to the client; never log
// them. The zero value is not useful.
type Pair struct {
	// AccessToken is the short-lived bearer token.
	AccessToken string
	// RefreshToken is the single-use token that obtains the next pair.
	RefreshToken string
	// CSRFToken equals the access token's "csrf" claim. A browser client
	// that receives the access token in an HttpOnly cookie sends it back
	// in the X-CSRF-Token header on unsafe requests.
	CSRFToken string
	// SessionID is the refresh-token family id (claim "sid").
	SessionID string
	// AccessExpiresAt and RefreshExpiresAt are the tokens' exp claims.
	AccessExpiresAt  time.Time
	RefreshExpiresAt time.Time
}

// TokenType is "Bearer", for OAuth-style token responses.
func (Pair) TokenType() string { return "Bearer" }
