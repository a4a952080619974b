// Package config reads the AutoSpot reference server's configuration from
// environment variables.
//
// # Sources
//
// [Load] reads every setting through an injected getenv function (tests
// pass a map). The seed document's names are kept where it has them
// (ENV, MONGODB_URI, REDIS_URL, JWT_SECRET_KEY); every other setting is
// AUTOSPOT_*. Each secret may instead be given as a file: NAME_FILE names a
// file whose content (trailing newline trimmed) is the value, the usual
// container-secret convention. Setting both NAME and NAME_FILE is an error.
//
// # Development defaults
//
// With no variables at all the server runs: data under ./data, the
// development mailer's outbox under ./data/outbox, and development secrets
// generated on first start and kept in ./data/dev-secrets.json (mode 0600)
// so that sessions survive restarts. [Config.Warnings] then says, loudly,
// that these secrets are for development only.
//
// # Production
//
// With ENV=production nothing is generated. [Load] refuses to return a
// configuration with a missing or weak secret (shorter than 32 bytes, or a
// known placeholder such as the seed's "cryptographically-strong-random-key"),
// a wildcard CORS origin, a MongoDB or Redis URI without credentials, a
// non-HTTPS public URL or a bcrypt cost below [MinProductionBcryptCost]. Every
// problem is reported at once in one [*Error].
//
// # Concurrency
//
// A [Config] is a plain value; once loaded it is read-only and safe for
// concurrent use.
package config
