package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Message is one email.
type Message struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Time    time.Time `json:"time"`
}

// Mailer sends email. Implementations are safe for concurrent use.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// OutboxMailer is the development mailer: each message becomes one JSON
// file (mode 0600) in Dir. Codes and links are written there, never to
// logs.
type OutboxMailer struct {
	Dir string
}

// Send implements [Mailer].
func (o OutboxMailer) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return err
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	name := fmt.Sprintf("%s-%s.json", m.Time.UTC().Format("20060102T150405.000"), hex.EncodeToString(id[:]))
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.Dir, name), b, 0o600)
}
