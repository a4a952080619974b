// Command audit shows the audit package on its own: a redacting,
// tamper-evident audit trail fanned out to stdout (JSON), a rotating file
// and an in-memory store, a simulated login flow with the mistakes a
// careless caller makes (passwords and tokens passed as attributes), then
// a query and a verification of the hash chain, before and after someone
// edits a stored record.
//
//	go run ./examples/audit
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "audit example:", err)
		os.Exit(1)
	}
}

type ctxKey struct{}

type requestInfo struct{ id, ip, ua string }

func run() error {
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "autospot-audit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file, err := audit.OpenRotatingFile(filepath.Join(dir, "audit.log"), audit.RotateOptions{MaxSize: 1 << 20, MaxFiles: 3})
	if err != nil {
		return err
	}
	defer file.Close()

	// In production the key comes from the environment (AUTOSPOT_AUDIT_KEY).
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	chain, err := audit.NewHMACChain(key)
	if err != nil {
		return err
	}
	store := memory.NewAuditStore()

	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(os.Stdout, nil)}),
		audit.WithSink(audit.Sink{Name: "file", Handler: slog.NewJSONHandler(file, nil)}),
		audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(store, chain)}),
		// What an HTTP middleware would have put in the context.
		audit.WithContextFields(func(ctx context.Context) (string, string, string) {
			ri, _ := ctx.Value(ctxKey{}).(requestInfo)
			return ri.id, ri.ip, ri.ua
		}),
	)
	if err != nil {
		return err
	}

	ctx = context.WithValue(ctx, ctxKey{}, requestInfo{"req-8f2c", "203.0.113.9", "AutoSpotApp/2.3 (Android 14)"})
	ip := netip.MustParseAddr("203.0.113.9")
	const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTQyIn0.c2lnbmF0dXJl"

	fmt.Println("--- stdout sink (note the redactions) ---")
	lg.Log(ctx, audit.Event{Action: audit.ActionRegister, Outcome: audit.OutcomeSuccess,
		Actor: audit.Actor{ID: "alice@example.com"}, Extra: []slog.Attr{slog.String("password", "Tr0ub4dor&3")}})
	lg.AuthAttempt(ctx, "alice@example.com", false, ip, slog.String("otp", "492817"))
	lg.AuthAttempt(ctx, "a\r\nlevel=INFO msg=login ok", false, ip) // CR/LF injection: stays one record
	lg.AuthAttempt(ctx, "alice@example.com", true, ip, slog.String("access_token", jwt))
	lg.SensitiveOperation(ctx, audit.Actor{ID: "u-1", Role: "admin"}, "user.delete", "user:42",
		slog.String("authorization", "Bearer "+jwt))
	if err := lg.Close(); err != nil {
		return err
	}

	fmt.Println("--- failed logins of alice, from the store ---")
	page, err := store.Query(ctx, audit.Query{Actor: "alice@example.com", Outcome: audit.OutcomeFailure})
	if err != nil {
		return err
	}
	for _, r := range page.Records {
		fmt.Printf("seq %d  %s  %s  %s\n", r.Seq, r.Time.Format("15:04:05"), r.Action, r.Outcome)
	}

	fmt.Println("--- verification ---")
	head, err := chain.Verify(ctx, store, 1, 0)
	fmt.Printf("intact chain: head seq %d, err %v\n", head.Seq, err)

	// Simulate an attacker with write access flipping record 2 to success.
	tampered := editedStore{Store: store, seq: 2}
	_, err = chain.Verify(ctx, tampered, 1, 0)
	var ce *audit.ChainError
	if errors.As(err, &ce) {
		fmt.Printf("edited chain: broken at seq %d: %s\n", ce.Seq, ce.Reason)
	}

	snap := lg.Snapshot()
	fmt.Printf("--- counters: events %d, auth failures %d, dropped %d ---\n", snap.Events, snap.AuthFailures, snap.Dropped())
	return nil
}

// editedStore returns record seq with its outcome changed, as if edited in
// the database.
type editedStore struct {
	audit.Store
	seq uint64
}

func (s editedStore) Range(ctx context.Context, from, to uint64, fn func(audit.Record) error) error {
	return s.Store.Range(ctx, from, to, func(r audit.Record) error {
		if r.Seq == s.seq {
			r.Outcome = audit.OutcomeSuccess
		}
		return fn(r)
	})
}
