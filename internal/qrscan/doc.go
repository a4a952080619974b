// Package qrscan stores the entrance codes a driver has scanned, for
// GET /qr/list: one [Record] per (driver, code), so scanning the same code
// again adds nothing (the original inserted a record per call, domain
// spec §15.14).
//
// A record's id is derived from the driver and a SHA-256 of the code
// ([ID]); the code itself is not stored. Every [Repository] method names
// the driver, so no driver can list or delete another's records. [Add]
// is an insert of that id and nothing else (no read-then-write, no
// conditional update: FerretDB v1 does not apply those atomically), so
// concurrent scans of one code store one record. [Memory], [Bolt] and
// [Mongo] pass qrscantest.Run. All types are safe for concurrent use.
//
// [Add]: Repository
package qrscan
