package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/mongo"
)

// Open connects with the deployment's MONGODB_URI and hands out the stores
// the auth and audit packages consume. (It needs a server, so it has no
// Output and is only compiled.)
func Example() {
	ctx := context.Background()
	st, err := mongo.Open(ctx, os.Getenv("MONGODB_URI"), mongo.WithDatabase("autospot"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close(ctx)

	var (
		_ auth.RefreshStore    = st.RefreshStore()
		_ auth.RevocationStore = st.RevocationStore()
		_ auth.UserStore       = st.UserStore()
		_ auth.AttemptStore    = st.AttemptStore()
	)

	// Without TTL indexes (FerretDB v1), clean up periodically.
	n, err := st.Prune(ctx, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pruned", n)
}

// Driver errors come back as the interfaces' sentinel errors: a second
// account with the same email is auth.ErrEmailTaken, whichever replica
// created the first.
func Example_errors() {
	ctx := context.Background()
	st, err := mongo.Open(ctx, os.Getenv("MONGODB_URI"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close(ctx)
	users := st.UserStore()
	now := time.Now().UTC().Truncate(time.Millisecond)
	u := auth.User{ID: "u-1", Email: "alice@example.com", Username: "alice", PasswordHash: "…", CreatedAt: now, UpdatedAt: now}
	if err := users.Create(ctx, u); err != nil {
		log.Fatal(err)
	}
	u.ID, u.Username = "u-2", "alice2"
	err = users.Create(ctx, u)
	fmt.Println(errors.Is(err, auth.ErrEmailTaken))

	_, err = users.ByEmail(ctx, `{"$ne": ""}`) // just a string: no operator
	fmt.Println(errors.Is(err, auth.ErrUserNotFound))
}

// New wraps a client the application already has; EnsureIndexes must run
// once before the stores are used.
func ExampleNew() {
	ctx := context.Background()
	st0, err := mongo.Open(ctx, os.Getenv("MONGODB_URI")) // or mongo-driver's Connect
	if err != nil {
		log.Fatal(err)
	}
	defer st0.Close(ctx)
	st, err := mongo.New(st0.Database().Client(), "tenant_a")
	if err != nil {
		log.Fatal(err)
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Database().Name())
}
