package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

// newExampleService returns a service with an HS256 key and memory stores.
// A real secret comes from the environment and is 32+ random bytes.
func newExampleService(opts ...auth.Option) *auth.Service {
	key, err := auth.NewHMACKey("2025-06", []byte("example-secret-example-secret-32"))
	if err != nil {
		panic(err)
	}
	ring, err := auth.NewKeyRing(key)
	if err != nil {
		panic(err)
	}
	svc, err := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore(), opts...)
	if err != nil {
		panic(err)
	}
	return svc
}

// Issue a pair at login, verify the access token, rotate the refresh token.
func Example() {
	ctx := context.Background()
	svc := newExampleService()

	pair, err := svc.IssuePair(ctx, auth.Subject{ID: "user-42", Roles: []auth.Role{auth.RoleDriver}})
	if err != nil {
		fmt.Println(err)
		return
	}
	claims, err := svc.VerifyAccess(ctx, pair.AccessToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("subject:", claims.Subject, "roles:", claims.Roles)
	fmt.Println("access token lives:", pair.AccessExpiresAt.Sub(claims.IssuedAt.Time))

	next, err := svc.Refresh(ctx, pair.RefreshToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rotated:", next.RefreshToken != pair.RefreshToken, "same session:", next.SessionID == pair.SessionID)
	// Output:
	// subject: user-42 roles: [driver]
	// access token lives: 1h0m0s
	// rotated: true same session: true
}

// A spent refresh token presented again (after the grace window) revokes
// the whole session.
func ExampleService_Refresh_reuse() {
	ctx := context.Background()
	svc := newExampleService(auth.WithRefreshGrace(0))
	pair, _ := svc.IssuePair(ctx, auth.Subject{ID: "user-42"})
	next, _ := svc.Refresh(ctx, pair.RefreshToken)

	_, err := svc.Refresh(ctx, pair.RefreshToken) // replayed
	switch {
	case errors.Is(err, auth.ErrRefreshReused):
		fmt.Println("reuse detected; session revoked")
	case errors.Is(err, auth.ErrTokenInvalid):
		fmt.Println("invalid refresh token")
	}
	_, err = svc.Refresh(ctx, next.RefreshToken)
	fmt.Println("successor revoked:", errors.Is(err, auth.ErrTokenRevoked))
	_, err = svc.VerifyAccess(ctx, next.AccessToken)
	fmt.Println("access token revoked:", errors.Is(err, auth.ErrTokenRevoked))
	// Output:
	// reuse detected; session revoked
	// successor revoked: true
	// access token revoked: true
}

// LogoutAll serves "log out everywhere", password changes and role
// changes: every earlier token stops on the next request.
func ExampleService_LogoutAll() {
	ctx := context.Background()
	svc := newExampleService()
	phone, _ := svc.IssuePair(ctx, auth.Subject{ID: "user-42"})
	laptop, _ := svc.IssuePair(ctx, auth.Subject{ID: "user-42"})

	if err := svc.LogoutAll(ctx, "user-42"); err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range []auth.Pair{phone, laptop} {
		_, err := svc.VerifyAccess(ctx, p.AccessToken)
		fmt.Println(errors.Is(err, auth.ErrTokenRevoked))
	}
	// Output:
	// true
	// true
}

// Put Authenticate and a permission check in front of a handler.
func ExampleService_Authenticate() {
	ctx := context.Background()
	svc := newExampleService()
	rbac := auth.DefaultRBAC()

	mux := http.NewServeMux()
	facility := func(r *http.Request) string { return r.PathValue("facility") }
	mux.Handle("POST /facilities/{facility}/maps", svc.Authenticate()(
		auth.RequireFacilityPermission(rbac, auth.PermMapWrite, facility)(
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c, _ := auth.ClaimsFrom(r.Context())
				fmt.Fprintf(w, "map uploaded by %s", c.Subject)
			}))))

	op, _ := svc.IssuePair(ctx, auth.Subject{ID: "op-1", Roles: []auth.Role{auth.RoleOperator}, Facility: "westfield"})
	for _, tc := range []struct{ path, token string }{
		{"/facilities/westfield/maps", op.AccessToken},
		{"/facilities/other/maps", op.AccessToken},
		{"/facilities/westfield/maps", ""},
	} {
		r := httptest.NewRequest("POST", tc.path, nil)
		if tc.token != "" {
			r.Header.Set("Authorization", "Bearer "+tc.token)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// 200 map uploaded by op-1
	// 403 {"detail":"Insufficient permissions","error_code":"forbidden"}
	//
	// 401 {"detail":"Not authenticated","error_code":"not_authenticated"}
}

// A service that only verifies EdDSA tokens, with public keys from the
// issuer's JWKS endpoint and no secret.
func ExampleParseJWKS() {
	ctx := context.Background()
	signing, _ := auth.GenerateEd25519Key("ed-2025", nil)
	issuerRing, _ := auth.NewKeyRing(signing)
	revocations := memory.NewRevocationStore() // shared, e.g. Redis or MongoDB
	issuer, _ := auth.NewService(issuerRing, memory.NewRefreshStore(), revocations)
	pair, _ := issuer.IssuePair(ctx, auth.Subject{ID: "user-42"})

	// The issuer serves issuerRing.JWKSHandler(); the verifier fetched:
	jwks := issuerRing.JWKS()
	keys, err := auth.ParseJWKS(jwks)
	if err != nil {
		fmt.Println(err)
		return
	}
	verifyRing, _ := auth.NewKeyRing(nil, keys...)
	verifier, _ := auth.NewService(verifyRing, nil, revocations)
	c, err := verifier.VerifyAccess(ctx, pair.AccessToken)
	fmt.Println(c.Subject, err)
	// Output: user-42 <nil>
}

// Facility-scoped permissions: an operator acts only on its own car park.
func ExampleRBAC_Allowed() {
	rbac := auth.DefaultRBAC()
	op := &auth.Claims{Roles: []auth.Role{auth.RoleOperator}, Facility: "westfield"}
	fmt.Println(rbac.Allowed(op, auth.PermRatesWrite, "westfield"))
	fmt.Println(rbac.Allowed(op, auth.PermRatesWrite, "other"))
	fmt.Println(rbac.Allowed(op, auth.PermRatesWrite, "")) // route names no facility
	admin := &auth.Claims{Roles: []auth.Role{auth.RoleAdmin}}
	fmt.Println(rbac.Allowed(admin, auth.PermRatesWrite, "other"))
	// Output:
	// true
	// false
	// false
	// true
}

// Tests inject a clock to make expiry exact.
func ExampleWithClock() {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	svc := newExampleService(auth.WithClock(func() time.Time { return now }))
	pair, _ := svc.IssuePair(ctx, auth.Subject{ID: "user-42"})

	now = now.Add(time.Hour + auth.DefaultLeeway + time.Second)
	_, err := svc.VerifyAccess(ctx, pair.AccessToken)
	fmt.Println(errors.Is(err, auth.ErrTokenExpired))
	// Output: true
}
