package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// DefaultDatabase is the database [Open] uses when neither the URI's path
// nor [WithDatabase] names one.
const DefaultDatabase = "autospot"

// DefaultAttempts is how many times an operation that changes a record
// (see the package documentation, "Atomicity") or appends to the audit
// trail tries again after losing a race to a concurrent writer, before it
// gives up with [ErrContention].
const DefaultAttempts = 64

// Collection names. Every collection lives in the one database of a
// [Store]. Records that change (see the package documentation,
// "Atomicity") have a heads and a versions collection.
const (
	CollFamilies          = "refresh_families"
	CollRotations         = "refresh_rotations"
	CollFamilyRevocations = "refresh_revocations"
	CollEpochs            = "revocation_epochs"
	CollEpochVersions     = "revocation_epoch_versions"
	CollSessions          = "revoked_sessions"
	CollSessionVersions   = "revoked_session_versions"
	CollAudit             = "audit_records"
	CollUsers             = "users"
	CollUserVersions      = "user_versions"
	CollPending           = "pending_registrations"
	CollPendingVersions   = "pending_registration_versions"
	CollOTP               = "otp_codes"
	CollOTPVersions       = "otp_code_versions"
	CollAttempts          = "attempts"
	CollAttemptVersions   = "attempt_versions"
	CollResetTokens       = "reset_tokens"
)

// PruneGrace is how long after its expiry a document is deleted, by the
// TTL indexes or by [Store.Prune]. Queries check expiry themselves, so the
// grace never extends a lifetime; it only guarantees that a write that
// read a record just before it expired (and is still in flight) can never
// land in a chain that clean-up has already removed and that a later
// record with the same key starts again.
const PruneGrace = time.Hour

// pruneFilter selects documents whose clean-up time ("exp") passed more
// than PruneGrace before now.
func pruneFilter(now time.Time) bson.D {
	return bson.D{{Key: "exp", Value: bson.D{{Key: "$lt", Value: now.Add(-PruneGrace)}}}}
}

// Option configures [Open] and [New].
type Option func(*config) error

type config struct {
	database string
	logger   *slog.Logger
	attempts int
}

// WithDatabase names the database [Open] uses, overriding the one in the
// URI's path. [New] takes the name as an argument and ignores this option.
func WithDatabase(name string) Option {
	return func(c *config) error {
		if err := validDatabase(name); err != nil {
			return err
		}
		c.database = name
		return nil
	}
}

// WithLogger sets the logger that [Store.EnsureIndexes] reports skipped
// clean-up indexes to (at Info). The default discards. Nothing secret is
// ever logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidConfig)
		}
		c.logger = l
		return nil
	}
}

// WithAttempts sets how many times an operation tries before it returns
// [ErrContention] (default [DefaultAttempts]; at least 1). Between tries
// it waits a jittered backoff, doubling from 1 ms up to 50 ms.
func WithAttempts(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: attempts %d < 1", ErrInvalidConfig, n)
		}
		c.attempts = n
		return nil
	}
}

// Store is one MongoDB database holding AutoSpot Secure's collections. Its
// methods hand out the typed stores ([Store.RefreshStore],
// [Store.AuditStore] …) that implement the library's interfaces; they share
// the client. A Store is safe for concurrent use.
type Store struct {
	client *driver.Client
	db     *driver.Database
	owned  bool // Close disconnects the client
	cfg    config

	refresh    *RefreshStore
	revocation *RevocationStore
	audit      *AuditStore
	users      *UserStore
	pending    *PendingStore
	otp        *OTPStore
	attempts   *AttemptStore
	resets     *ResetStore
}

func newStore(client *driver.Client, dbName string, owned bool, cfg config) *Store {
	db := client.Database(dbName)
	return &Store{
		client: client, db: db, owned: owned, cfg: cfg,
		refresh:    newRefreshStore(db),
		revocation: newRevocationStore(db, cfg.attempts),
		audit:      newAuditStore(db, cfg.attempts),
		users:      newUserStore(db, cfg.attempts),
		pending:    newPendingStore(db, cfg.attempts),
		otp:        newOTPStore(db, cfg.attempts),
		attempts:   newAttemptStore(db, cfg.attempts),
		resets:     newResetStore(db),
	}
}

// RefreshStore returns the [auth.RefreshStore] of refresh-token families.
func (s *Store) RefreshStore() *RefreshStore { return s.refresh }

