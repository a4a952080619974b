#!/usr/bin/env bash
# Re-runs every side-by-side comparison that BENCHMARKS.md quotes, each in
# one `go test -bench` run so the library and its baseline see the same
# machine, and writes the raw output under $OUT (default bench/results).
# Needs Go; benchstat (go install golang.org/x/perf/cmd/benchstat@latest)
# for the summaries. Redis/MongoDB figures need AUTOSPOT_TEST_REDIS_ADDR /
# AUTOSPOT_TEST_MONGODB_URI and are skipped without them.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-bench/results}"
mkdir -p "$OUT"
export PATH="$(go env GOPATH)/bin:$PATH"
run() { # name, then go test args
  local name=$1; shift
  echo "== $name: go test $*" >&2
  go test -run '^$' -benchmem "$@" | tee "$OUT/$name.txt"
}

# password (issue 2): Verify at cost 12 vs bare bcrypt.CompareHashAndPassword.
run password -bench '^Benchmark(Verify|BareBcrypt)$/cost=12' -benchtime 10x -count 8 ./password
# password: a cheap request's latency beside 100 cost-12 logins, bounded vs unbounded.
run password-flood -bench '^BenchmarkCheapBesideFlood$' -benchtime 1x -count 3 ./password
# auth (issue 3): VerifyAccess (with revocation check) vs bare ParseWithClaims, interleaved.
run auth -bench '^Benchmark(Verify|VerifyVsBare|IssuePair|Refresh)$' -benchtime 1s -count 6 ./auth
# accounts (issue 4): whole login path at cost 12 vs bare bcrypt compare.
run accounts -bench '^BenchmarkAccountsLogin' -benchtime 10x -count 4 ./auth
# ratelimit (issue 5): memory store vs x/time/rate and httprate.
run ratelimit -bench '^BenchmarkMemory$' -cpu 1,2 -count 5 ./ratelimit
# cryptofield (issue 6): AEAD and Fernet throughput.
run cryptofield -bench '^Benchmark(Keyring|Fernet)' -count 5 ./cryptofield
# upload (issue 6): bytes allocated per 10 MiB upload.
run upload -bench '^Benchmark(StoreSave10MiB|Validate10MiB)$' -benchtime 20x -count 3 ./upload
# audit (issue 7): one audited event vs a bare slog Info.
run audit -bench '^BenchmarkAuditEvent$' -count 6 ./audit
# pathfinding (issue 11): nearest-slot query.
run route -bench '^BenchmarkNearestSlot' -count 5 ./internal/parking/route

# stores (issue 8): the login-path operations on each backend (MongoDB and
# Redis only when their test variables are set).
run stores -bench '^Benchmark(UserByEmail|AttemptReserve|RotateFamily|AuditAppend)$' -benchtime 300x -count 3 \
  ./store/memory ./store/bolt ./store/mongo ./store/redis

if command -v benchstat >/dev/null 2>&1; then
  for f in "$OUT"/*.txt; do
    echo "### $(basename "$f" .txt)"
    benchstat "$f" || true
  done > "$OUT/benchstat.txt"
  echo "benchstat summaries: $OUT/benchstat.txt" >&2
fi
