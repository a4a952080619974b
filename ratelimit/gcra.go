package ratelimit

import (
	"context"
	"time"
)

// Store decides requests against a policy, keeping one GCRA state (the
// theoretical arrival time) per key. Implementations must make each
// decision atomic, so N concurrent callers get exactly the policy's
// allowance between them, and must be safe for concurrent use.
//
// [MemoryStore] keeps state in process; ratelimit/redisstore shares it
// between replicas through Redis.
type Store interface {
	// Allow records one request for key under p and reports whether it
	// conforms. An error means no decision was made (backend down,
	// invalid policy); the HTTP middleware then applies the rule's
	// [FailMode].
	Allow(ctx context.Context, key string, p Policy) (Decision, error)
}

// Decision is the outcome of one [Store.Allow] call.
type Decision struct {
	// Allowed reports whether the request conforms to the policy.
	Allowed bool
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// RetryAfter is how long to wait before the next request would be
	// allowed; zero when Allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the key is back to its full burst (its
	// state can then be forgotten).
	ResetAfter time.Duration
}

// NewDecision builds the [Decision] for a GCRA step, for [Store]
// implementations that run the algorithm elsewhere (a Redis script):
// allowed is whether the request conformed, and untilTAT is how far the
// stored theoretical arrival time lies ahead of now after the step
// (clamped at zero).
func NewDecision(p Policy, allowed bool, untilTAT time.Duration) Decision {
	interval, tolerance, err := p.params()
	if err != nil {
		return Decision{}
	}
	return decision(allowed, int64(untilTAT), interval, tolerance)
}

func decision(allowed bool, untilTAT, interval, tolerance int64) Decision {
	if untilTAT < 0 {
		untilTAT = 0
	}
	d := Decision{Allowed: allowed, ResetAfter: time.Duration(untilTAT)}
	if allowed {
		if free := tolerance - untilTAT; free > 0 {
			d.Remaining = int(free / interval)
		}
		return d
	}
	if wait := untilTAT + interval - tolerance; wait > 0 {
		d.RetryAfter = time.Duration(wait)
	} else {
		d.RetryAfter = 1 // a denial always has a positive wait
	}
	return d
}

// gcra runs one step of the generic cell rate algorithm at time now (any
// unit, as long as all four arguments share it). tat is the stored
// theoretical arrival time (0 if none). It returns the tat to store (equal
// to the old one when denied) and whether the request conforms.
func gcra(now, tat, interval, tolerance int64) (newTAT int64, allowed bool) {
	if tat < now {
		tat = now
	}
	next := tat + interval
	if next-tolerance > now {
		return tat, false
	}
	return next, true
}
