package bolt

import (
	"context"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileMode is the permission a new database file is created with: read
// and write for the owner only. The file holds password hashes and session
// state, so no one else may read it. An existing file keeps its mode.
const FileMode = 0o600

// DefaultLockTimeout is how long [Open] waits for another process to
// release the file's lock before it returns [ErrLocked].
const DefaultLockTimeout = 2 * time.Second

// formatVersion is the version of the on-disk layout (bucket names, keys
// and record encodings) this package reads and writes.
const formatVersion = 1

// Bucket names. Every bucket is created by Open, so that operations never
// create buckets and read-only transactions always find them.
const (
	bucketMeta = "meta"

	bucketFamilies       = "refresh.families"  // family id → family
	bucketFamiliesUser   = "refresh.byuser"    // lp(user id) + family id → ∅
	bucketFamiliesExpiry = "refresh.byexpiry"  // ms(expires) + family id → ∅
	bucketEpochs         = "revoke.epochs"     // user id → u64 epoch
	bucketSessions       = "revoke.sessions"   // session id → ms(until)
	bucketSessionsUntil  = "revoke.byuntil"    // ms(until) + session id → ∅
	bucketAudit          = "audit.records"     // u64 seq → record
	bucketAuditActor     = "audit.byactor"     // lp(actor) + u64 seq → ∅
	bucketUsers          = "users.byid"        // user id → user
	bucketUsersEmail     = "users.byemail"     // email → user id
	bucketUsersUsername  = "users.byusername"  // username → user id
	bucketPending        = "pending.byemail"   // email → registration
	bucketPendingExpiry  = "pending.byexpiry"  // ms(expires) + email → ∅
	bucketOTP            = "otp.codes"         // lp(purpose) + subject → code
	bucketOTPExpiry      = "otp.byexpiry"      // ms(expires) + key → ∅
	bucketAttempts       = "attempts.bykey"    // key → attempt state
	bucketAttemptsExpiry = "attempts.byexpiry" // ms(window end or lock) + key → ∅
	bucketReset          = "reset.byhash"      // hash → token
	bucketResetUser      = "reset.byuser"      // lp(user id) + hash → ∅
	bucketResetExpiry    = "reset.byexpiry"    // ms(expires) + hash → ∅
	keyVersion           = "version"
)

func allBuckets() []string {
	return []string{
		bucketMeta,
		bucketFamilies, bucketFamiliesUser, bucketFamiliesExpiry,
		bucketEpochs, bucketSessions, bucketSessionsUntil,
		bucketAudit, bucketAuditActor,
		bucketUsers, bucketUsersEmail, bucketUsersUsername,
		bucketPending, bucketPendingExpiry,
		bucketOTP, bucketOTPExpiry,
		bucketAttempts, bucketAttemptsExpiry,
		bucketReset, bucketResetUser, bucketResetExpiry,
	}
}

// Option configures [Open].
type Option func(*config)

type config struct {
	lockTimeout time.Duration
}

// WithLockTimeout sets how long [Open] waits for the file lock held by
// another process before it fails with [ErrLocked]. The default is
// [DefaultLockTimeout]; d must be positive (bbolt's "wait forever" is not
// offered: a second server started by mistake must fail, not hang). bbolt
// retries the lock every 50 ms, so shorter timeouts fail at once.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) { c.lockTimeout = d }
}

// DB is an open bbolt database file holding every store of this package.
// Open one DB per file and process, take the stores from it
// ([DB.RefreshStore], [DB.AuditStore] …), and Close it on shutdown. A DB
// and its stores are safe for concurrent use.
//
// Every write is one bbolt read-write transaction, committed and fsynced
// before the method returns: an acknowledged write survives a crash of the
// process or the machine. Writes are serialised by bbolt's single writer;
// reads run in parallel with them and with each other.
type DB struct {
	bolt *bbolt.DB
}

// Open opens the database file at path, creating it with [FileMode] if it
// does not exist, and creates the buckets it needs. The file is locked for
// as long as the DB is open: a second Open of the same file, from this or
// another process, waits for the lock timeout and then fails with
// [ErrLocked]. The parent directory must exist.
func Open(path string, opts ...Option) (*DB, error) {
	cfg := config{lockTimeout: DefaultLockTimeout}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.lockTimeout <= 0 {
		return nil, fmt.Errorf("%w: lock timeout %v must be positive", ErrInvalidConfig, cfg.lockTimeout)
	}
	if path == "" {
		return nil, fmt.Errorf("%w: empty path", ErrInvalidConfig)
	}
	bo := *bbolt.DefaultOptions // NoSync stays false: every commit is fsynced
	bo.Timeout = cfg.lockTimeout
	b, err := bbolt.Open(path, FileMode, &bo)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, cfg.lockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if err := b.Update(initBuckets); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	return &DB{bolt: b}, nil
}

func initBuckets(tx *bbolt.Tx) error {
	for _, name := range allBuckets() {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket([]byte(bucketMeta))
	v := meta.Get([]byte(keyVersion))
	if v == nil {
		return meta.Put([]byte(keyVersion), u64(formatVersion))
	}
	if len(v) != 8 || getU64(v) != formatVersion {
		return fmt.Errorf("%w: file has %x, this package writes %d", ErrVersion, v, formatVersion)
	}
	return nil
}

// Close releases the file and its lock. Operations after Close fail with
// [ErrClosed]; closing twice is not an error.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.bolt.Path() }

// Check walks the whole file and reports the first inconsistency bbolt
// finds in its pages (freelist, page references, ordering), or nil. It is
// for operators and tests (after a crash, say); it reads every page.
func (db *DB) Check(ctx context.Context) error {
	return db.view(ctx, "check", func(tx *bbolt.Tx) error {
		var first error
		for err := range tx.Check() { // drained: the checker blocks otherwise
			if first == nil {
				first = fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
		}
		return first
	})
}

// update runs fn in one read-write transaction, committed (and fsynced)
// before it returns. An error from fn or a context canceled before the
// commit rolls everything back. Errors fn returns are passed through (the
// stores return the interfaces' sentinels from fn); bbolt's own errors are
// wrapped with op.
func (db *DB) update(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var fnErr error
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		if fnErr = fn(tx); fnErr != nil {
			return fnErr
		}
		// Checked again after waiting for the writer lock: a caller
		// that gave up must not find its write stored.
		fnErr = ctx.Err()
		return fnErr
	})
	return db.mapErr(op, err, fnErr)
}

// view runs fn in one read-only transaction.
func (db *DB) view(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var fnErr error
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		fnErr = fn(tx)
		return fnErr
	})
	return db.mapErr(op, err, fnErr)
}

func (db *DB) mapErr(op string, err, fnErr error) error {
	switch {
	case err == nil:
		return nil
	case fnErr != nil && err == fnErr:
		return err
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return fmt.Errorf("bolt: %s: %w", op, ErrClosed)
	}
	return fmt.Errorf("bolt: %s: %w", op, err)
}

// bucket returns the named bucket of tx. Open created every bucket, so a
// missing one means the file was altered: the store reports ErrCorrupt
// rather than panicking.
func bucket(tx *bbolt.Tx, name string) (*bbolt.Bucket, error) {
	b := tx.Bucket([]byte(name))
	if b == nil {
		return nil, fmt.Errorf("%w: bucket %s missing", ErrCorrupt, name)
	}
	return b, nil
}

// buckets returns several buckets of tx, in the order named.
func buckets(tx *bbolt.Tx, names ...string) ([]*bbolt.Bucket, error) {
	out := make([]*bbolt.Bucket, len(names))
	for i, n := range names {
		b, err := bucket(tx, n)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
