#!/usr/bin/env bash
# Fernet in Go (cryptofield) against Python's cryptography.fernet on the
# same values: b"a"*32 (an e-mail-sized field) and b"a"*1024. Runs the Go
# benchmarks and a Python timeit with /usr/bin/python3, and prints the
# operations per second of each and the ratio.
#
#   bash bench/fernet/run.sh            # defaults: -benchtime 1s, 3 runs
#   BENCHTIME=200ms COUNT=1 bash bench/fernet/run.sh
#
# Needs Debian's python3-cryptography (apt-get install -y python3-cryptography).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCHTIME="${BENCHTIME:-1s}"
COUNT="${COUNT:-3}"
PY="${PYTHON:-/usr/bin/python3}"

if ! "$PY" -c 'import cryptography.fernet' 2>/dev/null; then
  echo "$PY with python3-cryptography is required" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== Go: go test -run '^\$' -bench 'BenchmarkFernet(Encrypt|Decrypt)' -benchtime $BENCHTIME -count $COUNT ./cryptofield"
go test -run '^$' -bench 'BenchmarkFernet(Encrypt|Decrypt)' -benchtime "$BENCHTIME" -count "$COUNT" ./cryptofield | tee "$tmp/go.txt" | grep '^Benchmark'
# Best (lowest) ns/op per case → ops/s.
awk '/^BenchmarkFernet/ {
       split($1, a, "/"); op = (a[1] ~ /Encrypt/) ? "encrypt" : "decrypt";
       size = a[2]; sub(/-[0-9]+$/, "", size);
       key = op " " size; ns = $3 + 0;
       if (!(key in best) || ns < best[key]) best[key] = ns
     }
     END { for (k in best) printf "go %s %.0f\n", k, 1e9 / best[k] }' "$tmp/go.txt" > "$tmp/go.rates"

echo
echo "== Python: $PY bench/fernet/fernet_bench.py $COUNT"
"$PY" bench/fernet/fernet_bench.py "$COUNT" | tee "$tmp/py.txt"
grep '^python ' "$tmp/py.txt" > "$tmp/py.rates"

echo
printf '%-8s %-7s %14s %14s %8s\n' op size "Go ops/s" "Python ops/s" "Go/Py"
for op in encrypt decrypt; do
  for size in 32B 1024B; do
    g=$(awk -v o="$op" -v s="$size" '$2 == o && $3 == s { print $4 }' "$tmp/go.rates")
    p=$(awk -v o="$op" -v s="$size" '$2 == o && $3 == s { print $4 }' "$tmp/py.rates")
    awk -v o="$op" -v s="$size" -v g="$g" -v p="$p" 'BEGIN { printf "%-8s %-7s %14.0f %14.0f %7.1fx\n", o, s, g, p, g / p }'
  done
done
