package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/autospot/autospot/password"
)

// LoginRequest is a password login. Identifier is an email address or a
// username.
type LoginRequest struct {
	Identifier string
	Password   string
}

// Session is what a successful login (or a completed registration, or a
// password change) returns: the user and a fresh token pair.
type Session struct {
	User User
	Pair Pair
}

// maxIdentifierLen bounds what Login looks up; longer identifiers cannot be
// registered and are treated as unknown.
const maxIdentifierLen = MaxEmailLen

// normalizeIdentifier returns the lookup form of a login identifier and
// whether it is an email address.
func normalizeIdentifier(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	return s, strings.Contains(s, "@")
}

// ipBucket returns the address a client is counted under: the address for
// IPv4 (and IPv4-mapped IPv6), its /64 for IPv6, "none" when unknown.
func ipBucket(ip netip.Addr) string {
	if !ip.IsValid() {
		return "none"
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return "none"
	}
	return p.String()
}

// loginKeys are the AttemptStore keys of one login attempt.
type loginKeys struct {
	ip, account, lockouts string
}

// keysFor returns the attempt keys for a known user or an unknown
// identifier. Unknown identifiers are counted and locked exactly like
// users, so the lockout behaviour says nothing about who exists.
//
// The per-address key includes the user's UpdatedAt, so an administrator's
// unlock, a password reset or change starts every address's count afresh
// without having to find the per-address keys.
func keysFor(u *User, ident string, ip netip.Addr) loginKeys {
	var who, gen string
	if u != nil {
		who, gen = "u:"+u.ID, strconv.FormatInt(u.UpdatedAt.UnixMilli(), 10)
	} else {
		who, gen = "i:"+ident, "0"
	}
	return loginKeys{
		ip:       "login:ip:" + who + "@" + gen + "|" + ipBucket(ip),
		account:  "login:acct:" + who,
		lockouts: "login:locks:" + who,
	}
}

// Login checks a password and issues a token pair.
//
// Every failure — unknown identifier, wrong password, account locked by
// failed logins or by an administrator, an unusable stored hash — returns
// [ErrInvalidCredentials] and takes about as long (an unknown identifier
// costs a dummy hash compare; a locked one waits as long as a compare
// takes, without the CPU). Other errors (store down, password.ErrBusy …)
// are server errors. See the package documentation, "Login and lockout".
func (a *Accounts) Login(ctx context.Context, req LoginRequest, ri RequestInfo) (Session, error) {
	start := time.Now()
	ident, isEmail := normalizeIdentifier(req.Identifier)
	if len(ident) > maxIdentifierLen {
		// Cannot be registered: counted (under a bounded key) as unknown.
		ident = truncateUTF8(ident, maxIdentifierLen+1)
	}
	var user *User
	if ident != "" && len(ident) <= maxIdentifierLen {
		var u User
		var err error
		if isEmail {
			u, err = a.users.ByEmail(ctx, ident)
		} else {
			u, err = a.users.ByUsername(ctx, ident)
		}
		switch {
		case err == nil:
			user = &u
		case !errors.Is(err, ErrUserNotFound):
			a.emit(ctx, ri, ActionLogin, OutcomeFailure, reasonInternal, "", ident)
			return Session{}, fmt.Errorf("auth: login: look up user: %w", err)
		}
	}
	uid := ""
	if user != nil {
		uid = user.ID
	}
	now := a.storeTime()
	keyIdent := ident
	if isEmail {
		keyIdent = a.emailKey(ident)
	}
	keys := keysFor(user, keyIdent, ri.IP)

	// Reserve before comparing: of N parallel attempts at most the limit
	// get to the hash compare.
	ipState, err := a.attempts.Reserve(ctx, keys.ip, a.limits.PerIP, a.limits.Window, now)
	if err != nil {
		return Session{}, a.loginStoreError(ctx, ri, uid, ident, err)
	}
	if !ipState.Allowed {
		return a.lockedLogin(ctx, req.Password, ri, uid, ident, reasonPerIPLimit, start)
	}
	acctState, err := a.attempts.Reserve(ctx, keys.account, a.limits.PerAccount, a.limits.Window, now)
	if err != nil {
		return Session{}, a.loginStoreError(ctx, ri, uid, ident, err)
	}
	if !acctState.Allowed {
		return a.lockedLogin(ctx, req.Password, ri, uid, ident, reasonPerAccountLimit, start)
	}
	adminLocked := user != nil && user.LockedUntil.After(now)

	var needsRehash bool
	var verr error
	if user == nil || adminLocked {
		verr = a.hasher.DummyVerify(ctx, req.Password)
		if verr == nil {
			verr = errors.New("dummy verify matched")
		}
	} else {
		needsRehash, verr = a.hasher.Verify(ctx, req.Password, user.PasswordHash)
	}
	if verr != nil && isServerError(verr) {
		a.emit(ctx, ri, ActionLogin, OutcomeFailure, reasonInternal, uid, ident)
		return Session{}, fmt.Errorf("auth: login: %w", verr)
	}
	if verr != nil {
		reason := reasonBadCredentials
		switch {
		case user == nil:
			reason = reasonUnknownUser
		case adminLocked:
			reason = reasonAdminLocked
		}
		a.loginFailed(ctx, ri, user, ident, keys, ipState, acctState, now)
		a.emit(ctx, ri, ActionLogin, OutcomeFailure, reason, uid, ident)
		a.timing.record(time.Since(start))
		return Session{}, ErrInvalidCredentials
	}

	// Success: the counts start afresh (the reservations counted this
	// attempt too, so leaving them would lock out a user who simply logs
	// in often). Only the owner's password can do this. The lockout
	// history (keys.lockouts) stays, so lockouts keep escalating.
	if err := errors.Join(a.attempts.Reset(ctx, keys.ip), a.attempts.Reset(ctx, keys.account)); err != nil {
		return Session{}, a.loginStoreError(ctx, ri, uid, ident, err)
	}
	if needsRehash {
		a.rehash(ctx, ri, user, req.Password)
	}
	pair, err := a.tokens.IssuePair(ctx, Subject{ID: user.ID, Roles: slices.Clone(user.Roles), Facility: user.Facility})
	if err != nil {
		a.emit(ctx, ri, ActionLogin, OutcomeFailure, reasonInternal, uid, ident)
		return Session{}, fmt.Errorf("auth: login: issue tokens: %w", err)
	}
	a.emit(ctx, ri, ActionLogin, OutcomeSuccess, "", uid, ident)
	return Session{User: *user, Pair: pair}, nil
}

