// Package emissions estimates the CO₂ a driver saves by being guided to
// a slot instead of searching, with the original's constants
// ([DefaultFactor] 0.194 g/m, [DefaultBaseline] 100 m), rounding and
// messages, and a dynamic baseline from the car park's size and occupancy
// ([DynamicBaseline], clamped to 20–500 m).
//
// # Records
//
// Each estimate the server makes for a driver is stored as a [Record]
// owned by that driver: every [Repository] method names the driver, so
// no driver can read or delete another's. [Memory], [Bolt] and [Mongo]
// pass emissionstest.Run. All types are safe for concurrent use.
package emissions
