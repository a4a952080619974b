package redis_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/store/redis"
)

func TestNewErrors(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = c.Close() })
	tests := []struct {
		name   string
		client goredis.UniversalClient
		opts   []redis.Option
		want   error
	}{
		{"nil client", nil, nil, redis.ErrNilClient},
		{"negative grace", c, []redis.Option{redis.WithCleanupGrace(-time.Second)}, redis.ErrBadOption},
		{"huge grace", c, []redis.Option{redis.WithCleanupGrace(1 << 62)}, redis.ErrBadOption},
		{"nil clock", c, []redis.Option{redis.WithClock(nil)}, redis.ErrBadOption},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redis.New(tc.client, tc.opts...)
			if !errors.Is(err, tc.want) || s != nil {
				t.Fatalf("New = %v, %v; want nil, %v", s, err, tc.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	m := miniredis.RunT(t)
	m.RequireAuth("s3cret-pw")
	ctx := context.Background()

	t.Run("password and database", func(t *testing.T) {
		s, err := redis.Open("redis://:s3cret-pw@" + m.Addr() + "/3")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Revocations().BumpEpoch(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		m.Select(3)
		if keys := m.Keys(); len(keys) != 1 || !strings.HasPrefix(keys[0], redis.DefaultPrefix+"rev:epoch:") {
			t.Fatalf("keys in db 3: %q", keys)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(ctx); err == nil {
			t.Fatal("Ping after Close succeeded: Close did not close the client Open made")
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		s, err := redis.Open("redis://:wrong@" + m.Addr() + "/0")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Ping(ctx); err == nil {
			t.Fatal("Ping with a wrong password succeeded")
		}
	})
	for _, bad := range []string{
		"redis://:s3cret-pw@host:notaport/0",
		"redis://:s3cret-pw@host:6379/notadb",
		"http://:s3cret-pw@host:6379/0",
		"redis://:s3cret-pw@host:6379/0?dial_timeout=forever",
		"\x00redis://:s3cret-pw@host",
		"redis://:s3cret%zzpw@host:6379/0",
	} {
		t.Run("bad "+strings.ReplaceAll(bad, "\x00", "NUL"), func(t *testing.T) {
			s, err := redis.Open(bad)
			if !errors.Is(err, redis.ErrBadURL) || s != nil {
				t.Fatalf("Open = %v, %v; want ErrBadURL", s, err)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "zz") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

// New does not take ownership: Close leaves the caller's client open.
func TestCloseKeepsCallersClient(t *testing.T) {
	m := miniredis.RunT(t)
	c, _ := newClient(t, m.Addr())
	s := newStore(t, c)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("caller's client closed by Store.Close: %v", err)
	}
}

// Keys are prefix, kind and a hash: no caller-supplied byte reaches a key
// name, so ids holding the separator, glob characters or an email cannot
// collide with or reveal anything.
func TestKeysHashIDs(t *testing.T) {
	m := miniredis.RunT(t)
	c, _ := newClient(t, m.Addr())
	s := newStore(t, c, redis.WithPrefix("app:"))
	r := s.Revocations()
	ctx := context.Background()
	ids := []string{"alice@example.com", "a:b", "a", "rev:epoch:a", "*", strings.Repeat("x", 10000), "", "\x00\r\n"}
	for i, id := range ids {
		for range i + 1 {
			if _, err := r.BumpEpoch(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, id := range ids {
		st, err := r.Status(ctx, id, "", time.Now())
		if err != nil || st.Epoch != uint64(i+1) {
			t.Errorf("epoch of %.20q = %d, %v; want %d (ids collide)", id, st.Epoch, err, i+1)
		}
	}
	for _, k := range m.Keys() {
		rest, ok := strings.CutPrefix(k, "app:rev:epoch:")
		if !ok || len(rest) != 43 || strings.ContainsAny(rest, ":*?[]@ \x00") {
			t.Errorf("key %.60q is not prefix, kind and a 43-character hash", k)
		}
	}
}

// Commands that fail (server gone, context cancelled) come back wrapped,
// with the cause still visible to errors.Is.
func TestErrorsWrapped(t *testing.T) {
	m := miniredis.RunT(t)
	c, _ := newClient(t, m.Addr())
	r := newStore(t, c).Revocations()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.BumpEpoch(ctx, "u"); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "redis: bump epoch: ") {
		t.Errorf("cancelled BumpEpoch: %v", err)
	}
	if err := r.RevokeSession(ctx, "s", time.Now()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled RevokeSession: %v", err)
	}
	if _, err := r.Status(ctx, "u", "s", time.Now()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Status: %v", err)
	}

	m.Close()
	if _, err := r.Status(context.Background(), "u", "", time.Now()); err == nil || !strings.HasPrefix(err.Error(), "redis: revocation status: ") {
		t.Errorf("Status with the server gone: %v", err)
	}
}

// A key of the store's namespace holding something the store never writes
// is reported, not read as zero.
func TestUnexpectedValues(t *testing.T) {
	m := miniredis.RunT(t)
	c, _ := newClient(t, m.Addr())
	r := newStore(t, c).Revocations()
	ctx := context.Background()
	if _, err := r.BumpEpoch(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if err := r.RevokeSession(ctx, "s", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, k := range m.Keys() {
		if err := m.Set(k, "garbage"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Status(ctx, "u", "", time.Now()); !errors.Is(err, redis.ErrUnexpectedReply) {
		t.Errorf("Status, garbage epoch: %v", err)
	}
	if _, err := r.Status(ctx, "nobody", "s", time.Now()); !errors.Is(err, redis.ErrUnexpectedReply) {
		t.Errorf("Status, garbage session entry: %v", err)
	}
	if _, err := r.BumpEpoch(ctx, "u"); err == nil {
		t.Error("BumpEpoch of a garbage epoch succeeded")
	}
}