// isServerError reports whether a Verify error is the server's trouble
// (busy hasher, cancelled request) rather than a failed login. Every other
// error (mismatch, malformed or over-cost hash, over-long password) is a
// failed login.
func isServerError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isBusy(err)
}

func isBusy(err error) bool { return errors.Is(err, password.ErrBusy) }

func (a *Accounts) loginStoreError(ctx context.Context, ri RequestInfo, uid, ident string, err error) error {
	a.emit(ctx, ri, ActionLogin, OutcomeFailure, reasonInternal, uid, ident)
	return fmt.Errorf("auth: login: attempts store: %w", err)
}

// loginFailed records a failed compare: progressive delay, lockouts, the
// owner's notice.
func (a *Accounts) loginFailed(ctx context.Context, ri RequestInfo, user *User, ident string, keys loginKeys, ipState, acctState AttemptState, now time.Time) {
	l := a.limits
	uid := ""
	if user != nil {
		uid = user.ID
	}
	ipLock, acctLock := ipState.Count >= l.PerIP, acctState.Count >= l.PerAccount
	if !ipLock && !acctLock {
		if ipState.Count >= l.DelayAfter {
			d := l.BaseDelay << min(ipState.Count-l.DelayAfter, 20)
			if d > l.LockDuration || d <= 0 {
				d = l.LockDuration
			}
			// Best effort: a failed delay only makes the next attempt
			// earlier.
			_ = a.attempts.Lock(ctx, keys.ip, now.Add(d))
		}
		return
	}
	// A lockout (of the address, the account, or both at once). Each one
	// within MaxLockDuration doubles the next.
	n := 1
	if st, err := a.attempts.Reserve(ctx, keys.lockouts, 1<<20, l.MaxLockDuration, now); err == nil && st.Count > 0 {
		n = st.Count
	}
	d := l.LockDuration << min(n-1, 20)
	if d > l.MaxLockDuration || d <= 0 {
		d = l.MaxLockDuration
	}
	until := now.Add(d)
	locked := false
	for _, t := range []struct {
		on          bool
		key, reason string
	}{{ipLock, keys.ip, reasonPerIPLimit}, {acctLock, keys.account, reasonPerAccountLimit}} {
		if !t.on {
			continue
		}
		if err := a.attempts.Lock(ctx, t.key, until); err != nil {
			a.emit(ctx, ri, ActionLockout, OutcomeFailure, reasonInternal, uid, ident)
			continue
		}
		locked = true
		a.emit(ctx, ri, ActionLockout, OutcomeSuccess, t.reason, uid, ident)
	}
	// Tell the owner, at most 3 times an hour: a guesser with many
	// addresses must not turn lockouts into a mail flood.
	if locked && user != nil && a.allowNotice(ctx, "mail:lockout:"+user.ID, now) {
		a.sendMail(ctx, ri, uid, Message{
			To:      user.Email,
			Kind:    MailLockout,
			Subject: a.appName + ": sign-in locked after failed attempts",
			Text:    lockoutText(a.appName, user, ri, acctLock, until),
		})
	}
}

// allowNotice reserves one security notice under key (3 per hour).
func (a *Accounts) allowNotice(ctx context.Context, key string, now time.Time) bool {
	st, err := a.attempts.Reserve(ctx, key, 3, time.Hour, now)
	return err == nil && st.Allowed
}