// RevocationStore returns the [auth.RevocationStore] of revocation epochs
// and logged-out sessions.
func (s *Store) RevocationStore() *RevocationStore { return s.revocation }

// AuditStore returns the [audit.Store] of the audit trail.
func (s *Store) AuditStore() *AuditStore { return s.audit }

// UserStore returns the [auth.UserStore] of accounts.
func (s *Store) UserStore() *UserStore { return s.users }

// PendingStore returns the [auth.PendingStore] of pending registrations.
func (s *Store) PendingStore() *PendingStore { return s.pending }

// OTPStore returns the [auth.OTPStore] of one-time codes.
func (s *Store) OTPStore() *OTPStore { return s.otp }

// AttemptStore returns the [auth.AttemptStore] of attempt counters and
// locks.
func (s *Store) AttemptStore() *AttemptStore { return s.attempts }

// ResetStore returns the [auth.ResetStore] of password-reset tokens.
func (s *Store) ResetStore() *ResetStore { return s.resets }

// Prune deletes what expired more than [PruneGrace] before now from every
// collection that has an expiry, and returns how many records (families, sessions, codes,
// registrations, counters, tokens) it deleted. On MongoDB the TTL indexes
// do this continuously; on servers without TTL indexes (FerretDB v1) run
// it periodically, e.g. hourly. Nothing Prune deletes is visible to
// queries anyway: expiry is checked in every query.
func (s *Store) Prune(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, p := range []func(context.Context, time.Time) (int, error){
		s.refresh.Prune, s.revocation.Prune, s.pending.Prune, s.otp.Prune, s.attempts.Prune, s.resets.Prune,
	} {
		n, err := p(ctx, now)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func newConfig(opts []Option) (config, error) {
	c := config{
		logger:   slog.New(slog.DiscardHandler),
		attempts: DefaultAttempts,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return config{}, err
		}
	}
	return c, nil
}

// Open connects to the MongoDB deployment at uri (the seed's MONGODB_URI,
// "mongodb://…" or "mongodb+srv://…"), checks that it answers, and
// creates the indexes ([Store.EnsureIndexes]). The database is the one
// named by [WithDatabase], else the URI's path ("mongodb://host/mydb"),
// else [DefaultDatabase]. Credentials, TLS, timeouts (timeoutMS), write
// concern and pool size come from the URI's options. The returned Store
// owns the client: call [Store.Close] when done.
//
// Errors never contain the URI, which may hold a password.
func Open(ctx context.Context, uri string, opts ...Option) (*Store, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.database == "" {
		cfg.database = uriDatabase(uri)
		if cfg.database == "" {
			cfg.database = DefaultDatabase
		}
		if err := validDatabase(cfg.database); err != nil {
			return nil, err
		}
	}
	co := options.Client().ApplyURI(uri)
	if co.Validate() != nil {
		// The driver's message may quote the URI; do not pass it on.
		return nil, fmt.Errorf("%w: malformed MongoDB URI", ErrInvalidConfig)
	}
	client, err := driver.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	s := newStore(client, cfg.database, true, cfg)
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongo: ping: %w", err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// New returns a Store on database dbName of a client the caller connected
// and keeps owning ([Store.Close] does not disconnect it). It does not
// touch the server: call [Store.EnsureIndexes] once before use — the
// unique indexes it creates are what keep e-mail addresses and user names
// unique.
func New(client *driver.Client, dbName string, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: nil client", ErrInvalidConfig)
	}
	if err := validDatabase(dbName); err != nil {
		return nil, err
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	cfg.database = dbName
	return newStore(client, dbName, false, cfg), nil
}

// Database returns the database the Store uses.
func (s *Store) Database() *driver.Database { return s.db }

// Close disconnects the client if [Open] created it; for a Store from
// [New] it does nothing.
func (s *Store) Close(ctx context.Context) error {
	if !s.owned {
		return nil
	}
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongo: disconnect: %w", err)
	}
	return nil
}

// uriDatabase returns the database named in a MongoDB URI's path, or "".
func uriDatabase(uri string) string {
	_, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "?")
	_, db, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return db
}

// validDatabase applies MongoDB's database-name rules.
func validDatabase(name string) error {
	if name == "" || len(name) > 63 || strings.ContainsAny(name, "/\\. \"$*<>:|?\x00") {
		return fmt.Errorf("%w: database name %q", ErrInvalidConfig, name)
	}
	return nil
}

