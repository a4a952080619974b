package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
)

func TestFamilyRoundTrip(t *testing.T) {
	ms := func(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }
	tests := []struct {
		name string
		f    auth.Family
	}{
		{"zero", auth.Family{}},
		{"fresh", auth.Family{ID: "f", UserID: "u", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: ms(time.Now()), ExpiresAt: ms(time.Now().Add(time.Hour)), Head: "h"}},
		{"everything", auth.Family{
			ID: "ünï\x00cødé", UserID: "u\xff", Roles: []auth.Role{"", auth.RoleAdmin, auth.RoleOperator}, Facility: "westfield",
			Epoch: 1<<64 - 1, CreatedAt: time.UnixMilli(-62135596800000 + 1).UTC(), ExpiresAt: time.UnixMilli(1 << 50).UTC(),
			Head: "h2", Prev: "h1", RotatedAt: time.UnixMilli(-1).UTC(), Salt: "s", Generation: 1 << 40,
			RevokedAt: time.UnixMilli(0).UTC(), RevokeReason: "reuse",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeFamily(encodeFamily(&tt.f))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.f) {
				t.Fatalf("round trip\n got %#v\nwant %#v", got, tt.f)
			}
		})
	}
}

func TestDecodeRejectsDamagedRecords(t *testing.T) {
	good := encodeFamily(&auth.Family{ID: "f", UserID: "u", Roles: []auth.Role{auth.RoleDriver}, Head: "h"})
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"unknown version", append([]byte{99}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"huge length", []byte{familyVersion, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"huge role count", []byte{familyVersion, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeFamily(tt.b); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decode = %v, want ErrCorrupt", err)
			}
		})
	}
}

// The decoders read bytes from a file that may have been damaged: they
// must fail cleanly, never panic, and whatever they accept must survive a
// second round trip unchanged.
func FuzzDecodeFamily(f *testing.F) {
	f.Add(encodeFamily(&auth.Family{ID: "f", UserID: "u", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: time.UnixMilli(1).UTC(), Head: "h"}))
	f.Add([]byte{familyVersion})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		fam, err := decodeFamily(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not match ErrCorrupt", err)
			}
			return
		}
		again, err := decodeFamily(encodeFamily(&fam))
		if err != nil || !reflect.DeepEqual(again, fam) {
			t.Fatalf("second round trip: %v\n got %#v\nwant %#v", err, again, fam)
		}
	})
}

func FuzzDecodeRecord(f *testing.F) {
	chain := audit.NewChain()
	r := chain.Seal(audit.Link{}, audit.Entry{Time: time.UnixMilli(5), Action: "a.b", Outcome: "success", Actor: "x", Data: []byte(`{}`)})
	f.Add(encodeRecord(&r))
	f.Add([]byte{recordVersion, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decodeRecord(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not match ErrCorrupt", err)
			}
			return
		}
		again, err := decodeRecord(encodeRecord(&rec))
		if err != nil || !reflect.DeepEqual(again, rec) {
			t.Fatalf("second round trip: %v\n got %#v\nwant %#v", err, again, rec)
		}
	})
}

// Prune works in transactions of PruneBatch and loops until done.
func TestPruneInBatches(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	base := time.UnixMilli(1_700_000_000_000).UTC()
	const n = 2*PruneBatch + 7
	// One transaction instead of n fsyncs, through the public layout.
	err = db.update(ctx, "fill", func(tx *bbolt.Tx) error {
		sessions, byUntil := tx.Bucket([]byte(bucketSessions)), tx.Bucket([]byte(bucketSessionsUntil))
		for i := range n {
			id := []byte{byte(i >> 8), byte(i)}
			k := msKey(base.Add(time.Duration(i) * time.Millisecond))
			if err := sessions.Put(id, k); err != nil {
				return err
			}
			if err := byUntil.Put(join(k, id), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RevocationStore().RevokeSession(ctx, "live", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := db.RevocationStore().Prune(ctx, base.Add(time.Minute))
	if err != nil || got != n {
		t.Fatalf("Prune = %d, %v; want %d", got, err, n)
	}
	err = db.view(ctx, "count", func(tx *bbolt.Tx) error {
		if s, u := tx.Bucket([]byte(bucketSessions)).Stats().KeyN, tx.Bucket([]byte(bucketSessionsUntil)).Stats().KeyN; s != 1 || u != 1 {
			t.Errorf("%d sessions and %d index entries left, want 1 and 1", s, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzDecodeAccountRecords feeds the same bytes to every account record
// decoder.
func FuzzDecodeAccountRecords(f *testing.F) {
	now := time.UnixMilli(1_700_000_000_000).UTC()
	f.Add(encodeUser(&auth.User{ID: "u", Email: "e", Username: "n", Roles: []auth.Role{auth.RoleAdmin}, CreatedAt: now}))
	f.Add(encodePending(&auth.PendingRegistration{Email: "e", Ticket: "t", ExpiresAt: now}))
	f.Add(encodeOTP(&auth.OTP{Purpose: auth.PurposeReset, Subject: "s", Salt: []byte{1}, Hash: []byte{2}, Tries: 1, MaxTries: 5}))
	f.Add(encodeAttempt(&attempt{count: 3, windowEnd: now}))
	f.Add(encodeReset(&auth.ResetToken{Hash: "h", UserID: "u", ExpiresAt: now}))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(what string, err, again error, same bool) {
			t.Helper()
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: error %v does not match ErrCorrupt", what, err)
			}
			if err == nil && (again != nil || !same) {
				t.Fatalf("%s: second round trip differs (%v)", what, again)
			}
		}
		if u, err := decodeUser(b); err == nil {
			u2, err2 := decodeUser(encodeUser(&u))
			check("user", nil, err2, reflect.DeepEqual(u, u2))
		} else {
			check("user", err, nil, true)
		}
		if p, err := decodePending(b); err == nil {
			p2, err2 := decodePending(encodePending(&p))
			check("pending", nil, err2, reflect.DeepEqual(p, p2))
		} else {
			check("pending", err, nil, true)
		}
		if o, err := decodeOTP(b); err == nil {
			o2, err2 := decodeOTP(encodeOTP(&o))
			check("otp", nil, err2, reflect.DeepEqual(o, o2))
		} else {
			check("otp", err, nil, true)
		}
		if a, err := decodeAttempt(b); err == nil {
			a2, err2 := decodeAttempt(encodeAttempt(&a))
			check("attempt", nil, err2, reflect.DeepEqual(a, a2))
		} else {
			check("attempt", err, nil, true)
		}
		if r, err := decodeReset(b); err == nil {
			r2, err2 := decodeReset(encodeReset(&r))
			check("reset", nil, err2, reflect.DeepEqual(r, r2))
		} else {
			check("reset", err, nil, true)
		}
	})
}
