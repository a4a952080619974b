package mongo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/mongo"
)

var base = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestConfigErrors(t *testing.T) {
	ctx := t.Context()
	const secret = "s3cr3t-pa55"
	tests := []struct {
		name string
		open func() error
	}{
		{"malformed URI", func() error {
			_, err := mongo.Open(ctx, "mongodb://admin:"+secret+"@[::1/db?replicaSet=")
			return err
		}},
		{"bad scheme", func() error {
			_, err := mongo.Open(ctx, "http://admin:"+secret+"@example.com/")
			return err
		}},
		{"database name with a dot", func() error {
			_, err := mongo.Open(ctx, "mongodb://127.0.0.1:1/", mongo.WithDatabase("a.b"))
			return err
		}},
		{"database name in the URI", func() error {
			_, err := mongo.Open(ctx, "mongodb://127.0.0.1:1/a$b")
			return err
		}},
		{"zero attempts", func() error {
			_, err := mongo.Open(ctx, "mongodb://127.0.0.1:1/", mongo.WithAttempts(0))
			return err
		}},
		{"nil logger", func() error {
			_, err := mongo.Open(ctx, "mongodb://127.0.0.1:1/", mongo.WithLogger(nil))
			return err
		}},
		{"nil client", func() error {
			_, err := mongo.New(nil, "db")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.open()
			if !errors.Is(err, mongo.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error leaks the URI's password: %v", err)
			}
		})
	}
}

