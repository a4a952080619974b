// Package subscription implements AutoSpot's plans: basic (free) and
// premium ($20.00 AUD per 30 days, [PriceCents], [Period]), with premium's
// benefits — three pending payments instead of one, and choosing a slot —
// enforced by the server.
//
// # Service
//
// [Service.Status] reports a driver's plan and downgrades an expired
// premium when read. [Service.Upgrade] pays from the wallet through the
// wallet's atomic, idempotent debit: the upgrade is reserved in the
// subscription with a fresh key, paid with that key, then completed, so
// concurrent or retried upgrades pay once. [Service.PendingLimit] is the
// pay-later limit of the driver's plan.
//
// # Backends
//
// [Repository] is a compare-and-set register per driver: [Memory],
// [Bolt] and [Mongo] (immutable versions with unique _id) pass
// subscriptiontest.Run. All types are safe for concurrent use.
package subscription
