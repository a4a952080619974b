package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/profile"
	"github.com/autospot/autospot/internal/server"
	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/ratelimit/redisstore"
	"github.com/autospot/autospot/store/bolt"
	"github.com/autospot/autospot/store/mongo"
	sredis "github.com/autospot/autospot/store/redis"
)

// stores are the backends chosen from the configuration.
type stores struct {
	users    auth.UserStore
	refresh  auth.RefreshStore
	revoke   auth.RevocationStore
	pending  auth.PendingStore
	otps     auth.OTPStore
	attempts auth.AttemptStore
	resets   auth.ResetStore
	trail    audit.Store
	profiles profile.Store
	rates    ratelimit.Store
	parking  parkingRepo
	ops      opsRepos
	// redis is the client of REDIS_URL (nil without it), for live updates.
	redis *goredis.Client
	ready []server.ReadyCheck
}

// openStores picks the backends: MongoDB for durable data when
// MONGODB_URI is set, else the embedded bbolt files under DataDir; Redis
// for short-lived state and rate limits when REDIS_URL is set, else the
// durable store and process memory.
func (a *App) openStores(ctx context.Context, cfg config.Config, o Options) (stores, error) {
	var st stores
	if cfg.MongoURI != "" {
		ms, err := mongo.Open(ctx, cfg.MongoURI, mongo.WithLogger(o.Logger))
		if err != nil {
			return st, fmt.Errorf("app: MongoDB: %w", err)
		}
		a.closers = append(a.closers, func() error {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			return ms.Close(cctx)
		})
		st.users, st.refresh, st.revoke, st.trail = ms.UserStore(), ms.RefreshStore(), ms.RevocationStore(), ms.AuditStore()
		st.pending, st.otps, st.attempts, st.resets = ms.PendingStore(), ms.OTPStore(), ms.AttemptStore(), ms.ResetStore()
		st.profiles = profile.NewMongoStore(ms.Database())
		if st.parking, err = openParkingMongo(ctx, ms); err != nil {
			return st, err
		}
		if st.ops, err = openOpsMongo(ctx, ms.Database()); err != nil {
			return st, err
		}
		a.pruners = append(a.pruners, func(ctx context.Context, now time.Time) error { _, err := ms.Prune(ctx, now); return err })
		st.ready = append(st.ready, server.ReadyCheck{Name: "mongodb", Check: func(ctx context.Context) error {
			return ms.Database().Client().Ping(ctx, nil)
		}})
	} else {
		db, err := bolt.Open(filepath.Join(cfg.DataDir, "autospot.db"))
		if err != nil {
			if errors.Is(err, bolt.ErrLocked) {
				return st, fmt.Errorf("app: %s is in use by another process (stop the server first): %w", filepath.Join(cfg.DataDir, "autospot.db"), err)
			}
			return st, fmt.Errorf("app: open embedded database: %w", err)
		}
		a.closers = append(a.closers, db.Close)
		st.users, st.refresh, st.revoke, st.trail = db.UserStore(), db.RefreshStore(), db.RevocationStore(), db.AuditStore()
		st.pending, st.otps, st.attempts, st.resets = db.PendingStore(), db.OTPStore(), db.AttemptStore(), db.ResetStore()
		a.pruners = append(a.pruners, func(ctx context.Context, now time.Time) error { _, err := db.Prune(ctx, now); return err })
		ps, err := profile.OpenBolt(filepath.Join(cfg.DataDir, "profiles.db"))
		if err != nil {
			return st, fmt.Errorf("app: profile store: %w", err)
		}
		a.closers = append(a.closers, ps.Close)
		st.profiles = ps
		if st.parking, err = a.openParkingBolt(cfg.DataDir); err != nil {
			return st, err
		}
		if st.ops, err = a.openOpsBolt(cfg.DataDir); err != nil {
			return st, err
		}
	}
	if cfg.RedisURL != "" {
		// One client (one connection pool) serves the account stores,
		// the rate limiter and live updates.
		opt, err := goredis.ParseURL(cfg.RedisURL)
		if err != nil {
			return st, errors.New("app: REDIS_URL does not parse")
		}
		client := goredis.NewClient(opt)
		a.closers = append(a.closers, client.Close)
		st.redis = client
		rs, err := sredis.New(client)
		if err != nil {
			return st, fmt.Errorf("app: Redis: %w", err)
		}
		st.revoke, st.attempts, st.otps, st.pending, st.resets = rs.Revocations(), rs.Attempts(), rs.OTPs(), rs.Pending(), rs.Resets()
		rl, err := redisstore.New(client)
		if err != nil {
			return st, err
		}
		st.rates = rl
		st.ready = append(st.ready, server.ReadyCheck{Name: "redis", Check: rs.Ping})
	} else {
		ms, err := ratelimit.NewMemoryStore()
		if err != nil {
			return st, err
		}
		a.closers = append(a.closers, ms.Close)
		st.rates = ms
	}
	return st, nil
}
