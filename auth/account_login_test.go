package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

func login(e *accEnv, ident, pw string, ri auth.RequestInfo) error {
	_, err := e.acc.Login(context.Background(), auth.LoginRequest{Identifier: ident, Password: pw}, ri)
	return err
}

func TestLoginFailuresAreIndistinguishable(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	e.registerUser(t, alice)
	bob := e.registerUser(t, auth.RegisterRequest{Email: "bob@example.com", Username: "bob_b", FullName: "Bob B", Password: goodPassword})
	// Lock alice out from ip2 by failed logins; lock bob by an admin.
	for range 5 {
		_ = login(e, "alice@example.com", "wrong", ip2)
		e.clock.Advance(10 * time.Second)
	}
	if err := e.acc.Lock(ctx, bob.User.ID, t0.Add(24*time.Hour), ip1); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, ident, pw string
		ri              auth.RequestInfo
	}{
		{"unknown email", "nobody@example.com", goodPassword, ip1},
		{"unknown username", "nobody", goodPassword, ip1},
		{"wrong password", "alice@example.com", "Wrong-password-1", ip1},
		{"locked by failures, right password", "alice@example.com", goodPassword, ip2},
		{"locked by admin, right password", "bob@example.com", goodPassword, ip1},
		{"empty identifier", "", goodPassword, ip1},
		{"empty password", "alice@example.com", "", ip1},
		{"over-long identifier", strings.Repeat("a", 10000) + "@x.com", goodPassword, ip1},
		{"over-long password", "alice@example.com", strings.Repeat("p", 5000), ip1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: tc.ident, Password: tc.pw}, tc.ri)
			if err != auth.ErrInvalidCredentials { //nolint:errorlint // the very same value, not a wrapped one
				t.Fatalf("error %v, want exactly ErrInvalidCredentials", err)
			}
			if s.User.ID != "" || s.Pair.AccessToken != "" {
				t.Fatalf("session returned on failure: %+v", s)
			}
		})
	}
	// The events tell the reasons apart (for the audit log only).
	reasons := map[string]bool{}
	for _, ev := range e.events.find(auth.ActionLogin, "") {
		reasons[ev.Reason] = true
	}
	for _, want := range []string{"unknown_user", "invalid_credentials", "locked:per_ip_limit", "admin_locked"} {
		if !reasons[want] {
			t.Errorf("no login event with reason %q; have %v", want, reasons)
		}
	}
}

// SECURITY.md: 50 parallel wrong passwords against a limit of 5 run at
// most 5 hash compares and lock the account (for that address).
func TestLoginFiftyParallelWrongPasswords(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limits auth.LoginLimits
		// exact: without progressive delays every reserved attempt
		// compares, so exactly 5 do and the 5th locks.
		exact bool
	}{
		{"default limits", auth.LoginLimits{}, false},
		{"no progressive delay", auth.LoginLimits{PerIP: 5, DelayAfter: 5}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnvCost(t, 6, auth.WithLoginLimits(tc.limits))
			s := e.registerUser(t, alice)
			var wg sync.WaitGroup
			errs := make(chan error, 50)
			for i := range 50 {
				wg.Go(func() { errs <- login(e, "alice@example.com", fmt.Sprintf("wrong-%d", i), ip1) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != auth.ErrInvalidCredentials { //nolint:errorlint
					t.Fatalf("error %v", err)
				}
			}
			v, d := e.hasher.verifies.Load(), e.hasher.dummies.Load()
			t.Logf("compares: %d against the hash, %d dummy", v, d)
			if v > 5 || (tc.exact && v != 5) {
				t.Fatalf("%d compares against the account's hash, limit 5", v)
			}
			// Refused attempts wait instead of hashing; at most one
			// calibration compare happens if none had been timed yet.
			if d > 1 {
				t.Fatalf("%d dummy compares for refused attempts", d)
			}
			// Locked: the right password from that address fails,
			// without a compare.
			if err := login(e, "alice@example.com", goodPassword, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("right password while locked: %v", err)
			}
			if e.hasher.verifies.Load() != v {
				t.Fatal("a locked attempt ran a compare")
			}
			// The owner elsewhere is not locked out by one address.
			if err := login(e, "alice@example.com", goodPassword, ip2); err != nil {
				t.Fatalf("owner from another address: %v", err)
			}
			if !tc.exact {
				return
			}
			// The owner was told, once.
			e.flush(t)
			k := e.mail.kinds("alice@example.com")
			if n := len(slices.DeleteFunc(slices.Clone(k), func(m auth.MailKind) bool { return m != auth.MailLockout })); n != 1 {
				t.Fatalf("mails %v, want one lockout notice", k)
			}
			if ev := e.events.find(auth.ActionLockout, auth.OutcomeSuccess); len(ev) != 1 || ev[0].UserID != s.User.ID || ev[0].IP != ip1.IP {
				t.Fatalf("lockout events %+v", ev)
			}
		})
	}
}

