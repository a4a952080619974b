package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const maxSubjectIDLen = 256

// IssuePair starts a new login session for sub: it creates a refresh-token
// family in the [RefreshStore] and returns its first access and refresh
// tokens. Call it after the user has authenticated (password, OTP …).
//
// It reads the user's current revocation epoch from the [RevocationStore]
// (not from the cache), so tokens issued after a logout-all are valid and
// tokens issued concurrently with one are not.
func (s *Service) IssuePair(ctx context.Context, sub Subject) (Pair, error) {
	if s.refresh == nil {
		return Pair{}, fmt.Errorf("%w: no RefreshStore", ErrInvalidConfig)
	}
	if sub.ID == "" || len(sub.ID) > maxSubjectIDLen {
		return Pair{}, fmt.Errorf("%w: ID must be 1 to %d bytes", ErrInvalidSubject, maxSubjectIDLen)
	}
	for _, r := range sub.Roles {
		if r == RoleOperator && sub.Facility == "" {
			return Pair{}, fmt.Errorf("%w: operator without a facility", ErrInvalidSubject)
		}
	}
	key := s.keys.Load().signer
	if key == nil {
		return Pair{}, ErrNoSigningKey
	}
	now := s.storeTime()
	var epoch uint64
	if !s.cache.disabled {
		st, err := s.revoke.Status(ctx, sub.ID, "", now)
		if err != nil {
			return Pair{}, fmt.Errorf("auth: issue: read epoch: %w", err)
		}
		epoch = st.Epoch
	}
	famID, err := s.randomID()
	if err != nil {
		return Pair{}, err
	}
	jti, err := s.randomID()
	if err != nil {
		return Pair{}, err
	}
	fam := Family{
		ID:        famID,
		UserID:    sub.ID,
		Roles:     append([]Role(nil), sub.Roles...),
		Facility:  sub.Facility,
		Epoch:     epoch,
		CreatedAt: now,
		ExpiresAt: now.Add(s.familyTTL),
		Head:      hashID(jti),
	}
	if err := s.refresh.CreateFamily(ctx, fam); err != nil {
		return Pair{}, fmt.Errorf("auth: issue: %w", err)
	}
	return s.mint(key, fam, jti, now, now)
}

// mint signs a fresh access token and the refresh token with id refreshID
// issued at refreshIssued. The refresh token is a pure function of (key,
// fam, refreshID, refreshIssued), which lets a grace-window refresh hand out
// the same successor again.
func (s *Service) mint(key *Key, fam Family, refreshID string, refreshIssued, now time.Time) (Pair, error) {
	accessID, err := s.randomID()
	if err != nil {
		return Pair{}, err
	}
	csrf, err := s.randomID()
	if err != nil {
		return Pair{}, err
	}
	accessExp := minTime(now.Add(s.accessTTL), fam.ExpiresAt)
	refreshExp := minTime(refreshIssued.Add(s.refreshTTL), fam.ExpiresAt)

	access := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   fam.UserID,
			Audience:  s.audience,
			ExpiresAt: jwt.NewNumericDate(accessExp),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        accessID,
		},
		Type:     TypeAccess,
		Session:  fam.ID,
		Roles:    fam.Roles,
		Facility: fam.Facility,
		CSRF:     csrf,
		Epoch:    fam.Epoch,
	}
	refresh := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   fam.UserID,
			Audience:  s.audience,
			ExpiresAt: jwt.NewNumericDate(refreshExp),
			NotBefore: jwt.NewNumericDate(refreshIssued),
			IssuedAt:  jwt.NewNumericDate(refreshIssued),
			ID:        refreshID,
		},
		Type:    TypeRefresh,
		Session: fam.ID,
		Epoch:   fam.Epoch,
	}
	at, err := sign(key, access)
	if err != nil {
		return Pair{}, err
	}
	rt, err := sign(key, refresh)
	if err != nil {
		return Pair{}, err
	}
	return Pair{
		AccessToken:      at,
		RefreshToken:     rt,
		CSRFToken:        csrf,
		SessionID:        fam.ID,
		AccessExpiresAt:  access.ExpiresAt.Time,
		RefreshExpiresAt: refresh.ExpiresAt.Time,
	}, nil
}

func sign(key *Key, c *Claims) (string, error) {
	t := jwt.NewWithClaims(key.method, c)
	t.Header["kid"] = key.id
	s, err := t.SignedString(key.sign)
	if err != nil {
		return "", fmt.Errorf("auth: sign: %w", err)
	}
	return s, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// randomID returns 128 random bits, unpadded base64url.
func (s *Service) randomID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashID is how a refresh token id is stored: SHA-256, unpadded base64url.
func hashID(jti string) string {
	sum := sha256.Sum256([]byte(jti))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// successorID derives the id of the refresh token that replaces jti, keyed
// by jti itself and a random salt that the store records with the
// rotation. Only someone holding the spent token and the store's salt can
// compute it; the store alone cannot (it has only hashes).
func successorID(jti, salt string) string {
	m := hmac.New(sha256.New, []byte(jti))
	m.Write([]byte("autospot/auth refresh successor v1\x00"))
	m.Write([]byte(salt))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
