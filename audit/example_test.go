package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
)

// A logger with one JSON sink on stdout. The password passed by mistake and
// the JWT in the user agent never reach the sink.
func Example() {
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(os.Stdout, nil)}),
		audit.WithClock(func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }),
		audit.WithContextFields(func(ctx context.Context) (requestID, clientIP, userAgent string) {
			return "req-1", "", "app/2.0 Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
		}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	lg.AuthAttempt(context.Background(), "alice@example.com", false, netip.MustParseAddr("203.0.113.9"),
		slog.String("password", "hunter2"))
	if err := lg.Close(); err != nil { // flushes the queue
		fmt.Println(err)
	}
	// Output:
	// {"time":"2025-06-01T12:00:00Z","level":"WARN","msg":"auth.login","action":"auth.login","outcome":"failure","actor":{"id":"alice@example.com"},"client_ip":"203.0.113.9","user_agent":"app/2.0 Bearer [REDACTED]","request_id":"req-1","extra":{"password":"[REDACTED]"}}
}

func ExampleLogger_SensitiveOperation() {
	lg, _ := audit.New(
		audit.WithSink(audit.Sink{Handler: slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{} // drop the time for a stable example
				}
				return a
			},
		})}),
	)
	lg.SensitiveOperation(context.Background(), audit.Actor{ID: "u-7", Role: "admin"}, "user.delete", "user:42")
	lg.Close()
	// Output:
	// {"level":"WARN","msg":"user.delete","action":"user.delete","outcome":"success","actor":{"id":"u-7","role":"admin"},"target":"user:42"}
}

// The redacting handler works in front of any slog handler.
func ExampleNewRedactingHandler() {
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	log := slog.New(audit.NewRedactingHandler(h, audit.RedactOptions{MaskEmails: true}))
	log.Info("reset requested",
		"email", "alice@example.com",
		"link", "https://autospot.example/reset?token=9f8e7d6c&lang=en",
		slog.Group("headers", "Authorization", "Bearer abc", "Accept", "application/json"),
		"otp_code", "492817")
	// Output:
	// level=INFO msg="reset requested" email=a***@example.com link="https://autospot.example/reset?token=[REDACTED]&lang=en" headers.Authorization=[REDACTED] headers.Accept=application/json otp_code=[REDACTED]
}

// A tamper-evident trail: records go to a store through a keyed hash
// chain, and verification walks it.
func ExampleChain_Verify() {
	ctx := context.Background()
	st := memory.NewAuditStore()
	chain, err := audit.NewHMACChain(bytes.Repeat([]byte{0x42}, 32)) // from a secret store in real use
	if err != nil {
		fmt.Println(err)
		return
	}
	lg, _ := audit.New(audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(st, chain)}))
	for _, user := range []string{"alice", "bob", "carol"} {
		lg.AuthAttempt(ctx, user+"@example.com", true, netip.Addr{})
	}
	if err := lg.Close(); err != nil {
		fmt.Println(err)
	}
	head, err := chain.Verify(ctx, st, 1, 0)
	fmt.Println(head.Seq, err)
	page, _ := st.Query(ctx, audit.Query{Actor: "bob@example.com"})
	fmt.Println(len(page.Records), page.Records[0].Seq, page.Records[0].Action)
	// Output:
	// 3 <nil>
	// 1 2 auth.login
}

// Verification reports the first broken link as a *ChainError.
func ExampleChainError() {
	chain := audit.NewChain()
	var recs []audit.Record
	var head audit.Link
	for i := range 4 {
		r := chain.Seal(head, audit.Entry{Action: "auth.login", Outcome: "failure", Data: fmt.Appendf(nil, `{"n":%d}`, i)})
		recs, head = append(recs, r), r.Link()
	}
	recs[2].Outcome = "success" // someone edits record 3
	_, err := chain.VerifySeq(audit.Link{}, slices.Values(recs))
	var ce *audit.ChainError
	if errors.As(err, &ce) {
		fmt.Println(errors.Is(err, audit.ErrTampered), ce.Seq, ce.Reason)
	}
	// Output:
	// true 3 record hash mismatch (record edited, or wrong key)
}
