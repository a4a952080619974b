// Package boltrepo stores car-park maps and rate tables in a bbolt
// (go.etcd.io/bbolt) file: the embedded backend of
// [parking.MapRepository] and [parking.RateRepository].
//
// # Usage
//
// [New] takes an open *bbolt.DB, so the server can keep maps in the same
// file as its other embedded stores; [Open] opens (or creates) a file of
// its own, and [Store.Close] closes only a file it opened:
//
//	s, err := boltrepo.Open("data/parking.db")
//	if err != nil { … }
//	defer s.Close()
//	var maps parking.MapRepository = s
//	var rates parking.RateRepository = s
//
// # Layout
//
// Four buckets, created by [New]: "parking.maps" (map id → JSON
// document), "parking.maps.versions" (map id → version, so
// [Store.MapVersion] answers without decoding the map),
// "parking.maps.bybuilding" ([parking.BuildingKey] → map id) and
// "parking.rates" (facility id → JSON table). Every write is one
// read-write transaction, committed and fsynced before the method
// returns, so the version check, the building-name index and the
// document always change together: of concurrent updates based on one
// version exactly one succeeds. Documents are validated before they are
// written and decoded with [parking.ParseMap] when read, so a damaged
// record is reported ([ErrCorrupt]) rather than served.
//
// # Concurrency
//
// A [Store] is safe for concurrent use; bbolt serialises writers and lets
// readers run in parallel.
package boltrepo
