#!/usr/bin/env bash
# Side-by-side HTTP benchmark: the AutoSpot Secure server (cmd/autospot)
# against the seed's own stack (bench/http/seed_app.py: FastAPI + PyJWT +
# passlib under uvicorn), same machine, same load, loopback only. Prints a
# markdown table on stdout; raw wrk output goes to $KEEP or a temp dir.
#
#   bash bench/http/run.sh                  # 10 s per wrk run (~3 min total)
#   DURATION=5 bash bench/http/run.sh       # quicker, noisier
#
# Measures:
#   1. authenticated GET /auth/profile: requests/s, p50, p99 (wrk, CONNS connections)
#   2. login at bcrypt cost 12: successful logins/s against the bound
#      GOMAXPROCS ÷ one cost-12 verification (bench/http/bcryptbound)
#   3. GET /auth/profile p50/p99 while a login flood saturates the hasher
#   4. server RSS (VmRSS) idle and at most under 1000 concurrent connections
#
# Needs: go, wrk, curl, Debian's python3-fastapi python3-uvicorn
# python3-jwt python3-passlib (apt-get install -y wrk python3-fastapi
# python3-uvicorn python3-jwt python3-passlib python3-bcrypt).
# AUTOSPOT_BIN=path uses a prebuilt server instead of building ./cmd/autospot.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10}"
LOGIN_DURATION="${LOGIN_DURATION:-$(( DURATION > 20 ? DURATION : 20 ))}"
CONNS="${CONNS:-64}"
PY="${PYTHON:-/usr/bin/python3}"
GO_PORT="${GO_PORT:-18611}"
PY_PORT="${PY_PORT:-18612}"
NPROC=$(nproc)

