package app

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	goredis "github.com/redis/go-redis/v9"
	bbolt "go.etcd.io/bbolt"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/openapi"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/boltrepo"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/mongorepo"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/internal/qrscan"
	"github.com/autospot/autospot/internal/server"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
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
// sessions and hub make its slot overrides respect active parking sessions
// and publish on the live stream, as the operations API's do.
func parkingMount(ctx context.Context, repo parkingRepo, now func() time.Time, sessions session.Repository, hub live.Hub) (server.Mount, error) {
	if err := parkingapi.Seed(ctx, repo, repo); err != nil {
		return nil, fmt.Errorf("app: seed parking data: %w", err)
	}
	quoter, err := fare.NewQuoter(fare.WithClock(now))
	if err != nil {
		return nil, fmt.Errorf("app: fare quoter: %w", err)
	}
	return func(mux *http.ServeMux, env server.MountEnv) error {
		_, err := parkingapi.Register(mux, parkingapi.Deps{
			Maps: repo, Rates: repo, Quoter: quoter, Now: now, Sessions: sessions, Hub: hub,
			Authenticate: env.Authenticate, RBAC: env.RBAC, Limiter: env.Limiter, Logger: env.Logger,
		})
		return err
	}, nil
}

// opsRepos are the parking-operations repositories (issue 12): sessions,
// wallets, subscriptions and emission records.
type opsRepos struct {
	sessions      session.Repository
	wallets       wallet.Repository
	subscriptions subscription.Repository
	emissions     emissions.Repository
	scans         qrscan.Repository
}

// openOpsMongo opens the operations repositories in the MongoDB database
// the account stores use.
func openOpsMongo(ctx context.Context, db *driver.Database) (opsRepos, error) {
	var r opsRepos
	var err error
	if r.sessions, err = session.NewMongo(ctx, db); err != nil {
		return r, fmt.Errorf("app: session store: %w", err)
	}
	if r.wallets, err = wallet.NewMongo(ctx, db); err != nil {
		return r, fmt.Errorf("app: wallet store: %w", err)
	}
	if r.subscriptions, err = subscription.NewMongo(ctx, db); err != nil {
		return r, fmt.Errorf("app: subscription store: %w", err)
	}
	if r.emissions, err = emissions.NewMongo(ctx, db); err != nil {
		return r, fmt.Errorf("app: emissions store: %w", err)
	}
	if r.scans, err = qrscan.NewMongo(ctx, db); err != nil {
		return r, fmt.Errorf("app: QR scan store: %w", err)
	}
	return r, nil
}

// openOpsBolt opens the embedded operations file beside autospot.db.
func (a *App) openOpsBolt(dataDir string) (opsRepos, error) {
	var r opsRepos
	path := filepath.Join(dataDir, "operations.db")
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return r, fmt.Errorf("app: open %s: %w", path, err)
	}
	a.closers = append(a.closers, db.Close)
	if r.sessions, err = session.NewBolt(db); err != nil {
		return r, fmt.Errorf("app: session store: %w", err)
	}
	if r.wallets, err = wallet.NewBolt(db); err != nil {
		return r, fmt.Errorf("app: wallet store: %w", err)
	}
	if r.subscriptions, err = subscription.NewBolt(db); err != nil {
		return r, fmt.Errorf("app: subscription store: %w", err)
	}
	if r.emissions, err = emissions.NewBolt(db); err != nil {
		return r, fmt.Errorf("app: emissions store: %w", err)
	}
	if r.scans, err = qrscan.NewBolt(db); err != nil {
		return r, fmt.Errorf("app: QR scan store: %w", err)
	}
	return r, nil
}

// opsDeps assembles the operations API's dependencies. The entrance-QR
// signing key is derived from the audit key with its own label, like the
// one-time-code key; live slot updates go through Redis when redisClient
// is set, so that every replica's streams see them.
func (a *App) opsDeps(ctx context.Context, cfg config.Config, st stores, tokens *auth.Service, lg *audit.Logger, o Options, redisClient *goredis.Client) (opsapi.Deps, error) {
	qr, err := entryqr.New(deriveKey(cfg.AuditKey, "autospot/entry-qr"))
	if err != nil {
		return opsapi.Deps{}, fmt.Errorf("app: entrance QR key: %w", err)
	}
	var hub live.Hub
	if redisClient != nil {
		h, err := live.NewRedis(ctx, redisClient, nil, live.WithLogger(o.Logger), live.WithUnconfirmedStart())
		if err != nil {
			return opsapi.Deps{}, fmt.Errorf("app: live updates over Redis: %w", err)
		}
		a.closers = append(a.closers, h.Close)
		hub = h
	} else {
		h, err := live.NewLocal()
		if err != nil {
			return opsapi.Deps{}, err
		}
		a.closers = append(a.closers, h.Close)
		hub = h
	}
	return opsapi.Deps{
		Auth: tokens, RBAC: auth.DefaultRBAC(),
		Maps: st.parking, Rates: st.parking,
		Sessions: st.ops.sessions, Wallets: st.ops.wallets,
		Subscriptions: st.ops.subscriptions, Emissions: st.ops.emissions, Scans: st.ops.scans,
		QR: qr, Hub: hub, Now: o.Now, Logger: o.Logger, Audit: lg,
	}, nil
}

// opsMount serves the operations API and the OpenAPI document behind the
// server's chain.
func opsMount(d opsapi.Deps) server.Mount {
	return func(mux *http.ServeMux, _ server.MountEnv) error {
		if err := opsapi.Register(mux, d); err != nil {
			return err
		}
		mux.Handle(openapi.Pattern, openapi.Handler())
		return nil
	}
}
