package password

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
)

// Scheme names a hash format.
type Scheme string

const (
	// SchemeBcrypt, the default, writes plain "$2b$" bcrypt (what the seed's
	// passlib CryptContext writes and reads) for passwords of at most 72 bytes
	// without a NUL byte, and [SchemeBcryptSHA256] for the others, so nothing
	// is ever truncated.
	SchemeBcrypt Scheme = "bcrypt"
	// SchemeBcryptSHA256 always writes passlib's "$bcrypt-sha256$v=2" format.
	SchemeBcryptSHA256 Scheme = "bcrypt_sha256"
	// SchemeArgon2id writes "$argon2id$v=19$..." PHC strings.
	SchemeArgon2id Scheme = "argon2id"
)

// Defaults. Each is documented on the [Config] or [Limits] field it fills.
const (
	DefaultBcryptCost       = 12
	DefaultMaxBcryptCost    = 16
	DefaultMaxArgon2Memory  = 64 * 1024 // KiB
	DefaultMaxArgon2Time    = 10
	DefaultMaxArgon2Threads = 4
	// DefaultQueuePerSlot is how many callers may wait per hashing slot
	// when [Config.MaxWaiting] is zero.
	DefaultQueuePerSlot = 16
	// MaxPasswordBytes is the longest password [Hasher] accepts, in bytes:
	// room for the seed's 128 characters at 4 bytes each, twice over.
	MaxPasswordBytes = 1024
	// maxHashLen bounds the stored hash strings the parser reads.
	maxHashLen = 512
)

// The default argon2id parameters, used when [Config.Argon2] is zero: OWASP's
// minimum configuration for argon2id (m=19 MiB, t=2, p=1).
const (
	DefaultArgon2Memory      = 19456 // KiB
	DefaultArgon2Time        = 2
	DefaultArgon2Parallelism = 1
)

// Limits cap the cost parameters read from stored hashes, so that a crafted
// or imported hash cannot make one verification take seconds of CPU or
// gigabytes of memory: such a hash gets [ErrCostLimit] before any work.
// The configured hashing parameters must be within the limits too.
type Limits struct {
	// MaxBcryptCost caps bcrypt's log2 cost. Default 16: 16× the work of
	// cost 12, about 4 s on one core of this project's CI machines.
	MaxBcryptCost int
	// MaxArgon2Memory caps argon2's memory in KiB. Default 65536 (64 MiB),
	// which admits RFC 9106's second recommended option (m=64 MiB, t=3, p=4).
	MaxArgon2Memory uint32
	// MaxArgon2Time caps argon2's passes. Default 10.
	MaxArgon2Time uint32
	// MaxArgon2Parallelism caps argon2's lanes (goroutines). Default 4.
	MaxArgon2Parallelism uint8
}

func (l Limits) withDefaults() Limits {
	if l.MaxBcryptCost == 0 {
		l.MaxBcryptCost = DefaultMaxBcryptCost
	}
	if l.MaxArgon2Memory == 0 {
		l.MaxArgon2Memory = DefaultMaxArgon2Memory
	}
	if l.MaxArgon2Time == 0 {
		l.MaxArgon2Time = DefaultMaxArgon2Time
	}
	if l.MaxArgon2Parallelism == 0 {
		l.MaxArgon2Parallelism = DefaultMaxArgon2Threads
	}
	return l
}

func (l Limits) checkArgon2(p Argon2Params) error {
	if p.Memory > l.MaxArgon2Memory || p.Time > l.MaxArgon2Time || p.Parallelism > l.MaxArgon2Parallelism {
		return fmt.Errorf("%w: argon2id m=%d,t=%d,p=%d exceeds m=%d,t=%d,p=%d", ErrCostLimit,
			p.Memory, p.Time, p.Parallelism, l.MaxArgon2Memory, l.MaxArgon2Time, l.MaxArgon2Parallelism)
	}
	return nil
}

