package mongorepo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/mongorepo"
)

// New takes the database the server already uses. (It needs a server, so
// it has no Output and is only compiled.)
func Example() {
	ctx := context.Background()
	client, err := driver.Connect(options.Client().ApplyURI(os.Getenv("MONGODB_URI")))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Disconnect(ctx)
	s, err := mongorepo.New(client.Database("autospot"))
	if err != nil {
		log.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		log.Fatal(err)
	}
	var (
		_ parking.MapRepository  = s
		_ parking.RateRepository = s
	)
	_, err = s.CreateMap(ctx, parking.ExampleMap())
	if errors.Is(err, parking.ErrDuplicate) {
		fmt.Println("already seeded")
	}
}

// A nil database is a configuration error, reported rather than panicking.
func ExampleNew_error() {
	_, err := mongorepo.New(nil)
	fmt.Println(errors.Is(err, mongorepo.ErrInvalidConfig))
	// Output: true
}
