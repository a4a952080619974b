package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

var ctx = context.Background()

func TestRefreshRotates(t *testing.T) {
	e := newEnv(t)
	p0 := e.login(t, driver)
	e.clock.Advance(time.Minute)
	p1, err := e.svc.Refresh(ctx, p0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if p1.RefreshToken == p0.RefreshToken || p1.AccessToken == p0.AccessToken || p1.SessionID != p0.SessionID {
		t.Fatal("refresh did not rotate within the same session")
	}
	c, err := e.svc.VerifyAccess(ctx, p1.AccessToken)
	if err != nil || !c.HasRole(auth.RoleDriver) || c.Subject != driver.ID {
		t.Fatalf("new access token: %+v, %v", c, err)
	}
	fam, err := e.refresh.Family(ctx, p0.SessionID)
	if err != nil || fam.Generation != 1 {
		t.Fatalf("family %+v, %v", fam, err)
	}
	// Rotation goes on.
	e.clock.Advance(time.Minute)
	if _, err := e.svc.Refresh(ctx, p1.RefreshToken); err != nil {
		t.Fatal(err)
	}
}

// TestRefreshStoredOnlyAsHashes checks that no refresh token and no token
// id appears in the store.
func TestRefreshStoredOnlyAsHashes(t *testing.T) {
	e := newEnv(t)
	p0 := e.login(t, driver)
	e.clock.Advance(time.Minute)
	p1, err := e.svc.Refresh(ctx, p0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	fam, _ := e.refresh.Family(ctx, p0.SessionID)
	for _, p := range []auth.Pair{p0, p1} {
		jti := decodePayload(t, p.RefreshToken)["jti"].(string)
		sum := sha256.Sum256([]byte(jti))
		h := base64.RawURLEncoding.EncodeToString(sum[:])
		if fam.Head != h && fam.Prev != h {
			t.Fatalf("hash of jti %q not in family %+v", jti, fam)
		}
		for _, field := range []string{fam.Head, fam.Prev, fam.Salt, fam.ID, fam.UserID} {
			if strings.Contains(field, jti) || strings.Contains(field, p.RefreshToken) {
				t.Fatalf("store holds the token id in clear: %+v", fam)
			}
		}
	}
}

func TestRefreshReplayRevokesFamily(t *testing.T) {
	e := newEnv(t)
	p0 := e.login(t, driver)
	other := e.login(t, driver) // another session of the same user
	e.clock.Advance(time.Minute)
	p1, err := e.svc.Refresh(ctx, p0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(auth.DefaultRefreshGrace + time.Second)

	// The attacker replays the spent token.
	if _, err := e.svc.Refresh(ctx, p0.RefreshToken); !errors.Is(err, auth.ErrRefreshReused) || !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("replay: %v, want ErrRefreshReused", err)
	}
	fam, _ := e.refresh.Family(ctx, p0.SessionID)
	if fam.RevokedAt.IsZero() || fam.RevokeReason != "reuse" {
		t.Fatalf("family not revoked: %+v", fam)
	}
	// The whole family is dead: the successor refresh token and the access
	// tokens, at once.
	if _, err := e.svc.Refresh(ctx, p1.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("successor after replay: %v", err)
	}
	for _, at := range []string{p0.AccessToken, p1.AccessToken} {
		if _, err := e.svc.VerifyAccess(ctx, at); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Fatalf("access token after replay: %v", err)
		}
	}
	// Other sessions are untouched.
	if _, err := e.svc.VerifyAccess(ctx, other.AccessToken); err != nil {
		t.Fatalf("other session: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, other.RefreshToken); err != nil {
		t.Fatalf("other session refresh: %v", err)
	}
}

func TestRefreshGraceReturnsSameSuccessor(t *testing.T) {
	e := newEnv(t)
	p0 := e.login(t, driver)
	e.clock.Advance(time.Minute)
	a, err := e.svc.Refresh(ctx, p0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(auth.DefaultRefreshGrace - time.Second)
	b, err := e.svc.Refresh(ctx, p0.RefreshToken)
	if err != nil {
		t.Fatalf("second refresh within grace: %v", err)
	}
	if a.RefreshToken != b.RefreshToken {
		t.Fatal("the grace refresh returned a different refresh token")
	}
	if a.AccessToken == b.AccessToken {
		t.Fatal("access tokens should be fresh")
	}
	if !a.RefreshExpiresAt.Equal(b.RefreshExpiresAt) {
		t.Fatal("successor expiry differs")
	}
	fam, _ := e.refresh.Family(ctx, p0.SessionID)
	if fam.Generation != 1 || !fam.RevokedAt.IsZero() {
		t.Fatalf("family after grace refresh: %+v", fam)
	}
	for _, p := range []auth.Pair{a, b} {
		if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); err != nil {
			t.Fatal(err)
		}
	}
	// The shared successor rotates normally.
	if _, err := e.svc.Refresh(ctx, a.RefreshToken); err != nil {
		t.Fatal(err)
	}
	// Now p0 is two generations old: replay even within the grace window.
	if _, err := e.svc.Refresh(ctx, p0.RefreshToken); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("two-generations-old token within grace: %v", err)
	}
}

func TestRefreshGraceEnds(t *testing.T) {
	e := newEnv(t, auth.WithRefreshGrace(3*time.Second))
	p0 := e.login(t, driver)
	if _, err := e.svc.Refresh(ctx, p0.RefreshToken); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Second)
	if _, err := e.svc.Refresh(ctx, p0.RefreshToken); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("at the end of the grace window: %v", err)
	}
}

