package testenv_test

import (
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/autospot/autospot/internal/testenv"
)

func TestDBNameUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := testenv.DBName("pfx")
		if !strings.HasPrefix(n, "pfx_") {
			t.Fatalf("%q does not start with the prefix", n)
		}
		if len(n) > 63 {
			t.Fatalf("%q is longer than a database name may be", n)
		}
		if seen[n] {
			t.Fatalf("%q handed out twice", n)
		}
		seen[n] = true
	}
}

func TestSkipWithoutVariables(t *testing.T) {
	t.Run("mongo", func(t *testing.T) {
		t.Setenv(testenv.MongoURIEnv, "")
		testenv.MongoDB(t, "never")
		t.Fatal("MongoDB did not skip with the variable unset")
	})
	t.Run("redis", func(t *testing.T) {
		t.Setenv(testenv.RedisAddrEnv, "")
		testenv.RedisAddr(t)
		t.Fatal("RedisAddr did not skip with the variable unset")
	})
}

// TestMongoDB writes to the database it is given, and finds that a second
// call gets a different, empty one.
func TestMongoDB(t *testing.T) {
	db := testenv.MongoDB(t, "testenv")
	if _, err := db.Collection("c").InsertOne(t.Context(), bson.D{{Key: "k", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	other := testenv.MongoDB(t, "testenv")
	if other.Name() == db.Name() {
		t.Fatalf("two calls share database %s", db.Name())
	}
	n, err := other.Collection("c").CountDocuments(t.Context(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("fresh database holds %d documents", n)
	}
}

func TestRedisAddr(t *testing.T) {
	if addr := testenv.RedisAddr(t); !strings.Contains(addr, ":") {
		t.Fatalf("address %q is not host:port", addr)
	}
}

func TestRedisClientAndPrefix(t *testing.T) {
	m := miniredis.RunT(t)
	c, h := testenv.RedisClient(t, m.Addr())
	var prefix string
	t.Run("sub test", func(t *testing.T) {
		prefix = testenv.RedisPrefix(t, c, "testenv")
		if !strings.HasPrefix(prefix, "autospot-test:testenv:") {
			t.Fatalf("prefix %q", prefix)
		}
		if other := testenv.RedisPrefix(t, c, "testenv"); other == prefix {
			t.Fatalf("two calls gave one prefix %q", prefix)
		}
		for _, k := range []string{"a", "b"} {
			if err := c.Set(t.Context(), prefix+k, "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
	if err := c.Set(t.Context(), "outside", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	keys := m.Keys()
	if len(keys) != 1 || keys[0] != "outside" {
		t.Fatalf("keys after the test ended: %q, want only the one outside the prefix", keys)
	}
	if n := h.Load(); n < 3 {
		t.Fatalf("counter saw %d commands, want at least the 2 SETs and the clean-up", n)
	}
}
