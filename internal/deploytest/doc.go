// Package deploytest checks the deployment files at the root of the
// repository — Dockerfile, docker-compose.yml, deploy/nginx.conf — and
// shows the reference server scaling horizontally. It has no API: every
// check is a test.
//
// # What is checked
//
//   - The Dockerfile: multi-stage, static (CGO_ENABLED=0, -trimpath),
//     a non-root USER, a HEALTHCHECK through `autospot healthcheck`.
//   - docker-compose.yml, parsed: the services are there, no secret is
//     written inline (they come from .env), MongoDB runs with --auth,
//     Redis with requirepass and appendonly, every service has a
//     healthcheck, the replicas trust exactly nginx's fixed address.
//   - deploy/nginx.conf: `nginx -t` with Debian's nginx, the paths, ports
//     and upstream addresses rewritten into a temporary directory (skipped
//     when nginx is not installed).
//
// # Horizontal scale
//
// With AUTOSPOT_TEST_SCALE=1, AUTOSPOT_TEST_REDIS_ADDR and
// AUTOSPOT_TEST_MONGODB_URI set, TestScale builds the server, starts two
// replicas sharing Redis and the MongoDB-wire server (a database and key
// prefix unique to the run) behind nginx running the project's own
// configuration with a freshly generated test certificate, and shows over
// HTTPS on loopback: a user registered through one replica logs in
// through the other; a refresh token rotated on one is refused as spent
// on the other; the login rate limit is shared; with one replica killed,
// requests keep succeeding through the other.
package deploytest