// index is one index EnsureIndexes creates. A cleanup index is a TTL index
// that only deletes what every query already treats as expired; failing to
// create it because the server lacks TTL indexes is not an error.
type index struct {
	coll    string
	model   driver.IndexModel
	cleanup bool
}

func (s *Store) indexes() []index {
	ttl := func(coll string) index {
		return index{coll: coll, cleanup: true, model: driver.IndexModel{
			Keys:    bson.D{{Key: "exp", Value: 1}},
			Options: options.Index().SetName(coll + "_ttl").SetExpireAfterSeconds(int32(PruneGrace / time.Second)),
		}}
	}
	plain := func(coll, field string) index {
		return index{coll: coll, model: driver.IndexModel{
			Keys:    bson.D{{Key: field, Value: 1}},
			Options: options.Index().SetName(coll + "_" + field),
		}}
	}
	unique := func(coll, field string) index {
		return index{coll: coll, model: driver.IndexModel{
			Keys:    bson.D{{Key: field, Value: 1}},
			Options: options.Index().SetName(coll + "_" + field + "_unique").SetUnique(true),
		}}
	}
	ixs := []index{
		unique(CollUsers, "email"),
		unique(CollUsers, "username"),
		unique(CollAudit, "seq"), // also the _id (zero-padded); belt and braces
		plain(CollUsers, "s.roles"),
		plain(CollFamilies, "user"),
		plain(CollResetTokens, "user"),
		plain(CollAudit, "actor"),
		plain(CollAudit, "t"),
	}
	// Version collections: deleting a record's versions goes by key.
	for _, c := range []string{CollRotations, CollUserVersions} {
		ixs = append(ixs, plain(c, "k"))
	}
	// Everything with an expiry: heads and versions of expiring
	// registers, family revocations, reset tokens.
	for _, c := range []string{
		CollFamilies, CollRotations, CollFamilyRevocations, CollSessions, CollSessionVersions,
		CollPending, CollPendingVersions, CollOTP, CollOTPVersions, CollAttempts, CollAttemptVersions,
		CollResetTokens,
	} {
		ixs = append(ixs, ttl(c))
	}
	return ixs
}

// EnsureIndexes creates the indexes the stores rely on; it is idempotent
// and safe to run from several replicas at once. The unique indexes on
// the email and username of users are required: without them uniqueness
// is not enforced. Audit sequence numbers are unique as document ids (and
// under a unique index on seq); every other key is a document id.
//
// TTL indexes are clean-up only: every query checks expiry itself, so an
// expired document that is still there reads as absent. On servers without
// TTL indexes (FerretDB v1) the error is tolerated, reported to the
// [WithLogger] logger, and expired documents stay until the Prune methods
// ([RefreshStore.Prune], [RevocationStore.Prune] …) remove them.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, ix := range s.indexes() {
		_, err := s.db.Collection(ix.coll).Indexes().CreateOne(ctx, ix.model)
		if err == nil {
			continue
		}
		if ix.cleanup && unsupported(err) {
			s.cfg.logger.InfoContext(ctx, "mongo: TTL index not supported by the server; expired documents are removed only by Prune",
				slog.String("collection", ix.coll))
			continue
		}
		return fmt.Errorf("mongo: create index on %s: %w", ix.coll, err)
	}
	return nil
}

// unsupported reports whether err says the server lacks a feature.
func unsupported(err error) bool {
	var se driver.ServerError
	if !errors.As(err, &se) {
		return false
	}
	// 115 CommandNotSupported, 238 NotImplemented.
	if se.HasErrorCode(115) || se.HasErrorCode(238) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "not implemented") || strings.Contains(msg, "not supported")
}

// backoff sleeps before retry number attempt+1 of a lost race: full
// jitter, doubling from backoffBase up to backoffMax. It returns early
// with ctx's error.
func backoff(ctx context.Context, attempt int) error {
	d := min(backoffMax, backoffBase<<min(attempt, 16))
	t := time.NewTimer(rand.N(d) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff between lost races.
const (
	backoffBase = time.Millisecond
	backoffMax  = 50 * time.Millisecond
)

// notFound reports whether err is the driver's "no document".
func notFound(err error) bool { return errors.Is(err, driver.ErrNoDocuments) }