func TestEnsureIndexesIsIdempotentAndEnforcesUniqueness(t *testing.T) {
	var logs bytes.Buffer
	s := newTestStore(t, mongo.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	ctx := t.Context()
	// TTL indexes are created, or their absence is reported (FerretDB v1),
	// never silently skipped and never fatal.
	specs, err := s.Database().Collection(mongo.CollOTP).Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hasTTL := false
	for _, sp := range specs {
		hasTTL = hasTTL || sp.ExpireAfterSeconds != nil
	}
	if !hasTTL && !strings.Contains(logs.String(), "TTL index not supported") {
		t.Fatalf("no TTL index and nothing reported; log: %q", logs.String())
	}
	t.Logf("server has TTL indexes: %v", hasTTL)
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Through another handle (as a second replica would), bypassing the
	// classification in Create: the index itself refuses the duplicate.
	users := s.Database().Collection(mongo.CollUsers)
	if _, err := users.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "email", Value: "x@example.com"}, {Key: "username", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	_, err = users.InsertOne(ctx, bson.D{{Key: "_id", Value: "b"}, {Key: "email", Value: "x@example.com"}, {Key: "username", Value: "y"}})
	if !driver.IsDuplicateKeyError(err) {
		t.Fatalf("second insert with one email: %v", err)
	}
}

// TestFilterInjection checks that values shaped like query operators are
// plain strings: they match nothing, even with records present.
func TestFilterInjection(t *testing.T) {
	s := newTestStore(t)
	ctx := t.Context()
	users := s.UserStore()
	u := auth.User{ID: "u1", Email: "alice@example.com", Username: "alice", PasswordHash: "h", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: base, UpdatedAt: base}
	if err := users.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.RefreshStore().CreateFamily(ctx, auth.Family{ID: "f1", UserID: "u1", CreatedAt: base, ExpiresAt: base.Add(time.Hour), Head: "h0"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetStore().Put(ctx, auth.ResetToken{Hash: "r1", UserID: "u1", CreatedAt: base, ExpiresAt: base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.NewChain().Append(ctx, s.AuditStore(), audit.Entry{Time: base, Action: "a.b", Outcome: "success", Actor: "u1", Data: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	for _, evil := range []string{`{"$ne": ""}`, `{"$gt": ""}`, `{"$regex": ".*"}`, `$ne`, `.*`} {
		t.Run(evil, func(t *testing.T) {
			if _, err := users.ByEmail(ctx, evil); !errors.Is(err, auth.ErrUserNotFound) {
				t.Errorf("ByEmail: %v", err)
			}
			if _, err := users.ByUsername(ctx, evil); !errors.Is(err, auth.ErrUserNotFound) {
				t.Errorf("ByUsername: %v", err)
			}
			if _, err := users.ByID(ctx, evil); !errors.Is(err, auth.ErrUserNotFound) {
				t.Errorf("ByID: %v", err)
			}
			if p, err := users.List(ctx, auth.UserQuery{Search: evil}); err != nil || len(p.Users) != 0 {
				t.Errorf("List search: %d users, %v", len(p.Users), err)
			}
			if p, err := users.List(ctx, auth.UserQuery{Role: auth.Role(evil)}); err != nil || len(p.Users) != 0 {
				t.Errorf("List role: %d users, %v", len(p.Users), err)
			}
			if _, err := s.RefreshStore().Family(ctx, evil); !errors.Is(err, auth.ErrFamilyNotFound) {
				t.Errorf("Family: %v", err)
			}
			if _, err := s.ResetStore().Consume(ctx, evil, base); !errors.Is(err, auth.ErrResetNotFound) {
				t.Errorf("reset Consume: %v", err)
			}
			if p, err := s.AuditStore().Query(ctx, audit.Query{Actor: evil}); err != nil || len(p.Records) != 0 {
				t.Errorf("audit Query: %d records, %v", len(p.Records), err)
			}
		})
	}
	if _, err := users.ByEmail(ctx, u.Email); err != nil {
		t.Fatalf("the real email no longer matches: %v", err)
	}
}

// TestStaleHeadNeverReadsStale simulates what FerretDB v1's non-atomic
// updates can do to a head document (and what a crash between the version
// insert and the head update leaves): the head goes back to an old
// version. Reads and compare-and-swaps must still see the newest version.
func TestStaleHeadNeverReadsStale(t *testing.T) {
	s := newTestStore(t)
	ctx := t.Context()
	users := s.UserStore()
	if err := users.Create(ctx, auth.User{ID: "u1", Email: "a@example.com", Username: "a", PasswordHash: "h0", CreatedAt: base}); err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"h1", "h2", "h3"} {
		if err := users.UpdatePasswordHash(ctx, "u1", fmt.Sprintf("h%d", i), h, base.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Database().Collection(mongo.CollUsers).UpdateOne(ctx, bson.D{{Key: "_id", Value: "u1"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: int64(0)}, {Key: "s.pw", Value: "h0"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func() (auth.User, error){
		"ByID":    func() (auth.User, error) { return users.ByID(ctx, "u1") },
		"ByEmail": func() (auth.User, error) { return users.ByEmail(ctx, "a@example.com") },
	} {
		if u, err := read(); err != nil || u.PasswordHash != "h3" {
			t.Fatalf("%s after the head went back: %q, %v; want h3", name, u.PasswordHash, err)
		}
	}
	if err := users.UpdatePasswordHash(ctx, "u1", "h0", "evil", base); !errors.Is(err, auth.ErrUserChanged) {
		t.Fatalf("CAS against the stale head's hash: %v, want ErrUserChanged", err)
	}
	if err := users.UpdatePasswordHash(ctx, "u1", "h3", "h4", base); err != nil {
		t.Fatalf("CAS against the newest hash: %v", err)
	}
}

// TestAuditReplicas appends from two stores with their own clients, as two
// server replicas would: the chain stays one unbroken line, and each
// store's in-memory head hint catches up with the other's appends.
func TestAuditReplicas(t *testing.T) {
	uri := testenv.MongoURI(t)
	a := newTestStore(t)
	ctx := t.Context()
	b, err := mongo.Open(ctx, uri, mongo.WithDatabase(a.Database().Name()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	chain := audit.NewChain()
	const each = 30
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i, st := range []*mongo.Store{a, b} {
		wg.Go(func() {
			for j := range each {
				if _, err := chain.Append(ctx, st.AuditStore(), audit.Entry{Time: base, Action: "a.b", Outcome: "success", Actor: fmt.Sprintf("r%d", i), Data: fmt.Appendf(nil, `{"j":%d}`, j)}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, st := range []*mongo.Store{a, b} {
		h, err := chain.Verify(ctx, st.AuditStore(), 1, 0)
		if err != nil || h.Seq != 2*each {
			t.Fatalf("Verify = %+v, %v; want head %d", h, err, 2*each)
		}
	}
}

// TestAuditContention bounds the retries: with one attempt, losers of a
// race fail with ErrContention, store nothing, and the chain stays whole.
func TestAuditContention(t *testing.T) {
	s := newTestStore(t, mongo.WithAttempts(1))
	ctx := t.Context()
	chain := audit.NewChain()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, lost := 0, 0
	start := make(chan struct{})
	for i := range 8 {
		wg.Go(func() {
			<-start
			for range 5 {
				_, err := chain.Append(ctx, s.AuditStore(), audit.Entry{Time: base, Action: "a.b", Outcome: "success", Actor: fmt.Sprint(i), Data: []byte("{}")})
				mu.Lock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, mongo.ErrContention):
					lost++
				default:
					t.Error(err)
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	h, err := chain.Verify(ctx, s.AuditStore(), 1, 0)
	if err != nil || h.Seq != uint64(ok) {
		t.Fatalf("Verify = %+v, %v; want head %d (lost %d)", h, err, ok, lost)
	}
	t.Logf("%d appended, %d lost the race", ok, lost)
}

func TestPrune(t *testing.T) {
	s := newTestStore(t)
	ctx := t.Context()
	// f0 expires at +1h, f1 at +5h; at +3h (+1h grace) only f0 goes.
	late := base.Add(3 * time.Hour)
	for i, exp := range []time.Time{base.Add(time.Hour), base.Add(5 * time.Hour)} {
		id := fmt.Sprint("f", i)
		if err := s.RefreshStore().CreateFamily(ctx, auth.Family{ID: id, UserID: "u", CreatedAt: base, ExpiresAt: exp, Head: "h"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RefreshStore().RotateFamily(ctx, auth.Rotation{FamilyID: id, Presented: "h", Next: "h1", Now: base}); err != nil {
			t.Fatal(err)
		}
		if err := s.RevocationStore().RevokeSession(ctx, id, exp); err != nil {
			t.Fatal(err)
		}
		if err := s.OTPStore().Put(ctx, auth.OTP{Purpose: auth.PurposeReset, Subject: id, Hash: []byte("x"), CreatedAt: base, ExpiresAt: exp, MaxTries: 3}); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetStore().Put(ctx, auth.ResetToken{Hash: id, UserID: "u", CreatedAt: base, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AttemptStore().Reserve(ctx, id, 5, exp.Sub(base), base); err != nil {
			t.Fatal(err)
		}
		if err := s.PendingStore().Put(ctx, auth.PendingRegistration{Email: id, Ticket: "t", CreatedAt: base, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RevocationStore().BumpEpoch(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	// Until PruneGrace after f0's expiry nothing goes (a write still in
	// flight must find its chain); the check below sees f0's versions.
	if n, err := s.Prune(ctx, base.Add(time.Hour+mongo.PruneGrace-time.Minute)); err != nil || n != 0 {
		t.Fatalf("prune within the grace: %d records, %v; want 0", n, err)
	}
	f0versions := bson.D{{Key: "k", Value: bson.D{{Key: "$regex", Value: `(^|:)f0(@[0-9a-f]{16})?$`}}}}
	for _, c := range []string{mongo.CollRotations, mongo.CollOTPVersions, mongo.CollSessionVersions, mongo.CollPendingVersions, mongo.CollAttemptVersions} {
		if n, err := s.Database().Collection(c).CountDocuments(ctx, f0versions); err != nil || n == 0 {
			t.Fatalf("%s: %d versions of f0 before pruning, %v", c, n, err)
		}
	}
	n, err := s.Prune(ctx, late)
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Fatalf("pruned %d records, want 6 (one of each kind)", n)
	}
	if _, err := s.RefreshStore().Family(ctx, "f0"); !errors.Is(err, auth.ErrFamilyNotFound) {
		t.Fatalf("expired family: %v", err)
	}
	if f, err := s.RefreshStore().Family(ctx, "f1"); err != nil || f.Head != "h1" || f.Generation != 1 {
		t.Fatalf("live family after prune: %+v, %v", f, err)
	}
	if st, err := s.RevocationStore().Status(ctx, "u", "f1", late); err != nil || !st.SessionRevoked || st.Epoch != 1 {
		t.Fatalf("status after prune: %+v, %v", st, err)
	}
	if _, err := s.OTPStore().Try(ctx, auth.PurposeReset, "f1", late); err != nil {
		t.Fatalf("live code after prune: %v", err)
	}
	if _, err := s.PendingStore().Get(ctx, "f1", late); err != nil {
		t.Fatalf("live registration after prune: %v", err)
	}
	if st, err := s.AttemptStore().Reserve(ctx, "f1", 5, time.Hour, late); err != nil || st.Count != 2 {
		t.Fatalf("live counter after prune: %+v, %v", st, err)
	}
	if _, err := s.ResetStore().Consume(ctx, "f1", late); err != nil {
		t.Fatalf("live reset token after prune: %v", err)
	}
	// Nothing of the pruned keys is left behind in any collection.
	for _, c := range []string{mongo.CollRotations, mongo.CollOTPVersions, mongo.CollSessionVersions, mongo.CollPendingVersions, mongo.CollAttemptVersions} {
		n, err := s.Database().Collection(c).CountDocuments(ctx, f0versions, options.Count())
		if err != nil || n != 0 {
			t.Fatalf("%s: %d versions of a pruned key, %v", c, n, err)
		}
	}
}

// TestRecreatedUserIgnoresOldVersions: a version that a writer which read
// the old user inserts after the user was deleted must never show through
// a new user with the same id.
func TestRecreatedUserIgnoresOldVersions(t *testing.T) {
	s := newTestStore(t)
	ctx := t.Context()
	users := s.UserStore()
	u := auth.User{ID: "u1", Email: "a@example.com", Username: "a", PasswordHash: "old", CreatedAt: base}
	if err := users.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	var head struct {
		Inc string `bson:"inc"`
	}
	if err := s.Database().Collection(mongo.CollUsers).FindOne(ctx, bson.D{{Key: "_id", Value: "u1"}}).Decode(&head); err != nil || head.Inc == "" {
		t.Fatalf("incarnation: %q, %v", head.Inc, err)
	}
	if err := users.Delete(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	chain := "u1@" + head.Inc
	if _, err := s.Database().Collection(mongo.CollUserVersions).InsertOne(ctx, bson.D{
		{Key: "_id", Value: chain + "/00000000000000000001"}, {Key: "k", Value: chain}, {Key: "v", Value: int64(1)},
		{Key: "s", Value: bson.D{{Key: "pw", Value: "stale"}}},
	}); err != nil {
		t.Fatal(err)
	}
	u.PasswordHash = "fresh"
	if err := users.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, err := users.ByID(ctx, "u1"); err != nil || got.PasswordHash != "fresh" {
		t.Fatalf("recreated user reads %q, %v; want fresh", got.PasswordHash, err)
	}
}