func TestRefreshWithoutGrace(t *testing.T) {
	e := newEnv(t, auth.WithRefreshGrace(0))
	p0 := e.login(t, driver)
	p1, err := e.svc.Refresh(ctx, p0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, p0.RefreshToken); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("immediate second use without grace: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, p1.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("successor: %v", err)
	}
}

// TestConcurrentRefreshRace is the attack catalogue's "two parallel
// refreshes of one token → exactly one new family head", run with many
// goroutines under -race, with and without the grace window.
func TestConcurrentRefreshRace(t *testing.T) {
	const n = 16
	race := func(t *testing.T, e *env, token string) (pairs []auth.Pair, errs []error) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				p, err := e.svc.Refresh(ctx, token)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else {
					pairs = append(pairs, p)
				}
			})
		}
		close(start)
		wg.Wait()
		return pairs, errs
	}

	t.Run("with grace: all succeed with one successor", func(t *testing.T) {
		e := newEnv(t)
		p0 := e.login(t, driver)
		pairs, errs := race(t, e, p0.RefreshToken)
		if len(errs) != 0 {
			t.Fatalf("%d parallel refreshes failed: %v", len(errs), errs[0])
		}
		heads := map[string]bool{}
		for _, p := range pairs {
			heads[decodePayload(t, p.RefreshToken)["jti"].(string)] = true
		}
		if len(heads) != 1 {
			t.Fatalf("%d distinct successors, want exactly 1", len(heads))
		}
		fam, _ := e.refresh.Family(ctx, p0.SessionID)
		if fam.Generation != 1 || !fam.RevokedAt.IsZero() {
			t.Fatalf("family %+v", fam)
		}
		// After the window the spent token is a replay.
		e.clock.Advance(auth.DefaultRefreshGrace)
		if _, err := e.svc.Refresh(ctx, p0.RefreshToken); !errors.Is(err, auth.ErrRefreshReused) {
			t.Fatalf("replay after the race: %v", err)
		}
		if _, err := e.svc.Refresh(ctx, pairs[0].RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Fatalf("successor after replay: %v", err)
		}
	})

	t.Run("without grace: one winner, replay detected", func(t *testing.T) {
		e := newEnv(t, auth.WithRefreshGrace(0))
		p0 := e.login(t, driver)
		pairs, errs := race(t, e, p0.RefreshToken)
		if len(pairs) != 1 || len(errs) != n-1 {
			t.Fatalf("%d successes, %d failures; want exactly one success", len(pairs), len(errs))
		}
		reused := 0
		for _, err := range errs {
			switch {
			case errors.Is(err, auth.ErrRefreshReused):
				reused++
			case errors.Is(err, auth.ErrTokenRevoked):
				// A loser that arrived after another loser had already
				// revoked the family.
			default:
				t.Fatalf("loser: %v", err)
			}
		}
		if reused == 0 {
			t.Fatal("no loser reported the reuse")
		}
		fam, _ := e.refresh.Family(ctx, p0.SessionID)
		if fam.Generation != 1 || fam.RevokedAt.IsZero() {
			t.Fatalf("family %+v: want one rotation, then revoked", fam)
		}
		if _, err := e.svc.VerifyAccess(ctx, pairs[0].AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Fatalf("winner's access token after replay: %v", err)
		}
	})

	t.Run("with grace: chained generations", func(t *testing.T) {
		e := newEnv(t)
		p := e.login(t, driver)
		for gen := uint64(1); gen <= 5; gen++ {
			pairs, errs := race(t, e, p.RefreshToken)
			if len(errs) != 0 || len(pairs) != n {
				t.Fatalf("generation %d: %d failures", gen, len(errs))
			}
			for _, q := range pairs[1:] {
				if q.RefreshToken != pairs[0].RefreshToken {
					t.Fatalf("generation %d: two different successors", gen)
				}
			}
			fam, _ := e.refresh.Family(ctx, p.SessionID)
			if fam.Generation != gen {
				t.Fatalf("generation %d: family at %d", gen, fam.Generation)
			}
			p = pairs[0]
			e.clock.Advance(time.Minute)
		}
	})
}

