#!/usr/bin/env bash
# Generate a self-signed TEST certificate for api.autospot.it.com into
# deploy/certs/ (git-ignored by .dockerignore; never commit keys), so the
# compose stack can be tried locally:
#
#   bash deploy/gen-test-cert.sh && docker compose --env-file .env up -d --build
#   curl --cacert deploy/certs/autospot.crt --resolve api.autospot.it.com:443:127.0.0.1 \
#        https://api.autospot.it.com/health
#
# Production uses a real certificate (e.g. from Let's Encrypt) at the same
# paths. internal/deploytest generates its own in Go, per run.
set -euo pipefail
dir="$(dirname "$0")/certs"
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/O=AutoSpot TEST ONLY/CN=api.autospot.it.com" \
  -addext "subjectAltName=DNS:api.autospot.it.com,IP:127.0.0.1" \
  -addext "extendedKeyUsage=serverAuth" \
  -keyout "$dir/autospot.key" -out "$dir/autospot.crt" 2>/dev/null
chmod 644 "$dir/autospot.crt"
echo "wrote $dir/autospot.crt and $dir/autospot.key (TEST ONLY, 30 days)"
