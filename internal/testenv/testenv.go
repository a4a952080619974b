package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The environment variables the server-backed tests read.
const (
	MongoURIEnv  = "AUTOSPOT_TEST_MONGODB_URI"
	RedisAddrEnv = "AUTOSPOT_TEST_REDIS_ADDR"
)

// ClientTimeout bounds every operation of the clients [MongoDB] creates,
// so a stalled server fails the test instead of hanging it.
const ClientTimeout = 20 * time.Second

// cleanupTimeout bounds the drop and disconnect at the end of a test.
const cleanupTimeout = 10 * time.Second

// dbSeq numbers the databases this process creates; with the process id it
// keeps names unique across parallel tests and test binaries.
var dbSeq atomic.Int64

// MongoURI returns the URI in AUTOSPOT_TEST_MONGODB_URI, or skips t when
// it is unset.
func MongoURI(t testing.TB) string {
	t.Helper()
	uri := os.Getenv(MongoURIEnv)
	if uri == "" {
		t.Skip(MongoURIEnv + " is not set: skipping the MongoDB test (set it to a mongodb:// URI, e.g. mongodb://127.0.0.1:27018/; .ci/run starts a server and sets it)")
	}
	return uri
}

// RedisAddr returns the host:port in AUTOSPOT_TEST_REDIS_ADDR, or skips t
// when it is unset.
func RedisAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(RedisAddrEnv)
	if addr == "" {
		t.Skip(RedisAddrEnv + " is not set: skipping the real-Redis test (set it to host:port, e.g. 127.0.0.1:16379; .ci/run starts redis-server and sets it)")
	}
	return addr
}

// DBName returns a database name starting with prefix that no other call,
// test or test process uses: prefix_<pid>_<counter>_<random hex>.
func DBName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s_%d_%d_%s", prefix, os.Getpid(), dbSeq.Add(1), hex.EncodeToString(b[:]))
}

// MongoDB connects to the server in AUTOSPOT_TEST_MONGODB_URI (skipping t
// when it is unset) and returns a fresh database named by [DBName] from
// prefix. The client's operations are bounded by [ClientTimeout]. When t
// ends the database is dropped and the client disconnected; a failed drop
// is logged, not failed, since the test's own result is what matters.
func MongoDB(t testing.TB, prefix string) *mongo.Database {
	t.Helper()
	uri := MongoURI(t)
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(ClientTimeout))
	if err != nil {
		t.Fatalf("testenv: connect to %s: %v", MongoURIEnv, err)
	}
	db := client.Database(DBName(prefix))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Logf("testenv: drop %s: %v", db.Name(), err)
		}
		_ = client.Disconnect(ctx)
	})
	return db
}