func TestFamilyAbsoluteLifetime(t *testing.T) {
	e := newEnv(t, auth.WithFamilyLifetime(36*time.Hour))
	p := e.login(t, driver)
	start := e.clock.Now()
	// Keep refreshing every 20 hours: each refresh token lives 24 hours,
	// but the family ends 36 hours after login.
	e.clock.Advance(20 * time.Hour)
	p, err := e.svc.Refresh(ctx, p.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if !p.RefreshExpiresAt.Equal(start.Add(36*time.Hour)) || !p.AccessExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("expiries %v %v, want the refresh capped at the family's end", p.RefreshExpiresAt, p.AccessExpiresAt)
	}
	e.clock.Advance(15*time.Hour + 30*time.Minute)
	p, err = e.svc.Refresh(ctx, p.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if !p.AccessExpiresAt.Equal(start.Add(36 * time.Hour)) {
		t.Fatalf("access expiry %v not capped at the family's end", p.AccessExpiresAt)
	}
	// Just after the family's end, within leeway: the token still parses but
	// the store refuses the rotation.
	e.clock.Advance(30*time.Minute + time.Second)
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrSessionExpired) {
		t.Fatalf("after the family's end (within leeway): %v", err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenExpired) {
		t.Fatalf("after the family's end: %v", err)
	}
}

func TestRefreshTokenExpires(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	e.clock.Advance(auth.DefaultRefreshTTL + auth.DefaultLeeway + time.Second)
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenExpired) {
		t.Fatalf("expired refresh token: %v", err)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	other := e.login(t, driver)
	if err := e.svc.Logout(ctx, p.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("access token after logout: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("refresh after logout: %v", err)
	}
	fam, _ := e.refresh.Family(ctx, p.SessionID)
	if fam.RevokeReason != "logout" {
		t.Fatalf("family %+v", fam)
	}
	if _, err := e.svc.VerifyAccess(ctx, other.AccessToken); err != nil {
		t.Fatalf("other session after logout: %v", err)
	}
	// The session entry outlives every access token of the session.
	e.clock.Advance(auth.DefaultAccessTTL)
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("access token an hour after logout: %v", err)
	}
}

func TestLogoutSession(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	c, err := e.svc.VerifyAccess(ctx, p.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.LogoutSession(ctx, c.Session); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("after LogoutSession: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("refresh after LogoutSession: %v", err)
	}
	if err := e.svc.LogoutSession(ctx, "no-such-session"); !errors.Is(err, auth.ErrFamilyNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
}

func TestLogoutAll(t *testing.T) {
	e := newEnv(t)
	a := e.login(t, driver)
	b := e.login(t, driver)
	bob := e.login(t, auth.Subject{ID: "bob", Roles: []auth.Role{auth.RoleDriver}})
	e.clock.Advance(time.Minute)
	if err := e.svc.LogoutAll(ctx, driver.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []auth.Pair{a, b} {
		if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Fatalf("access token after logout-all: %v", err)
		}
		if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Fatalf("refresh after logout-all: %v", err)
		}
		fam, _ := e.refresh.Family(ctx, p.SessionID)
		if fam.RevokeReason != "logout-all" {
			t.Fatalf("family %+v", fam)
		}
	}
	if _, err := e.svc.VerifyAccess(ctx, bob.AccessToken); err != nil {
		t.Fatalf("another user after logout-all: %v", err)
	}
	// Logging in again in the same second works.
	c := e.login(t, driver)
	if _, err := e.svc.VerifyAccess(ctx, c.AccessToken); err != nil {
		t.Fatalf("new login after logout-all: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, c.RefreshToken); err != nil {
		t.Fatalf("new login refresh after logout-all: %v", err)
	}
	if err := e.svc.LogoutAll(ctx, ""); !errors.Is(err, auth.ErrInvalidSubject) {
		t.Fatalf("empty user: %v", err)
	}
}

// TestRoleChangeTakesEffectOnNextRequest: a role change is a LogoutAll
// followed by a new login with the new roles.
func TestRoleChangeTakesEffectOnNextRequest(t *testing.T) {
	e := newEnv(t)
	admin := auth.Subject{ID: "u-9", Roles: []auth.Role{auth.RoleAdmin}}
	p := e.login(t, admin)
	rbac := auth.DefaultRBAC()
	c, _ := e.svc.VerifyAccess(ctx, p.AccessToken)
	if !rbac.Allowed(c, auth.PermDataWipe, "") {
		t.Fatal("admin cannot wipe")
	}
	// Demoted to driver.
	if err := e.svc.LogoutAll(ctx, admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("old admin token on the next request: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("old admin refresh: %v", err)
	}
	p = e.login(t, auth.Subject{ID: admin.ID, Roles: []auth.Role{auth.RoleDriver}})
	c, err := e.svc.VerifyAccess(ctx, p.AccessToken)
	if err != nil || rbac.Allowed(c, auth.PermDataWipe, "") || !c.HasRole(auth.RoleDriver) {
		t.Fatalf("new token: %+v %v", c, err)
	}
}

// TestIssueRacingLogoutAll: whichever way a login races a logout-all, a
// token that still verifies afterwards belongs to a live family and carries
// the user's current epoch, and it can be refreshed.
func TestIssueRacingLogoutAll(t *testing.T) {
	e := newEnv(t)
	valid, revoked := 0, 0
	for range 50 {
		var wg sync.WaitGroup
		var p auth.Pair
		wg.Go(func() { p = e.login(t, driver) })
		wg.Go(func() {
			if err := e.svc.LogoutAll(ctx, driver.ID); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		c, err := e.svc.VerifyAccess(ctx, p.AccessToken)
		if err != nil {
			if !errors.Is(err, auth.ErrTokenRevoked) {
				t.Fatal(err)
			}
			if _, err := e.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenRevoked) {
				t.Fatalf("refresh of a revoked login: %v", err)
			}
			revoked++
			continue
		}
		valid++
		fam, _ := e.refresh.Family(ctx, p.SessionID)
		st, _ := e.revoke.Status(ctx, driver.ID, "", e.clock.Now())
		if !fam.RevokedAt.IsZero() || c.Epoch != st.Epoch {
			t.Fatalf("valid token of family %+v, epoch %d of %d", fam, c.Epoch, st.Epoch)
		}
		if _, err := e.svc.Refresh(ctx, p.RefreshToken); err != nil {
			t.Fatalf("refresh of a surviving login: %v", err)
		}
	}
	t.Logf("%d logins survived, %d were revoked", valid, revoked)
}

func TestRefreshUnknownFamily(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	// Same key, a store that has never heard of the family.
	f := newEnv(t)
	if _, err := f.svc.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("unknown family: %v", err)
	}
}
