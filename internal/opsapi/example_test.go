package opsapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
	"github.com/autospot/autospot/store/memory"
)

func ExampleRegister() {
	key, _ := auth.NewHMACKey("k1", bytes.Repeat([]byte("s"), 32))
	ring, _ := auth.NewKeyRing(key)
	tokens, _ := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
	qr, _ := entryqr.New([]byte("a 32-byte key from configuration"))
	mux := http.NewServeMux()
	err := opsapi.Register(mux, opsapi.Deps{
		Auth: tokens, Maps: parking.NewMemoryStore(), Sessions: session.NewMemory(), Wallets: wallet.NewMemory(),
		Subscriptions: subscription.NewMemory(), Emissions: emissions.NewMemory(), QR: qr,
	})
	fmt.Println(err)

	pair, _ := tokens.IssuePair(context.Background(), auth.Subject{ID: "u1", Roles: []auth.Role{auth.RoleDriver}})
	req := httptest.NewRequest("GET", "/wallet/balance", nil)
	req.Header.Set("Authorization", "Bearer "+pair.AccessToken)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())

	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/wallet/balance", nil))
	fmt.Println(rec.Code)
	// Output:
	// <nil>
	// 200 {"balance_cents":0,"balance":"0.00","currency":"AUD","pending_payments":0}
	// 401
}

// Register refuses incomplete dependencies instead of panicking later.
func ExampleRegister_missingDeps() {
	err := opsapi.Register(http.NewServeMux(), opsapi.Deps{})
	fmt.Println(errors.Is(err, opsapi.ErrInvalidDeps))
	// Output: true
}