// Config configures a [Hasher]. The zero value is valid and is the secure
// default: bcrypt cost 12 "$2b$" (bcrypt_sha256 beyond 72 bytes), capped
// stored costs, GOMAXPROCS concurrent hash operations.
type Config struct {
	// Scheme for new hashes. Default [SchemeBcrypt]. Verification accepts
	// every scheme whatever this says, and reports a hash of another scheme
	// as needing a rehash.
	Scheme Scheme
	// BcryptCost is bcrypt's log2 cost for new hashes (both bcrypt schemes).
	// Default 12, the seed's; at least 4 and at most Limits.MaxBcryptCost.
	BcryptCost int
	// Argon2 are the parameters for new argon2id hashes. Default
	// m=19456 KiB, t=2, p=1 ([DefaultArgon2Memory] …). Only used with
	// [SchemeArgon2id].
	Argon2 Argon2Params
	// Limits cap the costs accepted from stored hashes.
	Limits Limits
	// Concurrency is how many hash operations (Hash, Verify, DummyVerify)
	// run at once; the others wait their turn, in order. Default
	// runtime.GOMAXPROCS(0) at the time of [New].
	Concurrency int
	// MaxWaiting is how many callers may wait for a slot; beyond that a
	// call fails at once with [ErrBusy]. Zero means DefaultQueuePerSlot ×
	// Concurrency (about 4 s of queue at cost 12); negative means no queue.
	MaxWaiting int
	// Rand is the source of salts. Default crypto/rand.Reader; tests may
	// inject a deterministic reader. With Concurrency above 1 it is read
	// by several goroutines at once and must be safe for that.
	Rand io.Reader
}

// Hasher hashes and verifies passwords. It is safe for concurrent use; its
// methods bound how many hash operations run at once (see
// [Config.Concurrency]).
type Hasher struct {
	cfg   Config
	slots *bound
	dummy map[Scheme]stored
	// hook, if set (by tests), runs inside the bound at the start of
	// every hash operation.
	hook func()
}

// New returns a Hasher for cfg, or an error wrapping [ErrInvalidConfig].
func New(cfg Config) (*Hasher, error) {
	if cfg.Scheme == "" {
		cfg.Scheme = SchemeBcrypt
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = DefaultBcryptCost
	}
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = Argon2Params{Memory: DefaultArgon2Memory, Time: DefaultArgon2Time, Parallelism: DefaultArgon2Parallelism}
	}
	cfg.Limits = cfg.Limits.withDefaults()
	if cfg.Concurrency == 0 {
		cfg.Concurrency = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxWaiting == 0 {
		cfg.MaxWaiting = DefaultQueuePerSlot * cfg.Concurrency
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	lim := cfg.Limits
	switch {
	case cfg.Scheme != SchemeBcrypt && cfg.Scheme != SchemeBcryptSHA256 && cfg.Scheme != SchemeArgon2id:
		return nil, fmt.Errorf("%w: unknown scheme %q", ErrInvalidConfig, cfg.Scheme)
	case lim.MaxBcryptCost < bcryptMinCost || lim.MaxBcryptCost > bcryptMaxCost:
		return nil, fmt.Errorf("%w: MaxBcryptCost %d outside %d..%d", ErrInvalidConfig, lim.MaxBcryptCost, bcryptMinCost, bcryptMaxCost)
	case cfg.BcryptCost < bcryptMinCost || cfg.BcryptCost > lim.MaxBcryptCost:
		return nil, fmt.Errorf("%w: BcryptCost %d outside %d..%d", ErrInvalidConfig, cfg.BcryptCost, bcryptMinCost, lim.MaxBcryptCost)
	case cfg.Argon2.Time < 1 || cfg.Argon2.Parallelism < 1 || cfg.Argon2.Memory < 8*uint32(cfg.Argon2.Parallelism):
		return nil, fmt.Errorf("%w: argon2id needs t ≥ 1, p ≥ 1, m ≥ 8·p", ErrInvalidConfig)
	case lim.checkArgon2(cfg.Argon2) != nil:
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, lim.checkArgon2(cfg.Argon2))
	case cfg.Concurrency < 0:
		return nil, fmt.Errorf("%w: negative Concurrency", ErrInvalidConfig)
	}
	h := &Hasher{cfg: cfg, slots: newBound(cfg.Concurrency, max(cfg.MaxWaiting, 0))}
	if err := h.makeDummies(); err != nil {
		return nil, err
	}
	return h, nil
}

