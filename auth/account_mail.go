package auth

import (
	"context"
	"log/slog"
)

// MailKind says what an email is for, so a [Mailer] can pick a template
// or a sending stream.
type MailKind string

// The emails [Accounts] sends.
const (
	MailVerifyCode      MailKind = "verify_code"        // registration code
	MailAlreadyExists   MailKind = "already_registered" // someone tried to register the owner's email
	MailUsernameTaken   MailKind = "username_taken"     // registration code withheld: username in use
	MailResetLink       MailKind = "reset_link"         // password-reset link and code
	MailPasswordChanged MailKind = "password_changed"   // after a change or reset
	MailLockout         MailKind = "lockout"            // failed logins locked the account
	MailAccountDeleted  MailKind = "account_deleted"
)

// Message is one email. Text is the plain-text body. Messages can contain
// codes and reset links: a Mailer must not log Text, and LogValue keeps it
// out of slog output.
type Message struct {
	To      string
	Subject string
	Text    string
	Kind    MailKind
}

// LogValue implements slog.LogValuer; the body is never included.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("kind", string(m.Kind)),
		slog.String("text", "[REDACTED]"),
	)
}

// Mailer delivers email. Implementations must be safe for concurrent use
// and must not log message bodies. The auth/mail package has an SMTP
// mailer and a development mailer that writes an outbox directory.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// MailerFunc adapts a function to [Mailer].
type MailerFunc func(ctx context.Context, m Message) error

// Send implements [Mailer].
func (f MailerFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }
