package app

import (
	"context"
	"errors"

	"github.com/autospot/autospot/internal/config"
)

// ErrMongoNotWired is returned when MONGODB_URI is set in a build whose
// store/mongo backend is not yet wired into the server (the backend was
// still being written when the server was built: its refresh, revocation,
// audit and user stores must land first). The server refuses to start
// rather than silently keep production data in a local file.
var ErrMongoNotWired = errors.New("app: MONGODB_URI is set, but this build does not wire store/mongo yet; unset it to use the embedded database")

func openMongo(_ context.Context, _ config.Config) error {
	return ErrMongoNotWired
}
