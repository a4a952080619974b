package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.Mailer = (*Outbox)(nil)

// Outbox is a development [auth.Mailer] that writes each message to its
// own file in a directory, instead of sending it. Files are created with
// mode 0600 (exclusive create, inside an [os.Root], so nothing outside the
// directory is ever written) and named <unix-nanoseconds>-<random>.eml;
// the directory is created with mode 0700 if missing. It is safe for
// concurrent use. Never use it in production: anyone who can read the
// directory can take over accounts.
type Outbox struct {
	root *os.Root
	dir  string
	from string
	now  func() time.Time
	rand io.Reader
}

// NewOutbox returns an Outbox writing to dir, with `from` as the sender.
// Call Close when done.
func NewOutbox(dir, from string) (*Outbox, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: empty outbox directory", ErrInvalidConfig)
	}
	if _, err := parseAddress(from); err != nil {
		return nil, fmt.Errorf("%w: from: %w", ErrInvalidConfig, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: outbox directory %s is readable by others (mode %v); use 0700", ErrInvalidConfig, dir, fi.Mode().Perm())
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return &Outbox{root: root, dir: dir, from: from, now: time.Now, rand: rand.Reader}, nil
}

// Dir returns the outbox directory.
func (o *Outbox) Dir() string { return o.dir }

// Close releases the directory handle.
func (o *Outbox) Close() error { return o.root.Close() }

// Send implements [auth.Mailer]: it writes m to a new file and returns its
// error, if any.
func (o *Outbox) Send(ctx context.Context, m auth.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := o.now()
	data, err := Compose(m, o.from, now, o.rand)
	if err != nil {
		return err
	}
	var rnd [6]byte
	if _, err := io.ReadFull(o.rand, rnd[:]); err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	name := strconv.FormatInt(now.UnixNano(), 10) + "-" + hex.EncodeToString(rnd[:]) + ".eml"
	f, err := o.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = o.root.Remove(name)
		return fmt.Errorf("mail: outbox: %w", err)
	}
	return nil
}

// Files lists the message files in the outbox, oldest first.
func (o *Outbox) Files() ([]string, error) {
	entries, err := fs.ReadDir(o.root.FS(), ".")
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
