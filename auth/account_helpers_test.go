package auth_test

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/store/memory"
)

// captureMailer records every message.
type captureMailer struct {
	mu   sync.Mutex
	msgs []auth.Message
	fail error
}

func (m *captureMailer) Send(ctx context.Context, msg auth.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.msgs = append(m.msgs, msg)
	return nil
}

func (m *captureMailer) all() []auth.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]auth.Message(nil), m.msgs...)
}

func (m *captureMailer) kinds(to string) []auth.MailKind {
	var out []auth.MailKind
	for _, msg := range m.all() {
		if to == "" || msg.To == to {
			out = append(out, msg.Kind)
		}
	}
	return out
}

// countingHasher counts the compares against real hashes (Verify) and the
// dummy compares separately.
type countingHasher struct {
	*password.Hasher
	verifies, dummies, hashes atomic.Int32
}

func (h *countingHasher) Verify(ctx context.Context, pw, hash string) (bool, error) {
	h.verifies.Add(1)
	return h.Hasher.Verify(ctx, pw, hash)
}

func (h *countingHasher) DummyVerify(ctx context.Context, pw string) error {
	h.dummies.Add(1)
	return h.Hasher.DummyVerify(ctx, pw)
}

func (h *countingHasher) Hash(ctx context.Context, pw string) (string, error) {
	h.hashes.Add(1)
	return h.Hasher.Hash(ctx, pw)
}

// eventLog records account events.
type eventLog struct {
	mu sync.Mutex
	ev []auth.Event
}

func (l *eventLog) AccountEvent(_ context.Context, e auth.Event) {
	l.mu.Lock()
	l.ev = append(l.ev, e)
	l.mu.Unlock()
}

func (l *eventLog) find(action, outcome string) []auth.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []auth.Event
	for _, e := range l.ev {
		if e.Action == action && (outcome == "" || e.Outcome == outcome) {
			out = append(out, e)
		}
	}
	return out
}

const testResetURL = "https://app.autospot.test/reset-password"

type accEnv struct {
	*env
	acc    *auth.Accounts
	mail   *captureMailer
	hasher *countingHasher
	events *eventLog
	users  *memory.UserStore
	stores auth.AccountStores
}

func newHasher(t testing.TB, cost int) *password.Hasher {
	t.Helper()
	h, err := password.New(password.Config{BcryptCost: cost, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newAccEnv builds Accounts over memory stores with the env's fake clock,
// a capturing mailer and a counting bcrypt hasher of cost 4 (fast).
func newAccEnv(t testing.TB, opts ...auth.AccountsOption) *accEnv {
	return newAccEnvCost(t, 4, opts...)
}

func newAccEnvCost(t testing.TB, cost int, opts ...auth.AccountsOption) *accEnv {
	t.Helper()
	e := &accEnv{
		env:    newEnv(t),
		mail:   &captureMailer{},
		events: &eventLog{},
		users:  memory.NewUserStore(),
	}
	e.hasher = &countingHasher{Hasher: newHasher(t, cost)}
	e.stores = auth.AccountStores{
		Users:    e.users,
		Pending:  memory.NewPendingStore(),
		OTPs:     memory.NewOTPStore(),
		Attempts: memory.NewAttemptStore(),
		Resets:   memory.NewResetStore(),
	}
	opts = append([]auth.AccountsOption{
		auth.WithAccountsClock(e.clock.Now),
		auth.WithEventSink(e.events),
	}, opts...)
	acc, err := auth.NewAccounts(e.svc, e.hasher, e.stores, e.mail, testResetURL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.acc = acc
	t.Cleanup(func() { _ = acc.Close(context.Background()) })
	return e
}

// flush waits for background emails.
func (e *accEnv) flush(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.acc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`(?m)^    (\d{6})$`)

// lastCode returns the code in the latest message of kind to `to`.
func (e *accEnv) lastCode(t testing.TB, to string, kind auth.MailKind) string {
	t.Helper()
	e.flush(t)
	msgs := e.mail.all()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to && msgs[i].Kind == kind {
			m := codeRE.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				t.Fatalf("no code in %s mail", kind)
			}
			return m[1]
		}
	}
	t.Fatalf("no %s mail to %s; have %v", kind, to, e.mail.kinds(""))
	return ""
}

// lastResetLink returns the link of the latest reset mail to `to`.
func (e *accEnv) lastResetLink(t testing.TB, to string) string {
	t.Helper()
	e.flush(t)
	msgs := e.mail.all()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to && msgs[i].Kind == auth.MailResetLink {
			for _, line := range strings.Split(msgs[i].Text, "\n") {
				if strings.HasPrefix(line, "https://") || strings.HasPrefix(line, "http://") {
					return line
				}
			}
		}
	}
	t.Fatalf("no reset mail to %s", to)
	return ""
}

func tokenFromLink(t testing.TB, link string) string {
	t.Helper()
	_, tok, ok := strings.Cut(link, "#token=")
	if !ok {
		t.Fatalf("no token in link %q", link)
	}
	return tok
}

var (
	ip1 = auth.RequestInfo{IP: netip.MustParseAddr("198.51.100.7"), UserAgent: "test/1", RequestID: "req-1"}
	ip2 = auth.RequestInfo{IP: netip.MustParseAddr("203.0.113.9"), UserAgent: "test/2", RequestID: "req-2"}
)

const goodPassword = "Tr0ub4dor&3-horse-battery"

var alice = auth.RegisterRequest{Email: "  Alice@Example.COM ", Username: "Alice_01", FullName: "Alice Liddell", Password: goodPassword}

// registerUser registers and verifies r, returning the session.
func (e *accEnv) registerUser(t testing.TB, r auth.RegisterRequest) auth.Session {
	t.Helper()
	ctx := context.Background()
	reg, err := e.acc.Register(ctx, r, ip1)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	email := auth.NormalizeEmail(r.Email)
	code := e.lastCode(t, email, auth.MailVerifyCode)
	s, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: email, Ticket: reg.Ticket, Code: code}, ip1)
	if err != nil {
		t.Fatalf("VerifyEmail: %v", err)
	}
	return s
}
