package bolt

import (
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

// A version-1 user record as written before EmailSealed existed: id "u1",
// email "a@x.io", username "al", full name "Al", hash "h", roles
// [driver], no facility, created 2026-01-02T03:04:05.678Z, updated at the
// same time, never locked.
// (Computed independently of encodeUser from the codec's layout: version
// byte, length-prefixed strings, a counted list, times as a presence byte
// and a zig-zag varint of Unix milliseconds.)
const userV1Hex = "01027531066140782e696f02616c02416c016801066472697665720001dcbccccaef6601dcbccccaef6600"

func TestUserCodecVersions(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)
	plain := auth.User{ID: "u1", Email: "a@x.io", Username: "al", FullName: "Al", PasswordHash: "h",
		Roles: []auth.Role{auth.RoleDriver}, CreatedAt: at, UpdatedAt: at}
	t.Run("plain user keeps version 1", func(t *testing.T) {
		b := encodeUser(&plain)
		if b[0] != userVersion {
			t.Fatalf("version %d, want %d", b[0], userVersion)
		}
		got, err := decodeUser(b)
		if err != nil || !reflect.DeepEqual(got, plain) {
			t.Fatalf("got %+v %v", got, err)
		}
	})
	t.Run("version 1 record from before the change", func(t *testing.T) {
		b, err := hex.DecodeString(userV1Hex)
		if err != nil {
			t.Fatal(err)
		}
		if enc := encodeUser(&plain); hex.EncodeToString(enc) != userV1Hex {
			t.Fatalf("plain user encodes to %x, want the version-1 bytes %s", enc, userV1Hex)
		}
		got, err := decodeUser(b)
		if err != nil || !reflect.DeepEqual(got, plain) {
			t.Fatalf("got %+v %v", got, err)
		}
	})
	t.Run("sealed user is version 2", func(t *testing.T) {
		u := plain
		u.Email, u.EmailSealed = "kT3v9Zq0bX1mW8yR2cN5dF7hJ4gL6pS0aE1uI3oQ9xw", "sealed\x00bytes"
		b := encodeUser(&u)
		if b[0] != userVersionSealed {
			t.Fatalf("version %d, want %d", b[0], userVersionSealed)
		}
		got, err := decodeUser(b)
		if err != nil || !reflect.DeepEqual(got, u) {
			t.Fatalf("got %+v %v", got, err)
		}
		// Version 2 without its last field, and version 1 with one more,
		// are corrupt.
		if _, err := decodeUser(b[:len(b)-1]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("truncated v2: %v", err)
		}
		v1 := encodeUser(&plain)
		if _, err := decodeUser(append(v1, 0)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("v1 with trailing field: %v", err)
		}
		if _, err := decodeUser(append([]byte{3}, v1[1:]...)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("unknown version: %v", err)
		}
	})
}
