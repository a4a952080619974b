// Package fare holds parking rate tables and prices fares in integer
// cents.
//
// # Rates
//
// A [Table] is one facility's configuration: a currency, default
// [Rates], rates per destination (exact, case-sensitive keys: no
// substring matching of names), weekday peak windows and public holidays.
// A price is cents per hour; a surcharge is basis points of the base
// cost (2000 = the original's 0.2). [Table.Validate] lists every problem:
// negative or unbounded values, malformed keys, windows and dates.
// [ParseCents] and [ParseBasisPoints] read operator input such as "6.50"
// and "0.2" exactly, without floats. [OriginalTable] is the original's
// parking_rates.json, and [ParseOriginalJSON] imports that file (or its
// Mongo document) exactly.
//
// # Quotes
//
// [Quoter.Quote] follows the original's formula: base = rate × duration;
// peak, weekend and public-holiday surcharges are fractions of the base
// and stack; peak is judged by the start time on weekdays (ends
// included). All arithmetic is exact and each part is rounded half-up to
// the cent. A missing date or time defaults to now in Australia/Sydney
// (the zone database is embedded with time/tzdata, so it works without
// system tzdata); the clock is injected with [WithClock]. Malformed input
// is [ErrMalformed] (a 422), impossible values [ErrOutOfRange] (a 400).
//
// A [Quoter] is immutable and safe for concurrent use; a *[Table] is a
// plain value that must not be mutated while shared.
package fare