// rehash stores a new hash of a password that just verified against an
// out-of-date hash. Failures are reported as events only: the login stands.
func (a *Accounts) rehash(ctx context.Context, ri RequestInfo, user *User, pw string) {
	h, err := a.hasher.Hash(ctx, pw)
	if err != nil {
		a.emit(ctx, ri, ActionRehash, OutcomeFailure, reasonInternal, user.ID, "")
		return
	}
	err = a.users.UpdatePasswordHash(ctx, user.ID, user.PasswordHash, h, a.storeTime())
	if err != nil {
		// ErrUserChanged: the password changed meanwhile; keep that one.
		a.emit(ctx, ri, ActionRehash, OutcomeFailure, reasonInternal, user.ID, "")
		return
	}
	user.PasswordHash = h
	a.emit(ctx, ri, ActionRehash, OutcomeSuccess, "", user.ID, "")
}

// lockedLogin answers an attempt that was refused before the compare,
// taking as long as a failed attempt does.
func (a *Accounts) lockedLogin(ctx context.Context, pw string, ri RequestInfo, uid, ident, reason string, start time.Time) (Session, error) {
	a.emit(ctx, ri, ActionLogin, OutcomeDenied, reasonLocked+":"+reason, uid, ident)
	if err := a.equalise(ctx, pw, start); err != nil {
		return Session{}, fmt.Errorf("auth: login: %w", err)
	}
	return Session{}, ErrInvalidCredentials
}

// equalise waits until start plus the typical duration of a failed login.
// Until one has been measured, it does a dummy compare once (callers
// arriving meanwhile wait for it) to learn it.
func (a *Accounts) equalise(ctx context.Context, pw string, start time.Time) error {
	d, ok := a.timing.estimate()
	if !ok {
		a.timing.calib.Lock()
		if d, ok = a.timing.estimate(); !ok {
			t0 := time.Now()
			err := a.hasher.DummyVerify(ctx, pw)
			if err != nil && isServerError(err) {
				a.timing.calib.Unlock()
				return err
			}
			a.timing.record(time.Since(t0))
			d, _ = a.timing.estimate()
		}
		a.timing.calib.Unlock()
	}
	wait := time.Until(start.Add(d))
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// compareTimer keeps the durations of the latest failed logins and
// reports their median.
type compareTimer struct {
	mu      sync.Mutex
	samples [31]time.Duration
	n, next int
	calib   sync.Mutex
}

func newCompareTimer() *compareTimer { return &compareTimer{} }

func (t *compareTimer) record(d time.Duration) {
	t.mu.Lock()
	t.samples[t.next] = d
	t.next = (t.next + 1) % len(t.samples)
	if t.n < len(t.samples) {
		t.n++
	}
	t.mu.Unlock()
}

func (t *compareTimer) estimate() (time.Duration, bool) {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return 0, false
	}
	s := slices.Clone(t.samples[:t.n])
	t.mu.Unlock()
	slices.Sort(s)
	return s[len(s)/2], true
}

// Unlock lifts an administrator's lock and the failed-login lockouts of
// user id, and starts its counts afresh.
func (a *Accounts) Unlock(ctx context.Context, id string, ri RequestInfo) error {
	u, err := a.users.ByID(ctx, id)
	if err != nil {
		return fmt.Errorf("auth: unlock: %w", err)
	}
	// Setting LockedUntil also moves UpdatedAt, which starts every
	// per-address count afresh (see keysFor).
	if err := a.users.SetLockedUntil(ctx, id, time.Time{}, a.storeTime()); err != nil {
		return fmt.Errorf("auth: unlock: %w", err)
	}
	if err := a.resetAccountAttempts(ctx, u.ID); err != nil {
		return fmt.Errorf("auth: unlock: %w", err)
	}
	a.emit(ctx, ri, ActionUnlock, OutcomeSuccess, "", id, "")
	return nil
}

// Lock locks user id until `until` (an administrator's action): logins
// fail with [ErrInvalidCredentials] until then, and every session is
// ended now.
func (a *Accounts) Lock(ctx context.Context, id string, until time.Time, ri RequestInfo) error {
	if err := a.users.SetLockedUntil(ctx, id, until.UTC().Truncate(time.Millisecond), a.storeTime()); err != nil {
		return fmt.Errorf("auth: lock: %w", err)
	}
	if err := a.tokens.LogoutAll(ctx, id); err != nil {
		return fmt.Errorf("auth: lock: %w", err)
	}
	a.emit(ctx, ri, ActionLock, OutcomeSuccess, "", id, "")
	return nil
}

func (a *Accounts) resetAccountAttempts(ctx context.Context, id string) error {
	k := keysFor(&User{ID: id}, "", netip.Addr{})
	return errors.Join(a.attempts.Reset(ctx, k.account), a.attempts.Reset(ctx, k.lockouts))
}
