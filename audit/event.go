package audit

import (
	"log/slog"
	"time"
)

// Outcome is how an audited action ended.
type Outcome string

// The outcomes.
const (
	OutcomeSuccess Outcome = "success"
	// OutcomeFailure: the action was attempted and failed (wrong password,
	// expired code …).
	OutcomeFailure Outcome = "failure"
	// OutcomeDenied: the action was refused before it was attempted (locked
	// account, missing role, rate limit).
	OutcomeDenied Outcome = "denied"
	// OutcomeError: the server failed (store unreachable …).
	OutcomeError Outcome = "error"
	// OutcomeUnknown is recorded when an [Event] has no outcome.
	OutcomeUnknown Outcome = "unknown"
)

// Level is the slog level an outcome is logged at: success and unknown at
// Info, failure and denied at Warn, error at Error.
func (o Outcome) Level() slog.Level {
	switch o {
	case OutcomeFailure, OutcomeDenied:
		return slog.LevelWarn
	case OutcomeError:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Actions the library and the reference server record. Any dotted string
// is a valid action; actions starting "auth." with outcome failure or
// denied count as authentication failures (see [Snapshot]).
const (
	ActionLogin          = "auth.login"
	ActionLogout         = "auth.logout"
	ActionRegister       = "auth.register"
	ActionOTPVerify      = "auth.otp_verify"
	ActionPasswordReset  = "auth.password_reset"
	ActionPasswordChange = "auth.password_change"
	ActionTokenRefresh   = "auth.token_refresh"
	ActionLockout        = "auth.lockout"
	ActionRateLimited    = "ratelimit.reject"
	// ActionRecordsDropped is the action of the "audit: N records dropped"
	// record a sink receives when records meant for it were lost.
	ActionRecordsDropped = "audit.records_dropped"
)

// Keys of the fixed record schema. A record is one JSON object:
//
//	{"time":"…","level":"WARN","msg":"auth.login","action":"auth.login",
//	 "outcome":"failure","reason":"bad_credentials",
//	 "actor":{"id":"alice@example.com","role":"user"},"target":"…",
//	 "client_ip":"203.0.113.9","user_agent":"…","request_id":"…",
//	 "extra":{…}}
//
// msg repeats the action so that generic log tools show it; empty optional
// fields are omitted.
const (
	KeyAction    = "action"
	KeyOutcome   = "outcome"
	KeyReason    = "reason"
	KeyActor     = "actor"
	KeyActorID   = "id"
	KeyActorRole = "role"
	KeyTarget    = "target"
	KeyClientIP  = "client_ip"
	KeyUserAgent = "user_agent"
	KeyRequestID = "request_id"
	KeyExtra     = "extra"
)

// Actor is who performed an action. For an authentication attempt it is
// the claimed identity (the email typed in), authenticated or not.
type Actor struct {
	ID   string
	Role string
}

// LogValue implements [slog.LogValuer] as a group {id, role}.
func (a Actor) LogValue() slog.Value {
	switch {
	case a.Role == "":
		return slog.GroupValue(slog.String(KeyActorID, a.ID))
	case a.ID == "":
		return slog.GroupValue(slog.String(KeyActorRole, a.Role))
	}
	return slog.GroupValue(slog.String(KeyActorID, a.ID), slog.String(KeyActorRole, a.Role))
}

// Event is one audited action. Only Action is required. String fields may
// hold anything a client sent (CR, LF, quotes, JWTs): the record stays one
// record and secrets are redacted.
type Event struct {
	// Time defaults to the logger's clock.
	Time time.Time
	// Action is what happened, dotted: "auth.login", "user.delete".
	Action string
	// Outcome defaults to [OutcomeUnknown]; it also sets the level.
	Outcome Outcome
	// Reason is a short machine-readable cause: "bad_credentials".
	Reason string
	Actor  Actor
	// Target is what was acted on: "user:42", "/api/parking/7".
	Target string
	// ClientIP, UserAgent and RequestID default to what the
	// [WithContextFields] hook returns for the context.
	ClientIP  string
	UserAgent string
	RequestID string
	// Extra holds further attributes, logged in the group "extra". Keys
	// naming secrets are redacted like everything else.
	Extra []slog.Attr
}
