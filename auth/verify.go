package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// tokenError is a verification failure: it matches ErrTokenInvalid and its
// reason with errors.Is.
type tokenError struct {
	reason error // one of the sentinels, or nil for a plain ErrTokenInvalid
	cause  error // the underlying error, for logs
}

func (e *tokenError) Error() string {
	msg := ErrTokenInvalid.Error()
	if e.reason != nil {
		msg += ": " + e.reason.Error()
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

func (e *tokenError) Is(target error) bool {
	return target == ErrTokenInvalid || (e.reason != nil && target == e.reason)
}

func (e *tokenError) Unwrap() error { return e.cause }

func invalid(reason, cause error) error { return &tokenError{reason: reason, cause: cause} }

var (
	errNoKid        = errors.New("kid header missing or not a string")
	errUnknownKid   = errors.New("kid does not name a configured key")
	errAlgMismatch  = errors.New("alg does not match the key's algorithm")
	errRefusedHdr   = errors.New("refused header parameter (jku, jwk, x5u, x5c or crit)")
	errMissingJTI   = errors.New("missing jti claim")
	errWrongSubject = errors.New("token subject does not own the session")
)

// keyFunc selects the verification key: only from the ring, only by kid,
// and only if the token's alg is the key's alg.
func (s *Service) keyFunc(t *jwt.Token) (any, error) {
	return s.keys.Load().verificationKey(t)
}

func (r *KeyRing) verificationKey(t *jwt.Token) (any, error) {
	if hasRefusedHeader(t.Header) {
		return nil, errRefusedHdr
	}
	kid, ok := t.Header["kid"].(string)
	if !ok {
		return nil, errNoKid
	}
	k, ok := r.keys[kid]
	if !ok {
		return nil, errUnknownKid
	}
	if t.Method == nil || t.Method.Alg() != k.method.Alg() {
		return nil, errAlgMismatch
	}
	return k.verify, nil
}

// hasRefusedHeader reports header parameters that would let a token name
// its own key; they are refused outright (a kid only selects from the
// configured ring). "crit" is refused because no extension is understood
// (RFC 7515 §4.1.11).
func hasRefusedHeader(h map[string]any) bool {
	for _, name := range [...]string{"jku", "jwk", "x5u", "x5c", "crit"} {
		if _, ok := h[name]; ok {
			return true
		}
	}
	return false
}

// parse checks the length, signature, registered claims and token type.
func (s *Service) parse(token string, want TokenType) (*Claims, error) {
	if len(token) > s.maxLen {
		return nil, invalid(ErrTokenTooLong, nil)
	}
	if token == "" {
		return nil, invalid(ErrTokenMissing, nil)
	}
	c := new(Claims)
	if _, err := s.parser.ParseWithClaims(token, c, s.keyfunc); err != nil {
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, invalid(ErrTokenExpired, err)
		case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
			return nil, invalid(ErrTokenNotYetValid, err)
		}
		return nil, invalid(nil, err)
	}
	if c.Type != want {
		return nil, invalid(ErrTokenType, nil)
	}
	if c.ID == "" {
		return nil, invalid(nil, errMissingJTI)
	}
	return c, nil
}

// VerifyAccess verifies an access token and returns its claims.
//
// It rejects, before parsing, a token longer than the maximum length; then
// any token whose alg is not its key's alg (so never "none"), whose kid is
// not in the ring, that carries jku/jwk/x5u/x5c/crit headers, whose
// signature fails, that lacks exp, sub, sid or jti, whose exp, nbf or iat is
// out of range (with leeway), whose iss or aud differ, or whose typ is not
// "access". Finally it consults revocation state: a token of a logged-out
// session or issued before the user's last logout-all is rejected with
// [ErrTokenRevoked].
//
// Every rejection matches [ErrTokenInvalid]. Other errors (the
// [RevocationStore] failed) do not, and should become a 503.
func (s *Service) VerifyAccess(ctx context.Context, token string) (*Claims, error) {
	c, err := s.parse(token, TypeAccess)
	if err != nil {
		return nil, err
	}
	if s.cache.disabled {
		return c, nil
	}
	st, err := s.cache.status(ctx, s.revoke, c.Subject, c.Session, s.now())
	if err != nil {
		return nil, fmt.Errorf("auth: revocation check: %w", err)
	}
	if c.Epoch < st.Epoch || st.SessionRevoked {
		return nil, invalid(ErrTokenRevoked, nil)
	}
	return c, nil
}