func TestLoginProgressiveDelayAndTimedUnlock(t *testing.T) {
	e := newAccEnv(t)
	e.registerUser(t, alice)
	fail := func(want int32) {
		t.Helper()
		before := e.hasher.verifies.Load()
		if err := login(e, "alice@example.com", "wrong", ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatal(err)
		}
		if got := e.hasher.verifies.Load() - before; got != want {
			t.Fatalf("%d compares, want %d", got, want)
		}
	}
	fail(1) // 1
	fail(1) // 2
	fail(1) // 3: from here each failure imposes a delay
	fail(0) // refused at once: 1 s delay
	e.clock.Advance(time.Second)
	fail(1) // 4: 2 s delay
	e.clock.Advance(time.Second)
	fail(0)
	e.clock.Advance(time.Second)
	fail(1) // 5: locked for 15 minutes
	e.clock.Advance(14 * time.Minute)
	if err := login(e, "alice@example.com", goodPassword, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("right password during lockout: %v", err)
	}
	e.clock.Advance(time.Minute)
	if err := login(e, "alice@example.com", goodPassword, ip1); err != nil {
		t.Fatalf("after timed unlock: %v", err)
	}
	// A second lockout lasts twice as long.
	for range 5 {
		_ = login(e, "alice@example.com", "wrong", ip1)
		e.clock.Advance(5 * time.Second)
	}
	e.clock.Advance(20 * time.Minute)
	if err := login(e, "alice@example.com", goodPassword, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("second lockout shorter than 30 minutes: %v", err)
	}
	e.clock.Advance(11 * time.Minute)
	if err := login(e, "alice@example.com", goodPassword, ip1); err != nil {
		t.Fatalf("after the second lockout: %v", err)
	}
}

func TestLoginPerAccountCeilingAndAdminUnlock(t *testing.T) {
	e := newAccEnv(t, auth.WithLoginLimits(auth.LoginLimits{PerIP: 5, PerAccount: 12}))
	ctx := context.Background()
	s := e.registerUser(t, alice)
	// A distributed guesser: 4 failures from each of 3 addresses, under
	// the per-address limit each time.
	for i := range 3 {
		ri := auth.RequestInfo{IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i)})}
		for range 4 {
			_ = login(e, "alice@example.com", "wrong", ri)
			e.clock.Advance(5 * time.Second)
		}
	}
	if err := login(e, "alice@example.com", goodPassword, ip2); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("per-account ceiling did not lock: %v", err)
	}
	e.flush(t)
	if !slices.Contains(e.mail.kinds("alice@example.com"), auth.MailLockout) {
		t.Fatal("owner not notified of the account lockout")
	}
	if err := e.acc.Unlock(ctx, s.User.ID, ip1); err != nil {
		t.Fatal(err)
	}
	if err := login(e, "alice@example.com", goodPassword, ip2); err != nil {
		t.Fatalf("after admin unlock: %v", err)
	}
	if ev := e.events.find(auth.ActionUnlock, auth.OutcomeSuccess); len(ev) != 1 {
		t.Fatalf("unlock events %+v", ev)
	}
}