// Hash returns a new hash of pw in the configured scheme, with a fresh salt.
// It waits for a hashing slot (see [Config.Concurrency]) and returns
// [ErrBusy] if the queue is full or ctx ends first.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	p := []byte(pw)
	if err := checkLength(p); err != nil {
		return "", err
	}
	var out string
	err := h.run(ctx, func() (err error) {
		switch h.target(p) {
		case SchemeArgon2id:
			out, err = hashArgon2id(h, p)
		case SchemeBcryptSHA256:
			out, err = hashBcryptSHA256(h, p)
		default:
			out, err = hashBcrypt(h, p)
		}
		return err
	})
	return out, err
}

// Verify checks pw against a stored hash of any supported scheme: bcrypt
// "$2a$", "$2b$", "$2y$"; passlib bcrypt_sha256 v1 and v2; argon2id. It
// returns nil if pw matches, [ErrMismatch] if it does not, and other errors
// for a hash it refuses to try (malformed, unknown scheme, cost above the
// limits) or a password plain bcrypt cannot take. Treat every non-nil error
// as a failed login.
//
// needsRehash is true, after a match, when the hash is not what [Hasher.Hash]
// would write for pw now (another scheme, bcrypt ident or cost, argon2
// parameters, an old bcrypt_sha256 version): store a new hash of pw then.
func (h *Hasher) Verify(ctx context.Context, pw, hash string) (needsRehash bool, err error) {
	p := []byte(pw)
	if err := checkLength(p); err != nil {
		return false, err
	}
	s, err := parse(hash, h.cfg.Limits)
	if err != nil {
		return false, err
	}
	if err := s.accepts(p); err != nil {
		// Refuse only after the work DummyVerify does for an unknown user,
		// so that a long password does not tell known users from unknown
		// ones by the time the answer takes.
		if derr := h.DummyVerify(ctx, pw); !errors.Is(derr, ErrMismatch) {
			return false, derr
		}
		return false, err
	}
	if err := h.run(ctx, func() error { return s.verify(p) }); err != nil {
		return false, err
	}
	return !s.current(h, p), nil
}

// DummyVerify does the work of a [Hasher.Verify] of pw against a hash of the
// configured scheme and cost that matches no password, and returns
// [ErrMismatch] (or [ErrBusy] and the like, as Verify would). Call it when a
// login names an unknown user, so that the response takes as long as for a
// known user with a wrong password.
func (h *Hasher) DummyVerify(ctx context.Context, pw string) error {
	p := []byte(pw)
	if err := checkLength(p); err != nil {
		return err
	}
	s := h.dummy[h.target(p)]
	if err := h.run(ctx, func() error { return s.verify(p) }); err != nil {
		return err
	}
	return ErrMismatch // unreachable but for a 2^-184 chance
}

// Stats is a snapshot of a Hasher's load, for metrics.
type Stats struct {
	InFlight int // hash operations running now
	Waiting  int // callers queued for a slot
}

// Stats reports the current load.
func (h *Hasher) Stats() Stats {
	return Stats{InFlight: int(h.slots.inFlight.Load()), Waiting: int(h.slots.waiting.Load())}
}

// target is the scheme Hash writes for pw.
func (h *Hasher) target(pw []byte) Scheme {
	if h.cfg.Scheme == SchemeBcrypt && checkPlainBcrypt(pw) != nil {
		return SchemeBcryptSHA256
	}
	return h.cfg.Scheme
}

