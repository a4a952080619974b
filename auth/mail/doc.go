// Package mail delivers the emails of [auth.Accounts]: registration codes,
// reset links and security notices.
//
// # Mailers
//
// [SMTP] sends through an SMTP submission server, always encrypted: with
// STARTTLS (port 587, the default; a server that does not offer it is
// refused, never written to in clear) or implicit TLS (port 465). It
// authenticates with AUTH PLAIN when a username is set, and verifies the
// server's certificate against the system roots or [SMTPConfig.TLSConfig].
//
//	m, err := mail.NewSMTP(mail.SMTPConfig{
//		Addr:     "smtp.example.com:587",
//		From:     "AutoSpot <no-reply@example.com>",
//		Username: "no-reply@example.com",
//		Password: os.Getenv("SMTP_PASSWORD"),
//	})
//
// [Outbox] is for development: it writes each message to a file of its own
// in a directory (mode 0700; files 0600, named
// <unix-nanoseconds>-<random>.eml), where a developer reads the codes.
// Neither mailer logs anything, so codes and links never reach a log.
//
// # Messages
//
// [Compose] renders an [auth.Message] as RFC 5322 text: CRLF line endings,
// a quoted-printable UTF-8 body (CR, LF and CRLF all end a line), an
// RFC 2047-encoded subject when it is not ASCII, Date and Message-ID
// headers. An address or subject holding CR, LF
// or another control character is refused with [ErrHeaderInjection], so no
// input can add a header or a recipient.
//
// # Concurrency
//
// [SMTP] and [Outbox] are safe for concurrent use; SMTP opens one
// connection per message.
package mail
