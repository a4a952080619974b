package auth

import (
	"context"
	"sync"
	"time"
)

// maxCacheEntries bounds the revocation cache; when full, arbitrary entries
// are dropped (they are only a cache).
const maxCacheEntries = 1 << 16

type revKey struct{ user, session string }

type revEntry struct {
	st RevocationStatus
	at time.Time
}

// revocationCache remembers RevocationStore answers per (user, session) for
// ttl. Invalidations made by this process (Logout, LogoutAll, reuse) drop
// entries at once and bump gen, so that an answer fetched before the
// invalidation is not cached after it.
type revocationCache struct {
	ttl      time.Duration
	disabled bool

	mu  sync.RWMutex
	gen uint64
	m   map[revKey]revEntry
}

func newRevocationCache() *revocationCache {
	return &revocationCache{m: make(map[revKey]revEntry)}
}

func (c *revocationCache) status(ctx context.Context, store RevocationStore, user, session string, now time.Time) (RevocationStatus, error) {
	if c.ttl <= 0 {
		return store.Status(ctx, user, session, now.UTC().Truncate(time.Millisecond))
	}
	k := revKey{user, session}
	c.mu.RLock()
	e, ok := c.m[k]
	gen := c.gen
	c.mu.RUnlock()
	if ok {
		if age := now.Sub(e.at); age >= 0 && age < c.ttl {
			return e.st, nil
		}
	}
	st, err := store.Status(ctx, user, session, now.UTC().Truncate(time.Millisecond))
	if err != nil {
		return st, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.m) >= maxCacheEntries {
			n := 0
			for k := range c.m {
				delete(c.m, k)
				if n++; n >= maxCacheEntries/4 {
					break
				}
			}
		}
		c.m[k] = revEntry{st: st, at: now}
	}
	c.mu.Unlock()
	return st, nil
}

func (c *revocationCache) invalidate(match func(revKey) bool) {
	c.mu.Lock()
	c.gen++
	for k := range c.m {
		if match(k) {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

func (c *revocationCache) invalidateUser(user string) {
	c.invalidate(func(k revKey) bool { return k.user == user })
}

func (c *revocationCache) invalidateSession(session string) {
	c.invalidate(func(k revKey) bool { return k.session == session })
}