// Successful logins are reserved like any attempt; they must not add up
// to a lockout.
func TestManySuccessfulLoginsNeverLock(t *testing.T) {
	e := newAccEnv(t)
	e.registerUser(t, alice)
	for i := range 50 {
		ri := ip1
		if i%2 == 1 {
			ri = ip2
		}
		if err := login(e, "alice@example.com", goodPassword, ri); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
}

func TestLockoutNoticesAreThrottled(t *testing.T) {
	e := newAccEnv(t)
	e.registerUser(t, alice)
	// Ten addresses each get locked out: ten lockouts, three notices.
	for i := range 10 {
		ri := auth.RequestInfo{IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(100 + i)})}
		for range 5 {
			_ = login(e, "alice@example.com", "wrong", ri)
			e.clock.Advance(5 * time.Second)
		}
	}
	e.flush(t)
	n := 0
	for _, k := range e.mail.kinds("alice@example.com") {
		if k == auth.MailLockout {
			n++
		}
	}
	// The 20th failure locks its address and, reaching the per-account
	// ceiling, the account: five lockouts in all.
	var reasons []string
	for _, ev := range e.events.find(auth.ActionLockout, auth.OutcomeSuccess) {
		reasons = append(reasons, ev.Reason)
	}
	want := []string{"per_ip_limit", "per_ip_limit", "per_ip_limit", "per_ip_limit", "per_account_limit"}
	if !slices.Equal(reasons, want) || n != 3 {
		t.Fatalf("lockouts %v, %d notices; want %v and 3 notices", reasons, n, want)
	}
}

func TestAdminUnlockClearsPerAddressLockout(t *testing.T) {
	e := newAccEnv(t)
	s := e.registerUser(t, alice)
	for range 5 {
		_ = login(e, "alice@example.com", "wrong", ip1)
		e.clock.Advance(5 * time.Second)
	}
	if err := login(e, "alice@example.com", goodPassword, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatal("not locked")
	}
	e.clock.Advance(time.Millisecond) // UpdatedAt must move
	if err := e.acc.Unlock(context.Background(), s.User.ID, ip2); err != nil {
		t.Fatal(err)
	}
	if err := login(e, "alice@example.com", goodPassword, ip1); err != nil {
		t.Fatalf("after admin unlock: %v", err)
	}
}

func TestAdminLockEndsSessions(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	if err := e.acc.Lock(ctx, s.User.ID, t0.Add(time.Hour), ip2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s.Pair.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("token after lock: %v", err)
	}
	if err := login(e, "alice_01", goodPassword, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("login while locked: %v", err)
	}
	e.clock.Advance(time.Hour)
	if err := login(e, "alice_01", goodPassword, ip1); err != nil {
		t.Fatalf("login after the lock's time: %v", err)
	}
}

func TestIPv6SameSlash64SharesLockout(t *testing.T) {
	e := newAccEnv(t)
	e.registerUser(t, alice)
	for i := range 5 {
		ri := auth.RequestInfo{IP: netip.MustParseAddr(fmt.Sprintf("2001:db8:1:2::%x", i+1))}
		_ = login(e, "alice@example.com", "wrong", ri)
		e.clock.Advance(5 * time.Second)
	}
	same := auth.RequestInfo{IP: netip.MustParseAddr("2001:db8:1:2:ffff::1")}
	if err := login(e, "alice@example.com", goodPassword, same); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("another address of the /64: %v", err)
	}
	other := auth.RequestInfo{IP: netip.MustParseAddr("2001:db8:1:3::1")}
	if err := login(e, "alice@example.com", goodPassword, other); err != nil {
		t.Fatalf("another /64: %v", err)
	}
}

