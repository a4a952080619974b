package app

import (
	"fmt"
	"log/slog"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/auth/mail"
	"github.com/autospot/autospot/internal/config"
)

// openMailer returns the SMTP mailer when AUTOSPOT_SMTP_ADDR is set, else
// the development outbox (refused in production by config).
func (a *App) openMailer(cfg config.Config, logger *slog.Logger) (auth.Mailer, error) {
	if cfg.SMTPAddr != "" {
		mode := mail.StartTLS
		if cfg.SMTPImplicitTLS {
			mode = mail.ImplicitTLS
		}
		m, err := mail.NewSMTP(mail.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, TLS: mode})
		if err != nil {
			return nil, fmt.Errorf("app: SMTP: %w", err)
		}
		return m, nil
	}
	o, err := mail.NewOutbox(cfg.OutboxDir, cfg.SMTPFrom)
	if err != nil {
		return nil, fmt.Errorf("app: mail outbox: %w", err)
	}
	a.closers = append(a.closers, o.Close)
	logger.Warn("app: mail goes to the development outbox, not to users", "dir", cfg.OutboxDir)
	return o, nil
}
