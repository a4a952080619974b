package mail_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/autospot/autospot/auth"
	authmail "github.com/autospot/autospot/auth/mail"
)

// A development server writes its emails to an outbox directory.
func ExampleOutbox() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	o, err := authmail.NewOutbox(filepath.Join(dir, "mail"), "AutoSpot <no-reply@autospot.test>")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer o.Close()
	err = o.Send(context.Background(), auth.Message{To: "alice@example.com", Subject: "Hello", Text: "Your code is 123456.\n"})
	fmt.Println(err)
	files, _ := o.Files()
	fi, _ := os.Stat(filepath.Join(o.Dir(), files[0]))
	fmt.Println(len(files), fi.Mode().Perm())
	// Output:
	// <nil>
	// 1 -rw-------
}

// Addresses and subjects cannot smuggle in headers or recipients.
func ExampleCompose_headerInjection() {
	_, err := authmail.Compose(auth.Message{To: "alice@example.com\r\nBcc: eve@evil.test", Subject: "Hi", Text: "x"}, "no-reply@autospot.test", time.Time{}, nil)
	fmt.Println(errors.Is(err, authmail.ErrHeaderInjection))
	// Output: true
}

// An SMTP mailer for a submission server with STARTTLS.
func ExampleNewSMTP() {
	m, err := authmail.NewSMTP(authmail.SMTPConfig{
		Addr:     "smtp.example.com:587",
		From:     "AutoSpot <no-reply@example.com>",
		Username: "no-reply@example.com",
		Password: "from-the-environment",
	})
	fmt.Println(m != nil, err)
	// Output: true <nil>
}
