package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/autospot/autospot/auth"
)

// BenchmarkAccountsLogin compares, in one run, the whole login path at
// bcrypt cost 12 (user lookup, two attempt reservations, the compare, the
// counter resets and a token pair; memory stores) with a bare bcrypt
// compare of the same hash. Each iteration times a bare compare, a
// successful login and a failed login back to back (order rotating), so
// all three see the same machine load, and the benchmark reports the
// medians (bare-ms, login-ms, fail-ms) and the login's overhead over the
// bare compare (overhead-%), which should be a few percent at most.
// BenchmarkAccountsLoginOverhead measures the same path with a hasher that
// does no work: the overhead on its own. Run both with:
//
//	go test -run '^$' -bench 'BenchmarkAccountsLogin' -benchtime 20x -count 3 ./auth
func BenchmarkAccountsLogin(b *testing.B) {
	ctx := context.Background()
	e := newAccEnvCost(b, 12, auth.WithLoginLimits(auth.LoginLimits{PerIP: 1 << 30, PerAccount: 1 << 30, DelayAfter: 1 << 30}))
	e.registerUser(b, alice)
	u, err := e.users.ByEmail(ctx, "alice@example.com")
	if err != nil {
		b.Fatal(err)
	}
	hash := []byte(u.PasswordHash)
	pw := []byte(goodPassword)
	bare := func() {
		if err := bcrypt.CompareHashAndPassword(hash, pw); err != nil {
			b.Fatal(err)
		}
	}
	good := func() {
		if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: goodPassword}, ip1); err != nil {
			b.Fatal(err)
		}
	}
	wrong := func() {
		if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: "Wrong-password-1"}, ip1); err == nil {
			b.Fatal("logged in")
		}
	}
	var tb, tg, tw []time.Duration
	timed := func(f func(), into *[]time.Duration) {
		start := time.Now()
		f()
		*into = append(*into, time.Since(start))
	}
	i := 0
	for b.Loop() {
		switch i % 3 {
		case 0:
			timed(bare, &tb)
			timed(good, &tg)
			timed(wrong, &tw)
		case 1:
			timed(good, &tg)
			timed(wrong, &tw)
			timed(bare, &tb)
		default:
			timed(wrong, &tw)
			timed(bare, &tb)
			timed(good, &tg)
		}
		i++
	}
	mb, mg, mw := median(tb), median(tg), median(tw)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(ms(mb), "bare-ms")
	b.ReportMetric(ms(mg), "login-ms")
	b.ReportMetric(ms(mw), "fail-ms")
	b.ReportMetric(100*float64(mg-mb)/float64(mb), "overhead-%")
}

// instantHasher is a PasswordHasher that does no work, to measure
// everything of the login path except the compare.
type instantHasher struct{}

func (instantHasher) Hash(_ context.Context, pw string) (string, error) { return "plain:" + pw, nil }
func (instantHasher) Verify(_ context.Context, pw, hash string) (bool, error) {
	if hash != "plain:"+pw {
		return false, errors.New("mismatch")
	}
	return false, nil
}
func (instantHasher) DummyVerify(context.Context, string) error { return errors.New("mismatch") }

func BenchmarkAccountsLoginOverhead(b *testing.B) {
	ctx := context.Background()
	e := newAccEnv(b)
	acc, err := auth.NewAccounts(e.svc, instantHasher{}, e.stores, e.mail, testResetURL)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.users.Create(ctx, auth.User{ID: "u1", Email: "alice@example.com", Username: "alice_01", FullName: "Alice", PasswordHash: "plain:" + goodPassword, Roles: []auth.Role{auth.RoleDriver}}); err != nil {
		b.Fatal(err)
	}
	for range 200 { // warm up: first logins allocate maps and caches
		if _, err := acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: goodPassword}, ip1); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("login_overhead_only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: goodPassword}, ip1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