func TestUnknownIdentifierIsLockedLikeAUser(t *testing.T) {
	e := newAccEnv(t)
	for range 5 {
		_ = login(e, "ghost@example.com", "wrong", ip1)
		e.clock.Advance(5 * time.Second)
	}
	before := e.hasher.dummies.Load()
	_ = login(e, "ghost@example.com", "wrong", ip1)
	if e.hasher.dummies.Load() != before {
		t.Fatal("unknown identifier not locked like a known one")
	}
	if ev := e.events.find(auth.ActionLockout, auth.OutcomeSuccess); len(ev) != 1 || ev[0].Identifier != "ghost@example.com" {
		t.Fatalf("lockout events %+v", ev)
	}
	e.flush(t)
	if n := len(e.mail.all()); n != 0 {
		t.Fatalf("%d mails for an unknown identifier", n)
	}
}

func TestLoginRehash(t *testing.T) {
	e := newAccEnvCost(t, 5)
	ctx := context.Background()
	old := newHasher(t, 4)
	hash, err := old.Hash(ctx, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.users.Create(ctx, auth.User{ID: "u1", Email: "old@example.com", Username: "old_user", FullName: "Old U", PasswordHash: hash, Roles: []auth.Role{auth.RoleDriver}, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := login(e, "old@example.com", goodPassword, ip1); err != nil {
		t.Fatal(err)
	}
	u, _ := e.users.ByID(ctx, "u1")
	if u.PasswordHash == hash || !strings.HasPrefix(u.PasswordHash, "$2b$05$") {
		t.Fatalf("hash not upgraded: %s", u.PasswordHash[:7])
	}
	if err := login(e, "old@example.com", goodPassword, ip1); err != nil {
		t.Fatalf("login with the upgraded hash: %v", err)
	}
	if ev := e.events.find(auth.ActionRehash, auth.OutcomeSuccess); len(ev) != 1 {
		t.Fatalf("rehash events %+v", ev)
	}
}

func TestLoginServerErrorsAreNotCredentialErrors(t *testing.T) {
	e := newAccEnv(t)
	e.registerUser(t, alice)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: goodPassword}, ip1)
	if err == nil || errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("cancelled login: %v", err)
	}
}

// SECURITY.md: unknown user vs wrong password, latency within noise. The
// medians of 31 interleaved trials each, at bcrypt cost 10 (a real cost,
// cheap enough for a test; 7 under the race detector, which slows bcrypt
// about tenfold), must differ by under 10%. On a loaded machine one round
// can be off by noise, so up to three rounds are measured: a systematic
// difference (say, no dummy compare for unknown users, about 100%) fails
// all three.
func TestLoginTimingUnknownVsWrongPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("timing property test; skipped in -short")
	}
	cost := 10
	if raceEnabled {
		cost = 7
	}
	e := newAccEnvCost(t, cost, auth.WithLoginLimits(auth.LoginLimits{PerIP: 1000, PerAccount: 1000, DelayAfter: 1000}))
	e.registerUser(t, alice)
	const trials = 31
	measure := func(ident string) time.Duration {
		start := time.Now()
		if err := login(e, ident, "Wrong-password-1", ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	measure("warmup@example.com")
	var diff float64
	for round := 1; round <= 3; round++ {
		var unknown, wrong []time.Duration
		for i := range trials {
			u := fmt.Sprintf("nobody%d-%d@example.com", round, i)
			if i%2 == 0 {
				unknown = append(unknown, measure(u))
				wrong = append(wrong, measure("alice@example.com"))
			} else {
				wrong = append(wrong, measure("alice@example.com"))
				unknown = append(unknown, measure(u))
			}
		}
		mu, mw := median(unknown), median(wrong)
		diff = float64(mu-mw) / float64(min(mu, mw))
		t.Logf("round %d: median unknown user %v, wrong password %v, difference %+.1f%%", round, mu, mw, 100*diff)
		if diff <= 0.10 && diff >= -0.10 {
			return
		}
	}
	t.Fatalf("medians differ by %+.1f%% in every round", 100*diff)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
