package mail_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	authmail "github.com/autospot/autospot/auth/mail"
)

var update = flag.Bool("update", false, "rewrite testdata/compose.golden")

func TestOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o, err := authmail.NewOutbox(dir, "AutoSpot <no-reply@autospot.test>")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("outbox dir mode %v, %v", fi.Mode().Perm(), err)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := o.Send(context.Background(), testMsg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	files, err := o.Files()
	if err != nil || len(files) != 10 {
		t.Fatalf("%d files, %v", len(files), err)
	}
	for _, name := range files {
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v, %v", name, fi.Mode().Perm(), err)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if !strings.Contains(string(body), "    123456\r\n") || msg.Header.Get("To") != "<alice@example.com>" {
			t.Fatalf("file %s: to %q body %q", name, msg.Header.Get("To"), body)
		}
	}
}

func TestOutboxRefusesOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := authmail.NewOutbox(dir, "a@b.test"); !errors.Is(err, authmail.ErrInvalidConfig) {
		t.Fatalf("world-readable outbox: %v", err)
	}
	if _, err := authmail.NewOutbox("", "a@b.test"); !errors.Is(err, authmail.ErrInvalidConfig) {
		t.Fatalf("empty dir: %v", err)
	}
}

func TestOutboxHeaderInjection(t *testing.T) {
	o, err := authmail.NewOutbox(filepath.Join(t.TempDir(), "o"), "a@b.test")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	err = o.Send(context.Background(), auth.Message{To: "x@y.test\nBcc: e@evil.test", Subject: "s", Text: "t"})
	if !errors.Is(err, authmail.ErrHeaderInjection) {
		t.Fatal(err)
	}
	if files, _ := o.Files(); len(files) != 0 {
		t.Fatalf("files %v", files)
	}
}

// zeros is a deterministic "random" source for the golden message.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestComposeGolden checks Compose against testdata/compose.golden; run
// with -update to regenerate it (the test is its own generator).
func TestComposeGolden(t *testing.T) {
	date := time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)
	m := auth.Message{To: "Ünïcödé User <alice@example.com>", Subject: "AutoSpot: vérification", Text: "Code:\n\n    123456\n\nLine with = sign and trailing space \n" + strings.Repeat("y", 90) + "\n", Kind: auth.MailVerifyCode}
	got, err := authmail.Compose(m, "AutoSpot <no-reply@autospot.test>", date, zeros{})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "compose.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Compose output changed:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range bytes.Split(bytes.TrimSuffix(got, []byte("\r\n")), []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") || len(line) > 998 {
			t.Fatalf("bad line %q", line)
		}
	}
}

// FuzzCompose: whatever the message holds, Compose either refuses it or
// writes a message with exactly the fixed header set, one recipient, and
// a body that decodes back to the text.
func FuzzCompose(f *testing.F) {
	f.Add("alice@example.com", "Subject", "body\n")
	f.Add("alice@example.com\r\nBcc: e@evil.test", "s", "b")
	f.Add("a@b.c", "s\r\nX-Evil: 1", "b")
	f.Add("\"x\\\"\" <a@b.c>", "=?utf-8?q?x?=", ".\r\n.\r\nQUIT\r\n")
	f.Add("a@b.c", "ü\u2028", "\x00\xff")
	f.Fuzz(func(t *testing.T, to, subject, text string) {
		out, err := authmail.Compose(auth.Message{To: to, Subject: subject, Text: text}, "a@b.test", time.Unix(0, 0), zeros{})
		if err != nil {
			return
		}
		msg, err := mail.ReadMessage(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("unparsable output: %v\n%q", err, out)
		}
		if len(msg.Header) != 9 {
			t.Fatalf("%d headers: %v", len(msg.Header), msg.Header)
		}
		if list, err := msg.Header.AddressList("To"); err != nil || len(list) != 1 {
			t.Fatalf("To: %v %v", list, err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n", "\r\n")
		if !strings.HasSuffix(want, "\r\n") && string(body) == want+"\r\n" {
			return
		}
		if string(body) != want {
			t.Fatalf("body %q, want %q", body, want)
		}
	})
}
