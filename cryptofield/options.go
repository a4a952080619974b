package cryptofield

import (
	"io"
	"time"
)

// FernetOption configures [NewFernet].
type FernetOption interface{ applyFernet(*Fernet) }

// KeyringOption configures [NewKeyring].
type KeyringOption interface{ applyKeyring(*Keyring) }

// Option configures both [NewFernet] and [NewKeyring].
type Option interface {
	FernetOption
	KeyringOption
}

type fernetOption func(*Fernet)

func (o fernetOption) applyFernet(f *Fernet) { o(f) }

type randomOption struct{ r io.Reader }

func (o randomOption) applyFernet(f *Fernet)   { f.rand = o.r }
func (o randomOption) applyKeyring(k *Keyring) { k.rand = o.r }

// WithRandom sets the source of IVs and nonces. The default, crypto/rand,
// is the only safe choice in production; tests use it to make output
// reproducible. A nil reader keeps the default.
func WithRandom(r io.Reader) Option {
	return randomOption{r: r}
}

// WithTTL makes [Fernet.Decrypt] reject tokens older than ttl, as Python's
// Fernet.decrypt(token, ttl=…) does, and tokens from further in the future
// than the clock skew ([WithMaxClockSkew]). The default, 0, means no TTL:
// data at rest does not expire, which is what the AutoSpot field
// encryption needs. A negative ttl is treated as 0.
func WithTTL(ttl time.Duration) FernetOption {
	return fernetOption(func(f *Fernet) { f.ttl = max(ttl, 0) })
}

// WithMaxClockSkew sets how far in the future a token's timestamp may be
// when a TTL applies. The default is 60 seconds, the value in the Fernet
// specification's test vectors and in Python's cryptography.
func WithMaxClockSkew(d time.Duration) FernetOption {
	return fernetOption(func(f *Fernet) {
		if d >= 0 {
			f.skew = d
		}
	})
}

// WithClock sets the clock used for token timestamps and TTL checks
// (default time.Now). A nil function keeps the default.
func WithClock(now func() time.Time) FernetOption {
	return fernetOption(func(f *Fernet) {
		if now != nil {
			f.now = now
		}
	})
}