// run does one hash operation inside the concurrency bound.
func (h *Hasher) run(ctx context.Context, op func() error) error {
	if err := h.slots.acquire(ctx); err != nil {
		return err
	}
	defer h.slots.release()
	if h.hook != nil {
		h.hook()
	}
	return op()
}

func (h *Hasher) readRand(b []byte) error {
	if _, err := io.ReadFull(h.cfg.Rand, b); err != nil {
		return fmt.Errorf("password: reading salt: %w", err)
	}
	return nil
}

// makeDummies builds, for each scheme Hash may write, a well-formed hash
// with the configured cost and a random digest, so DummyVerify costs what
// Verify costs without computing a real hash at start-up.
func (h *Hasher) makeDummies() error {
	_, salt, err := bcryptSalt(h)
	if err != nil {
		return err
	}
	sum := make([]byte, 23)
	if err := h.readRand(sum); err != nil {
		return err
	}
	digest := bcryptB64.EncodeToString(sum)
	a := &argon2Hash{params: h.cfg.Argon2, salt: make([]byte, argon2SaltLen), key: make([]byte, argon2KeyLen)}
	if err := h.readRand(a.salt); err != nil {
		return err
	}
	if err := h.readRand(a.key); err != nil {
		return err
	}
	h.dummy = map[Scheme]stored{
		SchemeBcrypt:       &bcryptHash{raw: fmt.Sprintf("$2b$%02d$%s%s", h.cfg.BcryptCost, salt, digest), ident: 'b', cost: h.cfg.BcryptCost},
		SchemeBcryptSHA256: &bcryptSHA256Hash{version: 2, ident: 'b', cost: h.cfg.BcryptCost, salt: string(salt), digest: digest},
		SchemeArgon2id:     a,
	}
	return nil
}

func checkLength(pw []byte) error {
	switch {
	case len(pw) == 0:
		return ErrEmptyPassword
	case len(pw) > MaxPasswordBytes:
		return fmt.Errorf("%w: %d bytes > %d", ErrPasswordTooLong, len(pw), MaxPasswordBytes)
	}
	return nil
}

// stored is a parsed hash string.
type stored interface {
	// accepts refuses, before any work, a password the scheme cannot hash
	// faithfully.
	accepts(pw []byte) error
	// verify does the expensive work and compares in constant time: nil
	// or ErrMismatch.
	verify(pw []byte) error
	// current reports whether h.Hash(pw) would write this scheme and
	// parameters.
	current(h *Hasher, pw []byte) bool
}

var (
	_ stored = (*bcryptHash)(nil)
	_ stored = (*bcryptSHA256Hash)(nil)
	_ stored = (*argon2Hash)(nil)
)

// parse reads a stored hash string. It does no expensive work.
func parse(hash string, lim Limits) (stored, error) {
	if hash == "" || len(hash) > maxHashLen {
		return nil, fmt.Errorf("%w: length %d", ErrMalformedHash, len(hash))
	}
	for i := 0; i < len(hash); i++ {
		if hash[i] <= ' ' || hash[i] > '~' {
			return nil, fmt.Errorf("%w: byte %#x at %d", ErrMalformedHash, hash[i], i)
		}
	}
	switch {
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"), strings.HasPrefix(hash, "$2y$"):
		return parseBcrypt(hash, lim)
	case strings.HasPrefix(hash, bcryptSHA256Prefix):
		return parseBcryptSHA256(hash, lim)
	case strings.HasPrefix(hash, argon2idPrefix):
		return parseArgon2id(hash, lim)
	}
	// Name the scheme only if it looks like one: a "hash" column may hold
	// plaintext passwords, and errors end up in logs.
	if id, _, ok := strings.Cut(strings.TrimPrefix(hash, "$"), "$"); ok && hash[0] == '$' && len(id) <= 20 && isSchemeID(id) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownScheme, id)
	}
	return nil, fmt.Errorf("%w: not a modular crypt or PHC string", ErrUnknownScheme)
}

func isSchemeID(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
