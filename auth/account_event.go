package auth

import (
	"context"
	"log/slog"
	"net/netip"
	"time"
)

// RequestInfo describes the request an account operation serves: it goes
// into every [Event], and IP keys failed-login tracking. Take IP from a
// trusted client-IP resolver (the headers package's), never from a header
// the client controls. Every field may be empty.
type RequestInfo struct {
	IP        netip.Addr
	UserAgent string
	RequestID string
}

// Actions of account [Event]s.
const (
	ActionRegister        = "account.register"
	ActionVerifyEmail     = "account.verify_email"
	ActionResendCode      = "account.resend_code"
	ActionLogin           = "account.login"
	ActionLockout         = "account.lockout"
	ActionUnlock          = "account.unlock"
	ActionLock            = "account.lock"
	ActionResetRequest    = "account.reset_request"
	ActionReset           = "account.reset"
	ActionPasswordChange  = "account.password_change"
	ActionRolesChange     = "account.roles_change"
	ActionNameChange      = "account.name_change"
	ActionLogout          = "account.logout"
	ActionLogoutAll       = "account.logout_all"
	ActionDelete          = "account.delete"
	ActionMail            = "account.mail"
	ActionRehash          = "account.rehash"
	OutcomeSuccess        = "success"
	OutcomeFailure        = "failure"
	OutcomeDenied         = "denied"
	reasonBadCredentials  = "invalid_credentials"
	reasonUnknownUser     = "unknown_user"
	reasonLocked          = "locked"
	reasonAdminLocked     = "admin_locked"
	reasonInvalidInput    = "invalid_input"
	reasonInvalidCode     = "invalid_code"
	reasonThrottled       = "throttled"
	reasonDuplicateEmail  = "duplicate_email"
	reasonDuplicateName   = "duplicate_username"
	reasonInternal        = "internal_error"
	reasonInvalidToken    = "invalid_token"
	reasonPolicy          = "password_policy"
	reasonDeleteHook      = "delete_hook_failed"
	reasonMailFailed      = "mail_failed"
	reasonPerAccountLimit = "per_account_limit"
	reasonPerIPLimit      = "per_ip_limit"
)

// Event is one account operation or attempt, for an audit trail. It holds
// no secret: never a password, code, token or hash. Identifier is what the
// client typed (an email or username, at most 254 bytes) and may contain
// anything, CR/LF included: the sink must encode it safely (the audit
// package does).
type Event struct {
	Time time.Time
	// Action is one of the Action… constants; Outcome one of the
	// Outcome… constants; Reason a short snake_case word ("invalid_code",
	// "locked", "unknown_user" …), empty on success.
	Action  string
	Outcome string
	Reason  string
	// UserID is the account concerned, when known.
	UserID string
	// Identifier is the email or username presented, when there was one.
	Identifier string
	IP         netip.Addr
	UserAgent  string
	RequestID  string
}

// LogValue implements slog.LogValuer.
func (e Event) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("action", e.Action),
		slog.String("outcome", e.Outcome),
	}
	add := func(k, v string) {
		if v != "" {
			attrs = append(attrs, slog.String(k, v))
		}
	}
	add("reason", e.Reason)
	add("user_id", e.UserID)
	add("identifier", e.Identifier)
	if e.IP.IsValid() {
		attrs = append(attrs, slog.String("ip", e.IP.String()))
	}
	add("user_agent", e.UserAgent)
	add("request_id", e.RequestID)
	return slog.GroupValue(attrs...)
}

// EventSink receives account [Event]s. AccountEvent is called synchronously
// on the request's goroutine, so it must be quick (hand the event to a
// queue) and safe for concurrent use. The audit package provides one.
type EventSink interface {
	AccountEvent(ctx context.Context, e Event)
}

// EventSinkFunc adapts a function to [EventSink].
type EventSinkFunc func(ctx context.Context, e Event)

// AccountEvent implements [EventSink].
func (f EventSinkFunc) AccountEvent(ctx context.Context, e Event) { f(ctx, e) }

const maxIdentifierInEvent = 254

func (a *Accounts) emit(ctx context.Context, ri RequestInfo, action, outcome, reason, userID, identifier string) {
	if a.events == nil {
		return
	}
	identifier = a.eventIdentifier(identifier)
	if len(identifier) > maxIdentifierInEvent {
		identifier = truncateUTF8(identifier, maxIdentifierInEvent)
	}
	ua := ri.UserAgent
	if len(ua) > 512 {
		ua = truncateUTF8(ua, 512)
	}
	rid := ri.RequestID
	if len(rid) > 128 {
		rid = truncateUTF8(rid, 128)
	}
	a.events.AccountEvent(ctx, Event{
		Time:       a.now().UTC(),
		Action:     action,
		Outcome:    outcome,
		Reason:     reason,
		UserID:     userID,
		Identifier: identifier,
		IP:         ri.IP,
		UserAgent:  ua,
		RequestID:  rid,
	})
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
