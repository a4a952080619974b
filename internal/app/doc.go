// Package app assembles the AutoSpot reference server from a
// [config.Config]: it opens the stores, builds the library services and
// hands them to internal/server. The binary's subcommands (serve, user
// create-admin, audit verify) all start from [Open].
//
// # Storage
//
//	data                          no variables (embedded)       MONGODB_URI             REDIS_URL
//	users, profiles               bolt (DataDir/autospot.db,    bolt (store/mongo has   —
//	                              DataDir/profiles.db)          no UserStore yet)
//	refresh families, audit trail bolt                          MongoDB                 —
//	revocations, attempts, codes, bolt                          MongoDB (revocations)   Redis
//	pending registrations, resets
//	rate-limit counters           memory                        memory                  Redis
//
// # Concurrency
//
// An [App] is built once; its parts are safe for concurrent use. Close
// releases everything it opened, in reverse order.
package app