for tool in wrk curl go; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
"$PY" -c 'import fastapi, uvicorn, jwt, passlib, bcrypt' 2>/dev/null ||
  { echo "run.sh: $PY needs python3-fastapi python3-uvicorn python3-jwt python3-passlib python3-bcrypt" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work="${KEEP:-$(mktemp -d)}"
mkdir -p "$work"
pids=()
cleanup() {
  # Children first (uvicorn's workers), then the processes started here.
  for p in "${pids[@]}"; do
    for c in $(pgrep -P "$p" || true); do kill "$c" 2>/dev/null || true; done
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
log() { echo "# $*" >&2; }

wait_health() { # url
  for _ in $(seq 1 200); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "run.sh: $1 not healthy" >&2; return 1
}
json() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
rss_kb() { # pids... → summed VmRSS in KiB
  local t=0 v
  for p in "$@"; do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
tree_pids() { echo "$1" $(pgrep -P "$1" || true); }

LOAD0=$(cut -d' ' -f1 /proc/loadavg)

# ---- the bound ----
log "timing one bcrypt cost-12 verification"
go build -o "$work/bcryptbound" ./bench/http/bcryptbound
"$work/bcryptbound" -cost 12 -n 8 >"$work/line" && read -r VERIFY_S PROCS BOUND <"$work/line"

# ---- the Go server ----
if [ -n "${AUTOSPOT_BIN:-}" ]; then
  bin="$AUTOSPOT_BIN"
else
  log "building ./cmd/autospot"
  go build -trimpath -o "$work/autospot" ./cmd/autospot
  bin="$work/autospot"
fi
"$bin" keys | grep -v '^#' > "$work/keys.env"
PASSWORD="Gx9!$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')#mQ2"
EMAIL="bench@example.com"
env -i PATH="$PATH" HOME="$HOME" $(cat "$work/keys.env") \
  ENV=development AUTOSPOT_ADDR="127.0.0.1:$GO_PORT" AUTOSPOT_TRUSTED_PROXIES=127.0.0.1 AUTOSPOT_DATA_DIR="$work/go-data" \
  AUTOSPOT_BCRYPT_COST=12 AUTOSPOT_LOG_LEVEL=error AUTOSPOT_HASH_CONCURRENCY="${AUTOSPOT_HASH_CONCURRENCY:-0}" \
  AUTOSPOT_API_RATE=1000000/second AUTOSPOT_AUTH_RATE=1000000/second AUTOSPOT_LOGIN_RATE=1000000/second \
  "$bin" serve >"$work/go.log" 2>&1 &
go_pid=$!; pids+=("$go_pid")
wait_health "http://127.0.0.1:$GO_PORT/api/health"
ticket=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"username\":\"bench\",\"password\":\"$PASSWORD\",\"full_name\":\"Bench User\"}" \
  "http://127.0.0.1:$GO_PORT/auth/register" | json ticket)
code=""
for _ in $(seq 1 50); do
  code=$("$PY" bench/http/mailcode.py "$work/go-data/outbox" "$EMAIL" 2>/dev/null) && break
  sleep 0.1
done
[ -n "$code" ] || { echo "run.sh: no verification code in $work/go-data/outbox" >&2; exit 1; }
curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"ticket\":\"$ticket\",\"code\":\"$code\"}" \
  "http://127.0.0.1:$GO_PORT/auth/verify-email" >/dev/null
GO_TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$GO_PORT/auth/login" | json access_token)

# ---- the seed's stack ----
secret=$(grep '^JWT_SECRET_KEY=' "$work/keys.env" | cut -d= -f2-)
JWT_SECRET_KEY="$secret" BENCH_EMAIL="$EMAIL" BENCH_PASSWORD="$PASSWORD" \
  "$PY" -m uvicorn seed_app:app --app-dir bench/http --host 127.0.0.1 --port "$PY_PORT" \
  --workers "$NPROC" --log-level warning --no-access-log >"$work/py.log" 2>&1 &
py_pid=$!; pids+=("$py_pid")
wait_health "http://127.0.0.1:$PY_PORT/api/health"
sleep 2 # every worker up
PY_TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$PY_PORT/auth/login" | json access_token)
for which in GO PY; do
  port_var="${which}_PORT"; tok_var="${which}_TOKEN"
  curl -fsS -o /dev/null -H "Authorization: Bearer ${!tok_var}" "http://127.0.0.1:${!port_var}/auth/profile"
done

GO_IDLE=$(rss_kb "$go_pid")
PY_IDLE=$(rss_kb $(tree_pids "$py_pid"))

# Each login comes from its own client address (X-Forwarded-For from
# 198.18.0.0/15; the Go server trusts 127.0.0.1 as its proxy, the seed app
# ignores the header): the server reserves at most 5 attempts in flight per
# account and client, which one address with 16 connections would hit.
cat > "$work/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"email":"$EMAIL","password":"$PASSWORD"}'
wrk.headers["Content-Type"] = "application/json"
math.randomseed(os.time())
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("198.%d.%d.%d", 18 + math.random(0, 1), math.random(0, 255), math.random(1, 250))
  return wrk.format()
end
LUA

# wrk summary → "rps p50_ms p99_ms ok_per_s errors"
parse() {
  awk -v dur="$2" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /requests in/ { total = $1; secs = $4 + 0 }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx/ { bad = $5 }
    /Socket errors/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    END { if (secs == 0) secs = dur; printf "%.1f %.2f %.2f %.2f %d\n", rps, p50, p99, (total - bad) / secs, bad + err }' "$1"
}
settle() { sleep "${SETTLE:-3}"; } # let the previous run's in-flight work drain
get_run() { # name port token conns duration
  settle
  wrk -t2 -c"$4" -d"$5"s --timeout 10s --latency -H "Authorization: Bearer $3" \
    "http://127.0.0.1:$2/auth/profile" >"$work/$1.txt" 2>&1
  parse "$work/$1.txt" "$5"
}
login_run() { # name port conns duration
  settle
  wrk -t2 -c"$3" -d"$4"s --timeout 20s --latency -s "$work/login.lua" \
    "http://127.0.0.1:$2/auth/login" >"$work/$1.txt" 2>&1
  parse "$work/$1.txt" "$4"
}

log "1/4 GET /auth/profile, $CONNS connections, ${DURATION}s each"
get_run go-warm "$GO_PORT" "$GO_TOKEN" "$CONNS" 2 >/dev/null
get_run go-get "$GO_PORT" "$GO_TOKEN" "$CONNS" "$DURATION" >"$work/line" && read -r GO_RPS GO_P50 GO_P99 _ GO_ERR <"$work/line"
get_run py-warm "$PY_PORT" "$PY_TOKEN" "$CONNS" 2 >/dev/null
get_run py-get "$PY_PORT" "$PY_TOKEN" "$CONNS" "$DURATION" >"$work/line" && read -r PY_RPS PY_P50 PY_P99 _ PY_ERR <"$work/line"

log "2/4 POST /auth/login at cost 12, 16 connections, ${LOGIN_DURATION}s each"
login_run go-login-warm "$GO_PORT" 2 3 >/dev/null
login_run go-login "$GO_PORT" 16 "$LOGIN_DURATION" >"$work/line" && read -r _ GO_LP50 GO_LP99 GO_LOGIN GO_LERR <"$work/line"
settle
"$work/bcryptbound" -cost 12 -for "${LOGIN_DURATION}s" >"$work/line" && read -r PAR_RATE <"$work/line"
login_run py-login-warm "$PY_PORT" 2 3 >/dev/null
login_run py-login "$PY_PORT" 16 "$LOGIN_DURATION" >"$work/line" && read -r _ PY_LP50 PY_LP99 PY_LOGIN PY_LERR <"$work/line"

log "3/4 GET /auth/profile (16 connections) during a login flood (16 connections)"
mixed() { # name port token → GET line; the flood runs around the GET run
  settle
  SETTLE=0 login_run "$1-flood" "$2" 16 $((DURATION + 3)) >"$work/$1-flood.parsed" &
  local f=$!
  sleep 1.5
  SETTLE=0 get_run "$1-get" "$2" "$3" 16 "$DURATION"
  wait "$f"
}
mixed go-mixed "$GO_PORT" "$GO_TOKEN" >"$work/line" && read -r _ GO_MP50 GO_MP99 GO_MOK GO_MERR <"$work/line"
read -r _ _ _ GO_MLOGIN _ <"$work/go-mixed-flood.parsed"
mixed py-mixed "$PY_PORT" "$PY_TOKEN" >"$work/line" && read -r _ PY_MP50 PY_MP99 PY_MOK PY_MERR <"$work/line"
read -r _ _ _ PY_MLOGIN _ <"$work/py-mixed-flood.parsed"

log "4/4 RSS under 1000 concurrent connections"
peak() { # pids-command → max summed VmRSS while wrk runs
  local name=$1 port=$2 tok=$3; shift 3
  wrk -t2 -c1000 -d"$DURATION"s --timeout 10s -H "Authorization: Bearer $tok" \
    "http://127.0.0.1:$port/auth/profile" >"$work/$name-1000.txt" 2>&1 &
  local w=$! max=0 v
  while kill -0 "$w" 2>/dev/null; do
    v=$(rss_kb $("$@")); [ "$v" -gt "$max" ] && max=$v
    sleep 0.25
  done
  wait "$w" || true
  echo "$max"
}
GO_PEAK=$(peak go "$GO_PORT" "$GO_TOKEN" echo "$go_pid")
PY_PEAK=$(peak py "$PY_PORT" "$PY_TOKEN" tree_pids "$py_pid")
parse "$work/go-1000.txt" "$DURATION" >"$work/line" && read -r GO_C1000 _ _ _ GO_C1000ERR <"$work/line"
parse "$work/py-1000.txt" "$DURATION" >"$work/line" && read -r PY_C1000 _ _ _ PY_C1000ERR <"$work/line"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
lat() { awk -v ok="$1" -v a="$2" -v b="$3" -v d="$DURATION" 'BEGIN { if (ok > 0) printf "%s / %s ms", a, b; else printf "none answered in %d s", d }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

cat <<TABLE
## HTTP, side by side ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${DURATION}s per run, load average at start $LOAD0)

| measure | AutoSpot Secure (Go) | seed stack (FastAPI, $NPROC uvicorn workers) | ratio / goal |
|---|---|---|---|
| GET /auth/profile, $CONNS conns: requests/s | $GO_RPS | $PY_RPS | $(ratio "$GO_RPS" "$PY_RPS") (goal ≥ 40×) |
| GET /auth/profile: p50 / p99 | $GO_P50 / $GO_P99 ms | $PY_P50 / $PY_P99 ms | |
| GET /auth/profile: errors + non-2xx | $GO_ERR | $PY_ERR | |
| login, cost 12, 16 conns, ${LOGIN_DURATION}s: successful logins/s | $GO_LOGIN | $PY_LOGIN | Go at $(pct "$GO_LOGIN" "$BOUND") of the bound (goal ≥ 90%) |
| bound: GOMAXPROCS ÷ one cost-12 verify | $PROCS ÷ $(awk -v s="$VERIFY_S" 'BEGIN{printf "%.0f ms", s*1000}') = $BOUND/s | | |
| bare cost-12 verifies/s on $PROCS goroutines, just after | $PAR_RATE | | Go login at $(pct "$GO_LOGIN" "$PAR_RATE") of it |
| login: p50 / p99, errors (non-2xx + socket) | $GO_LP50 / $GO_LP99 ms, $GO_LERR | $PY_LP50 / $PY_LP99 ms, $PY_LERR | |
| GET p50 / p99 during a login flood (16 conns) | $(lat "$GO_MOK" "$GO_MP50" "$GO_MP99") | $(lat "$PY_MOK" "$PY_MP50" "$PY_MP99") | goal: Go p99 < 10 ms |
| GET requests/s, errors, during the flood | $GO_MOK, $GO_MERR | $PY_MOK, $PY_MERR | |
| logins/s during the flood | $GO_MLOGIN | $PY_MLOGIN | |
| RSS idle | $(mib "$GO_IDLE") | $(mib "$PY_IDLE") (all workers) | |
| RSS peak, 1000 concurrent connections | $(mib "$GO_PEAK") | $(mib "$PY_PEAK") (all workers) | |
| GET requests/s, errors at 1000 connections | $GO_C1000, $GO_C1000ERR | $PY_C1000, $PY_C1000ERR | |
TABLE
