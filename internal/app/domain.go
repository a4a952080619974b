package app

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/boltrepo"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/mongorepo"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/internal/server"
	"github.com/autospot/autospot/store/mongo"
)

// parkingRepo is one backend holding both maps and rates.
type parkingRepo interface {
	parking.MapRepository
	parking.RateRepository
}

// openParkingMongo opens the parking repositories in the MongoDB database
// the account stores use.
func openParkingMongo(ctx context.Context, ms *mongo.Store) (parkingRepo, error) {
	pr, err := mongorepo.New(ms.Database())
	if err != nil {
		return nil, fmt.Errorf("app: parking store: %w", err)
	}
	if err := pr.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("app: parking indexes: %w", err)
	}
	return pr, nil
}

// openParkingBolt opens the embedded parking file beside autospot.db.
func (a *App) openParkingBolt(dataDir string) (parkingRepo, error) {
	pr, err := boltrepo.Open(filepath.Join(dataDir, "parking.db"))
	if err != nil {
		return nil, fmt.Errorf("app: parking store: %w", err)
	}
	a.closers = append(a.closers, pr.Close)
	return pr, nil
}

// parkingMount seeds the original's example map and rate table (once) and
// returns the mount that serves the parking API behind the server's chain.
func parkingMount(ctx context.Context, repo parkingRepo, now func() time.Time) (server.Mount, error) {
	if err := parkingapi.Seed(ctx, repo, repo); err != nil {
		return nil, fmt.Errorf("app: seed parking data: %w", err)
	}
	quoter, err := fare.NewQuoter(fare.WithClock(now))
	if err != nil {
		return nil, fmt.Errorf("app: fare quoter: %w", err)
	}
	return func(mux *http.ServeMux, env server.MountEnv) error {
		_, err := parkingapi.Register(mux, parkingapi.Deps{
			Maps: repo, Rates: repo, Quoter: quoter, Now: now,
			Authenticate: env.Authenticate, RBAC: env.RBAC, Limiter: env.Limiter, Logger: env.Logger,
		})
		return err
	}, nil
}
